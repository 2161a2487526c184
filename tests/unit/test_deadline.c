/* Unit tests for core/deadline: budgets, suspensions, extensions and
 * warning levels against the embedded calendar. */
#include "unit.h"

#include "base/err.h"
#include "core/calendar.h"
#include "core/deadline.h"

static int32_t
D(const char *s)
{
	int32_t d = CALENDAR_NO_DAY;

	if (calendar_day_parse(s, &d, NULL) != 0)
		fail_msg("bad test date %s", s);
	return d;
}

static int
setup(void **state)
{
	struct calendar *cal = calendar_new();

	if (cal == NULL || calendar_load_embedded(cal, NULL) != 0)
		return -1;
	*state = cal;
	return 0;
}

static int
teardown(void **state)
{
	calendar_free(*state);
	return 0;
}

static int32_t
due_of(const struct calendar *cal, const char *accepted, int budget,
    const struct suspension *s, size_t n, int ext)
{
	int32_t due;
	struct err e;

	err_clear(&e);
	if (deadline_compute(cal, D(accepted), budget, s, n, ext, &due,
	    &e) != 0)
		fail_msg("deadline_compute: %s", e.msg);
	return due;
}

static void
instant_item_is_due_on_the_acceptance_day(void **state)
{
	const struct calendar *cal = *state;
	struct deadline_status st;

	assert_int_equal(due_of(cal, "2026-10-09", 0, NULL, 0, 0),
	    D("2026-10-09"));
	/* Even accepted on a holiday (a hall open on duty). */
	assert_int_equal(due_of(cal, "2026-10-03", 0, NULL, 0, 0),
	    D("2026-10-03"));
	assert_int_equal(deadline_status(cal, D("2026-10-09"), 0, NULL, 0, 0,
	    D("2026-10-09"), &st, NULL), 0);
	assert_int_equal(st.due_day, D("2026-10-09"));
	assert_int_equal(st.remaining, 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_YELLOW);
	assert_int_equal(deadline_status(cal, D("2026-10-09"), 0, NULL, 0, 0,
	    D("2026-10-10"), &st, NULL), 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_RED);
	assert_int_equal(st.remaining, -1);
}

static void
budget_counts_from_the_next_working_day(void **state)
{
	const struct calendar *cal = *state;

	/* Accepted Friday, 1 working day: Monday, never 24 hours. */
	assert_int_equal(due_of(cal, "2024-03-01", 1, NULL, 0, 0),
	    D("2024-03-04"));
	assert_int_equal(due_of(cal, "2026-09-30", 3, NULL, 0, 0),
	    D("2026-10-10"));
	assert_int_equal(due_of(cal, "2025-12-31", 1, NULL, 0, 0),
	    D("2026-01-04"));
	/* §42: 20 working days across 国庆. */
	assert_int_equal(due_of(cal, "2026-09-28", 20, NULL, 0, 0),
	    D("2026-10-30"));
	/* Without a calendar: plain weekends. */
	assert_int_equal(due_of(NULL, "2026-09-30", 3, NULL, 0, 0),
	    D("2026-10-05"));
}

static void
extension_adds_working_days(void **state)
{
	const struct calendar *cal = *state;

	/* 5 + 10 from Mon 2026-03-02: 3/3-3/6 (4), 3/9-13 (9), 3/16-20 (14),
	 * 3/23 (15). */
	assert_int_equal(due_of(cal, "2026-03-02", 5, NULL, 0, 10),
	    D("2026-03-23"));
	/* §42: 20 + 10 across 国庆 2026. */
	assert_int_equal(due_of(cal, "2026-09-28", 20, NULL, 0, 10),
	    D("2026-11-13"));
	/* An instant item extended by one day. */
	assert_int_equal(due_of(cal, "2026-03-06", 0, NULL, 0, 1),
	    D("2026-03-09"));
}

