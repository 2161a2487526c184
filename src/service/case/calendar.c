/* calendar_admin.c - reading and editing the working-day calendar. */
#include "service/case/case.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "service/case/case_internal.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define RECOMPUTE_BATCH 500

static const char *
kind_str(enum calendar_kind k)
{
	return k == CALENDAR_OFF ? "off" : "work";
}

/* {kind, name, workday} of day in cal: kind "normal" without override. */
static json_t *
day_json(const struct calendar *cal, int32_t day)
{
	const struct calendar_override *o = calendar_get(cal, day);

	return json_pack("{s:s, s:s, s:b}", "kind", o != NULL ?
	    kind_str(o->kind) : "normal", "name", o != NULL ? o->name : "",
	    "workday", calendar_is_workday(cal, day));
}

int
case_calendar_recompute_open(struct ctx *c, const struct calendar *cal,
    int64_t *count, struct err *e)
{
	int64_t ids[RECOMPUTE_BATCH], after = 0;
	struct db_stmt *s;
	size_t n;
	int rc;

	*count = 0;
	for (;;) {
		n = 0;
		s = db_query(c->db, e, "SELECT id FROM cases WHERE accepted_day "
		    "IS NOT NULL AND closed_at IS NULL AND id > ? ORDER BY id "
		    "LIMIT ?", "iI", after, RECOMPUTE_BATCH);
		if (s == NULL)
			return err_rc(e);
		while ((rc = db_step(s, e)) == DB_ROW)
			ids[n++] = db_col_int(s, 0);
		db_finish(s);
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++) {
			struct err ce;

			err_clear(&ce);
			rc = case_deadline_refresh_with(c, cal, ids[i], "",
			    NULL, NULL, &ce);
			if (rc == -ERR_INVALID || rc == -ERR_UNPROCESSABLE) {
				/* A case with a broken ledger keeps its old
				 * deadline; the sweeper logs it too. */
				log_warn("calendar: case %" PRId64 " not "
				    "recomputed: %s", ids[i], ce.msg);
				continue;
			}
			if (rc != 0) {
				*e = ce;
				return rc;
			}
			(*count)++;
		}
		if (n < RECOMPUTE_BATCH)
			return 0;
		after = ids[n - 1];
	}
}

struct set_tx {
	struct ctx *c;
	const char *date;
	int32_t day;
	const char *kind;   /* "off", "work", "normal" */
	const char *name;
	json_t *before;     /* owned */
	json_t *after;      /* owned */
	int64_t version;
	int64_t recomputed;
};

static int
set_fn(struct db *db, void *arg, struct err *e)
{
	struct set_tx *t = arg;
	struct calendar *cal = NULL, *national = NULL;
	json_t *sum = NULL;
	int64_t now = clock_now();
	int rc;

	json_decref(t->before);
	json_decref(t->after);
	t->before = t->after = NULL;
	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc != 0)
		return rc;
	rc = case_calendar_build(t->c, &cal, e);
	if (rc != 0)
		goto out;
	t->before = day_json(cal, t->day);
	calendar_free(cal);
	cal = NULL;

	if (strcmp(t->kind, "normal") == 0) {
		national = calendar_new();
		if (national == NULL) {
			rc = err_internal(e, "calendar_new: out of memory");
			goto out;
		}
		rc = calendar_load_embedded(national, e);
		if (rc != 0)
			goto out;
		if (calendar_get(national, t->day) != NULL)
			rc = db_exec(db, e, "INSERT INTO calendar_overrides "
			    "(day, kind, name, updated_by, updated_at) VALUES "
			    "(?, 'normal', ?, NULLIF(?, 0), ?) ON CONFLICT (day) "
			    "DO UPDATE SET kind = 'normal', name = excluded.name, "
			    "updated_by = excluded.updated_by, updated_at = "
			    "excluded.updated_at", "ssii", t->date,
			    t->name != NULL ? t->name : "",
			    t->c->actor->user_id, now);
		else
			rc = db_exec(db, e, "DELETE FROM calendar_overrides "
			    "WHERE day = ?", "s", t->date);
	} else {
		rc = db_exec(db, e, "INSERT INTO calendar_overrides (day, kind, "
		    "name, updated_by, updated_at) VALUES (?, ?, ?, NULLIF(?, "
		    "0), ?) ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, "
		    "name = excluded.name, updated_by = excluded.updated_by, "
		    "updated_at = excluded.updated_at", "sssii", t->date, t->kind,
		    t->name, t->c->actor->user_id, now);
	}
	if (rc != 0)
		goto out;
	rc = db_exec(db, e, "UPDATE calendar_version SET version = version + 1, "
	    "updated_at = ? WHERE id = 1", "i", now);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, e, &t->version, "SELECT version FROM "
	    "calendar_version WHERE id = 1", "");
	if (rc < 0)
		goto out;
	rc = case_calendar_build(t->c, &cal, e);
	if (rc != 0)
		goto out;
	t->after = day_json(cal, t->day);
	rc = case_calendar_recompute_open(t->c, cal, &t->recomputed, e);
	if (rc != 0)
		goto out;
	sum = json_pack("{s:O, s:O, s:I, s:I}", "before", t->before, "after",
	    t->after, "recomputed", (json_int_t)t->recomputed, "version",
	    (json_int_t)t->version);
	rc = audit_append(t->c, "calendar.set", "calendar", t->date, sum, e);
