/* deadlines.c - the working-day clock of cases.
 *
 * The calendar cache: one process-wide calendar built from the embedded
 * years and calendar_overrides, tagged with calendar_version and the
 * database handle. A caller gets a reference that stays valid until its
 * thread's next case_calendar_current() (or thread exit), so a rebuild never
 * frees a calendar another thread is still reading. */
#include "service/case/case.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/str.h"
#include "base/utf8.h"
#include "core/workflow.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define VERSION_CHECK_MS 1000.0

struct cal_ref {
	struct calendar *cal;
	int refs;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cal_ref *cache_cur;
static const struct db *cache_db;
static int64_t cache_version = -1;
static double cache_checked_ms;
static pthread_once_t held_once = PTHREAD_ONCE_INIT;
static pthread_key_t held_key;

/* Drops one reference; cache_mu held. */
static void
ref_release_locked(struct cal_ref *r)
{
	if (r == NULL)
		return;
	if (--r->refs == 0) {
		calendar_free(r->cal);
		free(r);
	}
}

static void
held_destroy(void *p)
{
	pthread_mutex_lock(&cache_mu);
	ref_release_locked(p);
	pthread_mutex_unlock(&cache_mu);
}

static void
held_init(void)
{
	pthread_key_create(&held_key, held_destroy);
}

int32_t
deadlines_today(void)
{
	char ds[11];
	int32_t day = 0;
	struct err e;

	clock_date(clock_now(), ds);
	calendar_day_parse(ds, &day, &e);
	return day;
}

int
case_calendar_build(struct ctx *c, struct calendar **out, struct err *e)
{
	struct calendar *cal;
	struct db_stmt *s;
	int rc, bad = 0;

	*out = NULL;
	cal = calendar_new();
	if (cal == NULL)
		return err_internal(e, "calendar_new: out of memory");
	rc = calendar_load_embedded(cal, e);
	if (rc != 0) {
		calendar_free(cal);
		return err_internal(e, "embedded calendar: %s", e->msg);
	}
	s = db_query(c->db, e, "SELECT day, kind, name FROM calendar_overrides "
	    "ORDER BY day", "");
	if (s == NULL) {
		calendar_free(cal);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *kind = db_col_text(s, 1);
		struct err re;
		int32_t day;

		if (calendar_day_parse(db_col_text(s, 0), &day, &re) != 0) {
			bad++;
			continue;
		}
		if (strcmp(kind, "normal") == 0) {
			calendar_unset(cal, day, &re); /* absent: already normal */
		} else if (strcmp(kind, "off") == 0 ||
		    strcmp(kind, "work") == 0) {
			if (calendar_set(cal, day, kind[0] == 'o' ? CALENDAR_OFF :
			    CALENDAR_WORK, db_col_text(s, 2), &re) != 0)
				bad++;
		} else {
			bad++;
		}
	}
	db_finish(s);
	if (rc < 0) {
		calendar_free(cal);
		return rc;
	}
	if (bad > 0)
		log_warn("calendar: %d invalid calendar_overrides rows ignored",
		    bad);
	/* Years whose whole schedule the hall loaded (case_calendar_load). */
	s = db_query(c->db, e, "SELECT year FROM calendar_years", "");
	if (s == NULL) {
		calendar_free(cal);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW)
		calendar_mark_year(cal, (int)db_col_int(s, 0));
	db_finish(s);
	if (rc < 0) {
		calendar_free(cal);
		return rc;
	}
	*out = cal;
	return 0;
}

static int
read_version(struct ctx *c, int64_t *v, struct err *e)
{
	int rc;

	rc = db_query_int(c->db, e, v, "SELECT version FROM calendar_version "
	    "WHERE id = 1", "");
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		*v = 0;
	return 0;
}

static int
current(struct ctx *c, bool force, const struct calendar **out,
    struct err *e)
{
	struct calendar *built = NULL;
	struct cal_ref *ref, *old;
	double now = clock_mono_ms();
	int64_t v = 0;
	bool check, fresh;
	int rc;

