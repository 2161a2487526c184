/* defs.c - 一件事 definitions: versions kept by the hall admin, reviewed
 * through the one request queue (kind "bundle_publish") and published;
 * the public guide of published bundles. */
#include "service/bundle/bundle_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "core/catalog.h"
#include "service/case/case.h"
#include "store/db.h"

const char *
bundle_nec_name(int nec)
{
	return nec == NEC_REQUIRED ? "required" : nec == NEC_RONGQUE ?
	    "rongque" : "optional";
}

static int
nec_parse(const char *s)
{
	if (s != NULL && strcmp(s, "required") == 0)
		return NEC_REQUIRED;
	if (s != NULL && strcmp(s, "rongque") == 0)
		return NEC_RONGQUE;
	return NEC_OPTIONAL;
}

void
bundle_loaded_free(struct bundle_loaded *L)
{
	if (L == NULL)
		return;
	json_decref(L->root);
	for (int i = 0; i < BUNDLE_MAX_ITEMS; i++)
		json_decref(L->elements[i]);
	memset(L, 0, sizeof(*L));
}

static int
load_item(struct ctx *c, struct bundle_loaded *L, int i, struct err *e)
{
	struct bundle_item *x = &L->def.items[i];
	struct db_stmt *s;
	json_t *el, *mats, *m;
	size_t k;
	int rc;

	s = db_query(c->db, e, "SELECT i.name, i.dept_id, d.name, v.elements "
	    "FROM items i JOIN item_versions v ON v.id = i.current_version_id "
	    "JOIN departments d ON d.id = i.dept_id WHERE i.id = ? AND "
	    "i.status = 'published' AND v.status = 'published'", "i",
	    x->item_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(L->item_name[i], BUNDLE_NAME_BYTES, "%s",
		    db_col_text(s, 0));
		L->dept_id[i] = db_col_int(s, 1);
		snprintf(L->dept_name[i], BUNDLE_NAME_BYTES, "%s",
		    db_col_text(s, 2));
		L->elements[i] = json_loads(db_col_text(s, 3), 0, NULL);
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW || !json_is_object(L->elements[i]))
		return err_field(e, ERR_UNPROCESSABLE, "items",
		    "item_not_published", "事项“%s”（item_id %" PRId64 "）不存在"
		    "或未发布", x->key, x->item_id);
	el = L->elements[i];
	x->days = (int)json_integer_value(json_object_get(el,
	    "promised_days"));
	snprintf(L->result_name[i], BUNDLE_NAME_BYTES, "%s",
	    json_string_value(json_object_get(el, "result_name")) != NULL ?
	    json_string_value(json_object_get(el, "result_name")) : "");
	L->rongque[i] = json_is_true(json_object_get(el, "rongque"));
	mats = json_object_get(el, "materials");
	x->n_mats = 0;
	json_array_foreach(mats, k, m) {
		if (x->n_mats >= BUNDLE_ITEM_MATS)
			break;
		x->mat[x->n_mats] = json_string_value(json_object_get(m,
		    "name"));
		x->mat_nec[x->n_mats] = nec_parse(json_string_value(
		    json_object_get(m, "necessity")));
		x->n_mats++;
	}
	return 0;
}

int
bundle_load(struct ctx *c, const json_t *definition, struct bundle_loaded *L,
    struct err *e)
{
	int rc;

	L->root = json_incref((json_t *)definition);
	rc = bundle_def_parse(definition, &L->def, e);
	for (int i = 0; rc == 0 && i < L->def.n_items; i++)
		rc = load_item(c, L, i, e);
	return rc;
}

int
bundle_load_version(struct ctx *c, int64_t version_id,
    struct bundle_loaded *L, struct err *e)
{
	json_t *row, *def;
	int rc;

	row = db_query_row(c->db, e, "SELECT definition FROM bundle_versions "
	    "WHERE id = ?", "i", version_id);
	if (row == NULL)
		return err_rc(e);
	def = json_loads(json_string_value(json_object_get(row, "definition")),
	    0, NULL);
	json_decref(row);
	if (def == NULL)
		return err_internal(e, "bundle version %" PRId64 ": bad JSON",
		    version_id);
	rc = bundle_load(c, def, L, e);
	json_decref(def);
	return rc;
}

