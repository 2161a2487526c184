/* cases_accept.c - the window's (or the department's, for online cases)
 * first decision: accept (normal, 容缺, 告知承诺; a 即办件 may be decided
 * and delivered at once), reject, or 一次性告知补正. */
#include "service/case/case_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "store/db.h"

/* Names of the materials at idx[0..n) joined with "、" into out. */
static void
names_join(const struct item_facts *f, const int *idx, int n, char *out,
    size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + len, outsz - len, "%s%s",
		    i > 0 ? "、" : "", f->materials[idx[i]].name);

		if (w < 0 || (size_t)w >= outsz - len)
			return;
		len += (size_t)w;
	}
}

/* The last day a 容缺 supplement may be promised for: the promised
 * time limit counted from today (the statutory one for a 即办件 that has
 * one). */
static int
rongque_limit(struct ctx *c, const struct item_facts *f, int32_t today,
    int32_t *limit, struct err *e)
{
	const struct calendar *cal = NULL;
	int days = f->promised_days;
	int rc;

	if (days <= 0 && f->statutory_days > 0)
		days = f->statutory_days;
	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	*limit = calendar_add_workdays(cal, today, days);
	return 0;
}

int
case_accept_rongque(struct case_plan *p, const struct case_accept_in *in,
    const struct case_mat *mats, int nm, int32_t today, json_t **list,
    struct err *e)
{
	const struct item_facts *f = p->facts;
	bool listed[CATALOG_MATERIALS_MAX];
	int req[CATALOG_MATERIALS_MAX], nreq = 0;
	char names[1024], field[32];
	int32_t due, limit;
	json_t *v;
	size_t i;
	int rc;

	*list = json_array();
	memset(listed, 0, sizeof(listed));
	if (!f->rongque)
		return err_field(e, ERR_UNPROCESSABLE, "mode", "no_rongque",
		    "该事项不适用容缺受理");
	if (in->missing == NULL || !json_is_array(in->missing) ||
	    json_array_size(in->missing) == 0)
		return err_field(e, ERR_INVALID, "missing", "required",
		    "请列出容缺的材料");
	json_array_foreach(in->missing, i, v) {
		json_int_t x;

		snprintf(field, sizeof(field), "missing[%zu]", i);
		if (!json_is_integer(v))
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "容缺材料须为材料序号");
		x = json_integer_value(v);
		if (x < 0 || x >= f->n_materials || x >= nm)
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "材料序号 %lld 不存在", (long long)x);
		if (listed[x])
			return err_field(e, ERR_INVALID, field, "duplicate",
			    "材料“%s”重复列出", f->materials[x].name);
		if (f->materials[x].necessity != NEC_RONGQUE)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "not_rongque", "材料“%s”不属于容缺可后补材料",
			    f->materials[x].name);
		listed[x] = true;
	}
	for (int k = 0; k < nm; k++) {
		int x = mats[k].idx;

		if (strcmp(mats[k].status, "provided") == 0 || x < 0 ||
		    x >= f->n_materials)
			continue;
		if (mats[k].necessity == NEC_REQUIRED ||
		    (mats[k].necessity == NEC_RONGQUE && !listed[x]))
			req[nreq++] = x;
	}
	if (nreq > 0) {
		names_join(f, req, nreq, names, sizeof(names));
		return err_field(e, ERR_UNPROCESSABLE, "missing",
		    "missing_required_material",
		    "缺少必要材料：%s（不属于本次容缺范围）", names);
	}
	if (in->supplement_due == NULL || in->supplement_due[0] == '\0')
		return err_field(e, ERR_INVALID, "supplement_due", "required",
		    "请填写容缺材料的补交期限");
	if (calendar_day_parse(in->supplement_due, &due, e) != 0) {
		snprintf(e->field, sizeof(e->field), "supplement_due");
		return -ERR_INVALID;
	}
	rc = rongque_limit(p->c, f, today, &limit, e);
	if (rc != 0)
		return rc;
	if (due < today || due > limit) {
		char lim[11];

		return err_field(e, ERR_UNPROCESSABLE, "supplement_due",
		    "bad_supplement_due", "补交期限须在今天至承诺办结期限 %s "
		    "之间", calendar_day_format(limit, lim));
	}
	rc = case_text(in->commitment_text, "commitment_text", "容缺承诺",
	    CASE_COMMITMENT_CHARS, false, e);
	if (rc != 0)
		return rc;
	for (int x = 0; x < f->n_materials; x++) {
		if (!listed[x])
			continue;
		p->mats[p->n_mats].idx = x;
		p->mats[p->n_mats].status = "rongque";
		p->mats[p->n_mats].sha256 = NULL;
		p->mats[p->n_mats].problem = "容缺后补";
		p->n_mats++;
		json_array_append_new(*list, json_pack("{s:s, s:s, s:s}",
		    "name", f->materials[x].name, "requirement", "容缺后补",
		    "note", in->supplement_due));
	}
	p->supplement_due = in->supplement_due;
	p->commitment_text = in->commitment_text != NULL &&
	    in->commitment_text[0] != '\0' ? in->commitment_text :
	    "申请人承诺在补交期限内补齐容缺材料，逾期未补齐的，自愿承担相应责任。";
	return 0;
}

