/* volumes.c - the 体外循环 check (accepted outside the system): each
 * department reports its monthly volume per item (or the volumes are
 * imported from a CSV); the desk compares them with the cases the platform
 * accepted in that month, and a gap beyond supervise.volume_gap_percent
 * (and at least supervise.volume_gap_min cases) opens a ticket of source
 * "volume_gap" once per item and month. Cases created and decided within
 * supervise.quick_case_minutes by one person are flagged as possibly
 * recorded after the fact (补录). */
#include "service/supervise/supervise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/utf8.h"
#include "core/supervise.h"
#include "docs/csv.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

#define VOLUME_MAX_ROWS 500
#define VOLUME_MAX 1000000
#define QUICK_LIST_MAX 500

struct vrow {
	int64_t item_id;
	char impl[64], handle[64];
	char month[8];
	int64_t volume;
	size_t line;       /* CSV line, 0 for a JSON row */
};

struct vol_tx {
	struct ctx *c;
	const char *source;     /* "report" or "csv" */
	int64_t dept;           /* the reporting department; 0: the supervisor */
	struct vrow *rows;
	size_t n;
	json_t *out;            /* [{item_id, month, reported, platform, ...}] */
	int tickets;
};

/* "YYYY-MM" of an ended month (before the current one) into out. */
static int
parse_month(const char *s, const char *field, char out[8], struct err *e)
{
	char day[16], norm[11], today[11];
	struct err tmp;

	if (s == NULL || strlen(s) != 7 || s[4] != '-')
		return err_field(e, ERR_INVALID, field, "bad_month",
		    "月份格式应为 YYYY-MM");
	snprintf(day, sizeof(day), "%s-01", s);
	if (sv_day(day, field, "月份", norm, &tmp) != 0 ||
	    strncmp(norm, s, 7) != 0)
		return err_field(e, ERR_INVALID, field, "bad_month",
		    "月份格式应为 YYYY-MM");
	memcpy(out, norm, 7);
	out[7] = '\0';
	sv_today(today);
	if (strncmp(out, today, 7) >= 0)
		return err_field(e, ERR_UNPROCESSABLE, field, "month_not_ended",
		    "只能报送已结束月份的办件量");
	return 0;
}

/* The cases the platform accepted for item in month. */
static int
platform_count(struct db *db, int64_t item, const char *month, int64_t *n,
    struct err *e)
{
	char first[11], last[11];

	snprintf(first, sizeof(first), "%s-01", month);
	snprintf(last, sizeof(last), "%s-31", month);
	return db_query_int(db, e, n, "SELECT count(*) FROM cases WHERE "
	    "item_id = ? AND accepted_day >= ? AND accepted_day <= ?", "iss",
	    item, first, last) < 0 ? err_rc(e) : 0;
}

/* Opens the gap's ticket (once per item and month); *ticket 0 when it
 * existed already. */
static int
gap_ticket(struct vol_tx *t, struct db *db, int64_t vol_id, int64_t dept,
    int64_t item, const char *item_name, const char *month, int64_t rep,
    int64_t plat, double pct, int64_t *ticket, struct err *e)
{
	struct supervise_ticket_in in;
	char key[64], title[440], problem[900];

	snprintf(key, sizeof(key), "volume_gap:%" PRId64 ":%s", item, month);
	snprintf(title, sizeof(title), "%s %s 疑似体外循环", month, item_name);
	snprintf(problem, sizeof(problem), "事项「%s」%s 部门报送办件量 %"
	    PRId64 " 件，平台受理 %" PRId64 " 件，相差 %" PRId64 " 件（%.1f%%），"
	    "疑似在系统外受理。请说明原因、提出措施，并将系统外办件纳入平台办理。",
	    item_name, month, rep, plat, rep - plat, pct);
	memset(&in, 0, sizeof(in));
	in.source = "volume_gap";
	in.ref_type = "volume";
	in.ref_id = vol_id;
	in.dept_id = dept;
	in.item_id = item;
	in.title = utf8_strlen(item_name) <= 80 ? title : NULL;
	in.problem = problem;
	in.reporter_id = -1;   /* nobody rates it: the supervisor closes it */
	in.auto_key = key;
	return supervise_ticket_open(t->c, db, &in, ticket, e);
}