	*out = NULL;
	pthread_once(&held_once, held_init);
	pthread_mutex_lock(&cache_mu);
	check = force || cache_cur == NULL || cache_db != c->db ||
	    cache_version < 0 || now - cache_checked_ms >= VERSION_CHECK_MS;
	pthread_mutex_unlock(&cache_mu);
	if (check) {
		rc = read_version(c, &v, e);
		if (rc != 0)
			return rc;
		pthread_mutex_lock(&cache_mu);
		fresh = cache_cur != NULL && cache_db == c->db &&
		    cache_version == v;
		if (fresh)
			cache_checked_ms = now;
		pthread_mutex_unlock(&cache_mu);
		if (!fresh) {
			rc = case_calendar_build(c, &built, e);
			if (rc != 0)
				return rc;
			ref = malloc(sizeof(*ref));
			if (ref == NULL) {
				calendar_free(built);
				return err_internal(e, "calendar cache: out of "
				    "memory");
			}
			ref->cal = built;
			ref->refs = 1;
			pthread_mutex_lock(&cache_mu);
			ref_release_locked(cache_cur);
			cache_cur = ref;
			cache_db = c->db;
			cache_version = v;
			cache_checked_ms = now;
			pthread_mutex_unlock(&cache_mu);
		}
	}
	pthread_mutex_lock(&cache_mu);
	ref = cache_cur;
	if (ref == NULL) {
		/* Reset by another thread in between (tests only). */
		pthread_mutex_unlock(&cache_mu);
		return err_internal(e, "calendar cache reset during use");
	}
	ref->refs++;
	old = pthread_getspecific(held_key);
	ref_release_locked(old);
	pthread_setspecific(held_key, ref);
	pthread_mutex_unlock(&cache_mu);
	*out = ref->cal;
	return 0;
}

int
case_calendar_current(struct ctx *c, const struct calendar **out, struct err *e)
{
	return current(c, false, out, e);
}

int
case_calendar_current_fresh(struct ctx *c, const struct calendar **out,
    struct err *e)
{
	return current(c, true, out, e);
}

void
case_calendar_cache_invalidate(void)
{
	pthread_mutex_lock(&cache_mu);
	cache_version = -1;
	pthread_mutex_unlock(&cache_mu);
}

void
case_calendar_cache_reset(void)
{
	pthread_once(&held_once, held_init);
	pthread_mutex_lock(&cache_mu);
	ref_release_locked(pthread_getspecific(held_key));
	pthread_setspecific(held_key, NULL);
	ref_release_locked(cache_cur);
	cache_cur = NULL;
	cache_db = NULL;
	cache_version = -1;
	pthread_mutex_unlock(&cache_mu);
}

/* ---- one case ---- */

static int
parse_day(const char *s, int32_t *out)
{
	struct err e;

	return calendar_day_parse(s, out, &e);
}

/* Loads the usable suspensions of a case accepted on accepted: those
 * closed before the acceptance or covering no day are left out, and one
 * begun before the acceptance counts from it. */
static int
load_suspensions(struct ctx *c, int64_t case_id, int32_t accepted,
    struct suspension *susp, size_t *n, struct err *e)
{
	struct db_stmt *s;
	int rc;

	*n = 0;
	s = db_query(c->db, e, "SELECT kind, start_day, end_day FROM "
	    "case_suspensions WHERE case_id = ? ORDER BY start_day, id", "i",
	    case_id);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		struct suspension x;

