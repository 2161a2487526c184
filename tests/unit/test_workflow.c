/* Unit tests for core/workflow: the default case state machine, role and
 * state checks, and JSON definitions. */
#include "unit.h"

#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "core/workflow.h"
#include "service/platform/platform.h"

#define ALL WORKFLOW_ROLE_ALL

static void
role_bits_match_the_service_layer(void **state)
{
	(void)state;
	assert_int_equal(WORKFLOW_ROLE_APPLICANT, ROLE_APPLICANT);
	assert_int_equal(WORKFLOW_ROLE_CLERK, ROLE_CLERK);
	assert_int_equal(WORKFLOW_ROLE_APPROVER, ROLE_APPROVER);
	assert_int_equal(WORKFLOW_ROLE_DEPT_ADMIN, ROLE_DEPT_ADMIN);
	assert_int_equal(WORKFLOW_ROLE_HALL_ADMIN, ROLE_HALL_ADMIN);
	assert_int_equal(WORKFLOW_ROLE_SUPERVISOR, ROLE_SUPERVISOR);
	assert_int_equal(WORKFLOW_ROLE_SYSADMIN, ROLE_SYSADMIN);
	assert_int_equal(WORKFLOW_ROLE_ALL, ROLE_STAFF_ANY | ROLE_APPLICANT);
	for (unsigned bit = 1; bit <= ROLE_SYSADMIN; bit <<= 1) {
		assert_string_equal(workflow_role_name(bit), role_name(bit));
		assert_string_equal(workflow_role_label(bit), role_label(bit));
		assert_int_equal(workflow_role_parse(role_name(bit)), bit);
	}
	assert_int_equal(workflow_role_parse("boss"), 0);
	assert_int_equal(workflow_role_parse(NULL), 0);
}

static void
default_definition_is_valid_and_complete(void **state)
{
	const struct workflow_def *def = workflow_default();
	static const char *const expect_states[] = {
		"submitted", "supplement", "accepted", "review", "suspended",
		"decide", "certify", "done", "rejected", "denied", "withdrawn",
		"terminated", "revoked",
	};
	struct err e;

	(void)state;
	assert_int_equal(workflow_validate(def, &e), 0);
	assert_int_equal(def->n_states, 13);
	for (size_t i = 0; i < 13; i++)
		assert_non_null(workflow_find_state(def, expect_states[i]));
	/* The counts match the initialisers: no entry missing or unused. */
	assert_int_not_equal(def->actions[def->n_actions - 1].code[0], '\0');
	assert_int_equal(def->actions[def->n_actions].code[0], '\0');
	assert_int_equal(def->states[def->n_states].code[0], '\0');
	assert_string_equal(def->initial, "submitted");
	assert_string_equal(workflow_find_state(def, "review")->label, "审查中");
	assert_int_equal(workflow_find_state(def, "supplement")->clock,
	    WORKFLOW_CLOCK_STOPPED);
	assert_int_equal(workflow_find_state(def, "suspended")->clock,
	    WORKFLOW_CLOCK_STOPPED);
	assert_int_equal(workflow_find_state(def, "review")->clock,
	    WORKFLOW_CLOCK_RUNNING);
	assert_int_equal(workflow_find_state(def, "submitted")->clock,
	    WORKFLOW_CLOCK_NONE);
	assert_true(workflow_find_state(def, "done")->terminal);
	assert_false(workflow_find_state(def, "certify")->terminal);
	assert_null(workflow_find_state(def, "limbo"));
	assert_null(workflow_find_state(def, NULL));
}

struct step {
	const char *from, *action, *to;
	unsigned who;          /* a role that may do it */
	unsigned not_who;      /* a role that may not (0: skip) */
	bool window;           /* clerk allowed only when window-authorised */
	bool reason;
};

#define A ROLE_APPLICANT
#define C ROLE_CLERK
#define P ROLE_APPROVER
#define DA ROLE_DEPT_ADMIN
#define H ROLE_HALL_ADMIN

