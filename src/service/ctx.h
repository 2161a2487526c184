/* ctx.h - who is acting, and with what: passed to every service function.
 *
 * Services check authorisation themselves (never only the HTTP layer), so the
 * same rules hold for HTTP, the CLI, jobs and tests. */
#ifndef ONETRIP_SERVICE_CTX_H
#define ONETRIP_SERVICE_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"

struct db;
struct config;

/* Roles are bits so an account may hold several. */
enum role {
	ROLE_APPLICANT = 1u << 0,  /* 申请人: person or enterprise */
	ROLE_CLERK = 1u << 1,      /* 窗口人员 */
	ROLE_APPROVER = 1u << 2,   /* 审批人员 */
	ROLE_DEPT_ADMIN = 1u << 3, /* 部门管理员 / 责任人员 */
	ROLE_HALL_ADMIN = 1u << 4, /* 县行政审批服务局 / 县审改办 */
	ROLE_SUPERVISOR = 1u << 5, /* 县政府督查室 */
	ROLE_SYSADMIN = 1u << 6,   /* 系统管理员 */
};
#define ROLE_STAFF_ANY (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

/* Applicant kinds. */
enum actor_kind {
	ACTOR_NONE = 0,       /* anonymous visitor */
	ACTOR_PERSON = 'P',   /* natural person, 居民身份证 */
	ACTOR_ENTERPRISE = 'E', /* legal person, 统一社会信用代码 */
	ACTOR_STAFF = 'S',
	ACTOR_SYSTEM = 'Y',   /* the CLI and background jobs */
};

struct actor {
	int64_t user_id;      /* 0 for anonymous and system */
	enum actor_kind kind;
	unsigned roles;       /* enum role bits */
	int64_t dept_id;      /* staff: department, else 0 */
	int64_t window_id;    /* clerks: window, else 0 */
	char login[64];
	char name[128];
	char role_used[24];   /* the role name recorded in audit ("clerk", ...) */
};

struct ctx {
	struct db *db;
	const struct config *cfg;
	const struct actor *actor;
	const char *client_ip;  /* "" for CLI and jobs */
	const char *request_id; /* "" for CLI and jobs */
	struct arena *arena;    /* request-lifetime allocations; may be NULL */
};

/* True when the actor holds any of the roles in mask. */
bool actor_has(const struct actor *a, unsigned mask);
/* The stable English name of a single role bit ("clerk", "approver", ...). */
const char *role_name(unsigned role);
/* The Chinese label of a single role bit ("窗口人员", ...). */
const char *role_label(unsigned role);
/* Parses a role name; 0 if unknown. */
unsigned role_parse(const char *name);
/* Fills an actor for the CLI/jobs: all powers, recorded as "system". */
void actor_system(struct actor *a, const char *who);

#endif
