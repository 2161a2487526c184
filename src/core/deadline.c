#include "core/deadline.h"

#include <string.h>

static const struct {
	const char *name;
	const char *label;
} kinds[SUSPEND__COUNT] = {
	[SUSPEND_SUPPLEMENT] = { "supplement", "补正" },
	[SUSPEND_HEARING] = { "hearing", "听证" },
	[SUSPEND_INSPECTION] = { "inspection", "检验检测" },
	[SUSPEND_EXPERT] = { "expert", "专家评审" },
	[SUSPEND_SITE] = { "site", "现场踏勘" },
	[SUSPEND_PUBLICITY] = { "publicity", "公示" },
};

const char *
suspension_kind_name(enum suspension_kind k)
{
	if ((int)k <= 0 || k >= SUSPEND__COUNT)
		return "";
	return kinds[k].name;
}

const char *
suspension_kind_label(enum suspension_kind k)
{
	if ((int)k <= 0 || k >= SUSPEND__COUNT)
		return "";
	return kinds[k].label;
}

enum suspension_kind
suspension_kind_parse(const char *name)
{
	if (name == NULL)
		return 0;
	for (int k = 1; k < SUSPEND__COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return (enum suspension_kind)k;
	return 0;
}

const char *
deadline_level_name(enum deadline_level l)
{
	switch (l) {
	case DEADLINE_LEVEL_GREEN:
		return "green";
	case DEADLINE_LEVEL_YELLOW:
		return "yellow";
	case DEADLINE_LEVEL_RED:
		return "red";
	case DEADLINE_LEVEL_PAUSED:
		return "paused";
	}
	return "";
}

const char *
deadline_level_label(enum deadline_level l)
{
	switch (l) {
	case DEADLINE_LEVEL_GREEN:
		return "正常";
	case DEADLINE_LEVEL_YELLOW:
		return "预警";
	case DEADLINE_LEVEL_RED:
		return "超期";
	case DEADLINE_LEVEL_PAUSED:
		return "暂停计时";
	}
	return "";
}

static bool
day_in_range(int32_t d)
{
	int lo = calendar_day_from_ymd(CALENDAR_YEAR_MIN, 1, 1);
	int hi = calendar_day_from_ymd(CALENDAR_YEAR_MAX, 12, 31);

	return d >= lo && d <= hi;
}

/* Validates the inputs; sets *open to the index of the open suspension or
 * -1. */
static int
check(int32_t accepted, int budget, const struct suspension *s, size_t n,
    int ext, long *open, struct err *e)
{
	size_t i;

	*open = -1;
	if (!day_in_range(accepted))
		return err_field(e, ERR_INVALID, "accepted", "invalid_deadline",
		    "受理日期超出范围");
	if (budget < 0 || budget > DEADLINE_MAX_BUDGET)
		return err_field(e, ERR_INVALID, "budget", "invalid_deadline",
		    "承诺时限应为 0 至 %d 个工作日", DEADLINE_MAX_BUDGET);
	if (ext < 0 || ext > DEADLINE_MAX_EXTENSION)
		return err_field(e, ERR_INVALID, "extension",
		    "invalid_deadline", "延长时限应为 0 至 %d 个工作日",
		    DEADLINE_MAX_EXTENSION);
	if (n > DEADLINE_MAX_SUSPENSIONS)
		return err_field(e, ERR_INVALID, "suspensions",
		    "invalid_deadline", "暂停计时记录过多（上限 %d 条）",
		    DEADLINE_MAX_SUSPENSIONS);
	if (n > 0 && s == NULL)
		return err_field(e, ERR_INVALID, "suspensions",
		    "invalid_deadline", "暂停计时记录缺失");
	for (i = 0; i < n; i++) {
		if ((int)s[i].kind <= 0 || s[i].kind >= SUSPEND__COUNT)
			return err_field(e, ERR_INVALID, "suspensions",
			    "invalid_deadline", "第 %zu 条暂停计时记录的类型无效",
			    i + 1);
		if (!day_in_range(s[i].start) || s[i].start < accepted)
			return err_field(e, ERR_INVALID, "suspensions",
			    "invalid_deadline",
			    "第 %zu 条暂停计时记录的开始日期早于受理日期或无效",
			    i + 1);
		if (s[i].end == CALENDAR_NO_DAY) {
			if (*open >= 0)
				return err_field(e, ERR_INVALID, "suspensions",
				    "invalid_deadline",
				    "同时只能有一条未结束的暂停计时记录");
			*open = (long)i;
			continue;
		}
		if (!day_in_range(s[i].end) || s[i].end < s[i].start)
			return err_field(e, ERR_INVALID, "suspensions",
			    "invalid_deadline",
			    "第 %zu 条暂停计时记录的结束日期早于开始日期或无效",
			    i + 1);
	}
	if (*open >= 0) {
		for (i = 0; i < n; i++) {
			if ((long)i == *open)
				continue;
			if (s[i].end >= s[*open].start)
				return err_field(e, ERR_INVALID, "suspensions",
				    "invalid_deadline",
				    "第 %zu 条暂停计时记录晚于未结束的暂停计时",
				    i + 1);
		}
	}
	return 0;
}

/* True when day d lies in a closed suspension. The open one is handled by
 * the callers (it covers every day from its start on). */
static bool
suspended(const struct suspension *s, size_t n, int32_t d)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].end != CALENDAR_NO_DAY && d >= s[i].start &&
		    d <= s[i].end)
			return true;
	return false;
}

