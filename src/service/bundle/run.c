/* run.c - a running 一件事: the children started when their dependencies
 * are approved, completion exactly once (or the end when a chosen child
 * fails), the one delivery, and the bundle view with its clock. */
#include "service/bundle/bundle_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "core/deadline.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "store/db.h"

static const char *
rstr(const json_t *row, const char *k)
{
	const char *s = json_string_value(json_object_get(row, k));

	return s != NULL ? s : "";
}

static int64_t
row_int(const json_t *row, const char *k)
{
	return json_integer_value(json_object_get(row, k));
}

/* The children rows with their case's state: {idx, item_key, item_name,
 * dept_id, state, case_id, budget_days, case_state, decision,
 * decision_reason}. */
static json_t *
children_rows(struct db *db, int64_t id, struct err *e)
{
	return db_query_json(db, e, "SELECT b.idx, b.item_key, b.item_id, "
	    "b.item_name, b.dept_id, b.state, b.case_id, b.budget_days, "
	    "c.state AS case_state, c.decision, c.decision_reason, c.case_no "
	    "FROM bundle_children b LEFT JOIN cases c ON c.id = b.case_id "
	    "WHERE b.bundle_case_id = ? ORDER BY b.idx", "i", id);
}

static int
child_state(const json_t *k)
{
	const char *st = rstr(k, "state"), *cs = rstr(k, "case_state");

	if (strcmp(st, "skipped") == 0)
		return BUNDLE_CHILD_SKIPPED;
	if (strcmp(st, "waiting") == 0)
		return BUNDLE_CHILD_WAITING;
	if (strcmp(cs, "certify") == 0 || strcmp(cs, "done") == 0)
		return BUNDLE_CHILD_APPROVED;
	if (strcmp(cs, "denied") == 0 || strcmp(cs, "terminated") == 0 ||
	    strcmp(cs, "withdrawn") == 0 || strcmp(cs, "revoked") == 0 ||
	    strcmp(cs, "rejected") == 0)
		return BUNDLE_CHILD_FAILED;
	return BUNDLE_CHILD_RUNNING;
}

/* The form of child i: the shared form mapped, and for the item issuing a
 * 一业一证 licence the list of what it replaces as its scope. */
static json_t *
child_form(const struct bundle_loaded *L, int i, const json_t *form)
{
	const struct bundle_def *d = &L->def;
	json_t *f = bundle_map_form(d, i, form);

	if (i == d->cert_item) {
		char scope[2048];
		size_t len = 0;

		len += (size_t)snprintf(scope, sizeof(scope), "%s，载明并替代：",
		    d->cert_name);
		for (int k = 0, n = 0; k < d->n_items; k++) {
			if (!d->cert_replaces[k])
				continue;
			if (len < sizeof(scope))
				len += (size_t)snprintf(scope + len,
				    sizeof(scope) - len, "%s%s", n++ > 0 ? "、" :
				    "", L->result_name[k][0] != '\0' ?
				    L->result_name[k] : L->item_name[k]);
		}
		json_object_set_new(f, "scope", json_string(scope));
	}
	return f;
}

