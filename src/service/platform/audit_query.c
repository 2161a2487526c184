/* audit_query.c - reading the audit log: the filtered list, its CSV export
 * and the chain check, for the audit page (/admin/audit).
 *
 * Who: the hall admin and the supervisor (督查). The sysadmin, who runs the
 * server, does not read the log through the page (三员分立: the operator
 * is audited, not the auditor); the operator checks the chain with
 * `onetrip audit verify`. Filters are bound parameters of one statement for
 * both databases; every text filter is bounded. Applicants' logins are
 * masked as in every list. An export is itself audited ("audit.export"). */
#include "service/platform/platform.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/idno.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "docs/csv.h"
#include "store/db.h"

#define AUDIT_ROLES (ROLE_HALL_ADMIN | ROLE_SUPERVISOR)
#define AUDIT_FILTER_BYTES 64     /* a login, an action, an object id */
#define AUDIT_LIKE_BYTES (AUDIT_FILTER_BYTES * 2 + 4)
#define AUDIT_LIST_DEFAULT 50
#define AUDIT_LIST_MAX 200
#define AUDIT_NO_END INT64_MAX

/* The checked filter, ready to bind. */
struct audit_where {
	int64_t from, to;              /* [from, to) Unix seconds */
	char actor[AUDIT_FILTER_BYTES + 1];
	char actor_lo[AUDIT_FILTER_BYTES + 1];
	char actor_up[AUDIT_FILTER_BYTES + 1];
	char action[AUDIT_FILTER_BYTES + 1];
	char action_like[AUDIT_LIKE_BYTES];
	char object_type[AUDIT_FILTER_BYTES + 1];
	char object_id[AUDIT_FILTER_BYTES + 1];
	int64_t dept_id;
	int64_t before;
};

static int
may_read(const struct ctx *c, struct err *e)
{
	if (c->actor == NULL || c->actor->kind == ACTOR_NONE)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (c->actor->kind == ACTOR_SYSTEM || (c->actor->kind == ACTOR_STAFF &&
	    actor_has(c->actor, AUDIT_ROLES)))
		return 0;
	return err_set(e, ERR_FORBIDDEN, NULL,
	    "只有大厅管理员和督查人员可以查看审计日志");
}

/* A printable text filter of at most AUDIT_FILTER_BYTES bytes, copied. */
static int
text_filter(const char *in, const char *field, const char *label,
    char out[AUDIT_FILTER_BYTES + 1], struct err *e)
{
	size_t n;

	out[0] = '\0';
	if (in == NULL || in[0] == '\0')
		return 0;
	n = strlen(in);
	if (n > AUDIT_FILTER_BYTES || !utf8_valid(in, n))
		return err_field(e, ERR_INVALID, field, NULL,
		    "%s过长或含有无效字符（至多 %d 字节）", label,
		    AUDIT_FILTER_BYTES);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)in[i] < 0x20 || in[i] == 0x7f)
			return err_field(e, ERR_INVALID, field, NULL,
			    "%s含有控制字符", label);
	memcpy(out, in, n + 1);
	return 0;
}

/* "YYYY-MM-DD" as the start of that day in the hall's time zone. */
static int
day_filter(const char *in, const char *field, const char *label,
    int64_t *out, struct err *e)
{
	struct err de;
	int32_t day;

	err_clear(&de);
	if (calendar_day_parse(in, &day, &de) != 0)
		return err_field(e, ERR_INVALID, field, NULL,
		    "%s须为 YYYY-MM-DD 格式的有效日期", label);
	*out = (int64_t)day * 86400 - CLOCK_UTC_OFFSET_S;
	return 0;
}

static int
where_check(const struct audit_filter *f, struct audit_where *w,
    struct err *e)
{
	size_t j = 0;
	int rc;

