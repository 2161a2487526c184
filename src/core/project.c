/* project.c - the pure rules of construction projects (core/project.h). */
#include "core/project.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	enum project_type t;
	const char *name, *label;
} types[] = {
	{ PROJECT_TYPE_GOV, "gov", "政府投资项目" },
	{ PROJECT_TYPE_SOCIAL, "social", "社会投资项目" },
	{ PROJECT_TYPE_SMALL, "small", "小型社会投资项目" },
};

static const char *const stage_labels[PROJECT_STAGES + 1] = {
	"", "立项用地规划许可", "工程建设许可", "施工许可", "竣工验收",
};

enum project_type
project_type_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < NELEM(types); i++)
		if (strcmp(types[i].name, s) == 0)
			return types[i].t;
	return PROJECT_TYPE_NONE;
}

const char *
project_type_name(enum project_type t)
{
	for (size_t i = 0; i < NELEM(types); i++)
		if (types[i].t == t)
			return types[i].name;
	return "";
}

const char *
project_type_label(enum project_type t)
{
	for (size_t i = 0; i < NELEM(types); i++)
		if (types[i].t == t)
			return types[i].label;
	return "";
}

int
project_stages(enum project_type t, int *stages)
{
	switch (t) {
	case PROJECT_TYPE_GOV:
	case PROJECT_TYPE_SOCIAL:
		for (int i = 0; i < 4; i++)
			stages[i] = i + 1;
		return 4;
	case PROJECT_TYPE_SMALL:
		/* 工程建设许可 and 施工许可 merged: no design review. */
		stages[0] = 1;
		stages[1] = 2;
		stages[2] = 4;
		return 3;
	default:
		return 0;
	}
}

bool
project_stage_valid(enum project_type t, int stage)
{
	int s[PROJECT_STAGES], n = project_stages(t, s);

	for (int i = 0; i < n; i++)
		if (s[i] == stage)
			return true;
	return false;
}

const char *
project_stage_label(enum project_type t, int stage)
{
	if (!project_stage_valid(t, stage))
		return "";
	if (t == PROJECT_TYPE_SMALL && stage == 2)
		return "工程建设许可和施工许可";
	return stage_labels[stage];
}

const char *
project_stage_state_name(enum project_stage_state s)
{
	switch (s) {
	case PROJECT_STAGE_APPLIED: return "applied";
	case PROJECT_STAGE_RUNNING: return "running";
	case PROJECT_STAGE_DONE: return "done";
	default: return "not_started";
	}
}

const char *
project_stage_state_label(enum project_stage_state s)
{
	switch (s) {
	case PROJECT_STAGE_APPLIED: return "已申报，待受理";
	case PROJECT_STAGE_RUNNING: return "并联审批中";
	case PROJECT_STAGE_DONE: return "已完成";
	default: return "未开始";
	}
}

enum project_stage_state
project_stage_state_of(const char *s)
{
	if (s == NULL)
		return PROJECT_STAGE_NOT_STARTED;
	if (strcmp(s, "submitted") == 0 || strcmp(s, "supplement") == 0)
		return PROJECT_STAGE_APPLIED;
	if (strcmp(s, "running") == 0)
		return PROJECT_STAGE_RUNNING;
	if (strcmp(s, "completed") == 0 || strcmp(s, "delivered") == 0)
		return PROJECT_STAGE_DONE;
	return PROJECT_STAGE_NOT_STARTED;
}

int
project_stage_may_apply(enum project_type t, int stage,
    const enum project_stage_state *state, struct err *e)
{
	int s[PROJECT_STAGES], n = project_stages(t, s);
	int prev = 0;

	if (!project_stage_valid(t, stage))
		return err_field(e, ERR_INVALID, "stage", "bad_stage",
		    "%s没有该审批阶段", n > 0 ? project_type_label(t) :
		    "该项目");
	if (state[stage] != PROJECT_STAGE_NOT_STARTED)
		return err_set(e, ERR_CONFLICT, "stage_taken",
		    "“%s”阶段%s，不能重复申报", project_stage_label(t, stage),
		    state[stage] == PROJECT_STAGE_DONE ? "已完成" : "已在办理");
	for (int i = 0; i < n && s[i] != stage; i++)
		prev = s[i];
	if (prev > 0 && state[prev] != PROJECT_STAGE_DONE)
		return err_set(e, ERR_CONFLICT, "previous_stage_open",
		    "“%s”阶段尚未完成，不能申报本阶段",
		    project_stage_label(t, prev));
	return 0;
}

static bool
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool
project_code_valid(const char *c)
{
	int month;

	if (c == NULL || strlen(c) != PROJECT_CODE_LEN)
		return false;
	if (!digits(c, 4) || c[4] != '-' || !digits(c + 5, 6) ||
	    c[11] != '-' || !digits(c + 12, 2) || c[14] != '-' ||
	    !digits(c + 15, 2) || c[17] != '-' || !digits(c + 18, 6))
		return false;
	month = (c[2] - '0') * 10 + (c[3] - '0');
	return month >= 1 && month <= 12;
}

