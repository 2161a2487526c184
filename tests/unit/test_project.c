/* Unit tests for core/project: the stages of each type and their order,
 * the national project code, the working days of a stage with pauses over
 * weekends and holidays, the project clock and the joint opinion. */
#include "unit.h"

#include <string.h>

#include "base/err.h"
#include "core/calendar.h"
#include "core/project.h"

static int32_t
day(int y, int m, int d)
{
	return calendar_day_from_ymd(y, m, d);
}

static void
types_and_stages(void **state)
{
	int s[PROJECT_STAGES];

	(void)state;
	assert_int_equal(project_type_parse("gov"), PROJECT_TYPE_GOV);
	assert_int_equal(project_type_parse("small"), PROJECT_TYPE_SMALL);
	assert_int_equal(project_type_parse("x"), PROJECT_TYPE_NONE);
	assert_int_equal(project_type_parse(NULL), PROJECT_TYPE_NONE);
	assert_string_equal(project_type_label(PROJECT_TYPE_SOCIAL),
	    "社会投资项目");
	assert_int_equal(project_stages(PROJECT_TYPE_GOV, s), 4);
	assert_int_equal(s[3], 4);
	/* small social investment: stages 2 and 3 merged */
	assert_int_equal(project_stages(PROJECT_TYPE_SMALL, s), 3);
	assert_int_equal(s[0], 1);
	assert_int_equal(s[1], 2);
	assert_int_equal(s[2], 4);
	assert_false(project_stage_valid(PROJECT_TYPE_SMALL, 3));
	assert_true(project_stage_valid(PROJECT_TYPE_SOCIAL, 3));
	assert_false(project_stage_valid(PROJECT_TYPE_GOV, 5));
	assert_false(project_stage_valid(PROJECT_TYPE_NONE, 1));
	assert_string_equal(project_stage_label(PROJECT_TYPE_SMALL, 2),
	    "工程建设许可和施工许可");
	assert_string_equal(project_stage_label(PROJECT_TYPE_GOV, 4),
	    "竣工验收");
	assert_string_equal(project_stage_label(PROJECT_TYPE_SMALL, 3), "");
}

static void
stage_order(void **state)
{
	enum project_stage_state st[PROJECT_STAGES + 1] = { 0 };
	struct err e;

	(void)state;
	assert_int_equal(project_stage_state_of(NULL),
	    PROJECT_STAGE_NOT_STARTED);
	assert_int_equal(project_stage_state_of("supplement"),
	    PROJECT_STAGE_APPLIED);
	assert_int_equal(project_stage_state_of("running"),
	    PROJECT_STAGE_RUNNING);
	assert_int_equal(project_stage_state_of("delivered"),
	    PROJECT_STAGE_DONE);
	assert_int_equal(project_stage_state_of("ended"),
	    PROJECT_STAGE_NOT_STARTED);
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_GOV, 1, st, &e),
	    0);
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_GOV, 2, st, &e),
	    -ERR_CONFLICT);
	assert_non_null(strstr(e.msg, "立项用地规划许可"));
	st[1] = PROJECT_STAGE_RUNNING;
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_GOV, 1, st, &e),
	    -ERR_CONFLICT);
	st[1] = PROJECT_STAGE_DONE;
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_GOV, 2, st, &e),
	    0);
	/* small: 4 follows the merged stage 2; 3 does not exist */
	st[2] = PROJECT_STAGE_DONE;
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_SMALL, 4, st,
	    &e), 0);
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_GOV, 4, st, &e),
	    -ERR_CONFLICT);
	assert_int_equal(project_stage_may_apply(PROJECT_TYPE_SMALL, 3, st,
	    &e), -ERR_INVALID);
	assert_string_equal(e.field, "stage");
}

static void
project_codes(void **state)
{
	(void)state;
	assert_true(project_code_valid("2409-610929-04-01-873215"));
	assert_false(project_code_valid("2413-610929-04-01-873215"));
	assert_false(project_code_valid("2400-610929-04-01-873215"));
	assert_false(project_code_valid("2409-610929-04-01-87321"));
	assert_false(project_code_valid("2409-610929-04-01-8732155"));
	assert_false(project_code_valid("2409_610929-04-01-873215"));
	assert_false(project_code_valid("24a9-610929-04-01-873215"));
	assert_false(project_code_valid(""));
	assert_false(project_code_valid(NULL));
}

