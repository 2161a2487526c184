/* joint.c - the clocks of cases during a joint event of a construction
 * project (联合踏勘、联合评审、联合审图、联合验收, service/project): the event
 * stops the clock of each case it involves as a special procedure of its
 * department, and its sealed outcome resumes it. Through the change plan,
 * like every change of a case; the project domain has decided the actor
 * may schedule or seal the event. */
#include "service/case/case_internal.h"

#include <stdio.h>
#include <string.h>

#include "core/deadline.h"
#include "core/workflow.h"
#include "service/case/case.h"

int
case_joint_pause(struct ctx *c, int64_t case_id, const char *kind,
    const char *reason, bool *paused, struct err *e)
{
	enum suspension_kind k = suspension_kind_parse(kind != NULL ? kind : "");
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	int rc;

	*paused = false;
	if (k == 0 || k == SUSPEND_SUPPLEMENT)
		return err_internal(e, "case_joint_pause: bad kind %s",
		    kind != NULL ? kind : "");
	rc = case_row_load(c, case_id, &r, e);
	if (rc != 0)
		return rc;
	/* Only a case under review or awaiting its decision stops. */
	if (strcmp(r.state, "review") != 0 && strcmp(r.state, "decide") != 0) {
		case_row_release(&r);
		return 0;
	}
	rc = item_facts_get(c, r.item_version_id, &f, e);
	if (rc != 0) {
		case_row_release(&r);
		return rc;
	}
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.special_start";
	rc = case_plan_step(&p, WORKFLOW_ROLE_APPROVER, "special_procedure",
	    reason, json_pack("{s:s, s:s, s:b}", "kind",
	    suspension_kind_name(k), "kind_label", suspension_kind_label(k),
	    "joint", 1), e);
	if (rc == 0) {
		p.suspend = suspension_kind_name(k);
		p.suspend_reason = reason;
		p.suspend_kind = suspension_kind_name(k);
		rc = case_plan_run(&p, e);
	}
	if (rc == 0)
		*paused = true;
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

int
case_joint_resume(struct ctx *c, int64_t case_id, const char *result,
    struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	int rc;

	rc = case_row_load(c, case_id, &r, e);
	if (rc != 0)
		return rc;
	if (strcmp(r.state, "suspended") != 0 ||
	    strcmp(r.suspend_kind, "supplement") == 0) {
		case_row_release(&r);
		return 0;
	}
	rc = item_facts_get(c, r.item_version_id, &f, e);
	if (rc != 0) {
		case_row_release(&r);
		return rc;
	}
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.special_end";
	rc = case_plan_step(&p, WORKFLOW_ROLE_APPROVER, "resume", result, NULL,
	    e);
	if (rc == 0) {
		p.resume = result;
		p.suspend_kind = NULL;
		rc = case_plan_run(&p, e);
	}
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}
