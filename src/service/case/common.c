/* common.c - what every case use case shares: item facts, the case
 * row, access rules, and the case JSON (the change plan is in plan.c). */
#include "service/case/case_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/idno.h"
#include "base/str.h"
#include "base/utf8.h"
#include "core/stationing.h"
#include "service/platform/platform.h"
#include "service/records/records.h"
#include "service/case/case.h"
#include "service/account/account.h"
#include "store/db.h"

void
case_today(char out[11])
{
	clock_date(clock_now(), out);
}

/* ---- item facts (published versions never change: cached) ---- */

#define FACTS_SLOTS 128

static struct item_facts *facts_cache[FACTS_SLOTS];
static pthread_mutex_t facts_lock = PTHREAD_MUTEX_INITIALIZER;

static void
facts_free(struct item_facts *f)
{
	if (f != NULL)
		json_decref(f->form_fields);
	free(f);
}

void
item_facts_put(const struct item_facts *cf)
{
	struct item_facts *f = (struct item_facts *)cf;
	bool done;

	if (f == NULL)
		return;
	pthread_mutex_lock(&facts_lock);
	done = --f->refs == 0;
	pthread_mutex_unlock(&facts_lock);
	if (done)
		facts_free(f);
}

static int
facts_from_elements(struct item_facts *f, const char *text, struct err *e)
{
	struct catalog_item it;
	json_error_t je;
	bool form_done = false;
	json_t *j;
	int rc;

	j = json_loads(text, 0, &je);
	if (j == NULL)
		return err_internal(e, "item version %" PRId64 ": bad elements",
		    f->version_id);
	rc = catalog_parse(j, &it, e);
	json_decref(j);
	if (rc != 0)
		return err_internal(e, "item version %" PRId64 ": elements do "
		    "not parse", f->version_id);
	f->case_kind = it.case_kind;
	f->promised_days = it.promised_days < 0 ? 0 : it.promised_days;
	f->statutory_days = it.statutory_days;
	f->window_authorised = it.window_authorised;
	f->rongque = it.rongque;
	f->commitment = it.commitment;
	f->online = catalog_item_online(&it);
	f->certificate = strcmp(it.result_type, "licence") == 0;
	f->delivery = 0;
	for (int i = 0; i < it.n_delivery; i++)
		f->delivery |= strcmp(it.delivery[i], "window") == 0 ?
		    DELIVERY_WINDOW : strcmp(it.delivery[i], "post") == 0 ?
		    DELIVERY_POST : DELIVERY_DOWNLOAD;
	str_copy(f->result_name, sizeof(f->result_name),
	    it.result_name);
	f->n_materials = it.n_materials;
	f->form_fields = it.form_fields != NULL ? json_deep_copy(
	    it.form_fields) : json_array();
	for (int i = 0; i < it.n_materials && i < CATALOG_MATERIALS_MAX; i++) {
		const struct catalog_material *m = &it.materials[i];

		str_copy(f->materials[i].name, sizeof(f->materials[i].name),
		    m->name);
		f->materials[i].necessity = (int)m->necessity;
		/* The first online form is the 申请书 the electronic form is. */
		if (m->source == SRC_ONLINE_FORM && !form_done &&
		    json_array_size(f->form_fields) > 0) {
			f->materials[i].attached = "online_form";
			form_done = true;
		} else if (m->source == SRC_LICENCE_LIB ||
		    strstr(m->notes, "免提交") != NULL ||
		    strstr(m->notes, "无需提交") != NULL) {
			f->materials[i].attached = "licence_lib";
		}
	}
	catalog_item_release(&it);
	return 0;
}

