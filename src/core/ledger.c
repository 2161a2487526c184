#include "core/ledger.h"

void
ledger_quarter_of(int32_t day, int *year, int *quarter)
{
	int m, d;

	calendar_day_to_ymd(day, year, &m, &d);
	*quarter = (m - 1) / 3 + 1;
}

int32_t
ledger_due(int year, int quarter, int due_dom)
{
	return calendar_day_from_ymd(year, quarter * 3, due_dom);
}

int32_t
ledger_submit_by(const struct calendar *cal, int32_t due)
{
	int32_t d = due;

	if (cal == NULL)
		return due;
	for (int i = 0; i < 31 && !calendar_is_workday(cal, d); i++)
		d--;
	return calendar_is_workday(cal, d) ? d : due;
}

enum ledger_phase
ledger_phase(int32_t today, int year, int quarter, int remind_dom,
    int due_dom, bool submitted)
{
	int32_t due = ledger_due(year, quarter, due_dom);

	if (submitted)
		return LEDGER_SUBMITTED;
	if (today > due)
		return LEDGER_LATE;
	if (today >= calendar_day_from_ymd(year, quarter * 3, remind_dom))
		return LEDGER_REMIND;
	return LEDGER_OPEN;
}
