/* process.c - processing after acceptance: workflow actions,
 * decisions, delivery, trips, special procedures, extensions and the
 * 告知承诺 核查. */
#include "service/case/case_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/utf8.h"
#include "core/deadline.h"
#include "service/platform/platform.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "store/db.h"

#define TRIP_PURPOSE_CHARS 100

static int
finish(struct case_plan *p, struct case_row *r, const struct item_facts *f,
    int rc, json_t **out, struct err *e)
{
	p->answer = true;
	if (rc == 0)
		rc = case_plan_run(p, e);
	if (rc == 0)
		rc = case_plan_json(p, out, e);
	case_plan_release(p);
	item_facts_put(f);
	case_row_release(r);
	return rc;
}

/* A 容缺 case past its promised supplement date with a material still
 * outstanding (the sweeper flagged it). */
static bool
rongque_overdue(const struct case_row *r)
{
	char today[11];

	if (strcmp(r->mode, "rongque") != 0 || r->supplement_due[0] == '\0')
		return false;
	case_today(today);
	return r->flagged && strcmp(r->supplement_due, today) < 0;
}

int
case_act(struct ctx *c, int64_t id, const char *action,
    const struct case_act_in *in, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	json_t *list = NULL;
	char sdue[11] = "";
	unsigned roles;
	int rc;

	*out = NULL;
	if (action == NULL)
		return err_field(e, ERR_INVALID, "action", "unknown_action",
		    "未知的办理操作");
	if (strcmp(action, "accept") == 0) {
		struct case_accept_in a;

		memset(&a, 0, sizeof(a));
		a.version = in->version;
		return case_accept(c, id, &a, out, e);
	}
	if (strcmp(action, "reject") == 0)
		return case_reject(c, id, in->reason, in->version, out, e);
	if (strcmp(action, "request_supplement") == 0)
		return case_request_supplement(c, id, in->items, in->reason,
		    in->version, out, e);
	if (strcmp(action, "deliver") == 0)
		return case_deliver(c, id, "window", NULL, in->version, out, e);
	if (strcmp(action, "special_procedure") == 0)
		return case_special_start(c, id, in->kind, in->reason,
		    in->version > 0 ? in->version : -1, out, e);
	if (strcmp(action, "resume") == 0)
		return case_special_end(c, id, in->reason,
		    in->version > 0 ? in->version : -1, out, e);

	rc = case_text(in->reason, "reason", "意见", CASE_REASON_CHARS, false,
	    e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, in->version > 0 ? in->version : -1, &r,
	    &f, &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	if (c->actor->kind == ACTOR_STAFF)
		p.handler_id = c->actor->user_id;
	if (strcmp(action, "approve") == 0 || strcmp(action, "deny") == 0) {
		p.audit_action = strcmp(action, "approve") == 0 ?
		    "case.approve" : "case.deny";
		rc = case_plan_decide(&p, roles, strcmp(action, "approve") == 0,
		    in->reason, e);
	} else if (strcmp(action, "request_more") == 0) {
		p.audit_action = "case.request_more";
		rc = case_plan_step(&p, roles, action, in->reason, NULL, e);
		if (rc == 0)
			rc = case_plan_flaws(&p, in->items, false, &list, e);
		if (rc == 0)
			rc = case_supplement_due(c, sdue, e);
		if (rc == 0) {
			p.suspend = "supplement";
			p.suspend_reason = in->reason;
			p.suspend_kind = "supplement";
			p.tell.supplement_due = sdue;
			case_plan_doc(&p, DOC_SUPPLEMENT_NOTICE, json_pack(
			    "{s:s, s:O, s:s}", "reason", in->reason,
			    "materials", list, "supplement_due", sdue));
		}
	} else if (strcmp(action, "terminate") == 0) {
		p.audit_action = "case.terminate";
		rc = case_text(in->reason, "reason", "终止办理的理由",
		    CASE_REASON_CHARS, true, e);
		if (rc == 0)
			rc = case_plan_terminate(&p, roles, in->reason,
			    rongque_overdue(&r), e);
	} else {
		char audit[48];

		snprintf(audit, sizeof(audit), "case.%s", action);
		rc = case_plan_step(&p, roles, action, in->reason, NULL, e);
		p.audit_action = strcmp(action, "forward") == 0 ?
		    "case.forward" : strcmp(action, "pass") == 0 ? "case.pass" :
		    strcmp(action, "terminate") == 0 ? "case.terminate" :
		    strcmp(action, "withdraw") == 0 ? "case.withdraw" :
		    strcmp(action, "revoke") == 0 ? "case.revoke" :
		    "case.action";
	}
	json_decref(list);
	return finish(&p, &r, f, rc, out, e);
}

int
case_deliver(struct ctx *c, int64_t id, const char *method,
    const char *tracking_no, int64_t version, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_load_write(c, id, version > 0 ? version : -1, &r, &f,
	    &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.deliver";
	rc = case_plan_deliver(&p, roles, method, tracking_no, e);
	return finish(&p, &r, f, rc, out, e);
}

int
case_special_start(struct ctx *c, int64_t id, const char *kind,
    const char *reason, int64_t version, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	enum suspension_kind k = suspension_kind_parse(kind != NULL ? kind :
	    "");
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int rc;

	*out = NULL;
	if (k == 0 || k == SUSPEND_SUPPLEMENT)
		return err_field(e, ERR_INVALID, "kind", "bad_kind",
		    "特别程序类型须为 hearing、inspection、expert、site 或 "
		    "publicity");
	rc = case_text(reason, "reason", "特别程序原因", CASE_REASON_CHARS,
	    true, e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, version, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.special_start";
	if (c->actor->kind == ACTOR_STAFF)
		p.handler_id = c->actor->user_id;
	rc = case_plan_step(&p, roles, "special_procedure", reason,
	    json_pack("{s:s, s:s}", "kind", suspension_kind_name(k),
	    "kind_label", suspension_kind_label(k)), e);
	if (rc == 0) {
		p.suspend = suspension_kind_name(k);
		p.suspend_reason = reason;
		p.suspend_kind = suspension_kind_name(k);
	}
	return finish(&p, &r, f, rc, out, e);
}

int
case_special_end(struct ctx *c, int64_t id, const char *result,
    int64_t version, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_text(result, "result", "特别程序结果", CASE_REASON_CHARS,
	    true, e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, version, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.special_end";
	rc = case_plan_step(&p, roles, "resume", result, NULL, e);
	if (rc == 0) {
		p.resume = result;
		p.suspend_kind = NULL;
	}
	return finish(&p, &r, f, rc, out, e);
}

/* ---- trips ---- */

struct trip_tx {
	struct ctx *c;
	int64_t id;
	const char *case_no;
	const char *purpose;
};

static int
trip_fn(struct db *db, void *arg, struct err *e)
{
	struct trip_tx *t = arg;
	const struct actor *a = t->c->actor;
	int64_t now = clock_now();
	char idbuf[24];
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "INSERT INTO case_trips (case_id, at, purpose, "
	    "window_id, actor_id) VALUES (?, ?, ?, NULLIF(CAST(? AS BIGINT), "
	    "0), ?)", "iisii", t->id, now, t->purpose, a->window_id,
	    a->user_id);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE cases SET trips = trips + 1, "
		    "updated_at = ? WHERE id = ?", "ii", now, t->id);
	if (rc == 0)
		rc = case_event_write(db, t->c, t->id, "clerk", "trip", NULL,
		    NULL, t->purpose, NULL, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:s, s:s}", "case_no", t->case_no, "purpose",
	    t->purpose);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, "case.trip", "case", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
case_record_trip(struct ctx *c, int64_t id, const char *purpose,
    json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_row r;
	struct trip_tx t;
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_text(purpose, "purpose", "来访事由", TRIP_PURPOSE_CHARS,
	    true, e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	if ((roles & WORKFLOW_ROLE_CLERK) == 0 ||
	    c->actor->kind != ACTOR_STAFF) {
		rc = err_set(e, ERR_FORBIDDEN, NULL,
		    "只有办件所在窗口的窗口人员可以登记来访");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.case_no = r.case_no;
	t.purpose = purpose;
	rc = db_tx(c->db, trip_fn, &t, e);
	if (rc == 0)
		rc = case_json_by_id(c, id, out, e);
out:
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

/* ---- extensions ----
 *
 * 行政许可法 §42 (core/deadline.c deadline_extension_check): once, within
 * the configured limits, with a written reason, approved by the head of the
 * organ (the department's administrator); the approval issues the sealed
 * 延长审批期限告知书 and tells the applicant. An extension approved after
 * the original due day keeps the case overdue (cases.overdue_day). */

struct ext_tx {
	struct ctx *c;
	const struct case_row *r;
	int64_t ext_id;
	int days;
	const char *reason;
	const char *basis;
	bool approve;
	int64_t case_id;
	char case_no[CASE_NO_MAX];
	char req_reason[CASE_REASON_CHARS * 4 + 1];
	char req_basis[CASE_REASON_CHARS * 4 + 1];
	int statutory_days;
	int64_t applicant_id;
	char item_name[CASE_NAME_BYTES];
};

static void
extension_limits_get(struct extension_limits *lim)
{
	lim->general_max = (int)config_int("rules.extension_max_days");
	lim->joint_max = (int)config_int("rules.extension_joint_days");
	lim->other_max = (int)config_int("rules.extension_other_days");
}

/* Approved extensions of the case so far (the "once" of §42). */
static int
extensions_approved(struct db *db, int64_t case_id, int *n, struct err *e)
{
	struct db_stmt *s;
	int rc;

	*n = 0;
	s = db_query(db, e, "SELECT count(*) FROM case_extensions WHERE "
	    "case_id = ? AND status = 'approved'", "i", case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*n = (int)db_col_int(s, 0);
	db_finish(s);
	return rc < 0 ? rc : 0;
}

static int
ext_request_fn(struct db *db, void *arg, struct err *e)
{
	struct ext_tx *t = arg;
	const struct actor *a = t->c->actor;
	int64_t now = clock_now();
	struct db_stmt *s;
	char idbuf[24];
	json_t *sum, *data;
	int rc;

	s = db_query(db, e, "INSERT INTO case_extensions (case_id, dept_id, "
	    "days, reason, basis, status, requested_by, requested_at, "
	    "original_due) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) "
	    "RETURNING id", "iiIssiis", t->r->id, t->r->dept_id, t->days,
	    t->reason, t->basis, a->user_id, now, t->r->due_day);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->ext_id = db_col_int(s, 0);
	db_finish(s);
	if (rc == -ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "extension_pending",
		    "该办件已有待审批的延期申请");
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "no extension id");
	data = json_pack("{s:i, s:I, s:s?, s:s?}", "days", t->days,
	    "extension_id", (json_int_t)t->ext_id, "original_due",
	    t->r->due_day[0] != '\0' ? t->r->due_day : NULL, "basis",
	    t->basis);
	rc = case_event_write(db, t->c, t->r->id, "approver",
	    "extension_request", NULL, NULL, t->reason, data, e);
	json_decref(data);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:s, s:i, s:s, s:I}", "case_no", t->r->case_no,
	    "days", t->days, "reason", t->reason, "extension_id",
	    (json_int_t)t->ext_id);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->r->id);
	rc = audit_append(t->c, "case.extension_request", "case", idbuf, sum,
	    e);
	json_decref(sum);
	if (rc == 0) {
		char body[256];

		/* The head of the organ decides: tell them a request waits. */
		snprintf(body, sizeof(body), "办件 %s 申请延长 %d 个工作日，"
		    "理由：%.*s", t->r->case_no, t->days,
		    utf8_prefix(t->reason, 120), t->reason);
		rc = notify_dept_admins(t->c, t->r->dept_id, a->user_id,
		    t->r->id, "extension_request", "延期申请待审批", body, NULL,
		    e);
	}
	return rc;
}

static int
extension_json(struct ctx *c, int64_t ext_id, json_t **out, struct err *e)
{
	*out = db_query_row(c->db, e, "SELECT x.id, x.case_id, c.case_no, "
	    "x.days, x.reason, x.basis, x.status, x.requested_by, "
	    "x.requested_at, x.decided_by, x.decided_at, x.decision_reason, "
	    "x.original_due, x.extended_due, x.late FROM "
	    "case_extensions x JOIN cases c ON c.id = x.case_id WHERE x.id = ?",
	    "i", ext_id);
	return *out != NULL ? 0 : err_rc(e);
}

int
case_extension_request(struct ctx *c, int64_t id, int days,
    const char *reason, const char *basis, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct extension_limits lim;
	struct case_row r;
	struct ext_tx t;
	unsigned roles;
	int rc, prior = 0;

	*out = NULL;
	rc = case_text(reason, "reason", "延期理由", CASE_REASON_CHARS, true,
	    e);
	if (rc == 0)
		rc = case_text(basis, "basis", "延长的法律依据",
		    CASE_REASON_CHARS, false, e);
	if (rc != 0)
		return rc;
	if (basis != NULL && basis[0] == '\0')
		basis = NULL;
	rc = case_load_write(c, id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	if ((roles & WORKFLOW_ROLE_APPROVER) == 0) {
		rc = err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门审批人员可以申请延期");
		goto out;
	}
	if (r.closed_at != 0 || r.accepted_day[0] == '\0') {
		rc = err_set(e, ERR_CONFLICT, "not_running",
		    "办件未在办理中，不能申请延期");
		goto out;
	}
	rc = extensions_approved(c->db, id, &prior, e);
	if (rc != 0)
		goto out;
	if (r.extension_days > 0 && prior == 0)
		prior = 1;
	extension_limits_get(&lim);
	rc = deadline_extension_check(f->statutory_days, basis != NULL, prior,
	    days, &lim, NULL, e);
	if (rc != 0)
		goto out;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.r = &r;
	t.days = days;
	t.reason = reason;
	t.basis = basis;
	rc = db_tx(c->db, ext_request_fn, &t, e);
	if (rc == 0)
		rc = extension_json(c, t.ext_id, out, e);
out:
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

/* The applicant told of the approved extension, in-app and by SMS. */
static int
ext_tell(struct ext_tx *t, const char *extended_due, struct err *e)
{
	struct db_stmt *s;
	char mobile[32] = "", body[768];
	int rc;

	s = db_query(t->c->db, e, "SELECT applicant_mobile FROM cases WHERE "
	    "id = ?", "i", t->case_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		snprintf(mobile, sizeof(mobile), "%s", db_col_text(s, 0));
	db_finish(s);
	if (rc < 0)
		return rc;
	snprintf(body, sizeof(body), "您申请的“%s”（办件编号 %s）审批期限经"
	    "本机关负责人批准延长 %d 个工作日，将于 %s 前作出决定。理由：%.*s。"
	    "延长审批期限告知书可在办件详情中查看。", t->item_name, t->case_no,
	    t->days, extended_due, utf8_prefix(t->req_reason, 300),
	    t->req_reason);
	if (t->applicant_id > 0) {
		char title[128];

		snprintf(title, sizeof(title), "审批期限延长：%s", t->case_no);
		rc = notify_user(t->c, t->applicant_id, t->case_id,
		    "case_extended", title, body, e);
		if (rc != 0)
			return rc;
	}
	return notify_sms(t->c, mobile, t->case_id, "case_extended", body, e);
}

static int
ext_decide_fn(struct db *db, void *arg, struct err *e)
{
	struct ext_tx *t = arg;
	const struct actor *a = t->c->actor;
	int64_t now = clock_now();
	char idbuf[24], today[11], odue[11] = "", ndue[11] = "";
	json_t *sum, *data = NULL, *doc = NULL;
	struct db_stmt *s;
	bool late = false;
	int rc, prior = 0;

	rc = db_exec(db, e, "UPDATE case_extensions SET status = ?, "
	    "decided_by = ?, decided_at = ?, decision_reason = ? WHERE id = ? "
	    "AND status = 'pending'", "siisi", t->approve ? "approved" :
	    "rejected", a->user_id, now, t->reason, t->ext_id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) != 1)
		return err_set(e, ERR_CONFLICT, "extension_decided",
		    "该延期申请已处理");
	if (t->approve) {
		struct extension_limits lim;

		rc = extensions_approved(db, t->case_id, &prior, e);
		if (rc != 0)
			return rc;
		extension_limits_get(&lim);
		rc = deadline_extension_check(t->statutory_days,
		    t->req_basis[0] != '\0', prior - 1, t->days, &lim, NULL,
		    e);
		if (rc != 0)
			return rc;
		s = db_query(db, e, "SELECT COALESCE(due_day, '') FROM cases "
		    "WHERE id = ?", "i", t->case_id);
		if (s == NULL)
			return err_rc(e);
		rc = db_step(s, e);
		if (rc == DB_ROW)
			snprintf(odue, sizeof(odue), "%s", db_col_text(s, 0));
		db_finish(s);
		if (rc < 0)
			return rc;
		case_today(today);
		late = odue[0] != '\0' && strcmp(today, odue) > 0;
		rc = db_exec(db, e, "UPDATE cases SET extension_days = "
		    "extension_days + ?, overdue_day = CASE WHEN ? = 1 THEN "
		    "COALESCE(overdue_day, ?) ELSE overdue_day END, "
		    "updated_at = ? WHERE id = ? AND closed_at IS NULL", "Iisii",
		    t->days, late ? 1 : 0, odue, now, t->case_id);
		if (rc != 0)
			return rc;
		if (db_last_changes(db) != 1)
			return err_set(e, ERR_CONFLICT, "case_closed",
			    "办件已办结，不能延期");
		rc = case_deadline_refresh(t->c, t->case_id, e);
		if (rc != 0)
			return rc;
		s = db_query(db, e, "SELECT COALESCE(due_day, '') FROM cases "
		    "WHERE id = ?", "i", t->case_id);
		if (s == NULL)
			return err_rc(e);
		rc = db_step(s, e);
		if (rc == DB_ROW)
			snprintf(ndue, sizeof(ndue), "%s", db_col_text(s, 0));
		db_finish(s);
		if (rc < 0)
			return rc;
		rc = db_exec(db, e, "UPDATE case_extensions SET original_due = "
		    "?, extended_due = ?, late = ? WHERE id = ?", "ssii", odue,
		    ndue, late ? 1 : 0, t->ext_id);
		if (rc != 0)
			return rc;
		data = json_pack("{s:i, s:s, s:s, s:b}", "days", t->days,
		    "original_due", odue, "extended_due", ndue, "late", late);
	}
	rc = case_event_write(db, t->c, t->case_id, "dept_admin",
	    t->approve ? "extension_approve" : "extension_reject", NULL, NULL,
	    t->reason, data, e);
	json_decref(data);
	if (rc != 0)
		return rc;
	if (t->approve) {
		/* 延长审批期限告知书, sealed by the renderer. */
		json_t *content = json_pack("{s:s, s:I, s:s, s:s, s:s}",
		    "reason", t->req_reason, "days", (json_int_t)t->days,
		    "original_due_day", odue, "due_day", ndue, "basis",
		    t->req_basis[0] != '\0' ? t->req_basis :
		    t->statutory_days == EXTENSION_JOINT_LIMIT ? "第二款" :
		    "第一款");

		rc = document_enqueue_noaudit(t->c, t->case_id, DOC_EXTENSION,
		    content, &doc, e);
		json_decref(content);
		if (rc == 0)
			rc = ext_tell(t, ndue, e);
		if (rc != 0) {
			json_decref(doc);
			return rc;
		}
	}
	sum = json_pack("{s:s, s:I, s:i, s:b}", "case_no", t->case_no,
	    "extension_id", (json_int_t)t->ext_id, "days", t->days,
	    "approved", t->approve);
	if (doc != NULL) {
		json_object_set_new(sum, "documents", json_pack("[o]", doc));
		json_object_set_new(sum, "original_due", json_string(odue));
		json_object_set_new(sum, "extended_due", json_string(ndue));
	}
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->case_id);
	rc = audit_append(t->c, t->approve ? "case.extension_approve" :
	    "case.extension_reject", "case", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
case_extension_decide(struct ctx *c, int64_t ext_id, bool approve,
    const char *reason, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	const struct item_facts *f = NULL;
	struct db_stmt *s;
	struct ext_tx t;
	int64_t dept = 0, version_id = 0;
	char status[16] = "";
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	rc = case_text(reason, "reason", "审批意见", CASE_REASON_CHARS,
	    !approve, e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT x.case_id, x.dept_id, x.days, "
	    "x.status, c.case_no, x.reason, COALESCE(x.basis, ''), "
	    "c.item_version_id, COALESCE(c.applicant_id, 0) FROM "
	    "case_extensions x JOIN cases c ON c.id = x.case_id WHERE x.id = ?",
	    "i", ext_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		t.case_id = db_col_int(s, 0);
		dept = db_col_int(s, 1);
		t.days = (int)db_col_int(s, 2);
		snprintf(status, sizeof(status), "%s", db_col_text(s, 3));
		snprintf(t.case_no, sizeof(t.case_no), "%s", db_col_text(s, 4));
		snprintf(t.req_reason, sizeof(t.req_reason), "%s",
		    db_col_text(s, 5));
		snprintf(t.req_basis, sizeof(t.req_basis), "%s",
		    db_col_text(s, 6));
		version_id = db_col_int(s, 7);
		t.applicant_id = db_col_int(s, 8);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, NULL, "延期申请不存在");
	if (a == NULL || a->kind != ACTOR_STAFF ||
	    !actor_has(a, ROLE_DEPT_ADMIN) || a->dept_id != dept)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门负责人（部门管理员）可以批准延期申请");
	if (strcmp(status, "pending") != 0)
		return err_set(e, ERR_CONFLICT, "extension_decided",
		    "该延期申请已处理");
	rc = item_facts_get(c, version_id, &f, e);
	if (rc != 0)
		return rc;
	t.statutory_days = f->statutory_days;
	snprintf(t.item_name, sizeof(t.item_name), "%s", f->name);
	item_facts_put(f);
	t.c = c;
	t.ext_id = ext_id;
	t.approve = approve;
	t.reason = reason;
	rc = db_tx(c->db, ext_decide_fn, &t, e);
	if (rc == 0)
		rc = extension_json(c, ext_id, out, e);
	return rc;
}

/* ---- 告知承诺 核查 ---- */

int
case_check_list(struct ctx *c, const char *status, const char *cursor,
    int limit, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	char rank[16];
	int64_t after = 0, dept;
	json_t *items;
	size_t n;
	bool all;

	*out = NULL;
	if (status == NULL || status[0] == '\0')
		status = "pending";
	if (strcmp(status, "pending") != 0 && strcmp(status, "passed") != 0 &&
	    strcmp(status, "false") != 0)
		return err_field(e, ERR_INVALID, "status", NULL,
		    "status 须为 pending、passed 或 false");
	if (cursor != NULL && cursor[0] != '\0' &&
	    !cursor_decode(cursor, rank, sizeof(rank), &after))
		return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
		    "分页参数不正确");
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	all = actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR);
	if (!all && !(actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN) &&
	    a->dept_id > 0))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看核查任务");
	dept = all ? 0 : a->dept_id;
	items = db_query_json(c->db, e, "SELECT k.id, k.case_id, c.case_no, "
	    "i.name AS item_name, c.applicant_name, k.status, k.result, "
	    "k.due_day, k.created_at, k.checked_at FROM commitment_checks k "
	    "JOIN cases c ON c.id = k.case_id JOIN items i ON i.id = c.item_id "
	    "WHERE (? = 0 OR k.dept_id = ?) AND k.status = ? AND k.id > ? "
	    "ORDER BY k.id LIMIT ?", "iisiI", dept, dept, status, after,
	    limit + 1);
	if (items == NULL)
		return err_rc(e);
	n = json_array_size(items);
	if (n > (size_t)limit) {
		char cur[48];

		json_array_remove(items, n - 1);
		cursor_encode("", json_integer_value(json_object_get(
		    json_array_get(items, n - 2), "id")), cur, sizeof(cur));
		*out = json_pack("{s:o, s:s}", "items", items, "next_cursor",
		    cur);
	} else {
		*out = json_pack("{s:o, s:n}", "items", items, "next_cursor");
	}
	return 0;
}

int
case_check_result(struct ctx *c, int64_t check_id, bool passed,
    const char *result, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	struct db_stmt *s;
	int64_t case_id = 0;
	char status[16] = "";
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_text(result, "result", "核查结果", CASE_REASON_CHARS,
	    !passed, e);
	if (rc != 0)
		return rc;
	s = db_query(c->db, e, "SELECT case_id, status FROM commitment_checks "
	    "WHERE id = ?", "i", check_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		case_id = db_col_int(s, 0);
		snprintf(status, sizeof(status), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, NULL, "核查任务不存在");
	rc = case_load_write(c, case_id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	if ((roles & (WORKFLOW_ROLE_APPROVER | WORKFLOW_ROLE_DEPT_ADMIN)) == 0) {
		rc = err_set(e, ERR_FORBIDDEN, NULL,
		    "只有本部门审批人员或管理员可以登记核查结果");
		goto out;
	}
	if (strcmp(status, "pending") != 0) {
		rc = err_set(e, ERR_CONFLICT, "check_done", "该核查已有结果");
		goto out;
	}
	p.audit_action = passed ? "case.check_passed" : "case.check_false";
	p.check_id = check_id;
	p.check_result_status = passed ? "passed" : "false";
	p.check_result = result;
	p.check_status = passed ? "passed" : "false";
	case_plan_note(&p, passed ? "check_passed" : "check_false",
	    result != NULL ? result : "核查属实", NULL);
	/* A false commitment revokes the decision (撤销). */
	if (!passed) {
		p.credit_kind = "false_commitment";
		p.credit_note = result;
	}
	if (!passed)
		rc = case_plan_step(&p, roles & (WORKFLOW_ROLE_APPROVER |
		    WORKFLOW_ROLE_DEPT_ADMIN), "revoke", result, NULL, e);
out:
	return finish(&p, &r, f, rc, out, e);
}
