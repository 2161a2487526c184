/* cases_apply.c - the two ways a case is created (online application and
 * walk-in registration) and the applicant's supplements. */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idno.h"
#include "base/str.h"
#include "base/utf8.h"
#include "core/form.h"
#include "service/platform/platform.h"
#include "service/account/account.h"
#include "service/records/records.h"
#include "store/db.h"


static void
row_add(json_t *rows, const char *label, const char *text)
{
	json_array_append_new(rows, json_pack("{s:s, s:s?}", "label", label,
	    "text", text != NULL && text[0] != '\0' ? text : NULL));
}

/* The 申请表 (DOC_APPLICATION) of an online application: the applicant,
 * the contact members of the apply page, the fields, the pledge. */
static int
application_document(struct apply_tx *t, int64_t now, struct err *e)
{
	json_t *form = json_loads(t->form, 0, NULL), *rows, *fields, *x;
	const char *dlv;
	char when[17];
	size_t i;
	int rc;

	rows = json_array();
	row_add(rows, t->kind == 'E' ? "申请单位" : "申请人", t->name);
	row_add(rows, t->kind == 'E' ? "统一社会信用代码" : "身份证号码",
	    t->idno);
	row_add(rows, "联系电话", json_string_value(json_object_get(form,
	    "phone")));
	row_add(rows, "联系地址", json_string_value(json_object_get(form,
	    "address")));
	fields = case_form_fields_json(t->f, form);
	json_array_foreach(fields, i, x)
		row_add(rows, json_string_value(json_object_get(x, "label")),
		    json_string_value(json_object_get(x, "text")));
	json_decref(fields);
	row_add(rows, "申请事项说明", json_string_value(json_object_get(form,
	    "description")));
	dlv = json_string_value(json_object_get(form, "delivery"));
	row_add(rows, "送达方式", dlv == NULL ? NULL : strcmp(dlv, "window") ==
	    0 ? "窗口领取" : strcmp(dlv, "post") == 0 ? "邮寄送达" :
	    strcmp(dlv, "download") == 0 ? "网上下载" : strcmp(dlv,
	    "e_licence") == 0 ? "电子证照" : dlv);
	json_decref(form);
	clock_datetime(now, when);
	x = json_pack("{s:o, s:s, s:s}", "rows", rows, "pledge",
	    t->pledge_text != NULL ? t->pledge_text : "", "signed", when);
	rc = document_enqueue(t->c, t->id, DOC_APPLICATION, x, NULL, e);
	json_decref(x);
	return rc;
}

/* Material i of an application as it is stored (and answered). */
struct apply_mat {
	const char *necessity, *status, *sha256, *content_type, *reused_from;
};

static void
apply_mat(const struct apply_tx *t, int i, struct apply_mat *m)
{
	const struct item_facts *f = t->f;
	int nec = f->materials[i].necessity;
	const char *att = case_material_attached(f, i, t->channel);

	m->necessity = nec == NEC_REQUIRED ? "required" : nec == NEC_RONGQUE ?
	    "rongque" : "optional";
	m->status = t->given[i] || att != NULL ? "provided" : "missing";
	m->sha256 = t->given[i] ? t->sha[i] : NULL;
	m->content_type = t->given[i] ? t->ctype[i] : NULL;
	m->reused_from = t->given[i] ? (t->cert[i] ? "certificate" : NULL) :
	    att;
}

/* The materials of the case just inserted, as case_mats_json() would
 * read them back (none is awaited of a submitted case). */
static json_t *
apply_mats_json(const struct apply_tx *t)
{
	json_t *mats = json_array();

	for (int i = 0; i < t->f->n_materials; i++) {
		struct apply_mat m;

		apply_mat(t, i, &m);
		json_array_append_new(mats, case_mat_json(i,
		    t->f->materials[i].name, m.necessity, m.status, m.sha256,
		    m.content_type, m.reused_from, NULL));
	}
	return mats;
}