/* Every allowed transition of the default, with who may and may not. */
static const struct step steps[] = {
	{ "submitted", "accept", "accepted", C, P, false, false },
	{ "submitted", "request_supplement", "supplement", C, A, false, true },
	{ "submitted", "reject", "rejected", C, P, false, true },
	{ "submitted", "withdraw", "withdrawn", A, C, false, false },
	{ "supplement", "resubmit", "submitted", A, P, false, false },
	{ "supplement", "accept", "accepted", C, A, false, false },
	{ "supplement", "terminate", "terminated", C, A, false, true },
	{ "supplement", "withdraw", "withdrawn", A, H, false, false },
	{ "accepted", "forward", "review", C, P, false, false },
	{ "accepted", "terminate", "terminated", P, A, false, true },
	{ "accepted", "withdraw", "withdrawn", A, C, false, false },
	{ "review", "pass", "decide", P, C, true, false },
	{ "review", "request_more", "suspended", P, A, true, true },
	{ "review", "special_procedure", "suspended", P, C, true, true },
	{ "review", "terminate", "terminated", P, A, true, true },
	{ "review", "revoke", "revoked", DA, C, false, true },
	{ "review", "withdraw", "withdrawn", A, C, false, false },
	{ "suspended", "resume", "review", P, A, true, false },
	{ "suspended", "terminate", "terminated", P, H, true, true },
	{ "suspended", "withdraw", "withdrawn", A, C, false, false },
	{ "decide", "approve", "certify", P, C, true, false },
	{ "decide", "deny", "denied", P, A, true, true },
	{ "decide", "terminate", "terminated", P, A, true, true },
	{ "decide", "request_more", "suspended", P, A, true, true },
	{ "decide", "special_procedure", "suspended", P, A, true, true },
	{ "decide", "revoke", "revoked", P, C, false, true },
	{ "decide", "withdraw", "withdrawn", A, DA, false, false },
	{ "certify", "deliver", "done", C, P, false, false },
	{ "certify", "revoke", "revoked", P, C, false, true },
	{ "done", "revoke", "revoked", DA, C, false, true },
};

static void
every_allowed_transition_works(void **state)
{
	const struct workflow_def *def = workflow_default();
	const char *next;
	struct err e;

	(void)state;
	assert_int_equal(def->n_actions, sizeof(steps) / sizeof(steps[0]));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const struct step *s = &steps[i];
		const struct workflow_action *a =
		    workflow_find_action(def, s->from, s->action);

		assert_non_null(a);
		assert_int_equal(a->reason, s->reason);
		assert_int_equal(a->window, s->window);
		next = NULL;
		if (workflow_check(def, s->from, s->action, s->who, false,
		    &next, &e) != 0)
			fail_msg("%s/%s: %s", s->from, s->action, e.msg);
		assert_string_equal(next, s->to);
		if (s->not_who != 0) {
			next = "x";
			assert_int_equal(workflow_check(def, s->from, s->action,
			    s->not_who, false, &next, &e), -ERR_FORBIDDEN);
			assert_null(next);
			assert_string_equal(e.key, "action_forbidden");
		}
		/* The window clerk: only for window actions of authorised
		 * items (or actions that are the clerk's anyway). */
		if (s->window) {
			assert_int_equal(workflow_check(def, s->from, s->action,
			    C, false, &next, &e), -ERR_FORBIDDEN);
			assert_int_equal(workflow_check(def, s->from, s->action,
			    C, true, &next, &e), 0);
			assert_string_equal(next, s->to);
		}
	}
}

static void
every_other_pair_is_a_conflict(void **state)
{
	const struct workflow_def *def = workflow_default();
	const char *next;
	struct err e;
	char want[256];
	int conflicts = 0;

	(void)state;
	for (size_t i = 0; i < def->n_states; i++) {
		const struct workflow_state *st = &def->states[i];

		for (size_t k = 0; k < def->n_actions; k++) {
			const struct workflow_action *a = &def->actions[k];

			if (workflow_find_action(def, st->code, a->code) != NULL)
				continue;
			next = "x";
			assert_int_equal(workflow_check(def, st->code, a->code,
			    ALL, true, &next, &e), -ERR_CONFLICT);
			assert_null(next);
			assert_string_equal(e.key, "invalid_transition");
			snprintf(want, sizeof(want),
			    "当前状态“%s”不能执行“%s”操作", st->label,
			    a->label);
			assert_string_equal(e.msg, want);
			conflicts++;
		}
	}
	assert_true(conflicts > 100);
	assert_int_equal(workflow_check(def, "review", "deliver", ALL, true,
	    &next, &e), -ERR_CONFLICT);
	assert_string_equal(e.msg, "当前状态“审查中”不能执行“出证”操作");
	/* Terminal states other than done allow nothing. */
	assert_int_equal(workflow_check(def, "denied", "approve", ALL, true,
	    &next, &e), -ERR_CONFLICT);
	assert_int_equal(workflow_check(def, "withdrawn", "withdraw", ALL,
	    true, &next, &e), -ERR_CONFLICT);
	/* A state conflict wins over a role problem. */
	assert_int_equal(workflow_check(def, "submitted", "approve", A, false,
	    &next, &e), -ERR_CONFLICT);
}

