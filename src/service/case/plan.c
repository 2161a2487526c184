/* plan.c - the one path for every change of a case: load the case for a
 * change by the actor (access and version checks), build a change plan
 * (workflow steps checked against the state machine, documents, materials,
 * trips, deliveries) and run it in one transaction that writes the case row,
 * the timeline events, the documents to render and one audit record. Every
 * service that changes a case - acceptance, processing, the sweeper's
 * time-outs - goes through here; nothing else writes case_events. */
#include "service/case/case_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "base/utf8.h"
#include "core/deadline.h"
#include "service/platform/platform.h"
#include "service/records/records.h"
#include "service/case/case.h"
#include "service/account/account.h"
#include "store/db.h"

static case_bundle_hook_fn bundle_hook;

void
case_bundle_hook_set(case_bundle_hook_fn fn)
{
	bundle_hook = fn;
}

int
case_bundle_hook_call(struct ctx *c, int64_t bundle_id, int64_t case_id,
    struct err *e)
{
	return bundle_hook != NULL ? bundle_hook(c, bundle_id, case_id, e) : 0;
}

int
case_load_write(struct ctx *c, int64_t id, int64_t version,
    struct case_row *r, const struct item_facts **f, unsigned *roles,
    struct err *e)
{
	int rc;

	*f = NULL;
	*roles = 0;
	rc = case_row_load(c, id, r, e);
	if (rc != 0)
		return rc;
	rc = item_facts_get(c, r->item_version_id, f, e);
	if (rc != 0)
		goto fail;
	rc = case_access(c, r, *f, roles, e);
	if (rc == -ERR_FORBIDDEN)
		rc = err_set(e, ERR_FORBIDDEN, "other_department",
		    "无权处理其他部门的办件");
	if (rc != 0)
		goto fail;
	if (*roles == 0 && c->actor->kind == ACTOR_STAFF) {
		/* Sees it (hall, supervisor, a clerk of the department) but
		 * takes no part in it. */
		rc = err_set(e, ERR_FORBIDDEN, "not_handler",
		    "无权处理该办件");
		goto fail;
	}
	if (version != 0) {
		rc = case_version_check(r, version < 0 ? 0 : version, e);
		if (rc != 0)
			goto fail;
	}
	return 0;
fail:
	item_facts_put(*f);
	*f = NULL;
	case_row_release(r);
	return rc;
}

/* Names of the case's 容缺 materials still outstanding, joined with "、"
 * ("" when none): no decision document or certificate before they are in. */
static int
rongque_outstanding(struct case_plan *p, char *out, size_t outsz,
    struct err *e)
{
	struct case_mat mats[CATALOG_MATERIALS_MAX];
	size_t len = 0;
	int n = 0, rc;

	out[0] = '\0';
	if (p->mode == NULL || strcmp(p->mode, "rongque") != 0)
		return 0;
	rc = case_mats_load(p->c, p->row->id, mats, &n, e);
	if (rc != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		const char *name;
		int w;

		if (strcmp(mats[i].status, "rongque") != 0 || mats[i].idx < 0 ||
		    mats[i].idx >= p->facts->n_materials)
			continue;
		name = p->facts->materials[mats[i].idx].name;
		w = snprintf(out + len, outsz - len, "%s%s", len > 0 ? "、" :
		    "", name);
		if (w < 0 || (size_t)w >= outsz - len)
			break;
		len += (size_t)w;
	}
	return 0;
}

