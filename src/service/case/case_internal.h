/* cases_internal.h - shared by service/cases_*.c only. */
#ifndef ONETRIP_SERVICE_CASE_CASE_INTERNAL_H
#define ONETRIP_SERVICE_CASE_CASE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "base/limits.h"
#include "core/catalog.h"
#include "core/workflow.h"
#include "service/case/case.h"
#include "service/platform/platform.h"

#define CASE_NAME_BYTES (LIMIT_NAME_CHARS * 4 + 1)
#define CASE_MAX_EVENTS 4
/* A plan holds at most this many documents and events; one more fails the
 * whole action (500, rolled back) instead of dropping a notice. */
#define CASE_MAX_DOCS 8
#define CASE_MAX_MAT_UPDATES CATALOG_MATERIALS_MAX

/* What a case needs from its item version (immutable once published, so
 * cached by version id). */
/* Result delivery methods an item offers (its "delivery" element). */
enum {
	DELIVERY_WINDOW = 1u << 0,
	DELIVERY_POST = 1u << 1,
	DELIVERY_DOWNLOAD = 1u << 2,    /* also 电子证照 */
};

struct item_facts {
	int64_t version_id;
	int64_t item_id;
	int64_t dept_id;
	int version_no;
	char impl_code[CATALOG_IMPL_CODE_LEN + 1];
	char name[CASE_NAME_BYTES];
	int case_kind;
	int promised_days;
	int statutory_days;
	bool window_authorised;
	bool rongque;
	bool commitment;
	bool online;
	bool certificate;        /* result is a licence (证照) */
	unsigned delivery;       /* DELIVERY_* the item offers; 0: any */
	char result_name[CASE_NAME_BYTES];
	int n_materials;
	struct {
		char name[CASE_NAME_BYTES];
		int necessity;       /* enum catalog_necessity */
		/* Not demanded: "licence_lib" (the platform fetches it from
		 * the 电子证照库, or the guide marks it 免提交/无需提交),
		 * "online_form" (the 申请书 an online application fills in as
		 * the electronic form), or NULL. */
		const char *attached;
	} materials[CATALOG_MATERIALS_MAX];
	/* The version's electronic form (core/form.h), canonical, never
	 * NULL (an empty array when the version defines none); owned, read
	 * only while the facts are held. */
	json_t *form_fields;
	int refs;                /* cache reference count */
};

/* The case row (and a few joined names). */
struct case_row {
	int64_t id;
	char case_no[CASE_NO_MAX];
	int64_t item_id, item_version_id, dept_id, window_id, applicant_id;
	int64_t created_by;        /* the account that filed it (a clerk: walk-in) */
	char applicant_kind;
	char applicant_name[CASE_NAME_BYTES];
	char applicant_idno[24];
	char channel[8];
	char state[WORKFLOW_CODE_BYTES];
	char mode[16];             /* "" when NULL */
	int64_t accepted_at;
	char accepted_day[11];
	int64_t accepted_by;
	int budget_days;           /* -1 when NULL */
	int extension_days;
	char due_day[11];
	char overdue_day[11];      /* the due day missed before an extension */
	int remaining_days;
	bool has_remaining;
	char warn_level[8];
	char decision[12];
	int64_t decided_at;
	int64_t handler_id;
	int trips;
	char supplement_due[11];
	int64_t supplement_requested_at;
	int flagged;
	char check_status[8];
	char suspend_kind[16];
	int64_t created_at, updated_at, closed_at;
	int64_t version;
	char *form;                /* malloc'd JSON text */
	char *commitment_text;     /* malloc'd or NULL */
	char *decision_reason;     /* malloc'd or NULL */
	char *pledge_text;         /* 申请人承诺 signed on applying, or NULL */
	int64_t pledged_at;
	char dept_name[CASE_NAME_BYTES];
	char query_code[CASE_QUERY_CODE_LEN + 1]; /* "" for older cases */
	int64_t bundle_id;         /* 一件事 the case belongs to, 0: none */
};

/* A material of the case as stored. */
struct case_mat {
	int idx;
	int necessity;
	char status[12];
	char sha256[65];
	bool has_file;
};

