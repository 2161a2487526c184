#include "core/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A WORKFLOW_ROLE_APPLICANT
#define C WORKFLOW_ROLE_CLERK
#define P WORKFLOW_ROLE_APPROVER
#define D WORKFLOW_ROLE_DEPT_ADMIN

static const struct workflow_def default_def = {
	.version = WORKFLOW_VERSION,
	.initial = "submitted",
	.n_states = 13,
	.states = {
		{ "submitted", "待受理", WORKFLOW_CLOCK_NONE, 0, false },
		{ "supplement", "待补正", WORKFLOW_CLOCK_STOPPED, 0, false },
		{ "accepted", "已受理", WORKFLOW_CLOCK_RUNNING, 10, false },
		{ "review", "审查中", WORKFLOW_CLOCK_RUNNING, 50, false },
		{ "suspended", "暂停计时", WORKFLOW_CLOCK_STOPPED, 0, false },
		{ "decide", "待决定", WORKFLOW_CLOCK_RUNNING, 20, false },
		{ "certify", "制证中", WORKFLOW_CLOCK_RUNNING, 20, false },
		{ "done", "已办结", WORKFLOW_CLOCK_NONE, 0, true },
		{ "rejected", "不予受理", WORKFLOW_CLOCK_NONE, 0, true },
		{ "denied", "不予许可", WORKFLOW_CLOCK_NONE, 0, true },
		{ "withdrawn", "已撤回", WORKFLOW_CLOCK_NONE, 0, true },
		{ "terminated", "已退办", WORKFLOW_CLOCK_NONE, 0, true },
		{ "revoked", "已撤销", WORKFLOW_CLOCK_NONE, 0, true },
	},
	.n_actions = 30,
	.actions = {
		/* before acceptance (window) */
		{ "accept", "受理", "submitted", "accepted", C, false, false },
		{ "request_supplement", "一次性告知补正", "submitted",
		    "supplement", C, false, true },
		{ "reject", "不予受理", "submitted", "rejected", C, false,
		    true },
		{ "withdraw", "撤回", "submitted", "withdrawn", A, false, false },
		{ "resubmit", "提交补正材料", "supplement", "submitted", A | C,
		    false, false },
		{ "accept", "受理", "supplement", "accepted", C, false, false },
		{ "terminate", "终止办理", "supplement", "terminated", C, false,
		    true },
		{ "withdraw", "撤回", "supplement", "withdrawn", A, false, false },
		/* accepted: the window sends it to the back office */
		{ "forward", "分送审查", "accepted", "review", C, false, false },
		{ "terminate", "终止办理", "accepted", "terminated", C | P, false,
		    true },
		{ "withdraw", "撤回", "accepted", "withdrawn", A, false, false },
		/* review (department, or the window when authorised) */
		{ "pass", "审查通过", "review", "decide", P, true, false },
		{ "request_more", "要求补正", "review", "suspended", P, true,
		    true },
		{ "special_procedure", "启动特别程序", "review", "suspended", P,
		    true, true },
		{ "terminate", "终止办理", "review", "terminated", P, true, true },
		{ "revoke", "撤销（虚假承诺）", "review", "revoked", P | D, false,
		    true },
		{ "withdraw", "撤回", "review", "withdrawn", A, false, false },
		/* clock stopped */
		{ "resume", "恢复审查", "suspended", "review", P, true, false },
		{ "terminate", "终止办理", "suspended", "terminated", P, true, true },
		{ "withdraw", "撤回", "suspended", "withdrawn", A, false, false },
		/* decision */
		{ "approve", "准予许可", "decide", "certify", P, true, false },
		{ "deny", "不予许可", "decide", "denied", P, true, true },
		{ "terminate", "终止办理", "decide", "terminated", P, true, true },
		{ "request_more", "要求补正", "decide", "suspended", P, true,
		    true },
		{ "special_procedure", "启动特别程序", "decide", "suspended", P,
		    true, true },
		{ "revoke", "撤销（虚假承诺）", "decide", "revoked", P | D, false,
		    true },
		{ "withdraw", "撤回", "decide", "withdrawn", A, false, false },
		/* certificate back to the window for delivery */
		{ "deliver", "出证", "certify", "done", C, false, false },
		{ "revoke", "撤销（虚假承诺）", "certify", "revoked", P | D,
		    false, true },
		/* after 办结: a false commitment found in 核查 */
		{ "revoke", "撤销（虚假承诺）", "done", "revoked", P | D, false,
		    true },
	},
};

