/* apply.c - applying for a 一件事 (online or at the comprehensive window),
 * the one acceptance (受理通知书, bundle number, the child cases), 补正
 * and 容缺 once for the whole bundle, and 不予受理. */
#include "service/bundle/bundle_internal.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idno.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "core/catalog.h"
#include "service/account/account.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "store/db.h"

#define FORM_MAX_BYTES 32768

int
bundle_event(struct db *db, struct ctx *c, int64_t bcase_id,
    const char *action, const char *note, json_t *data, struct err *e)
{
	char *text = data != NULL ? json_dumps(data, JSON_COMPACT |
	    JSON_SORT_KEYS) : NULL;
	int rc;

	rc = db_exec(db, e, "INSERT INTO bundle_events (bundle_case_id, at, "
	    "actor_id, actor_name, action, note, data) VALUES (?, ?, ?, ?, ?, "
	    "?, ?)", "iiissss", bcase_id, clock_now(), c->actor->user_id,
	    c->actor->name, action, note, text);
	free(text);
	json_decref(data);
	return rc;
}

int
bundle_audit(struct ctx *c, const char *action, int64_t bcase_id,
    json_t *summary, struct err *e)
{
	char idb[24];
	int rc;

	snprintf(idb, sizeof(idb), "%" PRId64, bcase_id);
	rc = audit_append(c, action, "bundle_case", idb, summary, e);
	json_decref(summary);
	return rc;
}

static void
today_str(char out[11])
{
	clock_date(clock_now(), out);
}

/* ---- applying ---- */

struct apply_in {
	struct ctx *c;
	int64_t bundle_id;
	int64_t version_id;
	struct bundle_loaded *L;
	bool chosen[BUNDLE_MAX_ITEMS];
	int budgets[BUNDLE_MAX_ITEMS];
	struct bundle_mat *mats;
	int n_mats;
	char sha[BUNDLE_MAX_MATS][65];
	char kind;
	const char *name, *idno, *mobile;
	int64_t applicant_id;
	bool walkin;
	char *answers, *form;
	int64_t id;
	char no[BUNDLE_NO_MAX];
};

