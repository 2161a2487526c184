/* hall.h - the public interface of the service domain "hall". */
#ifndef ONETRIP_SERVICE_HALL_HALL_H
#define ONETRIP_SERVICE_HALL_HALL_H

/* hall.h - the hall (service/hall.c): departments and their stationing
 * (三集中三到位), windows, the items each window accepts, staff at windows
 * and the change requests that move or remove stationed staff.
 *
 * Departments are public (GET); the hall admin keeps them. Windows and
 * staff are seen by staff; the hall admin creates and changes windows and
 * decides staff changes. Staff stay stable: moving or removing a seated
 * staff member is a request with a reason (by the staff member's
 * department admin or the hall admin) that the hall admin approves or
 * rejects (a request of kind "staff_change" on the one request queue,
 * service/platform); until approved the assignment stands. Every assignment is kept
 * (staff_assignments rows are closed with until/active = 0, never
 * deleted). users.window_id follows the active assignment. */

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

int hall_departments_list(struct ctx *c, json_t **out, struct err *e);
/* The department named by its id (digits) or its name or short name:
 * *id, or ERR_NOT_FOUND with a Chinese message naming it. */
int hall_department_resolve(struct ctx *c, const char *id_or_name,
    int64_t *id, struct err *e);
int hall_department_get(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* Members (all optional): name, short_name, credit_code, kind,
 * stationing_mode, not_stationed_reason, responsible_user_id (an active
 * staff account of the department: its name and mobile become
 * responsible_person and responsible_phone; null clears it, refused for a
 * department with published items), responsible_phone, lead_office,
 * contact_phone, address. A typed responsible_person other than the
 * current one is refused (422 responsible_account_required); 委托综合窗口
 * 受理 is refused while a window of the department's own accepts its
 * items (409 own_window_accepts). */
int hall_department_update(struct ctx *c, int64_t id, const json_t *in,
    json_t **out, struct err *e);

/* What each department's acceptance actually looks like against its
 * stationing mode (core/stationing.h), for the hall (hall admin,
 * supervisor, sysadmin): {"items": [{id, name, stationing_mode, mode_label,
 * not_stationed_reason, responsible_user_id, responsible_person, items,
 * stationed_items, own_windows, own_window_items, comprehensive_items,
 * uncarried_items, accepted_at_hall, accepted_by_department, flags:
 * [{code, text}]}], "totals": {accepted_at_hall, accepted_by_department,
 * flagged}}. own_window_items: stationed items carried by an active
 * window of the department (the hall's own department: its comprehensive
 * windows). Accepted cases are counted by acceptance place: a hall window
 * (cases.window_id set) or the department itself. */
int hall_departments_acceptance(struct ctx *c, json_t **out, struct err *e);

int hall_windows_list(struct ctx *c, json_t **out, struct err *e);
/* {number, name, kind, zone, dept_id, active?} */
int hall_window_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e);
int hall_window_update(struct ctx *c, int64_t id, const json_t *in,
    json_t **out, struct err *e);
int hall_window_items(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* Replaces the window's items; every item must be published and stationed;
 * a dedicated window only takes its department's items. */
int hall_window_items_put(struct ctx *c, int64_t id, const json_t *item_ids,
    json_t **out, struct err *e);
int hall_window_staff(struct ctx *c, int64_t id, json_t **out,
    struct err *e);

/* First seat of a staff member without an active assignment. */
int hall_staff_assign(struct ctx *c, int64_t user_id, int64_t window_id,
    json_t **out, struct err *e);
/* Staff accounts (service/hall/accounts.c): a new account is a pending
 * request ("staff_change", kind "create"; 201 with the request) asked by the
 * hall admin, the sysadmin or a department admin for their own department;
 * approved by the hall admin or the sysadmin other than who asked, it
 * becomes a working account (seated at window_id when given). reason
 * NULL/"": "新设工作人员账户". */
int hall_staff_account_request(struct ctx *c, const char *login,
    const char *name, const char *mobile, unsigned roles, int64_t dept_id,
    int64_t window_id, const char *password, const char *reason,
    json_t **out, struct err *e);
/* A change of a staff member's roles and department (kind "roles"),
 * decided as a new account is. dept_id 0: unchanged. */
int hall_staff_roles_request(struct ctx *c, int64_t user_id, unsigned roles,
    int64_t dept_id, const char *reason, json_t **out, struct err *e);
/* Stopping a staff account, or letting it log in again (kind "disable" /
 * "enable"), decided as a new account is: asked by the hall admin, the
 * sysadmin or the department admin for their own department's people,
 * never for one's own account; a disabled account's sessions end and it
 * leaves its window. */
int hall_staff_status_request(struct ctx *c, int64_t user_id, bool enable,
    const char *reason, json_t **out, struct err *e);
/* kind "move" (to_window_id) or "remove". */
int hall_staff_change_request(struct ctx *c, const char *kind,
    int64_t user_id, int64_t to_window_id, const char *reason, json_t **out,
    struct err *e);
int hall_staff_changes_list(struct ctx *c, const char *status, json_t **out,
    struct err *e);
/* The same, one page at a time (cursor: next_cursor of the previous page,
 * limit 0: default). */
int hall_staff_changes_page(struct ctx *c, const char *status,
    const char *cursor, int limit, json_t **out, struct err *e);
int hall_staff_change_decide(struct ctx *c, int64_t id, bool approve,
    const char *reason, json_t **out, struct err *e);
/* Registers the hall's request kinds ("staff_change") with the request
 * queue (service/platform); called once at start-up. */
void hall_requests_register(void);

int hall_staff_history(struct ctx *c, int64_t user_id, json_t **out,
    struct err *e);


#endif