static void
unknown_actions_and_states(void **state)
{
	const struct workflow_def *def = workflow_default();
	const char *next;
	struct err e;

	(void)state;
	assert_int_equal(workflow_check(def, "review", "fly", ALL, true, &next,
	    &e), -ERR_INVALID);
	assert_string_equal(e.field, "action");
	assert_non_null(strstr(e.msg, "fly"));
	assert_int_equal(workflow_check(def, "review", "<script>", ALL, true,
	    &next, &e), -ERR_INVALID);
	assert_null(strstr(e.msg, "<script>"));
	assert_int_equal(workflow_check(def, "review", NULL, ALL, true, &next,
	    &e), -ERR_INVALID);
	assert_int_equal(workflow_check(def, "limbo", "pass", ALL, true, &next,
	    &e), -ERR_CONFLICT);
	assert_int_equal(workflow_check(def, NULL, "pass", ALL, true, &next,
	    &e), -ERR_CONFLICT);
	/* No roles at all. */
	assert_int_equal(workflow_check(def, "submitted", "accept", 0, true,
	    &next, &e), -ERR_FORBIDDEN);
	assert_non_null(strstr(e.msg, "窗口人员"));
}

static void
happy_path_through_the_window_and_back_office(void **state)
{
	const struct workflow_def *def = workflow_default();
	static const struct {
		const char *action;
		unsigned who;
	} path[] = {
		{ "accept", C }, { "forward", C }, { "pass", P },
		{ "special_procedure", P }, { "resume", P }, { "pass", P },
		{ "approve", P }, { "deliver", C },
	};
	const char *cur = def->initial, *next;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		assert_int_equal(workflow_check(def, cur, path[i].action,
		    path[i].who, false, &next, &e), 0);
		cur = next;
	}
	assert_string_equal(cur, "done");
	assert_true(workflow_find_state(def, cur)->terminal);
	/* A window-authorised item: the clerk alone, end to end. */
	cur = def->initial;
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		assert_int_equal(workflow_check(def, cur, path[i].action, C,
		    true, &next, &e), 0);
		cur = next;
	}
	assert_string_equal(cur, "done");
}

static void
available_actions_depend_on_role_and_window(void **state)
{
	const struct workflow_def *def = workflow_default();
	const struct workflow_action *out[16];
	size_t n;

	(void)state;
	n = workflow_available(def, "submitted", C, false, out, 16);
	assert_int_equal(n, 3); /* no 撤回 for staff */
	assert_string_equal(out[0]->code, "accept");
	assert_string_equal(out[1]->code, "request_supplement");
	assert_string_equal(out[2]->code, "reject");
	assert_int_equal(workflow_available(def, "submitted", A, false, out,
	    16), 1);
	assert_int_equal(workflow_available(def, "review", C, false, out, 16),
	    0); /* no withdrawal on the applicant's behalf */
	assert_int_equal(workflow_available(def, "review", C, true, out, 16),
	    4);
	assert_int_equal(workflow_available(def, "review", P, false, out, 16),
	    5);
	/* Counts beyond max are still reported. */
	assert_int_equal(workflow_available(def, "review", ALL, true, out, 2),
	    6);
	assert_int_equal(workflow_available(def, "done", ALL, true, out, 16),
	    1);
	assert_string_equal(out[0]->code, "revoke");
	for (size_t i = 0; i < def->n_states; i++) {
		const struct workflow_state *st = &def->states[i];

		if (st->terminal && strcmp(st->code, "done") != 0)
			assert_int_equal(workflow_available(def, st->code, ALL,
			    true, out, 16), 0);
	}
	assert_int_equal(workflow_available(def, NULL, ALL, true, out, 16), 0);
}