static void
stage_days_with_pauses(void **state)
{
	struct calendar *cal = calendar_new();
	struct project_pause p[3];
	struct err e;

	(void)state;
	assert_non_null(cal);
	for (int d = 1; d <= 7; d++)
		assert_int_equal(calendar_set(cal, day(2026, 10, d),
		    CALENDAR_OFF, "国庆节", &e), 0);
	/* Monday 2026-09-14 -> Friday 09-25: 9 working days in (start, end] */
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 14),
	    day(2026, 9, 25), NULL, 0), 9);
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 25),
	    day(2026, 9, 14), NULL, 0), 0);
	/* Across the national holiday: 09-30 (Wed) -> 10-09 (Fri): 10-08 and
	 * 10-09 with the holiday, 7 without. */
	assert_int_equal(project_stage_days(cal, day(2026, 9, 30),
	    day(2026, 10, 9), NULL, 0), 2);
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 30),
	    day(2026, 10, 9), NULL, 0), 7);
	/* A pause 09-16 -> 09-18 (Thu, Fri not counted). */
	p[0].start = day(2026, 9, 16);
	p[0].end = day(2026, 9, 18);
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 14),
	    day(2026, 9, 25), p, 1), 7);
	/* Overlapping pauses count once; one still open runs to the end. */
	p[1].start = day(2026, 9, 17);
	p[1].end = day(2026, 9, 21);
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 14),
	    day(2026, 9, 25), p, 2), 6);
	p[2].start = day(2026, 9, 23);
	p[2].end = CALENDAR_NO_DAY;
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 14),
	    day(2026, 9, 25), p, 3), 4);
	/* A pause before the start is clipped. */
	p[0].start = day(2026, 9, 1);
	p[0].end = day(2026, 9, 15);
	assert_int_equal(project_stage_days(NULL, day(2026, 9, 14),
	    day(2026, 9, 25), p, 1), 8);
	calendar_free(cal);
}

static void
clock_levels(void **state)
{
	struct project_clock k;

	(void)state;
	project_clock(30, 120, &k);
	assert_int_equal(k.remaining, 90);
	assert_int_equal(k.level, PROJECT_CLOCK_GREEN);
	project_clock(96, 120, &k);
	assert_int_equal(k.level, PROJECT_CLOCK_GREEN);
	project_clock(97, 120, &k);
	assert_int_equal(k.level, PROJECT_CLOCK_YELLOW);
	project_clock(23, 22, &k);
	assert_int_equal(k.level, PROJECT_CLOCK_RED);
	assert_int_equal(k.remaining, -1);
	assert_string_equal(project_clock_level_name(k.level), "red");
}

static void
joint_opinion(void **state)
{
	enum project_opinion o[3] = { PROJECT_OPINION_AGREE,
	    PROJECT_OPINION_NONE, PROJECT_OPINION_AGREE };

	(void)state;
	assert_int_equal(project_joint_outcome(o, 0), PROJECT_OUTCOME_PENDING);
	assert_int_equal(project_joint_outcome(o, 3), PROJECT_OUTCOME_PENDING);
	o[1] = PROJECT_OPINION_AGREE;
	assert_int_equal(project_joint_outcome(o, 3), PROJECT_OUTCOME_PASSED);
	o[1] = PROJECT_OPINION_RECTIFY;
	assert_int_equal(project_joint_outcome(o, 3), PROJECT_OUTCOME_RECTIFY);
	o[2] = PROJECT_OPINION_DISAGREE;
	assert_int_equal(project_joint_outcome(o, 3), PROJECT_OUTCOME_FAILED);
	assert_string_equal(project_outcome_label(PROJECT_OUTCOME_RECTIFY),
	    "整改后通过");
	assert_int_equal(project_opinion_parse("rectify"),
	    PROJECT_OPINION_RECTIFY);
	assert_int_equal(project_opinion_parse("同意"), PROJECT_OPINION_NONE);
	assert_string_equal(project_opinion_label(PROJECT_OPINION_DISAGREE),
	    "不同意");
	assert_int_equal(project_event_kind_parse("acceptance"),
	    PROJECT_EVENT_ACCEPTANCE);
	assert_string_equal(project_event_kind_label(PROJECT_EVENT_SITE),
	    "联合踏勘");
	assert_string_equal(project_event_pause_kind(PROJECT_EVENT_REVIEW),
	    "expert");
	assert_null(project_event_pause_kind(PROJECT_EVENT_NONE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_and_stages),
		cmocka_unit_test(stage_order),
		cmocka_unit_test(project_codes),
		cmocka_unit_test(stage_days_with_pauses),
		cmocka_unit_test(clock_levels),
		cmocka_unit_test(joint_opinion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
