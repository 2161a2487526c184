/* supervise_demo.c - demo supervision data: a complaint ticket answered by
 * its department, one escalated past its date, a 亲商助企日 with its
 * tickets, a leader's walk-through that found a problem, sittings, and a
 * 督查通报 to two departments, one of which has answered. Created through
 * the supervise services by the supervisor and the departments' admins;
 * skipped when any ticket exists. */
#include "demo/demo.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "core/calendar.h"
#include "core/supervise.h"
#include "service/case/case.h"
#include "service/supervise/supervise.h"
#include "store/db.h"

static int
actor_of(struct db *db, const char *login, struct actor *a, struct err *e)
{
	json_t *r = db_query_row(db, e, "SELECT id, name, roles, "
	    "COALESCE(dept_id, 0) AS dept_id FROM users WHERE login = ?", "s",
	    login);

	if (r == NULL)
		return err_rc(e);
	memset(a, 0, sizeof(*a));
	a->user_id = json_integer_value(json_object_get(r, "id"));
	a->kind = ACTOR_STAFF;
	a->roles = (unsigned)json_integer_value(json_object_get(r, "roles"));
	a->dept_id = json_integer_value(json_object_get(r, "dept_id"));
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->name, sizeof(a->name), "%s", json_string_value(
	    json_object_get(r, "name")));
	snprintf(a->role_used, sizeof(a->role_used), "%s", "demo");
	json_decref(r);
	return 0;
}

static int
with(struct ctx *base, struct ctx *c, struct actor *a, const char *login,
    struct err *e)
{
	*c = *base;
	c->actor = a;
	return actor_of(base->db, login, a, e);
}

/* The 体外循环 check and the assessment: last month's volumes of two
 * 市场监管 items (one well above the platform's cases: a ticket), the
 * department's signed 进驻方案 accepted by the supervisor, and an
 * assessment of 住建 whose findings became a notice. */
static int
demo_checks(struct ctx *base, struct ctx *cs, struct ctx *cm, struct ctx *cz,
    int64_t scjg_id, int64_t zj_id, const char *day, struct err *e)
{
	static const char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n"
	    "%%EOF\n";
	char month[16], q[8], deadline[11];
	json_t *items, *j, *o = NULL;
	int y = 0, m = 0, rc;
	int32_t d = 0;

	(void)cz;
	if (sscanf(day, "%d-%d", &y, &m) != 2)
		return 0;
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(month, sizeof(month), "%04d-%02d", y % 10000, m % 100);
	items = db_query_json(base->db, e, "SELECT id FROM items WHERE dept_id "
	    "= ? AND status = 'published' ORDER BY id LIMIT 2", "i", scjg_id);
	if (items == NULL)
		return err_rc(e);
	if (json_array_size(items) == 2) {
		j = json_pack("{s:s, s:[{s:O, s:i}, {s:O, s:i}]}", "month", month,
		    "rows", "item_id", json_object_get(json_array_get(items, 0),
		    "id"), "volume", 46, "item_id", json_object_get(
		    json_array_get(items, 1), "id"), "volume", 0);
		rc = supervise_volume_report(cm, j, &o, e);
		json_decref(j);
		json_decref(o);
		if (rc != 0) {
			json_decref(items);
			return rc;
		}
	}
	json_decref(items);
	rc = supervise_evidence_upload(cm, "stationing_plan", "局长签字、加盖单位"
	    "公章的进驻方案", pdf, sizeof(pdf) - 1, "进驻方案.pdf", &o, e);
	if (rc != 0)
		return rc;
	rc = supervise_evidence_review(cs, json_integer_value(json_object_get(o,
	    "id")), true, &j, e);
	json_decref(o);
	json_decref(j);
	if (rc != 0)
		return rc;
	calendar_day_parse(day, &d, e);
	calendar_day_format(calendar_add_workdays(NULL, d, 20), deadline);
	supervise_quarter(d, q);
	rc = supervise_assessment_create(cs, zj_id, q, deadline, &o, e);
	json_decref(o);
	return rc;
}