static void
assert_defs_equal(const struct workflow_def *a, const struct workflow_def *b)
{
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->initial, b->initial);
	assert_int_equal(a->n_states, b->n_states);
	assert_int_equal(a->n_actions, b->n_actions);
	for (size_t i = 0; i < a->n_states; i++) {
		assert_string_equal(a->states[i].code, b->states[i].code);
		assert_string_equal(a->states[i].label, b->states[i].label);
		assert_int_equal(a->states[i].clock, b->states[i].clock);
		assert_int_equal(a->states[i].share, b->states[i].share);
		assert_int_equal(a->states[i].terminal, b->states[i].terminal);
	}
	for (size_t i = 0; i < a->n_actions; i++) {
		const struct workflow_action *x = &a->actions[i];
		const struct workflow_action *y = &b->actions[i];

		assert_string_equal(x->code, y->code);
		assert_string_equal(x->label, y->label);
		assert_string_equal(x->from, y->from);
		assert_string_equal(x->to, y->to);
		assert_int_equal(x->roles, y->roles);
		assert_int_equal(x->window, y->window);
		assert_int_equal(x->reason, y->reason);
	}
}

static void
json_round_trip(void **state)
{
	const struct workflow_def *def = workflow_default();
	struct workflow_def *back = NULL;
	json_t *j, *j2, *first;
	struct err e;
	char *text;

	(void)state;
	j = workflow_to_json(def);
	assert_non_null(j);
	first = json_array_get(json_object_get(j, "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "code")),
	    "accept");
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(first, "roles"), 0)), "clerk");
	/* Through text, as stored in the database. */
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	assert_int_equal(workflow_from_json(j, &back, &e), 0);
	assert_defs_equal(def, back);
	j2 = workflow_to_json(back);
	assert_true(json_equal(j, j2));
	json_decref(j2);
	json_decref(j);
	workflow_free(back);
	workflow_free(NULL);
	workflow_free((struct workflow_def *)workflow_default());
}

static const char small_json[] =
    "{\"version\":1,\"initial\":\"new\",\"states\":["
    "{\"code\":\"new\",\"label\":\"待受理\"},"
    "{\"code\":\"work\",\"label\":\"办理中\",\"clock\":\"running\","
    "\"share\":100},"
    "{\"code\":\"ok\",\"label\":\"已办结\",\"terminal\":true},"
    "{\"code\":\"gone\",\"label\":\"已撤回\",\"terminal\":true}],"
    "\"actions\":["
    "{\"code\":\"accept\",\"label\":\"受理\",\"from\":\"new\","
    "\"to\":\"work\",\"roles\":[\"clerk\"]},"
    "{\"code\":\"finish\",\"label\":\"办结\",\"from\":\"work\","
    "\"to\":\"ok\",\"roles\":[\"approver\"],\"window\":true},"
    "{\"code\":\"withdraw\",\"label\":\"撤回\",\"from\":[\"new\",\"work\"],"
    "\"to\":\"gone\",\"roles\":[\"applicant\"],"
    "\"reason\":true}]}";

static json_t *
small(void)
{
	json_t *j = json_loads(small_json, 0, NULL);

	if (j == NULL)
		fail_msg("small_json does not parse");
	return j;
}

static void
json_definition_for_an_item(void **state)
{
	struct workflow_def *def = NULL;
	const char *next;
	json_t *j = small();
	struct err e;

	(void)state;
	assert_int_equal(workflow_from_json(j, &def, &e), 0);
	json_decref(j);
	assert_int_equal(def->n_states, 4);
	/* The "from" array expanded into two actions. */
	assert_int_equal(def->n_actions, 4);
	assert_string_equal(def->actions[3].from, "work");
	assert_int_equal(def->actions[3].roles, ROLE_APPLICANT);
	assert_true(def->actions[3].reason);
	assert_int_equal(def->states[0].clock, WORKFLOW_CLOCK_NONE);
	assert_int_equal(workflow_check(def, "new", "accept", C, false, &next,
	    &e), 0);
	assert_string_equal(next, "work");
	assert_int_equal(workflow_check(def, "work", "finish", C, false, &next,
	    &e), -ERR_FORBIDDEN);
	assert_int_equal(workflow_check(def, "work", "finish", C, true, &next,
	    &e), 0);
	assert_int_equal(workflow_check(def, "ok", "finish", P, true, &next,
	    &e), -ERR_CONFLICT);
	assert_string_equal(e.msg, "当前状态“已办结”不能执行“办结”操作");
	workflow_free(def);
}

