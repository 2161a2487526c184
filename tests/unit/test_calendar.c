/* Unit tests for core/calendar: dates, the embedded 2024-2026 schedules,
 * working-day arithmetic, loading and editing overrides. */
#include "unit.h"

#include <stdint.h>

#include <stdio.h>

#include "base/err.h"
#include "core/calendar.h"

static int32_t
D(const char *s)
{
	int32_t d = CALENDAR_NO_DAY;
	struct err e;

	if (calendar_day_parse(s, &d, &e) != 0)
		fail_msg("bad test date %s: %s", s, e.msg);
	return d;
}

static const char *
S(int32_t day, char buf[11])
{
	return calendar_day_format(day, buf);
}

/* The embedded calendar, loaded once per test. */
static int
setup_embedded(void **state)
{
	struct calendar *cal = calendar_new();
	struct err e;

	if (cal == NULL || calendar_load_embedded(cal, &e) != 0)
		return -1;
	*state = cal;
	return 0;
}

static int
teardown_cal(void **state)
{
	calendar_free(*state);
	return 0;
}

/* ---- dates ---- */

static void
parses_valid_dates_and_leap_days(void **state)
{
	int32_t d;
	char b[11];

	(void)state;
	assert_int_equal(calendar_day_parse("1970-01-01", &d, NULL), 0);
	assert_int_equal(d, 0);
	assert_int_equal(calendar_day_parse("2024-02-29", &d, NULL), 0);
	assert_string_equal(S(d, b), "2024-02-29");
	assert_int_equal(calendar_day_parse("2028-02-29", &d, NULL), 0);
	assert_string_equal(S(d, b), "2028-02-29");
	assert_int_equal(calendar_day_parse("2000-02-29", &d, NULL), 0);
	assert_int_equal(calendar_day_parse("2026-12-31", &d, NULL), 0);
	assert_int_equal(d + 1, D("2027-01-01"));
	assert_int_equal(D("2024-03-01") - D("2024-02-28"), 2);
	assert_int_equal(D("2025-03-01") - D("2025-02-28"), 1);
	assert_true(calendar_ymd_valid(2024, 2, 29));
	assert_false(calendar_ymd_valid(2025, 2, 29));
	assert_false(calendar_ymd_valid(2100, 2, 29));
	assert_true(calendar_ymd_valid(2000, 2, 29));
}

static void
refuses_malformed_and_impossible_dates(void **state)
{
	static const char *const bad[] = {
		"2025-02-29", "2100-02-29", "2023-02-29", "2024-02-30",
		"2024-04-31", "2024-06-31", "2024-09-31", "2024-11-31",
		"2024-13-01", "2024-00-10", "2024-01-00", "2024-01-32",
		"2024-1-01", "2024-01-1", "2024/01/01", "20240101",
		"2024-01-01 ", " 2024-01-01", "2024-01-01T00", "",
		"1969-12-31", "3000-01-01", "+024-01-01", "2024-0a-01",
		"２０２４-01-01", "2024-01-\xff\xfe",
	};
	struct err e;
	int32_t d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		d = 12345;
		if (calendar_day_parse(bad[i], &d, &e) != -ERR_INVALID)
			fail_msg("accepted bad date \"%s\"", bad[i]);
		assert_int_equal(d, 12345);
		assert_string_equal(e.field, "date");
		assert_non_null(strstr(e.msg, "日期"));
	}
	assert_int_equal(calendar_day_parse(NULL, &d, &e), -ERR_INVALID);
	/* Short ASCII input is repeated; other input is not. */
	calendar_day_parse("2025-02-29", &d, &e);
	assert_non_null(strstr(e.msg, "“2025-02-29”"));
	calendar_day_parse("2024-01-\xff\xfe", &d, &e);
	assert_null(strstr(e.msg, "\xff"));
}

