/* stationing.c - what each department's acceptance actually looks like
 * against its stationing mode (core/stationing.h), for the hall's
 * department page. See hall.h. */
#include "service/hall/hall.h"

#include <string.h>

#include "core/stationing.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define ITEMS_PUB "FROM items i WHERE i.dept_id = d.id AND i.status = " \
	"'published'"
#define CARRIED(kind_) "(SELECT COUNT(DISTINCT wi.item_id) FROM window_items " \
	"wi JOIN windows w ON w.id = wi.window_id JOIN items i ON i.id = " \
	"wi.item_id WHERE i.dept_id = d.id AND i.status = 'published' AND " \
	"i.stationed = 1 AND w.active = 1 AND " kind_ ")"

int
hall_departments_acceptance(struct ctx *c, json_t **out, struct err *e)
{
	json_t *rows, *d, *totals;
	int64_t hall = 0, dept = 0, flagged = 0;
	size_t i;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SUPERVISOR |
	    ROLE_SYSADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员和督查人员可以查看部门受理情况");
	rows = db_query_json(c->db, e, "SELECT d.id, d.name, "
	    "d.stationing_mode, d.not_stationed_reason, d.responsible_user_id, "
	    "d.responsible_person, "
	    "(SELECT COUNT(*) " ITEMS_PUB ") AS items, "
	    "(SELECT COUNT(*) " ITEMS_PUB " AND i.stationed = 1) AS "
	    "stationed_items, "
	    "(SELECT COUNT(*) FROM windows w WHERE w.dept_id = d.id AND "
	    "w.active = 1 AND w.kind IN ('dedicated', 'comprehensive')) AS "
	    "own_windows, "
	    CARRIED("w.dept_id = d.id")
	    " AS own_window_items, "
	    CARRIED("w.kind = 'comprehensive'") " AS comprehensive_items, "
	    "(SELECT COUNT(*) " ITEMS_PUB " AND i.stationed = 1 AND NOT EXISTS "
	    "(SELECT 1 FROM window_items wi JOIN windows w ON w.id = "
	    "wi.window_id WHERE wi.item_id = i.id AND w.active = 1)) AS "
	    "uncarried_items, "
	    "(SELECT COUNT(*) FROM users u WHERE u.id = d.responsible_user_id "
	    "AND u.kind = 'S' AND u.disabled = 0 AND u.dept_id = d.id) AS "
	    "responsible_ok, "
	    "(SELECT COUNT(*) FROM cases c WHERE c.dept_id = d.id AND "
	    "c.accepted_at IS NOT NULL AND c.window_id IS NOT NULL) AS "
	    "accepted_at_hall, "
	    "(SELECT COUNT(*) FROM cases c WHERE c.dept_id = d.id AND "
	    "c.accepted_at IS NOT NULL AND c.window_id IS NULL) AS "
	    "accepted_by_department "
	    "FROM departments d ORDER BY d.id", "");
	if (rows == NULL)
		return err_rc(e);
	json_array_foreach(rows, i, d) {
		struct stationing_facts f;
		int mode = stationing_mode_parse(json_string_value(
		    json_object_get(d, "stationing_mode")));
		json_t *fl = json_array();
		unsigned bits;

#define N(k) ((int)json_integer_value(json_object_get(d, k)))
		memset(&f, 0, sizeof(f));
		f.mode = mode < 0 ? STATIONING_NONE : (enum stationing_mode)mode;
		f.has_reason = json_string_length(json_object_get(d,
		    "not_stationed_reason")) > 0;
		f.items = N("items");
		f.stationed_items = N("stationed_items");
		f.own_window_items = N("own_window_items");
		f.comprehensive_items = N("comprehensive_items");
		f.uncarried_items = N("uncarried_items");
		f.has_responsible = N("responsible_ok") > 0;
		hall += N("accepted_at_hall");
		dept += N("accepted_by_department");
#undef N
		bits = stationing_flags(&f);
		for (unsigned b = 1; b != 0 && b <= bits; b <<= 1)
			if (bits & b)
				json_array_append_new(fl, json_pack("{s:s, s:s}",
				    "code", stationing_flag_code(b), "text",
				    stationing_flag_text(b)));
		if (bits != 0)
			flagged++;
		json_object_del(d, "responsible_ok");
		json_object_set_new(d, "mode_label", json_string(
		    stationing_mode_label(f.mode)));
		json_object_set_new(d, "flags", fl);
	}
	totals = json_pack("{s:I, s:I, s:I}", "accepted_at_hall",
	    (json_int_t)hall, "accepted_by_department", (json_int_t)dept,
	    "flagged", (json_int_t)flagged);
	*out = json_pack("{s:o, s:o}", "items", rows, "totals", totals);
	return 0;
}

#undef CARRIED
#undef ITEMS_PUB