int
item_facts_get(struct ctx *c, int64_t version_id,
    const struct item_facts **out, struct err *e)
{
	struct item_facts *f, *old = NULL;
	size_t slot = (uint64_t)version_id % FACTS_SLOTS;
	struct db_stmt *s;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&facts_lock);
	f = facts_cache[slot];
	if (f != NULL && f->version_id == version_id) {
		f->refs++;
		pthread_mutex_unlock(&facts_lock);
		*out = f;
		return 0;
	}
	pthread_mutex_unlock(&facts_lock);

	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return err_internal(e, "out of memory");
	f->version_id = version_id;
	s = db_query(c->db, e, "SELECT v.item_id, v.version_no, v.elements, "
	    "i.impl_code, i.dept_id, i.name, v.status FROM item_versions v "
	    "JOIN items i ON i.id = v.item_id WHERE v.id = ?", "i",
	    version_id);
	if (s == NULL) {
		free(f);
		return err_rc(e);
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		f->item_id = db_col_int(s, 0);
		f->version_no = (int)db_col_int(s, 1);
		str_copy(f->impl_code, sizeof(f->impl_code),
		    db_col_text(s, 3));
		f->dept_id = db_col_int(s, 4);
		str_copy(f->name, sizeof(f->name), db_col_text(s, 5));
		rc = facts_from_elements(f, db_col_text(s, 2), e);
	} else if (rc == DB_DONE) {
		rc = err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	}
	db_finish(s);
	if (rc != 0) {
		facts_free(f);
		return rc;
	}
	f->refs = 2; /* the cache and the caller */
	pthread_mutex_lock(&facts_lock);
	old = facts_cache[slot];
	facts_cache[slot] = f;
	if (old != NULL && --old->refs > 0)
		old = NULL;
	pthread_mutex_unlock(&facts_lock);
	facts_free(old);
	*out = f;
	return 0;
}

/* ---- the case row ---- */

static char *
dup_or_null(struct db_stmt *s, int col)
{
	return db_col_is_null(s, col) ? NULL : strdup(db_col_text(s, col));
}

#define COPY(dst, col) snprintf((dst), sizeof(dst), "%s", db_col_text(s, (col)))

int
case_row_read(struct db_stmt *s, struct case_row *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(s, 0);
	COPY(r->case_no, 1);
	r->item_id = db_col_int(s, 2);
	r->item_version_id = db_col_int(s, 3);
	r->dept_id = db_col_int(s, 4);
	r->window_id = db_col_int(s, 5);
	r->applicant_id = db_col_int(s, 6);
	r->applicant_kind = db_col_text(s, 7)[0];
	COPY(r->applicant_name, 8);
	COPY(r->applicant_idno, 9);
	COPY(r->channel, 10);
	COPY(r->state, 11);
	COPY(r->mode, 12);
	r->accepted_at = db_col_int(s, 13);
	COPY(r->accepted_day, 14);
	r->accepted_by = db_col_int(s, 15);
	r->budget_days = db_col_is_null(s, 16) ? -1 : (int)db_col_int(s, 16);
	r->extension_days = (int)db_col_int(s, 17);
	COPY(r->due_day, 18);
	r->has_remaining = !db_col_is_null(s, 19);
	r->remaining_days = (int)db_col_int(s, 19);
	COPY(r->warn_level, 20);
	COPY(r->decision, 21);
	r->decided_at = db_col_int(s, 22);
	r->handler_id = db_col_int(s, 23);
	r->trips = (int)db_col_int(s, 24);
	COPY(r->supplement_due, 25);
	r->supplement_requested_at = db_col_int(s, 26);
	r->flagged = (int)db_col_int(s, 27);
	COPY(r->check_status, 28);
	COPY(r->suspend_kind, 29);
	r->created_at = db_col_int(s, 30);
	r->updated_at = db_col_int(s, 31);
	r->closed_at = db_col_int(s, 32);
	r->version = db_col_int(s, 33);
	r->form = strdup(db_col_text(s, 34));
	r->commitment_text = dup_or_null(s, 35);
	r->decision_reason = dup_or_null(s, 36);
	COPY(r->dept_name, 37);
	COPY(r->query_code, 38);
	r->bundle_id = db_col_int(s, 39);
	COPY(r->overdue_day, 40);
	r->pledge_text = dup_or_null(s, 41);
	r->pledged_at = db_col_int(s, 42);
	r->created_by = db_col_int(s, 43);
	if (r->form == NULL) {
		case_row_release(r);
		return err_internal(e, "out of memory");
	}
	return 0;
}

