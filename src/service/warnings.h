/* warnings.h - deadline warnings and overdue explanations
 * (service/warnings.c).
 *
 * The sweeper (jobs/sweeper.c) raises one warning per case and level in
 * case_warnings: "yellow" (预警), "red" (超期), "supplement_timeout" (补正
 * 超时，自动退办) and "rongque_missed" (容缺材料逾期未补). A red case's
 * department explains the delay (超期说明). */
#ifndef ONETRIP_SERVICE_WARNINGS_H
#define ONETRIP_SERVICE_WARNINGS_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

/* Chinese label of a warning level; "" when unknown. */
const char *warning_level_label(const char *level);

/* Staff of the case's department (clerk, approver, dept_admin): records an
 * overdue explanation of a red case: reason and measures 1..5000
 * characters, new_date "YYYY-MM-DD" not before today. Audit
 * "case.overdue_explanation". *out = {id, case_id, reason, measures,
 * new_date, at, by_name}. 409 when the case is not overdue. */
int overdue_explain(struct ctx *c, int64_t case_id, const char *reason,
    const char *measures, const char *new_date, json_t **out,
    struct err *e);

struct warning_filter {
	const char *level;  /* NULL: every level */
	int64_t dept_id;    /* 0: every department (dept_admin: own) */
	int64_t before_id;  /* keyset cursor: warnings with a smaller id */
	int limit;          /* 0: LIMIT_PAGE_DEFAULT */
};

/* dept_admin (own department), supervisor, hall_admin (all): warnings,
 * newest first: *out = {"items":[{id, level, level_label, at, case_id,
 * case_no, item_name, dept_id, dept_name, state, due_day, remaining_days,
 * days_overdue, closed, explanation:{..}|null}], "next_cursor"}. */
int warnings_list(struct ctx *c, const struct warning_filter *f,
    json_t **out, struct err *e);

#endif