static int
pause_cmp(const void *a, const void *b)
{
	const struct project_pause *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

int
project_stage_days(const struct calendar *cal, int32_t start, int32_t end,
    const struct project_pause *p, int n)
{
	struct project_pause v[PROJECT_MAX_PAUSES];
	int m = 0, days;
	int32_t cover = start;  /* (start, cover] already handled */

	if (end <= start)
		return 0;
	days = calendar_workdays_between(cal, start, end);
	if (n > PROJECT_MAX_PAUSES)
		n = PROJECT_MAX_PAUSES;
	for (int i = 0; i < n; i++) {
		struct project_pause q = p[i];

		if (q.end == CALENDAR_NO_DAY || q.end > end)
			q.end = end;
		if (q.start < start)
			q.start = start;
		if (q.end > q.start)
			v[m++] = q;
	}
	qsort(v, (size_t)m, sizeof(v[0]), pause_cmp);
	for (int i = 0; i < m; i++) {
		int32_t a = v[i].start > cover ? v[i].start : cover;

		if (v[i].end > a)
			days -= calendar_workdays_between(cal, a, v[i].end);
		if (v[i].end > cover)
			cover = v[i].end;
	}
	return days < 0 ? 0 : days;
}

void
project_clock(int used, int target, struct project_clock *out)
{
	out->used = used;
	out->target = target;
	out->remaining = target - used;
	if (used > target)
		out->level = PROJECT_CLOCK_RED;
	else if ((int64_t)used * 5 > (int64_t)target * 4)
		out->level = PROJECT_CLOCK_YELLOW;
	else
		out->level = PROJECT_CLOCK_GREEN;
}

const char *
project_clock_level_name(enum project_clock_level l)
{
	return l == PROJECT_CLOCK_RED ? "red" : l == PROJECT_CLOCK_YELLOW ?
	    "yellow" : "green";
}

const char *
project_clock_level_label(enum project_clock_level l)
{
	return l == PROJECT_CLOCK_RED ? "超出目标" : l == PROJECT_CLOCK_YELLOW ?
	    "临近目标" : "正常";
}

static const struct {
	enum project_event_kind k;
	const char *name, *label, *pause;
} kinds[] = {
	{ PROJECT_EVENT_SITE, "site", "联合踏勘", "site" },
	{ PROJECT_EVENT_REVIEW, "review", "联合评审", "expert" },
	{ PROJECT_EVENT_DRAWING, "drawing", "联合审图", "expert" },
	{ PROJECT_EVENT_ACCEPTANCE, "acceptance", "联合验收", "site" },
};

enum project_event_kind
project_event_kind_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < NELEM(kinds); i++)
		if (strcmp(kinds[i].name, s) == 0)
			return kinds[i].k;
	return PROJECT_EVENT_NONE;
}

const char *
project_event_kind_name(enum project_event_kind k)
{
	for (size_t i = 0; i < NELEM(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].name;
	return "";
}

const char *
project_event_kind_label(enum project_event_kind k)
{
	for (size_t i = 0; i < NELEM(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].label;
	return "";
}

const char *
project_event_pause_kind(enum project_event_kind k)
{
	for (size_t i = 0; i < NELEM(kinds); i++)
		if (kinds[i].k == k)
			return kinds[i].pause;
	return NULL;
}

static const struct {
	enum project_opinion o;
	const char *name, *label;
} opinions[] = {
	{ PROJECT_OPINION_AGREE, "agree", "同意" },
	{ PROJECT_OPINION_RECTIFY, "rectify", "整改后同意" },
	{ PROJECT_OPINION_DISAGREE, "disagree", "不同意" },
};

enum project_opinion
project_opinion_parse(const char *s)
{
	for (size_t i = 0; s != NULL && i < NELEM(opinions); i++)
		if (strcmp(opinions[i].name, s) == 0)
			return opinions[i].o;
	return PROJECT_OPINION_NONE;
}

const char *
project_opinion_name(enum project_opinion o)
{
	for (size_t i = 0; i < NELEM(opinions); i++)
		if (opinions[i].o == o)
			return opinions[i].name;
	return "";
}

const char *
project_opinion_label(enum project_opinion o)
{
	for (size_t i = 0; i < NELEM(opinions); i++)
		if (opinions[i].o == o)
			return opinions[i].label;
	return "待提出";
}

enum project_outcome
project_joint_outcome(const enum project_opinion *ops, int n)
{
	bool rectify = false, disagree = false;

	if (n <= 0)
		return PROJECT_OUTCOME_PENDING;
	for (int i = 0; i < n; i++) {
		if (ops[i] == PROJECT_OPINION_NONE)
			return PROJECT_OUTCOME_PENDING;
		if (ops[i] == PROJECT_OPINION_DISAGREE)
			disagree = true;
		else if (ops[i] == PROJECT_OPINION_RECTIFY)
			rectify = true;
	}
	return disagree ? PROJECT_OUTCOME_FAILED : rectify ?
	    PROJECT_OUTCOME_RECTIFY : PROJECT_OUTCOME_PASSED;
}

const char *
project_outcome_name(enum project_outcome o)
{
	switch (o) {
	case PROJECT_OUTCOME_PASSED: return "passed";
	case PROJECT_OUTCOME_RECTIFY: return "rectify";
	case PROJECT_OUTCOME_FAILED: return "failed";
	default: return "pending";
	}
}

enum project_outcome
project_outcome_parse(const char *s)
{
	if (s == NULL)
		return PROJECT_OUTCOME_PENDING;
	if (strcmp(s, "passed") == 0)
		return PROJECT_OUTCOME_PASSED;
	if (strcmp(s, "rectify") == 0)
		return PROJECT_OUTCOME_RECTIFY;
	if (strcmp(s, "failed") == 0)
		return PROJECT_OUTCOME_FAILED;
	return PROJECT_OUTCOME_PENDING;
}

const char *
project_outcome_label(enum project_outcome o)
{
	switch (o) {
	case PROJECT_OUTCOME_PASSED: return "通过";
	case PROJECT_OUTCOME_RECTIFY: return "整改后通过";
	case PROJECT_OUTCOME_FAILED: return "不通过";
	default: return "待各部门提出意见";
	}
}