/* Applies a change to the small definition and expects it refused. */
struct mutation {
	const char *what;
	const char *path_json; /* replacement object as JSON text */
	const char *key;       /* top-level member to replace */
	int code;
	const char *needle;
};

static void
json_validation_rejects_bad_definitions(void **state)
{
	static const struct mutation bad[] = {
		{ "unknown target state", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"new\",\"to\":\"nowhere\",\"roles\":"
		    "[\"clerk\"]}]", "actions", -ERR_UNPROCESSABLE,
		    "目标状态" },
		{ "unknown source state", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"old\",\"to\":\"work\",\"roles\":"
		    "[\"clerk\"]}]", "actions", -ERR_UNPROCESSABLE,
		    "起始状态" },
		{ "unreachable terminal: nothing leads to gone",
		    "[{\"code\":\"accept\",\"label\":\"受理\",\"from\":\"new\","
		    "\"to\":\"work\",\"roles\":[\"clerk\"]},"
		    "{\"code\":\"finish\",\"label\":\"办结\",\"from\":\"work\","
		    "\"to\":\"ok\",\"roles\":[\"approver\"]}]", "actions",
		    -ERR_UNPROCESSABLE, "终结状态“已撤回”无法从初始状态到达" },
		{ "duplicate action", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"new\",\"to\":\"work\",\"roles\":"
		    "[\"clerk\"]},{\"code\":\"accept\",\"label\":\"受理\","
		    "\"from\":\"new\",\"to\":\"ok\",\"roles\":[\"clerk\"]}]",
		    "actions", -ERR_UNPROCESSABLE, "重复" },
		{ "dead end: work cannot finish", "[{\"code\":\"accept\","
		    "\"label\":\"受理\",\"from\":\"new\",\"to\":\"work\","
		    "\"roles\":[\"clerk\"]},{\"code\":\"done\",\"label\":"
		    "\"办结\",\"from\":\"new\",\"to\":\"ok\",\"roles\":"
		    "[\"clerk\"]},{\"code\":\"quit\",\"label\":\"撤回\","
		    "\"from\":\"new\",\"to\":\"gone\",\"roles\":[\"clerk\"]}]",
		    "actions", -ERR_UNPROCESSABLE, "无法到达任何终结状态" },
		{ "label differs per state", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"new\",\"to\":\"work\",\"roles\":"
		    "[\"clerk\"]},{\"code\":\"accept\",\"label\":\"接件\","
		    "\"from\":\"work\",\"to\":\"ok\",\"roles\":[\"clerk\"]},"
		    "{\"code\":\"quit\",\"label\":\"撤回\",\"from\":\"new\","
		    "\"to\":\"gone\",\"roles\":[\"clerk\"]}]", "actions",
		    -ERR_UNPROCESSABLE, "名称不一致" },
		{ "staff withdraw", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"new\",\"to\":\"work\",\"roles\":"
		    "[\"clerk\"]},{\"code\":\"finish\",\"label\":\"办结\","
		    "\"from\":\"work\",\"to\":\"ok\",\"roles\":"
		    "[\"approver\"]},{\"code\":\"withdraw\",\"label\":"
		    "\"撤回\",\"from\":\"work\",\"to\":\"gone\",\"roles\":"
		    "[\"applicant\",\"approver\"]}]", "actions",
		    -ERR_UNPROCESSABLE, "只能由申请人执行" },
		{ "unknown role", "[{\"code\":\"accept\",\"label\":\"受理\","
		    "\"from\":\"new\",\"to\":\"work\",\"roles\":[\"boss\"]}]",
		    "actions", -ERR_INVALID, "未知角色" },
		{ "empty roles", "[{\"code\":\"accept\",\"label\":\"受理\","
		    "\"from\":\"new\",\"to\":\"work\",\"roles\":[]}]",
		    "actions", -ERR_INVALID, "角色" },
		{ "unknown action member", "[{\"code\":\"accept\",\"label\":"
		    "\"受理\",\"from\":\"new\",\"to\":\"work\",\"roles\":"
		    "[\"clerk\"],\"role\":\"x\"}]", "actions", -ERR_INVALID,
		    "未知字段“role”" },
		{ "bad action code", "[{\"code\":\"Accept\",\"label\":\"受理\","
		    "\"from\":\"new\",\"to\":\"work\",\"roles\":[\"clerk\"]}]",
		    "actions", -ERR_UNPROCESSABLE, "代码无效" },
		{ "actions not an array", "{}", "actions", -ERR_INVALID,
		    "数组" },
		{ "missing initial", "\"missing\"", "initial",
		    -ERR_UNPROCESSABLE, "初始状态“missing”不存在" },
		{ "terminal initial", "\"ok\"", "initial", -ERR_UNPROCESSABLE,
		    "初始状态不能是终结状态" },
		{ "bad version", "2", "version", -ERR_INVALID, "版本" },
		{ "no terminal", "[{\"code\":\"new\",\"label\":\"待受理\"},"
		    "{\"code\":\"work\",\"label\":\"办理中\"},"
		    "{\"code\":\"ok\",\"label\":\"已办结\"},"
		    "{\"code\":\"gone\",\"label\":\"已撤回\"}]", "states",
		    -ERR_UNPROCESSABLE, "没有终结状态" },
		{ "duplicate state", "[{\"code\":\"new\",\"label\":\"待受理\"},"
		    "{\"code\":\"work\",\"label\":\"办理中\"},"
		    "{\"code\":\"ok\",\"label\":\"已办结\",\"terminal\":true},"
		    "{\"code\":\"gone\",\"label\":\"已撤回\",\"terminal\":true},"
		    "{\"code\":\"work\",\"label\":\"又一个\"}]", "states",
		    -ERR_UNPROCESSABLE, "状态“work”重复" },
		{ "unreachable extra state", "[{\"code\":\"new\",\"label\":"
		    "\"待受理\"},{\"code\":\"work\",\"label\":\"办理中\"},"
		    "{\"code\":\"ok\",\"label\":\"已办结\",\"terminal\":true},"
		    "{\"code\":\"gone\",\"label\":\"已撤回\",\"terminal\":true},"
		    "{\"code\":\"lost\",\"label\":\"孤立\",\"terminal\":true}]",
		    "states", -ERR_UNPROCESSABLE, "终结状态“孤立”无法从初始状态到达" },
		{ "terminal that counts time", "[{\"code\":\"new\",\"label\":"
		    "\"待受理\"},{\"code\":\"work\",\"label\":\"办理中\"},"
		    "{\"code\":\"ok\",\"label\":\"已办结\",\"terminal\":true,"
		    "\"clock\":\"running\"},{\"code\":\"gone\",\"label\":"
		    "\"已撤回\",\"terminal\":true}]", "states",
		    -ERR_UNPROCESSABLE, "不能计时" },
		{ "shares over 100", "[{\"code\":\"new\",\"label\":\"待受理\","
		    "\"share\":60},{\"code\":\"work\",\"label\":\"办理中\","
		    "\"share\":60},{\"code\":\"ok\",\"label\":\"已办结\","
		    "\"terminal\":true},{\"code\":\"gone\",\"label\":\"已撤回\","
		    "\"terminal\":true}]", "states", -ERR_UNPROCESSABLE,
		    "超过 100" },
		{ "bad clock", "[{\"code\":\"new\",\"label\":\"待受理\","
		    "\"clock\":\"fast\"}]", "states", -ERR_INVALID, "计时方式" },
		{ "label too long", "[{\"code\":\"new\",\"label\":\"一二三四五"
		    "六七八九十一二三四五六七八九十一二三四五六七八九十一二三\"},"
		    "{\"code\":\"work\",\"label\":\"办理中\"},"
		    "{\"code\":\"ok\",\"label\":\"已办结\",\"terminal\":true},"
		    "{\"code\":\"gone\",\"label\":\"已撤回\",\"terminal\":true}]",
		    "states", -ERR_UNPROCESSABLE, "名称" },
		{ "empty states", "[]", "states", -ERR_INVALID, "状态" },
		{ "terminal not boolean", "[{\"code\":\"new\",\"label\":\"x\","
		    "\"terminal\":1}]", "states", -ERR_INVALID, "true 或 false" },
		{ "unknown top-level member", "1", "colour", -ERR_INVALID,
		    "未知字段“colour”" },
	};
	struct workflow_def *def;
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *j = small();
		json_t *v = json_loads(bad[i].path_json, JSON_DECODE_ANY,
		    NULL);
		int rc;

		if (v == NULL)
			fail_msg("case %s: bad test JSON", bad[i].what);
		json_object_set_new(j, bad[i].key, v);
		def = (struct workflow_def *)1;
		err_clear(&e);
		rc = workflow_from_json(j, &def, &e);
		json_decref(j);
		if (rc != bad[i].code || strstr(e.msg, bad[i].needle) == NULL)
			fail_msg("case %s: rc %d, message \"%s\"", bad[i].what,
			    rc, e.msg);
		assert_null(def);
	}
	/* Not an object at all. */
	{
		json_t *arr = json_array();

		assert_int_equal(workflow_from_json(arr, &def, &e),
		    -ERR_INVALID);
		json_decref(arr);
	}
}