int
case_apply_insert(struct db *db, void *arg, struct err *e)
{
	struct apply_tx *t = arg;
	const struct item_facts *f = t->f;
	const struct actor *a = t->c->actor;
	bool walkin = strcmp(t->channel, "window") == 0 && t->bundle_id == 0;
	char key[64], idbuf[24], item[256] = "", mobile[32] = "";
	int64_t now = clock_now(), n = 0;
	bool wants_sms = true;
	struct db_stmt *s;
	json_t *sum;
	int rc;

	/* 1. the day's number: a failed transaction rolls it back */
	snprintf(key, sizeof(key), "%s%.4s%.2s%.2s", f->impl_code, t->day,
	    t->day + 5, t->day + 8);
	rc = db_query_int(db, e, &n, "INSERT INTO case_seq (key, n) VALUES "
	    "(?, 1) ON CONFLICT (key) DO UPDATE SET n = case_seq.n + 1 "
	    "RETURNING n", "s", key);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_internal(e, "case_seq returned no row");
	rc = case_no_format(f->impl_code, t->day, n, t->case_no, e);
	if (rc != 0)
		return rc;

	/* 2. the case, with its short query code and its id (the year's) */
	case_query_code_new(t->query_code);
	rc = case_number_take(db, t->day, t->case_no, t->query_code, &t->id, e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "INSERT INTO cases (id, case_no, query_code, "
	    "item_id, "
	    "item_version_id, dept_id, window_id, applicant_id, applicant_kind, "
	    "applicant_name, applicant_idno, applicant_mobile, channel, state, "
	    "trips, form, created_by, created_at, updated_at, bundle_id, "
	    "pledge_text, pledged_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, NULLIF(CAST(? AS BIGINT), 0), "
	    "NULLIF(CAST(? AS BIGINT), 0), ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, "
	    "?, ?, NULLIF(CAST(? AS BIGINT), 0), ?, "
	    "NULLIF(CAST(? AS BIGINT), 0)) RETURNING " CASE_ROW_COLUMNS ", "
	    CASE_TOLD_COLUMNS,
	    "issiiiiisssssIsiiiisi", t->id, t->case_no, t->query_code,
	    f->item_id,
	    f->version_id,
	    f->dept_id, t->window_id, t->applicant_id,
	    t->kind == 'E' ? "E" : "P", t->name, t->idno,
	    t->mobile != NULL ? t->mobile : "", t->channel, walkin ? 1 : 0,
	    t->form, a->user_id, now, now, t->bundle_id, t->pledge_text,
	    t->pledge_text != NULL ? now : 0);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		t->id = db_col_int(s, 0);
		str_copy(mobile, sizeof(mobile),
		    db_col_text(s, CASE_ROW_NCOLS));
		str_copy(item, sizeof(item),
		    db_col_text(s, CASE_ROW_NCOLS + 1));
		wants_sms = db_col_int(s, CASE_ROW_NCOLS + 2) != 0;
		/* The answer is the row as written (a retried transaction
		 * reads it again). */
		if (t->answer) {
			case_row_release(&t->row);
			rc = case_row_read(s, &t->row, e);
			if (rc == 0)
				rc = DB_ROW;
		}
	}
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "INSERT cases: no id");

	/* 3. its materials, one row per material of the item version */
	for (int i = 0; i < f->n_materials; i++) {
		struct apply_mat m;

		apply_mat(t, i, &m);
		rc = db_exec(db, e, "INSERT INTO case_materials (case_id, idx, "
		    "name, necessity, status, sha256, content_type, "
		    "reused_from, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    "iIssssssi", t->id, i, f->materials[i].name, m.necessity,
		    m.status, m.sha256, m.content_type, m.reused_from, now);
		if (rc != 0)
			return rc;
	}

	/* 4. timeline, trip, audit */
	rc = case_event_write(db, t->c, t->id, t->bundle_id > 0 ? "system" :
	    walkin ? "clerk" : "applicant", walkin ? "register" : "apply", NULL,
	    "submitted", t->bundle_id > 0 ? "一件事统一申请" : walkin ?
	    "窗口登记申请" : "网上申请", NULL, e);
	if (rc != 0)
		return rc;
	if (walkin) {
		rc = db_exec(db, e, "INSERT INTO case_trips (case_id, at, "
		    "purpose, window_id, actor_id) VALUES (?, ?, ?, ?, ?)",
		    "iisii", t->id, now, "窗口申请", t->window_id, a->user_id);
		if (rc != 0)
			return rc;
	}
	/* Online, the electronic form is the 申请书: rendered with the case. */
	if (strcmp(t->channel, "online") == 0 && t->bundle_id == 0 &&
	    json_array_size(f->form_fields) > 0) {
		rc = application_document(t, now, e);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:s, s:I, s:I, s:s, s:s}", "case_no", t->case_no,
	    "item_id", (json_int_t)f->item_id, "item_version_id",
	    (json_int_t)f->version_id, "channel", t->channel, "state",
	    "submitted");
	if (t->bundle_id > 0)
		json_object_set_new(sum, "bundle_id", json_integer(t->bundle_id));
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, walkin ? "case.register" : "case.apply",
	    "case", idbuf, sum, e);
	json_decref(sum);
	/* The applicant learns the number and query code (a 一件事 tells
	 * of the whole bundle instead). */
	if (rc == 0 && t->bundle_id == 0) {
		struct case_told k;

		memset(&k, 0, sizeof(k));
		k.case_no = t->case_no;
		k.query_code = t->query_code;
		k.item = item;
		k.mobile = mobile;
		k.due_day = "";
		k.supplement_due = "";
		k.applicant_id = t->applicant_id;
		k.wants_sms = wants_sms;
		rc = case_tell_known(t->c, t->id, &k, "case_submitted", NULL, e);
	}
	return rc;
}