int
bundle_start_ready(struct ctx *c, int64_t id, int *created, struct err *e)
{
	struct bundle_loaded *L = calloc(1, sizeof(*L));
	struct bundle_mat *mm = calloc(BUNDLE_MAX_MATS, sizeof(*mm));
	int st[BUNDLE_MAX_ITEMS];
	bool ready[BUNDLE_MAX_ITEMS], chosen[BUNDLE_MAX_ITEMS];
	json_t *row = NULL, *kids = NULL, *mats = NULL, *form = NULL, *k;
	size_t i;
	int n, rc;

	*created = 0;
	if (L == NULL || mm == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	row = db_query_row(c->db, e, "SELECT * FROM bundle_cases WHERE id = ?",
	    "i", id);
	if (row == NULL) {
		rc = err_rc(e);
		goto out;
	}
	rc = bundle_load_version(c, row_int(row, "bundle_version_id"), L, e);
	if (rc != 0)
		goto out;
	kids = children_rows(c->db, id, e);
	mats = db_query_json(c->db, e, "SELECT idx, status, sha256 FROM "
	    "bundle_materials WHERE bundle_case_id = ? ORDER BY idx", "i", id);
	if (kids == NULL || mats == NULL) {
		rc = err_rc(e);
		goto out;
	}
	if ((int)json_array_size(kids) != L->def.n_items) {
		rc = err_internal(e, "bundle case %" PRId64 ": children do not "
		    "match the definition", id);
		goto out;
	}
	json_array_foreach(kids, i, k) {
		st[i] = child_state(k);
		chosen[i] = st[i] != BUNDLE_CHILD_SKIPPED;
	}
	if (bundle_ready(&L->def, st, ready) == 0)
		goto out;
	n = bundle_merge_materials(&L->def, chosen, mm, BUNDLE_MAX_MATS, NULL,
	    NULL);
	if (n != (int)json_array_size(mats)) {
		rc = err_internal(e, "bundle case %" PRId64 ": materials do not "
		    "match the definition", id);
		goto out;
	}
	form = json_loads(rstr(row, "form"), 0, NULL);
	for (int x = 0; x < L->def.n_items && rc == 0; x++) {
		struct case_child_in in;
		json_t *list, *missing, *f;
		int64_t case_id = 0;

		if (!ready[x])
			continue;
		list = json_array();
		missing = json_array();
		for (int m = 0; m < n; m++) {
			json_t *bm = json_array_get(mats, (size_t)m);
			const char *status = rstr(bm, "status");

			for (int u = 0; u < mm[m].n_uses; u++) {
				if (mm[m].use_item[u] != x)
					continue;
				if (strcmp(status, "provided") == 0)
					json_array_append_new(list, json_pack(
					    "{s:i, s:s}", "index",
					    mm[m].use_idx[u], "sha256",
					    rstr(bm, "sha256")));
				else if (strcmp(status, "rongque") == 0 &&
				    L->def.items[x].mat_nec[mm[m].use_idx[u]] ==
				    NEC_RONGQUE)
					json_array_append_new(missing,
					    json_integer(mm[m].use_idx[u]));
			}
		}
		f = child_form(L, x, form);
		memset(&in, 0, sizeof(in));
		in.bundle_id = id;
		in.item_id = L->def.items[x].item_id;
		in.kind = rstr(row, "applicant_kind")[0];
		in.name = rstr(row, "applicant_name");
		in.idno = rstr(row, "applicant_idno");
		in.mobile = rstr(row, "applicant_mobile");
		in.applicant_id = row_int(row, "applicant_id");
		in.uploader_id = row_int(row, "created_by");
		in.channel = rstr(row, "channel");
		in.window_id = row_int(row, "window_id");
		in.accepted_by = row_int(row, "accepted_by");
		in.form = f;
		in.materials = list;
		in.budget_days = (int)row_int(json_array_get(kids, (size_t)x),
		    "budget_days");
		in.missing = json_array_size(missing) > 0 ? missing : NULL;
		in.supplement_due = rstr(row, "supplement_due");
		in.commitment_text = NULL;
		in.note = L->def.items[x].n_after > 0 ?
		    "前置事项已办结，一件事分送部门审查" :
		    "一件事并联审批，分送部门审查";
		rc = case_child_create(c, &in, &case_id, e);
		if (rc == 0)
			rc = db_exec(c->db, e, "UPDATE bundle_children SET "
			    "state = 'created', case_id = ? WHERE "
			    "bundle_case_id = ? AND idx = ?", "iiI", case_id, id,
			    x);
		if (rc == 0)
			(*created)++;
		json_decref(f);
		json_decref(list);
		json_decref(missing);
	}
out:
	json_decref(form);
	json_decref(mats);
	json_decref(kids);
	json_decref(row);
	if (L != NULL)
		bundle_loaded_free(L);
	free(L);
	free(mm);
	return rc;
}

/* The case domain calls this inside the transaction of a child's decision
 * or end. The lock makes two departments deciding at the same moment see
 * each other's decision one after the other, so the bundle completes
 * exactly once. */
int
bundle_child_decided(struct ctx *c, int64_t id, int64_t case_id,
    struct err *e)
{
	struct bundle_def *d = NULL;
	struct bundle_loaded *L = NULL;
	int st[BUNDLE_MAX_ITEMS], failed = -1, started = 0;
	enum bundle_outcome oc;
	json_t *row = NULL, *kids = NULL, *k;
	size_t i;
	int rc;

	(void)case_id;
	rc = db_tx_lock(c->db, BUNDLE_LOCK_BASE ^ id, e);
	if (rc != 0)
		return rc;
	row = db_query_row(c->db, e, "SELECT id, state, bundle_no, "
	    "bundle_version_id, applicant_id FROM bundle_cases WHERE id = ?",
	    "i", id);
	if (row == NULL)
		return err_rc(e);
	if (strcmp(rstr(row, "state"), "running") != 0)
		goto out;  /* ended before, or already complete */
	kids = children_rows(c->db, id, e);
	L = calloc(1, sizeof(*L));
	if (kids == NULL || L == NULL) {
		rc = kids == NULL ? err_rc(e) : err_internal(e, "out of memory");
		goto out;
	}
	rc = bundle_load_version(c, row_int(row, "bundle_version_id"), L, e);
	if (rc != 0)
		goto out;
	d = &L->def;
	json_array_foreach(kids, i, k)
		st[i] = child_state(k);
	oc = bundle_outcome(d, st, &failed);
	if (oc == BUNDLE_OUTCOME_COMPLETED) {
		rc = db_exec(c->db, e, "UPDATE bundle_cases SET state = "
		    "'completed', completed_at = ?, version = version + 1, "
		    "updated_at = ? WHERE id = ? AND state = 'running'", "iii",
		    clock_now(), clock_now(), id);
		if (rc == 0 && db_last_changes(c->db) == 1) {
			rc = bundle_event(c->db, c, id, "complete",
			    "全部事项已准予办理，待统一出件", NULL, e);
			if (rc == 0 && row_int(row, "applicant_id") > 0)
				rc = notify_user(c, row_int(row, "applicant_id"),
				    0, "bundle_completed", "一件事已全部办结",
				    "您申请的一件事各部门均已办结，可到综合窗口"
				    "统一领取或网上下载全部结果。", e);
			if (rc == 0)
				rc = bundle_audit(c, "bundle.complete", id,
				    json_pack("{s:s}", "bundle_no",
				    rstr(row, "bundle_no")), e);
		}
	} else if (oc == BUNDLE_OUTCOME_ENDED) {
		json_t *fk = json_array_get(kids, (size_t)failed);
		char reason[1536], stand[1024];
		size_t len = 0;

		stand[0] = '\0';
		json_array_foreach(kids, i, k)
			if (st[i] == BUNDLE_CHILD_APPROVED &&
			    len < sizeof(stand))
				len += (size_t)snprintf(stand + len,
				    sizeof(stand) - len, "%s%s",
				    len > 0 ? "、" : "", rstr(k, "item_name"));
		snprintf(reason, sizeof(reason), "“%s”%s：%s", rstr(fk,
		    "item_name"), strcmp(rstr(fk, "case_state"), "denied") == 0 ?
		    "不予许可" : "未能办结", rstr(fk, "decision_reason")[0] !=
		    '\0' ? rstr(fk, "decision_reason") : "（无理由）");
		rc = db_exec(c->db, e, "UPDATE bundle_cases SET state = 'ended', "
		    "outcome_reason = ?, closed_at = ?, version = version + 1, "
		    "updated_at = ? WHERE id = ? AND state = 'running'", "siii",
		    reason, clock_now(), clock_now(), id);
		if (rc == 0 && db_last_changes(c->db) == 1) {
			char body[3072];

			snprintf(body, sizeof(body), "您申请的一件事（编号 %s）未能"
			    "全部办结。%s。%s%s", rstr(row, "bundle_no"), reason,
			    stand[0] != '\0' ? "以下结果仍然有效：" :
			    "暂无已办结的结果。", stand);
			rc = bundle_event(c->db, c, id, "end", reason, json_pack(
			    "{s:s, s:s}", "failed", rstr(fk, "item_key"),
			    "results_stand", stand), e);
			if (rc == 0 && row_int(row, "applicant_id") > 0)
				rc = notify_user(c, row_int(row, "applicant_id"),
				    0, "bundle_ended", "一件事未能全部办结", body,
				    e);
			if (rc == 0)
				rc = bundle_audit(c, "bundle.end", id, json_pack(
				    "{s:s, s:s}", "reason", reason,
				    "results_stand", stand), e);
		}
	} else {
		rc = bundle_start_ready(c, id, &started, e);
		if (rc == 0 && started > 0)
			rc = bundle_event(c->db, c, id, "start_children",
			    "前置事项已办结，后续事项分送部门", json_pack("{s:i}",
			    "children", started), e);
	}
out:
	if (L != NULL)
		bundle_loaded_free(L);
	free(L);
	json_decref(kids);
	json_decref(row);
	return rc;
}

/* ---- the one delivery ---- */

struct deliver_tx {
	struct ctx *c;
	json_t *row;
	const char *method, *tracking_no;
	int delivered;
};

static int
deliver_fn(struct db *db, void *arg, struct err *e)
{
	struct deliver_tx *t = arg;
	int64_t id = row_int(t->row, "id"), now = clock_now();
	json_t *kids, *k;
	size_t i;
	int rc;

	rc = db_exec(db, e, "UPDATE bundle_cases SET state = 'delivered', "
	    "delivered_at = ?, delivery_method = ?, closed_at = ?, "
	    "trips = trips + ?, version = version + 1, updated_at = ? WHERE "
	    "id = ? AND version = ? AND state = 'completed'", "isiIiii", now,
	    t->method, now, strcmp(t->method, "window") == 0 ? 1 : 0, now, id,
	    row_int(t->row, "version"));
	if (rc == 0 && db_last_changes(db) != 1)
		rc = err_set(e, ERR_CONFLICT, "stale_version", BUNDLE_STALE_MSG);
	if (rc != 0)
		return rc;
	kids = children_rows(db, id, e);
	if (kids == NULL)
		return err_rc(e);
	json_array_foreach(kids, i, k) {
		if (strcmp(rstr(k, "case_state"), "certify") != 0)
			continue;
		rc = case_child_deliver(t->c, row_int(k, "case_id"), t->method,
		    t->tracking_no, e);
		if (rc != 0)
			break;
		t->delivered++;
	}
	json_decref(kids);
	if (rc == 0)
		rc = bundle_event(db, t->c, id, "deliver", "统一出件（一次送达"
		    "全部结果）", json_pack("{s:s, s:i}", "method", t->method,
		    "results", t->delivered), e);
	if (rc == 0 && row_int(t->row, "applicant_id") > 0)
		rc = notify_user(t->c, row_int(t->row, "applicant_id"), 0,
		    "bundle_delivered", "一件事结果已送达",
		    "您申请的一件事的全部结果已统一送达，可在“我的一件事”查看和"
		    "下载。", e);
	if (rc == 0)
		rc = bundle_audit(t->c, "bundle.deliver", id, json_pack(
		    "{s:s, s:i}", "method", t->method, "results",
		    t->delivered), e);
	return rc;
}

int
bundle_deliver(struct ctx *c, int64_t id, const char *method,
    const char *tracking_no, int64_t version, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct deliver_tx t;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	if (a == NULL || !actor_has(a, ROLE_CLERK) || a->window_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有综合窗口人员可以统一出件");
	if (method == NULL || method[0] == '\0')
		method = "window";
	if (strcmp(method, "window") != 0 && strcmp(method, "post") != 0 &&
	    strcmp(method, "download") != 0)
		return err_field(e, ERR_INVALID, "method", "bad_method",
		    "送达方式须为 window、post 或 download");
	t.row = db_query_row(c->db, e, "SELECT * FROM bundle_cases WHERE "
	    "id = ?", "i", id);
	if (t.row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_case_not_found", "一件事申请不存在") : err_rc(e);
	if (version > 0 && row_int(t.row, "version") != version)
		rc = err_set(e, ERR_CONFLICT, "stale_version", BUNDLE_STALE_MSG);
	else if (strcmp(rstr(t.row, "state"), "completed") != 0)
		rc = err_set(e, ERR_CONFLICT, "not_completed",
		    "一件事尚未全部办结，不能统一出件");
	else if (row_int(t.row, "window_id") != a->window_id)
		rc = err_set(e, ERR_FORBIDDEN, "other_window",
		    "请在受理该一件事的窗口统一出件");
	else {
		t.c = c;
		t.method = method;
		t.tracking_no = tracking_no;
		rc = db_tx(c->db, deliver_fn, &t, e);
	}
	if (rc == 0)
		rc = bundle_case_get(c, id, out, e);
	json_decref(t.row);
	return rc;
}

/* ---- the view ---- */

/* Who may see the application: 0, or 404 for another applicant, 403 for
 * staff with no part in it. */
static int
view_access(struct ctx *c, const json_t *row, const json_t *kids,
    struct err *e)
{
	const struct actor *a = c->actor;
	json_t *k;
	size_t i;

	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (a->kind == ACTOR_PERSON || a->kind == ACTOR_ENTERPRISE)
		return actor_is_applicant_of(a, row_int(row, "created_by"),
		    rstr(row, "applicant_idno")) ? 0 :
		    err_set(e, ERR_NOT_FOUND, "bundle_case_not_found",
		    "一件事申请不存在");
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_CLERK |
	    ROLE_SYSADMIN) || a->kind == ACTOR_SYSTEM)
		return 0;
	json_array_foreach(kids, i, k)
		if (row_int(k, "dept_id") == a->dept_id)
			return 0;
	return err_set(e, ERR_FORBIDDEN, NULL, "无权查看该一件事");
}

static int
level_rank(const char *l)
{
	return strcmp(l, "red") == 0 ? 3 : strcmp(l, "yellow") == 0 ? 2 :
	    strcmp(l, "green") == 0 ? 1 : 0;
}

/* The bundle's clock: the limit from the acceptance day, stopped while the
 * applicant supplements any child; the warning is the worst of its own
 * and its open children's. */
static void
clock_json(struct ctx *c, json_t *out, const json_t *row, json_t *children,
    const json_t *susp)
{
	struct suspension s[DEADLINE_MAX_SUSPENSIONS];
	const struct calendar *cal = NULL;
	struct deadline_status ds;
	int32_t acc, open_start = CALENDAR_NO_DAY;
	size_t n = 0, i;
	json_t *x;
	struct err e;
	const char *worst = "";
	char due[11];

	err_clear(&e);
	if (rstr(row, "accepted_day")[0] == '\0' ||
	    calendar_day_parse(rstr(row, "accepted_day"), &acc, &e) != 0 ||
	    case_calendar_current(c, &cal, &e) != 0)
		return;
	json_array_foreach(susp, i, x)
		if (json_is_null(json_object_get(x, "end_day"))) {
			int32_t d;

			if (calendar_day_parse(rstr(x, "start_day"), &d, &e) == 0 &&
			    (open_start == CALENDAR_NO_DAY || d < open_start))
				open_start = d;
		}
	json_array_foreach(susp, i, x) {
		int32_t a, b;

		if (n >= DEADLINE_MAX_SUSPENSIONS - 1 ||
		    json_is_null(json_object_get(x, "end_day")) ||
		    calendar_day_parse(rstr(x, "start_day"), &a, &e) != 0 ||
		    calendar_day_parse(rstr(x, "end_day"), &b, &e) != 0 ||
		    a < acc || b < a ||
		    (open_start != CALENDAR_NO_DAY && a > open_start))
			continue;
		s[n].start = a;
		s[n].end = b;
		s[n].kind = SUSPEND_SUPPLEMENT;
		n++;
	}
	if (open_start != CALENDAR_NO_DAY && open_start >= acc) {
		s[n].start = open_start;
		s[n].end = CALENDAR_NO_DAY;
		s[n].kind = SUSPEND_SUPPLEMENT;
		n++;
	}
	if (deadline_status(cal, acc, (int)row_int(row, "limit_days"), s, n, 0,
	    deadlines_today(), &ds, &e) != 0)
		return;
	json_array_foreach(children, i, x) {
		const json_t *cz = json_object_get(x, "case");
		const char *l = rstr(cz, "warn_level");

		if (cz == NULL || json_is_true(json_object_get(cz, "closed")))
			continue;
		if (level_rank(l) > level_rank(worst))
			worst = l;
	}
	if (!ds.paused && level_rank(deadline_level_name(ds.level)) >
	    level_rank(worst))
		worst = deadline_level_name(ds.level);
	if (ds.paused)
		worst = "paused";
	due[0] = '\0';
	if (ds.due_day != CALENDAR_NO_DAY)
		calendar_day_format(ds.due_day, due);
	json_object_set_new(out, "clock", json_pack("{s:i, s:s?, s:i, s:i, "
	    "s:b, s:s, s:s, s:i}", "limit_days", (int)row_int(row, "limit_days"),
	    "due_day", due[0] != '\0' ? due : NULL, "used", ds.used,
	    "remaining", ds.remaining, "paused", ds.paused, "warn_level",
	    worst[0] != '\0' ? worst : "green", "own_level",
	    deadline_level_name(ds.level), "suspended_days", ds.suspended));
}

static const char *
state_label(const char *s)
{
	static const char *const map[][2] = {
		{ "submitted", "待受理" }, { "supplement", "待补正" },
		{ "running", "并联审批中" }, { "completed", "全部办结，待出件" },
		{ "delivered", "已出件" }, { "ended", "未能全部办结" },
		{ "rejected", "不予受理" }, { "withdrawn", "已撤回" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], s) == 0)
			return map[i][1];
	return s;
}

