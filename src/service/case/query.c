/* cases_query.c - reading cases: one case, its timeline, the applicant's
 * list, the staff look-up and the work inbox (keyset pages, most urgent
 * first). Each list query reads one index range; the inbox merges a few
 * such ranges (one per queue the actor works) in memory. */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/account/account.h"
#include "base/buf.h"
#include "base/cursor.h"
#include "base/idno.h"
#include "store/db.h"

#define SUMMARY_SELECT "SELECT c.id, c.case_no, c.item_id, i.name, " \
	"c.dept_id, d.name, c.window_id, c.channel, c.applicant_kind, " \
	"c.applicant_name, c.applicant_idno, c.state, c.acceptance_mode, " \
	"c.accepted_day, c.due_day, c.remaining_days, c.warn_level, c.trips, " \
	"c.flagged, c.created_at, c.updated_at, c.closed_at, c.version, " \
	"c.inbox_rank FROM cases c JOIN items i ON i.id = c.item_id " \
	"JOIN departments d ON d.id = c.dept_id "

static json_t *
text_or_null(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? json_null() :
	    json_string(db_col_text(s, col));
}

static json_t *
summary_row(struct db_stmt *s)
{
	const struct workflow_state *st;
	char masked[32];

	idno_mask(db_col_text(s, 10), masked, sizeof(masked));
	st = workflow_find_state(workflow_default(), db_col_text(s, 11));
	return json_pack("{s:I, s:s, s:I, s:s, s:I, s:s, s:o, s:s, "
	    "s:{s:s, s:s, s:s}, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:b, "
	    "s:I, s:I, s:o, s:I, s:s}",
	    "id", (json_int_t)db_col_int(s, 0),
	    "case_no", db_col_text(s, 1),
	    "item_id", (json_int_t)db_col_int(s, 2),
	    "item_name", db_col_text(s, 3),
	    "dept_id", (json_int_t)db_col_int(s, 4),
	    "dept_name", db_col_text(s, 5),
	    "window_id", db_col_is_null(s, 6) ? json_null() :
	    json_integer(db_col_int(s, 6)),
	    "channel", db_col_text(s, 7),
	    "applicant",
	    "kind", db_col_text(s, 8)[0] == 'E' ? "enterprise" : "person",
	    "name", db_col_text(s, 9),
	    "idno_masked", masked,
	    "state", db_col_text(s, 11),
	    "state_label", st != NULL ? st->label : db_col_text(s, 11),
	    "acceptance_mode", text_or_null(s, 12),
	    "accepted_day", text_or_null(s, 13),
	    "due_day", text_or_null(s, 14),
	    "remaining_days", db_col_is_null(s, 15) ? json_null() :
	    json_integer(db_col_int(s, 15)),
	    "warn_level", text_or_null(s, 16),
	    "trips", (json_int_t)db_col_int(s, 17),
	    "flagged", db_col_int(s, 18) != 0,
	    "created_at", (json_int_t)db_col_int(s, 19),
	    "updated_at", (json_int_t)db_col_int(s, 20),
	    "closed_at", db_col_is_null(s, 21) ? json_null() :
	    json_integer(db_col_int(s, 21)),
	    "version", (json_int_t)db_col_int(s, 22),
	    "_rank", db_col_text(s, 23));
}