/* Values of a message template's placeholders (messages.c); NULL: the
 * case row's value or empty. */
struct case_tell_vars {
	const char *item, *case_no, *code, *due, *supplement_due, *list;
	const char *reason, *method, *tracking, *count;
};

/* Everything one change writes, executed by case_plan_run() in one
 * transaction. Starts as a copy of the row's mutable fields. */
/* Room for the names of the materials a case awaits (case_mats_json()). */
#define CASE_AWAITED_NAMES_BYTES 800

struct case_plan {
	struct ctx *c;
	const struct case_row *row;
	const struct item_facts *facts;
	const char *audit_action;    /* "case.accept" */
	/* new values of the case row */
	char state[WORKFLOW_CODE_BYTES];
	const char *mode;            /* NULL */
	int64_t accepted_at;
	const char *accepted_day;
	int64_t accepted_by;
	int budget_days;             /* -1 NULL */
	int64_t window_id;
	int64_t handler_id;
	const char *supplement_due;
	int64_t supplement_requested_at;
	const char *commitment_text;
	const char *decision;
	const char *decision_reason;
	int64_t decided_at;
	int64_t closed_at;
	const char *check_status;
	int flagged;
	const char *suspend_kind;
	int add_trips;
	bool overflow;               /* a document or event did not fit */
	/* Optional steps inside the plan's transaction: pre runs before
	 * anything is written (a positive return writes nothing, the change
	 * being no longer due, and sets skipped); post runs after the audit
	 * record (notifications). */
	int (*pre)(struct case_plan *p, struct db *db, struct err *e);
	int (*post)(struct case_plan *p, struct db *db, struct err *e);
	void *hook_arg;
	bool skipped;
	/* rows to write */
	int n_events;
	struct {
		const char *action;
		const char *from, *to;
		const char *note;
		json_t *data;            /* owned */
	} events[CASE_MAX_EVENTS];
	int n_docs;
	struct {
		const char *kind;
		json_t *content;         /* owned */
	} docs[CASE_MAX_DOCS];
	int n_mats;
	struct {
		int idx;
		const char *status;
		const char *sha256;      /* NULL: keep */
		const char *content_type;
		const char *reused_from;
		const char *problem;     /* NULL: clear */
	} mats[CASE_MAX_MAT_UPDATES];
	const char *delivery_method; /* insert a delivery */
	const char *tracking_no;
	const char *trip_purpose;    /* insert a trip */
	bool create_check;           /* insert a commitment check */
	char check_due[11];
	int64_t check_id;            /* record a check result */
	const char *check_result_status;
	const char *check_result;
	const char *suspend;         /* case_suspend(kind) */
	const char *suspend_reason;
	const char *resume;          /* case_resume(result) */
	bool refresh;                /* case_deadline_refresh */
	/* Tell the applicant after the audit record (messages.c): the kind
	 * of message, NULL to let the last state change choose it; values
	 * the template needs beyond the case row; quiet for no message. */
	const char *tell_kind;
	struct case_tell_vars tell;
	bool quiet;
	/* Record the applicant's credit (applicant_credit): a false
	 * commitment or a missed 容缺 promise; NULL for none. */
	const char *credit_kind;
	const char *credit_note;
	int64_t version;             /* expected */
	json_t *audit;               /* owned summary extras, may be NULL */
	/* Set by the run: the row's values the plan does not choose, as its
	 * transaction left them (returned by the guarded UPDATE, then the
	 * deadline refresh). after_known: the plan wrote the whole row
	 * (no suspension, resumption, hook or bundle step besides), so
	 * case_plan_json() answers without reading it again. */
	bool answer;                 /* case_plan_json() follows the run */
	bool after_known;
	struct {
		int64_t applicant_id, updated_at, version;
		int extension_days, trips, remaining_days;
		bool has_remaining, overdue;
		char due_day[11], overdue_day[11], warn_level[8];
		/* CASE_TOLD_COLUMNS, for the applicant's message */
		bool told, wants_sms;
		char mobile[32], item[256];
	} after;
	/* With after_known: the whole row (heap strings borrowed) and its
	 * materials, read inside the transaction (case_mats_json()). */
	struct case_row after_row;
	json_t *after_mats;          /* owned */
	char after_names[CASE_AWAITED_NAMES_BYTES];
};