#undef A
#undef C
#undef P
#undef D

static const struct {
	unsigned bit;
	const char *name;
	const char *label;
} roles[] = {
	{ WORKFLOW_ROLE_APPLICANT, "applicant", "申请人" },
	{ WORKFLOW_ROLE_CLERK, "clerk", "窗口人员" },
	{ WORKFLOW_ROLE_APPROVER, "approver", "审批人员" },
	{ WORKFLOW_ROLE_DEPT_ADMIN, "dept_admin", "部门管理员" },
	{ WORKFLOW_ROLE_HALL_ADMIN, "hall_admin", "大厅管理员" },
	{ WORKFLOW_ROLE_SUPERVISOR, "supervisor", "督查人员" },
	{ WORKFLOW_ROLE_SYSADMIN, "sysadmin", "系统管理员" },
};
#define N_ROLES (sizeof(roles) / sizeof(roles[0]))

static const char *const clocks[] = { "none", "running", "stopped" };

const struct workflow_def *
workflow_default(void)
{
	return &default_def;
}

const char *
workflow_role_name(unsigned bit)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (roles[i].bit == bit)
			return roles[i].name;
	return "";
}

const char *
workflow_role_label(unsigned bit)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (roles[i].bit == bit)
			return roles[i].label;
	return "";
}

unsigned
workflow_role_parse(const char *name)
{
	for (size_t i = 0; name != NULL && i < N_ROLES; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].bit;
	return 0;
}

const char *
workflow_clock_name(enum workflow_clock c)
{
	if ((int)c < 0 || (size_t)c >= sizeof(clocks) / sizeof(clocks[0]))
		return "";
	return clocks[c];
}

int
workflow_clock_parse(const char *name)
{
	for (size_t i = 0; name != NULL && i < sizeof(clocks) / sizeof(clocks[0]);
	    i++)
		if (strcmp(clocks[i], name) == 0)
			return (int)i;
	return -1;
}

const struct workflow_state *
workflow_find_state(const struct workflow_def *def, const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < def->n_states; i++)
		if (strcmp(def->states[i].code, code) == 0)
			return &def->states[i];
	return NULL;
}

const struct workflow_action *
workflow_find_action(const struct workflow_def *def, const char *state,
    const char *action)
{
	if (state == NULL || action == NULL)
		return NULL;
	for (size_t i = 0; i < def->n_actions; i++)
		if (strcmp(def->actions[i].from, state) == 0 &&
		    strcmp(def->actions[i].code, action) == 0)
			return &def->actions[i];
	return NULL;
}

/* Any action with this code (for its label), or NULL. */
static const struct workflow_action *
any_action(const struct workflow_def *def, const char *code)
{
	for (size_t i = 0; i < def->n_actions; i++)
		if (strcmp(def->actions[i].code, code) == 0)
			return &def->actions[i];
	return NULL;
}

static unsigned
allowed_roles(const struct workflow_action *a, bool window_authorised)
{
	unsigned r = a->roles;

	if (a->window && window_authorised)
		r |= WORKFLOW_ROLE_CLERK;
	return r;
}

/* "窗口人员、审批人员" into out. */
static void
roles_text(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < N_ROLES; i++) {
		int w;

		if ((mask & roles[i].bit) == 0)
			continue;
		w = snprintf(out + len, outsz - len, "%s%s",
		    len > 0 ? "、" : "", roles[i].label);
		if (w < 0 || (size_t)w >= outsz - len)
			return;
		len += (size_t)w;
	}
}

bool
workflow_decider_allowed(int64_t accepted_by, int64_t decider,
    bool window_authorised, unsigned decider_roles)
{
	if (accepted_by <= 0 || decider <= 0 || accepted_by != decider)
		return true;
	return window_authorised && (decider_roles & WORKFLOW_ROLE_CLERK);
}