int
case_row_load(struct ctx *c, int64_t id, struct case_row *r, struct err *e)
{
	struct db_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	s = db_query(c->db, e, "SELECT " CASE_ROW_COLUMNS " FROM cases "
	    "WHERE id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_DONE) {
		db_finish(s);
		return err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	}
	if (rc == DB_ROW)
		rc = case_row_read(s, r, e);
	db_finish(s);
	return rc;
}

#undef COPY

void
case_row_release(struct case_row *r)
{
	free(r->form);
	free(r->commitment_text);
	free(r->decision_reason);
	free(r->pledge_text);
	r->form = r->commitment_text = r->decision_reason = NULL;
	r->pledge_text = NULL;
}

/* ---- access ---- */

int
case_window_accepts(struct ctx *c, int64_t window_id, int64_t item_id,
    bool *yes, struct err *e)
{
	int64_t one = 0;
	int rc;

	*yes = false;
	if (window_id <= 0)
		return 0;
	rc = db_query_int(c->db, e, &one, "SELECT 1 FROM window_items w "
	    "JOIN windows x ON x.id = w.window_id WHERE w.window_id = ? AND "
	    "w.item_id = ? AND x.active = 1", "ii", window_id, item_id);
	if (rc < 0)
		return rc;
	*yes = rc == DB_ROW;
	return 0;
}

int
case_item_at_hall(struct ctx *c, int64_t item_id, bool *yes, struct err *e)
{
	struct db_stmt *s;
	int rc, mode = STATIONING_NONE;
	bool stationed = false;

	*yes = false;
	s = db_query(c->db, e, "SELECT i.stationed, d.stationing_mode FROM "
	    "items i JOIN departments d ON d.id = i.dept_id WHERE i.id = ?",
	    "i", item_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		stationed = db_col_int(s, 0) != 0;
		mode = stationing_mode_parse(db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	*yes = stationing_acceptance_place(stationed, mode < 0 ?
	    STATIONING_NONE : (enum stationing_mode)mode) ==
	    ACCEPT_AT_HALL_WINDOW;
	return 0;
}

bool
case_awaits_acceptance(const struct case_row *r)
{
	return strcmp(r->channel, "online") == 0 && r->window_id == 0 &&
	    (strcmp(r->state, "submitted") == 0 ||
	    strcmp(r->state, "supplement") == 0);
}

int
case_access(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, unsigned *roles, struct err *e)
{
	const struct actor *a = c->actor;
	bool see = false, yes;
	int rc;

	(void)f;
	*roles = 0;
	if (a == NULL || (a->user_id <= 0 && a->kind != ACTOR_SYSTEM))
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (a->kind == ACTOR_SYSTEM) {
		*roles = WORKFLOW_ROLE_ALL;
		return 0;
	}
	if (a->kind == ACTOR_PERSON || a->kind == ACTOR_ENTERPRISE) {
		/* the one ownership rule: created it, or verified 实名 */
		if (!actor_is_applicant_of(a, r->created_by, r->applicant_idno))
			return err_set(e, ERR_NOT_FOUND, "case_not_found",
			    "办件不存在");
		*roles = WORKFLOW_ROLE_APPLICANT;
		return 0;
	}
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))
		see = true;
	if ((a->roles & (ROLE_APPROVER | ROLE_DEPT_ADMIN)) != 0 &&
	    a->dept_id > 0 && a->dept_id == r->dept_id) {
		see = true;
		*roles |= a->roles & (ROLE_APPROVER | ROLE_DEPT_ADMIN);
		/* Online cases the department accepts itself: it also does
		 * the window's part (acceptance, forwarding, delivery). An
		 * item stationed in the hall is received only at a hall
		 * window that carries it (不得在大厅窗口之外受理). */
		if (strcmp(r->channel, "online") == 0 && r->window_id == 0) {
			bool hall = false;

			if (case_awaits_acceptance(r)) {
				rc = case_item_at_hall(c, r->item_id, &hall, e);
				if (rc != 0)
					return rc;
			}
			if (!hall)
				*roles |= WORKFLOW_ROLE_CLERK;
		}
	}
	if (a->roles & ROLE_CLERK) {
		if (a->window_id > 0 && a->window_id == r->window_id) {
			see = true;
			*roles |= WORKFLOW_ROLE_CLERK;
		} else if (a->window_id > 0 && r->window_id == 0 &&
		    (strcmp(r->state, "submitted") == 0 ||
		    strcmp(r->state, "supplement") == 0)) {
			rc = case_window_accepts(c, a->window_id, r->item_id,
			    &yes, e);
			if (rc != 0)
				return rc;
			if (yes) {
				see = true;
				*roles |= WORKFLOW_ROLE_CLERK;
			}
		}
		if (a->dept_id > 0 && a->dept_id == r->dept_id)
			see = true;
	}
	if (!see)
		return err_set(e, ERR_FORBIDDEN, "other_department",
		    "无权查看其他部门的办件");
	return 0;
}

