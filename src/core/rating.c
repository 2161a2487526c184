/* rating.c - the rules of 好差评 (core/rating.h). */
#include "core/rating.h"

#include <stddef.h>
#include <string.h>

static const char *const level_labels[] = {
	NULL, "非常不满意", "不满意", "基本满意", "满意", "非常满意",
};

/* The receiver's 满意度代码, written out so that a receiver with another
 * coding changes one table. */
static const char *const level_codes[] = { NULL, "1", "2", "3", "4", "5" };

const char *
rating_level_label(int level)
{
	if (level < RATING_LEVEL_MIN || level > RATING_LEVEL_MAX)
		return NULL;
	return level_labels[level];
}

bool
rating_level_bad(int level)
{
	return level >= RATING_LEVEL_MIN && level <= RATING_BAD_MAX;
}

const char *
rating_level_code(int level)
{
	if (level < RATING_LEVEL_MIN || level > RATING_LEVEL_MAX)
		return NULL;
	return level_codes[level];
}

#define ONLINE_DIMS 4
static const struct rating_code dims[] = {
	{ "501", "办事效率" },
	{ "502", "办事指南精确度" },
	{ "503", "办事便捷度" },
	{ "504", "平台操作性" },
	{ "510", "服务效率" },
	{ "511", "服务水平" },
	{ "512", "服务态度" },
	{ NULL, NULL },
};

const struct rating_code *
rating_dims(int *online_n)
{
	if (online_n != NULL)
		*online_n = ONLINE_DIMS;
	return dims;
}

