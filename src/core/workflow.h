/* workflow.h - the per-item case state machine, as data.
 *
 * A definition lists states (code, Chinese label, what the deadline clock
 * does, share of the working-day budget, terminal?) and actions (code,
 * label, from, to, roles allowed, whether a reason is required, whether the
 * window clerk may take it when the item is window-authorised). An item may
 * carry its own definition as JSON; otherwise workflow_default() applies:
 *
 *   submitted 待受理 --accept 受理--> accepted 已受理 --forward 分送审查-->
 *   review 审查中 --pass 审查通过--> decide 待决定 --approve 准予许可-->
 *   certify 制证中 --deliver 出证--> done 已办结
 *
 * with the side states supplement 待补正 (一次性告知补正 before acceptance),
 * suspended 暂停计时 (post-acceptance 补正 or a special procedure: 听证,
 * 检验检测, 专家评审, 现场踏勘, 公示), and the terminal states rejected
 * 不予受理, denied 不予许可, withdrawn 已撤回, terminated 已退办 and revoked
 * 已撤销 (告知承诺 false commitment, also after 办结).
 *
 * Withdrawal (撤回申请) is the applicant's alone, in every definition
 * (workflow_validate refuses a "withdraw" any staff role may take): staff
 * end a case only by 不予受理, 不予许可 or 终止办理, each with a reason.
 *
 * Review and decision actions belong to the department approver; when an
 * item is window-authorised (窗口审批决定权) the clerk may take them too.
 * Comprehensive-window cases go to the department back office and come back
 * to the window: deliver is a clerk action.
 *
 * Role bits are the values of enum role in service/ctx.h (core does not
 * include the service layer; tests check that the values agree). */
#ifndef ONETRIP_CORE_WORKFLOW_H
#define ONETRIP_CORE_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define WORKFLOW_VERSION 1
#define WORKFLOW_CODE_BYTES 32      /* codes: [a-z][a-z0-9_]*, <= 31 bytes */
#define WORKFLOW_LABEL_CHARS 32     /* labels: 1..32 characters */
#define WORKFLOW_LABEL_BYTES (WORKFLOW_LABEL_CHARS * 4 + 1)
#define WORKFLOW_MAX_STATES 32
#define WORKFLOW_MAX_ACTIONS 128

/* Role bits (same values as enum role in service/ctx.h). */
#define WORKFLOW_ROLE_APPLICANT (1u << 0)
#define WORKFLOW_ROLE_CLERK (1u << 1)
#define WORKFLOW_ROLE_APPROVER (1u << 2)
#define WORKFLOW_ROLE_DEPT_ADMIN (1u << 3)
#define WORKFLOW_ROLE_HALL_ADMIN (1u << 4)
#define WORKFLOW_ROLE_SUPERVISOR (1u << 5)
#define WORKFLOW_ROLE_SYSADMIN (1u << 6)
#define WORKFLOW_ROLE_ALL 0x7fu

/* What the deadline clock does while a case is in a state. */
enum workflow_clock {
	WORKFLOW_CLOCK_NONE = 0, /* not started (before 受理) or ended (terminal) */
	WORKFLOW_CLOCK_RUNNING,  /* working days are consumed */
	WORKFLOW_CLOCK_STOPPED,  /* waiting for the applicant or a special
	                          * procedure: the service keeps an open
	                          * suspension once the clock has started */
};

struct workflow_state {
	char code[WORKFLOW_CODE_BYTES];
	char label[WORKFLOW_LABEL_BYTES];
	enum workflow_clock clock;
	int share;      /* percent of the item's budget planned for this stage
	                 * (0..100, sum <= 100): per-stage warnings */
	bool terminal;  /* the case is closed (办结 or ended otherwise) */
};

struct workflow_action {
	char code[WORKFLOW_CODE_BYTES];
	char label[WORKFLOW_LABEL_BYTES];
	char from[WORKFLOW_CODE_BYTES];
	char to[WORKFLOW_CODE_BYTES];
	unsigned roles;  /* role bits allowed */
	bool window;     /* also the clerk when the item is window-authorised */
	bool reason;     /* the actor must give a reason (意见/理由) */
};