int
case_version_check(const struct case_row *r, int64_t version,
    struct err *e)
{
	if (version <= 0)
		return err_field(e, ERR_INVALID, "version", "version_required",
		    "缺少办件版本号 version");
	if (version != r->version)
		return err_set(e, ERR_CONFLICT, "stale_version", CASE_STALE_MSG);
	return 0;
}

const char *
case_actor_role(const struct actor *a, unsigned roles)
{
	if (a->kind == ACTOR_PERSON || a->kind == ACTOR_ENTERPRISE)
		return "applicant";
	if (a->kind == ACTOR_SYSTEM)
		return "system";
	if ((roles & WORKFLOW_ROLE_APPROVER) && (a->roles & ROLE_APPROVER))
		return "approver";
	if ((roles & WORKFLOW_ROLE_DEPT_ADMIN) && (a->roles & ROLE_DEPT_ADMIN))
		return "dept_admin";
	if ((roles & WORKFLOW_ROLE_CLERK) && (a->roles & ROLE_CLERK))
		return "clerk";
	return user_primary_role(a->kind, a->roles);
}

/* ---- text ---- */

int
case_text(const char *s, const char *field, const char *what,
    size_t max_chars, bool required, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0') {
		if (required)
			return err_field(e, ERR_INVALID, field, "required",
			    "请填写%s", what);
		return 0;
	}
	n = strlen(s);
	if (!utf8_valid(s, n))
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t') ||
		    ch == 0x7f)
			return err_field(e, ERR_INVALID, field,
			    "invalid_text", "%s含有控制字符", what);
	}
	if (utf8_chars(s, n) > max_chars)
		return err_field(e, ERR_INVALID, field, "too_long",
		    "%s不能超过 %zu 个字", what, max_chars);
	return 0;
}

/* ---- materials ---- */