static int
sha_ok(const char *s)
{
	if (s == NULL || strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/* [{index, sha256}] over the combined list into t->sha. */
static int
materials_in(struct apply_in *t, const json_t *materials, int64_t owner,
    struct err *e)
{
	char field[48];
	json_t *m;
	size_t i;
	int rc;

	if (materials == NULL || json_is_null(materials))
		return 0;
	if (!json_is_array(materials) ||
	    json_array_size(materials) > BUNDLE_MAX_MATS)
		return err_field(e, ERR_INVALID, "materials", "bad_type",
		    "材料清单须为 [{index, sha256}]");
	json_array_foreach(materials, i, m) {
		json_t *jx = json_object_get(m, "index");
		const char *sha = json_string_value(json_object_get(m,
		    "sha256"));
		json_int_t x;

		snprintf(field, sizeof(field), "materials[%zu]", i);
		if (!json_is_integer(jx) || !sha_ok(sha))
			return err_field(e, ERR_INVALID, field, "bad_material",
			    "材料须为 {index, sha256}");
		x = json_integer_value(jx);
		if (x < 0 || x >= t->n_mats)
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "材料序号 %lld 不存在", (long long)x);
		if (t->sha[x][0] != '\0')
			return err_field(e, ERR_INVALID, field, "duplicate",
			    "材料“%s”重复提交", t->mats[x].name);
		rc = upload_check_owner(t->c, owner, sha, e);
		if (rc != 0) {
			snprintf(e->field, sizeof(e->field), "%s", field);
			return rc;
		}
		snprintf(t->sha[x], sizeof(t->sha[x]), "%s", sha);
	}
	return 0;
}

static int
missing_required(struct apply_in *t, struct err *e)
{
	char names[1024];
	size_t len = 0;
	int k = 0;

	names[0] = '\0';
	for (int m = 0; m < t->n_mats; m++) {
		if (t->sha[m][0] != '\0' || t->mats[m].necessity != NEC_REQUIRED)
			continue;
		if (k < 2)
			len += (size_t)snprintf(names + len, sizeof(names) - len,
			    "%s%s", k > 0 ? "、" : "", t->mats[m].name);
		k++;
	}
	if (k > 0)
		return err_field(e, ERR_UNPROCESSABLE, "materials",
		    "missing_required_material", "缺少必要材料：%s%s（共 %d 项）",
		    names, k > 2 ? "等" : "", k);
	return 0;
}

static int
apply_fn(struct db *db, void *arg, struct err *e)
{
	struct apply_in *t = arg;
	const struct bundle_def *d = &t->L->def;
	const struct actor *a = t->c->actor;
	int64_t now = clock_now(), n = 0;
	char day[11], key[24];
	int rc;

	today_str(day);
	snprintf(key, sizeof(key), "YJS%.4s%.2s%.2s", day, day + 5, day + 8);
	rc = db_query_int(db, e, &n, "INSERT INTO bundle_seq (key, n) VALUES "
	    "(?, 1) ON CONFLICT (key) DO UPDATE SET n = bundle_seq.n + 1 "
	    "RETURNING n", "s", key);
	if (rc < 0)
		return rc;
	snprintf(t->no, sizeof(t->no), "%s%04" PRId64, key, n);
	rc = db_query_int(db, e, &t->id, "INSERT INTO bundle_cases (bundle_no, "
	    "bundle_id, bundle_version_id, applicant_id, applicant_kind, "
	    "applicant_name, applicant_idno, applicant_mobile, channel, "
	    "window_id, state, answers, form, limit_days, trips, created_by, "
	    "created_at, updated_at) VALUES (?, ?, ?, NULLIF(CAST(? AS "
	    "BIGINT), 0), ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), "
	    "'submitted', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	    "siiisssssissIIiii", t->no, t->bundle_id, t->version_id,
	    t->applicant_id, t->kind == 'E' ? "E" : "P", t->name, t->idno,
	    t->mobile != NULL ? t->mobile : "", t->walkin ? "window" : "online",
	    t->walkin ? a->window_id : 0, t->answers, t->form, d->limit_days,
	    t->walkin ? 1 : 0, a->user_id, now, now);
	if (rc < 0)
		return rc;
	for (int m = 0; m < t->n_mats; m++) {
		bool given = t->sha[m][0] != '\0';

		rc = db_exec(db, e, "INSERT INTO bundle_materials ("
		    "bundle_case_id, idx, name, necessity, status, sha256, uses) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?)", "iIssssI", t->id, m,
		    t->mats[m].name, bundle_nec_name(t->mats[m].necessity),
		    given ? "provided" : "missing", given ? t->sha[m] : NULL,
		    t->mats[m].n_uses);
		if (rc != 0)
			return rc;
	}
	for (int i = 0; i < d->n_items; i++) {
		rc = db_exec(db, e, "INSERT INTO bundle_children ("
		    "bundle_case_id, idx, item_key, item_id, item_name, dept_id, "
		    "state, budget_days) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    "iIsisisI", t->id, i, d->items[i].key, d->items[i].item_id,
		    t->L->item_name[i], t->L->dept_id[i], t->chosen[i] ?
		    "waiting" : "skipped", t->budgets[i]);
		if (rc != 0)
			return rc;
	}
	rc = bundle_event(db, t->c, t->id, t->walkin ? "register" : "apply",
	    t->walkin ? "综合窗口登记一件事申请" : "网上申请一件事", NULL, e);
	if (rc == 0)
		rc = bundle_audit(t->c, t->walkin ? "bundle.register" :
		    "bundle.apply", t->id, json_pack("{s:s, s:I, s:I}",
		    "bundle_no", t->no, "bundle_id", (json_int_t)t->bundle_id,
		    "version_id", (json_int_t)t->version_id), e);
	return rc;
}

static int
apply_common(struct ctx *c, int64_t bundle_id, bool walkin, char kind,
    const char *name, const char *idno, const char *mobile,
    int64_t applicant_id, const json_t *answers, const json_t *form,
    const json_t *materials, json_t **out, struct err *e)
{
	struct apply_in *t;
	json_t *row;
	int rc;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return err_internal(e, "out of memory");
	t->L = calloc(1, sizeof(*t->L));
	t->mats = calloc(BUNDLE_MAX_MATS, sizeof(*t->mats));
	if (t->L == NULL || t->mats == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	row = db_query_row(c->db, e, "SELECT current_version_id FROM bundles "
	    "WHERE id = ? AND status = 'published'", "i", bundle_id);
	if (row == NULL) {
		rc = e->code == ERR_NOT_FOUND ? err_field(e, ERR_NOT_FOUND,
		    "bundle_id", "bundle_not_found", "一件事不存在或未发布") :
		    err_rc(e);
		goto out;
	}
	t->version_id = json_integer_value(json_object_get(row,
	    "current_version_id"));
	json_decref(row);
	rc = bundle_load_version(c, t->version_id, t->L, e);
	if (rc != 0)
		goto out;
	if (t->L->def.life_event != kind) {
		rc = err_set(e, ERR_UNPROCESSABLE, "wrong_applicant_kind",
		    t->L->def.life_event == 'E' ? "该一件事面向企业，请使用企业"
		    "账号申请" : "该一件事面向个人，请使用个人账号申请");
		goto out;
	}
	rc = bundle_choose(&t->L->def, answers, t->chosen, e);
	if (rc == 0)
		rc = bundle_form_check(&t->L->def, form, e);
	if (rc != 0)
		goto out;
	t->answers = json_is_object(answers) ? json_dumps(answers,
	    JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	t->form = json_is_object(form) ? json_dumps(form, JSON_COMPACT |
	    JSON_SORT_KEYS) : strdup("{}");
	if (t->answers == NULL || t->form == NULL ||
	    strlen(t->form) > FORM_MAX_BYTES) {
		rc = err_field(e, ERR_TOO_LARGE, "form", "form_too_large",
		    "申请表内容过长");
		goto out;
	}
	bundle_budgets(&t->L->def, t->chosen, t->budgets);
	/* The applicant hands in materials by their index in the guide's
	 * list (every item); those of items not chosen are left out. */
	{
		bool all[BUNDLE_MAX_ITEMS];
		char (*full)[65] = calloc(BUNDLE_MAX_MATS, 65);
		struct bundle_mat *chosen_mats = calloc(BUNDLE_MAX_MATS,
		    sizeof(*chosen_mats));
		int nc;

		for (int i = 0; i < BUNDLE_MAX_ITEMS; i++)
			all[i] = true;
		t->c = c;
		t->n_mats = bundle_merge_materials(&t->L->def, all, t->mats,
		    BUNDLE_MAX_MATS, NULL, NULL);
		rc = full == NULL || chosen_mats == NULL ?
		    err_internal(e, "out of memory") :
		    materials_in(t, materials, c->actor->user_id, e);
		nc = bundle_merge_materials(&t->L->def, t->chosen, chosen_mats,
		    BUNDLE_MAX_MATS, NULL, NULL);
		if (rc == 0) {
			memcpy(full, t->sha, (size_t)BUNDLE_MAX_MATS * 65);
			memset(t->sha, 0, sizeof(t->sha));
			for (int m = 0; m < t->n_mats; m++)
				for (int x = 0; x < nc; x++)
					if (full[m][0] != '\0' && strcmp(
					    t->mats[m].name, chosen_mats[x].name) == 0)
						memcpy(t->sha[x], full[m], 65);
			memcpy(t->mats, chosen_mats, (size_t)nc *
			    sizeof(*chosen_mats));
			t->n_mats = nc;
		}
		free(full);
		free(chosen_mats);
	}
	if (rc == 0)
		rc = missing_required(t, e);
	if (rc != 0)
		goto out;
	t->bundle_id = bundle_id;
	t->kind = kind;
	t->name = name;
	t->idno = idno;
	t->mobile = mobile;
	t->applicant_id = applicant_id;
	t->walkin = walkin;
	rc = db_tx(c->db, apply_fn, t, e);
	if (rc == 0)
		rc = bundle_case_get(c, t->id, out, e);
out:
	if (t->L != NULL)
		bundle_loaded_free(t->L);
	free(t->L);
	free(t->mats);
	free(t->answers);
	free(t->form);
	free(t);
	return rc;
}

int
bundle_apply(struct ctx *c, int64_t bundle_id, const json_t *answers,
    const json_t *form, const json_t *materials, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;

	*out = NULL;
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (a->kind != ACTOR_PERSON && a->kind != ACTOR_ENTERPRISE)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有申请人可以网上申请，窗口请使用窗口登记");
	return apply_common(c, bundle_id, false, (char)a->kind, a->name,
	    a->login, NULL, a->user_id, answers, form, materials, out, e);
}

int
bundle_register_walkin(struct ctx *c, int64_t bundle_id,
    const json_t *applicant, const json_t *answers, const json_t *form,
    const json_t *materials, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	const char *kind, *idno, *name, *mobile;
	char norm[32], nm[BUNDLE_NAME_BYTES];
	int64_t aid = 0;
	char k;
	int rc;

	*out = NULL;
	if (a == NULL || !actor_has(a, ROLE_CLERK) || a->window_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有综合窗口人员可以登记一件事申请");
	if (!json_is_object(applicant))
		return err_field(e, ERR_INVALID, "applicant", "required",
		    "请填写申请人信息");
	kind = json_string_value(json_object_get(applicant, "kind"));
	idno = json_string_value(json_object_get(applicant, "idno"));
	name = json_string_value(json_object_get(applicant, "name"));
	mobile = json_string_value(json_object_get(applicant, "mobile"));
	if (kind != NULL && strcmp(kind, "person") == 0)
		k = 'P';
	else if (kind != NULL && strcmp(kind, "enterprise") == 0)
		k = 'E';
	else
		return err_field(e, ERR_INVALID, "applicant.kind", NULL,
		    "申请人类型须为 person 或 enterprise");
	if (idno == NULL || strlen(idno) >= sizeof(norm) ||
	    auth_login_normalise(idno, norm, sizeof(norm)) != 0 ||
	    (k == 'P' && !idno_person_valid(norm)) ||
	    (k == 'E' && !idno_credit_code_valid(norm)))
		return err_field(e, ERR_INVALID, "applicant.idno",
		    "invalid_id_number", k == 'P' ? "居民身份证号码不正确" :
		    "统一社会信用代码不正确");
	rc = auth_check_name(name, nm, sizeof(nm), e);
	if (rc != 0) {
		snprintf(e->field, sizeof(e->field), "applicant.name");
		return rc;
	}
	if (mobile != NULL && mobile[0] != '\0' && !idno_mobile_valid(mobile))
		return err_field(e, ERR_INVALID, "applicant.mobile",
		    "invalid_mobile", "手机号码格式不正确，应为 11 位数字");
	/* Link the applicant's account only once it is verified (实名). */
	rc = db_query_int(c->db, e, &aid, "SELECT id FROM users WHERE "
	    "login = ? AND kind = ? AND realname_level >= 1 AND disabled = 0",
	    "ss", norm, k == 'P' ? "P" : "E");
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		aid = 0;
	return apply_common(c, bundle_id, true, k, nm, norm, mobile, aid,
	    answers, form, materials, out, e);
}

/* ---- the application row ---- */

/* Loads the application (JSON row) and checks the actor may act on it as
 * the window: a clerk with a window. Version checked when > 0. */
static int
load_for_window(struct ctx *c, int64_t id, int64_t version, json_t **row,
    struct err *e)
{
	const struct actor *a = c->actor;

	*row = NULL;
	if (a == NULL || !actor_has(a, ROLE_CLERK) || a->window_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有综合窗口人员可以办理一件事的受理和出件");
	*row = db_query_row(c->db, e, "SELECT * FROM bundle_cases WHERE "
	    "id = ?", "i", id);
	if (*row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_case_not_found", "一件事申请不存在") : err_rc(e);
	if (version > 0 && json_integer_value(json_object_get(*row,
	    "version")) != version) {
		json_decref(*row);
		*row = NULL;
		return err_set(e, ERR_CONFLICT, "stale_version",
		    BUNDLE_STALE_MSG);
	}
	return 0;
}

static const char *
rstr(const json_t *row, const char *k)
{
	const char *s = json_string_value(json_object_get(row, k));

	return s != NULL ? s : "";
}

static int64_t
row_int(const json_t *row, const char *k)
{
	return json_integer_value(json_object_get(row, k));
}

/* A guarded change of the application's state. */
static int
bump(struct db *db, int64_t id, int64_t version, struct err *e)
{
	int rc;

	rc = db_exec(db, e, "UPDATE bundle_cases SET version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?", "iii", clock_now(),
	    id, version);
	if (rc == 0 && db_last_changes(db) != 1)
		rc = err_set(e, ERR_CONFLICT, "stale_version", BUNDLE_STALE_MSG);
	return rc;
}

/* ---- acceptance ---- */

struct accept_tx {
	struct ctx *c;
	json_t *row;
	const struct bundle_accept_in *in;
	bool rongque;
	bool listed[BUNDLE_MAX_MATS];
	char notice_no[160];
	int created;
};

/* The one 受理通知书 of the bundle: issued and sealed by the accepting
 * window's department through the documents queue, kept with the first
 * child case; its number is the bundle's notice number. */
static int
accept_notice(struct db *db, struct accept_tx *t, const char *day,
    struct err *e)
{
	const struct calendar *cal = NULL;
	int64_t id = row_int(t->row, "id"), anchor = 0, doc_id = 0;
	int32_t acc;
	json_t *items, *rq, *content, *x, *name;
	char applied[11], due[11] = "", doc_no[160];
	size_t i;
	int rc;

	rc = db_query_int(db, e, &anchor, "SELECT case_id FROM bundle_children "
	    "WHERE bundle_case_id = ? AND case_id IS NOT NULL ORDER BY idx "
	    "LIMIT 1", "i", id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "bundle case %" PRId64 ": accepted "
		    "without a child", id);
	items = db_query_json(db, e, "SELECT b.item_name AS name, b.state, "
	    "d.name AS dept FROM bundle_children b JOIN departments d ON "
	    "d.id = b.dept_id WHERE b.bundle_case_id = ? AND b.state <> "
	    "'skipped' ORDER BY b.idx", "i", id);
	rq = db_query_json(db, e, "SELECT name FROM bundle_materials WHERE "
	    "bundle_case_id = ? AND status = 'rongque' ORDER BY idx", "i", id);
	name = db_query_row(db, e, "SELECT name FROM bundles WHERE id = ?",
	    "i", row_int(t->row, "bundle_id"));
	if (items == NULL || rq == NULL || name == NULL) {
		json_decref(items);
		json_decref(rq);
		json_decref(name);
		return err_rc(e);
	}
	json_array_foreach(items, i, x) {
		json_object_set_new(x, "start", json_string(strcmp(rstr(x,
		    "state"), "created") == 0 ? "受理后即分送，并联审批" :
		    "前置事项准予后启动"));
		json_object_del(x, "state");
	}
	json_array_foreach(rq, i, x)
		json_array_set_new(rq, i, json_string(rstr(x, "name")));
	if (case_calendar_current(t->c, &cal, e) == 0 &&
	    calendar_day_parse(day, &acc, e) == 0)
		calendar_day_format(calendar_add_workdays(cal, acc,
		    (int)row_int(t->row, "limit_days")), due);
	err_clear(e);
	clock_date(row_int(t->row, "created_at"), applied);
	content = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:I, s:o, s:o, s:s?}",
	    "bundle_name", rstr(name, "name"), "bundle_no",
	    rstr(t->row, "bundle_no"), "applied_day", applied, "accepted_day",
	    day, "due_day", due[0] != '\0' ? due : NULL, "limit_days",
	    (json_int_t)row_int(t->row, "limit_days"), "items", items,
	    "rongque", rq, "supplement_due", t->rongque ?
	    t->in->supplement_due : NULL);
	json_decref(name);
	rc = document_enqueue_dept(t->c, anchor, t->c->actor->dept_id,
	    DOC_BUNDLE_ACCEPT, content, &doc_id, doc_no, e);
	json_decref(content);
	if (rc != 0)
		return rc;
	snprintf(t->notice_no, sizeof(t->notice_no), "%s", doc_no);
	return db_exec(db, e, "UPDATE bundle_cases SET notice_no = ?, "
	    "notice_doc_id = ? WHERE id = ?", "sii", t->notice_no, doc_id, id);
}

static int
accept_fn(struct db *db, void *arg, struct err *e)
{
	struct accept_tx *t = arg;
	int64_t id = row_int(t->row, "id"), now = clock_now();
	char day[11];
	json_t *items;
	int rc;

	rc = db_tx_lock(db, BUNDLE_LOCK_BASE ^ id, e);
	if (rc != 0)
		return rc;
	rc = bump(db, id, row_int(t->row, "version"), e);
	if (rc != 0)
		return rc;
	today_str(day);
	rc = db_exec(db, e, "UPDATE bundle_cases SET state = 'running', "
	    "acceptance_mode = ?, supplement_due = ?, "
	    "accepted_at = ?, accepted_day = ?, accepted_by = ?, window_id = ? "
	    "WHERE id = ?", "ssisiii", t->rongque ? "rongque" : "normal",
	    t->rongque ? t->in->supplement_due : NULL, now, day,
	    t->c->actor->user_id, t->c->actor->window_id, id);
	if (rc != 0)
		return rc;
	for (int m = 0; m < BUNDLE_MAX_MATS && t->rongque; m++) {
		if (!t->listed[m])
			continue;
		rc = db_exec(db, e, "UPDATE bundle_materials SET status = "
		    "'rongque', problem = '容缺后补' WHERE bundle_case_id = ? AND "
		    "idx = ?", "iI", id, m);
		if (rc != 0)
			return rc;
	}
	rc = bundle_start_ready(t->c, id, &t->created, e);
	if (rc == 0)
		rc = accept_notice(db, t, day, e);
	if (rc != 0)
		return rc;
	items = db_query_json(db, e, "SELECT item_name, state FROM "
	    "bundle_children WHERE bundle_case_id = ? AND state <> 'skipped' "
	    "ORDER BY idx", "i", id);
	if (items == NULL)
		return err_rc(e);
	rc = bundle_event(db, t->c, id, "accept", t->rongque ?
	    "一窗容缺受理，出具受理通知书" : "一窗受理，出具受理通知书",
	    json_pack("{s:s, s:i, s:o}", "notice_no", t->notice_no,
	    "children_started", t->created, "items", items), e);
	if (rc == 0 && row_int(t->row, "applicant_id") > 0) {
		char body[512];

		snprintf(body, sizeof(body), "您的一件事申请（编号 %s）已受理，"
		    "受理通知书 %s。各部门将并联审批，结果统一出件。",
		    rstr(t->row, "bundle_no"), t->notice_no);
		rc = notify_user(t->c, row_int(t->row, "applicant_id"), 0,
		    "bundle_accepted", "一件事已受理", body, e);
	}
	if (rc == 0)
		rc = bundle_audit(t->c, "bundle.accept", id, json_pack(
		    "{s:s, s:s, s:i}", "bundle_no", rstr(t->row, "bundle_no"),
		    "notice_no", t->notice_no, "children", t->created), e);
	return rc;
}

/* 容缺: the listed combined-list indices must be missing 容缺可后补
 * materials, the due day between today and the overall limit. */
static int
accept_rongque_check(struct ctx *c, struct accept_tx *t, json_t *mats,
    struct err *e)
{
	const struct calendar *cal = NULL;
	int32_t today, due, limit;
	char day[11], lim[11], field[32];
	json_t *v;
	size_t i;
	int rc;

	if (!json_is_array(t->in->missing) ||
	    json_array_size(t->in->missing) == 0)
		return err_field(e, ERR_INVALID, "missing", "required",
		    "请列出容缺的材料");
	json_array_foreach(t->in->missing, i, v) {
		json_t *m;
		json_int_t x;

		snprintf(field, sizeof(field), "missing[%zu]", i);
		if (!json_is_integer(v))
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "容缺材料须为材料序号");
		x = json_integer_value(v);
		m = x >= 0 ? json_array_get(mats, (size_t)x) : NULL;
		if (m == NULL)
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "材料序号 %lld 不存在", (long long)x);
		if (t->listed[x])
			return err_field(e, ERR_INVALID, field, "duplicate",
			    "材料“%s”重复列出", rstr(m, "name"));
		if (strcmp(rstr(m, "necessity"), "rongque") != 0)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "not_rongque", "材料“%s”不属于容缺可后补材料",
			    rstr(m, "name"));
		if (strcmp(rstr(m, "status"), "provided") == 0)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "already_provided", "材料“%s”已提交",
			    rstr(m, "name"));
		t->listed[x] = true;
	}
	if (t->in->supplement_due == NULL ||
	    calendar_day_parse(t->in->supplement_due, &due, e) != 0)
		return err_field(e, ERR_INVALID, "supplement_due", "required",
		    "请填写容缺材料的补交期限（YYYY-MM-DD）");
	rc = case_calendar_current(c, &cal, e);
	if (rc != 0)
		return rc;
	today_str(day);
	(void)calendar_day_parse(day, &today, e);
	limit = calendar_add_workdays(cal, today, (int)row_int(t->row,
	    "limit_days"));
	if (due < today || due > limit)
		return err_field(e, ERR_UNPROCESSABLE, "supplement_due",
		    "bad_supplement_due", "补交期限须在今天至一件事承诺办结期限 %s "
		    "之间", calendar_day_format(limit, lim));
	return 0;
}

