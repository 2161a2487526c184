/* hall_internal.h - what the files of service/hall share (hall.c,
 * accounts.c); included only inside this folder. */
#ifndef ONETRIP_SERVICE_HALL_HALL_INTERNAL_H
#define ONETRIP_SERVICE_HALL_HALL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

#define HALL_LOCK_STAFF 0x7374616666000000LL /* "staff" + user id */

struct db;

struct staff_tx {
	struct ctx *c;
	int64_t id, user_id, dept_id, window_id, to_window_id;
	const char *kind, *reason;
};

/* A reason: required or not, valid UTF-8 of at most LIMIT_TEXT_CHARS. */
bool hall_reason_ok(const char *s, bool required, struct err *e);
/* Staff member user_id: *dept and *window (active assignment; <= 0 if
 * none). ERR_UNPROCESSABLE when not staff or without a department. */
int hall_staff_load(struct db *db, int64_t user_id, int64_t *dept,
    int64_t *window, struct err *e);
/* ERR_UNPROCESSABLE (field window_id) unless window id is active. */
int hall_window_exists(struct db *db, int64_t id, struct err *e);
/* Inside db_tx: closes t->user_id's active assignment and seats them at
 * window_id (0: nowhere); users.window_id follows. */
int hall_seat(struct db *db, struct staff_tx *t, int64_t window_id,
    struct err *e);
/* A staff_change request in the hall's shape (new reference in *out). */
int hall_change_get(struct ctx *c, int64_t id, json_t **out, struct err *e);

/* accounts.c: the kind's apply() for "create" and "roles" changes. */
int hall_account_apply(struct ctx *c, struct db *db, const struct request *r,
    const char *kind, bool approve, struct err *e);

#endif