		x.kind = suspension_kind_parse(db_col_text(s, 0));
		if (x.kind == 0)
			x.kind = SUSPEND_SUPPLEMENT;
		if (parse_day(db_col_text(s, 1), &x.start) != 0)
			continue;
		if (db_col_is_null(s, 2)) {
			x.end = CALENDAR_NO_DAY;
		} else {
			if (parse_day(db_col_text(s, 2), &x.end) != 0 ||
			    x.end < x.start || x.end < accepted)
				continue;
		}
		if (x.start < accepted)
			x.start = accepted;
		if (*n >= DEADLINE_MAX_SUSPENSIONS) {
			db_finish(s);
			return err_internal(e, "case %" PRId64 ": too many "
			    "suspensions", case_id);
		}
		susp[(*n)++] = x;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Recomputes the deadline of case_id from the clock values k of its row
 * (as this transaction sees them) and its suspensions, and stores it;
 * written (may be NULL) gets what was stored. */
static int
deadline_store(struct ctx *c, const struct calendar *cal, int64_t case_id,
    const struct case_clock *k, const char *swept, struct deadline_status *st,
    bool *started, struct case_due *written, struct err *e)
{
	struct suspension susp[DEADLINE_MAX_SUSPENSIONS];
	struct deadline_status ds;
	const struct workflow_state *ws;
	char due[11];
	int32_t accepted, today;
	size_t n = 0;
	int rc;

	if (k->accepted_day == NULL || parse_day(k->accepted_day,
	    &accepted) != 0)
		return 0; /* not accepted: the clock has not started */
	if (k->closed_at == 0) {
		today = deadlines_today();
	} else {
		char ds_[11];

		clock_date(k->closed_at, ds_);
		if (parse_day(ds_, &today) != 0)
			today = deadlines_today();
	}
	if (k->budget_days < 0 || k->budget_days > DEADLINE_MAX_BUDGET ||
	    k->extension_days < 0 ||
	    k->extension_days > DEADLINE_MAX_EXTENSION)
		return err_set(e, ERR_UNPROCESSABLE, "bad_budget",
		    "办件的承诺时限数据无效");

	if (!k->unsuspended) {
		rc = load_suspensions(c, case_id, accepted, susp, &n, e);
		if (rc != 0)
			return rc;
	}
	rc = deadline_status(cal, accepted, (int)k->budget_days, susp, n,
	    (int)k->extension_days, today, &ds, e);
	if (rc != 0)
		return rc;
	/* Waiting for the applicant (or a special procedure) is never
	 * overdue, even if the ledger has no open suspension. */
	ws = workflow_find_state(workflow_default(), k->state);
	if (ws != NULL && ws->clock == WORKFLOW_CLOCK_STOPPED)
		ds.level = DEADLINE_LEVEL_PAUSED;
	/* An extension granted after the due day does not clear the overdue
	 * record (行政许可法 §42; docs/rules.md). */
	else if (k->overdue)
		ds.level = DEADLINE_LEVEL_RED;
	due[0] = '\0';
	if (ds.due_day != CALENDAR_NO_DAY)
		calendar_day_format(ds.due_day, due);
	rc = db_exec(c->db, e, "UPDATE cases SET due_day = ?, "
	    "remaining_days = ?, warn_level = ?, swept_day = ? WHERE id = ?",
	    "sIssi", due[0] != '\0' ? due : NULL, ds.remaining,
	    deadline_level_name(ds.level), swept, case_id);
	if (rc != 0)
		return rc;
	if (written != NULL) {
		str_copy(written->due_day, sizeof(written->due_day),
		    due);
		written->remaining_days = ds.remaining;
		str_copy(written->warn_level, sizeof(written->warn_level),
		    deadline_level_name(ds.level));
		written->stored = true;
	}
	if (st != NULL)
		*st = ds;
	if (started != NULL)
		*started = true;
	return 0;
}

int
case_deadline_refresh_with(struct ctx *c, const struct calendar *cal,
    int64_t case_id, const char *swept, struct deadline_status *st,
    bool *started, struct err *e)
{
	char state[WORKFLOW_CODE_BYTES], accepted[11];
	struct case_clock k;
	struct db_stmt *s;
	int rc;

	if (started != NULL)
		*started = false;
	if (!db_in_tx(c->db))
		return err_internal(e, "case_deadline_refresh outside a "
		    "transaction");
	s = db_query(c->db, e, "SELECT accepted_day, budget_days, "
	    "extension_days, state, closed_at, overdue_day FROM cases "
	    "WHERE id = ?", "i", case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		if (rc == DB_DONE)
			return err_set(e, ERR_NOT_FOUND, "case_not_found",
			    "办件不存在");
		return rc;
	}
	memset(&k, 0, sizeof(k));
	str_copy(accepted, sizeof(accepted), db_col_text(s, 0));
	k.accepted_day = db_col_is_null(s, 0) ? NULL : accepted;
	k.budget_days = db_col_int(s, 1);
	k.extension_days = db_col_is_null(s, 2) ? 0 : db_col_int(s, 2);
	str_copy(state, sizeof(state), db_col_text(s, 3));
	k.state = state;
	k.closed_at = db_col_is_null(s, 4) ? 0 : db_col_int(s, 4);
	k.overdue = !db_col_is_null(s, 5);
	db_finish(s);
	return deadline_store(c, cal, case_id, &k, swept, st, started, NULL,
	    e);
}

int
case_deadline_refresh_known(struct ctx *c, int64_t case_id,
    const struct case_clock *k, struct case_due *written, struct err *e)
{
	const struct calendar *cal;
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "case_deadline_refresh outside a "
		    "transaction");
	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	return deadline_store(c, cal, case_id, k, "", NULL, NULL, written, e);
}

int
case_deadline_refresh(struct ctx *c, int64_t case_id, struct err *e)
{
	const struct calendar *cal;
	int rc;

	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	return case_deadline_refresh_with(c, cal, case_id, "", NULL, NULL, e);
}

/* ---- suspensions ---- */

static int
check_text(const char *s, const char *field, const char *what,
    struct err *e)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	if (n > LIMIT_TEXT_CHARS)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s不能超过 %d 个字", what, LIMIT_TEXT_CHARS);
	return 0;
}

