/* rating_demo.c - 好差评 demo data: a few hundred closed cases of the last
 * six months over the demo's departments, each rated by its applicant
 * (through rating_create, so each rating is audited), and the bad ratings'
 * loops carried to every stage (through rating_loop_act and the request
 * queue): 核实, 申诉复核 pending and decided, 整改 (a plan past its date),
 * 反馈, 回访, 监督 and closed. The history's uploads are marked delivered
 * (they went to the province when they happened). Applicants are fictional
 * people without accounts. Idempotent: nothing is added once ratings
 * exist. */
#include "demo/demo.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/idno.h"
#include "base/log.h"
#include "service/case/case.h"
#include "service/platform/platform.h"
#include "service/rating/rating.h"
#include "store/db.h"

#define DEMO_RATINGS 240
#define DEMO_ITEMS 40
#define DEMO_SEQ_BASE 9000 /* case numbers far above a day's real ones */

static const char *const surnames[] = { "王", "李", "张", "刘", "陈", "杨",
    "黄", "赵", "吴", "周", "徐", "孙" };
static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "强",
    "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明" };
static const char *const good_text[] = { "", "办事效率高，一次办好", "窗口人员很耐心",
    "", "材料一次告知清楚", "网上办很方便", "" };
static const char *const bad_text[] = { "等候时间太长", "指南与窗口要求不一致，多跑了一趟",
    "工作人员态度生硬", "系统老是登录不上", "补正要求前后不一" };

struct demo_item {
	int64_t id, dept_id, version_id, window_id, staff_id;
	char impl_code[64];
};

struct case_tx {
	const struct demo_item *it;
	const char *case_no, *name, *idno, *day;
	int64_t at, id;
	bool window;
};

static int
case_fn(struct db *db, void *arg, struct err *e)
{
	struct case_tx *t = arg;
	struct db_stmt *s;
	int rc;

	rc = case_number_take(db, t->day, t->case_no, NULL, &t->id, e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "INSERT INTO cases (id, case_no, item_id, "
	    "item_version_id, dept_id, window_id, applicant_kind, "
	    "applicant_name, applicant_idno, channel, state, acceptance_mode, "
	    "accepted_at, accepted_day, accepted_by, budget_days, due_day, "
	    "decision, decided_at, handler_id, trips, form, created_at, "
	    "updated_at, closed_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), 'P', "
	    "?, ?, ?, 'done', 'normal', ?, ?, NULLIF(?, 0), 0, ?, 'approved', "
	    "?, NULLIF(?, 0), ?, '{\"demo\":true}', ?, ?, ?) RETURNING id",
	    "isiiiisssisisiiIiii", t->id, t->case_no, t->it->id,
	    t->it->version_id, t->it->dept_id, t->window ? t->it->window_id : 0, t->name, t->idno,
	    t->window ? "window" : "online", t->at, t->day, t->it->staff_id,
	    t->day, t->at + 3600, t->it->staff_id, t->window ? 1 : 0, t->at,
	    t->at + 3600, t->at + 3600);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	return rc == DB_ROW ? 0 : rc < 0 ? rc : err_internal(e, "demo case");
}