/* Appends the rows of s to arr (summaries); finishes s. */
static int
collect(struct db_stmt *s, json_t *arr, struct err *e)
{
	int rc;

	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		json_t *o = summary_row(s);

		if (o == NULL) {
			rc = err_internal(e, "summary_row failed");
			break;
		}
		json_array_append_new(arr, o);
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int
page_limit(int limit)
{
	if (limit <= 0)
		return LIMIT_PAGE_DEFAULT;
	return limit > LIMIT_PAGE_MAX ? LIMIT_PAGE_MAX : limit;
}

/* {items, next_cursor} from rows already sorted, at most limit + 1;
 * desc: the cursor is "~id" of the last row (id descending pages). */
static json_t *
page(json_t *rows, int limit, bool by_rank)
{
	size_t n = json_array_size(rows), i;
	json_t *o, *next = json_null();
	char cur[64];

	if (n > (size_t)limit) {
		json_t *last = json_array_get(rows, (size_t)limit - 1);

		cursor_encode(by_rank ? json_string_value(
		    json_object_get(last, "_rank")) : "",
		    json_integer_value(json_object_get(last, "id")), cur,
		    sizeof(cur));
		next = json_string(cur);
		while (json_array_size(rows) > (size_t)limit)
			json_array_remove(rows, json_array_size(rows) - 1);
	}
	json_array_foreach(rows, i, o)
		json_object_del(o, "_rank");
	return json_pack("{s:O, s:o}", "items", rows, "next_cursor", next);
}

int
case_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	return case_json_by_id(c, id, out, e);
}

static const char *
event_label(const char *action)
{
	static const struct {
		const char *code, *label;
	} extra[] = {
		{ "apply", "网上申请" }, { "register", "窗口登记" },
		{ "supplement", "提交补正材料" }, { "trip", "来访登记" },
		{ "extension_request", "申请延期" },
		{ "extension_approve", "批准延期" },
		{ "extension_reject", "不批准延期" },
		{ "check_passed", "承诺核查属实" },
		{ "check_false", "承诺核查不实" },
	};
	const struct workflow_def *def = workflow_default();

	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (strcmp(extra[i].code, action) == 0)
			return extra[i].label;
	for (size_t i = 0; i < def->n_actions; i++)
		if (strcmp(def->actions[i].code, action) == 0)
			return def->actions[i].label;
	return action;
}

int
case_timeline(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_row r;
	struct db_stmt *s;
	json_t *items;
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_row_load(c, id, &r, e);
	if (rc != 0)
		return rc;
	rc = item_facts_get(c, r.item_version_id, &f, e);
	if (rc == 0)
		rc = case_access(c, &r, f, &roles, e);
	item_facts_put(f);
	case_row_release(&r);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT id, at, actor_name, role, action, "
	    "from_state, to_state, note, data FROM case_events WHERE "
	    "case_id = ? ORDER BY id", "i", id);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *act = db_col_text(s, 4);
		json_t *data = NULL;

		if (!db_col_is_null(s, 8))
			data = json_loads(db_col_text(s, 8), 0, NULL);
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, "
		    "s:s, s:s, s:o, s:o, s:o, s:o}",
		    "id", (json_int_t)db_col_int(s, 0),
		    "at", (json_int_t)db_col_int(s, 1),
		    "actor_name", db_col_text(s, 2),
		    "role", db_col_text(s, 3),
		    "action", act,
		    "action_label", event_label(act),
		    "from_state", text_or_null(s, 5),
		    "to_state", text_or_null(s, 6),
		    "note", text_or_null(s, 7),
		    "data", data != NULL ? data : json_null()));
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* Cursor of id-descending lists: "~id"; 0 = from the newest. */
static int
desc_cursor(const char *cursor, int64_t *before, struct err *e)
{
	char rank[16];

	*before = INT64_MAX;
	if (cursor == NULL || cursor[0] == '\0')
		return 0;
	if (!cursor_decode(cursor, rank, sizeof(rank), before) ||
	    rank[0] != '\0')
		return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
		    "分页参数不正确");
	return 0;
}