json_t *
bundle_summary(const struct bundle_loaded *L, const bool *chosen_in)
{
	const struct bundle_def *d = &L->def;
	struct bundle_mat *m = calloc(BUNDLE_MAX_MATS, sizeof(*m));
	bool chosen[BUNDLE_MAX_ITEMS];
	int budgets[BUNDLE_MAX_ITEMS], subs = 0, saved = 0, n;
	json_t *items = json_array(), *mats = json_array(), *out;
	bool ideal;
	struct err e;

	if (m == NULL)
		return NULL;
	for (int i = 0; i < d->n_items; i++)
		chosen[i] = chosen_in != NULL ? chosen_in[i] : true;
	bundle_budgets(d, chosen, budgets);
	for (int i = 0; i < d->n_items; i++) {
		const struct bundle_item *x = &d->items[i];
		json_t *after = json_array();

		for (int k = 0; k < x->n_after; k++)
			json_array_append_new(after, json_string(
			    d->items[x->after[k]].key));
		json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:I, "
		    "s:s, s:s, s:i, s:b, s:s, s:o, s:b, s:i, s:b}", "key", x->key,
		    "item_id", (json_int_t)x->item_id, "name", L->item_name[i],
		    "dept_id", (json_int_t)L->dept_id[i], "dept_name",
		    L->dept_name[i], "result_name", L->result_name[i],
		    "promised_days", x->days, "optional", x->optional, "when",
		    x->when, "after", after, "chosen", chosen[i], "budget_days",
		    budgets[i], "replaced", d->cert_replaces[i]));
	}
	n = bundle_merge_materials(d, chosen, m, BUNDLE_MAX_MATS, &subs,
	    &saved);
	for (int k = 0; k < n; k++) {
		json_t *uses = json_array();

		for (int u = 0; u < m[k].n_uses; u++)
			json_array_append_new(uses, json_string(
			    d->items[m[k].use_item[u]].key));
		json_array_append_new(mats, json_pack("{s:i, s:s, s:s, s:o}",
		    "index", k, "name", m[k].name, "necessity",
		    bundle_nec_name(m[k].necessity), "items", uses));
	}
	free(m);
	err_clear(&e);
	ideal = false;
	out = json_pack("{s:o, s:o, s:i, s:i, s:i, s:i, s:i}", "items", items,
	    "materials", mats, "submissions", subs, "saved", saved, "sum_days",
	    bundle_sum_days(d, chosen), "longest_path",
	    bundle_longest_path(d, chosen), "limit_days", d->limit_days);
	json_object_set_new(out, "limit_ok", json_boolean(
	    bundle_check_limit(d, &ideal, &e) == 0));
	json_object_set_new(out, "ideal", json_boolean(ideal));
	if (d->cert_item >= 0)
		json_object_set_new(out, "certificate", json_pack("{s:s, s:s}",
		    "name", d->cert_name, "item", d->items[d->cert_item].key));
	return out;
}

static bool
is_hall(const struct actor *a)
{
	return a != NULL && (actor_has(a, ROLE_HALL_ADMIN) ||
	    a->kind == ACTOR_SYSTEM);
}

static bool
may_read_defs(const struct actor *a)
{
	return is_hall(a) || (a != NULL && actor_has(a, ROLE_SUPERVISOR |
	    ROLE_SYSADMIN));
}

int
bundle_def_check(struct ctx *c, const json_t *definition, json_t **out,
    struct err *e)
{
	struct bundle_loaded *L;
	int rc;

	*out = NULL;
	if (!may_read_defs(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以编辑一件事");
	L = calloc(1, sizeof(*L));
	if (L == NULL)
		return err_internal(e, "out of memory");
	rc = bundle_load(c, definition, L, e);
	if (rc == 0)
		rc = bundle_check_limit(&L->def, NULL, e);
	if (rc == 0)
		*out = bundle_summary(L, NULL);
	bundle_loaded_free(L);
	free(L);
	return rc;
}

static int
audit_bundle(struct ctx *c, const char *action, int64_t id, json_t *sum,
    struct err *e)
{
	char idb[24];
	int rc;

	snprintf(idb, sizeof(idb), "%" PRId64, id);
	rc = audit_append(c, action, "bundle", idb, sum, e);
	json_decref(sum);
	return rc;
}

static int
code_check(const char *code, struct err *e)
{
	size_t n = code != NULL ? strlen(code) : 0;

	if (n < 2 || n > 32)
		goto bad;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= 'a' && code[i] <= 'z') ||
		    (code[i] >= '0' && code[i] <= '9') || code[i] == '_' ||
		    code[i] == '-'))
			goto bad;
	return 0;