int
case_mats_load(struct ctx *c, int64_t id, struct case_mat *m, int *n,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	*n = 0;
	s = db_query(c->db, e, "SELECT idx, necessity, status, sha256 FROM "
	    "case_materials WHERE case_id = ? ORDER BY idx", "i", id);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW && *n < CATALOG_MATERIALS_MAX) {
		struct case_mat *x = &m[*n];
		const char *nec = db_col_text(s, 1);

		x->idx = (int)db_col_int(s, 0);
		x->necessity = strcmp(nec, "required") == 0 ? NEC_REQUIRED :
		    strcmp(nec, "rongque") == 0 ? NEC_RONGQUE : NEC_OPTIONAL;
		str_copy(x->status, sizeof(x->status), db_col_text(s, 2));
		x->has_file = !db_col_is_null(s, 3);
		str_copy(x->sha256, sizeof(x->sha256), db_col_text(s, 3));
		(*n)++;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* May owner use sha256? 0 with *cert (certificate rather than upload). */
static int
material_owner(struct ctx *c, const char *sha256, int64_t owner,
    bool *cert, struct err *e)
{
	int64_t one = 0;
	int rc;

	*cert = false;
	if (owner <= 0)
		return err_set(e, ERR_FORBIDDEN, "material_not_owned",
		    "只能使用本人上传的材料或本人的证照");
	rc = db_query_int(c->db, e, &one, "SELECT 1 FROM uploads WHERE "
	    "user_id = ? AND sha256 = ?", "is", owner, sha256);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return 0;
	rc = upload_check_owner(c, owner, sha256, e);
	if (rc != 0)
		return rc;
	*cert = true;
	return 0;
}

int
case_materials_in(struct ctx *c, const struct item_facts *f,
    const json_t *materials, int64_t owner1, int64_t owner2,
    const char *idno, char (*sha)[65], char (*ctype)[32],
    bool *certificate, bool *given, struct err *e)
{
	size_t i;
	json_t *m;
	char field[48];
	int rc;

	(void)idno;
	for (int k = 0; k < CATALOG_MATERIALS_MAX; k++) {
		sha[k][0] = '\0';
		ctype[k][0] = '\0';
		certificate[k] = false;
		given[k] = false;
	}
	if (materials == NULL || json_is_null(materials))
		return 0;
	if (!json_is_array(materials))
		return err_field(e, ERR_INVALID, "materials", "bad_type",
		    "materials 须为数组");
	if (json_array_size(materials) > CATALOG_MATERIALS_MAX)
		return err_field(e, ERR_INVALID, "materials", "too_many",
		    "材料过多");
	json_array_foreach(materials, i, m) {
		json_t *jx = json_object_get(m, "index");
		json_t *js = json_object_get(m, "sha256");
		const char *h;
		json_int_t x;
		bool cert = false;

		snprintf(field, sizeof(field), "materials[%zu]", i);
		if (!json_is_object(m) || !json_is_integer(jx) ||
		    !json_is_string(js))
			return err_field(e, ERR_INVALID, field, "bad_material",
			    "材料须为 {index, sha256}");
		x = json_integer_value(jx);
		h = json_string_value(js);
		if (x < 0 || x >= f->n_materials)
			return err_field(e, ERR_INVALID, field, "bad_index",
			    "材料序号 %lld 不存在", (long long)x);
		if (given[x])
			return err_field(e, ERR_INVALID, field,
			    "duplicate_material", "材料“%s”重复提交",
			    f->materials[x].name);
		if (!files_sha256_valid(h))
			return err_field(e, ERR_INVALID, field, "bad_sha256",
			    "材料文件标识不正确");
		rc = material_owner(c, h, owner1, &cert, e);
		if (rc == -ERR_FORBIDDEN && owner2 > 0)
			rc = material_owner(c, h, owner2, &cert, e);
		if (rc == -ERR_FORBIDDEN || rc == -ERR_NOT_FOUND)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "material_not_owned", "材料“%s”的文件不存在或不是"
			    "本人上传的", f->materials[x].name);
		if (rc != 0)
			return rc;
		{
			struct db_stmt *s = db_query(c->db, e, "SELECT "
			    "content_type FROM files WHERE sha256 = ?", "s", h);

			if (s == NULL)
				return err_rc(e);
			rc = db_step(s, e);
			if (rc == DB_ROW)
				snprintf(ctype[x], 32, "%s", db_col_text(s, 0));
			db_finish(s);
			if (rc < 0)
				return rc;
		}
		snprintf(sha[x], 65, "%s", h);
		certificate[x] = cert;
		given[x] = true;
	}
	return 0;
}

