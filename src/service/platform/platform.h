/* platform.h - the public interface of the service domain "platform". */
#ifndef ONETRIP_SERVICE_PLATFORM_PLATFORM_H
#define ONETRIP_SERVICE_PLATFORM_PLATFORM_H

/* ctx.h - who is acting, and with what: passed to every service function.
 *
 * Services check authorisation themselves (never only the HTTP layer), so the
 * same rules hold for HTTP, the CLI, jobs and tests. */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

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
	int realname;         /* applicants: enum realname_level */
};

/* Real-name level of an applicant account (实名等级, docs/security.md):
 * self-registration gives NONE; a window clerk checking the ID card, a code
 * sent to the mobile of a walk-in case, or the provincial identity service
 * gives VERIFIED. */
enum realname_level { REALNAME_NONE = 0, REALNAME_VERIFIED = 1 };

struct ctx {
	struct db *db;
	const struct config *cfg;
	const struct actor *actor;
	const char *client_ip;  /* "" for CLI and jobs */
	const char *request_id; /* "" for CLI and jobs */
	struct arena *arena;    /* request-lifetime allocations; may be NULL */
	/* Background jobs only (jobs/jobs.c): set when the server stops. NULL
	 * elsewhere. Read it through ctx_stopping(). */
	const atomic_bool *stop;
};

/* True when the server is stopping: a job's loop over batches ends after
 * the batch it has committed and returns, and the next run (on this server
 * or another) takes up the rows still needing work. */
bool ctx_stopping(const struct ctx *c);

/* Public look-ups: counts one call of key (the client address, a login) in
 * bucket ("progress", "reset") and answers ERR_LOCKED (429, 操作过于频繁)
 * past limit calls a minute (service/platform/ratelimit.c). */
int platform_rate_take(const char *bucket, const char *key, int limit,
    struct err *e);

/* True when the actor holds any of the roles in mask. */
bool actor_has(const struct actor *a, unsigned mask);

/* The one rule of who is the applicant of a case, a bundle case, a rating or
 * a project (docs/security.md, "Real-name levels"): a person or enterprise
 * account that created the record itself (created_by), or a verified
 * account whose login is the record's ID number or credit code. A window
 * registration for an ID number therefore reaches an account only once that
 * account is verified. */
bool actor_is_applicant_of(const struct actor *a, int64_t created_by,
    const char *idno);
/* The same rule inside a statement: ACTOR_APPLICANT_SQL("c.created_by",
 * "c.applicant_idno") takes two parameters, "is": the actor's user id and
 * actor_claim_idno(). */
#define ACTOR_APPLICANT_SQL(created_by, idno) \
	"(" created_by " = ? OR " idno " = ?)"
/* The ID number an applicant may claim records by: its login once verified,
 * else "" (which no record carries). */
const char *actor_claim_idno(const struct actor *a);
/* The stable English name of a single role bit ("clerk", "approver", ...). */
const char *role_name(unsigned role);
/* The Chinese label of a single role bit ("窗口人员", ...). */
const char *role_label(unsigned role);
/* Parses a role name; 0 if unknown. */
unsigned role_parse(const char *name);
/* Fills an actor for the CLI/jobs: all powers, recorded as "system". */
void actor_system(struct actor *a, const char *who);


/* audit.h - the append-only, keyed hash chain of audit records
 * (service/platform/audit.c).
 *
 * Every write appends one record inside its own transaction: actor, role,
 * action, object, a JSON summary of the change (before/after), time, client
 * address and request id. Each record stores
 *   hash = HMAC-SM3(key, prev_hash || canonical record text)
 * with the key of <var>/keys/audit.key (outside the database); the records
 * written before the database had a key keep hash = SM3(prev_hash || text),
 * and audit_head.key_from/key_anchor say (under the key) where the keyed part
 * starts. Each row of audit_head is the head of one chain (its last
 * sequence number and hash, key_from and anchor); a thread appends to one
 * chain, so appenders of different threads do not wait for each other's
 * commits (8 chains on PostgreSQL, 1 on SQLite: migration 131). There is no
 * function that updates or deletes an audit record. */

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

/* Appends a record; must run inside db_tx(). summary is borrowed (may be
 * NULL). action is a dotted verb such as "user.register", "case.accept". */