/* The form: a flat JSON object of bounded scalar values; *text gets its
 * compact serialisation (caller frees). */
int
case_form_check(const json_t *form, char **text, struct err *e)
{
	const char *k;
	json_t *v;
	char field[96];

	*text = NULL;
	if (form == NULL || json_is_null(form)) {
		*text = strdup("{}");
		return *text != NULL ? 0 : err_internal(e, "out of memory");
	}
	if (!json_is_object(form))
		return err_field(e, ERR_INVALID, "form", "bad_type",
		    "申请表 form 须为对象");
	if (json_object_size(form) > CASE_FORM_MAX_FIELDS)
		return err_field(e, ERR_INVALID, "form", "too_many_fields",
		    "申请表字段不能超过 %d 个", CASE_FORM_MAX_FIELDS);
	json_object_foreach((json_t *)form, k, v) {
		size_t kl = strlen(k);

		if (kl == 0 || kl > 64 || !utf8_valid(k, kl))
			return err_field(e, ERR_INVALID, "form", "bad_key",
			    "申请表字段名不正确");
		snprintf(field, sizeof(field), "form.%s", k);
		if (json_is_string(v)) {
			const char *sv = json_string_value(v);
			int rc;

			if (strlen(sv) != json_string_length(v))
				return err_field(e, ERR_INVALID, field,
				    "bad_string", "申请表内容含有无效字符");
			rc = case_text(sv, field, "申请表内容",
			    CASE_FORM_VALUE_CHARS, false, e);
			if (rc != 0)
				return rc;
		} else if (json_is_array(v)) {
			const json_t *x;
			size_t i;

			if (json_array_size(v) > FORM_OPTIONS_MAX)
				return err_field(e, ERR_INVALID, field,
				    "bad_type", "申请表字段的选项过多");
			json_array_foreach(v, i, x) {
				const char *sv = json_string_value(x);
				int rc;

				if (sv == NULL || strlen(sv) !=
				    json_string_length(x))
					return err_field(e, ERR_INVALID, field,
					    "bad_type", "申请表字段的选项须为文字");
				rc = case_text(sv, field, "申请表内容",
				    FORM_OPTION_CHARS, false, e);
				if (rc != 0)
					return rc;
			}
		} else if (!json_is_number(v) && !json_is_boolean(v) &&
		    !json_is_null(v)) {
			return err_field(e, ERR_INVALID, field, "bad_type",
			    "申请表字段的值须为文字、数字或是否");
		}
	}
	*text = json_dumps(form, JSON_COMPACT | JSON_SORT_KEYS);
	if (*text == NULL)
		return err_internal(e, "out of memory");
	if (strlen(*text) > CASE_FORM_MAX_BYTES) {
		free(*text);
		*text = NULL;
		return err_field(e, ERR_TOO_LARGE, "form", "form_too_large",
		    "申请表内容过长");
	}
	return 0;
}

const char *
case_material_attached(const struct item_facts *f, int i,
    const char *channel)
{
	const char *att;

	if (i < 0 || i >= f->n_materials || i >= CATALOG_MATERIALS_MAX)
		return NULL;
	att = f->materials[i].attached;
	if (att != NULL && strcmp(att, "online_form") == 0 &&
	    strcmp(channel, "online") != 0)
		return NULL;  /* at the window the paper 申请书 is handed in */
	return att;
}