static int
load_items(struct db *db, struct demo_item *items, int *n, struct err *e)
{
	struct db_stmt *s;
	int rc;

	*n = 0;
	s = db_query(db, e, "SELECT i.id, i.dept_id, i.current_version_id, "
	    "COALESCE((SELECT MIN(w.id) FROM windows w WHERE w.dept_id = "
	    "i.dept_id), 0), COALESCE((SELECT MIN(u.id) FROM users u WHERE "
	    "u.dept_id = i.dept_id AND u.kind = 'S'), 0), i.impl_code FROM "
	    "items i WHERE i.status = 'published' AND i.current_version_id IS "
	    "NOT NULL ORDER BY i.dept_id, i.id", "");
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW && *n < DEMO_ITEMS) {
		struct demo_item *it = &items[*n];

		it->id = db_col_int(s, 0);
		it->dept_id = db_col_int(s, 1);
		it->version_id = db_col_int(s, 2);
		it->window_id = db_col_int(s, 3);
		it->staff_id = db_col_int(s, 4);
		snprintf(it->impl_code, sizeof(it->impl_code), "%s",
		    db_col_text(s, 5));
		(*n)++;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* A deterministic spread of levels: mostly satisfied, about one in ten
 * bad. */
static int
level_of(uint32_t r)
{
	uint32_t p = r % 100;

	return p < 55 ? 5 : p < 80 ? 4 : p < 89 ? 3 : p < 95 ? 2 : 1;
}

static int
loop_of_rating(struct ctx *c, int64_t rating_id, int64_t *loop_id,
    struct err *e)
{
	return db_query_int(c->db, e, loop_id, "SELECT id FROM rating_loops "
	    "WHERE rating_id = ?", "i", rating_id) == DB_ROW ? 0 : err_rc(e);
}

static int
act(struct ctx *c, int64_t loop, const char *action, const char *json,
    struct err *e)
{
	json_t *body = json_loads(json, 0, NULL), *out = NULL;
	int rc;

	rc = rating_loop_act(c, loop, action, body, &out, e);
	json_decref(body);
	json_decref(out);
	return rc;
}

static int
pending_request(struct ctx *c, const char *kind, int64_t loop, int64_t *id,
    struct err *e)
{
	return db_query_int(c->db, e, id, "SELECT id FROM requests WHERE kind = "
	    "? AND subject_id = ? AND status = 'pending'", "si", kind, loop) ==
	    DB_ROW ? 0 : err_rc(e);
}

/* Carries the loop of the k-th bad rating to one of the stages. */
static int
advance(struct ctx *c, int64_t loop, int k, const char *plan_due,
    struct err *e)
{
	int64_t req = 0;
	int step = k % 8, rc = 0;

	if (step == 0)
		return 0; /* 核实 pending */
	if (step == 1 || step == 2) {
		rc = act(c, loop, "claim", "{\"claim_kind\":\"mistaken\","
		    "\"reason\":\"申请人误点评价\",\"evidence\":\"电话确认系误操作，"
		    "有通话记录\"}", e);
		if (rc != 0 || step == 1)
			return rc; /* 申诉复核 pending */
		rc = pending_request(c, "rating_appeal", loop, &req, e);
		return rc != 0 ? rc : requests_decide(c, req, "rating_appeal",
		    true, "证据充分，认定误评", e);
	}
	rc = act(c, loop, "valid", "{\"note\":\"经核实，差评反映问题属实\"}", e);
	if (rc != 0)
		return rc;
	if (step == 3) {
		char body[256];

		snprintf(body, sizeof(body), "{\"kind\":\"plan\",\"measures\":"
		    "\"增设导办员，优化排队叫号\",\"due_day\":\"%s\"}", plan_due);
		return act(c, loop, "rectify", body, e); /* 整改 past its date */
	}
	rc = act(c, loop, "rectify", step == 7 ? "{\"kind\":\"explain\","
	    "\"measures\":\"该要求无法律依据，已向申请人解释\"}" :
	    "{\"kind\":\"immediate\",\"measures\":\"当场更正并向申请人致歉\"}", e);
	if (rc != 0 || step == 4)
		return rc; /* 反馈 pending */
	rc = act(c, loop, "feedback", "{\"text\":\"您反映的问题已整改，感谢监督\"}",
	    e);
	if (rc != 0 || step == 5)
		return rc; /* 回访 pending */
	rc = act(c, loop, "revisit", "{\"contacted\":true,\"reachable\":true,"
	    "\"satisfaction\":4,\"note\":\"电话回访，表示认可\"}", e);
	if (rc != 0 || step == 6)
		return rc; /* 监督 pending */
	return act(c, loop, "close", "{\"note\":\"整改到位，同意办结\"}", e);
}

static int
mark_history_uploaded(struct db *db, void *arg, struct err *e)
{
	(void)arg;
	return db_exec(db, e, "UPDATE outbox SET delivered_at = created_at, "
	    "attempts = 1 WHERE kind = 'upload' AND delivered_at IS NULL", "");
}

struct all_tx {
	struct ctx *c;
	int bad;
};

/* Everything in one transaction: the services' own transactions join it,
 * so the demo costs one commit. */
static int
all_fn(struct db *db, void *arg, struct err *e)
{
	struct all_tx *all = arg;
	struct ctx *c = all->c;
	struct demo_item items[DEMO_ITEMS];
	int64_t have = 0, start = clock_now(), base;
	uint32_t r = 20240101u;
	int n = 0, rc, bad = 0;

	(void)db;
	rc = db_query_int(c->db, e, &have, "SELECT COUNT(*) FROM ratings", "");
	if (rc < 0)
		return rc;
	if (have > 0)
		return 0;
	rc = load_items(c->db, items, &n, e);
	if (rc != 0 || n == 0)
		return rc;
	/* Six months back from the start of today's month. */
	base = clock_day_start(start) - 182 * 86400;
	for (int i = 0; i < DEMO_RATINGS && rc == 0; i++) {
		const struct demo_item *it = &items[(i * 7) % n];
		struct case_tx t;
		struct rating_in in;
		struct actor a;
		struct ctx rc_ctx;
		char first17[32], idno[40], name[32], day[11], plan[11];
		char case_no[CASE_NO_MAX];
		json_t *out = NULL, *dims;
		int level;
		int64_t at, loop = 0;

		r = r * 1103515245u + 12345u;
		level = level_of(r >> 8);
		at = base + (int64_t)(i * 182 / DEMO_RATINGS) * 86400 +
		    (9 + (int64_t)(r >> 20) % 8) * 3600 - CLOCK_UTC_OFFSET_S;
		clock_date(at, day);
		snprintf(first17, sizeof(first17), "61092919%02u%02u%02u%03u",
		    70u + (unsigned)i % 30u, 1u + (unsigned)i % 12u,
		    1u + (unsigned)i % 28u, (unsigned)i % 1000u);
		snprintf(idno, sizeof(idno), "%s%c", first17,
		    idno_person_check(first17));
		snprintf(name, sizeof(name), "%s%s", surnames[i % 12],
		    given[(i / 12) % 15]);
		rc = case_no_format(it->impl_code, day, DEMO_SEQ_BASE + i, case_no,
		    e);
		if (rc != 0)
			break;
		memset(&t, 0, sizeof(t));
		t.it = it;
		t.case_no = case_no;
		t.name = name;
		t.idno = idno;
		t.day = day;
		t.at = at;
		t.window = it->window_id > 0 && i % 3 != 0;
		rc = db_tx(c->db, case_fn, &t, e);
		if (rc != 0)
			break;
		/* The applicant rates, a few hours after the result. */
		clock_set_now(at + 3 * 3600);
		memset(&a, 0, sizeof(a));
		a.kind = ACTOR_PERSON;
		a.roles = ROLE_APPLICANT;
		a.realname = REALNAME_VERIFIED;  /* rated in person at the hall */
		snprintf(a.login, sizeof(a.login), "%s", idno);
		snprintf(a.name, sizeof(a.name), "%s", name);
		snprintf(a.role_used, sizeof(a.role_used), "applicant");
		rc_ctx = *c;
		rc_ctx.actor = &a;
		dims = t.window ? json_pack("[s]", i % 2 ? "512" : "510") :
		    json_pack("[s]", i % 2 ? "501" : "503");
		memset(&in, 0, sizeof(in));
		in.level = level;
		in.dims = dims;
		in.text = level <= 2 ? bad_text[i % 5] : good_text[i % 7];
		in.channel = t.window ? (i % 2 ? "4" : "3") : (i % 2 ? "1" : "2");
		in.anonymous = i % 5 == 0;
		rc = rating_create(&rc_ctx, t.id, &in, &out, e);
		json_decref(dims);
		if (rc != 0)
			break;
		if (level <= 2) {
			rc = loop_of_rating(c, json_integer_value(json_object_get(
			    out, "id")), &loop, e);
			/* A plan due two days later, long past now. */
			clock_date(at + 2 * 86400, plan);
			if (rc == 0)
				rc = advance(c, loop, bad++, plan, e);
		}
		json_decref(out);
	}
	clock_set_now(start);
	if (rc == 0)
		rc = db_tx(c->db, mark_history_uploaded, NULL, e);
	all->bad = bad;
	return rc;
}

int
demo_load_ratings(struct ctx *c, struct err *e)
{
	struct all_tx t = { c, -1 };
	int rc;

	rc = db_tx(c->db, all_fn, &t, e);
	if (rc == 0 && t.bad >= 0) {
		int n = 0;

		log_info("demo: %d ratings, %d bad with their loops",
		    DEMO_RATINGS, t.bad);
		/* The history's cases were stored closed, not closed through
		 * the change plan: the scoreboard's tallies count them on the
		 * days they closed. */
		rc = case_tally_rebuild(c, &n, e);
		if (rc == 0)
			log_info("demo: tallies of %d closed cases", n);
	}
	return rc;
}