int
case_plan_decide(struct case_plan *p, unsigned roles, bool approve,
    const char *reason, struct err *e)
{
	const struct item_facts *f = p->facts;
	const struct actor *a = p->c->actor;
	bool instant = false;
	int rc;

	/* 即办件 decided at the window right after acceptance: forward and
	 * pass are internal steps of one decision, only the decision shows on
	 * the timeline. */
	if (strcmp(p->state, "accepted") == 0 && f->case_kind == 1 &&
	    f->window_authorised) {
		int before = p->n_events;

		rc = case_plan_step(p, roles, "forward", NULL, NULL, e);
		if (rc == 0)
			rc = case_plan_step(p, roles, "pass", NULL, NULL, e);
		if (rc != 0)
			return rc;
		p->n_events = before;
		instant = true;
	}
	if (approve) {
		char names[800];

		rc = rongque_outstanding(p, names, sizeof(names), e);
		if (rc != 0)
			return rc;
		if (names[0] != '\0')
			return err_field(e, ERR_CONFLICT, "materials",
			    "rongque_outstanding", "容缺材料尚未补齐：%s。材料"
			    "补齐前可以审查，但不能作出准予许可决定或出具证照",
			    names);
	}
	rc = case_plan_step(p, roles, approve ? "approve" : "deny", reason,
	    NULL, e);
	if (rc != 0)
		return rc;
	/* 受审分离: who accepted the case does not decide it, unless the item
	 * is window-authorised and decided at the window. */
	if (a->kind == ACTOR_STAFF && !workflow_decider_allowed(p->accepted_by,
	    a->user_id, f->window_authorised, a->roles))
		return err_set(e, ERR_FORBIDDEN, "separation_of_duties",
		    "受审分离：受理本件的工作人员不能作出审批决定，请由其他审批"
		    "人员决定");
	if (instant)
		p->events[p->n_events - 1].from = "accepted";
	p->decision = approve ? "approved" : "denied";
	p->decision_reason = reason;
	p->decided_at = clock_now();
	if (approve) {
		case_plan_doc(p, DOC_APPROVAL, reason != NULL ?
		    json_pack("{s:s}", "reason", reason) : NULL);
		if (f->certificate) {
			/* A form field "scope" (许可范围) goes onto the
			 * certificate: a 一业一证 licence lists there what
			 * it replaces. */
			json_t *form = p->row->form != NULL ?
			    json_loads(p->row->form, 0, NULL) : NULL;
			const char *scope = json_string_value(
			    json_object_get(form, "scope"));

			/* The whole form too: a licence template takes its
			 * fields (经营场所, 主体业态, 经营项目...). */
			case_plan_doc(p, DOC_CERTIFICATE, json_pack("{s:s, "
			    "s:s?, s:O?}", "name", f->result_name, "scope", scope,
			    "form", json_is_object(form) ? form : NULL));
			json_decref(form);
		}
		if (p->mode != NULL && strcmp(p->mode, "commitment") == 0) {
			const struct calendar *cal = NULL;
			int32_t today, due;
			char t[11];

			rc = case_calendar_current(p->c, &cal, e);
			if (rc != 0)
				return rc;
			case_today(t);
			if (calendar_day_parse(t, &today, e) != 0)
				return err_internal(e, "bad hall date");
			due = calendar_add_workdays(cal, today,
			    CASE_CHECK_DAYS);
			calendar_day_format(due, p->check_due);
			p->create_check = true;
			p->check_status = "pending";
		}
	} else {
		case_plan_doc(p, DOC_DENIAL, json_pack("{s:s}", "reason",
		    reason != NULL ? reason : ""));
	}
	return 0;
}

int
case_plan_terminate(struct case_plan *p, unsigned roles, const char *reason,
    bool rongque_missed, struct err *e)
{
	const struct case_row *r = p->row;
	int rc;

	rc = case_plan_step(p, roles, "terminate", reason, rongque_missed ?
	    json_pack("{s:b}", "rongque_missed", 1) : NULL, e);
	if (rc != 0)
		return rc;
	p->decision_reason = reason;
	case_plan_doc(p, DOC_TERMINATION, rongque_missed &&
	    r->supplement_due[0] != '\0' ? json_pack("{s:s, s:s}", "reason",
	    reason, "supplement_due", r->supplement_due) : json_pack("{s:s}",
	    "reason", reason != NULL ? reason : ""));
	p->tell_kind = "case_terminated";
	p->tell.reason = reason;
	return 0;
}

static int
tracking_check(const char *t, struct err *e)
{
	size_t n;

	if (t == NULL || t[0] == '\0')
		return err_field(e, ERR_INVALID, "tracking_no", "required",
		    "邮寄送达须填写快递单号");
	n = strlen(t);
	if (n > CASE_TRACKING_MAX)
		return err_field(e, ERR_INVALID, "tracking_no", "too_long",
		    "快递单号过长");
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '-')
			return err_field(e, ERR_INVALID, "tracking_no",
			    "bad_tracking_no", "快递单号只能包含字母、数字和 -");
	return 0;
}

/* Has the applicant of this case already been at the hall today? */
static bool
trip_today(struct ctx *c, int64_t case_id)
{
	int64_t now = clock_now(), n = 0;
	int64_t day_start = clock_day_start(now);

	if (db_query_int(c->db, NULL, &n, "SELECT COUNT(*) FROM case_trips "
	    "WHERE case_id = ? AND at >= ?", "ii", case_id, day_start) != DB_ROW)
		return false;
	return n > 0;
}