int audit_append(struct ctx *c, const char *action, const char *object_type,
    const char *object_id, json_t *summary, struct err *e);

/* Loads the key of <var_dir>/keys/audit.key for this process (once, at
 * start-up, before any thread). create (init, demo, serve): when neither the
 * file nor the database's anchor exists, makes a new key (mode 0600) and
 * anchors it after the current last record; errors when this process could
 * not append (the database is keyed and the file is missing, or the key does
 * not match its anchor). Without create, such a state only makes
 * audit_append() refuse, so that audit verify can still report. A key found
 * beside a chain without an anchor anchors it only when the chain is empty
 * (otherwise that would launder a rewritten chain). */
int audit_key_setup(struct ctx *c, const char *var_dir, bool create,
    struct err *e);
/* Back to no key (tests). */
void audit_key_forget(void);

struct audit_check {
	int64_t checked;      /* records that verified */
	int64_t bad_seq;      /* first record that fails, 0 if none */
	int64_t bad_at;       /* its time (0 when the record is missing) */
	char bad_action[64];  /* its action */
	int64_t bad_chain;    /* its chain (migration 131) */
	int chains;           /* chains in the database (1 on SQLite) */
	int64_t key_from;     /* first keyed record, 0: the chain has no key */
	bool keyed;           /* keyed records were checked with the key */
	bool key_missing;     /* the chain is keyed and no key was loaded */
};

/* Recomputes the chain (keyed from key_from with the loaded key). 0 when
 * intact; -ERR_CONFLICT "audit_chain_broken" with out->bad_seq and a
 * message naming the record's time and action (and its chain, when there
 * are several); -ERR_INTERNAL
 * "audit_key_missing" when keyed records exist and no key was loaded. */
int audit_check_chain(struct ctx *c, struct audit_check *out, struct err *e);

/* Recomputes the chain from the first record. Returns 0 when intact; when a
 * record does not match, returns -ERR_CONFLICT with *bad_seq set to the first
 * broken record's sequence number. *checked counts records read. */
int audit_verify(struct ctx *c, int64_t *checked, int64_t *bad_seq,
    struct err *e);


/* requests - the one request -> approve queue (service/platform/requests.c).
 *
 * Every change that one person asks for and another must approve is a row of
 * the table requests: staff changes (hall), item withdrawals and restricting
 * item drafts (catalog), and whatever comes next (rectifications, tickets).
 * A row has a kind, a department (0: none), a subject (type and id, e.g.
 * "user" 12 or "item" 40, with a label to show), the kind's own payload
 * (a JSON object), the requester's reason, a status (pending, approved,
 * rejected, cancelled), the decider and their comment, and the date by
 * which a decision is due (the kind's working days from the request). The
 * sweeper (requests_sweep_overdue) flags a pending request past that date
 * once, and tells the people who may decide it.
 *
 * Adding a kind is one descriptor, registered at start-up (src/cli/main.c
 * calls each domain's <domain>_requests_register()):
 *
 *     static int rectify_apply(struct ctx *c, struct db *db,
 *         const struct request *r, bool approve, struct err *e);
 *     static const struct request_kind rectify_kind = {
 *         .kind = "rectification", .label = "差评整改",
 *         .decide_roles = ROLE_SUPERVISOR, .due_workdays = 5,
 *         .apply = rectify_apply,
 *     };
 *     void rating_requests_register(void) { requests_register(&rectify_kind); }
 *
 * then, inside the caller's own transaction (after its checks):
 *
 *     struct request_in in = { .kind = "rectification", .dept_id = d,
 *         .subject_type = "rating", .subject_id = rid, .subject_label = "…",
 *         .pending_key = key, .payload = p, .reason = reason };
 *     rc = requests_submit(c, db, &in, &id, e);
 *
 * requests_decide() checks the decider's role (a department admin only for
 * their own department's requests), marks the row decided, runs the kind's
 * apply() in the same transaction (approve true: make the change; false: a
 * rejection, most kinds do nothing), writes one audit record
 * ("request.approve" / "request.reject") and notifies the requester. Lists
 * (requests_list) page with a keyset cursor, newest first. */

struct db;

#define REQUESTS_MAX_KINDS 32
#define REQUESTS_PAGE_DEFAULT 50
#define REQUESTS_PAGE_MAX 200