struct workflow_def {
	int version;
	char initial[WORKFLOW_CODE_BYTES];
	size_t n_states;
	struct workflow_state states[WORKFLOW_MAX_STATES];
	size_t n_actions;
	struct workflow_action actions[WORKFLOW_MAX_ACTIONS];
};

/* The built-in definition (static; never free it). */
const struct workflow_def *workflow_default(void);

/* The state with this code, or NULL. */
const struct workflow_state *workflow_find_state(
    const struct workflow_def *def, const char *code);
/* The action with this code leaving state, or NULL. */
const struct workflow_action *workflow_find_action(
    const struct workflow_def *def, const char *state, const char *action);

/* May an actor holding actor_roles take action in state? On success returns
 * 0 and sets *next_state (points into def). Errors:
 *   -ERR_INVALID   action is not in the definition at all;
 *   -ERR_CONFLICT  state unknown, or the action does not leave this state
 *                  ("当前状态“审查中”不能执行“出证”操作");
 *   -ERR_FORBIDDEN the role does not allow it.
 * Whether a reason is required: workflow_find_action()->reason. */
int workflow_check(const struct workflow_def *def, const char *state,
    const char *action, unsigned actor_roles, bool window_authorised,
    const char **next_state, struct err *e);

/* Fills out (up to max) with the actions this actor may take in state, in
 * definition order; returns how many there are in total. */
size_t workflow_available(const struct workflow_def *def, const char *state,
    unsigned actor_roles, bool window_authorised,
    const struct workflow_action **out, size_t max);

/* Checks a definition: codes and labels well-formed, states unique,
 * initial state exists and is not terminal, at least one terminal state,
 * terminal states do not count time, shares 0..100 with sum <= 100,
 * actions leave and enter known states, no duplicate (from, code), one
 * label per action code, roles known and non-empty, "withdraw" held by the
 * applicant alone, every state reachable
 * from the initial state (so no terminal is unreachable), and a terminal
 * state reachable from every state. -ERR_UNPROCESSABLE with a Chinese
 * message otherwise. */
int workflow_validate(const struct workflow_def *def, struct err *e);

/* Parses and validates a JSON definition:
 *   {"version":1, "initial":"submitted",
 *    "states":[{"code","label","clock":"none|running|stopped","share",
 *               "terminal"}],
 *    "actions":[{"code","label","from":"s" or ["s",...],"to",
 *                "roles":["clerk",...],"window","reason"}]}
 * Unknown members are refused. On success *out is a new definition the
 * caller frees with workflow_free(). */
int workflow_from_json(const json_t *j, struct workflow_def **out,
    struct err *e);
/* Serialises def (one action per from state); new reference, NULL when out
 * of memory. workflow_from_json(workflow_to_json(d)) equals d. */
json_t *workflow_to_json(const struct workflow_def *def);
/* Frees a definition from workflow_from_json(); accepts NULL. */
void workflow_free(struct workflow_def *def);

/* Separation of duties (受审分离). The staff member who accepted a case
 * (accepted_by) may not decide it (准予许可/不予许可), except when the item
 * is window-authorised (窗口审批决定权) and the decision is taken at the
 * window (the decider holds the clerk role): then acceptance and decision
 * are one act at the window by design. accepted_by or decider 0 (the
 * system, a case not accepted by a person) never conflicts. */
bool workflow_decider_allowed(int64_t accepted_by, int64_t decider,
    bool window_authorised, unsigned decider_roles);

/* Roles one account may not hold together (不相容岗位分离): clerk and
 * approver (who receives does not examine), supervisor and any other role
 * (who supervises is not supervised), hall admin and any department role
 * (clerk, approver, department admin). Returns 0, or -ERR_UNPROCESSABLE
 * with a Chinese message naming the two roles (field "roles"). */
int workflow_roles_compatible(unsigned roles, struct err *e);

/* Role bit <-> stable name ("clerk") and Chinese label ("窗口人员"). */
const char *workflow_role_name(unsigned bit);
const char *workflow_role_label(unsigned bit);
unsigned workflow_role_parse(const char *name);
/* "none", "running", "stopped"; parse returns -1 when unknown. */
const char *workflow_clock_name(enum workflow_clock c);
int workflow_clock_parse(const char *name);

#endif