int
case_accept(struct ctx *c, int64_t id, const struct case_accept_in *in,
    json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_mat mats[CATALOG_MATERIALS_MAX];
	const char *mode = in->mode != NULL && in->mode[0] != '\0' ? in->mode :
	    "normal";
	char today[11], names[1024];
	struct case_plan p;
	struct case_row r;
	json_t *list = NULL;
	unsigned roles;
	int32_t tday;
	int nm = 0, rc;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	if (strcmp(mode, "normal") != 0 && strcmp(mode, "rongque") != 0 &&
	    strcmp(mode, "commitment") != 0)
		return err_field(e, ERR_INVALID, "mode", "bad_mode",
		    "受理方式须为 normal、rongque 或 commitment");
	rc = case_load_write(c, id, in->version > 0 ? in->version : -1, &r, &f,
	    &roles, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.accept";
	case_today(today);
	(void)calendar_day_parse(today, &tday, e);
	rc = case_plan_step(&p, roles, "accept", case_mode_label(mode),
	    json_pack("{s:s}", "mode", mode), e);
	if (rc != 0)
		goto out;
	rc = case_mats_load(c, id, mats, &nm, e);
	if (rc != 0)
		goto out;
	if (strcmp(mode, "normal") != 0) {
		bool excluded = false;

		rc = case_credit_excluded(c, r.applicant_idno, &excluded, e);
		if (rc != 0)
			goto out;
		if (excluded) {
			rc = err_field(e, ERR_UNPROCESSABLE, "mode",
			    "credit_excluded", "申请人有虚假承诺或未履行容缺承诺的"
			    "记录，信用修复前不适用%s，请按一般程序受理",
			    strcmp(mode, "rongque") == 0 ? "容缺受理" :
			    "告知承诺制");
			goto out;
		}
	}
	if (strcmp(mode, "normal") == 0) {
		int nec[CATALOG_MATERIALS_MAX], blk[CATALOG_MATERIALS_MAX];
		bool prov[CATALOG_MATERIALS_MAX];
		int nb;

		for (int k = 0; k < nm; k++) {
			nec[k] = mats[k].necessity;
			prov[k] = strcmp(mats[k].status, "provided") == 0;
		}
		nb = case_missing_required(nec, prov, nm, blk);
		if (nb > 0) {
			for (int k = 0; k < nb; k++)
				blk[k] = mats[blk[k]].idx;
			names_join(f, blk, nb, names, sizeof(names));
			rc = err_field(e, ERR_UNPROCESSABLE, "mode",
			    "missing_required_material",
			    "缺少必要材料：%s，不能正常受理", names);
			goto out;
		}
		case_plan_doc(&p, DOC_ACCEPT_NOTICE, NULL);
	} else if (strcmp(mode, "rongque") == 0) {
		rc = case_accept_rongque(&p, in, mats, nm, tday, &list, e);
		if (rc != 0)
			goto out;
		case_plan_doc(&p, DOC_RONGQUE_NOTICE, json_pack("{s:O, s:s, "
		    "s:s}", "materials", list, "supplement_due",
		    p.supplement_due, "commitment", p.commitment_text));
		/* The applicant's 容缺受理承诺书: its text stays with the
		 * case (commitment_text). */
		case_plan_doc(&p, DOC_RONGQUE_PLEDGE, json_pack("{s:O, s:s, "
		    "s:s}", "materials", list, "supplement_due",
		    p.supplement_due, "commitment", p.commitment_text));
	} else {
		if (!f->commitment) {
			rc = err_field(e, ERR_UNPROCESSABLE, "mode",
			    "no_commitment", "该事项不适用告知承诺制");
			goto out;
		}
		rc = case_text(in->commitment_text, "commitment_text",
		    "承诺内容", CASE_COMMITMENT_CHARS, true, e);
		if (rc != 0)
			goto out;
		p.commitment_text = in->commitment_text;
		case_plan_doc(&p, DOC_ACCEPT_NOTICE, NULL);
		case_plan_doc(&p, DOC_COMMITMENT, json_pack("{s:s}",
		    "commitment", in->commitment_text));
	}
	p.mode = mode;
	p.accepted_at = clock_now();
	p.accepted_day = today;
	p.accepted_by = c->actor->user_id;
	p.budget_days = f->promised_days;
	p.handler_id = c->actor->user_id;
	if (p.window_id == 0 && c->actor->kind == ACTOR_STAFF &&
	    actor_has(c->actor, ROLE_CLERK) && c->actor->window_id > 0)
		p.window_id = c->actor->window_id;
	p.refresh = true;

	/* 即办件: decided (and delivered) at once. */
	if (in->approve && strcmp(mode, "rongque") == 0) {
		rc = err_field(e, ERR_CONFLICT, "approve", "rongque_outstanding",
		    "容缺受理的办件在容缺材料补齐前不能作出决定");
		goto out;
	}
	if (in->approve) {
		if (f->case_kind != 1 || !f->window_authorised) {
			rc = err_field(e, ERR_UNPROCESSABLE, "approve",
			    "not_instant", "只有窗口有审批决定权的即办件可以"
			    "受理后当场办结");
			goto out;
		}
		rc = case_plan_decide(&p, roles, true, NULL, e);
		if (rc != 0)
			goto out;
		p.audit_action = "case.accept_approve";
		if (in->deliver_method != NULL &&
		    in->deliver_method[0] != '\0') {
			rc = case_plan_deliver(&p, roles, in->deliver_method,
			    in->tracking_no, e);
			if (rc != 0)
				goto out;
		}
	} else if (in->deliver_method != NULL) {
		rc = err_field(e, ERR_INVALID, "deliver_method", NULL,
		    "送达须与当场办结一同提交");
		goto out;
	}
	p.answer = true;
	rc = case_plan_run(&p, e);
	if (rc == 0)
		rc = case_plan_json(&p, out, e);
out:
	json_decref(list);
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

int
case_reject(struct ctx *c, int64_t id, const char *reason, int64_t version,
    json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	unsigned roles;
	int rc;

	*out = NULL;
	rc = case_text(reason, "reason", "不予受理的理由", CASE_REASON_CHARS,
	    true, e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, version > 0 ? version : -1, &r, &f, &roles,
	    e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.reject";
	p.handler_id = c->actor->user_id;
	rc = case_plan_step(&p, roles, "reject", reason, NULL, e);
	if (rc == 0) {
		p.decision_reason = reason;
		if (p.window_id == 0 && c->actor->kind == ACTOR_STAFF &&
		    actor_has(c->actor, ROLE_CLERK))
			p.window_id = c->actor->window_id;
		case_plan_doc(&p, DOC_REJECT_NOTICE, json_pack("{s:s}",
		    "reason", reason));
		p.answer = true;
		rc = case_plan_run(&p, e);
	}
	if (rc == 0)
		rc = case_plan_json(&p, out, e);
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}

int
case_request_supplement(struct ctx *c, int64_t id, const json_t *items,
    const char *note, int64_t version, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_plan p;
	struct case_row r;
	json_t *list = NULL;
	unsigned roles;
	char sdue[11];
	int rc;

	*out = NULL;
	rc = case_text(note, "note", "补正说明", CASE_REASON_CHARS, false, e);
	if (rc != 0)
		return rc;
	rc = case_load_write(c, id, version > 0 ? version : -1, &r, &f, &roles,
	    e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, f, r.version);
	p.audit_action = "case.request_supplement";
	p.handler_id = c->actor->user_id;
	rc = case_plan_step(&p, roles, "request_supplement",
	    note != NULL && note[0] != '\0' ? note : "一次性告知补正材料", NULL,
	    e);
	if (rc == 0)
		rc = case_plan_flaws(&p, items, true, &list, e);
	if (rc == 0)
		rc = case_supplement_due(c, sdue, e);
	if (rc == 0) {
		p.supplement_requested_at = clock_now();
		p.tell.supplement_due = sdue;
		case_plan_doc(&p, DOC_SUPPLEMENT_NOTICE, json_pack("{s:O, s:s, "
		    "s:s}", "materials", list, "reason", note != NULL ? note :
		    "", "supplement_due", sdue));
		p.answer = true;
		rc = case_plan_run(&p, e);
	}
	if (rc == 0)
		rc = case_plan_json(&p, out, e);
	json_decref(list);
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}
