/* guide.c - the public service guide. */
#include "service/catalog/catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "core/catalog.h"
#include "core/form.h"
#include "store/db.h"



/* --- the guide --- */

static const char *const theme_codes[] = {
	"birth", "household", "education", "employment", "social_security",
	"medical", "marriage", "housing", "transport", "retirement", "veteran",
	"disability", "death", "culture", "utilities", "establish", "permit",
	"construction", "tax", "labour", "qualification", "environment",
	"safety", "agriculture", "trade", "cancel",
};

int
catalog_guide_item(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct item_row r;
	json_t *item = NULL, *pub = NULL, *dept = NULL, *wins = NULL;
	int rc;

	*out = NULL;
	rc = catalog_item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	if (strcmp(r.status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	rc = catalog_item_summary(c, id, false, &item, e);
	if (rc == 0)
		rc = catalog_published_version(c->db, r.current_version_id, &pub, e);
	if (rc != 0)
		goto fail;
	dept = db_query_row(c->db, e, "SELECT id, name, short_name, kind, "
	    "stationing_mode, contact_phone, address FROM departments "
	    "WHERE id = ?", "i", r.dept_id);
	wins = db_query_json(c->db, e, "SELECT w.id, w.number, w.name, w.kind, "
	    "w.zone FROM window_items wi JOIN windows w ON w.id = wi.window_id "
	    "WHERE wi.item_id = ? AND w.active = 1 ORDER BY w.number", "i", id);
	if (dept == NULL || wins == NULL || pub == NULL) {
		rc = pub == NULL ? err_set(e, ERR_NOT_FOUND, "item_not_found",
		    "事项不存在") : err_rc(e);
		goto fail;
	}
	*out = json_pack("{s:o, s:O, s:O, s:o, s:o}", "item", item,
	    "elements", json_object_get(pub, "elements"),
	    "version_no", json_object_get(pub, "version_no"),
	    "dept", dept, "windows", wins);
	json_decref(pub);
	/* The commitment an online application signs (core/form.h). */
	if (*out != NULL)
		json_object_set_new(*out, "pledge_text",
		    json_string(form_pledge_text()));
	return *out != NULL ? 0 : err_internal(e, "out of memory");
fail:
	json_decref(item);
	json_decref(pub);
	json_decref(dept);
	json_decref(wins);
	return rc;
}

int
catalog_guide_themes(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list = json_array();
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < NELEM(theme_codes) && rc == 0; i++) {
		char like[64];
		int64_t n = 0;
		char aud = catalog_theme_audience(theme_codes[i]);

		snprintf(like, sizeof(like), "%%,%s,%%", theme_codes[i]);
		rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM items "
		    "WHERE status = 'published' AND themes LIKE ?", "s", like);
		if (rc < 0)
			break;
		rc = 0;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}",
		    "code", theme_codes[i], "label",
		    catalog_theme_label(theme_codes[i]), "audience",
		    aud == 'P' ? "person" : aud == 'E' ? "enterprise" : "both",
		    "item_count", (json_int_t)n));
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

int
catalog_guide_types(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list = json_array();
	int rc = 0;

	*out = NULL;
	for (int i = 0; i <= 20 && rc == 0; i++) {
		char code[16];
		int64_t n = 0;

		snprintf(code, sizeof(code), "%02d", i);
		if (!catalog_type_known(code))
			continue;
		rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM items "
		    "WHERE status = 'published' AND type = ?", "s", code);
		if (rc < 0)
			break;
		rc = 0;
		if (n == 0)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}",
		    "code", code, "label", catalog_type_label(code),
		    "item_count", (json_int_t)n));
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

int
catalog_guide_file_check(struct ctx *c, int64_t item_id, const char *sha256,
    struct err *e)
{
	struct item_row r;
	json_t *pub = NULL, *m;
	size_t i;
	bool found = false;
	int rc;

	rc = catalog_item_load(c->db, item_id, &r, e);
	if (rc == 0 && strcmp(r.status, "published") != 0)
		rc = err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	if (rc == 0)
		rc = catalog_published_version(c->db, r.current_version_id, &pub, e);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(json_object_get(pub, "elements"),
	    "materials"), i, m) {
		const char *b = json_string_value(json_object_get(m,
		    "blank_form"));
		const char *s = json_string_value(json_object_get(m, "sample"));

		if ((b != NULL && strcmp(b, sha256) == 0) ||
		    (s != NULL && strcmp(s, sha256) == 0))
			found = true;
	}
	json_decref(pub);
	/* Only catalogue files are public, whatever a version names. */
	if (found) {
		int64_t one = 0;

		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM catalog_files "
		    "WHERE sha256 = ?", "s", sha256);
		if (rc < 0)
			return rc;
		found = rc == DB_ROW;
	}
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "file_not_found",
	    "文件不存在");
}
