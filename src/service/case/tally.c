/* tally.c - the case tallies the scoreboard reads (migration 080): called
 * by the change plan (plan.c) inside the transaction that closes a case,
 * so the counters never disagree with the cases; case_tally_rebuild()
 * recomputes them from the closed cases (cases loaded without the plan:
 * the demo's history, data brought over). One row per closing day
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

/* What one closure adds, from the case as it closes (or as it closed). */
struct closure {
	int64_t id, dept_id, item_id, created_at, closed_at;
	int64_t bundle_id;        /* 0: no bundle (set when the case is made) */
	int trips, statutory_days;
	const char *day;          /* the closing day YYYY-MM-DD */
	const char *decision, *channel, *accepted_day, *due_day, *overdue_day;
};

/* Whether this case is the first of its bundle to close (no other case of
 * the bundle closed before it); true without a bundle. */
static int
bundle_first(struct db *db, const struct closure *k, bool *first,
    struct err *e)
{
	int64_t n = 0;
	int rc;

	*first = true;
	if (k->bundle_id == 0)
		return 0;
	rc = db_query_int(db, e, &n, "SELECT COUNT(*) FROM cases WHERE "
	    "bundle_id = ? AND id <> ? AND closed_at IS NOT NULL AND "
	    "(closed_at < ? OR (closed_at = ? AND id < ?))", "iiiii",
	    k->bundle_id, k->id, k->closed_at, k->closed_at, k->id);
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

static int
tally_add(struct ctx *c, struct db *db, const struct closure *k,
    struct err *e)
{
	const struct calendar *cal = NULL;
	struct tally t;
	char created[11], month[8];
	const char *today = k->day;
	int32_t a, b;
	bool first;
	int trips = k->trips, rc;

	memset(&t, 0, sizeof(t));
	clock_date(k->created_at, created);
	rc = bundle_first(db, k, &first, e);
	if (rc == 0)
		rc = materials_count(db, k->id, &t, e);
	if (rc != 0)
		return rc;
	if (k->bundle_id != 0) {
		t.bundle_cases = 1;
		t.bundles = first;
	}
	if (first) {
		t.closed = 1;
		t.approved = k->decision != NULL &&
		    strcmp(k->decision, "approved") == 0;
		t.le_one_trip = trips <= 1;
		t.zero_trip = trips == 0;
		t.same_day = strcmp(today, created) == 0;
		t.online = strcmp(k->channel, "online") == 0;
		if (k->accepted_day != NULL && k->accepted_day[0] != '\0' &&
		    k->statutory_days > 0) {
			rc = case_calendar_current(c, &cal, e);
			if (rc != 0)
				return rc;
			if (calendar_day_parse(k->accepted_day, &a, e) != 0 ||
			    calendar_day_parse(today, &b, e) != 0)
				return err_internal(e, "bad case day");
			t.timed = 1;
			t.days_used = calendar_workdays_between(cal, a, b);
			if (t.days_used < 0)
				t.days_used = 0;
			t.days_limit = k->statutory_days;
			t.on_time = k->overdue_day[0] == '\0' &&
			    (k->due_day[0] == '\0' ||
			    strcmp(today, k->due_day) <= 0);
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
	    "siIIIIIIIIIIiiII", today, k->dept_id, t.closed, t.approved,
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
	    "siiII", month, k->item_id, k->dept_id, trips > 1 ? 1 : 0, trips);
}

int
case_tally_close(struct case_plan *p, struct db *db, struct err *e)
{
	const struct case_row *r = p->row;
	struct closure k;
	char today[11];

	case_today(today);
	memset(&k, 0, sizeof(k));
	k.id = r->id;
	k.dept_id = r->dept_id;
	k.item_id = r->item_id;
	k.bundle_id = r->bundle_id;
	k.created_at = r->created_at;
	k.closed_at = INT64_MAX;      /* every other closed case is earlier */
	k.trips = r->trips + p->add_trips;
	k.statutory_days = p->facts->statutory_days;
	k.day = today;
	k.decision = p->decision;
	k.channel = r->channel;
	k.accepted_day = p->accepted_day;
	k.due_day = r->due_day;
	k.overdue_day = r->overdue_day;
	return tally_add(p->c, db, &k, e);
}

/* ---- rebuilding from the cases ---- */

struct rebuild_tx {
	struct ctx *c;
	int count;
};

static int
rebuild_fn(struct db *db, void *arg, struct err *e)
{
	struct rebuild_tx *t = arg;
	json_t *rows;
	size_t i;
	json_t *v;
	int rc;

	t->count = 0;
	rc = db_exec(db, e, "DELETE FROM case_tally_day", "");
	if (rc == 0)
		rc = db_exec(db, e, "DELETE FROM case_tally_item", "");
	if (rc != 0)
		return rc;
	rows = db_query_json(db, e, "SELECT id, dept_id, item_id, "
	    "COALESCE(bundle_id, 0) AS bundle_id, "
	    "item_version_id, created_at, closed_at, trips, "
	    "COALESCE(decision, '') AS decision, channel, "
	    "COALESCE(accepted_day, '') AS accepted_day, "
	    "COALESCE(due_day, '') AS due_day, "
	    "COALESCE(overdue_day, '') AS overdue_day FROM cases WHERE "
	    "closed_at IS NOT NULL ORDER BY closed_at, id", "");
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, v) {
		const struct item_facts *f = NULL;
		struct closure k;
		char day[11];

#define JI(key) ((int64_t)json_integer_value(json_object_get(v, key)))
#define JS(key) json_string_value(json_object_get(v, key))
		rc = item_facts_get(t->c, JI("item_version_id"), &f, e);
		if (rc != 0)
			break;
		memset(&k, 0, sizeof(k));
		k.id = JI("id");
		k.dept_id = JI("dept_id");
		k.item_id = JI("item_id");
		k.bundle_id = JI("bundle_id");
		k.created_at = JI("created_at");
		k.closed_at = JI("closed_at");
		k.trips = (int)JI("trips");
		k.statutory_days = f->statutory_days;
		clock_date(k.closed_at, day);
		k.day = day;
		k.decision = JS("decision");
		k.channel = JS("channel");
		k.accepted_day = JS("accepted_day");
		k.due_day = JS("due_day");
		k.overdue_day = JS("overdue_day");
#undef JI
#undef JS
		rc = tally_add(t->c, db, &k, e);
		item_facts_put(f);
		if (rc != 0)
			break;
		t->count++;
	}
	json_decref(rows);
	return rc;
}

int
case_tally_rebuild(struct ctx *c, int *count, struct err *e)
{
	struct rebuild_tx t;
	int rc;

	*count = 0;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_SYSADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有系统管理员可以重算办件统计");
	t.c = c;
	rc = db_tx(c->db, rebuild_fn, &t, e);
	if (rc == 0)
		*count = t.count;
	return rc;
}