static void
closed_suspensions_stop_the_clock(void **state)
{
	const struct calendar *cal = *state;
	struct suspension s[2];

	/* Mon 2026-03-02 + 5: 3/3, 3/4, 3/5, 3/6, 3/9. */
	assert_int_equal(due_of(cal, "2026-03-02", 5, NULL, 0, 0),
	    D("2026-03-09"));
	/* 补正 notice Wed 3/4, materials back Fri 3/6 (resume day): 3/4 and
	 * 3/5 do not count -> 3/3, 3/6, 3/9, 3/10, 3/11. */
	s[0] = (struct suspension){ D("2026-03-04"), D("2026-03-05"),
	    SUSPEND_SUPPLEMENT };
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 1, 0),
	    D("2026-03-11"));
	/* A suspension over a weekend costs nothing. */
	s[0] = (struct suspension){ D("2026-03-07"), D("2026-03-08"),
	    SUSPEND_EXPERT };
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 1, 0),
	    D("2026-03-09"));
	/* Starting on the acceptance day itself. */
	s[0] = (struct suspension){ D("2026-03-02"), D("2026-03-03"),
	    SUSPEND_SUPPLEMENT };
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 1, 0),
	    D("2026-03-10"));
	/* Overlapping entries count once: 3/4-3/6 removed. */
	s[0] = (struct suspension){ D("2026-03-04"), D("2026-03-05"),
	    SUSPEND_HEARING };
	s[1] = (struct suspension){ D("2026-03-05"), D("2026-03-06"),
	    SUSPEND_SITE };
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 2, 0),
	    D("2026-03-12"));
	/* A suspension after the due day changes nothing. */
	s[0] = (struct suspension){ D("2026-03-20"), D("2026-03-25"),
	    SUSPEND_PUBLICITY };
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 1, 0),
	    D("2026-03-09"));
	/* Suspension plus holiday plus extension: accepted Mon 2026-09-28,
	 * 20 days, 检验检测 9/29-9/30 -> the 20 days start 10/8: 10/8, 10/9,
	 * 10/10, 10/12-16, 10/19-23, 10/26-30, 11/2, 11/3 (20); +2 extension
	 * -> 11/5. */
	s[0] = (struct suspension){ D("2026-09-29"), D("2026-09-30"),
	    SUSPEND_INSPECTION };
	assert_int_equal(due_of(cal, "2026-09-28", 20, s, 1, 0),
	    D("2026-11-03"));
	assert_int_equal(due_of(cal, "2026-09-28", 20, s, 1, 2),
	    D("2026-11-05"));
}

static void
open_suspension_pauses(void **state)
{
	const struct calendar *cal = *state;
	struct suspension s[2];
	struct deadline_status st;
	int32_t due = 0;

	s[0] = (struct suspension){ D("2026-03-05"), CALENDAR_NO_DAY,
	    SUSPEND_SUPPLEMENT };
	assert_int_equal(deadline_compute(cal, D("2026-03-02"), 5, s, 1, 0,
	    &due, NULL), DEADLINE_PAUSED);
	assert_int_equal(due, CALENDAR_NO_DAY);
	/* Long after, still paused, never red: 3/3 and 3/4 used. */
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 5, s, 1, 0,
	    D("2026-12-01"), &st, NULL), 0);
	assert_true(st.paused);
	assert_int_equal(st.level, DEADLINE_LEVEL_PAUSED);
	assert_int_equal(st.due_day, CALENDAR_NO_DAY);
	assert_int_equal(st.used, 2);
	assert_int_equal(st.remaining, 3);
	assert_int_equal(st.total, 5);
	/* Working days stopped up to 3/20: 3/5, 3/6, 3/9-13, 3/16-20. */
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 5, s, 1, 0,
	    D("2026-03-20"), &st, NULL), 0);
	assert_int_equal(st.suspended, 12);
	assert_int_equal(st.used, 2);
	/* With an earlier closed suspension as well. */
	s[1] = s[0];
	s[0] = (struct suspension){ D("2026-03-03"), D("2026-03-03"),
	    SUSPEND_HEARING };
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 5, s, 2, 0,
	    D("2026-03-20"), &st, NULL), 0);
	assert_int_equal(st.used, 1);
	assert_int_equal(st.suspended, 13);
	assert_int_equal(st.level, DEADLINE_LEVEL_PAUSED);
	/* Closed again: resume on 3/23 -> 3/4, 3/23, 3/24, 3/25, 3/26. */
	s[1].end = D("2026-03-22");
	assert_int_equal(due_of(cal, "2026-03-02", 5, s, 2, 0),
	    D("2026-03-26"));
	/* Paused after the budget ran out: due known, overdue days show as
	 * negative remaining, level paused. 2 days from 3/2 -> 3/4; paused
	 * from 3/10; 3/3-3/9 used 5. */
	s[0] = (struct suspension){ D("2026-03-10"), CALENDAR_NO_DAY,
	    SUSPEND_SUPPLEMENT };
	assert_int_equal(deadline_compute(cal, D("2026-03-02"), 2, s, 1, 0,
	    &due, NULL), 0);
	assert_int_equal(due, D("2026-03-04"));
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 2, s, 1, 0,
	    D("2026-03-12"), &st, NULL), 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_PAUSED);
	assert_int_equal(st.due_day, D("2026-03-04"));
	assert_int_equal(st.remaining, -3);
}