/* Walks from accepted+1, counting working days outside suspensions, until
 * total are counted (*due set, returns 0) or the open suspension's start
 * is reached (returns DEADLINE_PAUSED). */
static int
walk_due(const struct calendar *cal, int32_t accepted, int total,
    const struct suspension *s, size_t n, long open, int32_t *due)
{
	int32_t d = accepted;
	int count = 0;

	while (count < total) {
		d++;
		if (open >= 0 && d >= s[open].start) {
			*due = CALENDAR_NO_DAY;
			return DEADLINE_PAUSED;
		}
		if (calendar_is_workday(cal, d) && !suspended(s, n, d))
			count++;
	}
	*due = d;
	return 0;
}

int
deadline_compute(const struct calendar *cal, int32_t accepted_day,
    int budget, const struct suspension *susp, size_t n, int extension_days,
    int32_t *due_day, struct err *e)
{
	long open;
	int rc;

	*due_day = CALENDAR_NO_DAY;
	rc = check(accepted_day, budget, susp, n, extension_days, &open, e);
	if (rc != 0)
		return rc;
	return walk_due(cal, accepted_day, budget + extension_days, susp, n,
	    open, due_day);
}

int
deadline_status(const struct calendar *cal, int32_t accepted_day,
    int budget, const struct suspension *susp, size_t n, int extension_days,
    int32_t today, struct deadline_status *out, struct err *e)
{
	long open;
	int rc;
	int32_t d, last;

	memset(out, 0, sizeof(*out));
	out->due_day = CALENDAR_NO_DAY;
	rc = check(accepted_day, budget, susp, n, extension_days, &open, e);
	if (rc != 0)
		return rc;
	out->total = budget + extension_days;
	rc = walk_due(cal, accepted_day, out->total, susp, n, open,
	    &out->due_day);
	out->paused = open >= 0;

	/* Days consumed in (accepted, last]: up to today, or up to the day
	 * before the open suspension. */
	last = today;
	if (open >= 0 && last >= susp[open].start)
		last = susp[open].start - 1;
	for (d = accepted_day + 1; d <= last; d++) {
		if (!calendar_is_workday(cal, d))
			continue;
		if (suspended(susp, n, d))
			out->suspended++;
		else
			out->used++;
	}
	if (open >= 0 && today >= susp[open].start)
		out->suspended += calendar_workdays_between(cal,
		    susp[open].start - 1, today);
	out->remaining = out->total - out->used;

	if (out->paused)
		out->level = DEADLINE_LEVEL_PAUSED;
	else if (today > out->due_day)
		out->level = DEADLINE_LEVEL_RED;
	else if (out->remaining * 5 <= out->total || out->remaining <= 1)
		out->level = DEADLINE_LEVEL_YELLOW;
	else
		out->level = DEADLINE_LEVEL_GREEN;
	(void)rc; /* DEADLINE_PAUSED is reflected in out->paused/due_day */
	return 0;
}

int
deadline_extension_check(int statutory_days, bool has_basis, int prior,
    int days, const struct extension_limits *lim, int *max, struct err *e)
{
	int most;

	if (max != NULL)
		*max = 0;
	if (prior > 0)
		return err_set(e, ERR_CONFLICT, "extension_once",
		    "依照《行政许可法》第四十二条，办理期限只能延长一次，本办件"
		    "已经延长过");
	if (statutory_days == EXTENSION_GENERAL_LIMIT) {
		most = lim->general_max;
	} else if (statutory_days == EXTENSION_JOINT_LIMIT) {
		most = lim->joint_max;
	} else {
		if (!has_basis)
			return err_field(e, ERR_UNPROCESSABLE, "basis",
			    "extension_basis_required", "本事项的法定办结时限"
			    "不是《行政许可法》第四十二条规定的二十个工作日（或"
			    "联合办理四十五个工作日），延长须写明允许延长的法律、"
			    "法规依据");
		most = lim->other_max;
	}
	if (max != NULL)
		*max = most;
	if (days < 1)
		return err_field(e, ERR_INVALID, "days", "bad_days",
		    "延长期限须为 1 至 %d 个工作日", most);
	if (days > most) {
		if (statutory_days == EXTENSION_GENERAL_LIMIT)
			return err_field(e, ERR_UNPROCESSABLE, "days",
			    "extension_too_long", "依照《行政许可法》第四十二条"
			    "第一款，二十个工作日的审批期限最多延长 %d 个工作日",
			    most);
		if (statutory_days == EXTENSION_JOINT_LIMIT)
			return err_field(e, ERR_UNPROCESSABLE, "days",
			    "extension_too_long", "依照《行政许可法》第四十二条"
			    "第二款，联合办理的四十五个工作日最多延长 %d 个工作日",
			    most);
		return err_field(e, ERR_UNPROCESSABLE, "days",
		    "extension_too_long", "延长期限最多 %d 个工作日", most);
	}
	return 0;
}