static const char *
find_label(const struct rating_code *t, const char *code)
{
	if (code == NULL)
		return NULL;
	for (; t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return t->label;
	return NULL;
}

const char *
rating_dim_label(const char *code)
{
	return find_label(dims, code);
}

bool
rating_dim_online(const char *code)
{
	for (int i = 0; i < ONLINE_DIMS; i++)
		if (code != NULL && strcmp(dims[i].code, code) == 0)
			return true;
	return false;
}

static const struct rating_code channels[] = {
	{ "1", "PC端" },
	{ "2", "移动服务端" },
	{ "3", "二维码" },
	{ "4", "政务大厅平板电脑" },
	{ "5", "政务大厅其他终端" },
	{ "6", "电话" },
	{ "7", "短信" },
	{ RATING_CHANNEL_DEFAULT, "系统默认评价" },
	{ NULL, NULL },
};

const struct rating_code *
rating_channels(void)
{
	return channels;
}

const char *
rating_channel_label(const char *code)
{
	return find_label(channels, code);
}

enum rating_step
rating_step_parse(const char *s)
{
	if (s == NULL)
		return RATING_STEP_NONE;
	if (strcmp(s, "accept") == 0)
		return RATING_STEP_ACCEPT;
	if (strcmp(s, "result") == 0)
		return RATING_STEP_RESULT;
	return RATING_STEP_NONE;
}

const char *
rating_step_name(enum rating_step s)
{
	switch (s) {
	case RATING_STEP_ACCEPT:
		return "accept";
	case RATING_STEP_RESULT:
		return "result";
	case RATING_STEP_NONE:
		break;
	}
	return "";
}

const char *
rating_step_label(enum rating_step s)
{
	switch (s) {
	case RATING_STEP_ACCEPT:
		return "受理服务";
	case RATING_STEP_RESULT:
		return "办理结果";
	case RATING_STEP_NONE:
		break;
	}
	return "";
}

enum rating_refusal
rating_may_rate(const struct rating_facts *f, enum rating_step step)
{
	if (!f->is_applicant)
		return RATING_NOT_APPLICANT;
	if (step == RATING_STEP_NONE)
		return RATING_BAD_STEP;
	if (f->count >= RATING_MAX_PER_CASE)
		return RATING_TOO_MANY;
	if (!f->accepted)
		return RATING_NOT_ACCEPTED;
	if (step == RATING_STEP_RESULT && !(f->closed && f->has_result))
		return RATING_NO_RESULT;
	return RATING_OK;
}

const char *
rating_refusal_message(enum rating_refusal r)
{
	switch (r) {
	case RATING_OK:
		return "";
	case RATING_NOT_APPLICANT:
		return "只有办件的申请人可以评价";
	case RATING_BAD_STEP:
		return "评价环节须为受理服务或办理结果";
	case RATING_NOT_ACCEPTED:
		return "办件尚未受理，暂不能评价";
	case RATING_NO_RESULT:
		return "办件尚未办结，办理结果暂不能评价";
	case RATING_TOO_MANY:
		return "该办件已评价并追评，不能再次评价";
	}
	return "";
}

static const struct {
	const char *name;
	const char *label;
	int days;
	const char *setting;
} stages[RATING_STAGE__COUNT] = {
	[RATING_STAGE_NONE] = { "", "", 0, NULL },
	[RATING_STAGE_VERIFY] = { "verify", "核实", 3, "rating.verify_days" },
	[RATING_STAGE_APPEAL] = { "appeal", "申诉复核", 5, "rating.appeal_days" },
	[RATING_STAGE_RECTIFY] = { "rectify", "整改", 5, "rating.rectify_days" },
	[RATING_STAGE_FEEDBACK] = { "feedback", "反馈", 2,
	    "rating.feedback_days" },
	[RATING_STAGE_REVISIT] = { "revisit", "回访", 3, "rating.revisit_days" },
	[RATING_STAGE_SUPERVISE] = { "supervise", "监督", 5,
	    "rating.supervise_days" },
	[RATING_STAGE_CLOSED] = { "closed", "已办结", 0, NULL },
};

enum rating_stage
rating_stage_parse(const char *s)
{
	if (s == NULL)
		return RATING_STAGE_NONE;
	for (int i = 1; i < RATING_STAGE__COUNT; i++)
		if (strcmp(stages[i].name, s) == 0)
			return (enum rating_stage)i;
	return RATING_STAGE_NONE;
}

const char *
rating_stage_name(enum rating_stage s)
{
	return s > 0 && s < RATING_STAGE__COUNT ? stages[s].name : "";
}

const char *
rating_stage_label(enum rating_stage s)
{
	return s > 0 && s < RATING_STAGE__COUNT ? stages[s].label : "";
}

int
rating_stage_default_days(enum rating_stage s)
{
	return s > 0 && s < RATING_STAGE__COUNT ? stages[s].days : 0;
}

const char *
rating_stage_setting(enum rating_stage s)
{
	return s > 0 && s < RATING_STAGE__COUNT ? stages[s].setting : NULL;
}

static const struct {
	enum rating_stage from;
	const char *action;
	enum rating_stage to;
} moves[] = {
	{ RATING_STAGE_VERIFY, "valid", RATING_STAGE_RECTIFY },
	{ RATING_STAGE_VERIFY, "claim", RATING_STAGE_APPEAL },
	{ RATING_STAGE_APPEAL, "claim_accepted", RATING_STAGE_CLOSED },
	{ RATING_STAGE_APPEAL, "claim_refused", RATING_STAGE_RECTIFY },
	{ RATING_STAGE_RECTIFY, "rectify", RATING_STAGE_FEEDBACK },
	{ RATING_STAGE_RECTIFY, "rectify_plan", RATING_STAGE_RECTIFY },
	{ RATING_STAGE_RECTIFY, "rectify_done", RATING_STAGE_FEEDBACK },
	{ RATING_STAGE_FEEDBACK, "feedback", RATING_STAGE_REVISIT },
	{ RATING_STAGE_REVISIT, "revisit", RATING_STAGE_SUPERVISE },
	{ RATING_STAGE_SUPERVISE, "close", RATING_STAGE_CLOSED },
	{ RATING_STAGE_SUPERVISE, "send_back", RATING_STAGE_RECTIFY },
};

enum rating_stage
rating_stage_next(enum rating_stage s, const char *action)
{
	if (action == NULL)
		return RATING_STAGE_NONE;
	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (moves[i].from == s && strcmp(moves[i].action, action) == 0)
			return moves[i].to;
	return RATING_STAGE_NONE;
}

int
rating_stage_warn(const struct calendar *cal, int32_t due_day, int32_t today)
{
	if (due_day == CALENDAR_NO_DAY)
		return 0;
	if (today > due_day)
		return 2;
	if (calendar_workdays_between(cal, today, due_day) <= 1)
		return 1;
	return 0;
}

const char *
rating_warn_name(int w)
{
	return w == 2 ? "red" : w == 1 ? "yellow" : "green";
}

const char *
rating_rectify_label(const char *kind)
{
	if (kind == NULL)
		return NULL;
	if (strcmp(kind, "immediate") == 0)
		return "立行立改";
	if (strcmp(kind, "plan") == 0)
		return "限期整改";
	if (strcmp(kind, "explain") == 0)
		return "解释说明";
	return NULL;
}

const char *
rating_claim_label(const char *kind)
{
	if (kind == NULL)
		return NULL;
	if (strcmp(kind, "mistaken") == 0)
		return "误评";
	if (strcmp(kind, "malicious") == 0)
		return "恶意差评";
	return NULL;
}
