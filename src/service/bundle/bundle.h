/* bundle.h - the public interface of the service domain "bundle": 高效办成
 * 一件事. Several departments' items a life event needs are applied for
 * once (one form, one material list), accepted once at one window (one
 * 受理通知书, one bundle number), approved in parallel by the departments
 * (one child case per chosen item, service/case), and finished within one
 * promised limit, the results handed out together.
 *
 * Definitions are kept by the hall admin: a draft version is edited,
 * submitted to the one request queue (kind "bundle_publish") and published
 * when the request is approved; published versions never change. The
 * rules (dependency graph, optional items, field mapping, material
 * merging, limits) are core/bundle.h.
 *
 * An application moves submitted -> (supplement -> submitted) -> running
 * -> completed -> delivered, or ends: rejected (不予受理), ended (a chosen
 * child was denied or ended: the reason is kept and the results that stand
 * are listed). Completion happens exactly once, in the transaction of the
 * child decision that completes it (a per-bundle lock on PostgreSQL).
 *
 * Statistics count a bundle once: cases.bundle_id is the bundle_cases.id
 * of a child case (NULL for a case of its own), and the bundle's in-person
 * visits are bundle_cases.trips. */
#ifndef ONETRIP_SERVICE_BUNDLE_BUNDLE_H
#define ONETRIP_SERVICE_BUNDLE_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

#define BUNDLE_STALE_MSG "一件事已被他人处理，请刷新后重试"
/* Bundles of this category are the stages of construction projects
 * (service/project): they are applied for from the project, so the 一件事
 * guide's list leaves them out (bundle_guide_get still shows one). */
#define BUNDLE_CATEGORY_PROJECT "工程建设项目"

/* Start-up: the request kind "bundle_publish" and the case domain's hook
 * for child decisions. */
void bundle_register(void);

/* ---- definitions (hall admin) ---- */

/* Every bundle with its published and open versions (hall_admin,
 * supervisor): {items:[{id, code, name, life_event, category, status,
 * published_version, open_version:{id, version_no, status}|null}]}. */
int bundle_defs_list(struct ctx *c, json_t **out, struct err *e);
/* One bundle for its editor: {bundle, published:{...}|null,
 * open:{...}|null, versions:[...]}; each version has its definition and
 * the computed summary (see bundle_def_check). */
int bundle_def_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* Creates a bundle with a draft version 1 (hall_admin). code: 2..32 of
 * [a-z0-9_-]. */
int bundle_def_create(struct ctx *c, const char *code,
    const json_t *definition, json_t **out, struct err *e);
/* Saves the open draft (creating one from the published version when
 * there is none). 409 while a version is submitted. */
int bundle_def_draft_put(struct ctx *c, int64_t id, const json_t *definition,
    const char *change_note, json_t **out, struct err *e);
/* Submits the draft for review: a request "bundle_publish" in the queue;
 * its approval publishes the version. */
int bundle_def_submit(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e);
/* Checks a definition against the published items and computes what the
 * guide shows: {ok, items:[{key, item_id, name, dept_name, promised_days,
 * optional, after}], materials:[{name, necessity, uses}], submissions,
 * saved, sum_days, longest_path, limit_days, ideal}. */
int bundle_def_check(struct ctx *c, const json_t *definition, json_t **out,
    struct err *e);

/* ---- the guide (public) ---- */

/* Published bundles grouped by life event: {groups:[{life_event, label,
 * bundles:[{id, code, name, category, summary, limit_days, items,
 * saved}]}]}. */
int bundle_guide_list(struct ctx *c, json_t **out, struct err *e);
/* One published bundle: definition facts, the combined material list,
 * the one limit, the questions and the shared fields. */
int bundle_guide_get(struct ctx *c, int64_t id, json_t **out,
    struct err *e);

/* ---- applications ---- */

/* Online application by the acting applicant (person for a person's
 * bundle, enterprise for an enterprise's): answers {question: bool},
 * form {field: value}, materials [{index, sha256}] over the combined
 * list. 422 when a required material is missing. */
int bundle_apply(struct ctx *c, int64_t bundle_id, const json_t *answers,
    const json_t *form, const json_t *materials, json_t **out,
    struct err *e);
/* The comprehensive window registers a walk-in application: applicant
 * {kind, idno, name, mobile}; records one trip. */
int bundle_register_walkin(struct ctx *c, int64_t bundle_id,
    const json_t *applicant, const json_t *answers, const json_t *form,
    const json_t *materials, json_t **out, struct err *e);

struct bundle_accept_in {
	const char *mode;            /* "normal" (NULL) or "rongque" */
	const json_t *missing;       /* rongque: combined-list indices */
	const char *supplement_due;  /* rongque: YYYY-MM-DD */
	const char *commitment_text;
	int64_t version;
};

/* One acceptance at a clerk's window: the 受理通知书 number, the child
 * cases of the chosen items whose dependencies are met (the others wait),
 * each forwarded to its department with its step budget. */
int bundle_accept(struct ctx *c, int64_t id, const struct bundle_accept_in *in,
    json_t **out, struct err *e);
/* 不予受理 with a reason. */
int bundle_reject(struct ctx *c, int64_t id, const char *reason,
    int64_t version, json_t **out, struct err *e);
/* 一次性告知补正 for the whole bundle: items [{index, problem}] over the
 * combined list. */
int bundle_request_supplement(struct ctx *c, int64_t id, const json_t *items,
    const char *note, int64_t version, json_t **out, struct err *e);
/* The applicant (or the window) hands in materials [{index, sha256}] once:
 * before acceptance back to submitted when complete; after a 容缺
 * acceptance each child that waits for them gets them. */
int bundle_supplement(struct ctx *c, int64_t id, const json_t *materials,
    int64_t version, json_t **out, struct err *e);
/* One delivery of every approved result (clerk of the accepting window):
 * method window/post/download. Only when completed. */
int bundle_deliver(struct ctx *c, int64_t id, const char *method,
    const char *tracking_no, int64_t version, json_t **out, struct err *e);

/* The bundle view: the application, its clock (limit, due day, remaining,
 * warning across the children, paused while the applicant supplements),
 * the combined materials, the children (state, remaining time, holder,
 * waits_for) and the timeline. Applicant (own), clerks, staff of a child's
 * department, hall_admin, supervisor. */
int bundle_case_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* The acting applicant's applications, newest first: {items}. */
int bundle_cases_mine(struct ctx *c, json_t **out, struct err *e);
/* Staff: applications by state (NULL: every open one), newest first:
 * {items}. Clerks see the window's queue (submitted and completed). */
int bundle_cases_list(struct ctx *c, const char *state, json_t **out,
    struct err *e);

#endif