	memset(w, 0, sizeof(*w));
	w->to = AUDIT_NO_END;
	if (f == NULL)
		return 0;
	if (f->from != NULL && f->from[0] != '\0') {
		rc = day_filter(f->from, "from", "起始日期", &w->from, e);
		if (rc != 0)
			return rc;
	}
	if (f->to != NULL && f->to[0] != '\0') {
		rc = day_filter(f->to, "to", "截止日期", &w->to, e);
		if (rc != 0)
			return rc;
		w->to += 86400;  /* the whole last day */
	}
	if (w->to <= w->from)
		return err_field(e, ERR_INVALID, "to", NULL,
		    "截止日期不能早于起始日期");
	if ((rc = text_filter(f->actor, "actor", "操作人账号", w->actor,
	    e)) != 0 ||
	    (rc = text_filter(f->action, "action", "操作", w->action, e)) != 0 ||
	    (rc = text_filter(f->object_type, "object_type", "对象类型",
	    w->object_type, e)) != 0 ||
	    (rc = text_filter(f->object_id, "object_id", "对象编号",
	    w->object_id, e)) != 0)
		return rc;
	/* Logins are stored normalised: user names lower-case, ID numbers
	 * and credit codes upper-case; match the text as typed or either. */
	for (size_t i = 0; w->actor[i] != '\0'; i++) {
		char ch = w->actor[i];

		w->actor_lo[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
		w->actor_up[i] = (ch >= 'a' && ch <= 'z') ? (char)(ch - 32) : ch;
	}
	/* An action, or a family of actions: "case" matches "case.accept". */
	if (w->action[0] != '\0') {
		for (size_t i = 0; w->action[i] != '\0'; i++) {
			char ch = w->action[i];

			if (ch == '%' || ch == '_' || ch == '\\')
				w->action_like[j++] = '\\';
			w->action_like[j++] = ch;
		}
		w->action_like[j++] = '.';
		w->action_like[j++] = '%';
		w->action_like[j] = '\0';
	}
	if (f->dept_id < 0)
		return err_field(e, ERR_INVALID, "dept_id", NULL, "部门编号无效");
	w->dept_id = f->dept_id;
	if (f->before < 0)
		return err_field(e, ERR_INVALID, "before", NULL, "分页位置无效");
	w->before = f->before;
	return 0;
}

/* Newest first along the sequence: the time bounds are written +a.at so
 * that no planner trades the walk down the primary key (which stops at the
 * page's LIMIT) for a range over the time index and a sort of the whole
 * range. */
#define AUDIT_SELECT \
	"SELECT a.seq, a.at, a.actor_id, a.actor_login, a.actor_role, " \
	"a.action, a.object_type, a.object_id, a.summary, a.client_ip, " \
	"a.request_id, a.hash, u.name, d.name FROM audit_log a " \
	"LEFT JOIN users u ON u.id = a.actor_id " \
	"LEFT JOIN departments d ON d.id = u.dept_id " \
	"WHERE (? = 0 OR a.seq < ?) AND +a.at >= ? AND +a.at < ? " \
	"AND (? = '' OR a.actor_login IN (?, ?, ?)) " \
	"AND (? = '' OR a.action = ? OR a.action LIKE ? ESCAPE '\\') " \
	"AND (? = '' OR a.object_type = ?) " \
	"AND (? = '' OR a.object_id = ?) " \
	"AND (? = 0 OR u.dept_id = ?) " \
	"ORDER BY a.seq DESC LIMIT ?"

static struct db_stmt *
select_rows(struct db *db, const struct audit_where *w, int limit,
    struct err *e)
{
	return db_query(db, e, AUDIT_SELECT, "iiiisssssssssssiiI",
	    w->before, w->before, w->from, w->to,
	    w->actor, w->actor, w->actor_lo, w->actor_up,
	    w->action, w->action, w->action_like,
	    w->object_type, w->object_type,
	    w->object_id, w->object_id,
	    w->dept_id, w->dept_id, limit);
}

/* The actor's login as lists show it: applicants' masked. */
static void
shown_login(const char *login, const char *role, char *out, size_t n)
{
	if (strcmp(role, "applicant") == 0)
		idno_mask(login, out, n);
	else
		snprintf(out, n, "%s", login);
}

static json_t *
row_json(struct db_stmt *s)
{
	char login[128];

	shown_login(db_col_text(s, 3), db_col_text(s, 4), login,
	    sizeof(login));
	return json_pack("{s:I, s:I, s:o, s:s, s:o, s:o, s:s, s:s, s:s, s:s, "
	    "s:o, s:s, s:s, s:s}",
	    "seq", (json_int_t)db_col_int(s, 0),
	    "at", (json_int_t)db_col_int(s, 1),
	    "actor_id", db_col_int(s, 2) > 0 ?
	    json_integer((json_int_t)db_col_int(s, 2)) : json_null(),
	    "actor_login", login,
	    "actor_name", db_col_is_null(s, 12) ? json_null() :
	    json_string(db_col_text(s, 12)),
	    "dept_name", db_col_is_null(s, 13) ? json_null() :
	    json_string(db_col_text(s, 13)),
	    "actor_role", db_col_text(s, 4),
	    "action", db_col_text(s, 5),
	    "object_type", db_col_text(s, 6),
	    "object_id", db_col_text(s, 7),
	    "summary", db_col_is_null(s, 8) ? json_null() :
	    json_string(db_col_text(s, 8)),
	    "client_ip", db_col_text(s, 9),
	    "request_id", db_col_text(s, 10),
	    "hash", db_col_text(s, 11));
}

int
audit_list(struct ctx *c, const struct audit_filter *f, json_t **out,
    struct err *e)
{
	struct audit_where w;
	struct db_stmt *s;
	json_t *items;
	int64_t last = 0;
	int limit, n = 0, rc;
	bool more = false;