int
bundle_accept(struct ctx *c, int64_t id, const struct bundle_accept_in *in,
    json_t **out, struct err *e)
{
	const char *mode = in->mode != NULL && in->mode[0] != '\0' ? in->mode :
	    "normal";
	struct accept_tx t;
	json_t *mats = NULL;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	if (strcmp(mode, "normal") != 0 && strcmp(mode, "rongque") != 0)
		return err_field(e, ERR_INVALID, "mode", "bad_mode",
		    "受理方式须为 normal 或 rongque");
	if (in->version <= 0)
		return err_field(e, ERR_INVALID, "version", "required",
		    "缺少字段 version");
	rc = load_for_window(c, id, in->version, &t.row, e);
	if (rc != 0)
		return rc;
	if (strcmp(rstr(t.row, "state"), "submitted") != 0) {
		rc = err_set(e, ERR_CONFLICT, "invalid_transition",
		    "当前状态不能受理");
		goto out;
	}
	mats = db_query_json(c->db, e, "SELECT idx, name, necessity, status "
	    "FROM bundle_materials WHERE bundle_case_id = ? ORDER BY idx", "i",
	    id);
	if (mats == NULL) {
		rc = err_rc(e);
		goto out;
	}
	t.c = c;
	t.in = in;
	t.rongque = strcmp(mode, "rongque") == 0;
	if (t.rongque)
		rc = accept_rongque_check(c, &t, mats, e);
	if (rc == 0) {
		char names[1024];
		size_t len = 0, i;
		json_t *m;
		int k = 0;

		names[0] = '\0';
		json_array_foreach(mats, i, m) {
			if (strcmp(rstr(m, "status"), "provided") == 0 ||
			    strcmp(rstr(m, "necessity"), "optional") == 0 ||
			    t.listed[i])
				continue;
			if (k < 2)
				len += (size_t)snprintf(names + len,
				    sizeof(names) - len, "%s%s", k > 0 ? "、" :
				    "", rstr(m, "name"));
			k++;
		}
		if (k > 0)
			rc = err_field(e, ERR_UNPROCESSABLE, "mode",
			    "missing_required_material",
			    "缺少必要材料：%s%s（共 %d 项），不能受理", names,
			    k > 2 ? "等" : "", k);
	}
	if (rc == 0)
		rc = db_tx(c->db, accept_fn, &t, e);
	if (rc == 0)
		rc = bundle_case_get(c, id, out, e);
out:
	json_decref(mats);
	json_decref(t.row);
	return rc;
}