static int
vol_row(struct vol_tx *t, struct db *db, const struct vrow *r,
    struct err *e)
{
	int gap_pct = (int)config_int("supervise.volume_gap_percent");
	int64_t gap_min = config_int("supervise.volume_gap_min");
	int64_t item, dept, vol_id = 0, plat = 0, ticket = 0;
	char field[32], name[404];
	struct db_stmt *s;
	json_t *row;
	double pct;
	int rc;

	if (r->line > 0)
		snprintf(field, sizeof(field), "line_%zu", r->line);
	else
		snprintf(field, sizeof(field), "item_id");
	if (r->item_id > 0)
		row = db_query_row(db, e, "SELECT id, dept_id, name FROM items "
		    "WHERE id = ?", "i", r->item_id);
	else
		row = db_query_row(db, e, "SELECT id, dept_id, name FROM items "
		    "WHERE impl_code = ? AND handle_code = ?", "ss", r->impl,
		    r->handle);
	if (row == NULL) {
		if (e->code != ERR_NOT_FOUND)
			return err_rc(e);
		if (r->line > 0)
			return err_field(e, ERR_NOT_FOUND, field,
			    "item_not_found", "第 %zu 行：事项编码 %s 不存在",
			    r->line, r->impl);
		return err_field(e, ERR_NOT_FOUND, field, "item_not_found",
		    "事项不存在");
	}
	item = json_integer_value(json_object_get(row, "id"));
	dept = json_integer_value(json_object_get(row, "dept_id"));
	snprintf(name, sizeof(name), "%s", json_string_value(
	    json_object_get(row, "name")));
	json_decref(row);
	if (t->dept > 0 && dept != t->dept) {
		if (r->line > 0)
			return err_field(e, ERR_FORBIDDEN, field, "other_dept",
			    "第 %zu 行：只能报送本部门事项的办件量", r->line);
		return err_field(e, ERR_FORBIDDEN, field, "other_dept",
		    "只能报送本部门事项的办件量");
	}
	s = db_query(db, e, "INSERT INTO sv_volumes (dept_id, item_id, month, "
	    "volume, source, reported_by, reported_at) VALUES (?, ?, ?, ?, ?, "
	    "?, ?) ON CONFLICT (item_id, month) DO UPDATE SET volume = "
	    "excluded.volume, source = excluded.source, reported_by = "
	    "excluded.reported_by, reported_at = excluded.reported_at "
	    "RETURNING id", "iisisii", dept, item, r->month, r->volume,
	    t->source, t->c->actor->user_id, clock_now());
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		vol_id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "volume: no id");
	rc = platform_count(db, item, r->month, &plat, e);
	if (rc != 0)
		return rc;
	if (supervise_volume_gap(r->volume, plat, gap_pct, gap_min, &pct)) {
		rc = gap_ticket(t, db, vol_id, dept, item, name, r->month,
		    r->volume, plat, pct, &ticket, e);
		if (rc != 0)
			return rc;
		if (ticket > 0)
			t->tickets++;
	}
	json_array_append_new(t->out, json_pack("{s:I, s:I, s:s, s:s, s:I, "
	    "s:I, s:f, s:I}", "id", (json_int_t)vol_id, "item_id",
	    (json_int_t)item, "item_name", name, "month", r->month, "reported",
	    (json_int_t)r->volume, "platform", (json_int_t)plat, "gap_percent",
	    pct, "ticket_id", (json_int_t)ticket));
	return 0;
}

static int
vol_fn(struct db *db, void *arg, struct err *e)
{
	struct vol_tx *t = arg;
	json_t *sum;
	int rc;

	json_array_clear(t->out);
	t->tickets = 0;
	for (size_t i = 0; i < t->n; i++) {
		rc = vol_row(t, db, &t->rows[i], e);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:s, s:I, s:I, s:i}", "source", t->source,
	    "dept_id", (json_int_t)t->dept, "rows", (json_int_t)t->n,
	    "tickets", t->tickets);
	rc = sv_audit(t->c, "volume.report", "department", t->dept, sum, e);
	json_decref(sum);
	return rc;
}

/* Who may report: the supervisor (any department) or a dept_admin (its
 * own); *dept is the department the rows must belong to (0: any). */