	*out = NULL;
	rc = may_read(c, e);
	if (rc == 0)
		rc = where_check(f, &w, e);
	if (rc != 0)
		return rc;
	limit = f != NULL ? f->limit : 0;
	if (limit < 0 || limit > AUDIT_LIST_MAX)
		return err_field(e, ERR_INVALID, "limit", NULL,
		    "每页条数须为 1 至 %d", AUDIT_LIST_MAX);
	if (limit == 0)
		limit = AUDIT_LIST_DEFAULT;
	s = select_rows(c->db, &w, limit + 1, e);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (n == limit) {
			more = true;
			continue;
		}
		last = db_col_int(s, 0);
		json_array_append_new(items, row_json(s));
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "items", items, "next_before",
	    more ? json_integer((json_int_t)last) : json_null());
	return 0;
}

struct export_tx {
	struct ctx *c;
	json_t *sum;
};

static int
export_audit_fn(struct db *db, void *arg, struct err *e)
{
	struct export_tx *t = arg;

	(void)db;
	return audit_append(t->c, "audit.export", "audit_log", "", t->sum, e);
}

int
audit_export_csv(struct ctx *c, const struct audit_filter *f, struct buf *out,
    struct err *e)
{
	static const char *const head[] = {
		"序号", "时间", "账号", "姓名", "部门", "角色", "操作",
		"对象类型", "对象编号", "摘要", "来源地址", "请求号", "哈希",
	};
	struct audit_where w;
	struct db_stmt *s;
	json_t *headers, *rows, *sum;
	struct export_tx t;
	int n = 0, rc;

	rc = may_read(c, e);
	if (rc == 0)
		rc = where_check(f, &w, e);
	if (rc != 0)
		return rc;
	w.before = 0;
	s = select_rows(c->db, &w, AUDIT_EXPORT_MAX + 1, e);
	if (s == NULL)
		return err_rc(e);
	rows = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		char at[17], login[128], seq[24];

		if (++n > AUDIT_EXPORT_MAX)
			break;
		snprintf(seq, sizeof(seq), "%" PRId64, db_col_int(s, 0));
		clock_datetime(db_col_int(s, 1), at);
		shown_login(db_col_text(s, 3), db_col_text(s, 4), login,
		    sizeof(login));
		json_array_append_new(rows, json_pack("[s, s, s, s?, s?, s, s, "
		    "s, s, s?, s, s, s]", seq, at, login,
		    db_col_is_null(s, 12) ? NULL : db_col_text(s, 12),
		    db_col_is_null(s, 13) ? NULL : db_col_text(s, 13),
		    db_col_text(s, 4), db_col_text(s, 5), db_col_text(s, 6),
		    db_col_text(s, 7), db_col_is_null(s, 8) ? NULL :
		    db_col_text(s, 8), db_col_text(s, 9), db_col_text(s, 10),
		    db_col_text(s, 11)));
	}
	db_finish(s);
	if (rc < 0 && n <= AUDIT_EXPORT_MAX) {
		json_decref(rows);
		return rc;
	}
	if (n > AUDIT_EXPORT_MAX) {
		json_decref(rows);
		return err_set(e, ERR_UNPROCESSABLE, "export_too_large",
		    "符合条件的记录超过 %d 条，请缩小时间范围后分段导出",
		    AUDIT_EXPORT_MAX);
	}
	headers = json_array();
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		json_array_append_new(headers, json_string(head[i]));
	rc = csv_write_json(out, headers, rows, CSV_BOM | CSV_NEUTRALISE, e);
	json_decref(headers);
	json_decref(rows);
	if (rc != 0)
		return rc;
	/* Who took a copy of the log, and of which part. */
	sum = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:i}",
	    "from", f != NULL && f->from != NULL ? f->from : "",
	    "to", f != NULL && f->to != NULL ? f->to : "",
	    "actor", w.actor, "action", w.action, "object_type",
	    w.object_type, "object_id", w.object_id,
	    "dept_id", (json_int_t)w.dept_id, "records", n);
	t.c = c;
	t.sum = sum;
	rc = db_tx(c->db, export_audit_fn, &t, e);
	json_decref(sum);
	return rc;
}

int
audit_check(struct ctx *c, json_t **out, struct err *e)
{
	struct err ve;
	int64_t checked = 0, bad = 0;
	int rc;

	*out = NULL;
	rc = may_read(c, e);
	if (rc != 0)
		return rc;
	err_clear(&ve);
	rc = audit_verify(c, &checked, &bad, &ve);
	if (rc != 0 && ve.code != ERR_CONFLICT) {
		*e = ve;
		return rc;
	}
	*out = json_pack("{s:b, s:I, s:o, s:s}", "intact", rc == 0,
	    "checked", (json_int_t)checked, "bad_seq", rc == 0 ?
	    json_null() : json_integer((json_int_t)bad), "message",
	    rc == 0 ? "审计日志链完整，未发现篡改" : ve.msg);
	return 0;
}