out:
	json_decref(sum);
	calendar_free(cal);
	calendar_free(national);
	return rc;
}

static int
check_name(const char *name, bool required, struct err *e)
{
	size_t n;

	if (name == NULL || name[0] == '\0') {
		if (required)
			return err_field(e, ERR_INVALID, "name", "required",
			    "请填写节假日名称（如“国庆节”或“国庆节调休”）");
		return 0;
	}
	n = utf8_strlen(name);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, "name", "invalid_utf8",
		    "名称含有无效字符");
	if (n > CALENDAR_NAME_CHARS)
		return err_field(e, ERR_INVALID, "name", "too_long",
		    "名称不能超过 %d 个字", CALENDAR_NAME_CHARS);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_field(e, ERR_INVALID, "name", NULL,
			    "名称含有控制字符");
	return 0;
}

int
case_calendar_set(struct ctx *c, const char *date, const char *kind,
    const char *name, json_t **out, struct err *e)
{
	struct set_tx t;
	char ds[11];
	int rc;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_HALL_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有行政审批服务局可以调整工作日历");
	memset(&t, 0, sizeof(t));
	t.c = c;
	if (date == NULL || calendar_day_parse(date, &t.day, e) != 0)
		return err_field(e, ERR_INVALID, "date", "bad_date",
		    "日期格式应为 YYYY-MM-DD");
	if (kind == NULL || (strcmp(kind, "off") != 0 &&
	    strcmp(kind, "work") != 0 && strcmp(kind, "normal") != 0))
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "类型须为 off（放假）、work（调休上班）或 normal（恢复正常）");
	rc = check_name(name, strcmp(kind, "normal") != 0, e);
	if (rc != 0)
		return rc;
	if (strcmp(kind, "work") == 0 && calendar_weekday(t.day) <= 5)
		return err_field(e, ERR_UNPROCESSABLE, "kind", "work_on_weekday",
		    "%s 是%s，本来就是工作日，只有周六、周日可以设为调休上班",
		    date, calendar_weekday_label(t.day));
	t.date = calendar_day_format(t.day, ds);
	t.kind = kind;
	t.name = name;
	rc = db_tx(c->db, set_fn, &t, e);
	/* Whether committed or not, the next reader checks the version. */
	case_calendar_cache_invalidate();
	if (rc != 0)
		goto out;
	*out = json_pack("{s:s, s:O, s:O, s:O, s:I, s:I}", "day", t.date,
	    "kind", json_object_get(t.after, "kind"),
	    "name", json_object_get(t.after, "name"),
	    "workday", json_object_get(t.after, "workday"),
	    "version", (json_int_t)t.version,
	    "recomputed", (json_int_t)t.recomputed);
	if (*out == NULL)
		rc = err_internal(e, "case_calendar_set: out of memory");
out:
	json_decref(t.before);
	json_decref(t.after);
	return rc;
}

struct load_tx {
	struct ctx *c;
	int year;
	const struct calendar *text_cal; /* the parsed schedule */
	int64_t version;
	int64_t recomputed;
};