struct level_case {
	const char *today;
	int used, remaining;
	enum deadline_level level;
};

static void
warning_levels_follow_the_rule(void **state)
{
	const struct calendar *cal = *state;
	/* 10 days from Mon 2026-03-02: due Mon 3/16. Yellow at <= 2 left
	 * (20%) or <= 1; red after 3/16. */
	static const struct level_case cases[] = {
		{ "2026-02-27", 0, 10, DEADLINE_LEVEL_GREEN }, /* clock shift */
		{ "2026-03-02", 0, 10, DEADLINE_LEVEL_GREEN },
		{ "2026-03-11", 7, 3, DEADLINE_LEVEL_GREEN },
		{ "2026-03-12", 8, 2, DEADLINE_LEVEL_YELLOW },
		{ "2026-03-13", 9, 1, DEADLINE_LEVEL_YELLOW },
		{ "2026-03-15", 9, 1, DEADLINE_LEVEL_YELLOW },
		{ "2026-03-16", 10, 0, DEADLINE_LEVEL_YELLOW },
		{ "2026-03-17", 11, -1, DEADLINE_LEVEL_RED },
		{ "2026-03-31", 21, -11, DEADLINE_LEVEL_RED },
	};
	struct deadline_status st;
	struct err e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct level_case *c = &cases[i];

		assert_int_equal(deadline_status(cal, D("2026-03-02"), 10, NULL,
		    0, 0, D(c->today), &st, &e), 0);
		assert_int_equal(st.due_day, D("2026-03-16"));
		assert_false(st.paused);
		if (st.used != c->used || st.remaining != c->remaining ||
		    st.level != c->level)
			fail_msg("%s: used %d remaining %d level %s", c->today,
			    st.used, st.remaining,
			    deadline_level_name(st.level));
	}
	/* Small budget: the "1 working day left" rule. 3 days from 3/2 ->
	 * 3/5; on 3/3 two are left (green), on 3/4 one (yellow). */
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 3, NULL, 0, 0,
	    D("2026-03-03"), &st, NULL), 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_GREEN);
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 3, NULL, 0, 0,
	    D("2026-03-04"), &st, NULL), 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_YELLOW);
	/* Overdue on a weekend: due Fri 3/6, Saturday is red with 0 left. */
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 4, NULL, 0, 0,
	    D("2026-03-07"), &st, NULL), 0);
	assert_int_equal(st.remaining, 0);
	assert_int_equal(st.level, DEADLINE_LEVEL_RED);
	/* Holidays do not use budget: 3 days from 9/30 due Sat 10/10; on
	 * 10/7 nothing used yet. */
	assert_int_equal(deadline_status(cal, D("2026-09-30"), 3, NULL, 0, 0,
	    D("2026-10-07"), &st, NULL), 0);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.remaining, 3);
	assert_int_equal(st.level, DEADLINE_LEVEL_GREEN);
	assert_int_equal(st.due_day, D("2026-10-10"));
	/* Extension lifts the total and the level. */
	assert_int_equal(deadline_status(cal, D("2026-03-02"), 10, NULL, 0, 10,
	    D("2026-03-16"), &st, NULL), 0);
	assert_int_equal(st.total, 20);
	assert_int_equal(st.remaining, 10);
	assert_int_equal(st.level, DEADLINE_LEVEL_GREEN);
	/* Closed suspension days are reported. */
	{
		struct suspension s = { D("2026-03-04"), D("2026-03-05"),
		    SUSPEND_SUPPLEMENT };

		assert_int_equal(deadline_status(cal, D("2026-03-02"), 5, &s,
		    1, 0, D("2026-03-10"), &st, NULL), 0);
		assert_int_equal(st.suspended, 2);
		assert_int_equal(st.used, 4);
		assert_int_equal(st.remaining, 1);
		assert_int_equal(st.due_day, D("2026-03-11"));
		assert_int_equal(st.level, DEADLINE_LEVEL_YELLOW);
	}
}

