/* stationing.c - see stationing.h. */
#include "core/stationing.h"

#include <string.h>

int
stationing_mode_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "full") == 0)
		return STATIONING_FULL;
	if (strcmp(s, "delegated") == 0)
		return STATIONING_DELEGATED;
	if (strcmp(s, "none") == 0)
		return STATIONING_NONE;
	return -1;
}

const char *
stationing_mode_label(enum stationing_mode m)
{
	switch (m) {
	case STATIONING_FULL:
		return "成建制进驻";
	case STATIONING_DELEGATED:
		return "委托综合窗口受理";
	case STATIONING_NONE:
		return "不进驻";
	}
	return "";
}

enum acceptance_place
stationing_acceptance_place(bool item_stationed, enum stationing_mode m)
{
	if (item_stationed && m != STATIONING_NONE)
		return ACCEPT_AT_HALL_WINDOW;
	return ACCEPT_BY_DEPARTMENT;
}

unsigned
stationing_flags(const struct stationing_facts *f)
{
	unsigned fl = 0;

	switch (f->mode) {
	case STATIONING_NONE:
		if (!f->has_reason)
			fl |= STATIONING_FLAG_NO_REASON;
		if (f->stationed_items > 0)
			fl |= STATIONING_FLAG_NONE_STATIONED;
		break;
	case STATIONING_DELEGATED:
		if (f->own_window_items > 0)
			fl |= STATIONING_FLAG_DELEGATED_OWN;
		if (f->comprehensive_items < f->stationed_items)
			fl |= STATIONING_FLAG_DELEGATED_NOT_COMP;
		break;
	case STATIONING_FULL:
		if (f->own_window_items < f->stationed_items)
			fl |= STATIONING_FLAG_FULL_NOT_OWN;
		break;
	}
	if (f->mode != STATIONING_NONE && f->uncarried_items > 0)
		fl |= STATIONING_FLAG_UNCARRIED;
	if (f->items > 0 && !f->has_responsible)
		fl |= STATIONING_FLAG_NO_RESPONSIBLE;
	return fl;
}

static const struct {
	unsigned flag;
	const char *code, *text;
} flags[STATIONING_FLAG_COUNT] = {
	{ STATIONING_FLAG_NO_REASON, "no_reason",
	    "未进驻大厅，但未记录经批准的不进驻原因" },
	{ STATIONING_FLAG_DELEGATED_OWN, "delegated_own_window",
	    "委托综合窗口受理，但本部门窗口仍在受理其事项" },
	{ STATIONING_FLAG_DELEGATED_NOT_COMP, "delegated_not_comprehensive",
	    "委托综合窗口受理，但有进驻事项未由综合窗口受理" },
	{ STATIONING_FLAG_FULL_NOT_OWN, "full_not_own_window",
	    "成建制进驻，但有进驻事项未由本部门窗口受理" },
	{ STATIONING_FLAG_NONE_STATIONED, "none_but_stationed",
	    "部门未进驻，但有事项标为进驻大厅" },
	{ STATIONING_FLAG_UNCARRIED, "uncarried_items",
	    "有进驻事项没有任何窗口受理，网上申请无人接收" },
	{ STATIONING_FLAG_NO_RESPONSIBLE, "no_responsible",
	    "有审批事项，但未明确责任人员（须为在岗工作人员账号）" },
};

const char *
stationing_flag_code(unsigned flag)
{
	for (size_t i = 0; i < STATIONING_FLAG_COUNT; i++)
		if (flags[i].flag == flag)
			return flags[i].code;
	return NULL;
}

const char *
stationing_flag_text(unsigned flag)
{
	for (size_t i = 0; i < STATIONING_FLAG_COUNT; i++)
		if (flags[i].flag == flag)
			return flags[i].text;
	return NULL;
}