int
case_form_fields_check(const struct item_facts *f, const json_t *form,
    bool required, char **text, struct err *e)
{
	json_t *vals = NULL, *all;
	const char *k;
	json_t *v;
	int rc;

	*text = NULL;
	if (form != NULL && !json_is_null(form) && !json_is_object(form))
		return case_form_check(form, text, e);
	rc = form_values_check(f->form_fields, form, required, &vals, e);
	if (rc != 0)
		return rc;
	/* The other members as they came, the fields normalised; the
	 * pledge is kept in its own column. */
	all = json_object();
	if (json_is_object(form))
		json_object_foreach((json_t *)form, k, v)
			if (strcmp(k, "pledge") != 0 &&
			    !form_fields_has(f->form_fields, k))
				json_object_set(all, k, v);
	json_object_update(all, vals);
	json_decref(vals);
	rc = case_form_check(all, text, e);
	json_decref(all);
	return rc;
}

json_t *
case_form_fields_json(const struct item_facts *f, const json_t *form)
{
	json_t *out = json_array();
	const json_t *def;
	size_t i;

	json_array_foreach(f->form_fields, i, def) {
		const char *key = json_string_value(json_object_get(def, "key"));
		const json_t *v = json_is_object(form) ? json_object_get(form,
		    key) : NULL;
		char *t = form_value_text(def, v);

		json_array_append_new(out, json_pack("{s:s, s:O, s:O, s:O, s:o}",
		    "key", key, "label", json_object_get(def, "label"),
		    "type", json_object_get(def, "type"),
		    "value", v != NULL ? v : json_null(),
		    "text", t != NULL ? json_string(t) : json_null()));
		free(t);
	}
	return out;
}