int
workflow_roles_compatible(unsigned mask, struct err *e)
{
	static const struct {
		unsigned a, b;
	} pairs[] = {
		{ WORKFLOW_ROLE_CLERK, WORKFLOW_ROLE_APPROVER },
		{ WORKFLOW_ROLE_SUPERVISOR, WORKFLOW_ROLE_CLERK },
		{ WORKFLOW_ROLE_SUPERVISOR, WORKFLOW_ROLE_APPROVER },
		{ WORKFLOW_ROLE_SUPERVISOR, WORKFLOW_ROLE_DEPT_ADMIN },
		{ WORKFLOW_ROLE_SUPERVISOR, WORKFLOW_ROLE_HALL_ADMIN },
		{ WORKFLOW_ROLE_SUPERVISOR, WORKFLOW_ROLE_SYSADMIN },
		{ WORKFLOW_ROLE_HALL_ADMIN, WORKFLOW_ROLE_CLERK },
		{ WORKFLOW_ROLE_HALL_ADMIN, WORKFLOW_ROLE_APPROVER },
		{ WORKFLOW_ROLE_HALL_ADMIN, WORKFLOW_ROLE_DEPT_ADMIN },
	};

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if ((mask & pairs[i].a) && (mask & pairs[i].b))
			return err_field(e, ERR_UNPROCESSABLE, "roles",
			    "roles_conflict", "不相容岗位不能由一人兼任：%s与%s",
			    workflow_role_label(pairs[i].a),
			    workflow_role_label(pairs[i].b));
	return 0;
}

/* True for a well-formed code: [a-z][a-z0-9_]*, shorter than
 * WORKFLOW_CODE_BYTES. */
static bool
code_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= WORKFLOW_CODE_BYTES - 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '_'))
			return false;
	}
	return true;
}

int
workflow_check(const struct workflow_def *def, const char *state,
    const char *action, unsigned actor_roles, bool window_authorised,
    const char **next_state, struct err *e)
{
	const struct workflow_state *st;
	const struct workflow_action *a, *any;
	char need[256];

	*next_state = NULL;
	any = (action != NULL && code_valid(action)) ? any_action(def, action) :
	    NULL;
	if (any == NULL) {
		if (action != NULL && code_valid(action))
			return err_field(e, ERR_INVALID, "action",
			    "unknown_action", "未知的办理操作“%s”", action);
		return err_field(e, ERR_INVALID, "action", "unknown_action",
		    "未知的办理操作");
	}
	st = workflow_find_state(def, state);
	if (st == NULL)
		return err_set(e, ERR_CONFLICT, "invalid_transition",
		    "当前状态不在办理流程中，不能执行“%s”操作", any->label);
	a = workflow_find_action(def, state, action);
	if (a == NULL)
		return err_set(e, ERR_CONFLICT, "invalid_transition",
		    "当前状态“%s”不能执行“%s”操作", st->label, any->label);
	if ((actor_roles & allowed_roles(a, window_authorised)) == 0 &&
	    strcmp(a->code, "withdraw") == 0)
		return err_set(e, ERR_FORBIDDEN, "action_forbidden",
		    "撤回申请只能由申请人本人提出；工作人员结束办件须依法作出"
		    "不予受理、不予许可或终止办理决定，并说明理由");
	if ((actor_roles & allowed_roles(a, window_authorised)) == 0) {
		roles_text(allowed_roles(a, window_authorised), need,
		    sizeof(need));
		return err_set(e, ERR_FORBIDDEN, "action_forbidden",
		    "无权执行“%s”操作（限%s）", a->label, need);
	}
	*next_state = a->to;
	return 0;
}

size_t
workflow_available(const struct workflow_def *def, const char *state,
    unsigned actor_roles, bool window_authorised,
    const struct workflow_action **out, size_t max)
{
	size_t n = 0;

	if (state == NULL)
		return 0;
	for (size_t i = 0; i < def->n_actions; i++) {
		const struct workflow_action *a = &def->actions[i];

		if (strcmp(a->from, state) != 0 ||
		    (actor_roles & allowed_roles(a, window_authorised)) == 0)
			continue;
		if (n < max)
			out[n] = a;
		n++;
	}
	return n;
}