/* ---- 不予受理, 补正 ---- */

struct simple_tx {
	struct ctx *c;
	json_t *row;
	const char *reason;
	const json_t *items;
	const json_t *materials;
	char sha[BUNDLE_MAX_MATS][65];
	json_t *mats;
};

static int
reject_fn(struct db *db, void *arg, struct err *e)
{
	struct simple_tx *t = arg;
	int64_t id = row_int(t->row, "id"), now = clock_now();
	int rc;

	rc = bump(db, id, row_int(t->row, "version"), e);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE bundle_cases SET state = "
		    "'rejected', outcome_reason = ?, closed_at = ?, "
		    "window_id = ? WHERE id = ?", "siii", t->reason, now,
		    t->c->actor->window_id, id);
	if (rc == 0)
		rc = bundle_event(db, t->c, id, "reject", t->reason, NULL, e);
	if (rc == 0 && row_int(t->row, "applicant_id") > 0)
		rc = notify_user(t->c, row_int(t->row, "applicant_id"), 0,
		    "bundle_rejected", "一件事不予受理", t->reason, e);
	if (rc == 0)
		rc = bundle_audit(t->c, "bundle.reject", id, json_pack("{s:s}",
		    "reason", t->reason), e);
	return rc;
}

static int
text_check(const char *s, const char *field, const char *what, bool required,
    struct err *e)
{
	if (s == NULL || s[0] == '\0')
		return required ? err_field(e, ERR_INVALID, field, "required",
		    "请填写%s", what) : 0;
	if (!utf8_valid(s, strlen(s)) || utf8_strlen(s) > 1000)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s过长或含有无效字符", what);
	return 0;
}