static int
may_report(const struct actor *a, int64_t *dept, struct err *e)
{
	*dept = 0;
	if (a->kind == ACTOR_STAFF && actor_has(a, ROLE_SUPERVISOR))
		return 0;
	if (a->kind == ACTOR_STAFF && a->dept_id > 0 &&
	    actor_has(a, ROLE_DEPT_ADMIN)) {
		*dept = a->dept_id;
		return 0;
	}
	return err_set(e, ERR_FORBIDDEN, NULL,
	    "只有部门管理员（本部门）或督查室可以报送月度办件量");
}

static int
run(struct ctx *c, const char *source, int64_t dept, struct vrow *rows,
    size_t n, json_t **out, struct err *e)
{
	struct vol_tx t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.source = source;
	t.dept = dept;
	t.rows = rows;
	t.n = n;
	t.out = json_array();
	rc = db_tx(c->db, vol_fn, &t, e);
	if (rc != 0) {
		json_decref(t.out);
		return rc;
	}
	*out = json_pack("{s:o, s:i}", "items", t.out, "tickets", t.tickets);
	return 0;
}

int
supervise_volume_report(struct ctx *c, const json_t *in, json_t **out,
    struct err *e)
{
	const json_t *rows = json_object_get(in, "rows");
	struct vrow *v;
	char month[8];
	int64_t dept;
	size_t i, n;
	json_t *r;
	int rc;

	*out = NULL;
	rc = may_report(c->actor, &dept, e);
	if (rc == 0)
		rc = parse_month(json_string_value(json_object_get(in, "month")),
		    "month", month, e);
	if (rc != 0)
		return rc;
	if (!json_is_array(rows) || json_array_size(rows) == 0 ||
	    json_array_size(rows) > VOLUME_MAX_ROWS)
		return err_field(e, ERR_INVALID, "rows", "required",
		    "请填写各事项的办件量（1 至 %d 项）", VOLUME_MAX_ROWS);
	n = json_array_size(rows);
	v = calloc(n, sizeof(*v));
	json_array_foreach(rows, i, r) {
		const json_t *id = json_object_get(r, "item_id");
		const json_t *vol = json_object_get(r, "volume");

		if (!json_is_integer(id) || json_integer_value(id) <= 0) {
			free(v);
			return err_field(e, ERR_INVALID, "rows", "bad_item",
			    "第 %zu 项：请选择事项", i + 1);
		}
		if (!json_is_integer(vol) || json_integer_value(vol) < 0 ||
		    json_integer_value(vol) > VOLUME_MAX) {
			free(v);
			return err_field(e, ERR_INVALID, "rows", "bad_volume",
			    "第 %zu 项：办件量须为 0 至 %d 的整数", i + 1,
			    VOLUME_MAX);
		}
		v[i].item_id = json_integer_value(id);
		v[i].volume = json_integer_value(vol);
		memcpy(v[i].month, month, sizeof(month));
	}
	rc = run(c, "report", dept, v, n, out, e);
	free(v);
	return rc;
}

struct csv_acc {
	struct vrow *rows;
	size_t n;
	bool header_seen;
};

static int
csv_row(void *arg, size_t line, char **f, size_t n, struct err *e)
{
	struct csv_acc *a = arg;
	struct vrow *r;
	struct err me;
	char *end;
	long long vol;
	int rc;

	if (!a->header_seen) {
		a->header_seen = true;
		if (n > 0 && (f[0][0] < '0' || f[0][0] > '9'))
			return 0;   /* the header line */
	}
	if (n != 3 && n != 4)
		return err_field(e, ERR_INVALID, "csv", "bad_columns",
		    "第 %zu 行：应为 月份,实施编码,[业务办理项编码,]办件量", line);
	if (a->n >= VOLUME_MAX_ROWS)
		return err_field(e, ERR_TOO_LARGE, "csv", "too_many_rows",
		    "一次最多导入 %d 行", VOLUME_MAX_ROWS);
	r = &a->rows[a->n];
	memset(r, 0, sizeof(*r));
	r->line = line;
	rc = parse_month(f[0], "csv", r->month, &me);
	if (rc != 0)
		return err_field(e, me.code, "csv", me.key, "第 %zu 行：%s",
		    line, me.msg);
	if (f[1][0] == '\0' || strlen(f[1]) >= sizeof(r->impl) ||
	    (n == 4 && strlen(f[2]) >= sizeof(r->handle)))
		return err_field(e, ERR_INVALID, "csv", "bad_code",
		    "第 %zu 行：实施编码无效", line);
	snprintf(r->impl, sizeof(r->impl), "%s", f[1]);
	snprintf(r->handle, sizeof(r->handle), "%s", n == 4 ? f[2] : "");
	vol = strtoll(f[n - 1], &end, 10);
	if (f[n - 1][0] == '\0' || *end != '\0' || vol < 0 || vol > VOLUME_MAX)
		return err_field(e, ERR_INVALID, "csv", "bad_volume",
		    "第 %zu 行：办件量须为 0 至 %d 的整数", line, VOLUME_MAX);
	r->volume = vol;
	a->n++;
	return 0;
}