/* ---- validation ---- */

/* 1..WORKFLOW_LABEL_CHARS code points of valid UTF-8, no control
 * characters, fits the buffer. */
static bool
label_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	if (s == NULL || *p == '\0' || strlen(s) >= WORKFLOW_LABEL_BYTES)
		return false;
	while (*p != '\0') {
		unsigned c = *p;
		int extra;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			extra = 0;
		} else if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			if ((c == 0xe0 && p[1] < 0xa0) ||
			    (c == 0xed && p[1] >= 0xa0))
				return false;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			if ((c == 0xf0 && p[1] < 0x90) ||
			    (c == 0xf4 && p[1] >= 0x90))
				return false;
		} else {
			return false;
		}
		for (int i = 1; i <= extra; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += extra + 1;
		chars++;
	}
	return chars <= WORKFLOW_LABEL_CHARS;
}

static int
state_index(const struct workflow_def *def, const char *code)
{
	for (size_t i = 0; i < def->n_states; i++)
		if (strcmp(def->states[i].code, code) == 0)
			return (int)i;
	return -1;
}

#define BAD(...) err_field(e, ERR_UNPROCESSABLE, "workflow", \
    "invalid_workflow", __VA_ARGS__)

int
workflow_validate(const struct workflow_def *def, struct err *e)
{
	bool reach[WORKFLOW_MAX_STATES] = { false };
	bool done[WORKFLOW_MAX_STATES] = { false };
	bool changed, any_terminal = false;
	int share = 0, init;
	size_t i, j;

	if (def->version != WORKFLOW_VERSION)
		return BAD("办理流程版本应为 %d", WORKFLOW_VERSION);
	if (def->n_states == 0 || def->n_states > WORKFLOW_MAX_STATES)
		return BAD("办理流程应有 1 至 %d 个状态", WORKFLOW_MAX_STATES);
	if (def->n_actions > WORKFLOW_MAX_ACTIONS)
		return BAD("办理流程最多 %d 个操作", WORKFLOW_MAX_ACTIONS);
	for (i = 0; i < def->n_states; i++) {
		const struct workflow_state *s = &def->states[i];

		if (!code_valid(s->code))
			return BAD("第 %zu 个状态的代码无效（小写字母开头，"
			    "仅含小写字母、数字、下划线，不超过 %d 个字符）",
			    i + 1, WORKFLOW_CODE_BYTES - 1);
		if (!label_valid(s->label))
			return BAD("状态“%s”的名称应为 1 至 %d 个字符", s->code,
			    WORKFLOW_LABEL_CHARS);
		if ((int)s->clock < WORKFLOW_CLOCK_NONE ||
		    s->clock > WORKFLOW_CLOCK_STOPPED)
			return BAD("状态“%s”的计时方式无效", s->label);
		if (s->share < 0 || s->share > 100)
			return BAD("状态“%s”的时限占比应为 0 至 100", s->label);
		if (s->terminal && s->clock != WORKFLOW_CLOCK_NONE)
			return BAD("终结状态“%s”不能计时", s->label);
		for (j = 0; j < i; j++)
			if (strcmp(def->states[j].code, s->code) == 0)
				return BAD("状态“%s”重复", s->code);
		share += s->share;
		if (s->terminal)
			any_terminal = true;
	}
	if (share > 100)
		return BAD("各状态的时限占比之和超过 100");
	if (!any_terminal)
		return BAD("办理流程没有终结状态");
	init = state_index(def, def->initial);
	if (init < 0)
		return BAD("初始状态“%s”不存在",
		    code_valid(def->initial) ? def->initial : "");
	if (def->states[init].terminal)
		return BAD("初始状态不能是终结状态");

	for (i = 0; i < def->n_actions; i++) {
		const struct workflow_action *a = &def->actions[i];
		const struct workflow_action *first;

		if (!code_valid(a->code))
			return BAD("第 %zu 个操作的代码无效", i + 1);
		if (!label_valid(a->label))
			return BAD("操作“%s”的名称应为 1 至 %d 个字符", a->code,
			    WORKFLOW_LABEL_CHARS);
		if (!code_valid(a->from) || state_index(def, a->from) < 0)
			return BAD("操作“%s”的起始状态“%s”不存在", a->label,
			    code_valid(a->from) ? a->from : "");
		if (!code_valid(a->to) || state_index(def, a->to) < 0)
			return BAD("操作“%s”的目标状态“%s”不存在", a->label,
			    code_valid(a->to) ? a->to : "");
		if (a->roles == 0 || (a->roles & ~WORKFLOW_ROLE_ALL) != 0)
			return BAD("操作“%s”的角色无效", a->label);
		for (j = 0; j < i; j++)
			if (strcmp(def->actions[j].code, a->code) == 0 &&
			    strcmp(def->actions[j].from, a->from) == 0)
				return BAD("状态“%s”的操作“%s”重复", a->from,
				    a->code);
		first = any_action(def, a->code);
		if (first != a && strcmp(first->label, a->label) != 0)
			return BAD("操作“%s”在不同状态下的名称不一致", a->code);
		/* 撤回申请 is the applicant's act alone: staff end a case
		 * only by 不予受理, 不予许可 or 终止办理, each with a reason
		 * and a notice (行政许可法 §32, §38). */
		if (strcmp(a->code, "withdraw") == 0 &&
		    (a->roles != WORKFLOW_ROLE_APPLICANT || a->window))
			return BAD("操作“%s”（撤回申请）只能由申请人执行；工作人员"
			    "只能以不予受理、不予许可或终止办理结束办件",
			    a->label);
	}

	/* Forward reachability from the initial state. */
	reach[init] = true;
	do {
		changed = false;
		for (i = 0; i < def->n_actions; i++) {
			int f = state_index(def, def->actions[i].from);
			int t = state_index(def, def->actions[i].to);

			if (reach[f] && !reach[t]) {
				reach[t] = true;
				changed = true;
			}
		}
	} while (changed);
	for (i = 0; i < def->n_states; i++)
		if (!reach[i])
			return BAD("%s“%s”无法从初始状态到达",
			    def->states[i].terminal ? "终结状态" : "状态",
			    def->states[i].label);

	/* Backward: every state can end. */
	for (i = 0; i < def->n_states; i++)
		done[i] = def->states[i].terminal;
	do {
		changed = false;
		for (i = 0; i < def->n_actions; i++) {
			int f = state_index(def, def->actions[i].from);
			int t = state_index(def, def->actions[i].to);

			if (done[t] && !done[f]) {
				done[f] = true;
				changed = true;
			}
		}
	} while (changed);
	for (i = 0; i < def->n_states; i++)
		if (!done[i])
			return BAD("状态“%s”无法到达任何终结状态",
			    def->states[i].label);
	return 0;
}