/* 受审分离: who accepted does not decide, except a window-authorised item
 * decided at the window; the system and unaccepted cases never conflict. */
static void
acceptor_does_not_decide(void **state)
{
	(void)state;
	assert_true(workflow_decider_allowed(7, 8, false, ROLE_APPROVER));
	assert_false(workflow_decider_allowed(7, 7, false, ROLE_APPROVER));
	assert_false(workflow_decider_allowed(7, 7, false, ROLE_CLERK));
	assert_false(workflow_decider_allowed(7, 7, true, ROLE_APPROVER));
	assert_true(workflow_decider_allowed(7, 7, true, ROLE_CLERK));
	assert_true(workflow_decider_allowed(0, 7, false, ROLE_APPROVER));
	assert_true(workflow_decider_allowed(7, 0, false, 0));
}

static void
conflicting_roles_are_refused(void **state)
{
	static const unsigned bad[] = {
		ROLE_CLERK | ROLE_APPROVER,
		ROLE_SUPERVISOR | ROLE_CLERK,
		ROLE_SUPERVISOR | ROLE_SYSADMIN,
		ROLE_HALL_ADMIN | ROLE_DEPT_ADMIN,
		ROLE_HALL_ADMIN | ROLE_APPROVER,
		ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN |
		    ROLE_SUPERVISOR,
	};
	static const unsigned good[] = {
		ROLE_CLERK, ROLE_APPROVER, ROLE_SUPERVISOR,
		ROLE_CLERK | ROLE_DEPT_ADMIN, ROLE_APPROVER | ROLE_DEPT_ADMIN,
		ROLE_HALL_ADMIN | ROLE_SYSADMIN,
	};
	struct err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(workflow_roles_compatible(bad[i], &e),
		    -ERR_UNPROCESSABLE);
		assert_string_equal(e.field, "roles");
		assert_non_null(strstr(e.msg, "不相容"));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(workflow_roles_compatible(good[i], &e), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(role_bits_match_the_service_layer),
		cmocka_unit_test(default_definition_is_valid_and_complete),
		cmocka_unit_test(every_allowed_transition_works),
		cmocka_unit_test(every_other_pair_is_a_conflict),
		cmocka_unit_test(unknown_actions_and_states),
		cmocka_unit_test(happy_path_through_the_window_and_back_office),
		cmocka_unit_test(available_actions_depend_on_role_and_window),
		cmocka_unit_test(json_round_trip),
		cmocka_unit_test(json_definition_for_an_item),
		cmocka_unit_test(json_validation_rejects_bad_definitions),
		cmocka_unit_test(acceptor_does_not_decide),
		cmocka_unit_test(conflicting_roles_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
