/* assess.c - the 三集中三到位 assessment (评估验收) of one department for a
 * quarter: a checklist computed from the data where the platform has it
 * (items stationed, accepted at the comprehensive window, authorised to
 * the window, the approval seal, staff changes through the request queue,
 * the 体外循环 volumes, the responsible person) and from evidence the
 * department uploads where it has not (the signed 进驻方案, and the
 * fallbacks); a score (core/supervise.c); the findings become one 督查通报
 * with a deadline (整改完善), issued in the same transaction. */
#include "service/supervise/supervise.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/records/records.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

/* The checklist: key, label, weight, target, the evidence measure that
 * stands in when the platform has no data (NULL: none), what to rectify. */
static const struct measure {
	const char *key, *label;
	int weight;
	double target;
	bool evidence_only;
	const char *fix;
} MEASURES[] = {
	{ "stationing_rate", "事项进驻率", 20, 1.0, false,
	    "按“应进全进、应进必进”将未进驻事项进驻政务大厅" },
	{ "comprehensive_rate", "综合窗口受理率", 15, 0.9, false,
	    "将进驻事项委托综合窗口受理，实行前台综合受理、后台分类审批" },
	{ "window_authorised", "窗口授权", 15, 1.0, false,
	    "充分授予窗口审批决定权，提高即办件比例" },
	{ "seal_in_use", "审批专用章启用", 10, 1.0, false,
	    "启用行政审批专用章，除法律法规特别规定外一律加盖审批专用章" },
	{ "staff_changes", "人员变动按程序报批", 10, 1.0, false,
	    "进驻人员保持相对稳定，确需调整的按程序提交人员变动申请" },
	{ "no_outside", "无大厅外受理", 10, 0.9, false,
	    "进驻事项一律在大厅窗口受理，不得在大厅外办理，报送月度办件量" },
	{ "responsible_person", "明确责任人员", 10, 1.0, false,
	    "明确本部门审批服务责任人员及联系电话" },
	{ "stationing_plan", "进驻方案签字盖章", 10, 1.0, true,
	    "制定进驻方案，由部门主要负责人签字盖章后上传" },
};
#define NMEASURES (sizeof(MEASURES) / sizeof(MEASURES[0]))

/* Measures a department may prove with uploaded evidence. */
static const struct measure *
evidence_measure(const char *key)
{
	static const char *const OK[] = { "stationing_plan",
	    "responsible_person", "no_outside" };

	for (size_t i = 0; key != NULL && i < sizeof(OK) / sizeof(OK[0]); i++)
		if (strcmp(key, OK[i]) == 0)
			for (size_t k = 0; k < NMEASURES; k++)
				if (strcmp(MEASURES[k].key, key) == 0)
					return &MEASURES[k];
	return NULL;
}

/* ---- evidence ---- */

struct ev_tx {
	struct ctx *c;
	int64_t id, dept;
	const char *measure, *note, *sha;
	bool accept;
};

static int
ev_upload_fn(struct db *db, void *arg, struct err *e)
{
	struct ev_tx *t = arg;
	struct db_stmt *s;
	json_t *sum;
	int rc;

	s = db_query(db, e, "INSERT INTO sv_evidence (dept_id, measure, note, "
	    "sha256, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?) "
	    "RETURNING id", "isssii", t->dept, t->measure, t->note, t->sha,
	    t->c->actor->user_id, clock_now());
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "evidence: no id");
	sum = json_pack("{s:I, s:s, s:s}", "dept_id", (json_int_t)t->dept,
	    "measure", t->measure, "sha256", t->sha);
	rc = sv_audit(t->c, "evidence.upload", "evidence", t->id, sum, e);
	json_decref(sum);
	if (rc == 0)
		rc = sv_notify_roles(t->c, ROLE_SUPERVISOR, "evidence_uploaded",
		    "评估验收佐证材料待审核", "部门已上传评估验收佐证材料，请审核。",
		    e);
	return rc;
}