bad:
	return err_field(e, ERR_INVALID, "code", "bad_code",
	    "一件事代码须为 2 至 32 位小写字母、数字、- 或 _");
}

static const char *
category_of(const json_t *def)
{
	const char *s = json_string_value(json_object_get(def, "category"));

	return s != NULL ? s : "";
}

struct def_tx {
	struct ctx *c;
	const char *code;
	const json_t *def;
	const char *note;
	const char *reason;
	int64_t id;
	int64_t version_id;
	int version_no;
};

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct def_tx *t = arg;
	int64_t now = clock_now(), n = 0;
	char *text;
	int rc;

	rc = db_query_int(db, e, &n, "SELECT COUNT(*) FROM bundles WHERE "
	    "code = ?", "s", t->code);
	if (rc < 0)
		return rc;
	if (n > 0)
		return err_field(e, ERR_CONFLICT, "code", "code_taken",
		    "一件事代码“%s”已存在", t->code);
	rc = db_query_int(db, e, &t->id, "INSERT INTO bundles (code, name, "
	    "life_event, category, status, created_by, created_at, "
	    "updated_at) VALUES (?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
	    "ssssiii", t->code, json_string_value(json_object_get(t->def,
	    "name")), json_string_value(json_object_get(t->def, "life_event")),
	    category_of(t->def), t->c->actor->user_id, now, now);
	if (rc < 0)
		return rc;
	text = json_dumps(t->def, JSON_COMPACT | JSON_SORT_KEYS);
	rc = db_query_int(db, e, &t->version_id, "INSERT INTO bundle_versions "
	    "(bundle_id, version_no, status, definition, change_note, "
	    "created_by, created_at) VALUES (?, 1, 'draft', ?, ?, ?, ?) "
	    "RETURNING id", "issii", t->id, text, t->note != NULL ? t->note :
	    "新建", t->c->actor->user_id, now);
	free(text);
	if (rc < 0)
		return rc;
	return audit_bundle(t->c, "bundle.create", t->id, json_pack("{s:s, "
	    "s:O}", "code", t->code, "definition", t->def), e);
}

static int
shape_check(const json_t *def, struct err *e)
{
	struct bundle_def *d = calloc(1, sizeof(*d));
	int rc;

	if (d == NULL)
		return err_internal(e, "out of memory");
	rc = bundle_def_parse(def, d, e);
	free(d);
	return rc;
}