static void
rejects_bad_ledgers(void **state)
{
	const struct calendar *cal = *state;
	struct suspension s[DEADLINE_MAX_SUSPENSIONS + 1];
	struct deadline_status st;
	int32_t acc = D("2026-03-02"), due;
	struct err e;

	memset(s, 0, sizeof(s));
	assert_int_equal(deadline_compute(cal, acc, -1, NULL, 0, 0, &due, &e),
	    -ERR_INVALID);
	assert_string_equal(e.field, "budget");
	assert_int_equal(deadline_compute(cal, acc, DEADLINE_MAX_BUDGET + 1,
	    NULL, 0, 0, &due, &e), -ERR_INVALID);
	assert_int_equal(deadline_compute(cal, acc, DEADLINE_MAX_BUDGET, NULL,
	    0, DEADLINE_MAX_EXTENSION, &due, &e), 0);
	assert_int_equal(deadline_compute(cal, acc, 5, NULL, 0, -1, &due, &e),
	    -ERR_INVALID);
	assert_string_equal(e.field, "extension");
	assert_int_equal(deadline_compute(cal, acc, 5, NULL, 1, 0, &due, &e),
	    -ERR_INVALID);
	assert_int_equal(deadline_compute(cal, -100000, 5, NULL, 0, 0, &due,
	    &e), -ERR_INVALID);
	/* Starts before acceptance. */
	s[0] = (struct suspension){ acc - 1, acc + 1, SUSPEND_SUPPLEMENT };
	assert_int_equal(deadline_compute(cal, acc, 5, s, 1, 0, &due, &e),
	    -ERR_INVALID);
	assert_non_null(strstr(e.msg, "早于受理日期"));
	/* Ends before it starts. */
	s[0] = (struct suspension){ acc + 3, acc + 2, SUSPEND_SUPPLEMENT };
	assert_int_equal(deadline_compute(cal, acc, 5, s, 1, 0, &due, &e),
	    -ERR_INVALID);
	/* Unknown kind. */
	s[0] = (struct suspension){ acc + 1, acc + 2, 0 };
	assert_int_equal(deadline_compute(cal, acc, 5, s, 1, 0, &due, &e),
	    -ERR_INVALID);
	s[0].kind = SUSPEND__COUNT;
	assert_int_equal(deadline_compute(cal, acc, 5, s, 1, 0, &due, &e),
	    -ERR_INVALID);
	/* Two open. */
	s[0] = (struct suspension){ acc + 1, CALENDAR_NO_DAY, SUSPEND_HEARING };
	s[1] = (struct suspension){ acc + 5, CALENDAR_NO_DAY, SUSPEND_SITE };
	assert_int_equal(deadline_compute(cal, acc, 5, s, 2, 0, &due, &e),
	    -ERR_INVALID);
	/* A closed one after the open one. */
	s[1] = (struct suspension){ acc + 5, acc + 6, SUSPEND_SITE };
	assert_int_equal(deadline_status(cal, acc, 5, s, 2, 0, acc, &st, &e),
	    -ERR_INVALID);
	assert_non_null(strstr(e.msg, "晚于未结束"));
	/* Too many. */
	for (size_t i = 0; i <= DEADLINE_MAX_SUSPENSIONS; i++)
		s[i] = (struct suspension){ acc + (int32_t)i, acc + (int32_t)i,
		    SUSPEND_EXPERT };
	assert_int_equal(deadline_compute(cal, acc, 5, s,
	    DEADLINE_MAX_SUSPENSIONS + 1, 0, &due, &e), -ERR_INVALID);
	assert_int_equal(deadline_compute(cal, acc, 5, s,
	    DEADLINE_MAX_SUSPENSIONS, 0, &due, &e), 0);
}