static int
evidence_list(struct ctx *c, struct db *db, int64_t dept, int64_t id,
    json_t **out, struct err *e)
{
	json_t *items, *o;
	size_t i;

	items = db_query_json(db, e, "SELECT v.id, v.dept_id, d.name AS "
	    "dept_name, v.measure, v.note, v.sha256, f.original_name AS "
	    "file_name, v.accepted, v.uploaded_at, v.reviewed_at, COALESCE("
	    "u.name, '') AS uploaded_by_name FROM sv_evidence v JOIN "
	    "departments d ON d.id = v.dept_id LEFT JOIN files f ON f.sha256 = "
	    "v.sha256 LEFT JOIN users u ON u.id = v.uploaded_by WHERE (? = 0 OR "
	    "v.dept_id = ?) AND (? = 0 OR v.id = ?) ORDER BY v.id DESC LIMIT "
	    "500", "iiii", dept, dept, id, id);
	if (items == NULL)
		return err_rc(e);
	json_array_foreach(items, i, o) {
		const struct measure *m = evidence_measure(json_string_value(
		    json_object_get(o, "measure")));
		const json_t *acc = json_object_get(o, "accepted");

		json_object_set_new(o, "measure_label", json_string(m != NULL ?
		    m->label : ""));
		json_object_set_new(o, "status", json_string(json_is_null(acc) ||
		    acc == NULL ? "pending" : json_integer_value(acc) == 1 ?
		    "accepted" : "rejected"));
		json_object_set_new(o, "can_review", json_boolean(
		    sv_supervisor(c->actor) && (acc == NULL ||
		    json_is_null(acc))));
	}
	*out = items;
	return 0;
}