/* ---- apply.c: inserting a submitted case ---- */
struct apply_tx {
	struct ctx *c;
	const struct item_facts *f;
	char kind;                 /* 'P' / 'E' */
	const char *name, *idno, *mobile;
	int64_t applicant_id;
	const char *channel;
	int64_t window_id;
	const char *form;
	const char *pledge_text;   /* the 申请人承诺 ticked, or NULL */
	char (*sha)[65];
	char (*ctype)[32];
	const bool *cert;
	const bool *given;
	char day[11];
	int64_t bundle_id;         /* a child of a 一件事: no trip of its own */
	bool answer;               /* keep the row written, for the answer */
	struct case_row row;       /* with answer: the row (case_row_release) */
	int64_t id;
	char case_no[CASE_NO_MAX];
	char query_code[CASE_QUERY_CODE_LEN + 1];
};
/* Inside db_tx: the case number, the case row, its materials, the first
 * event and the audit record. */
int case_apply_insert(struct db *db, void *arg, struct err *e);
/* The item's current published version (404 when none). */
int case_current_version(struct ctx *c, int64_t item_id,
    int64_t *version_id, struct err *e);
/* The form object checked; *text its serialisation (caller frees). */
int case_form_check(const json_t *form, char **text, struct err *e);
/* The form against the version's electronic form (core/form.h): values of
 * the defined fields checked and normalised (required ones only when
 * required), the other members as case_form_check() takes them. */
int case_form_fields_check(const struct item_facts *f, const json_t *form,
    bool required, char **text, struct err *e);
/* [{key, label, type, value, text}] of the version's fields with the
 * case's values (new reference). */
json_t *case_form_fields_json(const struct item_facts *f, const json_t *form);
/* How material i is attached without an upload on an application by
 * channel ("online"/"window"): "licence_lib", "online_form" or NULL. */
const char *case_material_attached(const struct item_facts *f, int i,
    const char *channel);
/* accept.c: the 容缺 part of an acceptance (materials, due day, promise);
 * *list gets the notice's material rows (new reference, also on error). */
struct case_mat;
int case_accept_rongque(struct case_plan *p, const struct case_accept_in *in,
    const struct case_mat *mats, int nm, int32_t today, json_t **list,
    struct err *e);
/* plan.c: the bundle domain's hook (case_bundle_hook_set). */
int case_bundle_hook_call(struct ctx *c, int64_t bundle_id, int64_t case_id,
    struct err *e);

/* ---- cases_common.c ---- */

/* Facts of an item version (cached); release with item_facts_put(). */
int item_facts_get(struct ctx *c, int64_t version_id,
    const struct item_facts **out, struct err *e);
void item_facts_put(const struct item_facts *f);
/* The columns of a case row as case_row_read() takes them; the
 * department's name by subquery, so that the INSERT of a case can return
 * the row it wrote. */
#define CASE_ROW_COLUMNS "id, case_no, item_id, item_version_id, dept_id, " \
	"window_id, applicant_id, applicant_kind, applicant_name, " \
	"applicant_idno, channel, state, acceptance_mode, accepted_at, " \
	"accepted_day, accepted_by, budget_days, extension_days, due_day, " \
	"remaining_days, warn_level, decision, decided_at, handler_id, trips, " \
	"supplement_due, supplement_requested_at, flagged, check_status, " \
	"suspend_kind, created_at, updated_at, closed_at, version, form, " \
	"commitment_text, decision_reason, (SELECT d.name FROM departments d " \
	"WHERE d.id = cases.dept_id), query_code, bundle_id, overdue_day, " \
	"pledge_text, pledged_at, created_by"
#define CASE_ROW_NCOLS 44
struct db_stmt;
/* The case row from the current row of s (CASE_ROW_COLUMNS first);
 * release it with case_row_release(). */
