/* tally.c - the case tallies the scoreboard reads (migration 080): called
 * by the change plan (plan.c) inside the transaction that closes a case,
 * so the counters never disagree with the cases. One row per closing day
 * and department (case_tally_day) and one per month and item
 * (case_tally_item). A 一件事 bundle counts once in the shares: only the
 * first of its cases to close enters them; every bundled case adds to
 * bundle_cases (service/stats reads "submissions saved by bundles" as
 * bundle_cases - bundles). */
#include "service/case/case_internal.h"

#include <string.h>

#include "base/clock.h"
#include "service/case/case.h"
#include "store/db.h"

struct tally {
	int closed, approved, le_one_trip, zero_trip, same_day, online;
	int timed, on_time, days_used, days_limit;
	int64_t materials, reused;
	int bundle_cases, bundles;
};

/* Whether this case is the first of its bundle to close; 0 = no bundle. */
static int
bundle_first(struct db *db, int64_t case_id, int64_t *bundle_id, bool *first,
    struct err *e)
{
	int64_t n = 0;
	int rc;

	*bundle_id = 0;
	*first = true;
	rc = db_query_int(db, e, bundle_id, "SELECT COALESCE(bundle_id, 0) "
	    "FROM cases WHERE id = ?", "i", case_id);
	if (rc < 0)
		return rc;
	if (*bundle_id == 0)
		return 0;
	rc = db_query_int(db, e, &n, "SELECT COUNT(*) FROM cases WHERE "
	    "bundle_id = ? AND id <> ? AND closed_at IS NOT NULL", "ii",
	    *bundle_id, case_id);
	if (rc < 0)
		return rc;
	*first = n == 0;
	return 0;
}

static int
materials_count(struct db *db, int64_t case_id, struct tally *t,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(db, e, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN "
	    "reused_from IS NOT NULL AND reused_from <> '' THEN 1 ELSE 0 END), "
	    "0) FROM case_materials WHERE case_id = ? AND status = 'provided'",
	    "i", case_id);
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		t->materials = db_col_int(s, 0);
		t->reused = db_col_int(s, 1);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

int
case_tally_close(struct case_plan *p, struct db *db, struct err *e)
{
	const struct case_row *r = p->row;
	const struct calendar *cal = NULL;
	struct tally t;
	int64_t bundle_id;
	char today[11], created[11], month[8];
	int32_t a, b;
	bool first;
	int trips = r->trips + p->add_trips, rc;

	memset(&t, 0, sizeof(t));
	case_today(today);
	clock_date(r->created_at, created);
	rc = bundle_first(db, r->id, &bundle_id, &first, e);
	if (rc == 0)
		rc = materials_count(db, r->id, &t, e);
	if (rc != 0)
		return rc;
	if (bundle_id != 0) {
		t.bundle_cases = 1;
		t.bundles = first;
	}
	if (first) {
		t.closed = 1;
		t.approved = p->decision != NULL &&
		    strcmp(p->decision, "approved") == 0;
		t.le_one_trip = trips <= 1;
		t.zero_trip = trips == 0;
		t.same_day = strcmp(today, created) == 0;
		t.online = strcmp(r->channel, "online") == 0;
		if (p->accepted_day != NULL && p->accepted_day[0] != '\0' &&
		    p->facts->statutory_days > 0) {
			rc = case_calendar_current(p->c, &cal, e);
			if (rc != 0)
				return rc;
			if (calendar_day_parse(p->accepted_day, &a, e) != 0 ||
			    calendar_day_parse(today, &b, e) != 0)
				return err_internal(e, "bad case day");
			t.timed = 1;
			t.days_used = calendar_workdays_between(cal, a, b);
			if (t.days_used < 0)
				t.days_used = 0;
			t.days_limit = p->facts->statutory_days;
			t.on_time = r->overdue_day[0] == '\0' &&
			    (r->due_day[0] == '\0' ||
			    strcmp(today, r->due_day) <= 0);
		}
	}
	rc = db_exec(db, e, "INSERT INTO case_tally_day (day, dept_id, closed, "
	    "approved, le_one_trip, zero_trip, same_day, online, timed, on_time, "
	    "days_used, days_limit, materials, materials_reused, bundle_cases, "
	    "bundles) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (day, dept_id) DO UPDATE SET "
	    "closed = case_tally_day.closed + excluded.closed, "
	    "approved = case_tally_day.approved + excluded.approved, "
	    "le_one_trip = case_tally_day.le_one_trip + excluded.le_one_trip, "
	    "zero_trip = case_tally_day.zero_trip + excluded.zero_trip, "
	    "same_day = case_tally_day.same_day + excluded.same_day, "
	    "online = case_tally_day.online + excluded.online, "
	    "timed = case_tally_day.timed + excluded.timed, "
	    "on_time = case_tally_day.on_time + excluded.on_time, "
	    "days_used = case_tally_day.days_used + excluded.days_used, "
	    "days_limit = case_tally_day.days_limit + excluded.days_limit, "
	    "materials = case_tally_day.materials + excluded.materials, "
	    "materials_reused = case_tally_day.materials_reused + "
	    "excluded.materials_reused, "
	    "bundle_cases = case_tally_day.bundle_cases + excluded.bundle_cases, "
	    "bundles = case_tally_day.bundles + excluded.bundles",
	    "siIIIIIIIIIIiiII", today, r->dept_id, t.closed, t.approved,
	    t.le_one_trip, t.zero_trip, t.same_day, t.online, t.timed,
	    t.on_time, t.days_used, t.days_limit, t.materials, t.reused,
	    t.bundle_cases, t.bundles);
	if (rc != 0 || !first)
		return rc;
	memcpy(month, today, 7);
	month[7] = '\0';
	return db_exec(db, e, "INSERT INTO case_tally_item (month, item_id, "
	    "dept_id, closed, over_one_trip, max_trips) VALUES (?, ?, ?, 1, ?, ?) "
	    "ON CONFLICT (month, item_id) DO UPDATE SET "
	    "closed = case_tally_item.closed + 1, "
	    "over_one_trip = case_tally_item.over_one_trip + "
	    "excluded.over_one_trip, max_trips = CASE WHEN excluded.max_trips > "
	    "case_tally_item.max_trips THEN excluded.max_trips ELSE "
	    "case_tally_item.max_trips END",
	    "siiII", month, r->item_id, r->dept_id, trips > 1 ? 1 : 0, trips);
}