int
bundle_reject(struct ctx *c, int64_t id, const char *reason,
    int64_t version, json_t **out, struct err *e)
{
	struct simple_tx t;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	rc = text_check(reason, "reason", "不予受理的理由", true, e);
	if (rc != 0)
		return rc;
	rc = load_for_window(c, id, version, &t.row, e);
	if (rc != 0)
		return rc;
	if (strcmp(rstr(t.row, "state"), "submitted") != 0 &&
	    strcmp(rstr(t.row, "state"), "supplement") != 0)
		rc = err_set(e, ERR_CONFLICT, "invalid_transition",
		    "当前状态不能不予受理");
	t.c = c;
	t.reason = reason;
	if (rc == 0)
		rc = db_tx(c->db, reject_fn, &t, e);
	if (rc == 0)
		rc = bundle_case_get(c, id, out, e);
	json_decref(t.row);
	return rc;
}

static int
request_supp_fn(struct db *db, void *arg, struct err *e)
{
	struct simple_tx *t = arg;
	int64_t id = row_int(t->row, "id");
	json_t *it, *list = json_array();
	size_t i;
	int rc;

	rc = bump(db, id, row_int(t->row, "version"), e);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE bundle_cases SET state = "
		    "'supplement', window_id = ? WHERE id = ?", "ii",
		    t->c->actor->window_id, id);
	json_array_foreach(t->items, i, it) {
		int64_t x = json_integer_value(json_object_get(it, "index"));
		const char *problem = json_string_value(json_object_get(it,
		    "problem"));

		if (rc != 0)
			break;
		rc = db_exec(db, e, "UPDATE bundle_materials SET status = "
		    "'flawed', problem = ? WHERE bundle_case_id = ? AND idx = ?",
		    "sii", problem, id, x);
		json_array_append_new(list, json_pack("{s:O, s:s}", "name",
		    json_object_get(json_array_get(t->mats, (size_t)x), "name"),
		    "problem", problem));
	}
	if (rc == 0)
		rc = bundle_event(db, t->c, id, "request_supplement",
		    t->reason != NULL && t->reason[0] != '\0' ? t->reason :
		    "一次性告知补正材料", json_pack("{s:O}", "materials", list), e);
	if (rc == 0 && row_int(t->row, "applicant_id") > 0)
		rc = notify_user(t->c, row_int(t->row, "applicant_id"), 0,
		    "bundle_supplement", "一件事需要补正材料",
		    "请按一次性告知的清单补正材料，补齐后一并受理。", e);
	if (rc == 0)
		rc = bundle_audit(t->c, "bundle.request_supplement", id,
		    json_pack("{s:O}", "materials", list), e);
	json_decref(list);
	return rc;
}