static int
load_fn(struct db *db, void *arg, struct err *e)
{
	struct load_tx *t = arg;
	struct calendar *cal = NULL;
	json_t *sum = NULL;
	int64_t now = clock_now();
	size_t n = calendar_count(t->text_cal);
	char ds[11], ys[8];
	int rc;

	rc = db_tx_lock(db, DEADLINES_LOCK_CALENDAR, e);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct calendar_override *o = calendar_at(t->text_cal, i);

		rc = db_exec(db, e, "INSERT INTO calendar_overrides (day, kind, "
		    "name, updated_by, updated_at) VALUES (?, ?, ?, NULLIF(?, "
		    "0), ?) ON CONFLICT (day) DO UPDATE SET kind = "
		    "excluded.kind, name = excluded.name, updated_by = "
		    "excluded.updated_by, updated_at = excluded.updated_at",
		    "sssii", calendar_day_format(o->day, ds), kind_str(o->kind),
		    o->name, t->c->actor->user_id, now);
		if (rc != 0)
			goto out;
	}
	/* The year's schedule is out: its deadlines are no longer
	 * provisional, whatever single edits the year had before. */
	rc = db_exec(db, e, "INSERT INTO calendar_years (year, loaded_by, "
	    "loaded_at) VALUES (?, NULLIF(?, 0), ?) ON CONFLICT (year) DO "
	    "UPDATE SET loaded_by = excluded.loaded_by, loaded_at = "
	    "excluded.loaded_at", "Iii", t->year, t->c->actor->user_id, now);
	if (rc != 0)
		goto out;
	rc = db_exec(db, e, "UPDATE calendar_version SET version = version + 1, "
	    "updated_at = ? WHERE id = 1", "i", now);
	if (rc != 0)
		goto out;
	rc = db_query_int(db, e, &t->version, "SELECT version FROM "
	    "calendar_version WHERE id = 1", "");
	if (rc < 0)
		goto out;
	rc = case_calendar_build(t->c, &cal, e);
	if (rc != 0)
		goto out;
	rc = case_calendar_recompute_open(t->c, cal, &t->recomputed, e);
	if (rc != 0)
		goto out;
	sum = json_pack("{s:i, s:I, s:I, s:I}", "year", t->year, "days",
	    (json_int_t)n, "recomputed", (json_int_t)t->recomputed, "version",
	    (json_int_t)t->version);
	snprintf(ys, sizeof(ys), "%d", t->year);
	rc = audit_append(t->c, "calendar.load", "calendar", ys, sum, e);
out:
	json_decref(sum);
	calendar_free(cal);
	return rc;
}

