/* rating_internal.h - shared by the files of service/rating/ only. */
#ifndef ONETRIP_SERVICE_RATING_INTERNAL_H
#define ONETRIP_SERVICE_RATING_INTERNAL_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "core/rating.h"
#include "service/platform/platform.h"

/* Inside db_tx: opens the loop of a bad rating (stage verify) with its
 * first step, tells the department's admins and queues the upload. */
int rating_loop_open(struct ctx *c, int64_t rating_id, int64_t case_id,
    int64_t dept_id, struct err *e);

/* The due day of a stage starting today ("YYYY-MM-DD"), from its
 * setting. */
int rating_stage_due(struct ctx *c, enum rating_stage s, char out[11],
    struct err *e);

/* Inside db_tx: queues the upload of one loop step (idempotency key
 * "<region>-rating-step-<step_id>"). */
int rating_upload_step(struct ctx *c, int64_t loop_id, int64_t step_id,
    const char *stage, const char *action, const char *note, struct err *e);

/* The steps of a loop, oldest first (new reference; NULL on error). */
json_t *rating_loop_steps(struct ctx *c, int64_t loop_id, struct err *e);

/* "YYYYMMDDThhmmss" of an instant in the hall's time zone. */
void rating_time_code(int64_t t, char out[16]);

/* True when the actor is staff of dept (or the system). */
bool rating_dept_staff(const struct actor *a, int64_t dept);

#endif