/* The method must be one the item's guide offers (电子证照 counts as a
 * download). */
static int
delivery_offered(const struct item_facts *f, const char *method,
    struct err *e)
{
	static const struct {
		const char *method;
		unsigned bit;
		const char *label;
	} all[] = {
		{ "window", DELIVERY_WINDOW, "窗口领取" },
		{ "post", DELIVERY_POST, "邮寄送达" },
		{ "download", DELIVERY_DOWNLOAD, "网上下载" },
	};
	char offered[64] = "";
	size_t n = 0;
	unsigned bit = 0;

	if (f->delivery == 0)
		return 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcmp(all[i].method, method) == 0)
			bit = all[i].bit;
		if (f->delivery & all[i].bit)
			n += (size_t)snprintf(offered + n, sizeof(offered) - n,
			    "%s%s", n > 0 ? "、" : "", all[i].label);
	}
	if (f->delivery & bit)
		return 0;
	return err_field(e, ERR_INVALID, "method", "method_not_offered",
	    "该事项的结果送达方式为%s，不能选择%s", offered,
	    case_delivery_label(method));
}

int
case_plan_deliver(struct case_plan *p, unsigned roles, const char *method,
    const char *tracking_no, struct err *e)
{
	const char *label;
	int rc;

	if (method == NULL || method[0] == '\0')
		method = "window";
	label = case_delivery_label(method);
	if (label == NULL)
		return err_field(e, ERR_INVALID, "method", "bad_method",
		    "送达方式须为 window、post 或 download");
	rc = delivery_offered(p->facts, method, e);
	if (rc != 0)
		return rc;
	if (strcmp(method, "post") == 0) {
		rc = tracking_check(tracking_no, e);
		if (rc != 0)
			return rc;
	} else {
		tracking_no = NULL;
	}
	rc = case_plan_step(p, roles, "deliver", label,
	    json_pack("{s:s, s:s?}", "method", method, "tracking_no",
	    tracking_no), e);
	if (rc != 0)
		return rc;
	p->delivery_method = strcmp(method, "window") == 0 ? "window" :
	    strcmp(method, "post") == 0 ? "post" : "download";
	p->tracking_no = tracking_no;
	/* One visit is one trip: picking the result up during the same day's
	 * visit (a 即办件 registered and handed out at once) is not a second
	 * trip. */
	if (strcmp(method, "window") == 0 && !trip_today(p->c, p->row->id)) {
		p->add_trips++;
		p->trip_purpose = "窗口领取结果";
	}
	return 0;
}

int
case_plan_flaws(struct case_plan *p, const json_t *items, bool required,
    json_t **list, struct err *e)
{
	bool seen[CATALOG_MATERIALS_MAX];
	char field[48];
	json_t *m;
	size_t i;
	int rc;

	*list = json_array();
	memset(seen, 0, sizeof(seen));
	if (items == NULL || json_is_null(items)) {
		if (!required)
			return 0;
		return err_field(e, ERR_INVALID, "items", "required",
		    "请列出需要补正的全部材料");
	}
	if (!json_is_array(items) || (required && json_array_size(items) == 0))
		return err_field(e, ERR_INVALID, "items", "required",
		    "请列出需要补正的全部材料");
	if ((int)json_array_size(items) > p->facts->n_materials)
		return err_field(e, ERR_INVALID, "items", "too_many",
		    "补正材料超过事项的材料数");
	json_array_foreach(items, i, m) {
		json_t *jx = json_object_get(m, "index");
		const char *problem = json_string_value(json_object_get(m,
		    "problem"));
		json_int_t x;

		snprintf(field, sizeof(field), "items[%zu]", i);
		if (!json_is_integer(jx))
			return err_field(e, ERR_INVALID, field, "bad_item",
			    "补正项须为 {index, problem}");
		x = json_integer_value(jx);
		if (x < 0 || x >= p->facts->n_materials)
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "材料序号 %lld 不存在", (long long)x);
		if (seen[x])
			return err_field(e, ERR_INVALID, field, "duplicate",
			    "材料“%s”重复列出", p->facts->materials[x].name);
		seen[x] = true;
		snprintf(field, sizeof(field), "items[%zu].problem", i);
		rc = case_text(problem, field, "补正要求", CASE_REASON_CHARS,
		    true, e);
		if (rc != 0)
			return rc;
		p->mats[p->n_mats].idx = (int)x;
		p->mats[p->n_mats].status = "flawed";
		p->mats[p->n_mats].sha256 = NULL;
		p->mats[p->n_mats].problem = problem;
		p->n_mats++;
		json_array_append_new(*list, json_pack("{s:s, s:s, s:s}",
		    "name", p->facts->materials[x].name, "requirement",
		    problem, "note", ""));
	}
	return 0;
}