int
case_calendar_load(struct ctx *c, int year, const char *text, json_t **out,
    struct err *e)
{
	struct calendar *parsed = NULL;
	struct load_tx t;
	bool rest = false;
	char ds[11];
	int y, m, d, rc;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_SYSTEM &&
	    !actor_has(c->actor, ROLE_HALL_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有行政审批服务局可以载入节假日安排");
	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return err_field(e, ERR_INVALID, "year", "bad_year",
		    "年份应为四位数字，如 2027");
	if (text == NULL || text[0] == '\0')
		return err_field(e, ERR_INVALID, "text", "required",
		    "请粘贴或选择全年节假日安排（每行：日期 off|work 名称）");
	if (strlen(text) > CALENDAR_TEXT_MAX)
		return err_field(e, ERR_INVALID, "text", "too_long",
		    "节假日安排文本过长（最多 %zu KB）",
		    CALENDAR_TEXT_MAX >> 10);
	parsed = calendar_new();
	if (parsed == NULL)
		return err_internal(e, "calendar_new: out of memory");
	rc = calendar_load_text(parsed, text, e);
	if (rc != 0) {
		char msg[sizeof(e->msg)];

		snprintf(msg, sizeof(msg), "%s", e->msg);
		rc = err_field(e, ERR_INVALID, "text", "bad_line", "%s", msg);
		goto out;
	}
	for (size_t i = 0; i < calendar_count(parsed); i++) {
		const struct calendar_override *o = calendar_at(parsed, i);

		calendar_day_to_ymd(o->day, &y, &m, &d);
		if (y != year) {
			rc = err_field(e, ERR_INVALID, "text", "wrong_year",
			    "%s 不在 %d 年内：一次只载入一年的安排",
			    calendar_day_format(o->day, ds), year);
			goto out;
		}
		rest = rest || o->kind == CALENDAR_OFF;
	}
	if (!rest) {
		rc = err_field(e, ERR_INVALID, "text", "no_holiday",
		    "安排中没有放假日期，请核对是否为国务院办公厅公布的全年安排");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.year = year;
	t.text_cal = parsed;
	rc = db_tx(c->db, load_fn, &t, e);
	case_calendar_cache_invalidate();
	if (rc != 0)
		goto out;
	*out = json_pack("{s:i, s:I, s:I, s:I}", "year", year, "days",
	    (json_int_t)calendar_count(parsed), "recomputed",
	    (json_int_t)t.recomputed, "version", (json_int_t)t.version);
	if (*out == NULL)
		rc = err_internal(e, "case_calendar_load: out of memory");
out:
	calendar_free(parsed);
	return rc;
}

struct remind_tx {
	struct ctx *c;
	int year;
	int sent;
};

static int
remind_fn(struct db *db, void *arg, struct err *e)
{
	struct remind_tx *t = arg;
	int64_t ids[64], now = clock_now();
	struct db_stmt *s;
	char title[128], body[512];
	size_t n = 0;
	int rc;

	t->sent = 0;
	/* The hall has a handful of administrators; 64 is plenty. */
	s = db_query(db, e, "SELECT id FROM users u WHERE kind = 'S' AND "
	    "(roles & ?) <> 0 AND disabled = 0 AND NOT EXISTS (SELECT 1 FROM "
	    "notifications n WHERE n.user_id = u.id AND n.kind = "
	    "'calendar_year' AND n.created_at >= ?) ORDER BY id LIMIT 64",
	    "iI", (int64_t)ROLE_HALL_ADMIN, now - 7 * 86400);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW)
		ids[n++] = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	snprintf(title, sizeof(title), "请载入 %d 年节假日安排", t->year);
	snprintf(body, sizeof(body), "%d 年法定节假日和调休安排尚未载入工作日历，"
	    "跨入 %d 年的办结时限暂按周末计算。国务院办公厅公布后，请在“工作"
	    "日历”页载入全年安排，在办件的办结时限将自动重新计算。", t->year,
	    t->year);
	for (size_t i = 0; i < n; i++) {
		rc = notify_user(t->c, ids[i], 0, "calendar_year", title, body,
		    e);
		if (rc != 0)
			return rc;
		t->sent++;
	}
	return 0;
}

int
case_calendar_remind(struct ctx *c, int *sent, struct err *e)
{
	const struct calendar *cal;
	struct remind_tx t = { c, 0, 0 };
	int rc;

	*sent = 0;
	rc = case_calendar_current_fresh(c, &cal, e);
	if (rc != 0)
		return rc;
	t.year = calendar_remind_year(cal, deadlines_today());
	if (t.year == 0)
		return 0;
	rc = db_tx(c->db, remind_fn, &t, e);
	if (rc == 0)
		*sent = t.sent;
	return rc;
}

int
case_calendar_year(struct ctx *c, int year, json_t **out, struct err *e)
{
	const struct calendar *cal;
	json_t *hall = NULL, *overrides = NULL, *days = NULL;
	int32_t first, last, d;
	int64_t version = 0;
	struct db_stmt *s;
	char lo[11], hi[11], ds[11];
	const char *k;
	json_t *v;
	int rc;

	*out = NULL;
	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX)
		return err_field(e, ERR_INVALID, "year", "bad_year",
		    "年份应为四位数字，如 2026");
	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	first = calendar_day_from_ymd(year, 1, 1);
	last = calendar_day_from_ymd(year, 12, 31);
	calendar_day_format(first, lo);
	calendar_day_format(last, hi);
	hall = json_object();
	overrides = json_array();
	days = json_array();
	if (hall == NULL || overrides == NULL || days == NULL) {
		rc = err_internal(e, "case_calendar_year: out of memory");
		goto fail;
	}
	s = db_query(c->db, e, "SELECT day, kind, name FROM calendar_overrides "
	    "WHERE day >= ? AND day <= ? ORDER BY day", "ss", lo, hi);
	if (s == NULL) {
		rc = err_rc(e);
		goto fail;
	}
	while ((rc = db_step(s, e)) == DB_ROW)
		json_object_set_new(hall, db_col_text(s, 0), json_pack(
		    "{s:s, s:s}", "kind", db_col_text(s, 1), "name",
		    db_col_text(s, 2)));
	db_finish(s);
	if (rc < 0)
		goto fail;
	rc = db_query_int(c->db, e, &version, "SELECT version FROM "
	    "calendar_version WHERE id = 1", "");
	if (rc < 0)
		goto fail;