static void
round_trips_every_day_and_weekdays_advance(void **state)
{
	int32_t first = D("1970-01-01"), last = D("2100-12-31");
	int y, m, d, prev = calendar_weekday(first) - 1;
	char b[11];

	(void)state;
	for (int32_t day = first; day <= last; day++) {
		int32_t back;
		int wd = calendar_weekday(day);

		calendar_day_to_ymd(day, &y, &m, &d);
		assert_true(calendar_ymd_valid(y, m, d));
		assert_int_equal(calendar_day_from_ymd(y, m, d), day);
		assert_int_equal(calendar_day_parse(S(day, b), &back, NULL), 0);
		assert_int_equal(back, day);
		assert_int_equal(wd, prev % 7 + 1);
		prev = wd;
	}
	assert_int_equal(calendar_weekday(D("1970-01-01")), 4);
	assert_int_equal(calendar_weekday(D("2024-01-01")), 1);
	assert_int_equal(calendar_weekday(D("2026-10-01")), 4);
	assert_int_equal(calendar_weekday(D("2026-10-10")), 6);
	assert_int_equal(calendar_weekday(-1), 3);
	assert_string_equal(calendar_weekday_label(D("2026-01-04")), "星期日");
	calendar_day_to_ymd(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

/* ---- the official schedules, every day asserted ---- */

struct block {
	const char *from, *to, *name;
};

struct year {
	int y;
	const struct block *off;
	const char *const *work;
	const char *const *work_names;
	int n_off_days;
};

static const struct block off2024[] = {
	{ "2024-01-01", "2024-01-01", "元旦" },
	{ "2024-02-10", "2024-02-17", "春节" },
	{ "2024-04-04", "2024-04-06", "清明节" },
	{ "2024-05-01", "2024-05-05", "劳动节" },
	{ "2024-06-08", "2024-06-10", "端午节" },
	{ "2024-09-15", "2024-09-17", "中秋节" },
	{ "2024-10-01", "2024-10-07", "国庆节" },
	{ NULL, NULL, NULL },
};
static const char *const work2024[] = {
	"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28",
	"2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12", NULL,
};
static const char *const wname2024[] = {
	"春节调休", "春节调休", "清明节调休", "劳动节调休", "劳动节调休",
	"中秋节调休", "国庆节调休", "国庆节调休", NULL,
};
static const struct block off2025[] = {
	{ "2025-01-01", "2025-01-01", "元旦" },
	{ "2025-01-28", "2025-02-04", "春节" },
	{ "2025-04-04", "2025-04-06", "清明节" },
	{ "2025-05-01", "2025-05-05", "劳动节" },
	{ "2025-05-31", "2025-06-02", "端午节" },
	{ "2025-10-01", "2025-10-08", "国庆节、中秋节" },
	{ NULL, NULL, NULL },
};
static const char *const work2025[] = {
	"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
	"2025-10-11", NULL,
};
static const char *const wname2025[] = {
	"春节调休", "春节调休", "劳动节调休", "国庆节、中秋节调休",
	"国庆节、中秋节调休", NULL,
};
static const struct block off2026[] = {
	{ "2026-01-01", "2026-01-03", "元旦" },
	{ "2026-02-15", "2026-02-23", "春节" },
	{ "2026-04-04", "2026-04-06", "清明节" },
	{ "2026-05-01", "2026-05-05", "劳动节" },
	{ "2026-06-19", "2026-06-21", "端午节" },
	{ "2026-09-25", "2026-09-27", "中秋节" },
	{ "2026-10-01", "2026-10-07", "国庆节" },
	{ NULL, NULL, NULL },
};
static const char *const work2026[] = {
	"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
	"2026-09-20", "2026-10-10", NULL,
};
static const char *const wname2026[] = {
	"元旦调休", "春节调休", "春节调休", "劳动节调休", "中秋节调休",
	"国庆节调休", NULL,
};

static const struct year years[] = {
	{ 2024, off2024, work2024, wname2024, 30 },
	{ 2025, off2025, work2025, wname2025, 28 },
	{ 2026, off2026, work2026, wname2026, 33 },
};

static void
every_holiday_day_is_off(void **state)
{
	const struct calendar *cal = *state;
	char b[11];

	for (size_t i = 0; i < 3; i++) {
		const struct year *yr = &years[i];
		int days = 0;

		for (const struct block *bl = yr->off; bl->from; bl++) {
			for (int32_t d = D(bl->from); d <= D(bl->to); d++) {
				const struct calendar_override *o =
				    calendar_get(cal, d);

				if (calendar_is_workday(cal, d))
					fail_msg("%s should be off (%s)",
					    S(d, b), bl->name);
				assert_non_null(o);
				assert_int_equal(o->kind, CALENDAR_OFF);
				assert_string_equal(o->name, bl->name);
				days++;
			}
		}
		assert_int_equal(days, yr->n_off_days);
	}
}

static void
every_swapped_weekend_day_is_a_working_day(void **state)
{
	const struct calendar *cal = *state;

	for (size_t i = 0; i < 3; i++) {
		const struct year *yr = &years[i];

		for (size_t k = 0; yr->work[k] != NULL; k++) {
			int32_t d = D(yr->work[k]);
			const struct calendar_override *o = calendar_get(cal, d);

			assert_true(calendar_weekday(d) >= 6);
			if (!calendar_is_workday(cal, d))
				fail_msg("%s should be a working day",
				    yr->work[k]);
			assert_non_null(o);
			assert_int_equal(o->kind, CALENDAR_WORK);
			assert_string_equal(o->name, yr->work_names[k]);
		}
	}
}

static bool
listed(const struct year *yr, int32_t d)
{
	for (const struct block *bl = yr->off; bl->from; bl++)
		if (d >= D(bl->from) && d <= D(bl->to))
			return true;
	for (size_t k = 0; yr->work[k] != NULL; k++)
		if (d == D(yr->work[k]))
			return true;
	return false;
}

/* No extra or missing override: every other day of the three years
 * follows the plain week. */
static void
all_other_days_follow_the_week(void **state)
{
	const struct calendar *cal = *state;
	size_t total = 0;
	char b[11];

	for (size_t i = 0; i < 3; i++) {
		const struct year *yr = &years[i];
		int32_t first = calendar_day_from_ymd(yr->y, 1, 1);
		int32_t last = calendar_day_from_ymd(yr->y, 12, 31);

		for (int32_t d = first; d <= last; d++) {
			if (listed(yr, d)) {
				total++;
				continue;
			}
			if (calendar_get(cal, d) != NULL)
				fail_msg("unexpected override on %s", S(d, b));
			assert_int_equal(calendar_is_workday(cal, d),
			    calendar_weekday(d) <= 5);
		}
	}
	assert_int_equal(total, 38 + 33 + 39);
	assert_int_equal(calendar_count(cal), total);
}

static void
knows_which_years_have_data(void **state)
{
	const struct calendar *cal = *state;

	assert_false(calendar_has_year(cal, 2023));
	assert_true(calendar_has_year(cal, 2024));
	assert_true(calendar_has_year(cal, 2025));
	assert_true(calendar_has_year(cal, 2026));
	assert_false(calendar_has_year(cal, 2027));
	assert_false(calendar_has_year(cal, 0));
	assert_false(calendar_has_year(NULL, 2026));
	/* Outside the data: plain weekends still compute. */
	assert_true(calendar_is_workday(cal, D("2027-01-01")));   /* Fri */
	assert_false(calendar_is_workday(cal, D("2027-01-02")));  /* Sat */
	assert_true(calendar_is_workday(cal, D("2023-12-29")));   /* Fri */
	assert_false(calendar_is_workday(cal, D("2023-12-31")));  /* Sun */
	assert_int_equal(calendar_add_workdays(cal, D("2026-12-31"), 1),
	    D("2027-01-01"));
	assert_int_equal(calendar_add_workdays(cal, D("2027-01-01"), 1),
	    D("2027-01-04"));
}

/* A deadline running into a year without data is provisional; loading
 * the year makes it final. The hall is reminded from November on. */
static void
marks_deadlines_into_unloaded_years_provisional(void **state)
{
	struct calendar *cal = *state;
	struct err e;
	int ys[4] = { 0 };

	/* Within loaded years: final. */
	assert_int_equal(calendar_missing_years(cal, D("2026-11-20"),
	    D("2026-12-31"), ys, 4), 0);
	/* Into 2027: provisional, 2027 named. */
	assert_int_equal(calendar_missing_years(cal, D("2026-12-15"),
	    D("2027-01-12"), ys, 4), 1);
	assert_int_equal(ys[0], 2027);
	/* Several years, more than asked for: the count is whole. */
	assert_int_equal(calendar_missing_years(cal, D("2023-12-01"),
	    D("2028-01-05"), ys, 2), 3);
	assert_int_equal(ys[0], 2023);
	assert_int_equal(ys[1], 2027);
	assert_int_equal(calendar_missing_years(cal, D("2026-12-15"),
	    D("2026-12-01"), NULL, 0), 0);
	assert_int_equal(calendar_missing_years(NULL, D("2026-12-15"),
	    D("2026-12-16"), NULL, 0), 1);

	/* Reminder: not in October, from November 1st to December 31st. */
	assert_int_equal(calendar_remind_year(cal, D("2026-10-31")), 0);
	assert_int_equal(calendar_remind_year(cal, D("2026-11-01")), 2027);
	assert_int_equal(calendar_remind_year(cal, D("2026-12-31")), 2027);
	assert_int_equal(calendar_remind_year(cal, D("2025-11-15")), 0);

	/* A single edit in 2027 (the hall marks one day off before the
	 * schedule is out) leaves 2027 provisional and the reminder on. */
	assert_int_equal(calendar_set(cal, D("2027-01-05"), CALENDAR_OFF,
	    "临时调整", &e), 0);
	assert_false(calendar_has_year(cal, 2027));
	assert_int_equal(calendar_missing_years(cal, D("2026-12-15"),
	    D("2027-01-12"), ys, 4), 1);
	assert_int_equal(calendar_remind_year(cal, D("2026-11-01")), 2027);
	/* A year recorded as loaded counts without a text. */
	assert_false(calendar_has_year(cal, 2029));
	calendar_mark_year(cal, 2029);
	assert_true(calendar_has_year(cal, 2029));
	calendar_mark_year(cal, 1969);  /* out of range: ignored */
	assert_false(calendar_has_year(cal, 1969));

	/* Loading 2027 makes the deadline final and ends the reminder. */
	assert_int_equal(calendar_load_text(cal, "2027-01-01 off 元旦\n", &e),
	    0);
	assert_true(calendar_has_year(cal, 2027));
	assert_int_equal(calendar_missing_years(cal, D("2026-12-15"),
	    D("2027-01-12"), ys, 4), 0);
	assert_int_equal(calendar_remind_year(cal, D("2026-11-01")), 0);
}

/* ---- working-day arithmetic ---- */

struct due_case {
	const char *accepted;
	int n;
	const char *due;
};

/* Worked by hand against the schedules: each crosses a block or a swapped
 * working day. */
static const struct due_case due_cases[] = {
	/* 1 working day is never 24 hours */
	{ "2024-03-01", 1, "2024-03-04" },  /* Fri -> Mon */
	{ "2026-03-06", 1, "2026-03-09" },  /* Fri -> Mon */
	{ "2026-03-07", 1, "2026-03-09" },  /* accepted on a Saturday */
	{ "2026-03-09", 0, "2026-03-09" },  /* n = 0: the day itself */
	{ "2026-03-08", 0, "2026-03-08" },
	/* 2024 */
	{ "2023-12-29", 1, "2024-01-02" },  /* 元旦 */
	{ "2024-02-02", 1, "2024-02-04" },  /* Sun 2/4 works */
	{ "2024-02-08", 1, "2024-02-09" },
	{ "2024-02-08", 2, "2024-02-18" },  /* 春节 2/10-2/17, Sun 2/18 works */
	{ "2024-02-08", 3, "2024-02-19" },
	{ "2024-04-03", 1, "2024-04-07" },  /* 清明 4/4-4/6, Sun 4/7 works */
	{ "2024-04-03", 2, "2024-04-08" },
	{ "2024-04-26", 1, "2024-04-28" },  /* Sun 4/28 works */
	{ "2024-04-30", 1, "2024-05-06" },  /* 劳动 5/1-5/5 */
	{ "2024-05-10", 1, "2024-05-11" },  /* Sat 5/11 works */
	{ "2024-06-07", 1, "2024-06-11" },  /* 端午 6/8-6/10 */
	{ "2024-09-13", 1, "2024-09-14" },  /* Sat 9/14 works */
	{ "2024-09-14", 1, "2024-09-18" },  /* 中秋 9/15-9/17 */
	{ "2024-09-27", 1, "2024-09-29" },  /* Sun 9/29 works */
	{ "2024-09-30", 1, "2024-10-08" },  /* 国庆 10/1-10/7 */
	{ "2024-10-11", 1, "2024-10-12" },  /* Sat 10/12 works */
	{ "2024-09-20", 20, "2024-10-23" },
	/* 2025 */
	{ "2024-12-31", 1, "2025-01-02" },  /* 元旦 */
	{ "2024-12-25", 10, "2025-01-09" },
	{ "2025-01-24", 1, "2025-01-26" },  /* Sun 1/26 works */
	{ "2025-01-27", 1, "2025-02-05" },  /* 春节 1/28-2/4 */
	{ "2025-02-07", 1, "2025-02-08" },  /* Sat 2/8 works */
	{ "2025-01-20", 20, "2025-02-21" },
	{ "2025-04-03", 1, "2025-04-07" },  /* 清明 4/4-4/6 */
	{ "2025-04-25", 1, "2025-04-27" },  /* Sun 4/27 works */
	{ "2025-04-30", 1, "2025-05-06" },  /* 劳动 5/1-5/5 */
	{ "2025-05-30", 1, "2025-06-03" },  /* 端午 5/31-6/2 */
	{ "2025-09-26", 1, "2025-09-28" },  /* Sun 9/28 works */
	{ "2025-09-30", 1, "2025-10-09" },  /* 国庆+中秋 10/1-10/8 */
	{ "2025-10-10", 1, "2025-10-11" },  /* Sat 10/11 works */
	{ "2025-09-25", 20, "2025-10-29" },
	/* year end into 2026: 1/1-1/3 off, Sun 1/4 works */
	{ "2025-12-31", 1, "2026-01-04" },
	{ "2025-12-31", 2, "2026-01-05" },
	/* 2026 */
	{ "2026-02-13", 1, "2026-02-14" },  /* Sat 2/14 works */
	{ "2026-02-14", 1, "2026-02-24" },  /* 春节 2/15-2/23 */
	{ "2026-02-10", 10, "2026-03-02" },
	{ "2026-02-27", 1, "2026-02-28" },  /* Sat 2/28 works */
	{ "2026-04-03", 1, "2026-04-07" },  /* 清明 4/4-4/6 */
	{ "2026-04-30", 1, "2026-05-06" },  /* 劳动 5/1-5/5 */
	{ "2026-05-08", 1, "2026-05-09" },  /* Sat 5/9 works */
	{ "2026-04-28", 20, "2026-05-28" },
	{ "2026-06-18", 1, "2026-06-22" },  /* 端午 6/19-6/21 */
	{ "2026-09-18", 1, "2026-09-20" },  /* Sun 9/20 works */
	{ "2026-09-24", 1, "2026-09-28" },  /* 中秋 9/25-9/27 */
	{ "2026-09-30", 1, "2026-10-08" },  /* 国庆 10/1-10/7 */
	{ "2026-09-30", 3, "2026-10-10" },  /* 10/8, 10/9, Sat 10/10 */
	{ "2026-09-30", 4, "2026-10-12" },
	{ "2026-09-28", 20, "2026-10-30" },
};

static void
deadlines_cross_every_block(void **state)
{
	const struct calendar *cal = *state;
	char b[11];

	for (size_t i = 0; i < sizeof(due_cases) / sizeof(due_cases[0]); i++) {
		const struct due_case *c = &due_cases[i];
		int32_t got = calendar_add_workdays(cal, D(c->accepted), c->n);

		if (got != D(c->due))
			fail_msg("%s + %d: got %s, want %s", c->accepted, c->n,
			    S(got, b), c->due);
		/* The same interval counted the other way. */
		assert_int_equal(calendar_workdays_between(cal, D(c->accepted),
		    got), c->n);
	}
}

static void
plain_calendar_without_data_uses_weekends(void **state)
{
	(void)state;
	/* Without the schedule, 2026-10-01 (Thu) would be a working day. */
	assert_true(calendar_is_workday(NULL, D("2026-10-01")));
	assert_int_equal(calendar_add_workdays(NULL, D("2026-09-30"), 3),
	    D("2026-10-05"));
	assert_int_equal(calendar_workdays_between(NULL, D("2026-03-01"),
	    D("2026-03-31")), 22);
}

static void
counts_backwards_and_between(void **state)
{
	const struct calendar *cal = *state;

	assert_int_equal(calendar_add_workdays(cal, D("2026-10-08"), -1),
	    D("2026-09-30"));
	/* The most negative count is clamped, not negated (UBSan stops the
	 * test on a signed overflow). */
	assert_int_equal(calendar_add_workdays(cal, D("2026-10-08"), INT32_MIN),
	    calendar_add_workdays(cal, D("2026-10-08"), -CALENDAR_MAX_WORKDAYS));
	assert_int_equal(calendar_add_workdays(cal, D("2026-01-05"), -1),
	    D("2026-01-04"));
	assert_int_equal(calendar_add_workdays(cal, D("2026-01-04"), -1),
	    D("2025-12-31"));
	assert_int_equal(calendar_workdays_between(cal, D("2026-09-30"),
	    D("2026-10-10")), 3);
	assert_int_equal(calendar_workdays_between(cal, D("2026-10-10"),
	    D("2026-09-30")), -3);
	assert_int_equal(calendar_workdays_between(cal, D("2026-10-01"),
	    D("2026-10-01")), 0);
	assert_int_equal(calendar_workdays_between(cal, D("2026-10-01"),
	    D("2026-10-07")), 0);
	/* 2026 has 248 working days: 261 weekdays - 19 weekday holidays + 6
	 * swapped weekend days. */
	assert_int_equal(calendar_workdays_between(cal, D("2025-12-31"),
	    D("2026-12-31")), 248);
	/* Clamped, not endless. */
	assert_int_equal(calendar_workdays_between(cal, D("2026-01-01"),
	    calendar_add_workdays(cal, D("2026-01-01"), 1000000)),
	    CALENDAR_MAX_WORKDAYS);
}

/* between(a, add(a, n)) == n and add(a, between(a, b)) is the last working
 * day on or before b, for every start day of 2024-2026. */
static void
add_and_between_agree_everywhere(void **state)
{
	const struct calendar *cal = *state;
	static const int ns[] = { 0, 1, 2, 3, 5, 8, 20, 45 };

	for (int32_t a = D("2023-12-25"); a <= D("2026-12-31"); a++) {
		for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
			int32_t due = calendar_add_workdays(cal, a, ns[k]);

			assert_int_equal(calendar_workdays_between(cal, a, due),
			    ns[k]);
			if (ns[k] > 0) {
				assert_true(calendar_is_workday(cal, due));
				assert_int_equal(calendar_add_workdays(cal, due,
				    -ns[k]) <= a, true);
			}
		}
	}
}

/* ---- loading and editing ---- */

static void
loads_text_with_comments_and_crlf(void **state)
{
	struct calendar *cal = calendar_new();
	struct err e;

	(void)state;
	assert_int_equal(calendar_load_text(cal,
	    "# 测试\r\n\r\n  2027-02-08 off 春节 # Mon\r\n"
	    "2027-02-06\twork\t春节调休\r\n2027-02-09 off 春节", &e), 0);
	assert_int_equal(calendar_count(cal), 3);
	assert_false(calendar_is_workday(cal, D("2027-02-08")));
	assert_true(calendar_is_workday(cal, D("2027-02-06")));
	assert_string_equal(calendar_get(cal, D("2027-02-08"))->name, "春节");
	assert_string_equal(calendar_get(cal, D("2027-02-06"))->name,
	    "春节调休");
	assert_true(calendar_has_year(cal, 2027));
	assert_int_equal(calendar_load_text(cal, "", &e), 0);
	assert_int_equal(calendar_load_text(cal, "# only\n\n", &e), 0);
	assert_int_equal(calendar_count(cal), 3);
	/* A later text replaces a date already present. */
	assert_int_equal(calendar_load_text(cal, "2027-02-08 off 除夕\n", &e),
	    0);
	assert_string_equal(calendar_get(cal, D("2027-02-08"))->name, "除夕");
	assert_int_equal(calendar_count(cal), 3);
	calendar_free(cal);
}

struct bad_text {
	const char *text;
	int code;
	const char *needle;
};

static void
rejects_bad_text_with_line_numbers_and_changes_nothing(void **state)
{
	static const struct bad_text bad[] = {
		{ "2027-01-01 off 元旦\n\n2027-02-30 off 春节\n", -ERR_INVALID,
		    "第 3 行" },
		{ "2027-01-01 holiday 元旦\n", -ERR_INVALID, "第 1 行" },
		{ "2027-01-01 off\n", -ERR_INVALID, "三项" },
		{ "2027-01-01\n", -ERR_INVALID, "三项" },
		{ "# x\n2027-01-01 off 元旦\n2027-01-01 off 元旦\n",
		    -ERR_INVALID, "与第 2 行重复" },
		{ "2027-01-04 work 调休\n", -ERR_UNPROCESSABLE, "星期一" },
		{ "2027-01-01 off \xe5\x85\n", -ERR_INVALID, "名称" },
		{ "2027-01-01 off 一二三四五六七八九十一二三四五六七八九十一二三四五"
		    "六七八九十一二三\n", -ERR_INVALID, "名称" },
		{ "1969-01-01 off 元旦\n", -ERR_INVALID, "第 1 行" },
	};
	struct calendar *cal = calendar_new();
	char longline[700];
	struct err e;

	(void)state;
	assert_int_equal(calendar_load_text(cal, "2026-05-01 off 劳动节\n",
	    &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(calendar_load_text(cal, bad[i].text, &e),
		    bad[i].code);
		if (strstr(e.msg, bad[i].needle) == NULL)
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i,
			    e.msg, bad[i].needle);
		/* All or nothing. */
		assert_int_equal(calendar_count(cal), 1);
		assert_null(calendar_get(cal, D("2027-01-01")));
	}
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_int_equal(calendar_load_text(cal, longline, &e), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "过长"));
	/* NULL err is allowed. */
	assert_int_equal(calendar_load_text(cal, "x\n", NULL), -ERR_INVALID);
	calendar_free(cal);
}