int
bundle_case_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *row, *kids = NULL, *cases = NULL, *mats = NULL, *ev = NULL;
	json_t *children, *k, *name = NULL;
	int st[BUNDLE_MAX_ITEMS], n = 0;
	struct bundle_loaded *L = NULL;
	size_t i;
	int rc;

	*out = NULL;
	row = db_query_row(c->db, e, "SELECT * FROM bundle_cases WHERE id = ?",
	    "i", id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_case_not_found", "一件事申请不存在") : err_rc(e);
	kids = children_rows(c->db, id, e);
	if (kids == NULL) {
		rc = err_rc(e);
		goto out;
	}
	rc = view_access(c, row, kids, e);
	if (rc != 0)
		goto out;
	rc = case_bundle_children(c, id, &cases, e);
	if (rc != 0)
		goto out;
	mats = db_query_json(c->db, e, "SELECT idx AS \"index\", name, "
	    "necessity, status, sha256, problem, uses FROM bundle_materials "
	    "WHERE bundle_case_id = ? ORDER BY idx", "i", id);
	ev = db_query_json(c->db, e, "SELECT at, actor_name, action, note, "
	    "data FROM bundle_events WHERE bundle_case_id = ? ORDER BY id", "i",
	    id);
	name = db_query_row(c->db, e, "SELECT name, code FROM bundles WHERE "
	    "id = ?", "i", row_int(row, "bundle_id"));
	if (mats == NULL || ev == NULL || name == NULL) {
		rc = err_rc(e);
		goto out;
	}
	L = calloc(1, sizeof(*L));
	if (L == NULL || bundle_load_version(c, row_int(row, "bundle_version_id"),
	    L, e) != 0) {
		rc = L == NULL ? err_internal(e, "out of memory") : err_rc(e);
		goto out;
	}
	json_array_foreach(kids, i, k)
		st[i] = child_state(k);
	n = (int)json_array_size(kids);
	children = json_array();
	json_array_foreach(kids, i, k) {
		json_t *ch = json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:O, "
		    "s:b}", "index", json_object_get(k, "idx"), "key",
		    json_object_get(k, "item_key"), "item_id",
		    json_object_get(k, "item_id"), "item_name",
		    json_object_get(k, "item_name"), "dept_name",
		    L->dept_name[i], "state", json_object_get(k, "state"),
		    "budget_days", json_object_get(k, "budget_days"), "optional",
		    (int)i < L->def.n_items && L->def.items[i].optional);
		json_t *waits = json_array(), *cz;
		int w[BUNDLE_MAX_ITEMS], nw;
		size_t j;

		if ((int)i < L->def.n_items && n == L->def.n_items) {
			nw = bundle_waits_for(&L->def, st, (int)i, w);
			for (int q = 0; q < nw; q++)
				json_array_append_new(waits, json_pack(
				    "{s:s, s:s}", "key", L->def.items[w[q]].key,
				    "item_name", L->item_name[w[q]]));
		}
		json_object_set_new(ch, "waits_for", waits);
		json_object_set_new(ch, "case", json_null());
		json_array_foreach(json_object_get(cases, "children"), j, cz)
			if (row_int(cz, "id") == row_int(k, "case_id"))
				json_object_set(ch, "case", cz);
		json_object_set_new(ch, "status_label", json_string(
		    st[i] == BUNDLE_CHILD_SKIPPED ? "未选择（不需办理）" :
		    st[i] == BUNDLE_CHILD_WAITING ? (strcmp(rstr(row, "state"),
		    "running") == 0 ? "等待前置事项" : "待受理") :
		    st[i] == BUNDLE_CHILD_APPROVED ? "已准予" :
		    st[i] == BUNDLE_CHILD_FAILED ? "未能办结" : "审批中"));
		json_array_append_new(children, ch);
	}
	json_object_set_new(row, "state_label", json_string(state_label(
	    rstr(row, "state"))));
	json_object_set(row, "bundle_name", json_object_get(name, "name"));
	json_object_set_new(row, "answers", json_loads(rstr(row, "answers"), 0,
	    NULL));
	json_object_set_new(row, "form", json_loads(rstr(row, "form"), 0,
	    NULL));
	json_object_set_new(row, "children", children);
	json_object_set(row, "materials", mats);
	{
		int subs = 0, saved = 0;
		json_t *m;

		json_array_foreach(mats, i, m)
			subs += (int)row_int(m, "uses");
		saved = subs - (int)json_array_size(mats);
		json_object_set_new(row, "submissions", json_integer(subs));
		json_object_set_new(row, "saved", json_integer(saved));
	}
	json_array_foreach(ev, i, k) {
		json_t *d = json_loads(rstr(k, "data"), 0, NULL);

		json_object_set_new(k, "data", d != NULL ? d : json_null());
	}
	json_object_set(row, "events", ev);
	/* The one 受理通知书 (a sealed document of the records domain). */
	json_object_set_new(row, "notice", json_null());
	if (row_int(row, "notice_doc_id") > 0) {
		json_t *doc = db_query_row(c->db, e, "SELECT id, kind, doc_no, "
		    "status, verify_code, case_id FROM documents WHERE id = ?",
		    "i", row_int(row, "notice_doc_id"));

		if (doc == NULL && e->code != ERR_NOT_FOUND) {
			rc = err_rc(e);
			goto out;
		}
		err_clear(e);
		if (doc != NULL) {
			json_object_set_new(doc, "kind_label", json_string(
			    document_kind_label(rstr(doc, "kind"))));
			json_object_set_new(row, "notice", doc);
		}
	}
	if (strcmp(rstr(row, "state"), "running") == 0 ||
	    strcmp(rstr(row, "state"), "completed") == 0)
		clock_json(c, row, row, children, json_object_get(cases,
		    "suspensions"));
	*out = row;
	row = NULL;
