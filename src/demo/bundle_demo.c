/* bundle_demo.c - the Baihe demo 一件事 bundles (data/demo/bundles.json):
 * approver accounts of the departments and utility companies the bundles
 * need, the 行业综合许可证 item of the 一业一证 bundle, and the bundles
 * themselves, created, submitted and published through the bundle service
 * and the one request queue.
 *
 * Idempotent: accounts by login, the item by name, bundles by code. */
#include "demo/demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "core/catalog.h"
#include "service/account/account.h"
#include "service/bundle/bundle.h"
#include "service/catalog/catalog.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define BUNDLES_FILE "data/demo/bundles.json"

static int
count_of(struct db *db, const char *sql, const char *arg, int64_t *n,
    struct err *e)
{
	int rc = db_query_int(db, e, n, sql, "s", arg);

	return rc < 0 ? rc : 0;
}

/* Approver accounts {login, name, mobile, dept} the demo data adds;
 * those already there are left as they are. */
int
demo_add_approvers(struct ctx *c, const json_t *list, struct err *e)
{
	json_t *a;
	size_t i;
	int rc;

	json_array_foreach(list, i, a) {
		const char *login = json_string_value(json_object_get(a,
		    "login"));
		int64_t n = 0, dept = 0;

		rc = count_of(c->db, "SELECT COUNT(*) FROM users WHERE login = ?",
		    login, &n, e);
		if (rc != 0)
			return rc;
		if (n > 0)
			continue;
		rc = db_query_int(c->db, e, &dept, "SELECT id FROM departments "
		    "WHERE name = ?", "s", json_string_value(json_object_get(a,
		    "dept")));
		if (rc != DB_ROW)
			return rc < 0 ? rc : err_internal(e, "demo: "
			    "department of %s is missing", login);
		rc = user_add_staff(c, login, json_string_value(
		    json_object_get(a, "name")), json_string_value(
		    json_object_get(a, "mobile")), ROLE_APPROVER, dept, 0,
		    DEMO_PASSWORD, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

struct item_tx {
	struct ctx *c;
	const json_t *spec;
};

static int
licence_item_fn(struct db *db, void *arg, struct err *e)
{
	struct item_tx *t = arg;
	const json_t *s = t->spec;
	const char *dname = json_string_value(json_object_get(s, "dept"));
	json_t *tpl, *el = NULL, *canon = NULL, *mats;
	char code[CATALOG_IMPL_CODE_LEN + 1];
	int64_t dept = 0, item_id = 0;
	bool created = false;
	int rc;

	tpl = db_query_row(db, e, "SELECT d.id, d.credit_code, v.elements "
	    "FROM items i JOIN item_versions v ON v.id = i.current_version_id "
	    "JOIN departments d ON d.name = ? WHERE i.name = ? AND "
	    "i.status = 'published'", "ss", dname, json_string_value(
	    json_object_get(s, "template")));
	if (tpl == NULL)
		return err_internal(e, "demo bundles: licence template missing: "
		    "%s", e->msg);
	dept = json_integer_value(json_object_get(tpl, "id"));
	el = json_loads(json_string_value(json_object_get(tpl, "elements")), 0,
	    NULL);
	if (el == NULL || catalog_impl_code_build(json_string_value(
	    json_object_get(tpl, "credit_code")), 4, json_string_value(
	    json_object_get(s, "basic_code")), code) != 0) {
		rc = err_internal(e, "demo bundles: cannot build the licence "
		    "item");
		goto out;
	}
	json_object_set(el, "name", json_object_get(s, "name"));
	json_object_set(el, "basic_code", json_object_get(s, "basic_code"));
	json_object_set_new(el, "impl_code", json_string(code));
	json_object_set_new(el, "handle_code", json_string(""));
	json_object_set(el, "result_name", json_object_get(s, "result_name"));
	json_object_set(el, "promised_days", json_object_get(s,
	    "promised_days"));
	json_object_set_new(el, "case_kind", json_integer(2));
	json_object_set_new(el, "window_authorised", json_false());
	json_object_set_new(el, "rongque", json_false());
	json_object_set_new(el, "commitment", json_false());
	json_object_set_new(el, "legal_basis", json_string(
	    "《国务院办公厅关于全面实行行政许可事项清单管理的通知》；"
	    "白河县“一业一证”改革实施方案"));
	json_object_set_new(el, "conditions", json_string("已取得本证所载明"
	    "并替代的各项许可或备案。"));
	mats = json_pack("[{s:s, s:s, s:s, s:s, s:i, s:s, s:n, s:n, s:s}]",
	    "name", "行业综合许可申请表", "necessity", "required", "form",
	    "both", "kind", "original", "copies", 1, "source", "online_form",
	    "blank_form", "sample", "notes", "一件事申请表自动生成");
	json_object_set_new(el, "materials", mats);
	rc = catalog_check_json(el, false, &canon, e);
	if (rc != 0) {
		rc = err_internal(e, "demo bundles: licence item: %s: %s",
		    e->field, e->msg);
		goto out;
	}
	rc = catalog_item_insert_published(t->c, dept, dname, canon, &created,
	    &item_id, e);
out:
	json_decref(canon);
	json_decref(el);
	json_decref(tpl);
	return rc;
}

/* The definition with item names resolved to the published items. */
static int
resolve(struct ctx *c, const json_t *b, json_t **def, struct err *e)
{
	json_t *items, *it;
	size_t i;
	int rc;

	*def = json_deep_copy(b);
	json_object_del(*def, "code");
	items = json_object_get(*def, "items");
	json_array_foreach(items, i, it) {
		const char *name = json_string_value(json_object_get(it, "item"));
		int64_t id = 0;

		rc = db_query_int(c->db, e, &id, "SELECT id FROM items WHERE "
		    "name = ? AND status = 'published' ORDER BY id LIMIT 1", "s",
		    name);
		if (rc != DB_ROW) {
			json_decref(*def);
			*def = NULL;
			return rc < 0 ? rc : err_internal(e, "demo bundles: item "
			    "%s is missing", name);
		}
		json_object_del(it, "item");
		json_object_set_new(it, "item_id", json_integer(id));
	}
	return 0;
}

static int
load_bundle(struct ctx *c, const json_t *b, struct err *e)
{
	const char *code = json_string_value(json_object_get(b, "code"));
	json_t *def = NULL, *out = NULL, *ver, *reqs;
	int64_t n = 0, id, req;
	int rc;

	rc = count_of(c->db, "SELECT COUNT(*) FROM bundles WHERE code = ?",
	    code, &n, e);
	if (rc != 0 || n > 0)
		return rc;
	rc = resolve(c, b, &def, e);
	if (rc == 0)
		rc = bundle_def_create(c, code, def, &out, e);
	json_decref(def);
	if (rc != 0)
		return err_internal(e, "demo bundle %s: %s", code, e->msg);
	id = json_integer_value(json_object_get(json_object_get(out, "bundle"),
	    "id"));
	json_decref(out);
	rc = bundle_def_submit(c, id, "示范一件事，提请审核发布", &out, e);
	if (rc != 0)
		return err_internal(e, "demo bundle %s: %s", code, e->msg);
	ver = json_array_get(json_object_get(out, "versions"), 0);
	req = json_integer_value(json_object_get(ver, "request_id"));
	json_decref(out);
	(void)reqs;
	return requests_decide(c, req, "bundle_publish", true,
	    "经审核，同意发布", e);
}

int
demo_load_bundles(struct ctx *c, struct err *e)
{
	const struct embedded_file *f = embedded_find(BUNDLES_FILE);
	json_t *root, *b;
	struct item_tx t;
	json_error_t je;
	int64_t n = 0;
	size_t i;
	int rc;

	if (f == NULL)
		return err_internal(e, "%s is not embedded", BUNDLES_FILE);
	root = json_loadb(f->data, f->len, 0, &je);
	if (root == NULL)
		return err_internal(e, "%s:%d: %s", BUNDLES_FILE, je.line,
		    je.text);
	rc = demo_add_approvers(c, json_object_get(root, "approvers"), e);
	if (rc != 0)
		goto out;
	t.c = c;
	t.spec = json_object_get(root, "licence_item");
	rc = count_of(c->db, "SELECT COUNT(*) FROM items WHERE name = ?",
	    json_string_value(json_object_get(t.spec, "name")), &n, e);
	if (rc == 0 && n == 0)
		rc = db_tx(c->db, licence_item_fn, &t, e);
	if (rc != 0)
		goto out;
	json_array_foreach(json_object_get(root, "bundles"), i, b) {
		rc = load_bundle(c, b, e);
		if (rc != 0)
			break;
	}
out:
	json_decref(root);
	return rc;
}
