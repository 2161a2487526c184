/* credit.c - the applicant's credit as the hall's rules use it: a false
 * commitment found in the 告知承诺 核查 or a missed 容缺 promise is
 * recorded (applicant_credit, written by the change plan); while a record
 * is not cleared the applicant is not offered 容缺受理 or 告知承诺 again
 * (domain.md §4.1-4.2). The hall clears a record (信用修复) with a reason,
 * audited. */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "service/case/case.h"
#include "service/platform/platform.h"
#include "store/db.h"

int
case_credit_excluded(struct ctx *c, const char *idno, bool *excluded,
    struct err *e)
{
	int64_t n = 0;
	int rc;

	*excluded = false;
	rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM applicant_credit "
	    "WHERE applicant_idno = ? AND cleared_at IS NULL", "s", idno);
	if (rc < 0)
		return rc;
	*excluded = n > 0;
	return 0;
}

int
case_credit_list(struct ctx *c, const char *idno, const char *status,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	int64_t dept = 0;
	json_t *items;

	*out = NULL;
	if (a == NULL || a->kind != ACTOR_STAFF)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看信用记录");
	/* The hall, supervision and the windows (which accept every
	 * department's cases) see every record; the back office its own
	 * department's. */
	if (!actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN |
	    ROLE_CLERK)) {
		if (a->dept_id <= 0)
			return err_set(e, ERR_FORBIDDEN, NULL,
			    "无权查看信用记录");
		dept = a->dept_id;
	}
	if (status == NULL || status[0] == '\0')
		status = "active";
	if (strcmp(status, "active") != 0 && strcmp(status, "cleared") != 0 &&
	    strcmp(status, "all") != 0)
		return err_field(e, ERR_INVALID, "status", "bad_status",
		    "status 须为 active、cleared 或 all");
	items = db_query_json(c->db, e, "SELECT r.id, r.applicant_idno, "
	    "r.applicant_name, r.kind, r.case_id, k.case_no, r.note, r.at, "
	    "r.cleared_at, r.clear_reason, u.name AS cleared_by_name, "
	    "d.name AS dept_name FROM applicant_credit r JOIN cases k ON "
	    "k.id = r.case_id LEFT JOIN departments d ON d.id = k.dept_id "
	    "LEFT JOIN users u ON u.id = r.cleared_by WHERE (? = '' OR "
	    "r.applicant_idno = ?) AND (? = 'all' OR (? = 'active' AND "
	    "r.cleared_at IS NULL) OR (? = 'cleared' AND r.cleared_at IS NOT "
	    "NULL)) AND (? = 0 OR k.dept_id = ?) ORDER BY r.id DESC LIMIT ?",
	    "sssssiiI", idno != NULL ? idno : "", idno != NULL ? idno : "",
	    status, status, status, dept, dept, LIMIT_PAGE_MAX);
	if (items == NULL)
		return err_rc(e);
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *o = json_array_get(items, i);
		const char *k = json_string_value(json_object_get(o, "kind"));

		json_object_set_new(o, "kind_label", json_string(
		    k != NULL && strcmp(k, "false_commitment") == 0 ?
		    "虚假承诺" : "容缺承诺未履行"));
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

struct clear_tx {
	struct ctx *c;
	int64_t id;
	const char *reason;
};

static int
clear_fn(struct db *db, void *arg, struct err *e)
{
	struct clear_tx *t = arg;
	json_t *row, *sum;
	char idbuf[24];
	int rc;

	row = db_query_row(db, e, "SELECT applicant_idno, kind, case_id, "
	    "cleared_at FROM applicant_credit WHERE id = ?", "i", t->id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    NULL, "信用记录不存在") : err_rc(e);
	if (!json_is_null(json_object_get(row, "cleared_at"))) {
		json_decref(row);
		return err_set(e, ERR_CONFLICT, "already_cleared",
		    "该信用记录已修复");
	}
	rc = db_exec(db, e, "UPDATE applicant_credit SET cleared_at = ?, "
	    "cleared_by = ?, clear_reason = ? WHERE id = ? AND cleared_at IS "
	    "NULL", "iisi", clock_now(), t->c->actor->user_id, t->reason,
	    t->id);
	if (rc == 0 && db_last_changes(db) != 1)
		rc = err_set(e, ERR_CONFLICT, "already_cleared",
		    "该信用记录已修复");
	if (rc != 0) {
		json_decref(row);
		return rc;
	}
	sum = json_pack("{s:O, s:O, s:O, s:s}", "applicant_idno",
	    json_object_get(row, "applicant_idno"), "kind",
	    json_object_get(row, "kind"), "case_id",
	    json_object_get(row, "case_id"), "reason", t->reason);
	json_decref(row);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, "credit.clear", "applicant_credit", idbuf, sum,
	    e);
	json_decref(sum);
	return rc;
}

int
case_credit_clear(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e)
{
	struct clear_tx t = { c, id, reason };
	int rc;

	*out = NULL;
	if (c->actor == NULL || c->actor->kind != ACTOR_STAFF ||
	    !actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以办理信用修复");
	rc = case_text(reason, "reason", "信用修复理由", CASE_REASON_CHARS,
	    true, e);
	if (rc != 0)
		return rc;
	rc = db_tx(c->db, clear_fn, &t, e);
	if (rc != 0)
		return rc;
	*out = db_query_row(c->db, e, "SELECT id, applicant_idno, kind, "
	    "case_id, cleared_at, clear_reason FROM applicant_credit WHERE "
	    "id = ?", "i", id);
	return *out != NULL ? 0 : err_rc(e);
}
