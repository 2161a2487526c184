/* platform.h - the public interface of the service domain "platform". */
#ifndef ONETRIP_SERVICE_PLATFORM_PLATFORM_H
#define ONETRIP_SERVICE_PLATFORM_PLATFORM_H

/* ctx.h - who is acting, and with what: passed to every service function.
 *
 * Services check authorisation themselves (never only the HTTP layer), so the
 * same rules hold for HTTP, the CLI, jobs and tests. */

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


/* audit.h - the append-only, hash-chained audit log (service/audit.c).
 *
 * Every write appends one record inside its own transaction: actor, role,
 * action, object, a JSON summary of the change (before/after), time, client
 * address and request id. Each record stores
 *   hash = SM3(prev_hash || canonical record text)
 * (OpenSSL 3). A one-row table audit_head holds the last sequence number and
 * hash; updating it first serialises appenders on both databases. There is no
 * function that updates or deletes an audit record. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Appends a record; must run inside db_tx(). summary is borrowed (may be
 * NULL). action is a dotted verb such as "user.register", "case.accept". */
int audit_append(struct ctx *c, const char *action, const char *object_type,
    const char *object_id, json_t *summary, struct err *e);

/* Recomputes the chain from the first record. Returns 0 when intact; when a
 * record does not match, returns -ERR_CONFLICT with *bad_seq set to the first
 * broken record's sequence number. *checked counts records read. */
int audit_verify(struct ctx *c, int64_t *checked, int64_t *bad_seq,
    struct err *e);


/* requests.h - what the hall's request queues (staff change requests, item
 * withdrawal requests) share: the status filter and who sees which
 * department's requests (service/requests.c). */

#include <stdint.h>

#include "base/err.h"

/* Checks a list request: status is NULL, "", "pending", "approved" or
 * "rejected"; the hall admin, supervisor and sysadmin see every department
 * (*dept_id = 0), a department admin only their own; anyone else gets
 * ERR_FORBIDDEN with forbidden_msg. */
int requests_list_scope(const struct actor *a, const char *status,
    const char *forbidden_msg, int64_t *dept_id, struct err *e);


/* notify.h - the in-app inbox and the SMS outbox (service/notify.c).
 *
 * Notifications and SMS messages are written in the transaction of the
 * change that causes them; jobs/outbox.c delivers the SMS outbox with
 * retries. There is no SMS gateway: delivery appends one line per message
 * to <var>/sms-outbox.log. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Inside db_tx: an in-app notification for user_id (case_id 0: none). kind
 * is a short machine key ("deadline_yellow", ...), title and body Chinese
 * text. */
int notify_user(struct ctx *c, int64_t user_id, int64_t case_id,
    const char *kind, const char *title, const char *body, struct err *e);

/* Inside db_tx: queues an SMS to mobile (nothing when mobile is NULL or
 * ""). */
int notify_sms(struct ctx *c, const char *mobile, int64_t case_id,
    const char *kind, const char *text, struct err *e);

/* Inside db_tx: notify_user() and an SMS to the user's mobile, if any. */
int notify_user_sms(struct ctx *c, int64_t user_id, int64_t case_id,
    const char *kind, const char *title, const char *body, struct err *e);

/* Inside db_tx: notify_user_sms() to every active dept_admin of dept_id,
 * skipping skip_user (0: none). *count (may be NULL) is how many. */
int notify_dept_admins(struct ctx *c, int64_t dept_id, int64_t skip_user,
    int64_t case_id, const char *kind, const char *title, const char *body,
    int *count, struct err *e);

/* The actor's notifications, unread first, newest first within each group:
 * *out = {"items":[{id, case_id, kind, title, body, created_at, read,
 * read_at}], "unread": N, "next_cursor": "..."|null}. cursor is the
 * next_cursor of the previous page (NULL: first page); limit 0: default. */
int notify_list(struct ctx *c, const char *cursor, int limit, json_t **out,
    struct err *e);

/* Marks one of the actor's notifications read (idempotent). 404 when it
 * is not the actor's. */
int notify_mark_read(struct ctx *c, int64_t id, struct err *e);

/* Marks every unread notification of the actor read; *count (may be NULL)
 * is how many were unread. Audited ("notification.read_all") when any. */
int notify_mark_all_read(struct ctx *c, int64_t *count, struct err *e);


#endif
