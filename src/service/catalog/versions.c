/* versions.c - an item's published versions and their differences. */
#include "service/catalog/catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "core/catalog.h"
#include "store/db.h"



/* --- versions and differences --- */

static int
visible_item(struct ctx *c, int64_t id, struct item_row *r, bool *drafts,
    struct err *e)
{
	int rc;

	if (!catalog_is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看事项版本");
	rc = catalog_item_load(c->db, id, r, e);
	if (rc != 0)
		return rc;
	*drafts = catalog_can_see_drafts(c->actor, r->dept_id);
	if (!*drafts && strcmp(r->status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	return 0;
}

int
catalog_item_versions(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct item_row r;
	bool drafts;
	json_t *list;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc != 0)
		return rc;
	list = db_query_json(c->db, e, "SELECT id, version_no, status, "
	    "change_note, created_at, submitted_at, published_at, "
	    "review_reason, reviewed_at FROM item_versions WHERE item_id = ? "
	    "AND (? = 1 OR status IN ('published', 'superseded')) "
	    "ORDER BY version_no DESC", "iI", id, drafts ? 1 : 0);
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

static int
version_by_no(struct ctx *c, int64_t id, int no, bool drafts, json_t **out,
    struct err *e)
{
	int rc;

	rc = catalog_version_get(c->db, db_query(c->db, e, VERSION_COLS "WHERE "
	    "item_id = ? AND version_no = ? AND (? = 1 OR status IN "
	    "('published', 'superseded'))", "iII", id, no, drafts ? 1 : 0),
	    out, e);
	if (rc == 0 && *out == NULL)
		rc = err_set(e, ERR_NOT_FOUND, "version_not_found",
		    "版本不存在");
	return rc;
}

int
catalog_item_version(struct ctx *c, int64_t id, int version_no, json_t **out,
    struct err *e)
{
	struct item_row r;
	bool drafts;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc == 0)
		rc = version_by_no(c, id, version_no, drafts, out, e);
	return rc;
}

int
catalog_item_diff(struct ctx *c, int64_t id, int from, int to, json_t **out,
    struct err *e)
{
	struct item_row r;
	json_t *a = NULL, *b = NULL, *d;
	bool drafts;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc != 0)
		return rc;
	if (from < 0 || to <= 0)
		return err_field(e, ERR_INVALID, to <= 0 ? "to" : "from", NULL,
		    "版本号须为正整数");
	if (from > 0)
		rc = version_by_no(c, id, from, drafts, &a, e);
	if (rc == 0)
		rc = version_by_no(c, id, to, drafts, &b, e);
	if (rc == 0) {
		d = catalog_diff(a != NULL ? json_object_get(a, "elements") :
		    NULL, json_object_get(b, "elements"));
		*out = json_pack("{s:i, s:i, s:o}", "from", from, "to", to,
		    "changes", d != NULL ? d : json_array());
		if (*out == NULL)
			rc = err_internal(e, "out of memory");
	}
	json_decref(a);
	json_decref(b);
	return rc;
}