int
bundle_request_supplement(struct ctx *c, int64_t id, const json_t *items,
    const char *note, int64_t version, json_t **out, struct err *e)
{
	struct simple_tx t;
	bool seen[BUNDLE_MAX_MATS];
	char field[48];
	json_t *it;
	size_t i;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	memset(seen, 0, sizeof(seen));
	rc = text_check(note, "note", "补正说明", false, e);
	if (rc != 0)
		return rc;
	rc = load_for_window(c, id, version, &t.row, e);
	if (rc != 0)
		return rc;
	if (strcmp(rstr(t.row, "state"), "submitted") != 0) {
		rc = err_set(e, ERR_CONFLICT, "invalid_transition",
		    "当前状态不能要求补正");
		goto out;
	}
	t.mats = db_query_json(c->db, e, "SELECT idx, name FROM "
	    "bundle_materials WHERE bundle_case_id = ? ORDER BY idx", "i", id);
	if (t.mats == NULL) {
		rc = err_rc(e);
		goto out;
	}
	if (!json_is_array(items) || json_array_size(items) == 0) {
		rc = err_field(e, ERR_INVALID, "items", "required",
		    "请列出需要补正的全部材料");
		goto out;
	}
	json_array_foreach(items, i, it) {
		json_t *jx = json_object_get(it, "index");
		json_int_t x = json_integer_value(jx);

		snprintf(field, sizeof(field), "items[%zu]", i);
		if (!json_is_integer(jx) || x < 0 ||
		    x >= (json_int_t)json_array_size(t.mats)) {
			rc = err_field(e, ERR_INVALID, field, "bad_index",
			    "补正项须为 {index, problem}，序号须在材料清单内");
			goto out;
		}
		if (seen[x]) {
			rc = err_field(e, ERR_INVALID, field, "duplicate",
			    "材料重复列出");
			goto out;
		}
		seen[x] = true;
		snprintf(field, sizeof(field), "items[%zu].problem", i);
		rc = text_check(json_string_value(json_object_get(it,
		    "problem")), field, "补正要求", true, e);
		if (rc != 0)
			goto out;
	}
	t.c = c;
	t.items = items;
	t.reason = note;
	rc = db_tx(c->db, request_supp_fn, &t, e);
	if (rc == 0)
		rc = bundle_case_get(c, id, out, e);
out:
	json_decref(t.mats);
	json_decref(t.row);
	return rc;
}