void
case_plan_init(struct case_plan *p, struct ctx *c, const struct case_row *r,
    const struct item_facts *f, int64_t version)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->row = r;
	p->facts = f;
	str_copy(p->state, sizeof(p->state), r->state);
	p->mode = r->mode[0] != '\0' ? r->mode : NULL;
	p->accepted_at = r->accepted_at;
	p->accepted_day = r->accepted_day[0] != '\0' ? r->accepted_day : NULL;
	p->accepted_by = r->accepted_by;
	p->budget_days = r->budget_days;
	p->window_id = r->window_id;
	p->handler_id = r->handler_id;
	p->supplement_due = r->supplement_due[0] != '\0' ?
	    r->supplement_due : NULL;
	p->supplement_requested_at = r->supplement_requested_at;
	p->commitment_text = r->commitment_text;
	p->decision = r->decision[0] != '\0' ? r->decision : NULL;
	p->decision_reason = r->decision_reason;
	p->decided_at = r->decided_at;
	p->closed_at = r->closed_at;
	p->check_status = r->check_status[0] != '\0' ? r->check_status :
	    "none";
	p->flagged = r->flagged;
	p->suspend_kind = r->suspend_kind[0] != '\0' ? r->suspend_kind : NULL;
	p->version = version;
}

void
case_plan_release(struct case_plan *p)
{
	for (int i = 0; i < p->n_events; i++)
		json_decref(p->events[i].data);
	for (int i = 0; i < p->n_docs; i++)
		json_decref(p->docs[i].content);
	json_decref(p->audit);
	json_decref(p->after_mats);
	p->n_events = p->n_docs = 0;
	p->audit = NULL;
	p->after_mats = NULL;
	p->after_known = false;
}

/* A refused acceptance-stage step by the department's back office on an
 * online application of an item stationed in the hall: the reason is the
 * rule 不得在大厅窗口之外受理, said plainly. Returns rc (or the lookup's
 * error). */
static int
outside_hall(struct case_plan *p, const char *action, int rc, struct err *e)
{
	const struct actor *a = p->c->actor;
	struct err e2;
	bool hall = false;

	if (a == NULL || a->kind != ACTOR_STAFF ||
	    !actor_has(a, ROLE_APPROVER | ROLE_DEPT_ADMIN) ||
	    a->dept_id != p->row->dept_id || !case_awaits_acceptance(p->row) ||
	    (strcmp(action, "accept") != 0 && strcmp(action,
	    "request_supplement") != 0 && strcmp(action, "reject") != 0))
		return rc;
	memset(&e2, 0, sizeof(e2));
	if (case_item_at_hall(p->c, p->row->item_id, &hall, &e2) != 0 || !hall)
		return rc;
	return err_set(e, ERR_FORBIDDEN, "hall_window_only",
	    "该事项已进驻政务大厅，网上申请须由大厅窗口（本部门窗口或综合窗口）"
	    "受理、告知补正或不予受理，部门后台不得在大厅窗口之外受理");
}

int
case_plan_step(struct case_plan *p, unsigned roles, const char *action,
    const char *note, json_t *data, struct err *e)
{
	const struct workflow_def *def = workflow_default();
	const struct workflow_state *from, *to;
	const struct workflow_action *a;
	const char *next = NULL;
	int rc;

	rc = workflow_check(def, p->state, action, roles,
	    p->facts->window_authorised, &next, e);
	if (rc == -ERR_FORBIDDEN)
		rc = outside_hall(p, action, rc, e);
	if (rc != 0) {
		json_decref(data);
		return rc;
	}
	a = workflow_find_action(def, p->state, action);
	if (a != NULL && a->reason && (note == NULL || note[0] == '\0')) {
		json_decref(data);
		return err_field(e, ERR_INVALID, "reason", "reason_required",
		    "“%s”须填写理由", a->label);
	}
	if (p->n_events >= CASE_MAX_EVENTS) {
		json_decref(data);
		p->overflow = true;
		return err_internal(e, "case plan: too many events");
	}
	from = workflow_find_state(def, p->state);
	to = workflow_find_state(def, next);
	p->events[p->n_events].action = a->code;
	p->events[p->n_events].from = from->code;
	p->events[p->n_events].to = to->code;
	p->events[p->n_events].note = note;
	p->events[p->n_events].data = data;
	p->n_events++;
	str_copy(p->state, sizeof(p->state), to->code);
	if (to->terminal && p->closed_at == 0) {
		p->closed_at = clock_now();
		p->refresh = true;
		/* A case ending while its clock is stopped closes the
		 * suspension. */
		if (p->suspend_kind != NULL && p->resume == NULL)
			p->resume = "办件终结";
		p->suspend_kind = NULL;
	}
	return 0;
}