	for (size_t i = calendar_lower_bound(cal, first);
	    i < calendar_count(cal); i++) {
		const struct calendar_override *o = calendar_at(cal, i);

		if (o->day > last)
			break;
		calendar_day_format(o->day, ds);
		json_array_append_new(overrides, json_pack("{s:s, s:s, s:s, "
		    "s:s, s:s}", "day", ds, "kind", kind_str(o->kind), "name",
		    o->name, "weekday", calendar_weekday_label(o->day),
		    "source", json_object_get(hall, ds) != NULL ? "hall" :
		    "national"));
	}
	/* The hall's "normal" days are no override of the effective
	 * calendar; list them so the edit can be seen and undone. */
	json_object_foreach(hall, k, v) {
		int32_t day;
		struct err pe;

		if (strcmp(json_string_value(json_object_get(v, "kind")),
		    "normal") != 0 || calendar_day_parse(k, &day, &pe) != 0)
			continue;
		json_array_append_new(overrides, json_pack("{s:s, s:s, s:O, "
		    "s:s, s:s}", "day", k, "kind", "normal", "name",
		    json_object_get(v, "name"), "weekday",
		    calendar_weekday_label(day), "source", "hall"));
	}
	for (d = first; d <= last; d++)
		json_array_append_new(days, json_pack("{s:s, s:b}", "date",
		    calendar_day_format(d, ds), "workday",
		    calendar_is_workday(cal, d)));
	json_decref(hall);
	*out = json_pack("{s:i, s:b, s:I, s:o, s:o}", "year", year,
	    "has_data", calendar_has_year(cal, year), "version",
	    (json_int_t)version, "overrides", overrides, "days", days);
	if (*out == NULL)
		return err_internal(e, "case_calendar_year: out of memory");
	/* From November: the next year to load, else null. */
	d = calendar_remind_year(cal, deadlines_today());
	json_object_set_new(*out, "remind_year", d != 0 ? json_integer(d) :
	    json_null());
	return 0;
fail:
	json_decref(hall);
	json_decref(overrides);
	json_decref(days);
	return rc;
}

int
case_calendar_deadline(struct ctx *c, const char *date, int n,
    json_t **out, struct err *e)
{
	const struct calendar *cal;
	json_t *missing;
	int32_t accepted, due;
	int y1, y2, m, d, rc;
	char ds[11], dd[11];

	*out = NULL;
	if (date == NULL || calendar_day_parse(date, &accepted, e) != 0)
		return err_field(e, ERR_INVALID, "date", "bad_date",
		    "受理日期格式应为 YYYY-MM-DD");
	if (n < 0 || n > DEADLINE_MAX_BUDGET)
		return err_field(e, ERR_INVALID, "n", "bad_n",
		    "工作日数 n 应为 0 至 %d 的整数", DEADLINE_MAX_BUDGET);
	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	rc = deadline_compute(cal, accepted, n, NULL, 0, 0, &due, e);
	if (rc != 0)
		return rc;
	missing = json_array();
	calendar_day_to_ymd(accepted, &y1, &m, &d);
	calendar_day_to_ymd(due, &y2, &m, &d);
	for (int y = y1; y <= y2; y++)
		if (!calendar_has_year(cal, y))
			json_array_append_new(missing, json_integer(y));
	*out = json_pack("{s:s, s:i, s:s, s:s, s:o}", "date",
	    calendar_day_format(accepted, ds), "n", n, "due_day",
	    calendar_day_format(due, dd), "weekday",
	    calendar_weekday_label(due), "missing_years", missing);
	if (*out == NULL)
		return err_internal(e, "case_calendar_deadline: out of memory");
	return 0;
}

int
case_due_provisional_set(struct ctx *c, json_t *o, const char *accepted_day,
    const char *due_day, struct err *e)
{
	const struct calendar *cal;
	json_t *years = json_array();
	int32_t from, to;
	int ys[8], n = 0, rc;
	struct err pe;

	if (accepted_day != NULL && due_day != NULL && accepted_day[0] != '\0' &&
	    due_day[0] != '\0' && calendar_day_parse(accepted_day, &from,
	    &pe) == 0 && calendar_day_parse(due_day, &to, &pe) == 0) {
		rc = case_calendar_current(c, &cal, e);
		if (rc != 0) {
			json_decref(years);
			return rc;
		}
		n = calendar_missing_years(cal, from, to, ys, 8);
		for (int i = 0; i < n && i < 8; i++)
			json_array_append_new(years, json_integer(ys[i]));
	}
	json_object_set_new(o, "due_provisional", json_boolean(n > 0));
	json_object_set_new(o, "due_provisional_years", years);
	return 0;
}

int
case_workdays_after_today(struct ctx *c, int n, char out[11], struct err *e)
{
	const struct calendar *cal;
	int rc;

	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	calendar_day_format(calendar_add_workdays(cal, deadlines_today(), n),
	    out);
	return 0;
}

void
case_requests_register(void)
{
	requests_set_workday_fn(case_workdays_after_today);
	case_messages_register();
}