int case_row_read(struct db_stmt *s, struct case_row *r, struct err *e);
/* Loads the case row; ERR_NOT_FOUND "办件不存在". */
int case_row_load(struct ctx *c, int64_t id, struct case_row *r,
    struct err *e);
void case_row_release(struct case_row *r);
/* Whether the actor may see the case and the workflow roles it holds on
 * it. Returns 0, or 404 for an applicant who does not own it, 403 for
 * staff outside it. */
int case_access(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, unsigned *roles, struct err *e);
/* Whether an application of the item is received only at a hall window
 * (core/stationing.h: the item stationed, its department stationed). */
int case_item_at_hall(struct ctx *c, int64_t item_id, bool *yes,
    struct err *e);
/* An online case waiting for acceptance (待受理 or 待补正, no window yet). */
bool case_awaits_acceptance(const struct case_row *r);
/* Does the actor's window accept the item? */
int case_window_accepts(struct ctx *c, int64_t window_id, int64_t item_id,
    bool *yes, struct err *e);
/* Materials of the case in index order; *n set. */
int case_mats_load(struct ctx *c, int64_t id, struct case_mat *m, int *n,
    struct err *e);
/* The case JSON as the actor sees it (new reference). */
int case_json(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, json_t **out, struct err *e);
/* The materials of case r as its JSON lists them (*out, new reference),
 * and in names the names of those the applicant is awaited to give
 * ("" for none). */
int case_mats_json(struct ctx *c, const struct case_row *r, json_t **out,
    char *names, size_t names_cap, struct err *e);
/* One material as the case JSON lists it (new reference; NULL or ""
 * for a value not set). */
json_t *case_mat_json(int idx, const char *name, const char *necessity,
    const char *status, const char *sha256, const char *content_type,
    const char *reused_from, const char *problem);
/* case_json() from materials already read by case_mats_json() (mats is
 * stolen). */
int case_json_with(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, json_t *mats, const char *names,
    json_t **out, struct err *e);
/* Load + access + JSON of case id. */
int case_json_by_id(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* Sets o's "due_provisional" (true while a year from accepted_day to
 * due_day has no holidays loaded: the deadline counts plain weekends
 * there, 暂按周末计算) and "due_provisional_years" ([2027]); false and []
 * without both days (case/calendar.c). */
int case_due_provisional_set(struct ctx *c, json_t *o,
    const char *accepted_day, const char *due_day, struct err *e);
/* Validated string: 1..max characters of valid UTF-8 without control
 * characters except newlines; ERR_INVALID naming field. */
int case_text(const char *s, const char *field, const char *what,
    size_t max_chars, bool required, struct err *e);
/* The material list [{index, sha256}] checked against the item and the
 * files the owner may use (uploaded by one of owner_ids, or a certificate
 * of the applicant idno); fills sha[] (65 bytes each, "" when not given),
 * ctype[] and reused[]. */
int case_materials_in(struct ctx *c, const struct item_facts *f,
    const json_t *materials, int64_t owner1, int64_t owner2,
    const char *idno, char (*sha)[65], char (*ctype)[32],
    bool *certificate, bool *given, struct err *e);
/* Plan helpers. */
void case_plan_init(struct case_plan *p, struct ctx *c,
    const struct case_row *r, const struct item_facts *f, int64_t version);
void case_plan_release(struct case_plan *p);
/* Workflow step: checks action from p->state with roles and appends an
 * event; moves p->state. Closing states set closed_at. */
int case_plan_step(struct case_plan *p, unsigned roles, const char *action,
    const char *note, json_t *data, struct err *e);
int case_plan_doc(struct case_plan *p, const char *kind, json_t *content);
/* A timeline event that changes no state (a supplement given, a 容缺
 * promise missed); data is taken over. */
int case_plan_note(struct case_plan *p, const char *action,
    const char *note, json_t *data);
/* The one writer of case_events (plan.c); inside the caller's transaction. */
int case_event_write(struct db *db, struct ctx *c, int64_t case_id,
    const char *role, const char *action, const char *from, const char *to,
    const char *note, const json_t *data, struct err *e);
