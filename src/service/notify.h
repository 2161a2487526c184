/* notify.h - the in-app inbox and the SMS outbox (service/notify.c).
 *
 * Notifications and SMS messages are written in the transaction of the
 * change that causes them; jobs/outbox.c delivers the SMS outbox with
 * retries. There is no SMS gateway: delivery appends one line per message
 * to <var>/sms-outbox.log. */
#ifndef ONETRIP_SERVICE_NOTIFY_H
#define ONETRIP_SERVICE_NOTIFY_H

#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/ctx.h"

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