/* Before acceptance: the flawed or missing materials handed in; back to
 * submitted when none is flawed any more. After a 容缺 acceptance: the
 * 容缺 materials go to every child that waits for them. */
static int
supp_fn(struct db *db, void *arg, struct err *e)
{
	struct simple_tx *t = arg;
	int64_t id = row_int(t->row, "id");
	bool running = strcmp(rstr(t->row, "state"), "running") == 0;
	int64_t left = 0;
	int given = 0, rc;

	rc = bump(db, id, row_int(t->row, "version"), e);
	for (int m = 0; rc == 0 && m < BUNDLE_MAX_MATS; m++) {
		if (t->sha[m][0] == '\0')
			continue;
		rc = db_exec(db, e, "UPDATE bundle_materials SET status = "
		    "'provided', sha256 = ?, problem = NULL WHERE "
		    "bundle_case_id = ? AND idx = ?", "siI", t->sha[m], id, m);
		given++;
	}
	if (rc != 0)
		return rc;
	rc = db_query_int(db, e, &left, "SELECT COUNT(*) FROM "
	    "bundle_materials WHERE bundle_case_id = ? AND status IN "
	    "('flawed', 'rongque')", "i", id);
	if (rc < 0)
		return rc;
	rc = 0;
	if (!running && left == 0)
		rc = db_exec(db, e, "UPDATE bundle_cases SET state = "
		    "'submitted' WHERE id = ?", "i", id);
	if (rc != 0)
		return rc;
	if (running) {
		/* each child gets its share of the materials */
		const struct bundle_def *d;
		struct bundle_loaded *L = calloc(1, sizeof(*L));
		struct bundle_mat *mm = calloc(BUNDLE_MAX_MATS, sizeof(*mm));
		bool chosen[BUNDLE_MAX_ITEMS];
		json_t *kids = NULL, *k;
		size_t i;
		int n;

		if (L == NULL || mm == NULL) {
			free(L);
			free(mm);
			return err_internal(e, "out of memory");
		}
		rc = bundle_load_version(t->c, row_int(t->row,
		    "bundle_version_id"), L, e);
		if (rc == 0)
			kids = db_query_json(db, e, "SELECT idx, state, case_id "
			    "FROM bundle_children WHERE bundle_case_id = ? "
			    "ORDER BY idx", "i", id);
		if (rc == 0 && kids == NULL)
			rc = err_rc(e);
		d = &L->def;
		json_array_foreach(kids, i, k)
			chosen[i] = strcmp(rstr(k, "state"), "skipped") != 0;
		n = rc == 0 ? bundle_merge_materials(d, chosen, mm,
		    BUNDLE_MAX_MATS, NULL, NULL) : 0;
		json_array_foreach(kids, i, k) {
			json_t *list, *out = NULL;

			if (rc != 0 || strcmp(rstr(k, "state"), "created") != 0)
				continue;
			list = json_array();
			for (int m = 0; m < n; m++) {
				if (t->sha[m][0] == '\0')
					continue;
				for (int u = 0; u < mm[m].n_uses; u++)
					if (mm[m].use_item[u] == (int)i &&
					    d->items[i].mat_nec[mm[m].use_idx[u]]
					    == NEC_RONGQUE)
						json_array_append_new(list,
						    json_pack("{s:i, s:s}",
						    "index", mm[m].use_idx[u],
						    "sha256", t->sha[m]));
			}
			if (json_array_size(list) > 0) {
				rc = case_supplement(t->c, row_int(k, "case_id"),
				    list, 0, &out, e);
				if (rc == -ERR_CONFLICT)
					rc = 0;  /* the child needs none */
				json_decref(out);
			}
			json_decref(list);
		}
		json_decref(kids);
		bundle_loaded_free(L);
		free(L);
		free(mm);
		if (rc != 0)
			return rc;
	}
	rc = bundle_event(db, t->c, id, "supplement", left == 0 ?
	    "补正材料已齐全" : "提交补正材料", json_pack("{s:i}", "materials",
	    given), e);
	if (rc == 0 && actor_has(t->c->actor, ROLE_CLERK))
		rc = db_exec(db, e, "UPDATE bundle_cases SET trips = trips + 1 "
		    "WHERE id = ?", "i", id);
	if (rc == 0)
		rc = bundle_audit(t->c, "bundle.supplement", id, json_pack(
		    "{s:i}", "materials", given), e);
	return rc;
}