/* ---- JSON ---- */

#define SHAPE(...) err_field(e, ERR_INVALID, "workflow", "invalid_workflow", \
    __VA_ARGS__)

/* Copies a JSON string member into dst; required unless opt. */
static int
get_str(const json_t *obj, const char *key, char *dst, size_t dstsz,
    bool opt, const char *what, struct err *e)
{
	const json_t *v = json_object_get(obj, key);
	const char *s;

	if (v == NULL && opt)
		return 0;
	if (!json_is_string(v))
		return SHAPE("%s缺少字符串字段“%s”", what, key);
	s = json_string_value(v);
	if (strlen(s) >= dstsz || strlen(s) != json_string_length(v))
		return SHAPE("%s的字段“%s”过长或含有空字符", what, key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int
get_bool(const json_t *obj, const char *key, bool *dst, const char *what,
    struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		*dst = false;
		return 0;
	}
	if (!json_is_boolean(v))
		return SHAPE("%s的字段“%s”应为 true 或 false", what, key);
	*dst = json_is_true(v);
	return 0;
}

/* Refuses members not in the NULL-terminated list. */
static int
only_keys(const json_t *obj, const char *const *keys, const char *what,
    struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)obj, k, v) {
		size_t i;

		(void)v;
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], k) == 0)
				break;
		if (keys[i] == NULL)
			return SHAPE("%s含有未知字段“%s”", what,
			    code_valid(k) ? k : "?");
	}
	return 0;
}