int
supervise_volume_import(struct ctx *c, const char *csv, json_t **out,
    struct err *e)
{
	struct csv_limits lim = { 4, 256, VOLUME_MAX_ROWS + 1 };
	struct csv_acc a;
	int64_t dept;
	int rc;

	*out = NULL;
	rc = may_report(c->actor, &dept, e);
	if (rc != 0)
		return rc;
	if (csv == NULL || csv[0] == '\0')
		return err_field(e, ERR_INVALID, "csv", "required",
		    "请提供 CSV 内容");
	memset(&a, 0, sizeof(a));
	a.rows = calloc(VOLUME_MAX_ROWS, sizeof(*a.rows));
	rc = csv_parse(csv, strlen(csv), &lim, csv_row, &a, e);
	if (rc == 0 && a.n == 0)
		rc = err_field(e, ERR_INVALID, "csv", "empty",
		    "CSV 中没有办件量数据");
	if (rc == 0)
		rc = run(c, "csv", dept, a.rows, a.n, out, e);
	else if (e->field[0] == '\0')
		snprintf(e->field, sizeof(e->field), "csv");
	free(a.rows);
	return rc;
}

/* Department scope of a read: 0 every department (overseers, or the
 * filter given), the actor's own for department staff; -1 forbidden. */
static int64_t
read_scope(const struct actor *a, int64_t want, struct err *e)
{
	if (sv_overseer(a))
		return want;
	if (sv_dept_staff(a)) {
		if (want > 0 && want != a->dept_id) {
			err_field(e, ERR_FORBIDDEN, "dept_id", "other_dept",
			    "只能查看本部门的数据");
			return -1;
		}
		return a->dept_id;
	}
	err_set(e, ERR_FORBIDDEN, NULL, "无权查看体外循环核查");
	return -1;
}

int
supervise_volume_check(struct ctx *c, const char *month, int64_t dept_id,
    json_t **out, struct err *e)
{
	int gap_pct = (int)config_int("supervise.volume_gap_percent");
	int64_t gap_min = config_int("supervise.volume_gap_min");
	int64_t dept = read_scope(c->actor, dept_id, e);
	char m[8] = "";
	json_t *items, *o;
	size_t i;

	*out = NULL;
	if (dept < 0)
		return -e->code;
	if (month != NULL && month[0] != '\0') {
		struct err pe;

		err_clear(&pe);
		if (parse_month(month, "month", m, &pe) != 0 &&
		    pe.code != ERR_UNPROCESSABLE)
			return err_field(e, ERR_INVALID, "month", "bad_month",
			    "月份格式应为 YYYY-MM");
		memcpy(m, month, 7);
		m[7] = '\0';
	}
	items = db_query_json(c->db, e, "SELECT v.id, v.dept_id, d.name AS "
	    "dept_name, v.item_id, i.name AS item_name, i.impl_code, v.month, "
	    "v.volume AS reported, v.source, v.reported_at, (SELECT count(*) "
	    "FROM cases k WHERE k.item_id = v.item_id AND k.accepted_day >= "
	    "v.month || '-01' AND k.accepted_day <= v.month || '-31') AS "
	    "platform, t.id AS ticket_id, t.status AS ticket_status FROM "
	    "sv_volumes v JOIN departments d ON d.id = v.dept_id JOIN items i "
	    "ON i.id = v.item_id LEFT JOIN sv_tickets t ON t.auto_key = "
	    "'volume_gap:' || CAST(v.item_id AS TEXT) || ':' || v.month "
	    "WHERE (? = '' OR v.month = ?) AND (? = 0 OR v.dept_id = ?) "
	    "ORDER BY v.month DESC, v.dept_id, v.item_id LIMIT 1000", "ssii", m,
	    m, dept, dept);
	if (items == NULL)
		return err_rc(e);
	json_array_foreach(items, i, o) {
		int64_t rep = json_integer_value(json_object_get(o, "reported"));
		int64_t plat = json_integer_value(json_object_get(o,
		    "platform"));
		double pct;
		bool gap = supervise_volume_gap(rep, plat, gap_pct, gap_min,
		    &pct);

		json_object_set_new(o, "gap", json_integer(rep - plat));
		json_object_set_new(o, "gap_percent", json_real(pct));
		json_object_set_new(o, "flagged", json_boolean(gap));
	}
	*out = json_pack("{s:o, s:s, s:i, s:I, s:b}", "items", items, "month",
	    m, "gap_percent", gap_pct, "gap_min", (json_int_t)gap_min,
	    "can_report", sv_supervisor(c->actor) || (sv_dept_staff(c->actor) &&
	    actor_has(c->actor, ROLE_DEPT_ADMIN)));
	return 0;
}