int
case_plan_note(struct case_plan *p, const char *action, const char *note,
    json_t *data)
{
	if (p->n_events >= CASE_MAX_EVENTS) {
		json_decref(data);
		p->overflow = true;
		return -ERR_INTERNAL;
	}
	p->events[p->n_events].action = action;
	p->events[p->n_events].from = NULL;
	p->events[p->n_events].to = NULL;
	p->events[p->n_events].note = note;
	p->events[p->n_events].data = data;
	p->n_events++;
	return 0;
}

int
case_plan_doc(struct case_plan *p, const char *kind, json_t *content)
{
	if (p->n_docs >= CASE_MAX_DOCS) {
		json_decref(content);
		p->overflow = true;
		return -ERR_INTERNAL;
	}
	p->docs[p->n_docs].kind = kind;
	p->docs[p->n_docs].content = content != NULL ? content : json_object();
	p->n_docs++;
	return 0;
}

/* The one writer of case_events: every timeline entry of every case comes
 * through here, inside the transaction of the change it records. role is
 * the part the actor played ("clerk", "approver", "system"…); from/to are
 * NULL for an event that changes no state; data may be NULL. */
int
case_event_write(struct db *db, struct ctx *c, int64_t case_id,
    const char *role, const char *action, const char *from, const char *to,
    const char *note, const json_t *data, struct err *e)
{
	const struct actor *a = c->actor;
	char *dtext = data != NULL ? json_dumps(data, JSON_COMPACT |
	    JSON_SORT_KEYS) : NULL;
	int rc;

	rc = db_exec(db, e, "INSERT INTO case_events (case_id, at, actor_id, "
	    "actor_name, role, action, from_state, to_state, note, data) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iiisssssss", case_id,
	    clock_now(), a->user_id, a->name, role, action, from, to, note,
	    dtext);
	free(dtext);
	return rc;
}

/* The loaded row with what the plan wrote over it; the heap strings are
 * borrowed (the row is not released). */
static void
plan_after_row(const struct case_plan *p, struct case_row *out)
{
	struct case_row n = *p->row;

	str_copy(n.state, sizeof(n.state), p->state);
	str_copy(n.mode, sizeof(n.mode), p->mode != NULL ? p->mode : "");
	n.accepted_at = p->accepted_at;
	str_copy(n.accepted_day, sizeof(n.accepted_day),
	    p->accepted_day != NULL ? p->accepted_day : "");
	n.accepted_by = p->accepted_by;
	n.budget_days = p->budget_days < 0 ? -1 : p->budget_days;
	n.window_id = p->window_id;
	n.handler_id = p->handler_id;
	str_copy(n.supplement_due, sizeof(n.supplement_due),
	    p->supplement_due != NULL ? p->supplement_due : "");
	n.supplement_requested_at = p->supplement_requested_at;
	n.commitment_text = (char *)p->commitment_text;
	str_copy(n.decision, sizeof(n.decision),
	    p->decision != NULL ? p->decision : "");
	n.decision_reason = (char *)p->decision_reason;
	n.decided_at = p->decided_at;
	n.closed_at = p->closed_at;
	str_copy(n.check_status, sizeof(n.check_status),
	    p->check_status != NULL ? p->check_status : "");
	n.flagged = p->flagged;
	str_copy(n.suspend_kind, sizeof(n.suspend_kind),
	    p->suspend_kind != NULL ? p->suspend_kind : "");
	n.applicant_id = p->after.applicant_id;
	n.extension_days = p->after.extension_days;
	str_copy(n.overdue_day, sizeof(n.overdue_day),
	    p->after.overdue_day);
	str_copy(n.due_day, sizeof(n.due_day), p->after.due_day);
	n.has_remaining = p->after.has_remaining;
	n.remaining_days = p->after.remaining_days;
	str_copy(n.warn_level, sizeof(n.warn_level),
	    p->after.warn_level);
	n.trips = p->after.trips;
	n.updated_at = p->after.updated_at;
	n.version = p->after.version;
	*out = n;
}

