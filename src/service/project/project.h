/* project.h - the public interface of the service domain "project":
 * construction projects (工程建设项目审批). A project (national code, owner
 * enterprise, type, location, investment, key-project flag) goes through
 * the stages of its type (core/project.h); each stage is applied for once
 * as a 一件事 application of the stage's bundle (service/bundle: one form,
 * one material list, one acceptance at the window, the departments' cases
 * in parallel), and is done when that application is completed. The days
 * the stages used are counted against the project's target in working
 * days (project.target_days_<type>).
 *
 * A steward (项目管家: staff of a department in project.steward_depts) and a
 * liaison (联络员) of each department involved are recorded per project.
 * The steward's desk lists their projects with every approval's state,
 * remaining working days, holder and what blocks it; the owner enterprise
 * sees the same view of its own projects. A running approval that is
 * overdue or has had no step for project.stall_workdays working days opens
 * a problem ticket (service/supervise, source "project") reported by the
 * steward.
 *
 * Who may do what:
 *   hall_admin             keeps the stage lists; registers and edits
 *                          projects, names stewards and liaisons;
 *   steward-department staff (project.steward_depts) register projects and
 *                          act as stewards;
 *   the owner enterprise   (login = credit code) sees its projects and
 *                          applies for a stage online;
 *   a clerk with a window  registers a stage application at the window
 *                          (acceptance is the bundle's, at the window);
 *   staff of a department involved, liaisons, supervisor: read. */
#ifndef ONETRIP_SERVICE_PROJECT_PROJECT_H
#define ONETRIP_SERVICE_PROJECT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

#define PROJECT_STALE_MSG "项目已被他人修改，请刷新后重试"

/* ---- stage lists (hall admin) ---- */

/* Every type with its stages, each with its bundle (id, code, name, the
 * items with their departments and promised days) or null, and the target
 * days of the type: {types:[{type, label, target_days, stages:[{stage,
 * label, bundle:{id, code, name, limit_days, items:[...]}|null}]}]}.
 * Any logged-in account (the owner reads what a stage needs). */
int project_stage_defs(struct ctx *c, json_t **out, struct err *e);
/* The hall admin sets the bundle of a stage of a type: it must be a
 * published enterprise bundle. */
int project_stage_def_set(struct ctx *c, const char *type, int stage,
    int64_t bundle_id, json_t **out, struct err *e);

/* ---- projects ---- */

/* Registers a project: {code (national code; "" or absent: a local code
 * BH-YYYY-NNNNNN is given), name, owner_name, owner_credit_code (checked),
 * type, location, investment (万元, integer >= 0), key_project, steward_id?,
 * liaisons:[{dept_id, user_id}]?}. *out is the project view. */
int project_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e);
/* Names the steward (user_id, staff of a steward department) and sets the
 * liaisons [{dept_id, user_id}] (each a staff member of that department);
 * either may be absent (unchanged). version: the project's. */
int project_team_set(struct ctx *c, int64_t id, const json_t *in,
    int64_t version, json_t **out, struct err *e);

struct project_q {
	const char *type;     /* NULL: every type */
	int key_only;         /* 1: key projects only */
	const char *q;        /* name or code contains */
	bool mine;            /* the steward's own (staff) */
};

/* {items:[{id, code, name, owner_name, type, type_label, key_project,
 * steward_name, current_stage, current_stage_label, days:{used, target,
 * remaining, level, level_label}, open_tickets}]}: staff see every project
 * (newest first); the owner enterprise its own. */
int project_list(struct ctx *c, const struct project_q *q, json_t **out,
    struct err *e);
/* The project view: {project, team:{steward, liaisons}, stages:[{stage,
 * label, state, state_label, bundle, application:{id, bundle_no, state,
 * accepted_day, completed_day, limit_days}|null, approvals:[{case_id,
 * case_no, item_name, dept_name, state, state_label, holder,
 * remaining_days, due_day, warn_level, blocked_by}], waiting:[{item_name,
 * dept_name, waits_for}], days_used, may_apply}], days:{used, target,
 * remaining, level, level_label}, tickets:[...], can:{edit, apply,
 * register}}. */
