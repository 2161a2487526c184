/* Unit tests for core/supervise: stall detection over weekends and
 * holidays, the escalation path and its levels, the assessment score, the
 * 体外循环 gap, quick cases and quarters. */
#include "unit.h"

#include <math.h>

#include "base/err.h"
#include "core/calendar.h"
#include "core/supervise.h"

static int32_t
day(int y, int m, int d)
{
	return calendar_day_from_ymd(y, m, d);
}

static void
stall_counts_working_days(void **state)
{
	struct calendar *cal = calendar_new();
	struct err e;

	(void)state;
	assert_non_null(cal);
	/* 2026-10-01..07 national holiday (rest days). */
	for (int d = 1; d <= 7; d++)
		assert_int_equal(calendar_set(cal, day(2026, 10, d),
		    CALENDAR_OFF, "国庆节", &e), 0);
	/* Friday 2026-12-04 -> Monday 12-07: one working day. */
	assert_int_equal(supervise_idle_workdays(NULL, day(2026, 12, 4),
	    day(2026, 12, 7)), 1);
	assert_int_equal(supervise_idle_workdays(NULL, day(2026, 12, 7),
	    day(2026, 12, 7)), 0);
	assert_int_equal(supervise_idle_workdays(NULL, day(2026, 12, 8),
	    day(2026, 12, 7)), 0);
	/* Monday 11-30 -> Monday 12-07: 5 working days: stalled at 5. */
	assert_true(supervise_is_stalled(NULL, day(2026, 11, 30),
	    day(2026, 12, 7), 5));
	assert_false(supervise_is_stalled(NULL, day(2026, 12, 1),
	    day(2026, 12, 7), 5));
	assert_false(supervise_is_stalled(NULL, day(2026, 1, 1),
	    day(2026, 12, 7), 0));
	/* Over the holiday: 09-30 -> 10-09 is 2 working days (8th, 9th). */
	assert_int_equal(supervise_idle_workdays(cal, day(2026, 9, 30),
	    day(2026, 10, 9)), 2);
	assert_false(supervise_is_stalled(cal, day(2026, 9, 30),
	    day(2026, 10, 9), 3));
	calendar_free(cal);
}

static void
path_parses_and_refuses(void **state)
{
	struct supervise_path p;
	struct err e;
	char many[256] = "";

	(void)state;
	assert_int_equal(supervise_path_parse("县职转办,县营商办,县审改办", &p,
	    &e), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.body[0], "县职转办");
	assert_string_equal(p.body[2], "县审改办");
	assert_int_equal(supervise_path_parse(" 县营商办 → 县审改办 ，", &p,
	    &e), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.body[0], "县营商办");
	assert_string_equal(p.body[1], "县审改办");
	assert_int_equal(supervise_path_parse(" , ,", &p, &e), -ERR_INVALID);
	assert_int_equal(supervise_path_parse(NULL, &p, &e), -ERR_INVALID);
	for (int i = 0; i < 9; i++)
		strcat(many, "甲,");
	assert_int_equal(supervise_path_parse(many, &p, &e), -ERR_INVALID);
}

static void
escalation_levels(void **state)
{
	int32_t promised = day(2026, 12, 4);  /* a Friday */

	(void)state;
	/* Not past the promised date: not escalated. */
	assert_int_equal(supervise_escalation_level(NULL, promised, promised,
	    3, 3), 0);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 1), 3, 3), 0);
	/* The weekend after it: no working day lost yet. */
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 6), 3, 3), 0);
	/* Monday: level 1 (县职转办); 3 working days later level 2. */
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 7), 3, 3), 1);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 9), 3, 3), 1);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 10), 3, 3), 2);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2026, 12, 15), 3, 3), 3);
	/* Capped at the path's length. */
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2027, 6, 1), 3, 3), 3);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2027, 6, 1), 0, 2), 2);
	assert_int_equal(supervise_escalation_level(NULL, promised,
	    day(2027, 6, 1), 3, 0), 0);
}

