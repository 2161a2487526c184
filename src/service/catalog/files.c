/* files.c - catalogue files: the blank forms (空白表格) and samples (示例样表)
 * of items. A department admin or the hall admin uploads them (the bytes are
 * stored by the records domain, POST /api/files) and registers them here;
 * a material may name only a registered file, and the public guide serves
 * only registered files named by the item's published version. A file that
 * an applicant uploaded (uploads) is never registered, so nothing an
 * applicant gave the platform can be published by a member of staff. */
#include "service/catalog/catalog.h"
#include "service/catalog/catalog_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "service/platform/platform.h"
#include "store/db.h"

struct reg_tx {
	struct ctx *c;
	const char *sha256, *name;
};

static int
register_fn(struct db *db, void *arg, struct err *e)
{
	struct reg_tx *t = arg;
	int64_t one = 0;
	int rc;

	rc = db_query_int(db, e, &one, "SELECT 1 FROM uploads WHERE sha256 = ?",
	    "s", t->sha256);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return err_set(e, ERR_UNPROCESSABLE, "applicant_file",
		    "该文件与申请人上传的材料相同，不能作为事项文件公开");
	rc = db_exec(db, e, "INSERT INTO catalog_files (sha256, dept_id, name, "
	    "created_by, created_at) VALUES (?, NULLIF(?, 0), ?, ?, ?) "
	    "ON CONFLICT (sha256) DO NOTHING", "sisii", t->sha256,
	    t->c->actor->dept_id, t->name != NULL ? t->name : "",
	    t->c->actor->user_id, clock_now());
	if (rc != 0 || db_last_changes(db) == 0)
		return rc;
	return audit_append(t->c, "catalog.file_upload", "file", t->sha256,
	    NULL, e);
}

int
catalog_file_register(struct ctx *c, const char *sha256, const char *name,
    struct err *e)
{
	struct reg_tx t = { c, sha256, name };

	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权上传事项文件");
	return db_tx(c->db, register_fn, &t, e);
}

int
catalog_files_check(struct db *db, const json_t *elements, struct err *e)
{
	static const char *const keys[] = { "blank_form", "sample" };
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(elements, "materials"), i, m) {
		for (size_t k = 0; k < 2; k++) {
			const char *h = json_string_value(json_object_get(m,
			    keys[k]));
			char field[64];
			int64_t one = 0;
			int rc;

			if (h == NULL || h[0] == '\0')
				continue;
			rc = db_query_int(db, e, &one, "SELECT 1 FROM "
			    "catalog_files WHERE sha256 = ?", "s", h);
			if (rc < 0)
				return rc;
			if (rc == DB_ROW)
				continue;
			snprintf(field, sizeof(field), "materials[%zu].%s", i,
			    keys[k]);
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "not_catalog_file", "第 %zu 项材料的%s不是事项文件："
			    "空白表格和示例样表须由部门作为事项文件上传", i + 1,
			    k == 0 ? "空白表格" : "示例样表");
		}
	}
	return 0;
}