int
case_list_mine(struct ctx *c, const char *cursor, int limit, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	int64_t before;
	json_t *rows;
	int rc;

	*out = NULL;
	if (a == NULL || (a->kind != ACTOR_PERSON &&
	    a->kind != ACTOR_ENTERPRISE))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有申请人可以查看“我的办件”");
	rc = desc_cursor(cursor, &before, e);
	if (rc != 0)
		return rc;
	limit = page_limit(limit);
	rows = json_array();
	rc = collect(db_query(c->db, e, SUMMARY_SELECT "WHERE "
	    ACTOR_APPLICANT_SQL("c.created_by", "c.applicant_idno")
	    " AND c.id < ? ORDER BY c.id DESC LIMIT ?", "isiI", a->user_id,
	    actor_claim_idno(a), before, limit + 1), rows, e);
	if (rc == 0)
		*out = page(rows, limit, false);
	json_decref(rows);
	return rc;
}

/* Staff visibility: everything for the hall and supervisors, else the
 * department's cases, the window's cases, and cases waiting for any window
 * that accepts their item. */
#define VISIBLE_SQL "(? = 1 OR c.dept_id = ? OR c.window_id = ? OR " \
	"(c.window_id IS NULL AND c.state IN ('submitted', 'supplement') AND " \
	"c.item_id IN (SELECT item_id FROM window_items WHERE window_id = ?)))"

int
case_lookup(struct ctx *c, const char *no, const char *idno,
    const char *cursor, int limit, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	int64_t before, dept, win;
	char norm[40];
	json_t *rows;
	int all, rc;

	*out = NULL;
	if (a == NULL || a->kind != ACTOR_STAFF)
		return err_set(e, ERR_FORBIDDEN, NULL, "仅限工作人员查询办件");
	all = actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN) ?
	    1 : 0;
	dept = a->dept_id > 0 ? a->dept_id : -1;
	win = a->window_id > 0 && actor_has(a, ROLE_CLERK) ? a->window_id : -1;
	rc = desc_cursor(cursor, &before, e);
	if (rc != 0)
		return rc;
	limit = page_limit(limit);
	rows = json_array();
	if (no != NULL && no[0] != '\0') {
		if (strlen(no) >= CASE_NO_MAX) {
			rc = err_field(e, ERR_INVALID, "no", NULL,
			    "办件编号不正确");
			goto out;
		}
		rc = collect(db_query(c->db, e, SUMMARY_SELECT "WHERE "
		    "c.case_no = ? AND c.id < ? AND " VISIBLE_SQL, "siIiii", no,
		    before, all, dept, win, win), rows, e);
	} else if (idno != NULL && idno[0] != '\0') {
		if (strlen(idno) >= sizeof(norm) ||
		    auth_login_normalise(idno, norm, sizeof(norm)) != 0) {
			rc = err_field(e, ERR_INVALID, "idno", NULL,
			    "证件号码不正确");
			goto out;
		}
		rc = collect(db_query(c->db, e, SUMMARY_SELECT "WHERE "
		    "c.applicant_idno = ? AND c.id < ? AND " VISIBLE_SQL
		    " ORDER BY c.id DESC LIMIT ?", "siIiiiI", norm, before, all,
		    dept, win, win, limit + 1), rows, e);
	} else {
		rc = err_field(e, ERR_INVALID, "no", "required",
		    "请输入办件编号或申请人证件号码");
	}
	if (rc == 0)
		*out = page(rows, limit, false);
out:
	json_decref(rows);
	return rc;
}

/* ---- inbox ----
 *
 * A queue is the union of a few branches, each one index range read in
 * (inbox_rank, id) order: by window and state, by department and state,
 * and, for cases waiting at any window that accepts their item, one range
 * per item of the window (so that no branch ever sorts; all of those in
 * one query, store/dialect.c's JOIN_EACH). Each branch yields
 * at most limit + 1 keys, all branches in one statement; the keys are
 * merged, and only the page's cases are then read. */

enum branch_kind { BR_WINDOW, BR_DEPT };

struct branch {
	enum branch_kind kind;
	const char *state;
	/* dept branches: 1 only online cases without window; 2 also only
	 * items the department receives itself (core/stationing.h: an item
	 * stationed in the hall of a stationed department is received at a
	 * hall window, not by the back office) */
	int dept_only;
};