/* The guarded UPDATE's RETURNING row: the values the plan does not set
 * (other writers change them without a new version). */
static void
plan_after_read(struct case_plan *p, struct db_stmt *s, int64_t now)
{
	memset(&p->after, 0, sizeof(p->after));
	p->after.applicant_id = db_col_int(s, 0);
	p->after.extension_days = (int)db_col_int(s, 1);
	p->after.overdue = !db_col_is_null(s, 2);
	str_copy(p->after.overdue_day, sizeof(p->after.overdue_day),
	    db_col_text(s, 2));
	str_copy(p->after.due_day, sizeof(p->after.due_day),
	    db_col_text(s, 3));
	p->after.has_remaining = !db_col_is_null(s, 4);
	p->after.remaining_days = (int)db_col_int(s, 4);
	str_copy(p->after.warn_level, sizeof(p->after.warn_level),
	    db_col_text(s, 5));
	p->after.trips = (int)db_col_int(s, 6);
	p->after.version = db_col_int(s, 7);
	p->after.updated_at = now;
	str_copy(p->after.mobile, sizeof(p->after.mobile),
	    db_col_text(s, 8));
	str_copy(p->after.item, sizeof(p->after.item),
	    db_col_text(s, 9));
	p->after.wants_sms = db_col_int(s, 10) != 0;
	p->after.told = true;
}

/* The deadline from the values this transaction has just written: the
 * plan's and the UPDATE's RETURNING row. */
static int
plan_deadline_refresh(struct case_plan *p, struct err *e)
{
	struct case_clock k;
	struct case_due due;
	int rc;

	memset(&k, 0, sizeof(k));
	memset(&due, 0, sizeof(due));
	k.accepted_day = p->accepted_day;
	k.budget_days = p->budget_days < 0 ? 0 : p->budget_days;
	k.extension_days = p->after.extension_days;
	k.state = p->state;
	k.closed_at = p->closed_at;
	k.overdue = p->after.overdue;
	/* Accepted by this change: a suspension is a step after the
	 * acceptance (from review or decide), so there is none to read. */
	k.unsuspended = p->row->accepted_day[0] == '\0';
	rc = case_deadline_refresh_known(p->c, p->row->id, &k, &due, e);
	if (rc != 0 || !due.stored)
		return rc;
	str_copy(p->after.due_day, sizeof(p->after.due_day),
	    due.due_day);
	p->after.has_remaining = true;
	p->after.remaining_days = due.remaining_days;
	str_copy(p->after.warn_level, sizeof(p->after.warn_level),
	    due.warn_level);
	return 0;
}

