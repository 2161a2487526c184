/* supervise_internal.h - helpers shared inside service/supervise only. */
#ifndef ONETRIP_SERVICE_SUPERVISE_INTERNAL_H
#define ONETRIP_SERVICE_SUPERVISE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"
#include "store/db.h"

/* Sees every department: supervisor, hall_admin, sysadmin, system. */
bool sv_overseer(const struct actor *a);
/* Acts as the supervision office: supervisor or the system actor. */
bool sv_supervisor(const struct actor *a);
/* Staff of a department (clerk, approver, dept_admin) with a department. */
bool sv_dept_staff(const struct actor *a);
/* May answer for the department: approver or dept_admin of dept_id. */
bool sv_dept_answerer(const struct actor *a, int64_t dept_id);

/* Checks a text field: required (or may be empty when !required), valid
 * UTF-8, at most max characters. */
int sv_text(const char *s, const char *field, const char *what, size_t max,
    bool required, struct err *e);
/* Parses "YYYY-MM-DD" into out (normalised); ERR_INVALID naming the field. */
int sv_day(const char *s, const char *field, const char *what, char out[11],
    struct err *e);
/* Today in the hall's time zone. */
void sv_today(char out[11]);
/* A period of days (either end may be open): the days as given and the
 * instants [t0, t1) they span in the hall's time zone. */
struct sv_period {
	char from[11], to[11];   /* "" when open */
	int64_t t0, t1;          /* 0 and INT64_MAX when open */
};
/* Parses from/to (NULL or "": open); ERR_INVALID for a bad day or from
 * after to. */
int sv_period(const char *from, const char *to, struct sv_period *p,
    struct err *e);

/* Inside db_tx: one audit record, object id an integer. */
int sv_audit(struct ctx *c, const char *action, const char *type, int64_t id,
    json_t *summary, struct err *e);
/* Inside db_tx: notifies every active user holding any of roles. */
int sv_notify_roles(struct ctx *c, unsigned roles, const char *kind,
    const char *title, const char *body, struct err *e);
/* 0 when the department exists; ERR_NOT_FOUND naming the field otherwise. */
int sv_dept_exists(struct db *db, int64_t dept_id, const char *field,
    struct err *e);
/* The page size: 0 -> default, clamped to the maximum. */
/* ERR_NOT_FOUND (field item_id or window_id) for an item or window named
 * (> 0) that does not exist. */
int sv_item_window_exist(struct db *db, int64_t item_id, int64_t window_id,
    struct err *e);
int sv_limit(int limit);
/* The JSON text of a column (array or object), or an empty array. */
json_t *sv_json_col(struct db_stmt *s, int col);
/* A text column or JSON null. */
json_t *sv_text_or_null(struct db_stmt *s, int col);

/* Inside db_tx: a timeline event of a ticket. */
int sv_ticket_event(struct ctx *c, struct db *db, int64_t ticket_id,
    const char *action, const char *note, struct err *e);

/* Inside db_tx: inserts a notice already validated ({title, finding,
 * basis, rectification, dept_ids}) with its departments, notifies them and
 * writes the audit record; *id is the new notice. assessment 0: none. */
int sv_notice_insert(struct ctx *c, struct db *db, const json_t *in,
    const char *deadline, int64_t assessment, int64_t *id, struct err *e);

#endif