int
supervise_quick_cases(struct ctx *c, const struct supervise_desk_q *q,
    json_t **out, struct err *e)
{
	int minutes = (int)config_int("supervise.quick_case_minutes");
	int64_t dept = read_scope(c->actor, q->dept_id, e);
	char from[11] = "", to[11] = "";
	struct db_stmt *s;
	json_t *items;
	int rc, n = 0;

	*out = NULL;
	if (dept < 0)
		return -e->code;
	if (q->from != NULL && q->from[0] != '\0' &&
	    sv_day(q->from, "from", "起始日期", from, e) != 0)
		return -ERR_INVALID;
	if (q->to != NULL && q->to[0] != '\0' &&
	    sv_day(q->to, "to", "截止日期", to, e) != 0)
		return -ERR_INVALID;
	/* The decision event's actor is the decider; the creator is the
	 * case's created_by (a clerk entering a case at the window). A 即办件
	 * (no working-day budget) is decided at once by design: not flagged. */
	s = db_query(c->db, e, "SELECT k.id, k.case_no, COALESCE(i.name, ''), "
	    "k.dept_id, d.name, k.created_by, COALESCE(u.name, ''), "
	    "k.created_at, k.decided_at, k.decision, ev.actor_id, "
	    "COALESCE(k.accepted_day, ''), (SELECT max(t.id) FROM sv_tickets t "
	    "WHERE t.case_id = k.id) FROM cases k JOIN departments d ON d.id = "
	    "k.dept_id LEFT JOIN items i ON i.id = k.item_id LEFT JOIN users u "
	    "ON u.id = k.created_by JOIN case_events ev ON ev.id = (SELECT "
	    "max(x.id) FROM case_events x WHERE x.case_id = k.id AND x.action "
	    "IN ('approve', 'deny')) WHERE k.decided_at IS NOT NULL AND "
	    "k.decided_at - k.created_at <= ? AND k.created_by > 0 AND "
	    "COALESCE(k.budget_days, 0) > 0 AND "
	    "(? = 0 OR k.dept_id = ?) AND (? = '' OR k.accepted_day >= ?) AND "
	    "(? = '' OR k.accepted_day <= ?) ORDER BY k.id DESC LIMIT ?",
	    "iiissssI", (int64_t)minutes * 60, dept, dept, from, from, to, to,
	    QUICK_LIST_MAX);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		int64_t created = db_col_int(s, 7), decided = db_col_int(s, 8);

		if (!supervise_quick_case(created, decided, db_col_int(s, 5),
		    db_col_int(s, 10), minutes))
			continue;
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:I, "
		    "s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s, s:o}",
		    "case_id", (json_int_t)db_col_int(s, 0),
		    "case_no", db_col_text(s, 1),
		    "item_name", db_col_text(s, 2),
		    "dept_id", (json_int_t)db_col_int(s, 3),
		    "dept_name", db_col_text(s, 4),
		    "user_id", (json_int_t)db_col_int(s, 5),
		    "user_name", db_col_text(s, 6),
		    "created_at", (json_int_t)created,
		    "decided_at", (json_int_t)decided,
		    "seconds", (json_int_t)(decided - created),
		    "decision", db_col_text(s, 9),
		    "accepted_day", db_col_text(s, 11),
		    "ticket_id", db_col_is_null(s, 12) ? json_null() :
		    json_integer(db_col_int(s, 12))));
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:i}", "items", items, "minutes", minutes);
	return 0;
}
