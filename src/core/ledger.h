/* ledger.h - the dates of the quarterly work ledger (优化办理流程工作台账,
 * 白政办发〔2024〕1号: 工作进展情况于每季度最后一月23日前报县审改办). Pure.
 *
 * The due date is fixed: day due_dom (setting ledger.due_day, 23) of the
 * quarter's last month, whatever weekday it falls on; reminders go out
 * from day remind_dom (ledger.remind_from_day, 16) up to the due date, and
 * a ledger not submitted by then is late. When the due date is not a
 * working day the last working day before it is given as the practical
 * date to submit by. */
#ifndef ONETRIP_CORE_LEDGER_H
#define ONETRIP_CORE_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"

enum ledger_phase {
	LEDGER_OPEN = 0,  /* before the reminders */
	LEDGER_REMIND,    /* remind_dom .. due date, not submitted */
	LEDGER_LATE,      /* after the due date, not submitted */
	LEDGER_SUBMITTED,
};

/* The quarter (1..4) a day falls in, and its year. */
void ledger_quarter_of(int32_t day, int *year, int *quarter);
/* Day due_dom of the quarter's last month. */
int32_t ledger_due(int year, int quarter, int due_dom);
/* The last working day on or before the due date (cal NULL: the due date). */
int32_t ledger_submit_by(const struct calendar *cal, int32_t due);
/* Where a ledger of (year, quarter) stands on today. */
enum ledger_phase ledger_phase(int32_t today, int year, int quarter,
    int remind_dom, int due_dom, bool submitted);

#endif
