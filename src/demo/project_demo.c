/* project_demo.c - the Baihe demo construction projects
 * (data/demo/projects.json): approvers of 自然资源, 发改 and 人防 and the
 * project stewards, the owner enterprises, the stage items the catalogue
 * lacks (made from a template item of the same kind), one 一件事 per stage
 * (category 工程建设项目) published through the request queue, the stage
 * lists of the three project types, and three projects at different
 * stages: their stages applied for by the owner, accepted at window01 and
 * approved by the departments through the same services the API uses.
 *
 * Idempotent: accounts by login, items by name, bundles by code, stage
 * lists by type and stage; the projects are skipped once any exists. */
#include "demo/demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/embedded.h"
#include "core/catalog.h"
#include "service/account/account.h"
#include "service/bundle/bundle.h"
#include "service/case/case.h"
#include "service/catalog/catalog.h"
#include "service/platform/platform.h"
#include "service/project/project.h"
#include "service/records/records.h"
#include "store/db.h"

#define PROJECTS_FILE "data/demo/projects.json"

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static int
count_of(struct db *db, const char *sql, const char *arg, int64_t *n,
    struct err *e)
{
	int rc = db_query_int(db, e, n, sql, "s", arg);

	return rc < 0 ? rc : 0;
}

static int
load_owners(struct ctx *c, const json_t *list, struct err *e)
{
	json_t *a;
	size_t i;
	int rc;

	json_array_foreach(list, i, a) {
		int64_t n = 0, id = 0;

		rc = count_of(c->db, "SELECT count(*) FROM users WHERE login = ?",
		    jstr(a, "idno"), &n, e);
		if (rc != 0)
			return rc;
		if (n > 0)
			continue;
		rc = auth_register(c, ACTOR_ENTERPRISE, jstr(a, "idno"),
		    jstr(a, "name"), jstr(a, "mobile"), DEMO_PASSWORD, NULL,
		    &id, e);
		if (rc == 0)
			rc = realname_mark_verified(c, id, "window", e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

struct item_tx {
	struct ctx *c;
	const json_t *spec;
};

/* An item made from a published template item of the same kind. */
static int
item_fn(struct db *db, void *arg, struct err *e)
{
	struct item_tx *t = arg;
	const json_t *s = t->spec;
	json_t *tpl, *el = NULL, *canon = NULL;
	char code[CATALOG_IMPL_CODE_LEN + 1];
	int64_t item_id = 0;
	bool created = false;
	int rc;

	tpl = db_query_row(db, e, "SELECT d.id, d.credit_code, v.elements "
	    "FROM items i JOIN item_versions v ON v.id = i.current_version_id "
	    "JOIN departments d ON d.name = ? WHERE i.name = ? AND "
	    "i.status = 'published'", "ss", jstr(s, "dept"), jstr(s,
	    "template"));
	if (tpl == NULL)
		return err_internal(e, "demo projects: template of %s: %s",
		    jstr(s, "name"), e->msg);
	el = json_loads(jstr(tpl, "elements"), 0, NULL);
	if (el == NULL || catalog_impl_code_build(jstr(tpl, "credit_code"), 4,
	    jstr(s, "basic_code"), code) != 0) {
		rc = err_internal(e, "demo projects: cannot build %s",
		    jstr(s, "name"));
		goto out;
	}
	json_object_set(el, "name", json_object_get(s, "name"));
	json_object_set(el, "basic_code", json_object_get(s, "basic_code"));
	json_object_set_new(el, "impl_code", json_string(code));
	json_object_set_new(el, "handle_code", json_string(""));
	json_object_set(el, "result_name", json_object_get(s, "result_name"));
	json_object_set(el, "promised_days", json_object_get(s,
	    "promised_days"));
	rc = catalog_check_json(el, false, &canon, e);
	if (rc != 0) {
		rc = err_internal(e, "demo projects: item %s: %s: %s",
		    jstr(s, "name"), e->field, e->msg);
		goto out;
	}
	rc = catalog_item_insert_published(t->c, json_integer_value(
	    json_object_get(tpl, "id")), jstr(s, "dept"), canon, &created,
	    &item_id, e);
out:
	json_decref(canon);
	json_decref(el);
	json_decref(tpl);
	return rc;
}

static int
load_items(struct ctx *c, const json_t *list, struct err *e)
{
	struct item_tx t;
	json_t *s;
	size_t i;
	int rc;

	json_array_foreach(list, i, s) {
		int64_t n = 0;

		rc = count_of(c->db, "SELECT count(*) FROM items WHERE name = ?",
		    jstr(s, "name"), &n, e);
		if (rc != 0)
			return rc;
		if (n > 0)
			continue;
		t.c = c;
		t.spec = s;
		rc = db_tx(c->db, item_fn, &t, e);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
load_bundle(struct ctx *c, const json_t *b, struct err *e)
{
	const char *code = jstr(b, "code");
	json_t *def, *out = NULL, *it;
	int64_t n = 0, id, req;
	size_t i;
	int rc;

	rc = count_of(c->db, "SELECT count(*) FROM bundles WHERE code = ?",
	    code, &n, e);
	if (rc != 0 || n > 0)
		return rc;
	def = json_deep_copy(b);
	json_object_del(def, "code");
	json_array_foreach(json_object_get(def, "items"), i, it) {
		int64_t item = 0;

		rc = db_query_int(c->db, e, &item, "SELECT id FROM items WHERE "
		    "name = ? AND status = 'published' ORDER BY id LIMIT 1", "s",
		    jstr(it, "item"));
		if (rc != DB_ROW) {
			json_decref(def);
			return rc < 0 ? rc : err_internal(e, "demo projects: item "
			    "%s is missing", jstr(it, "item"));
		}
		json_object_del(it, "item");
		json_object_set_new(it, "item_id", json_integer(item));
	}
	rc = bundle_def_create(c, code, def, &out, e);
	json_decref(def);
	if (rc != 0)
		return err_internal(e, "demo bundle %s: %s", code, e->msg);
	id = json_integer_value(json_object_get(json_object_get(out, "bundle"),
	    "id"));
	json_decref(out);
	rc = bundle_def_submit(c, id, "工程建设项目审批阶段一件事，提请审核发布",
	    &out, e);
	if (rc != 0)
		return err_internal(e, "demo bundle %s: %s", code, e->msg);
	req = json_integer_value(json_object_get(json_array_get(
	    json_object_get(out, "versions"), 0), "request_id"));
	json_decref(out);
	return requests_decide(c, req, "bundle_publish", true,
	    "经审核，同意发布", e);
}

static int
load_stage_defs(struct ctx *c, const json_t *stages, struct err *e)
{
	const char *type;
	json_t *list;

	json_object_foreach((json_t *)stages, type, list) {
		json_t *code;
		size_t i;

		json_array_foreach(list, i, code) {
			json_t *out = NULL;
			int64_t bid = 0, n = 0;
			int rc;

			if (!json_is_string(code))
				continue;
			rc = db_query_int(c->db, e, &n, "SELECT count(*) FROM "
			    "project_stage_defs WHERE type = ? AND stage = ?",
			    "sI", type, (int)i + 1);
			if (rc < 0)
				return rc;
			if (n > 0)
				continue;
			rc = db_query_int(c->db, e, &bid, "SELECT id FROM bundles "
			    "WHERE code = ?", "s", json_string_value(code));
			if (rc != DB_ROW)
				return rc < 0 ? rc : err_internal(e, "demo "
				    "projects: bundle %s missing",
				    json_string_value(code));
			rc = project_stage_def_set(c, type, (int)i + 1, bid, &out,
			    e);
			json_decref(out);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* ---- acting as the people of the demo ---- */

struct who {
	struct actor a;
	struct ctx c;
};

static int
as(struct ctx *base, const char *login, struct who *w, struct err *e)
{
	json_t *r = db_query_row(base->db, e, "SELECT id, name, roles, kind, "
	    "realname_level, COALESCE(dept_id, 0) AS dept_id, COALESCE(window_id, 0) AS "
	    "window_id FROM users WHERE login = ?", "s", login);

	if (r == NULL)
		return err_internal(e, "demo projects: no account %s", login);
	memset(w, 0, sizeof(*w));
	w->a.user_id = json_integer_value(json_object_get(r, "id"));
	w->a.kind = (enum actor_kind)jstr(r, "kind")[0];
	w->a.roles = (unsigned)json_integer_value(json_object_get(r, "roles"));
	w->a.dept_id = json_integer_value(json_object_get(r, "dept_id"));
	w->a.window_id = json_integer_value(json_object_get(r, "window_id"));
	w->a.realname = (int)json_integer_value(json_object_get(r,
	    "realname_level"));
	snprintf(w->a.login, sizeof(w->a.login), "%s", login);
	snprintf(w->a.name, sizeof(w->a.name), "%s", jstr(r, "name"));
	snprintf(w->a.role_used, sizeof(w->a.role_used), "demo");
	json_decref(r);
	w->c = *base;
	w->c.actor = &w->a;
	return 0;
}

static int64_t
user_id_of(struct ctx *c, const char *login)
{
	struct err e;
	int64_t id = 0;

	err_clear(&e);
	if (db_query_int(c->db, &e, &id, "SELECT id FROM users WHERE login = ?",
	    "s", login) != DB_ROW)
		return 0;
	return id;
}

/* The owner applies for a stage with every material of the stage's list
 * (one demo PDF each). *bcase: the stage application's bundle case. */
static int
apply_stage(struct ctx *base, struct who *owner, int64_t pid,
    const json_t *p, int stage, int64_t *bcase, struct err *e)
{
	json_t *v = NULL, *g = NULL, *mats, *m, *form, *st;
	int64_t bundle = 0;
	size_t i;
	int rc;

	rc = project_get(&owner->c, pid, &v, e);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(v, "stages"), i, st)
		if (json_integer_value(json_object_get(st, "stage")) == stage)
			bundle = json_integer_value(json_object_get(
			    json_object_get(st, "bundle"), "id"));
	json_decref(v);
	rc = bundle_guide_get(base, bundle, &g, e);
	if (rc != 0)
		return rc;
	mats = json_array();
	json_array_foreach(json_object_get(g, "materials"), i, m) {
		char pdf[160];
		json_t *up = NULL;

		snprintf(pdf, sizeof(pdf), "%%PDF-1.4\n%% demo project %" PRId64
		    " stage %d material %zu\n%%%%EOF\n", pid, stage, i);
		rc = upload_create(&owner->c, pdf, strlen(pdf), jstr(m, "name"),
		    &up, e);
		if (rc != 0)
			break;
		json_array_append_new(mats, json_pack("{s:O, s:O}", "index",
		    json_object_get(m, "index"), "sha256", json_object_get(up,
		    "sha256")));
		json_decref(up);
	}
	json_decref(g);
	form = json_pack("{s:O, s:O, s:O, s:O}", "project_name",
	    json_object_get(p, "name"), "project_code", json_object_get(p,
	    "code"), "location", json_object_get(p, "location"), "scale",
	    json_object_get(p, "scale"));
	if (rc == 0)
		rc = project_stage_apply(&owner->c, pid, stage, NULL, form, mats,
		    &v, e);
	json_decref(form);
	json_decref(mats);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(v, "stages"), i, st)
		if (json_integer_value(json_object_get(st, "stage")) == stage)
			*bcase = json_integer_value(json_object_get(
			    json_object_get(st, "application"), "bundle_case_id"));
	json_decref(v);
	return 0;
}

static int
accept_stage(struct ctx *base, int64_t bcase, struct err *e)
{
	struct bundle_accept_in in;
	struct who win;
	json_t *b = NULL;
	int rc;

	rc = as(base, "window01", &win, e);
	if (rc == 0)
		rc = bundle_case_get(&win.c, bcase, &b, e);
	if (rc != 0)
		return rc;
	memset(&in, 0, sizeof(in));
	in.version = json_integer_value(json_object_get(b, "version"));
	json_decref(b);
	b = NULL;
	rc = bundle_accept(&win.c, bcase, &in, &b, e);
	json_decref(b);
	return rc;
}

/* Every department approves its case; the items waiting for others start
 * as those are approved, so go round until nothing is left. */
static int
approve_all(struct ctx *base, int64_t bcase, struct err *e)
{
	for (int round = 0; round < 6; round++) {
		json_t *ch = NULL, *k;
		size_t i;
		int acted = 0, rc;

		rc = case_bundle_children(base, bcase, &ch, e);
		if (rc != 0)
			return rc;
		json_array_foreach(json_object_get(ch, "children"), i, k) {
			const char *st = jstr(k, "state");
			int64_t id = json_integer_value(json_object_get(k, "id"));
			struct case_act_in in;
			struct who ap;
			json_t *out = NULL, *u;
			char login[64];
			int64_t uid = 0;

			if (strcmp(st, "review") != 0 && strcmp(st, "decide") != 0)
				continue;
			rc = db_query_int(base->db, e, &uid, "SELECT id FROM users "
			    "WHERE dept_id = ? AND kind = 'S' AND (roles & ?) <> 0 "
			    "AND disabled = 0 ORDER BY id LIMIT 1", "iI",
			    (int64_t)json_integer_value(json_object_get(k,
			    "dept_id")), (int)ROLE_APPROVER);
			if (rc != DB_ROW) {
				json_decref(ch);
				return rc < 0 ? rc : err_internal(e, "demo "
				    "projects: no approver in %s",
				    jstr(k, "dept_name"));
			}
			u = db_query_row(base->db, e, "SELECT login FROM "
			    "users WHERE id = ?", "i", uid);
			snprintf(login, sizeof(login), "%s", u != NULL ?
			    jstr(u, "login") : "");
			json_decref(u);
			rc = as(base, login, &ap, e);
			memset(&in, 0, sizeof(in));
			in.reason = "经审查，符合法定条件和标准";
			if (rc == 0 && strcmp(st, "review") == 0) {
				in.version = json_integer_value(json_object_get(k,
				    "version"));
				rc = case_act(&ap.c, id, "pass", &in, &out, e);
				in.version = json_integer_value(json_object_get(out,
				    "version"));
				json_decref(out);
				out = NULL;
			} else {
				in.version = json_integer_value(json_object_get(k,
				    "version"));
			}
			if (rc == 0)
				rc = case_act(&ap.c, id, "approve", &in, &out, e);
			json_decref(out);
			if (rc != 0) {
				json_decref(ch);
				return rc;
			}
			acted++;
		}
		json_decref(ch);
		if (acted == 0)
			return 0;
	}
	return 0;
}

static int
deliver_stage(struct ctx *base, int64_t bcase, struct err *e)
{
	struct who win;
	json_t *b = NULL;
	int rc;

	rc = as(base, "window01", &win, e);
	if (rc == 0)
		rc = bundle_case_get(&win.c, bcase, &b, e);
	if (rc != 0)
		return rc;
	if (strcmp(jstr(b, "state"), "completed") != 0) {
		rc = err_internal(e, "demo projects: stage application %" PRId64
		    " is %s, not completed", bcase, jstr(b, "state"));
		json_decref(b);
		return rc;
	}
	{
		int64_t version = json_integer_value(json_object_get(b,
		    "version"));

		json_decref(b);
		b = NULL;
		rc = bundle_deliver(&win.c, bcase, "window", NULL, version, &b,
		    e);
	}
	json_decref(b);
	return rc;
}

/* The lead department's approver schedules a joint event in a few days. */
static int
demo_event(struct ctx *c, int64_t pid, const json_t *spec, struct err *e)
{
	json_t *ids = json_array(), *in, *out = NULL, *x;
	struct who lead;
	char day[11];
	size_t i;
	int rc;

	json_array_foreach(json_object_get(spec, "depts"), i, x) {
		int64_t id = 0;

		if (db_query_int(c->db, e, &id, "SELECT id FROM departments WHERE "
		    "name = ?", "s", json_string_value(x)) == DB_ROW)
			json_array_append_new(ids, json_integer(id));
	}
	clock_date(clock_now() + json_integer_value(json_object_get(spec,
	    "in_days")) * 86400, day);
	in = json_pack("{s:O, s:s, s:O, s:O, s:o}", "kind", json_object_get(spec,
	    "kind"), "day", day, "place", json_object_get(spec, "place"),
	    "note", json_object_get(spec, "note"), "dept_ids", ids);
	rc = as(c, jstr(spec, "lead"), &lead, e);
	if (rc == 0)
		rc = project_event_schedule(&lead.c, pid, in, &out, e);
	json_decref(in);
	json_decref(out);
	return rc;
}

static int
load_project(struct ctx *c, const json_t *root, const json_t *p,
    struct err *e)
{
	const json_t *owner = json_array_get(json_object_get(root, "owners"),
	    (size_t)json_integer_value(json_object_get(p, "owner")));
	json_t *in, *l, *out = NULL, *x;
	struct who own;
	int64_t pid, bcase = 0;
	size_t i;
	int rc;

	l = json_array();
	json_array_foreach(json_object_get(p, "liaisons"), i, x) {
		int64_t uid = user_id_of(c, json_string_value(x)), dept = 0;

		if (db_query_int(c->db, e, &dept, "SELECT dept_id FROM users "
		    "WHERE id = ?", "i", uid) == DB_ROW)
			json_array_append_new(l, json_pack("{s:I, s:I}",
			    "dept_id", (json_int_t)dept, "user_id",
			    (json_int_t)uid));
	}
	in = json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:I, s:o}",
	    "code", json_object_get(p, "code"), "name", json_object_get(p,
	    "name"), "owner_name", json_object_get(owner, "name"),
	    "owner_credit_code", json_object_get(owner, "idno"), "type",
	    json_object_get(p, "type"), "location", json_object_get(p,
	    "location"), "investment", json_object_get(p, "investment"),
	    "key_project", json_object_get(p, "key_project"), "steward_id",
	    (json_int_t)user_id_of(c, jstr(p, "steward")), "liaisons", l);
	rc = project_create(c, in, &out, e);
	json_decref(in);
	if (rc != 0)
		return err_internal(e, "demo project %s: %s", jstr(p, "name"),
		    e->msg);
	pid = json_integer_value(json_object_get(json_object_get(out,
	    "project"), "id"));
	json_decref(out);
	rc = as(c, jstr(owner, "idno"), &own, e);
	json_array_foreach(json_object_get(p, "done"), i, x) {
		int stage = (int)json_integer_value(x);

		if (rc == 0)
			rc = apply_stage(c, &own, pid, p, stage, &bcase, e);
		if (rc == 0)
			rc = accept_stage(c, bcase, e);
		if (rc == 0)
			rc = approve_all(c, bcase, e);
		if (rc == 0)
			rc = deliver_stage(c, bcase, e);
	}
	if (rc == 0 && json_is_integer(json_object_get(p, "running"))) {
		rc = apply_stage(c, &own, pid, p, (int)json_integer_value(
		    json_object_get(p, "running")), &bcase, e);
		if (rc == 0)
			rc = accept_stage(c, bcase, e);
	}
	if (rc == 0 && json_is_integer(json_object_get(p, "applied")))
		rc = apply_stage(c, &own, pid, p, (int)json_integer_value(
		    json_object_get(p, "applied")), &bcase, e);
	if (rc == 0 && json_is_object(json_object_get(p, "event")))
		rc = demo_event(c, pid, json_object_get(p, "event"), e);
	if (rc != 0)
		return err_internal(e, "demo project %s: %s", jstr(p, "name"),
		    e->msg);
	return 0;
}

static int
projects_fn(struct db *db, void *arg, struct err *e)
{
	struct ctx *c = arg;
	const struct embedded_file *f = embedded_find(PROJECTS_FILE);
	json_t *root, *x;
	json_error_t je;
	int64_t n = 0;
	size_t i;
	int rc;

	if (f == NULL)
		return err_internal(e, "%s is not embedded", PROJECTS_FILE);
	root = json_loadb(f->data, f->len, 0, &je);
	if (root == NULL)
		return err_internal(e, "%s:%d: %s", PROJECTS_FILE, je.line,
		    je.text);
	rc = demo_add_approvers(c, json_object_get(root, "staff"), e);
	if (rc == 0)
		rc = load_owners(c, json_object_get(root, "owners"), e);
	if (rc == 0)
		rc = load_items(c, json_object_get(root, "items"), e);
	json_array_foreach(json_object_get(root, "bundles"), i, x) {
		if (rc != 0)
			break;
		rc = load_bundle(c, x, e);
	}
	if (rc == 0)
		rc = load_stage_defs(c, json_object_get(root, "stages"), e);
	if (rc == 0)
		rc = db_query_int(db, e, &n, "SELECT count(*) FROM projects",
		    "") < 0 ? err_rc(e) : 0;
	if (rc == 0 && n == 0) {
		json_array_foreach(json_object_get(root, "projects"), i, x) {
			rc = load_project(c, root, x, e);
			if (rc != 0)
				break;
		}
	}
	json_decref(root);
	return rc;
}

/* One transaction for everything: one commit instead of one per step keeps
 * `onetrip demo` (run by every test file) fast. */
int
demo_load_projects(struct ctx *c, struct err *e)
{
	return db_tx(c->db, projects_fn, c, e);
}
