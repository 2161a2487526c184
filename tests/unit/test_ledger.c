/* Unit tests for core/ledger: the quarterly ledger's due dates across the
 * quarters, reminders from the 16th, late after the 23rd, and the practical
 * submission day when the 23rd is a weekend or holiday. */
#include "unit.h"

#include "core/calendar.h"
#include "core/ledger.h"

static int32_t
day(const char *s)
{
	int32_t d;
	struct err e;

	if (calendar_day_parse(s, &d, &e) != 0)
		fail_msg("bad day %s", s);
	return d;
}

static const char *
fmt(int32_t d, char out[11])
{
	return calendar_day_format(d, out);
}

static void
due_dates_across_quarters(void **state)
{
	char b[11];
	int y, q;

	(void)state;
	assert_string_equal(fmt(ledger_due(2024, 1, 23), b), "2024-03-23");
	assert_string_equal(fmt(ledger_due(2024, 2, 23), b), "2024-06-23");
	assert_string_equal(fmt(ledger_due(2024, 3, 23), b), "2024-09-23");
	assert_string_equal(fmt(ledger_due(2024, 4, 23), b), "2024-12-23");
	ledger_quarter_of(day("2024-03-31"), &y, &q);
	assert_int_equal(q, 1);
	ledger_quarter_of(day("2024-04-01"), &y, &q);
	assert_int_equal(q, 2);
	ledger_quarter_of(day("2025-12-31"), &y, &q);
	assert_int_equal(y, 2025);
	assert_int_equal(q, 4);
}

static void
reminders_and_late_flags(void **state)
{
	(void)state;
	assert_int_equal(ledger_phase(day("2024-06-15"), 2024, 2, 16, 23, false),
	    LEDGER_OPEN);
	assert_int_equal(ledger_phase(day("2024-06-16"), 2024, 2, 16, 23, false),
	    LEDGER_REMIND);
	assert_int_equal(ledger_phase(day("2024-06-23"), 2024, 2, 16, 23, false),
	    LEDGER_REMIND);
	assert_int_equal(ledger_phase(day("2024-06-24"), 2024, 2, 16, 23, false),
	    LEDGER_LATE);
	assert_int_equal(ledger_phase(day("2024-06-24"), 2024, 2, 16, 23, true),
	    LEDGER_SUBMITTED);
	/* A quarter's ledger is late for good once its date has passed. */
	assert_int_equal(ledger_phase(day("2025-01-05"), 2024, 4, 16, 23, false),
	    LEDGER_LATE);
	/* Other settings. */
	assert_int_equal(ledger_phase(day("2024-09-10"), 2024, 3, 10, 20, false),
	    LEDGER_REMIND);
}

static void
due_on_weekends_and_holidays(void **state)
{
	struct calendar *cal = calendar_new();
	struct err e;
	char b[11];

	(void)state;
	assert_non_null(cal);
	assert_int_equal(calendar_load_embedded(cal, &e), 0);
	/* 2024-03-23 is a Saturday: submit by Friday 03-22. */
	assert_string_equal(fmt(ledger_submit_by(cal, ledger_due(2024, 1, 23)),
	    b), "2024-03-22");
	/* 2024-06-23 is a Sunday: Friday 06-21. */
	assert_string_equal(fmt(ledger_submit_by(cal, ledger_due(2024, 2, 23)),
	    b), "2024-06-21");
	/* 2024-09-23 and 2024-12-23 are Mondays. */
	assert_string_equal(fmt(ledger_submit_by(cal, ledger_due(2024, 3, 23)),
	    b), "2024-09-23");
	assert_string_equal(fmt(ledger_submit_by(cal, ledger_due(2024, 4, 23)),
	    b), "2024-12-23");
	/* A made-up holiday on Monday 2024-09-23 moves it back to Friday. */
	assert_int_equal(calendar_set(cal, day("2024-09-23"), CALENDAR_OFF,
	    "test", &e), 0);
	assert_string_equal(fmt(ledger_submit_by(cal, ledger_due(2024, 3, 23)),
	    b), "2024-09-20");
	/* Without a calendar: the fixed date. */
	assert_string_equal(fmt(ledger_submit_by(NULL, ledger_due(2024, 2, 23)),
	    b), "2024-06-23");
	calendar_free(cal);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_dates_across_quarters),
		cmocka_unit_test(reminders_and_late_flags),
		cmocka_unit_test(due_on_weekends_and_holidays),
	};
	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