struct key {
	char rank[16];
	int64_t id;
};

struct keys {
	struct key *v;
	size_t n, cap;
};

static int
keys_collect(struct db_stmt *s, struct keys *k, struct err *e)
{
	int rc;

	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (k->n == k->cap) {
			size_t cap = k->cap > 0 ? k->cap * 2 : 64;
			struct key *nv = realloc(k->v, cap * sizeof(*nv));

			if (nv == NULL) {
				rc = err_internal(e, "out of memory");
				break;
			}
			k->v = nv;
			k->cap = cap;
		}
		snprintf(k->v[k->n].rank, sizeof(k->v[k->n].rank), "%s",
		    db_col_text(s, 0));
		k->v[k->n].id = db_col_int(s, 1);
		k->n++;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* The range each kind of branch reads, and the window's submitted cases
 * (one range per item of the window, store/dialect.c's JOIN_EACH). */
#define BRANCH_WINDOW_SQL "SELECT c.inbox_rank, c.id FROM cases c " \
	"WHERE c.window_id = ? AND c.state = ? AND " \
	"(c.inbox_rank, c.id) > (?, ?) AND (? = '' OR c.warn_level = ?) " \
	"AND (? = 0 OR c.item_id = ?) ORDER BY c.inbox_rank, c.id LIMIT ?"
#define BRANCH_DEPT_SQL "SELECT c.inbox_rank, c.id FROM cases c " \
	"WHERE c.dept_id = ? AND c.state = ? AND " \
	"(c.inbox_rank, c.id) > (?, ?) AND (? = 0 OR " \
	"(c.channel = 'online' AND c.window_id IS NULL AND (? < 2 OR " \
	"c.item_id NOT IN (SELECT i.id FROM items i JOIN departments " \
	"d ON d.id = i.dept_id WHERE i.stationed = 1 AND " \
	"d.stationing_mode <> 'none')))) AND " \
	"(? = '' OR c.warn_level = ?) AND (? = 0 OR c.item_id = ?) " \
	"ORDER BY c.inbox_rank, c.id LIMIT ?"
#define BRANCH_SUBMITTED_SQL "SELECT k.inbox_rank, k.id FROM window_items " \
	"w {{JOIN_EACH k cases}} (SELECT c.id FROM cases c WHERE " \
	"c.state = 'submitted' AND c.item_id = w.item_id AND " \
	"(c.inbox_rank, c.id) > (?, ?) AND (c.window_id IS NULL OR " \
	"c.window_id = ?) AND (? = '' OR c.warn_level = ?) ORDER BY " \
	"c.inbox_rank, c.id LIMIT ?){{END_EACH k}} WHERE w.window_id = ? " \
	"AND (? = 0 OR w.item_id = ?)"

/* The keys of every branch, each its own ordered range of at most limit
 * rows, in one statement: one round trip to the database for the whole
 * queue (on PostgreSQL the seven branches of a window clerk's "all" used
 * to be seven). */
static int
inbox_keys(struct ctx *c, const struct branch *br, size_t nb,
    bool submitted, const char *warn, int64_t item_id, const char *rank,
    int64_t after, int limit, struct keys *k, struct err *e)
{
	const struct actor *a = c->actor;
	struct db_stmt *s;
	struct buf sql;
	size_t i;
	int at = 0, rc = 0;

	if (nb == 0 && !submitted)
		return 0;
	buf_init(&sql, 16384);
	for (i = 0; i < nb; i++)
		buf_appendf(&sql, "%sSELECT inbox_rank, id FROM (%s) b%zu",
		    i > 0 ? " UNION ALL " : "", br[i].kind == BR_WINDOW ?
		    BRANCH_WINDOW_SQL : BRANCH_DEPT_SQL, i);
	if (submitted)
		buf_appendf(&sql, "%sSELECT inbox_rank, id FROM (%s) bs",
		    nb > 0 ? " UNION ALL " : "", BRANCH_SUBMITTED_SQL);
	if (buf_putc(&sql, '\0') != 0) {
		buf_release(&sql);
		return err_internal(e, "out of memory");
	}
	s = db_prepare(c->db, sql.data, e);
	buf_release(&sql);
	if (s == NULL)
		return -(int)e->code;
	for (i = 0; i < nb && rc == 0; i++)
		if (br[i].kind == BR_WINDOW)
			rc = db_bind_next(s, &at, e, "ississiiI",
			    a->window_id, br[i].state, rank, after, warn, warn,
			    item_id, item_id, limit);
		else
			rc = db_bind_next(s, &at, e, "issiIIssiiI",
			    a->dept_id, br[i].state, rank, after,
			    br[i].dept_only, br[i].dept_only, warn, warn,
			    item_id, item_id, limit);
	if (rc == 0 && submitted)
		rc = db_bind_next(s, &at, e, "siissIiii", rank, after,
		    a->window_id, warn, warn, limit, a->window_id, item_id,
		    item_id);
	if (rc != 0) {
		db_finish(s);
		return rc;
	}
	return keys_collect(s, k, e);
}

static int
key_cmp(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int r = strcmp(a->rank, b->rank);

	if (r != 0)
		return r;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The summaries of the cases ids[0..n) in that order (a case gone in the
 * meantime is left out): one query per PAGE_IDS ids. */
#define PAGE_IDS 20
static int
page_rows(struct ctx *c, const int64_t *ids, size_t n, json_t **out,
    struct err *e)
{
	json_t *got = json_array(), *rows = json_array(), *o;
	size_t i, j;
	int rc = 0;

	*out = NULL;
	for (i = 0; i < n && rc == 0; i += PAGE_IDS) {
		int64_t v[PAGE_IDS];

		/* Unused slots repeat the first id: never a different case. */
		for (j = 0; j < PAGE_IDS; j++)
			v[j] = i + j < n ? ids[i + j] : ids[i];
		rc = collect(db_query(c->db, e, SUMMARY_SELECT "WHERE c.id IN "
		    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iiiiiiiiiiiiiiiiiiii", v[0], v[1], v[2], v[3], v[4], v[5],
		    v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
		    v[15], v[16], v[17], v[18], v[19]), got, e);
	}
	if (rc != 0) {
		json_decref(got);
		json_decref(rows);
		return rc;
	}
	for (i = 0; i < n; i++)
		json_array_foreach(got, j, o)
			if (json_integer_value(json_object_get(o, "id")) ==
			    ids[i]) {
				json_array_append(rows, o);
				break;
			}
	json_decref(got);
	*out = rows;
	return 0;
}

int
case_inbox(struct ctx *c, const struct case_inbox_q *q, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	const char *queue = q->queue != NULL && q->queue[0] != '\0' ?
	    q->queue : "all";
	const char *warn = q->warn != NULL ? q->warn : "";
	struct branch br[16];
	struct keys k = { NULL, 0, 0 };
	char rank[16] = "";
	int64_t after = 0;
	size_t nb = 0, taken = 0;
	json_t *rows = NULL;
	bool clerk, dept, any, submitted = false;
	int limit, rc = 0;

	*out = NULL;
	if (a == NULL || a->kind != ACTOR_STAFF)
		return err_set(e, ERR_FORBIDDEN, NULL, "工作台仅供工作人员使用");
	if (strcmp(queue, "accept") != 0 && strcmp(queue, "forward") != 0 &&
	    strcmp(queue, "review") != 0 && strcmp(queue, "decide") != 0 &&
	    strcmp(queue, "deliver") != 0 && strcmp(queue, "all") != 0)
		return err_field(e, ERR_INVALID, "queue", "bad_queue",
		    "queue 须为 accept、forward、review、decide、deliver 或 all");
	if (warn[0] != '\0' && strcmp(warn, "red") != 0 &&
	    strcmp(warn, "yellow") != 0 && strcmp(warn, "green") != 0 &&
	    strcmp(warn, "paused") != 0)
		return err_field(e, ERR_INVALID, "warn", "bad_warn",
		    "warn 须为 red、yellow、green 或 paused");
	if (q->item_id < 0)
		return err_field(e, ERR_INVALID, "item_id", NULL,
		    "item_id 不正确");
	if (q->cursor != NULL && q->cursor[0] != '\0' &&
	    !cursor_decode(q->cursor, rank, sizeof(rank), &after))
		return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
		    "分页参数不正确");
	clerk = actor_has(a, ROLE_CLERK) && a->window_id > 0;
	dept = actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN) && a->dept_id > 0;
	if (!clerk && !dept)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "工作台仅供窗口人员和审批人员使用");
	any = strcmp(queue, "all") == 0;
#define ADD(k_, st_, only_) do { br[nb].kind = (k_); br[nb].state = (st_); \
	br[nb].dept_only = (only_); nb++; } while (0)
	if (clerk) {
		/* 待受理 is what waits for acceptance; accepted cases wait
		 * for 分送审查 (forward), a queue of their own. */
		if (any || strcmp(queue, "accept") == 0)
			submitted = true;
		if (any || strcmp(queue, "forward") == 0)
			ADD(BR_WINDOW, "accepted", 0);
		if (any || strcmp(queue, "review") == 0) {
			ADD(BR_WINDOW, "review", 0);
			ADD(BR_WINDOW, "suspended", 0);
		}
		if (any || strcmp(queue, "decide") == 0)
			ADD(BR_WINDOW, "decide", 0);
		if (any || strcmp(queue, "deliver") == 0)
			ADD(BR_WINDOW, "certify", 0);
	}
	if (dept) {
		if (any || strcmp(queue, "accept") == 0)
			ADD(BR_DEPT, "submitted", 2);
		if (any || strcmp(queue, "forward") == 0)
			ADD(BR_DEPT, "accepted", 1);
		if (any || strcmp(queue, "review") == 0) {
			ADD(BR_DEPT, "review", 0);
			ADD(BR_DEPT, "suspended", 0);
		}
		if (any || strcmp(queue, "decide") == 0)
			ADD(BR_DEPT, "decide", 0);
		if (any || strcmp(queue, "deliver") == 0)
			ADD(BR_DEPT, "certify", 1);
	}
