#include "service/stats/stats.h"

#include <string.h>

#include "core/catalog.h"
#include "core/indicators.h"
#include "store/db.h"

#define REFORM_VIEWERS (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)

/* The current published elements of every published item, each with its
 * item id and department id added. */
static int
published_elements(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e)
{
	struct db_stmt *s;
	json_t *list, *el;
	json_error_t je;
	int rc;

	*out = NULL;
	s = db_query(c->db, e, "SELECT i.id, i.dept_id, d.name, v.elements "
	    "FROM items i JOIN item_versions v ON v.id = i.current_version_id "
	    "JOIN departments d ON d.id = i.dept_id "
	    "WHERE i.status = 'published' AND (? = 0 OR i.dept_id = ?) "
	    "ORDER BY i.id", "ii", dept_id, dept_id);
	if (s == NULL)
		return -(int)e->code;
	list = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		el = json_loads(db_col_text(s, 3), 0, &je);
		if (!json_is_object(el)) {
			json_decref(el);
			continue; /* published elements are validated JSON */
		}
		json_object_set_new(el, "id", json_integer(db_col_int(s, 0)));
		json_object_set_new(el, "dept_id", json_integer(db_col_int(s, 1)));
		json_object_set_new(el, "dept", json_string(db_col_text(s, 2)));
		json_array_append_new(list, el);
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return 0;
}

int
reform_indicators(struct ctx *c, const char *formula, json_t **out,
    struct err *e)
{
	json_t *items = NULL;
	int f = 0, rc;

	*out = NULL;
	if (!actor_has(c->actor, REFORM_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	if (formula != NULL && formula[0] != '\0') {
		f = indicators_formula_parse(formula);
		if (f < 0)
			return err_field(e, ERR_INVALID, "formula", NULL,
			    "计算口径只能是 mean 或 sum");
	}
	rc = published_elements(c, 0, &items, e);
	if (rc != 0)
		return rc;
	*out = indicators_report(items, (enum indicator_time_formula)f, NULL,
	    e);
	json_decref(items);
	return *out != NULL ? 0 : -(int)e->code;
}

int
reform_indicator_items(struct ctx *c, const char *key, int met,
    int64_t dept_id, json_t **out, struct err *e)
{
	struct catalog_item it;
	json_t *items = NULL, *list, *el;
	struct err pe;
	size_t i;
	int id, st, rc;

	*out = NULL;
	if (!actor_has(c->actor, REFORM_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革指标");
	id = indicators_key_parse(key);
	if (id < 0)
		return err_field(e, ERR_INVALID, "indicator", NULL,
		    "未知的指标“%s”", key != NULL ? key : "");
	rc = published_elements(c, dept_id, &items, e);
	if (rc != 0)
		return rc;
	list = json_array();
	json_array_foreach(items, i, el) {
		if (catalog_parse(el, &it, &pe) != 0)
			continue;
		st = indicators_item_status(&it, (enum indicator_id)id, NULL);
		catalog_item_release(&it);
		if (st < 0 || (met >= 0 && st != met))
			continue;
		json_array_append_new(list, json_pack("{s:O? s:O? s:O? s:O? s:O? "
		    "s:O? s:O? s:O? s:O? s:O? s:b}",
		    "id", json_object_get(el, "id"),
		    "name", json_object_get(el, "name"),
		    "basic_code", json_object_get(el, "basic_code"),
		    "dept_id", json_object_get(el, "dept_id"),
		    "dept_name", json_object_get(el, "dept"),
		    "visits", json_object_get(el, "visits"),
		    "case_kind", json_object_get(el, "case_kind"),
		    "online_level", json_object_get(el, "online_level"),
		    "statutory_days", json_object_get(el, "statutory_days"),
		    "promised_days", json_object_get(el, "promised_days"),
		    "met", st == 1));
	}
	json_decref(items);
	*out = json_pack("{s:s s:s s:o}", "indicator", key, "label",
	    indicators_label((enum indicator_id)id), "items", list);
	return 0;
}