/* A request as the kind's apply() sees it (borrowed, valid during the
 * call). */
struct request {
	int64_t id;
	const char *kind;
	int64_t dept_id;           /* 0: none */
	const char *subject_type;  /* "user", "item", ... */
	int64_t subject_id;
	const json_t *payload;     /* the kind's object */
	const char *reason;        /* the requester's */
	int64_t requested_by;
	const char *comment;       /* the decider's ("" when none) */
};

struct request_kind {
	const char *kind;          /* stable key stored in requests.kind */
	const char *label;         /* Chinese, shown in lists: "人员变动" */
	unsigned decide_roles;     /* enum role bits that may decide */
	int due_workdays;          /* 0: the setting requests.due_workdays */
	/* Inside the deciding transaction, after the row is marked decided:
	 * applies an approval (approve) or a rejection. NULL: nothing to do. */
	int (*apply)(struct ctx *c, struct db *db, const struct request *r,
	    bool approve, struct err *e);
	/* After the decision committed (e.g. to drop a cache). NULL: none. */
	void (*committed)(const char *subject_type, int64_t subject_id,
	    bool approve);
	/* A cancelled request also runs apply() with approve false (a kind
	 * that reserved something when asked releases it). */
	bool apply_on_cancel;
};

/* Registers a kind (at start-up, before any thread; the descriptor must
 * live for the whole program). Registering a key twice keeps the first. */
void requests_register(const struct request_kind *k);
/* The descriptor of a kind, NULL when not registered. */
const struct request_kind *requests_kind(const char *kind);

/* How requests_submit() learns the date n working days after today (the
 * hall's calendar lives in the case domain, above this one): registered at
 * start-up; without it weekends only are skipped. */
typedef int (*requests_workday_fn)(struct ctx *c, int n, char out[11],
    struct err *e);
void requests_set_workday_fn(requests_workday_fn fn);

struct request_in {
	const char *kind;          /* a registered kind */
	int64_t dept_id;           /* 0: none */
	const char *subject_type;
	int64_t subject_id;
	const char *subject_label; /* shown in lists; NULL: "" */
	/* At most one pending request per key: NULL means
	 * "<kind>:<subject_type>:<subject_id>". */
	const char *pending_key;
	const char *pending_msg;   /* the 409 message; NULL: a generic one */
	const json_t *payload;     /* object, borrowed; NULL: {} */
	const char *reason;        /* required, checked by the caller */
};

/* Inside the caller's db_tx: adds a pending request by c->actor and its
 * audit record ("request.submit"). *id is the new id. ERR_CONFLICT when a
 * request with the same pending key is pending. */
int requests_submit(struct ctx *c, struct db *db, const struct request_in *in,
    int64_t *id, struct err *e);

/* Decides a pending request in its own transaction: approve, or reject
 * (comment required). kind non-NULL: the request must be of that kind
 * (else ERR_NOT_FOUND with not_found_msg), so a queue's own route decides
 * only its own requests. ERR_FORBIDDEN when the actor may not decide it,
 * ERR_CONFLICT when it is no longer pending. */
int requests_decide(struct ctx *c, int64_t id, const char *kind,
    bool approve, const char *comment, struct err *e);

/* The requester (or the hall admin) withdraws a pending request. */
int requests_cancel(struct ctx *c, int64_t id, const char *comment,
    struct err *e);

/* One request as listed (new reference in *out). Seen by the hall admin,
 * supervisor and sysadmin, the department's admin, the requester and who
 * may decide it; others get ERR_NOT_FOUND. */
int requests_get(struct ctx *c, int64_t id, json_t **out, struct err *e);

/* {"items":[{kind, label, decide_roles:["hall_admin",...]}]} of every
 * registered kind (new reference). */
json_t *requests_kinds_json(void);

struct request_query {
	const char *kind;          /* NULL/"": every kind */
	const char *status;        /* NULL/"": every status */
	int64_t dept_id;           /* 0: every department in scope */
	const char *subject_type;  /* with subject_id: one subject's requests */
	int64_t subject_id;
	bool overdue;              /* only pending requests past due or flagged */
	const char *cursor;        /* next_cursor of the previous page */
	int limit;                 /* 0: REQUESTS_PAGE_DEFAULT */
	const char *forbidden_msg; /* NULL: a generic one */
};