static void
names_and_labels(void **state)
{
	(void)state;
	assert_string_equal(suspension_kind_name(SUSPEND_SUPPLEMENT),
	    "supplement");
	assert_string_equal(suspension_kind_label(SUSPEND_EXPERT), "专家评审");
	assert_string_equal(suspension_kind_label(SUSPEND_SITE), "现场踏勘");
	assert_string_equal(suspension_kind_label(SUSPEND_PUBLICITY), "公示");
	assert_string_equal(suspension_kind_label(SUSPEND_HEARING), "听证");
	assert_string_equal(suspension_kind_label(SUSPEND_INSPECTION),
	    "检验检测");
	assert_string_equal(suspension_kind_name(0), "");
	assert_string_equal(suspension_kind_name(SUSPEND__COUNT), "");
	for (int k = 1; k < SUSPEND__COUNT; k++)
		assert_int_equal(suspension_kind_parse(
		    suspension_kind_name((enum suspension_kind)k)), k);
	assert_int_equal(suspension_kind_parse("extension"), 0);
	assert_int_equal(suspension_kind_parse(NULL), 0);
	assert_string_equal(deadline_level_name(DEADLINE_LEVEL_PAUSED),
	    "paused");
	assert_string_equal(deadline_level_label(DEADLINE_LEVEL_RED), "超期");
	assert_string_equal(deadline_level_label(DEADLINE_LEVEL_YELLOW),
	    "预警");
}

static void
extensions_follow_article_42(void **state)
{
	const struct extension_limits lim = { 10, 15, 30 };
	struct err e;
	int max;

	(void)state;
	/* 20 working days: once, at most 10, no basis needed */
	assert_int_equal(deadline_extension_check(20, false, 0, 10, &lim, &max,
	    &e), 0);
	assert_int_equal(max, 10);
	assert_int_equal(deadline_extension_check(20, false, 0, 11, &lim, &max,
	    &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "extension_too_long");
	assert_non_null(strstr(e.msg, "第四十二条"));
	assert_int_equal(deadline_extension_check(20, false, 1, 5, &lim, &max,
	    &e), -ERR_CONFLICT);
	assert_string_equal(e.key, "extension_once");
	assert_int_equal(deadline_extension_check(20, false, 0, 0, &lim, &max,
	    &e), -ERR_INVALID);
	/* joint handling: 45 + 15 */
	assert_int_equal(deadline_extension_check(45, false, 0, 15, &lim, &max,
	    &e), 0);
	assert_int_equal(deadline_extension_check(45, false, 0, 16, &lim, &max,
	    &e), -ERR_UNPROCESSABLE);
	/* other limits only with a recorded legal basis */
	assert_int_equal(deadline_extension_check(7, false, 0, 3, &lim, &max,
	    &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "extension_basis_required");
	assert_int_equal(deadline_extension_check(-1, false, 0, 3, &lim, &max,
	    &e), -ERR_UNPROCESSABLE);
	assert_int_equal(deadline_extension_check(7, true, 0, 3, &lim, &max,
	    &e), 0);
	assert_int_equal(max, 30);
	assert_int_equal(deadline_extension_check(7, true, 0, 31, &lim, NULL,
	    &e), -ERR_UNPROCESSABLE);
	assert_int_equal(deadline_extension_check(7, true, 1, 3, &lim, NULL,
	    &e), -ERR_CONFLICT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(instant_item_is_due_on_the_acceptance_day),
		cmocka_unit_test(budget_counts_from_the_next_working_day),
		cmocka_unit_test(extension_adds_working_days),
		cmocka_unit_test(closed_suspensions_stop_the_clock),
		cmocka_unit_test(open_suspension_pauses),
		cmocka_unit_test(warning_levels_follow_the_rule),
		cmocka_unit_test(rejects_bad_ledgers),
		cmocka_unit_test(names_and_labels),
		cmocka_unit_test(extensions_follow_article_42),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