static void
score_checklist(void **state)
{
	struct supervise_check c[] = {
		{ .key = "stationing_rate", .weight = 20, .has_ratio = true,
		  .ratio = 0.9, .target = 1.0 },
		{ .key = "comprehensive_rate", .weight = 20, .has_ratio = true,
		  .ratio = 0.95, .target = 0.9 },
		{ .key = "seal_in_use", .weight = 10, .has_ratio = true,
		  .ratio = 0, .target = 1.0 },
		{ .key = "plan", .weight = 10, .evidence = 1 },
		{ .key = "person", .weight = 20, .evidence = -1 },
		{ .key = "staff", .weight = 20, .evidence = 0 },
	};
	double s;

	(void)state;
	s = supervise_score(c, 6);
	/* 18 + 20 + 0 + 10 + 0 + 0 = 48 of 100. */
	assert_true(fabs(s - 48.0) < 1e-9);
	assert_int_equal(c[0].state, SV_CHECK_PARTIAL);
	assert_int_equal(c[1].state, SV_CHECK_MET);
	assert_int_equal(c[2].state, SV_CHECK_UNMET);
	assert_int_equal(c[3].state, SV_CHECK_MET);
	assert_int_equal(c[4].state, SV_CHECK_UNKNOWN);
	assert_int_equal(c[5].state, SV_CHECK_UNMET);
	assert_true(supervise_check_is_finding(&c[0]));
	assert_false(supervise_check_is_finding(&c[1]));
	assert_true(supervise_check_is_finding(&c[4]));
	/* One decimal. */
	{
		struct supervise_check t[] = {
			{ .key = "a", .weight = 3, .has_ratio = true,
			  .ratio = 1, .target = 1 },
			{ .key = "b", .weight = 3, .evidence = 1 },
			{ .key = "c", .weight = 3, .evidence = -1 },
		};
		assert_true(fabs(supervise_score(t, 3) - 66.7) < 1e-9);
		assert_true(supervise_score(t, 0) == 0);
	}
}

static void
volume_gap_and_quick_cases(void **state)
{
	double pct;

	(void)state;
	/* 40 reported, 30 on the platform: 25% gap, beyond 10%. */
	assert_true(supervise_volume_gap(40, 30, 10, 3, &pct));
	assert_true(fabs(pct - 25.0) < 1e-9);
	/* Within the threshold. */
	assert_false(supervise_volume_gap(100, 95, 10, 3, &pct));
	/* Beyond the percentage but fewer than min_abs cases. */
	assert_false(supervise_volume_gap(4, 2, 10, 3, &pct));
	/* The platform holds more: no gap. */
	assert_false(supervise_volume_gap(10, 12, 10, 1, &pct));
	assert_false(supervise_volume_gap(0, 0, 10, 1, &pct));
	assert_true(pct == 0);

	assert_true(supervise_quick_case(1000, 1000 + 5 * 60, 7, 7, 10));
	assert_false(supervise_quick_case(1000, 1000 + 11 * 60, 7, 7, 10));
	assert_false(supervise_quick_case(1000, 1060, 7, 8, 10));
	assert_false(supervise_quick_case(1000, 1060, 0, 0, 10));
	assert_false(supervise_quick_case(1000, 900, 7, 7, 10));
}

static void
quarters(void **state)
{
	char q[8];
	int32_t a, b;
	struct err e;

	(void)state;
	assert_string_equal(supervise_quarter(day(2026, 12, 6), q), "2026-Q4");
	assert_string_equal(supervise_quarter(day(2026, 1, 1), q), "2026-Q1");
	assert_string_equal(supervise_quarter(day(2026, 6, 30), q), "2026-Q2");
	assert_int_equal(supervise_quarter_range("2026-Q4", &a, &b, &e), 0);
	assert_int_equal(a, day(2026, 10, 1));
	assert_int_equal(b, day(2026, 12, 31));
	assert_int_equal(supervise_quarter_range("2026-Q1", &a, &b, &e), 0);
	assert_int_equal(b, day(2026, 3, 31));
	assert_int_equal(supervise_quarter_range("2026-Q5", &a, &b, &e),
	    -ERR_INVALID);
	assert_int_equal(supervise_quarter_range("26-Q1", &a, &b, &e),
	    -ERR_INVALID);
	assert_int_equal(supervise_quarter_range(NULL, &a, &b, &e),
	    -ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stall_counts_working_days),
		cmocka_unit_test(path_parses_and_refuses),
		cmocka_unit_test(escalation_levels),
		cmocka_unit_test(score_checklist),
		cmocka_unit_test(volume_gap_and_quick_cases),
		cmocka_unit_test(quarters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