/* ---- the case JSON ---- */

static const char *
state_label(const char *code)
{
	const struct workflow_state *st = workflow_find_state(
	    workflow_default(), code);

	return st != NULL ? st->label : code;
}

static json_t *
str_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *
int_or_null(int64_t v)
{
	return v > 0 ? json_integer((json_int_t)v) : json_null();
}

#define NMEMB(a) (sizeof(a) / sizeof((a)[0]))

/* The object of the n members keys[i]: vals[i], in that order, as json_pack
 * "{s:o, ...}" builds it, without parsing a format and checking and copying
 * each key (literals) on every call: an answer builds several. NULL, every
 * value released, when a value is NULL (a text missing or not UTF-8). */
static json_t *
object_of(const char *const *keys, json_t **vals, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n && o != NULL; i++)
		if (vals[i] == NULL)
			break;
	if (o == NULL || i < n) {
		for (i = 0; i < n; i++)
			json_decref(vals[i]);
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < n; i++)
		json_object_set_new_nocheck(o, keys[i], vals[i]);
	return o;
}

/* The actions the actor may take now, plus the 即办件 shortcut. */
static json_t *
actions_json(const struct actor *who, const struct case_row *r,
    const struct item_facts *f, unsigned roles)
{
	const struct workflow_action *acts[WORKFLOW_MAX_ACTIONS];
	size_t n = workflow_available(workflow_default(), r->state, roles,
	    f->window_authorised, acts, WORKFLOW_MAX_ACTIONS);
	json_t *a = json_array();
	/* 受审分离: the decision is not offered to who accepted the case. */
	bool decide = who->kind != ACTOR_STAFF || workflow_decider_allowed(
	    r->accepted_by, who->user_id, f->window_authorised, who->roles);

	for (size_t i = 0; i < n && i < WORKFLOW_MAX_ACTIONS; i++)
		if (decide || (strcmp(acts[i]->code, "approve") != 0 &&
		    strcmp(acts[i]->code, "deny") != 0))
			json_array_append_new(a, json_pack("{s:s, s:s, s:b}",
			    "code", acts[i]->code, "label", acts[i]->label,
			    "reason_required", acts[i]->reason));
	if (strcmp(r->state, "accepted") == 0 && f->case_kind == 1 &&
	    f->window_authorised && (roles & WORKFLOW_ROLE_CLERK)) {
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code",
		    "approve", "label", "准予许可（即办）", "reason_required",
		    0));
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code",
		    "deny", "label", "不予许可（即办）", "reason_required", 1));
	}
	return a;
}

json_t *
case_mat_json(int idx, const char *name, const char *necessity,
    const char *status, const char *sha256, const char *content_type,
    const char *reused_from, const char *problem)
{
	static const char *const keys[] = { "index", "name", "necessity",
	    "status", "sha256", "content_type", "reused_from", "problem" };
	json_t *v[] = { json_integer((json_int_t)idx), json_string(name),
	    json_string(necessity), json_string(status), str_or_null(sha256),
	    str_or_null(content_type), str_or_null(reused_from),
	    str_or_null(problem) };

	_Static_assert(NMEMB(keys) == NMEMB(v), "one value per key");
	return object_of(keys, v, NMEMB(v));
}

static int json_build(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, unsigned roles, json_t *mats,
    const char *names, json_t **out, struct err *e);

