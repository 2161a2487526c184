/* bundle_child.c - the child cases of a 一件事 bundle: created at the
 * bundle's one acceptance (or when their dependencies are approved),
 * accepted and forwarded to the department through the change plan, and
 * read back for the bundle's view. */
#include "service/case/case_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "core/workflow.h"
#include "service/case/case.h"
#include "store/db.h"

struct child_tx {
	struct ctx *c;
	const struct case_child_in *in;
	const struct item_facts *f;
	struct apply_tx t;
	int64_t id;
};

static int
child_accept(struct ctx *c, const struct case_child_in *in,
    const struct item_facts *f, int64_t id, struct err *e)
{
	struct case_mat mats[CATALOG_MATERIALS_MAX];
	struct case_accept_in ain;
	struct case_plan p;
	struct case_row r;
	json_t *list = NULL;
	char today[11];
	int32_t tday;
	int nm = 0, rc;
	bool rongque = in->missing != NULL && json_array_size(in->missing) > 0;

	rc = case_row_load(c, id, &r, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.accept";
	case_today(today);
	(void)calendar_day_parse(today, &tday, e);
	rc = case_plan_step(&p, WORKFLOW_ROLE_CLERK, "accept",
	    rongque ? "一件事容缺受理" : "一件事一窗受理", json_pack("{s:s, s:I}",
	    "mode", rongque ? "rongque" : "normal", "bundle_id",
	    (json_int_t)in->bundle_id), e);
	if (rc != 0)
		goto out;
	if (rongque) {
		rc = case_mats_load(c, id, mats, &nm, e);
		if (rc != 0)
			goto out;
		memset(&ain, 0, sizeof(ain));
		ain.mode = "rongque";
		ain.missing = in->missing;
		ain.supplement_due = in->supplement_due;
		ain.commitment_text = in->commitment_text;
		rc = case_accept_rongque(&p, &ain, mats, nm, tday, &list, e);
		if (rc != 0)
			goto out;
	}
	p.mode = rongque ? "rongque" : "normal";
	p.accepted_at = clock_now();
	p.accepted_day = today;
	p.accepted_by = in->accepted_by > 0 ? in->accepted_by :
	    c->actor->user_id;
	p.budget_days = in->budget_days;
	p.window_id = in->window_id;
	p.handler_id = 0;
	p.refresh = true;
	rc = case_plan_step(&p, WORKFLOW_ROLE_CLERK, "forward",
	    in->note != NULL ? in->note : "一件事并联审批，分送部门审查", NULL,
	    e);
	if (rc == 0)
		rc = case_plan_run(&p, e);
out:
	json_decref(list);
	case_plan_release(&p);
	case_row_release(&r);
	return rc;
}

int
case_child_create(struct ctx *c, const struct case_child_in *in,
    int64_t *case_id, struct err *e)
{
	const struct item_facts *f = NULL;
	char sha[CATALOG_MATERIALS_MAX][65], ctype[CATALOG_MATERIALS_MAX][32];
	bool cert[CATALOG_MATERIALS_MAX], given[CATALOG_MATERIALS_MAX];
	struct apply_tx t;
	char *form_text = NULL;
	int64_t vid = 0;
	int rc;

	*case_id = 0;
	if (!db_in_tx(c->db))
		return err_internal(e, "case_child_create outside a transaction");
	rc = case_current_version(c, in->item_id, &vid, e);
	if (rc != 0)
		return rc;
	rc = item_facts_get(c, vid, &f, e);
	if (rc != 0)
		return rc;
	rc = case_form_check(in->form, &form_text, e);
	if (rc != 0)
		goto out;
	rc = case_materials_in(c, f, in->materials, in->uploader_id,
	    in->applicant_id, in->idno, sha, ctype, cert, given, e);
	if (rc != 0)
		goto out;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.f = f;
	t.kind = in->kind;
	t.name = in->name;
	t.idno = in->idno;
	t.mobile = in->mobile;
	t.applicant_id = in->applicant_id;
	t.channel = in->channel;
	t.window_id = in->window_id;
	t.form = form_text;
	t.sha = sha;
	t.ctype = ctype;
	t.cert = cert;
	t.given = given;
	t.bundle_id = in->bundle_id;
	case_today(t.day);
	rc = case_apply_insert(c->db, &t, e);
	if (rc != 0)
		goto out;
	rc = child_accept(c, in, f, t.id, e);
	if (rc == 0)
		*case_id = t.id;
out:
	free(form_text);
	item_facts_put(f);
	return rc;
}

int
case_bundle_children(struct ctx *c, int64_t bundle_id, json_t **out,
    struct err *e)
{
	const struct workflow_def *def = workflow_default();
	json_t *rows, *susp, *r;
	size_t i;

	*out = NULL;
	rows = db_query_json(c->db, e, "SELECT c.id, c.case_no, c.item_id, "
	    "c.state, c.dept_id, d.name AS dept_name, u.name AS handler_name, "
	    "c.due_day, c.remaining_days, c.warn_level, c.budget_days, "
	    "c.decision, c.decision_reason, c.suspend_kind, c.version, "
	    "c.closed_at, c.accepted_day FROM cases c JOIN departments d ON "
	    "d.id = c.dept_id LEFT JOIN users u ON u.id = c.handler_id "
	    "WHERE c.bundle_id = ? ORDER BY c.id", "i", bundle_id);
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, r) {
		const char *st = json_string_value(json_object_get(r, "state"));
		const struct workflow_state *ws = workflow_find_state(def,
		    st != NULL ? st : "");
		const char *handler = json_string_value(json_object_get(r,
		    "handler_name"));
		char holder[256];

		json_object_set_new(r, "state_label", json_string(ws != NULL ?
		    ws->label : ""));
		json_object_set_new(r, "closed", json_boolean(!json_is_null(
		    json_object_get(r, "closed_at"))));
		if (ws != NULL && ws->terminal)
			snprintf(holder, sizeof(holder), "已结束");
		else if (st != NULL && strcmp(st, "suspended") == 0)
			snprintf(holder, sizeof(holder), "申请人或特别程序（暂停计时）");
		else if (st != NULL && strcmp(st, "certify") == 0)
			snprintf(holder, sizeof(holder), "综合窗口（待统一出件）");
		else
			snprintf(holder, sizeof(holder), "%s%s%s",
			    json_string_value(json_object_get(r, "dept_name")),
			    handler != NULL && handler[0] != '\0' ? " · " : "",
			    handler != NULL ? handler : "");
		json_object_set_new(r, "holder", json_string(holder));
	}
	susp = db_query_json(c->db, e, "SELECT s.case_id, s.start_day, "
	    "s.end_day FROM case_suspensions s JOIN cases c ON c.id = "
	    "s.case_id WHERE c.bundle_id = ? AND s.kind = 'supplement' "
	    "ORDER BY s.start_day, s.id", "i", bundle_id);
	if (susp == NULL) {
		json_decref(rows);
		return err_rc(e);
	}
	*out = json_pack("{s:o, s:o}", "children", rows, "suspensions", susp);
	return 0;
}

int
case_child_deliver(struct ctx *c, int64_t case_id, const char *method,
    const char *tracking_no, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int rc;

	rc = case_load_write(c, case_id, 0, &r, &f, &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.deliver";
	rc = case_plan_deliver(&p, roles, method, tracking_no, e);
	/* The bundle's one delivery is one trip, counted on the bundle. */
	p.add_trips = 0;
	p.trip_purpose = NULL;
	if (rc == 0)
		rc = case_plan_run(&p, e);
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}