/* {"items":[{id, kind, kind_label, dept_id, dept_name, subject_type,
 * subject_id, subject_label, payload:{...}, reason, status, requested_by,
 * requester_name, requested_at, due_date, overdue, overdue_at, decided_by,
 * decider_name, decided_at, decision_comment}], "next_cursor"}. Scope: the
 * hall admin, supervisor and sysadmin see every department, a department
 * admin only their own; anyone else ERR_FORBIDDEN. */
int requests_list(struct ctx *c, const struct request_query *q, json_t **out,
    struct err *e);

/* Checks a list's status filter and scope as requests_list() does:
 * *dept_id = 0 for every department. */
int requests_list_scope(const struct actor *a, const char *status,
    const char *forbidden_msg, int64_t *dept_id, struct err *e);

/* The sweeper: flags pending requests whose due_date < today
 * ("YYYY-MM-DD") once (overdue_at), each in its own transaction with an
 * audit record, and notifies who may decide. *count: how many. */
int requests_sweep_overdue(struct ctx *c, const char *today, int *count,
    struct err *e);


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

/* The actor's channels: {in_app: true, sms: bool, mobile_masked}. In-app
 * messages always arrive; SMS about cases can be switched off. */
int notify_prefs_get(struct ctx *c, json_t **out, struct err *e);
/* Switches the actor's SMS messages on or off (audited). *out as above. */
int notify_prefs_set(struct ctx *c, bool sms, json_t **out, struct err *e);

/* Marks every unread notification of the actor read; *count (may be NULL)
 * is how many were unread. Audited ("notification.read_all") when any. */
int notify_mark_all_read(struct ctx *c, int64_t *count, struct err *e);


/* outbox.h - messages to other systems (service/platform/outbox.c).
 *
 * One table, outbox, holds what must leave the system: SMS (kind "sms",
 * written by notify_sms) and uploads to the provincial 好差评 system (kind
 * "upload", written by the rating domain). A message is written in the
 * transaction of the change that causes it. jobs/outbox.c delivers: it
 * claims a batch (attempts + 1, next attempt pushed past a lease) in one
 * transaction, delivers outside it and marks each message: delivered, or
 * failed with its error and a growing back-off (outbox.backoff_seconds
 * doubling, at most 6 h), or dead (dead letter) after outbox.max_attempts
 * failures. Delivery is at least once; every upload carries its idempotency
 * key, so the receiver keeps each record once. A crash between the
 * delivery and the mark redelivers after the lease; a stop gives back
 * what it had claimed but not tried (outbox_release). */

#define OUTBOX_BATCH_MAX 100
#define OUTBOX_BACKOFF_MAX_S (6 * 3600)

struct outbox_msg {
	int64_t id;
	char kind[16];
	int attempts;       /* including this one */
	int64_t lease_end;  /* the claim's next_attempt_at */
	char *recipient;    /* owned */
	char *payload;      /* owned, JSON text */
	char *idem_key;     /* owned, "" when none */
};

/* Inside db_tx: queues a message. idem_key NULL for none; a second message
 * with the same key is ERR_CONFLICT. payload is borrowed. */
int outbox_enqueue(struct ctx *c, const char *kind, const char *recipient,
    const char *idem_key, const json_t *payload, struct err *e);

/* Its own transaction: claims up to max due messages (kind NULL: any) and
 * leases them for lease_s seconds. m[0..*n) are filled; free them with
 * outbox_msgs_free(). */
int outbox_claim(struct ctx *c, const char *kind, int lease_s,
    struct outbox_msg *m, size_t max, size_t *n, struct err *e);
void outbox_msgs_free(struct outbox_msg *m, size_t n);

/* Its own transaction: marks m delivered (error NULL) or failed; a failed
 * message is retried after outbox_backoff(attempts) or becomes dead after
 * outbox.max_attempts attempts. *dead (may be NULL) says which. */
int outbox_mark(struct ctx *c, const struct outbox_msg *m, const char *error,
    bool *dead, struct err *e);

/* Its own transaction: gives back the claim of m[0..n), messages claimed
 * but not attempted (a stopping server): due at once, the attempt not
 * counted. A message whose lease has passed to another claim is left. */
int outbox_release(struct ctx *c, const struct outbox_msg *m, size_t n,
    struct err *e);