static void
case_id_str(int64_t id, char out[24])
{
	snprintf(out, 24, "%" PRId64, id);
}

int
case_suspend(struct ctx *c, int64_t case_id, const char *kind,
    const char *reason, struct err *e)
{
	enum suspension_kind k = suspension_kind_parse(kind);
	char today[11], idbuf[24];
	struct db_stmt *s;
	int64_t open = 0;
	json_t *sum;
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "case_suspend outside a transaction");
	if (k == 0)
		return err_field(e, ERR_INVALID, "kind", "bad_suspension_kind",
		    "暂停计时的类型无效");
	rc = check_text(reason, "reason", "暂停原因", e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT closed_at FROM cases WHERE id = ?", "i",
	    case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW && !db_col_is_null(s, 0)) {
		db_finish(s);
		return err_set(e, ERR_CONFLICT, "case_closed",
		    "办件已办结，不能暂停计时");
	}
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	if (rc < 0)
		return rc;
	rc = db_query_int(c->db, e, &open, "SELECT count(*) FROM "
	    "case_suspensions WHERE case_id = ? AND end_day IS NULL", "i",
	    case_id);
	if (rc < 0)
		return rc;
	if (open > 0)
		return err_set(e, ERR_CONFLICT, "already_suspended",
		    "办件已处于暂停计时状态");
	clock_date(clock_now(), today);
	rc = db_exec(c->db, e, "INSERT INTO case_suspensions (case_id, kind, "
	    "reason, start_day, started_by, started_at) VALUES (?, ?, ?, ?, "
	    "NULLIF(?, 0), ?)", "isssii", case_id, suspension_kind_name(k),
	    reason != NULL ? reason : "", today, c->actor->user_id,
	    clock_now());
	if (rc != 0)
		return rc;
	sum = json_pack("{s:s, s:s, s:s}", "kind", suspension_kind_name(k),
	    "reason", reason != NULL ? reason : "", "start_day", today);
	case_id_str(case_id, idbuf);
	rc = audit_append(c, "case.clock_stop", "case", idbuf, sum, e);
	json_decref(sum);
	if (rc != 0)
		return rc;
	return case_deadline_refresh(c, case_id, e);
}

int
case_resume(struct ctx *c, int64_t case_id, const char *result,
    struct err *e)
{
	char kind[32], start[11], end[11], idbuf[24];
	struct db_stmt *s;
	int64_t sid;
	json_t *sum;
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "case_resume outside a transaction");
	rc = check_text(result, "result", "暂停结果", e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT id, kind, start_day FROM "
	    "case_suspensions WHERE case_id = ? AND end_day IS NULL", "i",
	    case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		if (rc == DB_DONE)
			return err_set(e, ERR_CONFLICT, "not_suspended",
			    "办件未处于暂停计时状态");
		return rc;
	}
	sid = db_col_int(s, 0);
	str_copy(kind, sizeof(kind), db_col_text(s, 1));
	str_copy(start, sizeof(start), db_col_text(s, 2));
	db_finish(s);
	/* The last day not counted is the day before the clock resumes. */
	calendar_day_format(deadlines_today() - 1, end);
	rc = db_exec(c->db, e, "UPDATE case_suspensions SET end_day = ?, "
	    "result = ?, ended_by = NULLIF(?, 0), ended_at = ? WHERE id = ? "
	    "AND end_day IS NULL", "ssiii", end, result, c->actor->user_id,
	    clock_now(), sid);
	if (rc != 0)
		return rc;
	if (db_last_changes(c->db) != 1)
		return err_set(e, ERR_CONFLICT, "not_suspended",
		    "办件未处于暂停计时状态");
	sum = json_pack("{s:s, s:s, s:s, s:s?}", "kind", kind, "start_day",
	    start, "end_day", end, "result", result);
	case_id_str(case_id, idbuf);
	rc = audit_append(c, "case.clock_resume", "case", idbuf, sum, e);
	json_decref(sum);
	if (rc != 0)
		return rc;
	return case_deadline_refresh(c, case_id, e);
}