int
bundle_def_create(struct ctx *c, const char *code, const json_t *definition,
    json_t **out, struct err *e)
{
	struct def_tx t;
	int rc;

	*out = NULL;
	if (!is_hall(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以编辑一件事");
	rc = code_check(code, e);
	if (rc == 0)
		rc = shape_check(definition, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.code = code;
	t.def = definition;
	rc = db_tx(c->db, create_fn, &t, e);
	if (rc == 0)
		rc = bundle_def_get(c, t.id, out, e);
	return rc;
}

static int
draft_fn(struct db *db, void *arg, struct err *e)
{
	struct def_tx *t = arg;
	int64_t now = clock_now(), maxno = 0;
	json_t *open;
	char *text;
	int rc;

	open = db_query_json(db, e, "SELECT id, status FROM bundle_versions "
	    "WHERE bundle_id = ? AND status IN ('draft', 'submitted', "
	    "'returned')", "i", t->id);
	if (open == NULL)
		return err_rc(e);
	text = json_dumps(t->def, JSON_COMPACT | JSON_SORT_KEYS);
	if (json_array_size(open) > 0) {
		json_t *v = json_array_get(open, 0);

		if (strcmp(json_string_value(json_object_get(v, "status")),
		    "submitted") == 0) {
			rc = err_set(e, ERR_CONFLICT, "version_submitted",
			    "该一件事有待审核的版本，审核完成前不能修改");
			goto out;
		}
		t->version_id = json_integer_value(json_object_get(v, "id"));
		rc = db_exec(db, e, "UPDATE bundle_versions SET definition = ?, "
		    "change_note = ?, status = 'draft' WHERE id = ?", "ssi", text,
		    t->note != NULL ? t->note : "", t->version_id);
	} else {
		rc = db_query_int(db, e, &maxno, "SELECT COALESCE(MAX("
		    "version_no), 0) FROM bundle_versions WHERE bundle_id = ?",
		    "i", t->id);
		if (rc < 0)
			goto out;
		rc = db_query_int(db, e, &t->version_id, "INSERT INTO "
		    "bundle_versions (bundle_id, version_no, status, definition, "
		    "change_note, created_by, created_at) VALUES (?, ?, 'draft', "
		    "?, ?, ?, ?) RETURNING id", "iIssii", t->id, (int)maxno + 1,
		    text, t->note != NULL ? t->note : "", t->c->actor->user_id,
		    now);
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		rc = audit_bundle(t->c, "bundle.draft", t->id, json_pack(
		    "{s:I, s:O}", "version_id", (json_int_t)t->version_id,
		    "definition", t->def), e);
out:
	free(text);
	json_decref(open);
	return rc;
}

static int
bundle_exists(struct ctx *c, int64_t id, struct err *e)
{
	int64_t n = 0;
	int rc;

	rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM bundles WHERE "
	    "id = ?", "i", id);
	if (rc < 0)
		return rc;
	return n > 0 ? 0 : err_set(e, ERR_NOT_FOUND, "bundle_not_found",
	    "一件事不存在");
}

int
bundle_def_draft_put(struct ctx *c, int64_t id, const json_t *definition,
    const char *change_note, json_t **out, struct err *e)
{
	struct def_tx t;
	int rc;

	*out = NULL;
	if (!is_hall(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以编辑一件事");
	rc = bundle_exists(c, id, e);
	if (rc == 0)
		rc = shape_check(definition, e);
	if (rc == 0 && change_note != NULL &&
	    utf8_strlen(change_note) > 500)
		rc = err_field(e, ERR_INVALID, "change_note", "too_long",
		    "修改说明不能超过 500 字");
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.def = definition;
	t.note = change_note;
	rc = db_tx(c->db, draft_fn, &t, e);
	if (rc == 0)
		rc = bundle_def_get(c, id, out, e);
	return rc;
}

static int
submit_fn(struct db *db, void *arg, struct err *e)
{
	struct def_tx *t = arg;
	struct request_in in;
	json_t *v, *p;
	char label[160];
	int64_t req = 0;
	int rc;

	v = db_query_row(db, e, "SELECT v.id, v.version_no, v.status, b.name "
	    "FROM bundle_versions v JOIN bundles b ON b.id = v.bundle_id "
	    "WHERE v.bundle_id = ? AND v.status IN ('draft', 'returned', "
	    "'submitted')", "i", t->id);
	if (v == NULL) {
		if (e->code == ERR_NOT_FOUND)
			return err_set(e, ERR_CONFLICT, "no_draft",
			    "没有待提交的草稿版本");
		return err_rc(e);
	}
	if (strcmp(json_string_value(json_object_get(v, "status")),
	    "submitted") == 0) {
		json_decref(v);
		return err_set(e, ERR_CONFLICT, "already_submitted",
		    "该版本已提交审核");
	}
	t->version_id = json_integer_value(json_object_get(v, "id"));
	t->version_no = (int)json_integer_value(json_object_get(v,
	    "version_no"));
	snprintf(label, sizeof(label), "%s 第 %d 版",
	    json_string_value(json_object_get(v, "name")), t->version_no);
	json_decref(v);
	rc = db_exec(db, e, "UPDATE bundle_versions SET status = 'submitted' "
	    "WHERE id = ?", "i", t->version_id);
	if (rc != 0)
		return rc;
	p = json_pack("{s:I, s:i}", "version_id", (json_int_t)t->version_id,
	    "version_no", t->version_no);
	memset(&in, 0, sizeof(in));
	in.kind = "bundle_publish";
	in.subject_type = "bundle";
	in.subject_id = t->id;
	in.subject_label = label;
	in.pending_msg = "该一件事已有待审核的发布申请";
	in.payload = p;
	in.reason = t->reason;
	rc = requests_submit(t->c, db, &in, &req, e);
	json_decref(p);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE bundle_versions SET request_id = ? "
		    "WHERE id = ?", "ii", req, t->version_id);
	if (rc == 0)
		rc = audit_bundle(t->c, "bundle.submit", t->id, json_pack(
		    "{s:I, s:I}", "version_id", (json_int_t)t->version_id,
		    "request_id", (json_int_t)req), e);
	return rc;
}

int
bundle_def_submit(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e)
{
	struct bundle_loaded *L;
	struct def_tx t;
	json_t *row;
	int rc;

	*out = NULL;
	if (!is_hall(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以编辑一件事");
	if (reason == NULL || reason[0] == '\0')
		reason = "提请审核发布";
	if (!utf8_valid(reason, strlen(reason)) || utf8_strlen(reason) > 500)
		return err_field(e, ERR_INVALID, "reason", "too_long",
		    "说明不能超过 500 字");
	rc = bundle_exists(c, id, e);
	if (rc != 0)
		return rc;
	/* the full check: items published, limit shorter than the sum */
	row = db_query_row(c->db, e, "SELECT id FROM bundle_versions WHERE "
	    "bundle_id = ? AND status IN ('draft', 'returned')", "i", id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_CONFLICT,
		    "no_draft", "没有待提交的草稿版本") : err_rc(e);
	L = calloc(1, sizeof(*L));
	if (L == NULL) {
		json_decref(row);
		return err_internal(e, "out of memory");
	}
	rc = bundle_load_version(c, json_integer_value(json_object_get(row,
	    "id")), L, e);
	json_decref(row);
	if (rc == 0)
		rc = bundle_check_limit(&L->def, NULL, e);
	bundle_loaded_free(L);
	free(L);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.reason = reason;
	rc = db_tx(c->db, submit_fn, &t, e);
	if (rc == 0)
		rc = bundle_def_get(c, id, out, e);
	return rc;
}

/* The request queue's decision: publish the version, or return it. */
static int
publish_apply(struct ctx *c, struct db *db, const struct request *r,
    bool approve, struct err *e)
{
	int64_t vid = json_integer_value(json_object_get(r->payload,
	    "version_id"));
	int64_t now = clock_now();
	json_t *v, *def;
	int rc;

	v = db_query_row(db, e, "SELECT status, definition FROM "
	    "bundle_versions WHERE id = ? AND bundle_id = ?", "ii", vid,
	    r->subject_id);
	if (v == NULL)
		return err_rc(e);
	if (strcmp(json_string_value(json_object_get(v, "status")),
	    "submitted") != 0) {
		json_decref(v);
		return err_set(e, ERR_CONFLICT, "not_submitted",
		    "该版本不在待审核状态");
	}
	def = json_loads(json_string_value(json_object_get(v, "definition")),
	    0, NULL);
	json_decref(v);
	if (!approve) {
		json_decref(def);
		rc = db_exec(db, e, "UPDATE bundle_versions SET status = "
		    "'returned', review_reason = ? WHERE id = ?", "si",
		    r->comment, vid);
		if (rc == 0)
			rc = audit_bundle(c, "bundle.return", r->subject_id,
			    json_pack("{s:I, s:s}", "version_id",
			    (json_int_t)vid, "reason", r->comment), e);
		return rc;
	}
	rc = db_exec(db, e, "UPDATE bundle_versions SET status = 'superseded' "
	    "WHERE bundle_id = ? AND status = 'published'", "i",
	    r->subject_id);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE bundle_versions SET status = "
		    "'published', published_at = ?, published_by = ?, "
		    "review_reason = ? WHERE id = ?", "iisi", now,
		    c->actor->user_id, r->comment, vid);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE bundles SET status = 'published', "
		    "current_version_id = ?, name = ?, life_event = ?, "
		    "category = ?, updated_at = ? WHERE id = ?", "isssii", vid,
		    json_string_value(json_object_get(def, "name")),
		    json_string_value(json_object_get(def, "life_event")),
		    category_of(def), now, r->subject_id);
	json_decref(def);
	if (rc == 0)
		rc = audit_bundle(c, "bundle.publish", r->subject_id, json_pack(
		    "{s:I}", "version_id", (json_int_t)vid), e);
	return rc;
}

static const struct request_kind publish_kind = {
	.kind = "bundle_publish",
	.label = "一件事发布",
	.decide_roles = ROLE_HALL_ADMIN,
	.apply = publish_apply,
};

void
bundle_register(void)
{
	requests_register(&publish_kind);
	case_bundle_hook_set(bundle_child_decided);
}

int
bundle_defs_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *rows;

	*out = NULL;
	if (!may_read_defs(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看一件事定义");
	rows = db_query_json(c->db, e, "SELECT b.id, b.code, b.name, "
	    "b.life_event, b.category, b.status, b.updated_at, "
	    "(SELECT version_no FROM bundle_versions WHERE id = "
	    "b.current_version_id) AS published_version, "
	    "(SELECT v.version_no FROM bundle_versions v WHERE v.bundle_id = "
	    "b.id AND v.status IN ('draft', 'submitted', 'returned')) AS "
	    "open_version, (SELECT v.status FROM bundle_versions v WHERE "
	    "v.bundle_id = b.id AND v.status IN ('draft', 'submitted', "
	    "'returned')) AS open_status FROM bundles b ORDER BY b.id", "");
	if (rows == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", rows);
	return 0;
}

/* Each version's definition parsed, and its summary when it loads. */
static void
versions_expand(struct ctx *c, json_t *versions)
{
	struct bundle_loaded *L = calloc(1, sizeof(*L));
	json_t *v;
	size_t i;

	json_array_foreach(versions, i, v) {
		json_t *def = json_loads(json_string_value(json_object_get(v,
		    "definition")), 0, NULL);
		struct err e;

		err_clear(&e);
		json_object_set_new(v, "definition", def != NULL ? def :
		    json_null());
		if (L == NULL || def == NULL || i > 1)
			continue;
		if (bundle_load(c, def, L, &e) == 0)
			json_object_set_new(v, "summary", bundle_summary(L,
			    NULL));
		else
			json_object_set_new(v, "problem", json_string(e.msg));
		bundle_loaded_free(L);
	}
	free(L);
}

int
bundle_def_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *b, *versions;

	*out = NULL;
	if (!may_read_defs(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看一件事定义");
	b = db_query_row(c->db, e, "SELECT id, code, name, life_event, "
	    "category, status, current_version_id, created_at, updated_at "
	    "FROM bundles WHERE id = ?", "i", id);
	if (b == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_not_found", "一件事不存在") : err_rc(e);
	versions = db_query_json(c->db, e, "SELECT v.id, v.version_no, "
	    "v.status, v.definition, v.change_note, v.review_reason, "
	    "v.request_id, v.created_at, v.published_at FROM bundle_versions v "
	    "WHERE v.bundle_id = ? ORDER BY v.version_no DESC", "i", id);
	if (versions == NULL) {
		json_decref(b);
		return err_rc(e);
	}
	versions_expand(c, versions);
	*out = json_pack("{s:o, s:o}", "bundle", b, "versions", versions);
	return 0;
}

/* ---- the public guide ---- */

int
bundle_guide_list(struct ctx *c, json_t **out, struct err *e)
{
	static const struct {
		const char *code, *label;
	} groups[] = { { "P", "个人一件事" }, { "E", "企业一件事" } };
	struct bundle_loaded *L;
	json_t *rows, *r, *gs;
	size_t i;

	*out = NULL;
	rows = db_query_json(c->db, e, "SELECT b.id, b.code, b.name, "
	    "b.life_event, b.category, b.current_version_id, v.definition "
	    "FROM bundles b JOIN bundle_versions v ON v.id = "
	    "b.current_version_id WHERE b.status = 'published' AND "
	    "b.category <> ? ORDER BY b.id", "s", BUNDLE_CATEGORY_PROJECT);
	if (rows == NULL)
		return err_rc(e);
	L = calloc(1, sizeof(*L));
	gs = json_array();
	for (size_t g = 0; g < 2; g++)
		json_array_append_new(gs, json_pack("{s:s, s:s, s:[]}",
		    "life_event", groups[g].code, "label", groups[g].label,
		    "bundles"));
	json_array_foreach(rows, i, r) {
		json_t *def = json_loads(json_string_value(json_object_get(r,
		    "definition")), 0, NULL);
		const char *life = json_string_value(json_object_get(r,
		    "life_event"));
		json_t *sum = NULL, *b;
		struct err e2;

		err_clear(&e2);
		if (def == NULL)
			continue;
		if (L != NULL && bundle_load(c, def, L, &e2) == 0)
			sum = bundle_summary(L, NULL);
		if (L != NULL)
			bundle_loaded_free(L);
		b = json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:i, s:i}",
		    "id", json_object_get(r, "id"), "code",
		    json_object_get(r, "code"), "name", json_object_get(r, "name"),
		    "category", json_object_get(r, "category"), "summary",
		    json_string_value(json_object_get(def, "summary")) != NULL ?
		    json_string_value(json_object_get(def, "summary")) : "",
		    "limit_days", json_object_get(def, "limit_days"),
		    "items", (int)json_array_size(json_object_get(def, "items")),
		    "saved", sum != NULL ? (int)json_integer_value(
		    json_object_get(sum, "saved")) : 0);
		if (sum != NULL)
			json_object_set(b, "sum_days", json_object_get(sum,
			    "sum_days"));
		json_array_append_new(json_object_get(json_array_get(gs,
		    life != NULL && life[0] == 'E' ? 1 : 0), "bundles"), b);
		json_decref(sum);
		json_decref(def);
	}
	free(L);
	json_decref(rows);
	*out = json_pack("{s:o}", "groups", gs);
	return 0;
}

int
bundle_guide_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct bundle_loaded *L;
	json_t *r, *def, *sum, *qs, *fs;
	int rc;

	*out = NULL;
	r = db_query_row(c->db, e, "SELECT b.id, b.code, b.name, "
	    "b.life_event, b.category, b.current_version_id, v.version_no, "
	    "v.definition FROM bundles b JOIN bundle_versions v ON v.id = "
	    "b.current_version_id WHERE b.id = ? AND b.status = 'published'",
	    "i", id);
	if (r == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_not_found", "一件事不存在或未发布") : err_rc(e);
	def = json_loads(json_string_value(json_object_get(r, "definition")),
	    0, NULL);
	json_object_del(r, "definition");
	L = calloc(1, sizeof(*L));
	if (L == NULL || def == NULL) {
		free(L);
		json_decref(def);
		json_decref(r);
		return err_internal(e, "bundle %" PRId64 ": bad definition", id);
	}
	rc = bundle_load(c, def, L, e);
	if (rc == 0) {
		sum = bundle_summary(L, NULL);
		qs = json_array();
		fs = json_array();
		for (int q = 0; q < L->def.n_questions; q++)
			json_array_append_new(qs, json_pack("{s:s, s:s}", "key",
			    L->def.questions[q].key, "label",
			    L->def.questions[q].label));
		for (int f = 0; f < L->def.n_fields; f++)
			json_array_append_new(fs, json_pack("{s:s, s:s, s:b}",
			    "key", L->def.fields[f].key, "label",
			    L->def.fields[f].label, "required",
			    L->def.fields[f].required));
		json_object_update(r, sum);
		json_decref(sum);
		json_object_set_new(r, "questions", qs);
		json_object_set_new(r, "fields", fs);
		json_object_set_new(r, "summary", json_string(
		    json_string_value(json_object_get(def, "summary")) != NULL ?
		    json_string_value(json_object_get(def, "summary")) : ""));
		json_object_set_new(r, "handout", json_string(
		    json_string_value(json_object_get(def, "handout")) != NULL ?
		    json_string_value(json_object_get(def, "handout")) :
		    "县政务服务中心综合窗口统一出件"));
		*out = r;
		r = NULL;
	}
	bundle_loaded_free(L);
	free(L);
	json_decref(def);
	json_decref(r);
	return rc;
}
