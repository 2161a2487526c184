/* case_admin.h - the department's side of time-limit extensions
 * (service/case_admin.c): the list behind the 延期审批 page.
 *
 * Extensions are requested and decided by service/cases_process.c
 * (case_extension_request, case_extension_decide); this module only reads
 * case_extensions joined with cases and items. */
#ifndef ONETRIP_SERVICE_CASE_ADMIN_H
#define ONETRIP_SERVICE_CASE_ADMIN_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Filters and page of extension_list(). */
struct extension_filter {
	const char *status;   /* "pending" (NULL, ""), "approved", "rejected", "all" */
	int64_t dept_id;      /* 0: no filter (hall_admin, supervisor) */
	int64_t case_id;      /* 0: no filter */
	const char *cursor;   /* next_cursor of the previous page, or NULL */
	int limit;            /* 0: LIMIT_PAGE_DEFAULT; at most LIMIT_PAGE_MAX */
};

/* Extensions visible to the actor: dept_admin and approver see their own
 * department (another dept_id is 403), hall_admin and supervisor all
 * (dept_id filters); anyone else 403. Pending extensions come oldest first
 * (the longest waiting on top), the others newest first; keyset paging on
 * the id. *out = {items:[{id, case_id, case_no, item_name, dept_id,
 * dept_name, applicant_name, applicant_idno_masked, days, reason, status,
 * requested_by_name, requested_at, decided_by_name, decided_at,
 * decision_reason, state, due_day, new_due_day, remaining_days,
 * warn_level, extension_days, can_decide}], next_cursor}. new_due_day is
 * the due day after approving (pending, running cases), else null. */
int extension_list(struct ctx *c, const struct extension_filter *f,
    json_t **out, struct err *e);

#endif
