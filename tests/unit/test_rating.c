/* Unit tests for core/rating: levels and their receiver codes, which levels
 * open the loop, the dimension and channel tables, who may rate what and
 * when, the loop's stage moves, and the stage deadlines and warnings. */
#include "unit.h"

#include "base/err.h"
#include "core/calendar.h"
#include "core/rating.h"

static void
levels_and_codes(void **state)
{
	(void)state;
	assert_string_equal(rating_level_label(5), "非常满意");
	assert_string_equal(rating_level_label(1), "非常不满意");
	assert_null(rating_level_label(0));
	assert_null(rating_level_label(6));
	for (int l = 1; l <= 5; l++) {
		char want[2] = { (char)('0' + l), '\0' };

		assert_string_equal(rating_level_code(l), want);
		assert_int_equal(rating_level_bad(l), l <= 2);
	}
	assert_null(rating_level_code(9));
	assert_false(rating_level_bad(0));
}

static void
dims_and_channels(void **state)
{
	int online = 0, n = 0;
	const struct rating_code *d = rating_dims(&online);

	(void)state;
	for (; d[n].code != NULL; n++)
		;
	assert_int_equal(n, 7);
	assert_int_equal(online, 4);
	assert_string_equal(rating_dim_label("502"), "办事指南精确度");
	assert_string_equal(rating_dim_label("512"), "服务态度");
	assert_true(rating_dim_online("504"));
	assert_false(rating_dim_online("510"));
	assert_null(rating_dim_label("599"));
	assert_null(rating_dim_label(NULL));
	assert_string_equal(rating_channel_label("1"), "PC端");
	assert_string_equal(rating_channel_label("3"), "二维码");
	assert_string_equal(rating_channel_label("7"), "短信");
	assert_string_equal(rating_channel_label(RATING_CHANNEL_DEFAULT),
	    "系统默认评价");
	assert_null(rating_channel_label("0"));
}

static void
who_and_when(void **state)
{
	struct rating_facts f = { true, true, true, true, 0 };

	(void)state;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT), RATING_OK);
	assert_int_equal(rating_may_rate(&f, RATING_STEP_ACCEPT), RATING_OK);
	assert_int_equal(rating_may_rate(&f, RATING_STEP_NONE),
	    RATING_BAD_STEP);
	f.is_applicant = false;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT),
	    RATING_NOT_APPLICANT);
	f.is_applicant = true;
	/* Accepted, still in process: the acceptance only. */
	f.closed = f.has_result = false;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_ACCEPT), RATING_OK);
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT),
	    RATING_NO_RESULT);
	/* Closed without a result (withdrawn): no result to rate. */
	f.closed = true;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT),
	    RATING_NO_RESULT);
	/* Not accepted at all. */
	f.accepted = false;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_ACCEPT),
	    RATING_NOT_ACCEPTED);
	/* A first rating and one follow-up. */
	f.accepted = f.closed = f.has_result = true;
	f.count = 1;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT), RATING_OK);
	f.count = 2;
	assert_int_equal(rating_may_rate(&f, RATING_STEP_RESULT),
	    RATING_TOO_MANY);
	assert_string_not_equal(rating_refusal_message(RATING_TOO_MANY), "");
	assert_string_equal(rating_step_name(rating_step_parse("accept")),
	    "accept");
	assert_int_equal(rating_step_parse("later"), RATING_STEP_NONE);
}

static void
stage_moves(void **state)
{
	(void)state;
	assert_int_equal(rating_stage_next(RATING_STAGE_VERIFY, "valid"),
	    RATING_STAGE_RECTIFY);
	assert_int_equal(rating_stage_next(RATING_STAGE_VERIFY, "claim"),
	    RATING_STAGE_APPEAL);
	assert_int_equal(rating_stage_next(RATING_STAGE_APPEAL,
	    "claim_accepted"), RATING_STAGE_CLOSED);
	assert_int_equal(rating_stage_next(RATING_STAGE_APPEAL,
	    "claim_refused"), RATING_STAGE_RECTIFY);
	assert_int_equal(rating_stage_next(RATING_STAGE_RECTIFY,
	    "rectify_done"), RATING_STAGE_FEEDBACK);
	assert_int_equal(rating_stage_next(RATING_STAGE_FEEDBACK, "feedback"),
	    RATING_STAGE_REVISIT);
	assert_int_equal(rating_stage_next(RATING_STAGE_REVISIT, "revisit"),
	    RATING_STAGE_SUPERVISE);
	assert_int_equal(rating_stage_next(RATING_STAGE_SUPERVISE, "close"),
	    RATING_STAGE_CLOSED);
	assert_int_equal(rating_stage_next(RATING_STAGE_SUPERVISE,
	    "send_back"), RATING_STAGE_RECTIFY);
	/* Out of order: refused. */
	assert_int_equal(rating_stage_next(RATING_STAGE_VERIFY, "feedback"),
	    RATING_STAGE_NONE);
	assert_int_equal(rating_stage_next(RATING_STAGE_CLOSED, "close"),
	    RATING_STAGE_NONE);
	assert_int_equal(rating_stage_next(RATING_STAGE_RECTIFY, NULL),
	    RATING_STAGE_NONE);
	assert_string_equal(rating_stage_label(RATING_STAGE_VERIFY), "核实");
	assert_int_equal(rating_stage_parse("supervise"),
	    RATING_STAGE_SUPERVISE);
}

static void
deadlines_and_warnings(void **state)
{
	struct err e;
	int32_t mon, fri, sat;

	(void)state;
	assert_int_equal(rating_stage_default_days(RATING_STAGE_VERIFY), 3);
	assert_int_equal(rating_stage_default_days(RATING_STAGE_RECTIFY), 5);
	assert_int_equal(rating_stage_default_days(RATING_STAGE_CLOSED), 0);
	assert_string_equal(rating_stage_setting(RATING_STAGE_REVISIT),
	    "rating.revisit_days");
	err_clear(&e);
	assert_int_equal(calendar_day_parse("2026-06-01", &mon, &e), 0);
	fri = mon + 4;
	sat = mon + 5;
	/* Weekends only (no calendar): due Friday. */
	assert_int_equal(rating_stage_warn(NULL, fri, mon), 0);
	assert_int_equal(rating_stage_warn(NULL, fri, fri - 1), 1);
	assert_int_equal(rating_stage_warn(NULL, fri, fri), 1);
	assert_int_equal(rating_stage_warn(NULL, fri, sat), 2);
	/* Due Monday, seen on the Friday before: one working day left. */
	assert_int_equal(rating_stage_warn(NULL, mon + 7, fri), 1);
	assert_int_equal(rating_stage_warn(NULL, CALENDAR_NO_DAY, sat), 0);
	assert_string_equal(rating_warn_name(2), "red");
	assert_string_equal(rating_rectify_label("plan"), "限期整改");
	assert_null(rating_rectify_label("later"));
	assert_string_equal(rating_claim_label("malicious"), "恶意差评");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_and_codes),
		cmocka_unit_test(dims_and_channels),
		cmocka_unit_test(who_and_when),
		cmocka_unit_test(stage_moves),
		cmocka_unit_test(deadlines_and_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