int
bundle_supplement(struct ctx *c, int64_t id, const json_t *materials,
    int64_t version, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct simple_tx t;
	char field[48];
	json_t *m;
	size_t i;
	int rc;

	*out = NULL;
	memset(&t, 0, sizeof(t));
	t.row = db_query_row(c->db, e, "SELECT * FROM bundle_cases WHERE "
	    "id = ?", "i", id);
	if (t.row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "bundle_case_not_found", "一件事申请不存在") : err_rc(e);
	if (a == NULL || (!(a->kind == ACTOR_PERSON || a->kind ==
	    ACTOR_ENTERPRISE) && !actor_has(a, ROLE_CLERK)) ||
	    ((a->kind == ACTOR_PERSON || a->kind == ACTOR_ENTERPRISE) &&
	    !actor_is_applicant_of(a, row_int(t.row, "created_by"),
	    rstr(t.row, "applicant_idno")))) {
		rc = (a != NULL && a->kind != ACTOR_STAFF) ? err_set(e,
		    ERR_NOT_FOUND, "bundle_case_not_found", "一件事申请不存在") :
		    err_set(e, ERR_FORBIDDEN, NULL, "无权提交补正材料");
		goto out;
	}
	if (version > 0 && row_int(t.row, "version") != version) {
		rc = err_set(e, ERR_CONFLICT, "stale_version", BUNDLE_STALE_MSG);
		goto out;
	}
	t.mats = db_query_json(c->db, e, "SELECT idx, name, status FROM "
	    "bundle_materials WHERE bundle_case_id = ? ORDER BY idx", "i", id);
	if (t.mats == NULL) {
		rc = err_rc(e);
		goto out;
	}
	rc = 0;
	if (!json_is_array(materials) || json_array_size(materials) == 0 ||
	    json_array_size(materials) > BUNDLE_MAX_MATS)
		rc = err_field(e, ERR_INVALID, "materials", "required",
		    "请选择要补交的材料");
	json_array_foreach(materials, i, m) {
		json_t *jx = json_object_get(m, "index");
		const char *sha = json_string_value(json_object_get(m,
		    "sha256"));
		json_int_t x = json_integer_value(jx);
		json_t *row;

		if (rc != 0)
			break;
		snprintf(field, sizeof(field), "materials[%zu]", i);
		row = json_array_get(t.mats, (size_t)(x >= 0 ? x : 0));
		if (!json_is_integer(jx) || x < 0 || row == NULL ||
		    !sha_ok(sha)) {
			rc = err_field(e, ERR_INVALID, field, "bad_material",
			    "材料须为 {index, sha256}，序号须在材料清单内");
			break;
		}
		if (strcmp(rstr(row, "status"), "provided") == 0) {
			rc = err_field(e, ERR_UNPROCESSABLE, field,
			    "material_not_requested", "材料“%s”无需补正",
			    rstr(row, "name"));
			break;
		}
		rc = upload_check_owner(c, a->user_id, sha, e);
		if (rc == 0)
			snprintf(t.sha[x], sizeof(t.sha[x]), "%s", sha);
	}
	if (rc != 0)
		goto out;
	if (strcmp(rstr(t.row, "state"), "supplement") != 0 &&
	    strcmp(rstr(t.row, "state"), "running") != 0) {
		rc = err_set(e, ERR_CONFLICT, "nothing_to_supplement",
		    "当前一件事无需补正材料");
		goto out;
	}
	t.c = c;
	rc = db_tx(c->db, supp_fn, &t, e);
	if (rc == 0)
		rc = bundle_case_get(c, id, out, e);
out:
	json_decref(t.mats);
	json_decref(t.row);
	return rc;
}