int
demo_load_supervise(struct ctx *base, struct err *e)
{
	struct actor sup, scjg, zj;
	struct ctx cs, cm, cz;
	struct supervise_ticket_in in;
	char day[11], past[11];
	const struct calendar *cal;
	int64_t n = 0, scjg_id, zj_id, case_id, item_id, window_id;
	json_t *o = NULL, *j, *k;
	int rc;

	rc = db_query_int(base->db, e, &n, "SELECT count(*) FROM sv_tickets",
	    "");
	if (rc < 0 || n > 0)
		return rc < 0 ? rc : 0;
	rc = with(base, &cs, &sup, "ducha", e);
	if (rc == 0)
		rc = with(base, &cm, &scjg, "scjg_admin", e);
	if (rc == 0)
		rc = with(base, &cz, &zj, "zj_admin", e);
	if (rc != 0)
		return e->code == ERR_NOT_FOUND ? 0 : rc;
	scjg_id = scjg.dept_id;
	zj_id = zj.dept_id;
	clock_date(clock_now(), day);
	/* The case the complaint is about: its item and window are the
	 * ticket's (the desk filters by them), and the walk-through tried
	 * the same item at the same window. */
	k = db_query_row(base->db, e, "SELECT id, item_id, window_id FROM "
	    "cases WHERE dept_id = ? AND window_id IS NOT NULL AND accepted_at "
	    "IS NOT NULL ORDER BY id LIMIT 1", "i", scjg_id);
	if (k == NULL && e->code != ERR_NOT_FOUND)
		return err_rc(e);
	err_clear(e);
	case_id = k != NULL ? json_integer_value(json_object_get(k, "id")) : 0;
	item_id = k != NULL ? json_integer_value(json_object_get(k, "item_id")) :
	    0;
	window_id = k != NULL ? json_integer_value(json_object_get(k,
	    "window_id")) : 0;
	json_decref(k);

	/* A complaint, answered by the department. */
	memset(&in, 0, sizeof(in));
	in.source = "complaint";
	in.case_id = case_id;
	in.ref_type = case_id > 0 ? "case" : NULL;
	in.ref_id = case_id;
	in.dept_id = scjg_id;
	in.title = "食品经营许可现场核查预约后无人上门";
	in.problem = "白河县秦岭餐饮有限公司反映：食品经营许可现场核查预约后两周"
	    "无人上门，多次电话询问未果。";
	rc = supervise_ticket_create(&cs, &in, &o, e);
	if (rc != 0)
		return rc;
	rc = supervise_ticket_answer(&cm, json_integer_value(json_object_get(o,
	    "id")), "核查人员集中参加培训，预约未及时分派。", "建立核查预约"
	    "当日分派制度，三个工作日内上门核查。", NULL, &j, e);
	json_decref(o);
	json_decref(j);
	if (rc != 0)
		return rc;

	/* A ticket whose promised date passed: escalated to the first body. */
	memset(&in, 0, sizeof(in));
	in.source = "other";
	in.dept_id = zj_id;
	in.title = "施工许可联合审图意见迟迟未反馈";
	in.problem = "汉江建材厂扩建项目施工图联合审查已 15 个工作日无反馈。";
	rc = supervise_ticket_create(&cs, &in, &o, e);
	if (rc != 0)
		return rc;
	rc = case_calendar_current(base, &cal, e);
	if (rc == 0) {
		int32_t d = 0;

		calendar_day_parse(day, &d, e);
		calendar_day_format(calendar_add_workdays(cal, d, -4), past);
		rc = db_exec(base->db, e, "UPDATE sv_tickets SET promised_day = "
		    "?, level = 1, escalated_at = ? WHERE id = ?", "sii", past,
		    clock_now(), json_integer_value(json_object_get(o, "id")));
	}
	if (rc == 0)
		rc = db_exec(base->db, e, "INSERT INTO sv_ticket_events "
		    "(ticket_id, at, action, note) VALUES (?, ?, 'escalate', "
		    "'逾期未解决，升级至县职转办')", "ii", json_integer_value(
		    json_object_get(o, "id")), clock_now());
	json_decref(o);
	if (rc != 0)
		return rc;

	/* 亲商助企日. */
	j = json_pack("{s:s, s:s, s:[s, s], s:s, s:[{s:I, s:s}, {s:I, s:s, "
	    "s:s}]}", "day", day, "host", "县营商办", "enterprises",
	    "白河县秦岭餐饮有限公司", "白河县汉江建材厂", "notes",
	    "走访两家企业，收集审批堵点两条。", "problems", "dept_id",
	    (json_int_t)scjg_id, "problem", "食品经营许可变更需重复提交营业执照。",
	    "dept_id", (json_int_t)zj_id, "problem", "施工许可办理进度无法在线"
	    "查询。", "title", "施工许可进度查询");
	rc = supervise_qinshang_create(&cs, j, &o, e);
	json_decref(j);
	json_decref(o);
	if (rc != 0)
		return rc;

	/* Leaders at the window. */
	j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:i, s:i, s:s, "
	    "s:[{s:s}]}", "kind", "walkthrough", "dept_id", (json_int_t)scjg_id,
	    "leader_name", "周海涛", "leader_title", "局长", "day", day, "steps",
	    "网上申请—上传材料—窗口受理—现场核查—发证", "minutes", 95,
	    "trips", 2, "findings", "办事指南材料清单与窗口要求不一致",
	    "problems", "problem", "办事指南材料清单与窗口实际要求不一致，申请人"
	    "多跑一次。");
	if (item_id > 0) {
		json_object_set_new(j, "item_id", json_integer(item_id));
		json_object_set_new(j, "window_id", json_integer(window_id));
	}
	rc = supervise_sitting_create(&cm, j, &o, e);
	json_decref(j);
	json_decref(o);
	if (rc != 0)
		return rc;
	j = json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", "sitting", "dept_id",
	    (json_int_t)zj_id, "leader_name", "郑伟", "leader_title", "分管领导",
	    "day", day);
	rc = supervise_sitting_create(&cz, j, &o, e);
	json_decref(j);
	json_decref(o);
	if (rc != 0)
		return rc;

	/* A notice to two departments; one answered. */
	{
		int32_t d;

		calendar_day_parse(day, &d, e);
		calendar_day_format(calendar_add_workdays(NULL, d, 15), past);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[I, I]}", "title",
	    "窗口授权不到位", "finding", "部分进驻事项仍回原单位审批，窗口仅收件"
	    "转交，即办件比例偏低。", "basis", "白政办发〔2024〕1号《白河县深化"
	    "“三集中三到位”改革实施方案》三（四）提高窗口授权", "rectification",
	    "充分授予窗口审批决定权，启用行政审批专用章，报送授权清单。",
	    "deadline_day", past, "dept_ids", (json_int_t)scjg_id,
	    (json_int_t)zj_id);
	rc = supervise_notice_issue(&cs, j, 0, &o, e);
	json_decref(j);
	if (rc != 0)
		return rc;
	rc = supervise_notice_answer(&cm, json_integer_value(json_object_get(o,
	    "id")), "已将 12 个进驻事项的审批决定权授予窗口，审批专用章已启用。",
	    NULL, &j, e);
	json_decref(o);
	json_decref(j);
	if (rc != 0)
		return rc;
	rc = demo_checks(base, &cs, &cm, &cz, scjg_id, zj_id, day, e);
	if (rc != 0)
		return rc;
	/* The demo's history is not news: its in-app notices are dropped, so
	 * that a fresh inbox holds only what happens after start-up. */
	return db_exec(base->db, e, "DELETE FROM notifications WHERE kind IN "
	    "('ticket_open', 'notice_issued', 'notice_answered', "
	    "'evidence_uploaded')", "");
}