static void
hall_admin_edits_override_the_schedule(void **state)
{
	struct calendar *cal = *state;
	struct err e;

	/* An extra day off (e.g. a local emergency) moves deadlines. */
	assert_int_equal(calendar_add_workdays(cal, D("2026-03-02"), 2),
	    D("2026-03-04"));
	assert_int_equal(calendar_set(cal, D("2026-03-03"), CALENDAR_OFF,
	    "临时停止办公", &e), 0);
	assert_false(calendar_is_workday(cal, D("2026-03-03")));
	assert_int_equal(calendar_add_workdays(cal, D("2026-03-02"), 2),
	    D("2026-03-05"));
	/* Replace, then remove. */
	assert_int_equal(calendar_set(cal, D("2026-03-03"), CALENDAR_OFF,
	    "停电", &e), 0);
	assert_string_equal(calendar_get(cal, D("2026-03-03"))->name, "停电");
	assert_int_equal(calendar_unset(cal, D("2026-03-03"), &e), 0);
	assert_true(calendar_is_workday(cal, D("2026-03-03")));
	assert_int_equal(calendar_unset(cal, D("2026-03-03"), &e),
	    -ERR_NOT_FOUND);
	/* Removing a 调休 day makes that Saturday a rest day again. */
	assert_int_equal(calendar_unset(cal, D("2026-10-10"), &e), 0);
	assert_int_equal(calendar_add_workdays(cal, D("2026-09-30"), 3),
	    D("2026-10-12"));
	/* A working weekday cannot be "work"; bad names are refused. */
	assert_int_equal(calendar_set(cal, D("2026-03-04"), CALENDAR_WORK,
	    "调休", &e), -ERR_UNPROCESSABLE);
	assert_int_equal(calendar_set(cal, D("2026-03-07"), CALENDAR_OFF, "",
	    &e), -ERR_INVALID);
	assert_int_equal(calendar_set(cal, D("2026-03-07"), CALENDAR_OFF,
	    "a\nb", &e), -ERR_INVALID);
	assert_int_equal(calendar_set(cal, D("2026-03-07"), 7, "x", &e),
	    -ERR_INVALID);
	assert_int_equal(calendar_set(cal, D("2026-03-07"), CALENDAR_OFF, NULL,
	    &e), -ERR_INVALID);
	assert_int_equal(calendar_set(cal, -1, CALENDAR_OFF, "x", &e),
	    -ERR_INVALID);
	/* A Saturday made a working day. */
	assert_int_equal(calendar_set(cal, D("2026-03-07"), CALENDAR_WORK,
	    "补班", &e), 0);
	assert_true(calendar_is_workday(cal, D("2026-03-07")));
	assert_int_equal(calendar_workdays_between(cal, D("2026-03-06"),
	    D("2026-03-09")), 2);
}