/* Inside the plan's transaction when it closes the case: the case tallies
 * of the scoreboard (tally.c, migration 080). */
int case_tally_close(struct case_plan *p, struct db *db, struct err *e);
/* Runs the plan in one transaction. */
int case_plan_run(struct case_plan *p, struct err *e);
/* After case_plan_run() of a plan with answer set: the case JSON as the
 * actor sees it now, built from the plan's row and the materials read in
 * its transaction when it knows the row whole (after_known), else read. */
int case_plan_json(struct case_plan *p, json_t **out, struct err *e);
/* The version check before anything else. */
int case_version_check(const struct case_row *r, int64_t version,
    struct err *e);
/* Loads a case for a change by the actor: row, facts (put them), the
 * actor's workflow roles; staff outside the case get 403 "无权处理其他部门
 * 的办件"; version checked when > 0 (0: not given; callers that require it
 * pass -1 to get the "missing version" error). */
int case_load_write(struct ctx *c, int64_t id, int64_t version,
    struct case_row *r, const struct item_facts **f, unsigned *roles,
    struct err *e);
/* Approve or deny from the current state (for a 即办件 in "accepted" at
 * the window: forward and pass first). */
int case_plan_decide(struct case_plan *p, unsigned roles, bool approve,
    const char *reason, struct err *e);
/* 终止办理 (退办) with a reason: the step, the sealed 终止办理告知书 and
 * the applicant told. rongque_missed: the case ends because a 容缺
 * promise was not kept (the notice says so). */
int case_plan_terminate(struct case_plan *p, unsigned roles,
    const char *reason, bool rongque_missed, struct err *e);
/* Deliver (certify -> done) by method. */
int case_plan_deliver(struct case_plan *p, unsigned roles,
    const char *method, const char *tracking_no, struct err *e);
/* items [{index, problem}] into the plan's materials as flawed; *list
 * (new reference, also on error) gets the materials for the notice. */
int case_plan_flaws(struct case_plan *p, const json_t *items, bool required,
    json_t **list, struct err *e);
/* Hall date of now ("YYYY-MM-DD"). */
void case_today(char out[11]);

/* ---- messages.c: what the applicant is told ---- */
/* What a message says of its case (case_tell_known()). */
struct case_told {
	const char *case_no, *query_code, *item, *mobile;
	const char *due_day, *supplement_due;   /* "" for none */
	int64_t applicant_id;                   /* 0: no account */
	bool wants_sms;                         /* the account takes SMS */
};
/* The columns of a case a message needs beyond the row (the mobile, the
 * item's name, the account's SMS choice), in that order: returned by the
 * statement that writes the case, so that telling the applicant does not
 * read it again. */
#define CASE_TOLD_COLUMNS "applicant_mobile, (SELECT i.name FROM items i " \
	"WHERE i.id = cases.item_id), COALESCE((SELECT u.notify_sms FROM " \
	"users u WHERE u.id = cases.applicant_id), 1)"
/* case_tell() with the case as its caller has just written it. */
int case_tell_known(struct ctx *c, int64_t case_id,
    const struct case_told *k, const char *kind,
    const struct case_tell_vars *v, struct err *e);
/* Inside db_tx: the applicant's message of this kind about the case,
 * in-app (an account) and SMS (the case's mobile, unless the account
 * switched SMS off), from the hall's template. v may be NULL. */
int case_tell(struct ctx *c, int64_t case_id, const char *kind,
    const struct case_tell_vars *v, struct err *e);
/* Inside the plan's transaction: the message its change calls for. */
int case_plan_tell(struct case_plan *p, struct err *e);
/* The last day of a 补正 asked today (case.supplement_timeout_days
 * working days). */
int case_supplement_due(struct ctx *c, char out[11], struct err *e);

/* Actor display name and role for events. */
const char *case_actor_role(const struct actor *a, unsigned roles);

/* A fresh random 办件查询码 (service/case/progress.c). */
void case_query_code_new(char out[CASE_QUERY_CODE_LEN + 1]);

#endif
