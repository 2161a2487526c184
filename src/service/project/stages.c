/* stages.c - the stage lists of the project types (which published 一件事
 * bundle a stage needs, kept by the hall admin) and the stage
 * applications: one application per stage through the stage's bundle
 * (service/bundle: one form, one material list, accepted once at the
 * window, the departments' cases in parallel), linked to the project in
 * the same transaction. */
#include "service/project/project_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "service/bundle/bundle.h"
#include "store/db.h"

/* ---- stage lists ---- */

static int
bundle_items(struct ctx *c, int64_t bundle_id, json_t *b, struct err *e)
{
	json_t *g = NULL, *items, *it, *list;
	size_t i;
	int rc;

	rc = bundle_guide_get(c, bundle_id, &g, e);
	if (rc != 0)
		return rc;
	list = json_array();
	items = json_object_get(g, "items");
	json_array_foreach(items, i, it)
		json_array_append_new(list, json_pack("{s:O, s:O, s:O, s:O, "
		    "s:O}", "key", json_object_get(it, "key"), "name",
		    json_object_get(it, "name"), "dept_name", json_object_get(it,
		    "dept_name"), "promised_days", json_object_get(it,
		    "promised_days"), "after", json_object_get(it, "after") ?
		    json_object_get(it, "after") : json_null()));
	json_object_set_new(b, "items", list);
	json_object_set(b, "limit_days", json_object_get(g, "limit_days"));
	json_decref(g);
	return 0;
}

int
project_stage_defs(struct ctx *c, json_t **out, struct err *e)
{
	static const enum project_type types[] = { PROJECT_TYPE_GOV,
	    PROJECT_TYPE_SOCIAL, PROJECT_TYPE_SMALL };
	json_t *arr = json_array();
	int rc = 0;

	*out = NULL;
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		int stages[PROJECT_STAGES], n = project_stages(types[t], stages);
		json_t *st = json_array();
		char key[48];

		snprintf(key, sizeof(key), "project.target_days_%s",
		    project_type_name(types[t]));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:I, s:o}",
		    "type", project_type_name(types[t]), "label",
		    project_type_label(types[t]), "target_days",
		    (json_int_t)config_int(key), "stages", st));
		for (int i = 0; i < n && rc == 0; i++) {
			json_t *b = db_query_row(c->db, e, "SELECT b.id, b.code, "
			    "b.name FROM project_stage_defs s JOIN bundles b ON "
			    "b.id = s.bundle_id WHERE s.type = ? AND s.stage = ?",
			    "sI", project_type_name(types[t]), stages[i]);

			if (b == NULL && e->code != ERR_NOT_FOUND) {
				rc = err_rc(e);
				break;
			}
			if (b != NULL)
				rc = bundle_items(c, json_integer_value(
				    json_object_get(b, "id")), b, e);
			json_array_append_new(st, json_pack("{s:i, s:s, s:o}",
			    "stage", stages[i], "label", project_stage_label(
			    types[t], stages[i]), "bundle", b != NULL ? b :
			    json_null()));
		}
	}
	if (rc != 0) {
		json_decref(arr);
		return rc;
	}
	*out = json_pack("{s:o}", "types", arr);
	return 0;
}

struct def_tx {
	struct ctx *c;
	const char *type;
	int stage;
	int64_t bundle_id;
};

static int
def_fn(struct db *db, void *arg, struct err *e)
{
	struct def_tx *t = arg;
	int64_t n = 0;
	json_t *sum;
	char ref[32];
	int rc;

	rc = db_query_int(db, e, &n, "SELECT count(*) FROM bundles WHERE id = ? "
	    "AND status = 'published' AND life_event = 'E'", "i", t->bundle_id);
	if (rc < 0)
		return rc;
	if (n == 0)
		return err_field(e, ERR_UNPROCESSABLE, "bundle_id",
		    "bad_bundle", "所选一件事不存在、未发布或不是企业一件事");
	rc = db_exec(db, e, "DELETE FROM project_stage_defs WHERE type = ? AND "
	    "stage = ?", "sI", t->type, t->stage);
	if (rc == 0)
		rc = db_exec(db, e, "INSERT INTO project_stage_defs (type, stage, "
		    "bundle_id, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)",
		    "sIiii", t->type, t->stage, t->bundle_id,
		    t->c->actor->user_id, clock_now());
	if (rc != 0)
		return rc;
	snprintf(ref, sizeof(ref), "%s:%d", t->type, t->stage);
	sum = json_pack("{s:s, s:i, s:I}", "type", t->type, "stage", t->stage,
	    "bundle_id", (json_int_t)t->bundle_id);
	rc = audit_append(t->c, "project.stage_def", "project_stage", ref, sum,
	    e);
	json_decref(sum);
	return rc;
}