static int
plan_tx(struct db *db, void *arg, struct err *e)
{
	struct case_plan *p = arg;
	struct ctx *c = p->c;
	const struct actor *a = c->actor;
	int64_t now = clock_now(), id = p->row->id;
	const char *role = a->role_used[0] != '\0' ? a->role_used :
	    user_primary_role(a->kind, a->roles);
	char idbuf[24];
	struct db_stmt *s;
	json_t *sum, *docs;
	bool hooked = false;
	int rc;

	p->skipped = false;
	p->after_known = false;
	json_decref(p->after_mats);
	p->after_mats = NULL;
	if (p->pre != NULL) {
		rc = p->pre(p, db, e);
		if (rc > 0) {
			p->skipped = true;
			return 0;
		}
		if (rc != 0)
			return rc;
	}
	/* 1. the case row, guarded by the version the actor saw */
	s = db_query(db, e, "UPDATE cases SET state = ?, acceptance_mode = ?, "
	    "accepted_at = NULLIF(CAST(? AS BIGINT), 0), accepted_day = ?, "
	    "accepted_by = NULLIF(CAST(? AS BIGINT), 0), "
	    "budget_days = NULLIF(CAST(? AS INTEGER), -1), "
	    "window_id = NULLIF(CAST(? AS BIGINT), 0), "
	    "handler_id = NULLIF(CAST(? AS BIGINT), 0), supplement_due = ?, "
	    "supplement_requested_at = NULLIF(CAST(? AS BIGINT), 0), "
	    "commitment_text = ?, decision = ?, decision_reason = ?, "
	    "decided_at = NULLIF(CAST(? AS BIGINT), 0), "
	    "closed_at = NULLIF(CAST(? AS BIGINT), 0), check_status = ?, "
	    "flagged = ?, suspend_kind = ?, trips = trips + ?, updated_at = ?, "
	    "version = version + 1 WHERE id = ? AND version = ? "
	    "RETURNING applicant_id, extension_days, overdue_day, due_day, "
	    "remaining_days, warn_level, trips, version, " CASE_TOLD_COLUMNS,
	    "ssisiIiisisssiisIsIiii",
	    p->state, p->mode, p->accepted_at, p->accepted_day, p->accepted_by,
	    p->budget_days, p->window_id, p->handler_id, p->supplement_due,
	    p->supplement_requested_at, p->commitment_text, p->decision,
	    p->decision_reason, p->decided_at, p->closed_at, p->check_status,
	    p->flagged, p->suspend_kind, p->add_trips, now, id, p->version);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		plan_after_read(p, s, now);
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_CONFLICT, "stale_version", CASE_STALE_MSG);
	if (rc != DB_ROW)
		return rc;

	/* 2. materials */
	for (int i = 0; i < p->n_mats; i++) {
		if (p->mats[i].sha256 != NULL)
			rc = db_exec(db, e, "UPDATE case_materials SET "
			    "status = ?, sha256 = ?, content_type = ?, "
			    "reused_from = ?, problem = ?, updated_at = ? "
			    "WHERE case_id = ? AND idx = ?", "sssssiiI",
			    p->mats[i].status, p->mats[i].sha256,
			    p->mats[i].content_type, p->mats[i].reused_from,
			    p->mats[i].problem, now, id, p->mats[i].idx);
		else
			rc = db_exec(db, e, "UPDATE case_materials SET "
			    "status = ?, problem = ?, updated_at = ? "
			    "WHERE case_id = ? AND idx = ?", "ssiiI",
			    p->mats[i].status, p->mats[i].problem, now, id,
			    p->mats[i].idx);
		if (rc != 0)
			return rc;
	}

	/* 3. timeline */
	for (int i = 0; i < p->n_events; i++) {
		rc = case_event_write(db, c, id, role, p->events[i].action,
		    p->events[i].from, p->events[i].to, p->events[i].note,
		    p->events[i].data, e);
		if (rc != 0)
			return rc;
	}
	/* 4. delivery and trips */
	if (p->delivery_method != NULL) {
		rc = db_exec(db, e, "INSERT INTO case_deliveries (case_id, "
		    "method, tracking_no, at, actor_id) VALUES (?, ?, ?, ?, ?)",
		    "issii", id, p->delivery_method, p->tracking_no, now,
		    a->user_id);
		if (rc != 0)
			return rc;
	}
	if (p->trip_purpose != NULL) {
		rc = db_exec(db, e, "INSERT INTO case_trips (case_id, at, "
		    "purpose, window_id, actor_id) VALUES (?, ?, ?, "
		    "NULLIF(CAST(? AS BIGINT), 0), ?)", "iisii", id, now,
		    p->trip_purpose, a->window_id, a->user_id);
		if (rc != 0)
			return rc;
	}

	/* 5. 告知承诺 核查 */
	if (p->create_check) {
		rc = db_exec(db, e, "INSERT INTO commitment_checks (case_id, "
		    "dept_id, status, due_day, created_at) VALUES (?, ?, "
		    "'pending', ?, ?)", "iisi", id, p->row->dept_id,
		    p->check_due, now);
		if (rc != 0)
			return rc;
	}
	if (p->check_id > 0) {
		rc = db_exec(db, e, "UPDATE commitment_checks SET status = ?, "
		    "result = ?, checked_by = ?, checked_at = ? WHERE id = ? AND "
		    "status = 'pending'", "ssiii", p->check_result_status,
		    p->check_result, a->user_id, now, p->check_id);
		if (rc != 0)
			return rc;
		if (db_last_changes(db) != 1)
			return err_set(e, ERR_CONFLICT, "check_done",
			    "该核查已有结果");
	}

	/* 6. the clock */
	if (p->resume != NULL) {
		rc = case_resume(c, id, p->resume, e);
		if (rc != 0)
			return rc;
	}
	if (p->suspend != NULL) {
		rc = case_suspend(c, id, p->suspend, p->suspend_reason, e);
		if (rc != 0)
			return rc;
	}
	if (p->refresh && p->resume == NULL && p->suspend == NULL) {
		rc = plan_deadline_refresh(p, e);
		if (rc != 0)
			return rc;
	}

	/* 7. the scoreboard's tallies, when this change closes the case */
	if (p->closed_at != 0 && p->row->closed_at == 0) {
		rc = case_tally_close(p, db, e);
		if (rc != 0)
			return rc;
	}

	/* 8. documents (named in the audit record below) */
	docs = p->n_docs > 0 ? json_array() : NULL;
	for (int i = 0; i < p->n_docs; i++) {
		json_t *doc = NULL;

		rc = document_enqueue_noaudit(c, id, p->docs[i].kind,
		    p->docs[i].content, &doc, e);
		if (rc != 0) {
			json_decref(docs);
			return rc;
		}
		json_array_append_new(docs, doc);
	}
	if (strcmp(p->state, "revoked") == 0 &&
	    strcmp(p->row->state, "revoked") != 0) {
		rc = certificates_revoke_case(c, id, NULL, e);
		if (rc != 0) {
			json_decref(docs);
			return rc;
		}
	}

	/* 9. audit: one record for the whole change */
	sum = json_pack("{s:s, s:s, s:s, s:I}", "case_no", p->row->case_no,
	    "from", p->row->state, "to", p->state, "version",
	    (json_int_t)(p->version + 1));
	if (sum == NULL) {
		json_decref(docs);
		return err_internal(e, "out of memory");
	}
	if (docs != NULL)
		json_object_set_new(sum, "documents", docs);
	if (p->n_events > 0) {
		json_t *acts = json_array();

		for (int i = 0; i < p->n_events; i++)
			json_array_append_new(acts,
			    json_string(p->events[i].action));
		json_object_set_new(sum, "actions", acts);
	}
	if (p->audit != NULL)
		json_object_update(sum, p->audit);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	rc = audit_append(c, p->audit_action, "case", idbuf, sum, e);
	json_decref(sum);
	if (rc == 0 && p->credit_kind != NULL)
		rc = db_exec(db, e, "INSERT INTO applicant_credit "
		    "(applicant_idno, applicant_name, kind, case_id, note, at) "
		    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (case_id, kind) DO "
		    "NOTHING", "sssisi", p->row->applicant_idno,
		    p->row->applicant_name, p->credit_kind, id,
		    p->credit_note != NULL ? p->credit_note : "", now);
	/* the applicant's message (messages.c) */
	if (rc == 0)
		rc = case_plan_tell(p, e);
	/* 9. a child of a 一件事 that was decided or ended: its bundle
	 * learns it in the same transaction (exactly-once completion). */
	if (rc == 0 && p->row->bundle_id > 0 &&
	    strcmp(p->state, p->row->state) != 0) {
		const struct workflow_state *st = workflow_find_state(
		    workflow_default(), p->state);

		if (st != NULL && (st->terminal ||
		    strcmp(p->state, "certify") == 0)) {
			hooked = true;
			rc = case_bundle_hook_call(c, p->row->bundle_id, id, e);
		}
	}
	if (rc == 0 && p->post != NULL)
		rc = p->post(p, db, e);
	/* Nothing but the plan wrote the case row: its answer needs no
	 * second read. */
	p->after_known = rc == 0 && p->pre == NULL && p->post == NULL &&
	    p->resume == NULL && p->suspend == NULL && !hooked;
	if (p->after_known && p->answer) {
		/* The answer's materials, read on this connection, whose
		 * pages the transaction has just touched. */
		plan_after_row(p, &p->after_row);
		rc = case_mats_json(c, &p->after_row, &p->after_mats,
		    p->after_names, sizeof(p->after_names), e);
		if (rc != 0)
			p->after_known = false;
	}
	return rc;
}

int
case_plan_run(struct case_plan *p, struct err *e)
{
	/* A notice the law requires is never dropped: an action whose plan
	 * could not hold all its documents or events fails whole. */
	if (p->overflow)
		return err_internal(e, "case plan: %d documents and %d events "
		    "did not fit (at most %d and %d)", p->n_docs, p->n_events,
		    CASE_MAX_DOCS, CASE_MAX_EVENTS);
	return db_tx(p->c->db, plan_tx, p, e);
}

int
case_plan_json(struct case_plan *p, json_t **out, struct err *e)
{
	json_t *mats = p->after_mats;

	if (!p->after_known || mats == NULL)
		return case_json_by_id(p->c, p->row->id, out, e);
	p->after_mats = NULL;
	return case_json_with(p->c, &p->after_row, p->facts, mats,
	    p->after_names, out, e);
}