#undef ADD
	limit = page_limit(q->limit);
	rc = inbox_keys(c, br, nb, submitted, warn, q->item_id, rank, after,
	    limit + 1, &k, e);
	if (rc != 0)
		goto out;
	/* Merge: sort the keys, drop duplicates, read the page's cases
	 * (PAGE_IDS at a time) and put them in key order. */
	if (k.n > 0)
		qsort(k.v, k.n, sizeof(*k.v), key_cmp);
	rows = json_array();
	{
		int64_t ids[LIMIT_PAGE_MAX + 1];
		size_t nids = 0;
		bool more = false;

		for (size_t i = 0; i < k.n; i++) {
			if (i > 0 && key_cmp(&k.v[i], &k.v[i - 1]) == 0)
				continue;
			if (taken++ == (size_t)limit) {
				more = true;
				json_decref(rows);
				rows = NULL;
				rc = page_rows(c, ids, nids, &rows, e);
				/* One more than the page: a next page. */
				if (rc == 0)
					json_array_append_new(rows, json_pack(
					    "{s:I, s:s}", "id",
					    (json_int_t)k.v[i].id, "_rank",
					    k.v[i].rank));
				break;
			}
			ids[nids++] = k.v[i].id;
		}
		if (!more) {
			json_decref(rows);
			rows = NULL;
			rc = page_rows(c, ids, nids, &rows, e);
		}
	}
	if (rc == 0)
		*out = page(rows, limit, true);
out:
	free(k.v);
	json_decref(rows);
	return rc;
}
