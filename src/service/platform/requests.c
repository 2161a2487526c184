#include "service/platform/platform.h"

#include <string.h>

int
requests_list_scope(const struct actor *a, const char *status,
    const char *forbidden_msg, int64_t *dept_id, struct err *e)
{
	*dept_id = 0;
	if (status != NULL && status[0] != '\0' &&
	    strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
	    strcmp(status, "rejected") != 0)
		return err_field(e, ERR_INVALID, "status", NULL,
		    "状态须为 pending、approved 或 rejected");
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))
		return 0;
	if (!actor_has(a, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "%s", forbidden_msg);
	*dept_id = a->dept_id;
	return 0;
}