static int
parse_state(const json_t *js, size_t idx, struct workflow_state *s,
    struct err *e)
{
	static const char *const keys[] = {
		"code", "label", "clock", "share", "terminal", NULL
	};
	char what[48], clock[16];
	const json_t *v;
	int rc, c;

	snprintf(what, sizeof(what), "第 %zu 个状态", idx + 1);
	if (!json_is_object(js))
		return SHAPE("%s应为对象", what);
	rc = only_keys(js, keys, what, e);
	if (rc == 0)
		rc = get_str(js, "code", s->code, sizeof(s->code), false,
		    what, e);
	if (rc == 0)
		rc = get_str(js, "label", s->label, sizeof(s->label), false,
		    what, e);
	if (rc != 0)
		return rc;
	snprintf(clock, sizeof(clock), "none");
	rc = get_str(js, "clock", clock, sizeof(clock), true, what, e);
	if (rc != 0)
		return rc;
	c = workflow_clock_parse(clock);
	if (c < 0)
		return SHAPE("%s的计时方式应为 none、running 或 stopped", what);
	s->clock = (enum workflow_clock)c;
	v = json_object_get(js, "share");
	if (v != NULL && !json_is_integer(v))
		return SHAPE("%s的时限占比应为整数", what);
	s->share = 0;
	if (v != NULL) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > 100)
			return SHAPE("%s的时限占比应为 0 至 100", what);
		s->share = (int)n;
	}
	return get_bool(js, "terminal", &s->terminal, what, e);
}

/* Parses one action object; a "from" array expands to several actions. */
static int
parse_action(const json_t *ja, size_t idx, struct workflow_def *def,
    struct err *e)
{
	static const char *const keys[] = {
		"code", "label", "from", "to", "roles", "window", "reason",
		NULL
	};
	struct workflow_action a;
	char what[48];
	const json_t *from, *jr, *v;
	size_t i, nfrom;
	int rc;

	memset(&a, 0, sizeof(a));
	snprintf(what, sizeof(what), "第 %zu 个操作", idx + 1);
	if (!json_is_object(ja))
		return SHAPE("%s应为对象", what);
	rc = only_keys(ja, keys, what, e);
	if (rc == 0)
		rc = get_str(ja, "code", a.code, sizeof(a.code), false, what,
		    e);
	if (rc == 0)
		rc = get_str(ja, "label", a.label, sizeof(a.label), false,
		    what, e);
	if (rc == 0)
		rc = get_str(ja, "to", a.to, sizeof(a.to), false, what, e);
	if (rc == 0)
		rc = get_bool(ja, "window", &a.window, what, e);
	if (rc == 0)
		rc = get_bool(ja, "reason", &a.reason, what, e);
	if (rc != 0)
		return rc;
	jr = json_object_get(ja, "roles");
	if (!json_is_array(jr) || json_array_size(jr) == 0)
		return SHAPE("%s的角色应为非空数组", what);
	json_array_foreach(jr, i, v) {
		unsigned bit = json_is_string(v) ?
		    workflow_role_parse(json_string_value(v)) : 0;

		if (bit == 0)
			return SHAPE("%s含有未知角色", what);
		a.roles |= bit;
	}
	from = json_object_get(ja, "from");
	if (json_is_string(from)) {
		nfrom = 1;
	} else if (json_is_array(from) && json_array_size(from) > 0) {
		nfrom = json_array_size(from);
	} else {
		return SHAPE("%s的起始状态应为字符串或非空数组", what);
	}
	for (i = 0; i < nfrom; i++) {
		const json_t *f = json_is_string(from) ? from :
		    json_array_get(from, i);
		const char *fs;

		if (!json_is_string(f))
			return SHAPE("%s的起始状态应为字符串", what);
		fs = json_string_value(f);
		if (strlen(fs) >= sizeof(a.from) ||
		    strlen(fs) != json_string_length(f))
			return SHAPE("%s的起始状态过长", what);
		if (def->n_actions >= WORKFLOW_MAX_ACTIONS)
			return SHAPE("办理流程最多 %d 个操作",
			    WORKFLOW_MAX_ACTIONS);
		memcpy(a.from, fs, strlen(fs) + 1);
		def->actions[def->n_actions++] = a;
	}
	return 0;
}