int
case_mats_json(struct ctx *c, const struct case_row *r, json_t **out,
    char *names, size_t names_cap, struct err *e)
{
	struct db_stmt *s;
	json_t *mats;
	size_t alen = 0;
	int rc;

	*out = NULL;
	names[0] = '\0';
	mats = json_array();
	s = db_query(c->db, e, "SELECT m.idx, m.name, m.necessity, m.status, "
	    "m.sha256, m.content_type, m.reused_from, m.problem FROM "
	    "case_materials m WHERE m.case_id = ? ORDER BY m.idx", "i", r->id);
	if (s == NULL) {
		json_decref(mats);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *st = db_col_text(s, 3);
		bool want = false;

		json_array_append_new(mats, case_mat_json((int)db_col_int(s, 0),
		    db_col_text(s, 1), db_col_text(s, 2), st, db_col_text(s, 4),
		    db_col_text(s, 5), db_col_text(s, 6), db_col_text(s, 7)));
		if (r->closed_at == 0) {
			if (strcmp(st, "flawed") == 0 &&
			    (strcmp(r->state, "supplement") == 0 ||
			    (strcmp(r->state, "suspended") == 0 &&
			    strcmp(r->suspend_kind, "supplement") == 0)))
				want = true;
			if (strcmp(st, "rongque") == 0)
				want = true;
		}
		if (want && alen + 4 * LIMIT_NAME_CHARS + 8 < names_cap) {
			int w = snprintf(names + alen, names_cap - alen,
			    "%s%s", alen > 0 ? "、" : "", db_col_text(s, 1));

			if (w > 0 && (size_t)w < names_cap - alen)
				alen += (size_t)w;
		}
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(mats);
		return rc;
	}
	*out = mats;
	return 0;
}

int
case_json(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, json_t **out, struct err *e)
{
	char names[CASE_AWAITED_NAMES_BYTES];
	json_t *mats = NULL;
	unsigned roles = 0;
	int rc;

	*out = NULL;
	rc = case_access(c, r, f, &roles, e);
	if (rc == 0)
		rc = case_mats_json(c, r, &mats, names, sizeof(names), e);
	if (rc != 0)
		return rc;
	return json_build(c, r, f, roles, mats, names, out, e);
}

int
case_json_with(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, json_t *mats, const char *names,
    json_t **out, struct err *e)
{
	unsigned roles = 0;
	int rc;

	*out = NULL;
	rc = case_access(c, r, f, &roles, e);
	if (rc != 0) {
		json_decref(mats);
		return rc;
	}
	return json_build(c, r, f, roles, mats, names, out, e);
}

/* The case JSON from the row, the materials (stolen) and the names of
 * those awaited, for an actor with roles in the case. */
