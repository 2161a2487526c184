/* project_internal.h - shared by the files of service/project only. */
#ifndef ONETRIP_SERVICE_PROJECT_PROJECT_INTERNAL_H
#define ONETRIP_SERVICE_PROJECT_PROJECT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "core/project.h"
#include "service/platform/platform.h"
#include "service/project/project.h"

struct db;

/* db_tx_lock() key of one project: base ^ id; PJ_LOCK_CODES serialises the
 * local project codes. */
#define PJ_LOCK_BASE INT64_C(0x6f6e657472690900)
#define PJ_LOCK_CODES INT64_C(0x6f6e6574726908ff)

/* hall_admin, supervisor, sysadmin or the system actor. */
bool pj_overseer(const struct actor *a);
/* hall_admin, or staff of a department in project.steward_depts. */
int pj_may_manage(struct ctx *c, bool *yes, struct err *e);
/* Is user_id an enabled staff member of a steward department? */
int pj_is_steward_staff(struct ctx *c, int64_t user_id, bool *yes,
    struct err *e);

/* Which projects a staff actor sees. *all: every project (the overseers,
 * whoever may register projects, the hall's window clerks who register
 * stage applications). Otherwise only those it is the steward of or whose
 * PJ_INVOLVED_SQL holds for *dept (its department; -1 for none). */
int pj_staff_scope(struct ctx *c, bool *all, int64_t *dept, struct err *e);
/* The department (3 parameters, the same id) takes part in project p: it
 * has a liaison on it, is invited to one of its joint events, or holds a
 * case of one of its stage applications. */
#define PJ_INVOLVED_SQL "(EXISTS (SELECT 1 FROM project_liaisons pl " \
	"WHERE pl.project_id = p.id AND pl.dept_id = ?) OR EXISTS (SELECT 1 " \
	"FROM project_events pe JOIN project_event_depts ped ON ped.event_id " \
	"= pe.id WHERE pe.project_id = p.id AND ped.dept_id = ?) OR EXISTS " \
	"(SELECT 1 FROM project_stage_apps psa JOIN bundle_children pbc ON " \
	"pbc.bundle_case_id = psa.bundle_case_id WHERE psa.project_id = p.id " \
	"AND pbc.dept_id = ?))"

/* The project row as JSON (new reference) when the actor may see it: the
 * staff of pj_staff_scope, the owner enterprise; 404 for anyone else. */
int pj_load(struct ctx *c, int64_t id, json_t **row, struct err *e);
/* The owner enterprise of the row is the actor. */
bool pj_is_owner(const struct actor *a, const json_t *row);

/* The stage states of a project (index 1..PROJECT_STAGES) and, per stage,
 * the latest application as JSON (borrowed from *apps, which the caller
 * decrefs): {id, stage, bundle_case_id, bundle_no, state, accepted_day,
 * completed_at, limit_days}. */
int pj_stage_states(struct ctx *c, int64_t id,
    enum project_stage_state *state, json_t **apps, json_t **latest,
    struct err *e);

int pj_audit(struct ctx *c, const char *action, int64_t id, json_t *summary,
    struct err *e);
int pj_text(const char *s, const char *field, const char *what, size_t max,
    bool required, struct err *e);

#endif