out:
	if (L != NULL)
		bundle_loaded_free(L);
	free(L);
	json_decref(name);
	json_decref(ev);
	json_decref(mats);
	json_decref(cases);
	json_decref(kids);
	json_decref(row);
	return rc;
}

int
bundle_cases_mine(struct ctx *c, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	json_t *rows;

	*out = NULL;
	if (a == NULL || (a->kind != ACTOR_PERSON && a->kind !=
	    ACTOR_ENTERPRISE))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有申请人可以查看");
	rows = db_query_json(c->db, e, "SELECT bc.id, bc.bundle_no, "
	    "b.name AS bundle_name, bc.state, bc.created_at, bc.accepted_day, "
	    "bc.limit_days, bc.outcome_reason FROM bundle_cases bc JOIN "
	    "bundles b ON b.id = bc.bundle_id WHERE "
	    ACTOR_APPLICANT_SQL("bc.created_by", "bc.applicant_idno")
	    " ORDER BY bc.id DESC LIMIT 200", "is", a->user_id,
	    actor_claim_idno(a));
	if (rows == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", rows);
	return 0;
}

int
bundle_cases_list(struct ctx *c, const char *state, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	json_t *rows, *r;
	size_t i;

	*out = NULL;
	if (a == NULL || a->kind != ACTOR_STAFF)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看一件事列表");
	if (state != NULL && state[0] == '\0')
		state = NULL;
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_CLERK |
	    ROLE_SYSADMIN))
		rows = db_query_json(c->db, e, "SELECT bc.id, bc.bundle_no, "
		    "b.name AS bundle_name, bc.applicant_name, bc.channel, "
		    "bc.state, bc.created_at, bc.accepted_day, bc.limit_days, "
		    "bc.version FROM bundle_cases bc JOIN bundles b ON b.id = "
		    "bc.bundle_id WHERE (CAST(? AS TEXT) IS NULL AND "
		    "bc.closed_at IS NULL) OR bc.state = ? ORDER BY bc.id DESC "
		    "LIMIT 200", "ss", state, state);
	else
		rows = db_query_json(c->db, e, "SELECT bc.id, bc.bundle_no, "
		    "b.name AS bundle_name, bc.applicant_name, bc.channel, "
		    "bc.state, bc.created_at, bc.accepted_day, bc.limit_days, "
		    "bc.version FROM bundle_cases bc JOIN bundles b ON b.id = "
		    "bc.bundle_id WHERE ((CAST(? AS TEXT) IS NULL AND "
		    "bc.closed_at IS NULL) OR bc.state = ?) AND EXISTS (SELECT 1 "
		    "FROM bundle_children k WHERE k.bundle_case_id = bc.id AND "
		    "k.dept_id = ?) ORDER BY bc.id DESC LIMIT 200", "ssi", state,
		    state, a->dept_id);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, r)
		json_object_set_new(r, "state_label", json_string(state_label(
		    rstr(r, "state"))));
	*out = json_pack("{s:o}", "items", rows);
	return 0;
}