/* Seconds to wait after the attempts-th failed attempt. */
int64_t outbox_backoff(int attempts);

/* sysadmin, hall admin or the system actor: {counts:{waiting, failed,
 * dead, delivered} per kind and in total, items:[{id, kind, recipient,
 * idem_key, attempts, created_at, next_attempt_at, delivered_at, dead_at,
 * last_error, status}], next_cursor}. status: "waiting" (never failed),
 * "failed" (will retry), "dead", "delivered", "" (every undelivered one);
 * newest first, keyset on the id. */
int outbox_status(struct ctx *c, const char *kind, const char *status,
    int64_t before_id, int limit, json_t **out, struct err *e);

/* Same actors: puts a failed or dead message back in the queue now
 * (attempts 0, dead cleared); audited "outbox.resend". ERR_NOT_FOUND,
 * ERR_CONFLICT when already delivered. */
int outbox_resend(struct ctx *c, int64_t id, struct err *e);

/* audit_query.c - reading the audit log for the audit page: the hall admin
 * and the supervisor (the system actor too); anyone else ERR_FORBIDDEN.
 * Filters (all optional, ERR_INVALID naming the field when bad): from/to
 * days "YYYY-MM-DD" in the hall's time zone (both inclusive), the actor's
 * login (as typed, lower- or upper-case), an action or a family ("case"
 * matches "case.accept"), object type and id (exact), the actor's
 * department; text filters at most 64 bytes. Newest first. */
struct buf;
#define AUDIT_EXPORT_MAX 10000
struct audit_filter {
	const char *from, *to;
	const char *actor;
	const char *action;
	const char *object_type, *object_id;
	int64_t dept_id;     /* 0: every department */
	int64_t before;      /* keyset: records with seq < before; 0: newest */
	int limit;           /* 0: 50; at most 200 */
};
/* {"items":[{seq, at, actor_id, actor_login, actor_name, dept_name,
 * actor_role, action, object_type, object_id, summary, client_ip,
 * request_id, hash}], "next_before": seq|null}. */
int audit_list(struct ctx *c, const struct audit_filter *f, json_t **out,
    struct err *e);
/* The filtered records as CSV (byte order mark, formula cells neutralised)
 * into out; more than AUDIT_EXPORT_MAX records: ERR_UNPROCESSABLE
 * "export_too_large". Audited "audit.export" with the filter. */
int audit_export_csv(struct ctx *c, const struct audit_filter *f,
    struct buf *out, struct err *e);
/* Runs audit_verify() for the page: *out = {intact, checked, bad_seq,
 * message}. A broken chain is an answer (intact false), not an error. */
int audit_check(struct ctx *c, json_t **out, struct err *e);

/* settings.c - the one configuration (base/config.c) as the settings page
 * shows it, read-only, for the hall admin and the sysadmin: *out =
 * {"items":[{key, group, value, default, source:"default"|"file"|"command",
 * doc, basis, rule, secret}]}. basis is the legal or local source written
 * in the setting's description; rule marks the handling rules
 * (case.supplement_timeout_days, rules.*). Secrets (keys, passwords,
 * tokens) are never shown and credentials in URLs are blanked. */
int settings_list(struct ctx *c, json_t **out, struct err *e);

/* leases.h - job leases (service/platform/leases.c): with several servers
 * on one database, one server at a time runs each background job. A lease
 * is a row of job_leases (job name, holder, expiry in milliseconds of the
 * database's clock) taken with one conditional UPDATE: it succeeds when the
 * caller already holds the lease or the lease has expired. The holder
 * renews it while it lives; when it dies, another server takes it once it
 * expires. */

/* Its own statement: takes or renews the lease of job for holder for
 * lease_ms milliseconds. *held says whether holder holds it now. */
int joblease_take(struct ctx *c, const char *job, const char *holder,
    int lease_ms, bool *held, struct err *e);
/* Gives up every lease of holder (a server stopping), so that another
 * server takes them at once. */
int joblease_release(struct ctx *c, const char *holder, struct err *e);
/* {"items":[{name, holder, expires_in_ms, held_ms}]}, every job's lease as
 * the database sees it now (new reference in *out). */
int joblease_list(struct ctx *c, json_t **out, struct err *e);

#endif