int
supervise_evidence_upload(struct ctx *c, const char *measure,
    const char *note, const void *data, size_t len, const char *name,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	char sha[65], ctype[32];
	struct ev_tx t;
	json_t *list;
	int rc;

	*out = NULL;
	if (!(a->kind == ACTOR_STAFF && a->dept_id > 0 &&
	    actor_has(a, ROLE_DEPT_ADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有部门管理员可以上传本部门的评估验收佐证材料");
	if (evidence_measure(measure) == NULL)
		return err_field(e, ERR_INVALID, "measure", "bad_measure",
		    "佐证事项须为 stationing_plan（进驻方案）、"
		    "responsible_person（责任人员）或 no_outside（无大厅外受理）");
	rc = sv_text(note, "note", "说明", 500, false, e);
	if (rc != 0)
		return rc;
	if (data == NULL || len == 0)
		return err_field(e, ERR_INVALID, "file", "empty_file",
		    "请上传佐证文件（PDF、JPEG 或 PNG）");
	rc = file_store(c, data, len, name, false, sha, ctype, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.dept = a->dept_id;
	t.measure = measure;
	t.note = note != NULL ? note : "";
	t.sha = sha;
	rc = db_tx(c->db, ev_upload_fn, &t, e);
	if (rc == 0)
		rc = evidence_list(c, c->db, 0, t.id, &list, e);
	if (rc != 0)
		return rc;
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return 0;
}

static int
ev_review_fn(struct db *db, void *arg, struct err *e)
{
	struct ev_tx *t = arg;
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "UPDATE sv_evidence SET accepted = ?, reviewed_by "
	    "= ?, reviewed_at = ? WHERE id = ? AND accepted IS NULL", "Iiii",
	    (int)t->accept, t->c->actor->user_id, clock_now(), t->id);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0) {
		int64_t n = 0;

		rc = db_query_int(db, e, &n, "SELECT count(*) FROM sv_evidence "
		    "WHERE id = ?", "i", t->id);
		if (rc < 0)
			return rc;
		return n == 0 ? err_set(e, ERR_NOT_FOUND, "evidence_not_found",
		    "佐证材料不存在") : err_set(e, ERR_CONFLICT,
		    "evidence_reviewed", "该佐证材料已审核");
	}
	sum = json_pack("{s:b}", "accepted", t->accept);
	rc = sv_audit(t->c, "evidence.review", "evidence", t->id, sum, e);
	json_decref(sum);
	return rc;
}

int
supervise_evidence_review(struct ctx *c, int64_t id, bool accept,
    json_t **out, struct err *e)
{
	struct ev_tx t;
	json_t *list;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室可以审核佐证材料");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.id = id;
	t.accept = accept;
	rc = db_tx(c->db, ev_review_fn, &t, e);
	if (rc == 0)
		rc = evidence_list(c, c->db, 0, id, &list, e);
	if (rc != 0)
		return rc;
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return 0;
}

/* Department scope of a read: want for overseers, the actor's own for
 * department staff (another is 403); -1 when forbidden. */
static int64_t
scope(const struct actor *a, int64_t want, struct err *e)
{
	if (sv_overseer(a))
		return want;
	if (sv_dept_staff(a)) {
		if (want > 0 && want != a->dept_id) {
			err_field(e, ERR_FORBIDDEN, "dept_id", "other_dept",
			    "只能查看本部门的评估验收");
			return -1;
		}
		return a->dept_id;
	}
	err_set(e, ERR_FORBIDDEN, NULL, "无权查看评估验收");
	return -1;
}

int
supervise_evidence_list(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e)
{
	int64_t dept = scope(c->actor, dept_id, e);
	json_t *items;
	int rc;

	*out = NULL;
	if (dept < 0)
		return -e->code;
	rc = evidence_list(c, c->db, dept, 0, &items, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int
supervise_evidence_file(struct ctx *c, int64_t id, int *fd, uint64_t *size,
    char ctype[32], char name[256], struct err *e)
{
	int64_t dept = scope(c->actor, 0, e);
	json_t *row;
	int rc;

	*fd = -1;
	if (dept < 0)
		return -e->code;
	row = db_query_row(c->db, e, "SELECT v.sha256, COALESCE("
	    "f.original_name, '') AS name FROM sv_evidence v LEFT JOIN files f "
	    "ON f.sha256 = v.sha256 WHERE v.id = ? AND (? = 0 OR v.dept_id = ?) "
	    "AND v.sha256 IS NOT NULL", "iii", id, dept, dept);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "evidence_not_found", "佐证材料不存在") : err_rc(e);
	snprintf(name, 256, "%s", json_string_value(json_object_get(row,
	    "name")));
	rc = file_open(c, json_string_value(json_object_get(row, "sha256")),
	    fd, size, ctype, e);
	json_decref(row);
	return rc;
}

/* ---- the checklist ---- */

struct period {
	char quarter[8], first[11], last[11], m_first[8], m_last[8];
	int64_t t_first, t_last;   /* Unix seconds of the days' bounds */
};

static int
period_parse(const char *q, struct period *p, struct err *e)
{
	int32_t f, l;
	struct err pe;

	memset(p, 0, sizeof(*p));
	if (q == NULL || q[0] == '\0')
		supervise_quarter(deadlines_today(), p->quarter);
	else
		snprintf(p->quarter, sizeof(p->quarter), "%.7s", q);
	if (q != NULL && q[0] != '\0' && strlen(q) != 7)
		return err_field(e, ERR_INVALID, "period", "bad_quarter",
		    "评估期应为季度，格式 YYYY-Qn，如 2026-Q4");
	if (supervise_quarter_range(p->quarter, &f, &l, &pe) != 0)
		return err_field(e, ERR_INVALID, "period", "bad_quarter", "%s",
		    pe.msg);
	calendar_day_format(f, p->first);
	calendar_day_format(l, p->last);
	memcpy(p->m_first, p->first, 7);
	memcpy(p->m_last, p->last, 7);
	p->t_first = clock_day_start((int64_t)f * 86400 + 43200);
	p->t_last = clock_day_start((int64_t)l * 86400 + 43200) + 86400;
	return 0;
}

/* One number from a query with the department (and period) bound. */
#define COUNT(out, sql, types, ...) \
	do { \
		rc = db_query_int(db, e, (out), sql, types, __VA_ARGS__); \
		if (rc < 0) \
			goto fail; \
	} while (0)

/* The latest reviewed evidence of a measure: 1 accepted, 0 rejected, -1
 * none; *pending when a newer one waits for review. */
static int
evidence_state(struct db *db, int64_t dept, const char *measure,
    int *state, bool *pending, struct err *e)
{
	json_t *row = db_query_row(db, e, "SELECT (SELECT accepted FROM "
	    "sv_evidence WHERE dept_id = ? AND measure = ? AND accepted IS NOT "
	    "NULL ORDER BY id DESC LIMIT 1) AS accepted, (SELECT count(*) FROM "
	    "sv_evidence WHERE dept_id = ? AND measure = ? AND accepted IS NULL) "
	    "AS pending", "isis", dept, measure, dept, measure);
	const json_t *acc;

	*state = -1;
	*pending = false;
	if (row == NULL)
		return err_rc(e);
	acc = json_object_get(row, "accepted");
	if (acc != NULL && !json_is_null(acc))
		*state = json_integer_value(acc) == 1 ? 1 : 0;
	*pending = json_integer_value(json_object_get(row, "pending")) > 0;
	json_decref(row);
	return 0;
}

static void
set_ratio(struct supervise_check *k, int64_t num, int64_t den)
{
	k->has_ratio = true;
	k->ratio = den > 0 ? (double)num / (double)den : 0;
	if (k->ratio > 1)
		k->ratio = 1;
}

/* Computes the checklist of dept for period p into checks[NMEASURES] and
 * the details (array, one object per measure). */
static int
compute(struct db *db, int64_t dept, const struct period *p,
    struct supervise_check *checks, json_t *details, struct err *e)
{
	int64_t items = 0, stationed = 0, compw = 0, auth = 0, cases = 0;
	int64_t comp_cases = 0, seal = 0, seal_uses = 0, changes = 0;
	int64_t approved = 0, reported = 0, platform = 0;
	char detail[NMEASURES][200];
	json_t *row;
	int rc;

	COUNT(&items, "SELECT count(*) FROM items WHERE dept_id = ? AND status "
	    "= 'published' AND in_scope = 1", "i", dept);
	COUNT(&stationed, "SELECT count(*) FROM items WHERE dept_id = ? AND "
	    "status = 'published' AND in_scope = 1 AND stationed = 1", "i",
	    dept);
	COUNT(&compw, "SELECT count(*) FROM items i WHERE i.dept_id = ? AND "
	    "i.status = 'published' AND i.in_scope = 1 AND i.stationed = 1 AND "
	    "EXISTS (SELECT 1 FROM window_items wi JOIN windows w ON w.id = "
	    "wi.window_id WHERE wi.item_id = i.id AND w.kind = 'comprehensive' "
	    "AND w.active = 1)", "i", dept);
	COUNT(&auth, "SELECT count(*) FROM items WHERE dept_id = ? AND status "
	    "= 'published' AND in_scope = 1 AND stationed = 1 AND "
	    "window_authorised = 1", "i", dept);
	COUNT(&cases, "SELECT count(*) FROM cases WHERE dept_id = ? AND "
	    "accepted_day >= ? AND accepted_day <= ? AND window_id IS NOT NULL",
	    "iss", dept, p->first, p->last);
	COUNT(&comp_cases, "SELECT count(*) FROM cases k JOIN windows w ON "
	    "w.id = k.window_id WHERE k.dept_id = ? AND k.accepted_day >= ? AND "
	    "k.accepted_day <= ? AND w.kind = 'comprehensive'", "iss", dept,
	    p->first, p->last);
	COUNT(&seal, "SELECT count(*) FROM seals WHERE dept_id = ? AND active "
	    "= 1", "i", dept);
	COUNT(&seal_uses, "SELECT count(*) FROM seal_usage u JOIN seals s ON "
	    "s.id = u.seal_id WHERE s.dept_id = ? AND u.signed_at >= ? AND u.signed_at < ?",
	    "iii", dept, p->t_first, p->t_last);
	COUNT(&changes, "SELECT count(*) FROM staff_assignments WHERE dept_id "
	    "= ? AND until IS NOT NULL AND until >= ? AND until <= ?", "iss",
	    dept, p->first, p->last);
	COUNT(&approved, "SELECT count(*) FROM requests WHERE kind = "
	    "'staff_change' AND dept_id = ? AND status = 'approved' AND "
	    "decided_at >= ? AND decided_at < ?", "iii", dept, p->t_first,
	    p->t_last);
	COUNT(&reported, "SELECT COALESCE(sum(volume), 0) FROM sv_volumes "
	    "WHERE dept_id = ? AND month >= ? AND month <= ?", "iss", dept,
	    p->m_first, p->m_last);
	COUNT(&platform, "SELECT count(*) FROM cases k JOIN sv_volumes v ON "
	    "v.item_id = k.item_id AND v.month = substr(k.accepted_day, 1, 7) "
	    "WHERE v.dept_id = ? AND v.month >= ? AND v.month <= ?", "iss",
	    dept, p->m_first, p->m_last);
	row = db_query_row(db, e, "SELECT responsible_person, "
	    "responsible_phone FROM departments WHERE id = ?", "i", dept);
	if (row == NULL) {
		rc = err_rc(e);
		goto fail;
	}

	memset(checks, 0, sizeof(*checks) * NMEASURES);
	for (size_t i = 0; i < NMEASURES; i++) {
		checks[i].key = MEASURES[i].key;
		checks[i].weight = MEASURES[i].weight;
		checks[i].target = MEASURES[i].target;
		checks[i].evidence = -1;
		detail[i][0] = '\0';
	}
	set_ratio(&checks[0], stationed, items);
	snprintf(detail[0], sizeof(detail[0]), "目录内事项 %" PRId64 " 项，"
	    "已进驻 %" PRId64 " 项", items, stationed);
	if (cases > 0) {
		set_ratio(&checks[1], comp_cases, cases);
		snprintf(detail[1], sizeof(detail[1]), "本期窗口受理 %" PRId64
		    " 件，综合窗口受理 %" PRId64 " 件", cases, comp_cases);
	} else {
		set_ratio(&checks[1], compw, stationed);
		snprintf(detail[1], sizeof(detail[1]), "本期无窗口受理办件；"
		    "进驻事项 %" PRId64 " 项，可由综合窗口受理 %" PRId64 " 项",
		    stationed, compw);
	}
	set_ratio(&checks[2], auth, stationed);
	snprintf(detail[2], sizeof(detail[2]), "进驻事项 %" PRId64 " 项，"
	    "授权窗口审批 %" PRId64 " 项", stationed, auth);
	set_ratio(&checks[3], seal > 0 ? 1 : 0, 1);
	snprintf(detail[3], sizeof(detail[3]), seal > 0 ? "审批专用章已启用，"
	    "本期用印 %" PRId64 " 次" : "未启用审批专用章（用印 %" PRId64
	    " 次）", seal_uses);
	set_ratio(&checks[4], changes == 0 ? 1 : approved, changes == 0 ? 1 :
	    changes);
	snprintf(detail[4], sizeof(detail[4]), "本期人员调整 %" PRId64 " 人次，"
	    "经批准的变动申请 %" PRId64 " 件", changes, approved);
	if (reported > 0) {
		set_ratio(&checks[5], platform, reported);
		snprintf(detail[5], sizeof(detail[5]), "部门报送办件量 %" PRId64
		    " 件，平台受理 %" PRId64 " 件", reported, platform);
	} else {
		snprintf(detail[5], sizeof(detail[5]), "本期未报送月度办件量，"
		    "以佐证材料为准");
	}
	if (json_string_value(json_object_get(row, "responsible_person"))[0]
	    != '\0') {
		set_ratio(&checks[6], 1, 1);
		snprintf(detail[6], sizeof(detail[6]), "责任人员：%.60s %.20s",
		    json_string_value(json_object_get(row,
		    "responsible_person")), json_string_value(json_object_get(
		    row, "responsible_phone")));
	} else {
		snprintf(detail[6], sizeof(detail[6]), "部门信息中未登记责任"
		    "人员，以佐证材料为准");
	}
	json_decref(row);
	snprintf(detail[7], sizeof(detail[7]), "以上传的签字盖章进驻方案为准");

	for (size_t i = 0; i < NMEASURES; i++) {
		bool pending = false;
		json_t *d;

		if (!checks[i].has_ratio) {
			rc = evidence_state(db, dept, MEASURES[i].key,
			    &checks[i].evidence, &pending, e);
			if (rc != 0)
				goto fail;
		}
		d = json_pack("{s:s, s:s, s:i, s:f, s:s, s:s, s:s, s:b}", "key",
		    MEASURES[i].key, "label", MEASURES[i].label, "weight",
		    MEASURES[i].weight, "target", MEASURES[i].target, "source",
		    checks[i].has_ratio ? "data" : "evidence", "detail",
		    detail[i], "fix", MEASURES[i].fix, "evidence_pending",
		    pending);
		json_object_set_new(d, "ratio", checks[i].has_ratio ?
		    json_real(checks[i].ratio) : json_null());
		json_object_set_new(d, "evidence", checks[i].has_ratio ?
		    json_null() : json_integer(checks[i].evidence));
		json_array_append_new(details, d);
	}
	return 0;
fail:
	return rc;
}

static const char *
state_name(enum supervise_check_state s)
{
	switch (s) {
	case SV_CHECK_MET: return "met";
	case SV_CHECK_PARTIAL: return "partial";
	case SV_CHECK_UNMET: return "unmet";
	default: return "unknown";
	}
}

static const char *
state_label(enum supervise_check_state s)
{
	switch (s) {
	case SV_CHECK_MET: return "达标";
	case SV_CHECK_PARTIAL: return "部分达标";
	case SV_CHECK_UNMET: return "未达标";
	default: return "无数据或佐证";
	}
}

/* The checklist of dept for p: {dept_id, dept_name, period, score, checks,
 * findings}. */
static int
checklist(struct db *db, int64_t dept, const struct period *p,
    json_t **out, struct err *e)
{
	struct supervise_check checks[NMEASURES];
	json_t *details, *d, *name;
	double score;
	size_t i;
	int rc, findings = 0;

	*out = NULL;
	name = db_query_row(db, e, "SELECT name FROM departments WHERE id = ?",
	    "i", dept);
	if (name == NULL)
		return e->code == ERR_NOT_FOUND ? err_field(e, ERR_NOT_FOUND,
		    "dept_id", "dept_not_found", "部门不存在") : err_rc(e);
	details = json_array();
	rc = compute(db, dept, p, checks, details, e);
	if (rc != 0) {
		json_decref(name);
		json_decref(details);
		return rc;
	}
	score = supervise_score(checks, (int)NMEASURES);
	json_array_foreach(details, i, d) {
		bool f = supervise_check_is_finding(&checks[i]);

		json_object_set_new(d, "state", json_string(state_name(
		    checks[i].state)));
		json_object_set_new(d, "state_label", json_string(state_label(
		    checks[i].state)));
		json_object_set_new(d, "points", json_real(
		    (double)(int)(checks[i].points * 10 + 0.5) / 10));
		json_object_set_new(d, "finding", json_boolean(f));
		findings += f;
	}
	*out = json_pack("{s:I, s:O, s:s, s:f, s:o, s:i}", "dept_id",
	    (json_int_t)dept, "dept_name", json_object_get(name, "name"),
	    "period", p->quarter, "score", score, "checks", details,
	    "findings", findings);
	json_decref(name);
	return 0;
}

int
supervise_assessment_preview(struct ctx *c, int64_t dept_id,
    const char *period, json_t **out, struct err *e)
{
	int64_t dept = scope(c->actor, dept_id, e);
	struct period p;
	int rc;

	*out = NULL;
	if (dept < 0)
		return -e->code;
	if (dept == 0)
		return err_field(e, ERR_INVALID, "dept_id", "required",
		    "请选择部门");
	rc = period_parse(period, &p, e);
	if (rc != 0)
		return rc;
	return checklist(c->db, dept, &p, out, e);
}

struct as_tx {
	struct ctx *c;
	int64_t dept, id, notice;
	struct period p;
	const char *deadline;
	json_t *list;
};

/* The notice of the findings: one line per finding and what to rectify. */
static json_t *
findings_notice(const json_t *list, int64_t dept)
{
	const json_t *checks = json_object_get(list, "checks"), *d;
	struct buf f, r;
	char title[200];
	size_t i;
	int n = 0;
	json_t *in;

	buf_init(&f, 0);
	buf_init(&r, 0);
	buf_appendf(&f, "%s %s “三集中三到位”评估验收得分 %.1f 分，存在以下问题：",
	    json_string_value(json_object_get(list, "dept_name")),
	    json_string_value(json_object_get(list, "period")),
	    json_real_value(json_object_get(list, "score")));
	json_array_foreach(checks, i, d) {
		if (!json_is_true(json_object_get(d, "finding")))
			continue;
		n++;
		buf_appendf(&f, "\n%d. %s：%s（%s）", n, json_string_value(
		    json_object_get(d, "label")), json_string_value(
		    json_object_get(d, "state_label")), json_string_value(
		    json_object_get(d, "detail")));
		buf_appendf(&r, "%s%d. %s。", n > 1 ? "\n" : "", n,
		    json_string_value(json_object_get(d, "fix")));
	}
	snprintf(title, sizeof(title), "“三集中三到位”评估验收整改通知（%s）",
	    json_string_value(json_object_get(list, "period")));
	in = json_pack("{s:s, s:s, s:s, s:s, s:[I]}", "title", title,
	    "finding", f.data != NULL ? f.data : "", "basis", "白政办发〔2024〕1号《白河县深化"
	    "“三集中三到位”改革实施方案》四（三）评估验收、（四）整改完善",
	    "rectification", r.data != NULL ? r.data : "", "dept_ids", (json_int_t)dept);
	buf_release(&f);
	buf_release(&r);
	return in;
}

static int
assess_fn(struct db *db, void *arg, struct err *e)
{
	struct as_tx *t = arg;
	struct db_stmt *s;
	char *checks;
	json_t *sum;
	int rc;

	json_decref(t->list);
	t->list = NULL;
	t->notice = 0;
	rc = checklist(db, t->dept, &t->p, &t->list, e);
	if (rc != 0)
		return rc;
	if (json_integer_value(json_object_get(t->list, "findings")) > 0 &&
	    t->deadline == NULL)
		return err_field(e, ERR_INVALID, "deadline_day", "required",
		    "评估发现问题，请填写整改期限");
	checks = json_dumps(json_object_get(t->list, "checks"), JSON_COMPACT);
	s = db_query(db, e, "INSERT INTO sv_assessments (dept_id, period, "
	    "score, checks, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	    "RETURNING id", "isdsii", t->dept, t->p.quarter, json_real_value(
	    json_object_get(t->list, "score")), checks, t->c->actor->user_id,
	    clock_now());
	free(checks);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "assessment: no id");
	if (json_integer_value(json_object_get(t->list, "findings")) > 0) {
		json_t *in = findings_notice(t->list, t->dept);

		rc = sv_notice_insert(t->c, db, in, t->deadline, t->id,
		    &t->notice, e);
		json_decref(in);
		if (rc == 0)
			rc = db_exec(db, e, "UPDATE sv_assessments SET notice_id = "
			    "? WHERE id = ?", "ii", t->notice, t->id);
		if (rc != 0)
			return rc;
	}
	sum = json_pack("{s:I, s:s, s:O, s:I}", "dept_id", (json_int_t)t->dept,
	    "period", t->p.quarter, "score", json_object_get(t->list, "score"),
	    "notice_id", (json_int_t)t->notice);
	rc = sv_audit(t->c, "assessment.create", "assessment", t->id, sum, e);
	json_decref(sum);
	return rc;
}

static int
assessment_list(struct ctx *c, int64_t dept, int64_t id, json_t **out,
    struct err *e)
{
	json_t *items, *o;
	size_t i;

	items = db_query_json(c->db, e, "SELECT a.id, a.dept_id, d.name AS "
	    "dept_name, a.period, a.score, a.checks, a.notice_id, n.notice_no, "
	    "n.deadline_day, a.created_at, COALESCE(u.name, '') AS "
	    "created_by_name FROM sv_assessments a JOIN departments d ON d.id = "
	    "a.dept_id LEFT JOIN sv_notices n ON n.id = a.notice_id LEFT JOIN "
	    "users u ON u.id = a.created_by WHERE (? = 0 OR a.dept_id = ?) AND "
	    "(? = 0 OR a.id = ?) ORDER BY a.id DESC LIMIT 200", "iiii", dept,
	    dept, id, id);
	if (items == NULL)
		return err_rc(e);
	json_array_foreach(items, i, o) {
		json_t *ck = json_loads(json_string_value(json_object_get(o,
		    "checks")), 0, NULL);
		size_t k;
		json_t *d;
		int f = 0;

		if (ck == NULL)
			ck = json_array();
		json_array_foreach(ck, k, d)
			f += json_is_true(json_object_get(d, "finding"));
		json_object_set_new(o, "checks", ck);
		json_object_set_new(o, "findings", json_integer(f));
	}
	*out = items;
	return 0;
}

int
supervise_assessment_create(struct ctx *c, int64_t dept_id,
    const char *period, const char *deadline_day, json_t **out,
    struct err *e)
{
	char deadline[11], today[11];
	struct as_tx t;
	json_t *list;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室可以进行评估验收");
	if (dept_id <= 0)
		return err_field(e, ERR_INVALID, "dept_id", "required",
		    "请选择部门");
	memset(&t, 0, sizeof(t));
	rc = period_parse(period, &t.p, e);
	if (rc != 0)
		return rc;
	if (deadline_day != NULL && deadline_day[0] != '\0') {
		rc = sv_day(deadline_day, "deadline_day", "整改期限", deadline,
		    e);
		if (rc != 0)
			return rc;
		sv_today(today);
		if (strcmp(deadline, today) < 0)
			return err_field(e, ERR_UNPROCESSABLE, "deadline_day",
			    "date_in_past", "整改期限不能早于今天");
		t.deadline = deadline;
	}
	t.c = c;
	t.dept = dept_id;
	rc = db_tx(c->db, assess_fn, &t, e);
	json_decref(t.list);
	if (rc == 0)
		rc = assessment_list(c, 0, t.id, &list, e);
	if (rc != 0)
		return rc;
	*out = json_incref(json_array_get(list, 0));
	json_decref(list);
	return 0;
}

int
supervise_assessment_list(struct ctx *c, int64_t dept_id, json_t **out,
    struct err *e)
{
	int64_t dept = scope(c->actor, dept_id, e);
	json_t *items;
	int rc;

	*out = NULL;
	if (dept < 0)
		return -e->code;
	rc = assessment_list(c, dept, 0, &items, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