int project_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* The steward's desk: the actor's projects as project views (hall_admin,
 * supervisor: every key project): {items:[view]}. */
int project_desk(struct ctx *c, json_t **out, struct err *e);

/* ---- stage applications ---- */

/* The owner enterprise applies online for a stage: answers, form and
 * materials of the stage's bundle (bundle_apply). 409 when the stage may
 * not be applied for (core/project.h), 422 when the type has no bundle for
 * the stage. *out: the project view. */
int project_stage_apply(struct ctx *c, int64_t id, int stage,
    const json_t *answers, const json_t *form, const json_t *materials,
    json_t **out, struct err *e);
/* A clerk registers the owner's application at the window
 * (bundle_register_walkin, the owner as the applicant). */
int project_stage_register(struct ctx *c, int64_t id, int stage,
    const json_t *answers, const json_t *form, const json_t *materials,
    json_t **out, struct err *e);

/* ---- joint events (events.c) ---- */

/* The lead department (its approver or dept_admin; or the hall admin or a
 * steward department naming lead_dept_id) schedules a joint event:
 * {kind: site|review|drawing|acceptance, day (not before today), place,
 * note?, dept_ids:[invited departments, each with a seal], case_id? (one
 * case of the project; else every open case of the project in a
 * participating department), lead_dept_id?}. The involved cases' clocks
 * stop (special procedure) until the joint opinion is sealed. *out: the
 * event view {event, depts:[{dept_id, dept_name, person, opinion,
 * opinion_label, comment, attachments, sealed}], cases, rectifications,
 * can:{answer, seal, report}}. */
int project_event_schedule(struct ctx *c, int64_t project_id,
    const json_t *in, json_t **out, struct err *e);
/* Whoever may see the project. */
int project_event_get(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* A participating department's approver or dept_admin records (or
 * changes, until sealed) its opinion: {opinion: agree|rectify|disagree,
 * person, comment (required for disagree), attachments:[sha256 of the
 * actor's uploads], rectifications:[{item, due_day?}] (required exactly
 * for rectify)}. */
int project_event_opinion(struct ctx *c, int64_t id, const json_t *in,
    json_t **out, struct err *e);
/* The lead department seals the joint opinion once every department has
 * answered: the outcome, a PDF with every participating department's seal
 * (each department's seal signs it, in its ledger), and the involved
 * cases' clocks resume. */
int project_event_seal(struct ctx *c, int64_t id, const char *conclusion,
    json_t **out, struct err *e);
/* A participating department attaches a file (PDF, JPEG, PNG) to the
 * event before the opinion is sealed; its opinion may then name it. *out:
 * {sha256, name, content_type, size}. */
int project_event_attach(struct ctx *c, int64_t id, const void *data,
    size_t len, const char *name, json_t **out, struct err *e);
/* An attachment or rectification evidence of the event (whoever may see
 * the project). */
int project_event_file(struct ctx *c, int64_t id, const char *sha, int *fd,
    uint64_t *size, char ctype[32], char filename[256], struct err *e);
/* The sealed PDF (whoever may see the project). */
int project_event_pdf(struct ctx *c, int64_t id, int *fd, uint64_t *size,
    char filename[256], struct err *e);
/* The owner reports a rectification item done (report, evidence:
 * [sha256]); the department that raised it closes it or reopens it
 * (note required). */
int project_rect_report(struct ctx *c, int64_t id, const char *report,
    const json_t *evidence, json_t **out, struct err *e);
int project_rect_review(struct ctx *c, int64_t id, bool accept,
    const char *note, json_t **out, struct err *e);

/* ---- the sweeper pass ---- */

/* Opens a ticket (once per case) for each running approval of a project
 * stage that is overdue or has had no step for project.stall_workdays
 * working days; *acted counts them. */
int project_sweep(struct ctx *c, int *acted, struct err *e);

#endif