/* The item's current published version. */
int
case_current_version(struct ctx *c, int64_t item_id, int64_t *version_id,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	*version_id = 0;
	if (item_id <= 0)
		return err_field(e, ERR_NOT_FOUND, "item_id", "item_not_found",
		    "事项不存在或未发布");
	s = db_query(c->db, e, "SELECT i.current_version_id FROM items i "
	    "JOIN item_versions v ON v.id = i.current_version_id WHERE "
	    "i.id = ? AND i.status = 'published' AND v.status = 'published'",
	    "i", item_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*version_id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (*version_id <= 0)
		return err_field(e, ERR_NOT_FOUND, "item_id", "item_not_found",
		    "事项不存在或未发布");
	return 0;
}

/* Required materials not given (and not 容缺可后补 on a 容缺 item). */
static int
check_required(const struct item_facts *f, const bool *given,
    const char *channel, struct err *e)
{
	char names[1024];
	size_t len = 0;
	int k = 0;

	names[0] = '\0';
	for (int i = 0; i < f->n_materials; i++) {
		int nec = f->materials[i].necessity;

		if (given[i] || nec == NEC_OPTIONAL ||
		    (nec == NEC_RONGQUE && f->rongque) ||
		    case_material_attached(f, i, channel) != NULL)
			continue;
		if (len + strlen(f->materials[i].name) + 4 < sizeof(names)) {
			len += (size_t)snprintf(names + len, sizeof(names) - len,
			    "%s%s", k > 0 ? "、" : "", f->materials[i].name);
		}
		k++;
	}
	if (k > 0)
		return err_field(e, ERR_UNPROCESSABLE, "materials",
		    "missing_required_material", "缺少必要材料：%s", names);
	return 0;
}

static int
create_case(struct ctx *c, int64_t item_id, bool walkin, char kind,
    const char *name, const char *idno, const char *mobile,
    int64_t applicant_id, const json_t *form, const json_t *materials,
    json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	char sha[CATALOG_MATERIALS_MAX][65], ctype[CATALOG_MATERIALS_MAX][32];
	bool cert[CATALOG_MATERIALS_MAX], given[CATALOG_MATERIALS_MAX];
	struct apply_tx t;
	char *form_text = NULL;
	const json_t *pledge;
	int64_t vid = 0;
	bool yes = false;
	int rc;

	rc = case_current_version(c, item_id, &vid, e);
	if (rc != 0)
		return rc;
	rc = item_facts_get(c, vid, &f, e);
	if (rc != 0)
		return rc;
	if (walkin) {
		rc = case_window_accepts(c, c->actor->window_id, item_id, &yes,
		    e);
		if (rc != 0)
			goto out;
		if (!yes) {
			rc = err_field(e, ERR_FORBIDDEN, "item_id",
			    "item_not_at_window", "该事项不在本窗口受理范围内");
			goto out;
		}
	} else if (!f->online) {
		rc = err_field(e, ERR_UNPROCESSABLE, "item_id", "not_online",
		    "该事项暂不支持网上申请，请到窗口办理");
		goto out;
	}
	pledge = json_object_get(form, "pledge");
	if (pledge != NULL && !json_is_boolean(pledge)) {
		rc = err_field(e, ERR_INVALID, "form.pledge", "bad_type",
		    "申请人承诺 pledge 须为是或否");
		goto out;
	}
	/* Online, the electronic form is the 申请书: it is signed by
	 * ticking the commitment; at the window the paper one is signed and
	 * only the values given are checked. */
	if (!walkin && json_array_size(f->form_fields) > 0 &&
	    !json_is_true(pledge)) {
		rc = err_field(e, ERR_UNPROCESSABLE, "form.pledge",
		    "pledge_required", "请阅读并勾选申请人承诺");
		goto out;
	}
	rc = case_form_fields_check(f, form, !walkin, &form_text, e);
	if (rc != 0)
		goto out;
	rc = case_materials_in(c, f, materials, c->actor->user_id,
	    applicant_id, idno, sha, ctype, cert, given, e);
	if (rc != 0)
		goto out;
	rc = check_required(f, given, walkin ? "window" : "online", e);
	if (rc != 0)
		goto out;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.f = f;
	t.kind = kind;
	t.name = name;
	t.idno = idno;
	t.mobile = mobile;
	t.applicant_id = applicant_id;
	t.channel = walkin ? "window" : "online";
	t.window_id = walkin ? c->actor->window_id : 0;
	t.form = form_text;
	t.pledge_text = json_is_true(pledge) ? form_pledge_text() : NULL;
	t.sha = sha;
	t.ctype = ctype;
	t.cert = cert;
	t.given = given;
	case_today(t.day);
	t.answer = true;
	rc = db_tx(c->db, case_apply_insert, &t, e);
	/* The answer from the row the INSERT returned and the materials it
	 * wrote: nothing is read again. */
	if (rc == 0)
		rc = case_json_with(c, &t.row, f, apply_mats_json(&t), "", out,
		    e);
	case_row_release(&t.row);
out:
	free(form_text);
	item_facts_put(f);
	return rc;
}

int
case_apply(struct ctx *c, int64_t item_id, const json_t *form,
    const json_t *materials, json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	struct me_extra x;
	int rc;

	*out = NULL;
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (a->kind != ACTOR_PERSON && a->kind != ACTOR_ENTERPRISE)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有申请人可以网上申请，窗口请使用窗口登记");
	/* The account's registered mobile goes with the case: the progress
	 * look-up and the messages use it. */
	rc = me_extra_get(c, &x, e);
	if (rc != 0)
		return rc;
	return create_case(c, item_id, false, (char)a->kind, a->name,
	    a->login, x.mobile, a->user_id, form, materials, out, e);
}

int
case_register_walkin(struct ctx *c, int64_t item_id,
    const json_t *applicant, const json_t *form, const json_t *materials,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	const char *kind, *idno, *name, *mobile;
	char norm[32], nm[CASE_NAME_BYTES];
	int64_t aid = 0;
	char k;
	int rc;

	*out = NULL;
	if (a == NULL || a->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (!actor_has(a, ROLE_CLERK))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有窗口人员可以登记窗口申请");
	if (a->window_id <= 0)
		return err_set(e, ERR_FORBIDDEN, "no_window",
		    "您尚未分配窗口，不能登记申请");
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
	/* Link the account of that ID number, if the applicant has one and
	 * it is verified (实名): an unverified account is nobody's yet. */
	rc = db_query_int(c->db, e, &aid, "SELECT id FROM users WHERE "
	    "login = ? AND kind = ? AND realname_level >= 1 AND disabled = 0",
	    "ss", norm, k == 'P' ? "P" : "E");
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		aid = 0;
	return create_case(c, item_id, true, k, nm, norm, mobile, aid, form,
	    materials, out, e);
}

/* ---- supplements ---- */

int
case_supplement(struct ctx *c, int64_t id, const json_t *materials,
    int64_t version, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	char sha[CATALOG_MATERIALS_MAX][65], ctype[CATALOG_MATERIALS_MAX][32];
	bool cert[CATALOG_MATERIALS_MAX], given[CATALOG_MATERIALS_MAX];
	struct case_mat mats[CATALOG_MATERIALS_MAX];
	struct case_plan p;
	struct case_row r;
	unsigned roles = 0;
	int nm = 0, flawed_left = 0, rongque_left = 0, ngiven = 0, rc;
	bool pre, post, rq, gave_rongque = false;
	char today[11];

	*out = NULL;
	rc = case_row_load(c, id, &r, e);
	if (rc != 0)
		return rc;
	case_plan_init(&p, c, &r, NULL, r.version);
	rc = item_facts_get(c, r.item_version_id, &f, e);
	if (rc != 0)
		goto out;
	p.facts = f;
	rc = case_access(c, &r, f, &roles, e);
	if (rc != 0)
		goto out;
	if ((roles & (WORKFLOW_ROLE_APPLICANT | WORKFLOW_ROLE_CLERK)) == 0) {
		rc = err_set(e, ERR_FORBIDDEN, NULL, "无权为该办件提交补正材料");
		goto out;
	}
	if (version != 0) {
		rc = case_version_check(&r, version, e);
		if (rc != 0)
			goto out;
	}
	pre = strcmp(r.state, "supplement") == 0;
	post = strcmp(r.state, "suspended") == 0 &&
	    strcmp(r.suspend_kind, "supplement") == 0;
	rc = case_mats_load(c, id, mats, &nm, e);
	if (rc != 0)
		goto out;
	rq = false;
	for (int i = 0; i < nm; i++)
		if (strcmp(mats[i].status, "rongque") == 0)
			rq = true;
	if (r.closed_at != 0 || (!pre && !post && !rq)) {
		rc = err_set(e, ERR_CONFLICT, "nothing_to_supplement",
		    "当前办件无需补正材料");
		goto out;
	}
	rc = case_materials_in(c, f, materials, c->actor->user_id,
	    r.applicant_id, r.applicant_idno, sha, ctype, cert, given, e);
	if (rc != 0)
		goto out;
	for (int i = 0; i < nm; i++) {
		int x = mats[i].idx;
		bool open = strcmp(mats[i].status, "provided") != 0;

		if (x < 0 || x >= CATALOG_MATERIALS_MAX)
			continue;
		if (given[x] && !open) {
			rc = err_field(e, ERR_UNPROCESSABLE, "materials",
			    "material_not_requested", "材料“%s”无需补正",
			    f->materials[x].name);
			goto out;
		}
		if (given[x]) {
			if (strcmp(mats[i].status, "rongque") == 0)
				gave_rongque = true;
			p.mats[p.n_mats].idx = x;
			p.mats[p.n_mats].status = "provided";
			p.mats[p.n_mats].sha256 = sha[x];
			p.mats[p.n_mats].content_type = ctype[x];
			p.mats[p.n_mats].reused_from = cert[x] ? "certificate" :
			    NULL;
			p.mats[p.n_mats].problem = NULL;
			p.n_mats++;
			ngiven++;
			continue;
		}
		if (strcmp(mats[i].status, "flawed") == 0)
			flawed_left++;
		if (strcmp(mats[i].status, "rongque") == 0)
			rongque_left++;
	}
	if (ngiven == 0) {
		rc = err_field(e, ERR_INVALID, "materials", "required",
		    "请选择要补交的材料");
		goto out;
	}
	p.audit_action = "case.supplement";
	case_plan_note(&p, "supplement", "提交补正材料",
	    json_pack("{s:i}", "materials", ngiven));
	case_today(today);
	if (gave_rongque && r.supplement_due[0] != '\0' &&
	    strcmp(today, r.supplement_due) > 0) {
		p.flagged = 1;  /* 容缺 materials came after the promised day */
		p.credit_kind = "rongque_missed";
		p.credit_note = "容缺材料逾期补交";
	}
	(void)rongque_left;
	if (pre && flawed_left == 0) {
		rc = case_plan_step(&p, roles | WORKFLOW_ROLE_APPLICANT,
		    "resubmit", "补正材料已齐全", NULL, e);
		if (rc != 0)
			goto out;
	} else if (post && flawed_left == 0) {
		/* Complete: the clock runs again (system transition). */
		rc = case_plan_step(&p, WORKFLOW_ROLE_APPROVER, "resume",
		    "申请人补正材料齐全，恢复计时", NULL, e);
		if (rc != 0)
			goto out;
		p.resume = "申请人已补正材料";
		p.suspend_kind = NULL;
	}
	if ((roles & WORKFLOW_ROLE_CLERK) && c->actor->kind == ACTOR_STAFF) {
		p.add_trips = 1;
		p.trip_purpose = "窗口补交材料";
	}
	rc = case_plan_run(&p, e);
	if (rc != 0)
		goto out;
	rc = case_json_by_id(c, id, out, e);
out:
	case_plan_release(&p);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}