int
workflow_from_json(const json_t *j, struct workflow_def **out,
    struct err *e)
{
	static const char *const keys[] = {
		"version", "initial", "states", "actions", NULL
	};
	struct workflow_def *def;
	const json_t *v, *states, *actions;
	size_t i;
	int rc;

	*out = NULL;
	if (!json_is_object(j))
		return SHAPE("办理流程应为 JSON 对象");
	rc = only_keys(j, keys, "办理流程", e);
	if (rc != 0)
		return rc;
	def = calloc(1, sizeof(*def));
	if (def == NULL)
		return err_set(e, ERR_INTERNAL, NULL, "内存不足");
	v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != WORKFLOW_VERSION) {
		rc = SHAPE("办理流程版本应为 %d", WORKFLOW_VERSION);
		goto fail;
	}
	def->version = WORKFLOW_VERSION;
	rc = get_str(j, "initial", def->initial, sizeof(def->initial), false,
	    "办理流程", e);
	if (rc != 0)
		goto fail;
	states = json_object_get(j, "states");
	actions = json_object_get(j, "actions");
	if (!json_is_array(states) || json_array_size(states) == 0 ||
	    json_array_size(states) > WORKFLOW_MAX_STATES) {
		rc = SHAPE("办理流程的状态应为 1 至 %d 项的数组",
		    WORKFLOW_MAX_STATES);
		goto fail;
	}
	if (!json_is_array(actions) ||
	    json_array_size(actions) > WORKFLOW_MAX_ACTIONS) {
		rc = SHAPE("办理流程的操作应为不超过 %d 项的数组",
		    WORKFLOW_MAX_ACTIONS);
		goto fail;
	}
	json_array_foreach(states, i, v) {
		rc = parse_state(v, i, &def->states[i], e);
		if (rc != 0)
			goto fail;
		def->n_states++;
	}
	json_array_foreach(actions, i, v) {
		rc = parse_action(v, i, def, e);
		if (rc != 0)
			goto fail;
	}
	rc = workflow_validate(def, e);
	if (rc != 0)
		goto fail;
	*out = def;
	return 0;
fail:
	free(def);
	return rc;
}

json_t *
workflow_to_json(const struct workflow_def *def)
{
	json_t *root, *states, *actions;
	size_t i;

	root = json_pack("{s:i, s:s, s:[], s:[]}", "version", def->version,
	    "initial", def->initial, "states", "actions");
	if (root == NULL)
		return NULL;
	states = json_object_get(root, "states");
	actions = json_object_get(root, "actions");
	for (i = 0; i < def->n_states; i++) {
		const struct workflow_state *s = &def->states[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:b}",
		    "code", s->code, "label", s->label,
		    "clock", workflow_clock_name(s->clock),
		    "share", s->share, "terminal", s->terminal);

		if (o == NULL || json_array_append_new(states, o) != 0)
			goto fail;
	}
	for (i = 0; i < def->n_actions; i++) {
		const struct workflow_action *a = &def->actions[i];
		json_t *r = json_array(), *o;

		if (r == NULL)
			goto fail;
		for (size_t k = 0; k < N_ROLES; k++) {
			if ((a->roles & roles[k].bit) == 0)
				continue;
			if (json_array_append_new(r,
			    json_string(roles[k].name)) != 0) {
				json_decref(r);
				goto fail;
			}
		}
		/* "o" takes the reference to r, also on failure. */
		o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:b}",
		    "code", a->code, "label", a->label, "from", a->from,
		    "to", a->to, "roles", r, "window", a->window,
		    "reason", a->reason);
		if (o == NULL || json_array_append_new(actions, o) != 0)
			goto fail;
	}
	return root;
fail:
	json_decref(root);
	return NULL;
}

void
workflow_free(struct workflow_def *def)
{
	if (def == NULL || def == &default_def)
		return;
	free(def);
}