static int
json_build(struct ctx *c, const struct case_row *r,
    const struct item_facts *f, unsigned roles, json_t *mats,
    const char *names, json_t **out, struct err *e)
{
	/* The members of a case in the order of the answers. */
	static const char *const case_keys[] = { "id", "case_no", "item_id",
	    "item_name", "item_version_no", "dept_id", "dept_name",
	    "window_id", "channel", "applicant", "state", "state_label",
	    "acceptance_mode", "accepted_day", "budget_days",
	    "extension_days", "due_day", "remaining_days", "warn_level",
	    "decision", "trips", "created_at", "updated_at", "closed_at",
	    "available_actions", "materials", "awaiting", "case_kind",
	    "supplement_due", "commitment_text", "flagged", "check_status",
	    "form", "version" };
	static const char *const applicant_keys[] = { "id", "kind", "name",
	    "idno_masked" };
	char masked[32], awaiting[1100];
	json_t *o, *form, *applicant;
	json_error_t je;

	awaiting[0] = '\0';
	if (names[0] != '\0') {
		if (strcmp(r->state, "supplement") == 0 ||
		    strcmp(r->state, "suspended") == 0)
			snprintf(awaiting, sizeof(awaiting), "请按补正材料通知书"
			    "一次性补齐以下材料：%s", names);
		else
			snprintf(awaiting, sizeof(awaiting), "请于 %s 前补交容缺"
			    "材料：%s", r->supplement_due, names);
	} else if (r->closed_at == 0 && strcmp(r->state, "certify") == 0) {
		str_copy(awaiting, sizeof(awaiting),
		    "办理结果正在出具，请留意领取通知");
	}

	form = json_loads(r->form, 0, &je);
	if (form == NULL)
		form = json_object();
	idno_mask(r->applicant_idno, masked, sizeof(masked));
	{
		json_t *who[] = { int_or_null(r->applicant_id),
		    json_string(r->applicant_kind == 'E' ? "enterprise" :
		    "person"), json_string(r->applicant_name),
		    json_string(masked) };

		_Static_assert(NMEMB(applicant_keys) == NMEMB(who),
		    "one value per key");
		applicant = object_of(applicant_keys, who, NMEMB(who));
	}
	{
		json_t *v[] = {
			json_integer((json_int_t)r->id),
			json_string(r->case_no),
			json_integer((json_int_t)r->item_id),
			json_string(f->name),
			json_integer(f->version_no),
			json_integer((json_int_t)r->dept_id),
			json_string(r->dept_name),
			int_or_null(r->window_id),
			json_string(r->channel),
			applicant,
			json_string(r->state),
			json_string(state_label(r->state)),
			str_or_null(r->mode),
			str_or_null(r->accepted_day),
			r->budget_days >= 0 ? json_integer(r->budget_days) :
			    json_null(),
			json_integer((json_int_t)r->extension_days),
			str_or_null(r->due_day),
			r->has_remaining ? json_integer(r->remaining_days) :
			    json_null(),
			str_or_null(r->warn_level),
			str_or_null(r->decision),
			json_integer((json_int_t)r->trips),
			json_integer((json_int_t)r->created_at),
			json_integer((json_int_t)r->updated_at),
			int_or_null(r->closed_at),
			actions_json(c->actor, r, f, roles),
			mats,
			str_or_null(awaiting),
			json_string(f->case_kind == 1 ? "instant" :
			    "promised"),
			str_or_null(r->supplement_due),
			str_or_null(r->commitment_text),
			json_boolean(r->flagged != 0),
			json_string(r->check_status),
			form,
			json_integer((json_int_t)r->version),
		};

		_Static_assert(NMEMB(case_keys) == NMEMB(v),
		    "one value per key");
		o = object_of(case_keys, v, NMEMB(v));
	}
	if (o == NULL)
		return err_internal(e, "case_json: cannot build the object");
	/* The clerk of the window serving the case checks the ID card against
	 * the full number; everyone else (and every list) sees it masked. */
	if (actor_has(c->actor, ROLE_CLERK) && c->actor->window_id > 0 &&
	    c->actor->window_id == r->window_id)
		json_object_set_new(json_object_get(o, "applicant"), "idno",
		    json_string(r->applicant_idno));
	json_object_set_new(o, "decision_reason",
	    str_or_null(r->decision_reason));
	json_object_set_new(o, "suspend_kind", str_or_null(r->suspend_kind));
	json_object_set_new(o, "query_code", str_or_null(r->query_code));
	json_object_set_new(o, "overdue_day", str_or_null(r->overdue_day));
	json_object_set_new(o, "window_authorised",
	    json_boolean(f->window_authorised));
	json_object_set_new(o, "form_fields", case_form_fields_json(f, form));
	json_object_set_new(o, "pledge_text", str_or_null(r->pledge_text));
	json_object_set_new(o, "pledged_at", int_or_null(r->pledged_at));
	if (case_due_provisional_set(c, o, r->accepted_day, r->due_day,
	    e) != 0) {
		json_decref(o);
		return err_rc(e);
	}
	*out = o;
	return 0;
}

int
case_json_by_id(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	const struct item_facts *f = NULL;
	struct case_row r;
	int rc;

	*out = NULL;
	rc = case_row_load(c, id, &r, e);
	if (rc != 0)
		return rc;
	rc = item_facts_get(c, r.item_version_id, &f, e);
	if (rc == 0)
		rc = case_json(c, &r, f, out, e);
	item_facts_put(f);
	case_row_release(&r);
	return rc;
}