int
project_stage_def_set(struct ctx *c, const char *type, int stage,
    int64_t bundle_id, json_t **out, struct err *e)
{
	enum project_type t = project_type_parse(type);
	struct def_tx x;
	int rc;

	*out = NULL;
	if (!(c->actor->kind == ACTOR_SYSTEM || actor_has(c->actor,
	    ROLE_HALL_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员可以维护项目审批事项清单");
	if (t == PROJECT_TYPE_NONE)
		return err_field(e, ERR_INVALID, "type", "bad_type",
		    "项目类型须为 gov、social 或 small");
	if (!project_stage_valid(t, stage))
		return err_field(e, ERR_INVALID, "stage", "bad_stage",
		    "%s没有该审批阶段", project_type_label(t));
	if (bundle_id <= 0)
		return err_field(e, ERR_INVALID, "bundle_id", "required",
		    "请选择本阶段的一件事");
	x.c = c;
	x.type = project_type_name(t);
	x.stage = stage;
	x.bundle_id = bundle_id;
	rc = db_tx(c->db, def_fn, &x, e);
	if (rc != 0)
		return rc;
	return project_stage_defs(c, out, e);
}

/* ---- stage applications ---- */

struct apply_tx {
	struct ctx *c;
	int64_t id;
	int stage;
	bool walkin;
	const json_t *answers, *form, *materials;
	int64_t bcase_id;
};

static int
apply_fn(struct db *db, void *arg, struct err *e)
{
	struct apply_tx *t = arg;
	enum project_stage_state state[PROJECT_STAGES + 1];
	json_t *row = NULL, *apps = NULL, *latest[PROJECT_STAGES + 1];
	json_t *b = NULL, *out = NULL, *sum;
	enum project_type type;
	int64_t bundle_id;
	int rc;

	rc = db_tx_lock(db, PJ_LOCK_BASE ^ t->id, e);
	if (rc == 0)
		rc = pj_load(t->c, t->id, &row, e);
	if (rc != 0)
		return rc;
	type = project_type_parse(json_string_value(json_object_get(row,
	    "type")));
	rc = pj_stage_states(t->c, t->id, state, &apps, latest, e);
	if (rc == 0)
		rc = project_stage_may_apply(type, t->stage, state, e);
	if (rc != 0)
		goto out;
	b = db_query_row(db, e, "SELECT bundle_id FROM project_stage_defs "
	    "WHERE type = ? AND stage = ?", "sI", project_type_name(type),
	    t->stage);
	if (b == NULL) {
		rc = e->code == ERR_NOT_FOUND ? err_field(e, ERR_UNPROCESSABLE,
		    "stage", "no_stage_list", "“%s”阶段的审批事项清单尚未配置，"
		    "请联系大厅管理员", project_stage_label(type, t->stage)) :
		    err_rc(e);
		goto out;
	}
	bundle_id = json_integer_value(json_object_get(b, "bundle_id"));
	if (t->walkin) {
		json_t *appl = json_pack("{s:s, s:O, s:O}", "kind", "enterprise",
		    "idno", json_object_get(row, "owner_credit_code"), "name",
		    json_object_get(row, "owner_name"));

		rc = bundle_register_walkin(t->c, bundle_id, appl, t->answers,
		    t->form, t->materials, &out, e);
		json_decref(appl);
	} else {
		rc = bundle_apply(t->c, bundle_id, t->answers, t->form,
		    t->materials, &out, e);
	}
	if (rc != 0)
		goto out;
	t->bcase_id = json_integer_value(json_object_get(out, "id"));
	rc = db_exec(db, e, "INSERT INTO project_stage_apps (project_id, "
	    "stage, bundle_case_id, created_by, created_at) VALUES (?, ?, ?, "
	    "?, ?)", "iIiii", t->id, t->stage, t->bcase_id,
	    t->c->actor->user_id, clock_now());
	if (rc != 0)
		goto out;
	sum = json_pack("{s:i, s:I, s:O, s:b}", "stage", t->stage,
	    "bundle_case_id", (json_int_t)t->bcase_id, "bundle_no",
	    json_object_get(out, "bundle_no"), "window", t->walkin);
	rc = pj_audit(t->c, "project.stage_apply", t->id, sum, e);
	json_decref(sum);
out:
	json_decref(out);
	json_decref(b);
	json_decref(apps);
	json_decref(row);
	return rc;
}

static int
apply_common(struct ctx *c, int64_t id, int stage, bool walkin,
    const json_t *answers, const json_t *form, const json_t *materials,
    json_t **out, struct err *e)
{
	struct apply_tx t;
	json_t *row = NULL;
	int rc;

	*out = NULL;
	rc = pj_load(c, id, &row, e);
	if (rc != 0)
		return rc;
	if (!walkin && !pj_is_owner(c->actor, row))
		rc = err_set(e, ERR_FORBIDDEN, NULL,
		    "只有项目的建设单位可以网上申报");
	json_decref(row);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.stage = stage;
	t.walkin = walkin;
	t.answers = answers;
	t.form = form;
	t.materials = materials;
	rc = db_tx(c->db, apply_fn, &t, e);
	if (rc != 0)
		return rc;
	return project_get(c, id, out, e);
}

int
project_stage_apply(struct ctx *c, int64_t id, int stage,
    const json_t *answers, const json_t *form, const json_t *materials,
    json_t **out, struct err *e)
{
	return apply_common(c, id, stage, false, answers, form, materials,
	    out, e);
}

int
project_stage_register(struct ctx *c, int64_t id, int stage,
    const json_t *answers, const json_t *form, const json_t *materials,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;

	*out = NULL;
	if (a->kind != ACTOR_STAFF || !actor_has(a, ROLE_CLERK) ||
	    a->window_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有窗口人员可以在窗口登记阶段申报");
	return apply_common(c, id, stage, true, answers, form, materials,
	    out, e);
}