static void
overrides_stay_sorted(void **state)
{
	const struct calendar *cal = *state;

	for (size_t i = 1; i < calendar_count(cal); i++)
		assert_true(calendar_at(cal, i - 1)->day <
		    calendar_at(cal, i)->day);
	assert_null(calendar_at(cal, calendar_count(cal)));
	assert_int_equal(calendar_lower_bound(cal, D("2026-01-01")) + 39,
	    calendar_count(cal));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_valid_dates_and_leap_days),
		cmocka_unit_test(refuses_malformed_and_impossible_dates),
		cmocka_unit_test(round_trips_every_day_and_weekdays_advance),
		cmocka_unit_test_setup_teardown(every_holiday_day_is_off,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(
		    every_swapped_weekend_day_is_a_working_day,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(all_other_days_follow_the_week,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(knows_which_years_have_data,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(
		    marks_deadlines_into_unloaded_years_provisional,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(deadlines_cross_every_block,
		    setup_embedded, teardown_cal),
		cmocka_unit_test(plain_calendar_without_data_uses_weekends),
		cmocka_unit_test_setup_teardown(counts_backwards_and_between,
		    setup_embedded, teardown_cal),
		cmocka_unit_test_setup_teardown(add_and_between_agree_everywhere,
		    setup_embedded, teardown_cal),
		cmocka_unit_test(loads_text_with_comments_and_crlf),
		cmocka_unit_test(
		    rejects_bad_text_with_line_numbers_and_changes_nothing),
		cmocka_unit_test_setup_teardown(
		    hall_admin_edits_override_the_schedule, setup_embedded,
		    teardown_cal),
		cmocka_unit_test_setup_teardown(overrides_stay_sorted,
		    setup_embedded, teardown_cal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
