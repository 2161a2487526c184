/* rating.c - rating a case, the window QR token, lists and figures
 * (rating.h). */
#include "service/rating/rating.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/calendar.h"
#include "core/rating.h"
#include "docs/qr.h"
#include "service/case/case.h"
#include "service/rating/rating_internal.h"
#include "store/db.h"

#define TOKEN_MAC_HEX 32   /* 16 bytes of HMAC-SHA-256 */

json_t *
rating_options(void)
{
	json_t *levels = json_array(), *dims = json_array(),
	    *channels = json_array(), *steps = json_array(),
	    *stages = json_array();
	const struct rating_code *t;

	for (int l = RATING_LEVEL_MAX; l >= RATING_LEVEL_MIN; l--)
		json_array_append_new(levels, json_pack("{s:i, s:s, s:b}",
		    "level", l, "label", rating_level_label(l), "bad",
		    rating_level_bad(l)));
	for (t = rating_dims(NULL); t->code != NULL; t++)
		json_array_append_new(dims, json_pack("{s:s, s:s, s:b}", "code",
		    t->code, "label", t->label, "online",
		    rating_dim_online(t->code)));
	for (t = rating_channels(); t->code != NULL; t++)
		json_array_append_new(channels, json_pack("{s:s, s:s}", "code",
		    t->code, "label", t->label));
	for (int s = RATING_STEP_ACCEPT; s <= RATING_STEP_RESULT; s++)
		json_array_append_new(steps, json_pack("{s:s, s:s}", "step",
		    rating_step_name((enum rating_step)s), "label",
		    rating_step_label((enum rating_step)s)));
	for (int s = RATING_STAGE_VERIFY; s < RATING_STAGE__COUNT; s++)
		json_array_append_new(stages, json_pack("{s:s, s:s, s:i}",
		    "stage", rating_stage_name((enum rating_stage)s), "label",
		    rating_stage_label((enum rating_stage)s), "days",
		    rating_stage_setting((enum rating_stage)s) != NULL ?
		    (int)config_int(rating_stage_setting((enum rating_stage)s))
		    : 0));
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "levels", levels, "dims",
	    dims, "channels", channels, "steps", steps, "stages", stages);
}

void
rating_time_code(int64_t t, char out[16])
{
	int64_t local = t + CLOCK_UTC_OFFSET_S, secs;
	char d[11];

	clock_date(t, d);
	secs = ((local % 86400) + 86400) % 86400;
	snprintf(out, 16, "%.4s%.2s%.2sT%02d%02d%02d", d, d + 5, d + 8,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

bool
rating_dept_staff(const struct actor *a, int64_t dept)
{
	if (a == NULL)
		return false;
	if (a->kind == ACTOR_SYSTEM)
		return true;
	return actor_has(a, ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN) &&
	    a->dept_id > 0 && a->dept_id == dept;
}

static bool
sees_all(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_SYSTEM ||
	    actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN));
}

/* ---- the case as the rules see it ---- */

struct case_facts {
	int64_t id, item_id, dept_id, window_id, staff_id, applicant_id;
	int64_t created_by;
	char case_no[64], idno[64], kind[4], name[256], state[32];
	char impl_code[64], item_name[512], dept_name[256], accepted_day[11];
	char window_no[32], staff_login[64], staff_name[128];
	bool accepted, closed, has_result;
	int count;
};

#define COPY(dst, col) snprintf((dst), sizeof(dst), "%s", db_col_text(s, col))

static int
facts_load(struct db *db, int64_t id, struct case_facts *f, struct err *e)
{
	struct db_stmt *s;
	int64_t cnt = 0;
	int rc;

	memset(f, 0, sizeof(*f));
	s = db_query(db, e, "SELECT c.id, c.case_no, c.item_id, c.dept_id, "
	    "COALESCE(c.window_id, 0), COALESCE(c.handler_id, c.accepted_by, 0),"
	    " COALESCE(c.applicant_id, 0), c.applicant_idno, c.applicant_kind, "
	    "c.applicant_name, c.state, c.accepted_at IS NOT NULL, "
	    "c.closed_at IS NOT NULL, c.decision IS NOT NULL, i.impl_code, "
	    "i.name, d.name, COALESCE(c.accepted_day, ''), COALESCE(w.number, "
	    "''), COALESCE(u.login, ''), COALESCE(u.name, ''), c.created_by "
	    "FROM cases c "
	    "JOIN items i ON i.id = c.item_id JOIN departments d ON d.id = "
	    "c.dept_id LEFT JOIN windows w ON w.id = c.window_id LEFT JOIN "
	    "users u ON u.id = COALESCE(c.handler_id, c.accepted_by) "
	    "WHERE c.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? err_set(e, ERR_NOT_FOUND,
		    "case_not_found", "办件不存在") : rc;
	}
	f->id = db_col_int(s, 0);
	COPY(f->case_no, 1);
	f->item_id = db_col_int(s, 2);
	f->dept_id = db_col_int(s, 3);
	f->window_id = db_col_int(s, 4);
	f->staff_id = db_col_int(s, 5);
	f->applicant_id = db_col_int(s, 6);
	COPY(f->idno, 7);
	COPY(f->kind, 8);
	COPY(f->name, 9);
	COPY(f->state, 10);
	f->accepted = db_col_int(s, 11) != 0;
	f->closed = db_col_int(s, 12) != 0;
	f->has_result = db_col_int(s, 13) != 0;
	COPY(f->impl_code, 14);
	COPY(f->item_name, 15);
	COPY(f->dept_name, 16);
	COPY(f->accepted_day, 17);
	COPY(f->window_no, 18);
	COPY(f->staff_login, 19);
	COPY(f->staff_name, 20);
	f->created_by = db_col_int(s, 21);
	db_finish(s);
	rc = db_query_int(db, e, &cnt, "SELECT COUNT(*) FROM ratings WHERE "
	    "case_id = ?", "i", id);
	if (rc < 0)
		return rc;
	f->count = (int)cnt;
	return 0;
}

static bool
is_applicant(const struct actor *a, const struct case_facts *f)
{
	return actor_is_applicant_of(a, f->created_by, f->idno);
}

/* The step the applicant experienced last. */
static enum rating_step
step_of(const struct case_facts *f)
{
	return f->closed && f->has_result ? RATING_STEP_RESULT :
	    RATING_STEP_ACCEPT;
}

/* ---- validation ---- */

static int
check_in(const struct rating_in *in, bool token, char dims_csv[128],
    json_t **dims_out, struct err *e)
{
	size_t n;
	json_t *v;
	size_t i;

	*dims_out = NULL;
	dims_csv[0] = '\0';
	if (rating_level_label(in->level) == NULL)
		return err_field(e, ERR_INVALID, "level", "bad_level",
		    "满意度须为 1 到 5 星");
	if (!token && (in->channel == NULL ||
	    rating_channel_label(in->channel) == NULL ||
	    strcmp(in->channel, RATING_CHANNEL_DEFAULT) == 0))
		return err_field(e, ERR_INVALID, "channel", "bad_channel",
		    "评价渠道须为 GB/T 39046 渠道代码 1 到 7");
	if (in->text != NULL) {
		n = utf8_strlen(in->text);
		if (n == (size_t)-1)
			return err_field(e, ERR_INVALID, "text", "invalid_utf8",
			    "文字评价含有无效字符");
		if (n > RATING_TEXT_CHARS)
			return err_field(e, ERR_INVALID, "text", "too_long",
			    "文字评价不能超过 %d 个字", RATING_TEXT_CHARS);
	}
	if (in->dims != NULL && !json_is_array(in->dims))
		return err_field(e, ERR_INVALID, "dims", "bad_dims",
		    "评价内容须为代码列表");
	if (in->dims != NULL && json_array_size(in->dims) > RATING_MAX_DIMS)
		return err_field(e, ERR_INVALID, "dims", "too_many",
		    "评价内容最多 %d 项", RATING_MAX_DIMS);
	*dims_out = json_array();
	json_array_foreach(in->dims, i, v) {
		const char *code = json_string_value(v);
		size_t used = strlen(dims_csv);

		if (rating_dim_label(code) == NULL) {
			json_decref(*dims_out);
			*dims_out = NULL;
			return err_field(e, ERR_INVALID, "dims", "bad_dim",
			    "未知的评价内容代码：%s", code != NULL ? code : "");
		}
		json_array_append_new(*dims_out, json_string(code));
		snprintf(dims_csv + used, 128 - used, "%s%s", used ? "," : "",
		    code);
	}
	return 0;
}

/* ---- the upload of a rating ---- */

static int
upload_rating(struct ctx *c, int64_t rid, const struct case_facts *f,
    const struct rating_in *in, const char *channel, int number,
    const char *dims_csv, bool is_default, int64_t at, struct err *e)
{
	char key[96], tcode[16];
	json_t *p;
	int rc;

	snprintf(key, sizeof(key), "%s-rating-%" PRId64,
	    config_str("rating.region_code"), rid);
	rating_time_code(at, tcode);
	p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
	    "idemKey", key, "recordType", "evaluation",
	    "projectNo", f->case_no, "taskCode", f->impl_code,
	    "taskName", f->item_name, "proStatus", f->closed ? "3" : "2",
	    "proDepart", f->dept_name, "proManager", f->staff_name,
	    "pf", channel, "satisfaction", rating_level_code(in->level),
	    "evalDetail", dims_csv, "writingEvaluation",
	    in->text != NULL ? in->text : "", "assessTime", tcode,
	    "assessNumber", number, "userName", in->anonymous ? "" : f->name,
	    "userProp", strcmp(f->kind, "E") == 0 ? "2" : "1",
	    "anonymityFlag", in->anonymous ? "1" : "0",
	    "areaCode", config_str("rating.region_code"),
	    "acceptDate", f->accepted_day, "windowNo", f->window_no,
	    "workNo", f->staff_login, "dataSource", "onetrip",
	    "defaultFlag", is_default);
	rc = outbox_enqueue(c, "upload", "rating", key, p, e);
	json_decref(p);
	return rc;
}

/* ---- creating a rating ---- */

struct create_tx {
	struct ctx *c;
	int64_t case_id;
	const struct rating_in *in;
	bool token;          /* the QR path: the bearer is the applicant */
	bool is_default;     /* the default rating of the sweeper */
	const char *channel;
	int64_t id, rater_id;
	int number;
	char dims_csv[128];
	json_t *dims;
};

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct create_tx *t = arg;
	struct case_facts f;
	struct rating_facts rf;
	enum rating_step step;
	enum rating_refusal why;
	char day[11], idbuf[24], *dims_text;
	struct db_stmt *s;
	int64_t now = clock_now();
	json_t *sum;
	bool bad;
	int rc;

	rc = facts_load(db, t->case_id, &f, e);
	if (rc != 0)
		return rc;
	if (!t->token && !t->is_default && !is_applicant(t->c->actor, &f)) {
		if (t->c->actor->kind == ACTOR_PERSON ||
		    t->c->actor->kind == ACTOR_ENTERPRISE)
			return err_set(e, ERR_NOT_FOUND, "case_not_found",
			    "办件不存在");
		return err_set(e, ERR_FORBIDDEN, "not_applicant",
		    "%s", rating_refusal_message(RATING_NOT_APPLICANT));
	}
	rf.is_applicant = true;
	rf.accepted = f.accepted;
	rf.closed = f.closed;
	rf.has_result = f.has_result;
	rf.count = f.count;
	step = t->in->step != NULL ? rating_step_parse(t->in->step) :
	    step_of(&f);
	why = rating_may_rate(&rf, step);
	if (why == RATING_BAD_STEP)
		return err_field(e, ERR_INVALID, "step", "bad_step", "%s",
		    rating_refusal_message(why));
	if (why != RATING_OK)
		return err_set(e, ERR_CONFLICT, why == RATING_TOO_MANY ?
		    "rating_limit" : "step_not_reached", "%s",
		    rating_refusal_message(why));
	t->number = f.count + 1;
	t->rater_id = f.applicant_id;
	bad = rating_level_bad(t->in->level);
	clock_date(now, day);
	dims_text = json_dumps(t->dims, JSON_COMPACT);
	if (dims_text == NULL)
		return err_internal(e, "rating: out of memory");
	s = db_query(db, e, "INSERT INTO ratings (case_id, assess_number, step, "
	    "level, bad, dims, text, channel, anonymous, is_default, item_id, "
	    "dept_id, window_id, staff_id, rater_id, created_at, day) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), "
	    "NULLIF(?, 0), ?, ?) RETURNING id", "iIsIIsssIIiiiiiis", f.id,
	    t->number, rating_step_name(step), t->in->level, bad ? 1 : 0,
	    dims_text, t->in->text != NULL ? t->in->text : "", t->channel,
	    t->in->anonymous ? 1 : 0, t->is_default ? 1 : 0, f.item_id,
	    f.dept_id, f.window_id, f.staff_id, f.applicant_id, now, day);
	free(dims_text);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc == -ERR_CONFLICT) {
		err_clear(e);
		return err_set(e, ERR_CONFLICT, "rating_limit", "%s",
		    rating_refusal_message(RATING_TOO_MANY));
	}
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "rating: no id");
	if (bad) {
		rc = rating_loop_open(t->c, t->id, f.id, f.dept_id, e);
		if (rc != 0)
			return rc;
	}
	rc = upload_rating(t->c, t->id, &f, t->in, t->channel, t->number,
	    t->dims_csv, t->is_default, now, e);
	if (rc != 0)
		return rc;
	sum = json_pack("{s:I, s:I, s:s, s:i, s:i, s:s, s:O, s:b, s:b}",
	    "rating_id", (json_int_t)t->id, "case_id", (json_int_t)f.id,
	    "step", rating_step_name(step), "level", t->in->level,
	    "assess_number", t->number, "channel", t->channel, "dims", t->dims,
	    "anonymous", t->in->anonymous, "default", t->is_default);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, t->is_default ? "rating.default" :
	    "rating.create", "rating", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static int rating_get_one(struct ctx *c, int64_t id, json_t **out,
    struct err *e);

static int
create_common(struct ctx *c, int64_t case_id, const struct rating_in *in,
    bool token, bool is_default, json_t **out, struct err *e)
{
	struct create_tx t;
	int rc;

	if (out != NULL)
		*out = NULL;
	memset(&t, 0, sizeof(t));
	rc = check_in(in, token || is_default, t.dims_csv, &t.dims, e);
	if (rc != 0)
		return rc;
	t.c = c;
	t.case_id = case_id;
	t.in = in;
	t.token = token;
	t.is_default = is_default;
	t.channel = is_default ? RATING_CHANNEL_DEFAULT : token ? "3" :
	    in->channel;
	rc = db_tx(c->db, create_fn, &t, e);
	json_decref(t.dims);
	if (rc != 0 || out == NULL)
		return rc;
	return rating_get_one(c, t.id, out, e);
}

int
rating_create(struct ctx *c, int64_t case_id, const struct rating_in *in,
    json_t **out, struct err *e)
{
	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_PERSON &&
	    c->actor->kind != ACTOR_ENTERPRISE))
		return err_set(e, ERR_FORBIDDEN, "not_applicant", "%s",
		    rating_refusal_message(RATING_NOT_APPLICANT));
	return create_common(c, case_id, in, false, false, out, e);
}

/* ---- reading ratings ---- */

static json_t *
dims_json(const char *text)
{
	json_t *codes = json_loads(text, 0, NULL), *out = json_array(), *v;
	size_t i;

	json_array_foreach(codes, i, v) {
		const char *l = rating_dim_label(json_string_value(v));

		json_array_append_new(out, json_pack("{s:s, s:s}", "code",
		    json_string_value(v), "label", l != NULL ? l : ""));
	}
	json_decref(codes);
	return out;
}

#define RATING_COLS "r.id, r.case_id, cs.case_no, i.name, d.name, r.step, " \
    "r.level, r.dims, r.text, r.channel, r.anonymous, r.assess_number, " \
    "r.created_at, r.is_default, r.excluded, r.dept_id, " \
    "COALESCE(w.name, ''), COALESCE(u.name, ''), cs.applicant_name, " \
    "COALESCE(l.id, 0), COALESCE(l.stage, ''), r.day, r.bad"
#define RATING_FROM "FROM ratings r JOIN cases cs ON cs.id = r.case_id " \
    "JOIN items i ON i.id = r.item_id JOIN departments d ON d.id = " \
    "r.dept_id LEFT JOIN windows w ON w.id = r.window_id LEFT JOIN users " \
    "u ON u.id = r.staff_id LEFT JOIN rating_loops l ON l.rating_id = r.id "

static json_t *
rating_row_json(struct db_stmt *s, bool show_rater)
{
	const char *ch = db_col_text(s, 9);
	const char *stage = db_col_text(s, 20);
	int level = (int)db_col_int(s, 6);
	bool anon = db_col_int(s, 10) != 0;
	json_t *o;

	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o, "
	    "s:s, s:s, s:s, s:b, s:i, s:I, s:b, s:b, s:I, s:s, s:s, s:s, "
	    "s:b}", "id", (json_int_t)db_col_int(s, 0),
	    "case_id", (json_int_t)db_col_int(s, 1), "case_no",
	    db_col_text(s, 2), "item_name", db_col_text(s, 3), "dept_name",
	    db_col_text(s, 4), "step", db_col_text(s, 5), "step_label",
	    rating_step_label(rating_step_parse(db_col_text(s, 5))), "level",
	    level, "level_label", rating_level_label(level),
	    "dims", dims_json(db_col_text(s, 7)), "text", db_col_text(s, 8),
	    "channel", ch, "channel_label", rating_channel_label(ch) ?
	    rating_channel_label(ch) : "", "anonymous", anon,
	    "assess_number", (int)db_col_int(s, 11), "created_at",
	    (json_int_t)db_col_int(s, 12), "default", db_col_int(s, 13) != 0,
	    "excluded", db_col_int(s, 14) != 0, "dept_id",
	    (json_int_t)db_col_int(s, 15), "window_name", db_col_text(s, 16),
	    "staff_name", db_col_text(s, 17), "day", db_col_text(s, 21),
	    "bad", db_col_int(s, 22) != 0);
	json_object_set_new(o, "rater_name", json_string(anon && !show_rater ?
	    "匿名" : db_col_text(s, 18)));
	if (db_col_int(s, 19) > 0)
		json_object_set_new(o, "loop", json_pack("{s:I, s:s, s:s}",
		    "id", (json_int_t)db_col_int(s, 19), "stage", stage,
		    "stage_label", rating_stage_label(
		    rating_stage_parse(stage))));
	else
		json_object_set_new(o, "loop", json_null());
	return o;
}

static int
rating_get_one(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *s;
	int rc;

	*out = NULL;
	s = db_query(c->db, e, "SELECT " RATING_COLS " " RATING_FROM
	    "WHERE r.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = rating_row_json(s, true);
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "rating_not_found",
		    "评价不存在");
	return rc < 0 ? rc : 0;
}

static void
set_cursor(json_t *out, bool more, int64_t last)
{
	char cur[24];

	if (!more) {
		json_object_set_new(out, "next_cursor", json_null());
		return;
	}
	snprintf(cur, sizeof(cur), "%" PRId64, last);
	json_object_set_new(out, "next_cursor", json_string(cur));
}

static int
clamp_limit(int limit)
{
	if (limit <= 0)
		return LIMIT_PAGE_DEFAULT;
	return limit > LIMIT_PAGE_MAX ? LIMIT_PAGE_MAX : limit;
}

int
rating_list_mine(struct ctx *c, int64_t before_id, int limit, json_t **out,
    struct err *e)
{
	struct db_stmt *s;
	json_t *items;
	int64_t last = 0;
	int rc, n = 0;

	*out = NULL;
	if (c->actor == NULL || (c->actor->kind != ACTOR_PERSON &&
	    c->actor->kind != ACTOR_ENTERPRISE))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有申请人可以查看自己的评价");
	limit = clamp_limit(limit);
	if (before_id <= 0)
		before_id = INT64_MAX;
	items = json_array();
	s = db_query(c->db, e, "SELECT " RATING_COLS " " RATING_FROM
	    "WHERE " ACTOR_APPLICANT_SQL("cs.created_by", "cs.applicant_idno")
	    " AND r.id < ? ORDER BY r.id DESC LIMIT ?", "isiI",
	    c->actor->user_id, actor_claim_idno(c->actor), before_id,
	    limit + 1);
	if (s == NULL) {
		json_decref(items);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW && n < limit) {
		last = db_col_int(s, 0);
		json_array_append_new(items, rating_row_json(s, true));
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	/* The loop's progress of each bad rating. */
	for (size_t i = 0; i < json_array_size(items); i++) {
		json_t *it = json_array_get(items, i);
		json_t *lp = json_object_get(it, "loop"), *steps;

		if (!json_is_object(lp))
			continue;
		steps = rating_loop_steps(c, json_integer_value(
		    json_object_get(lp, "id")), e);
		if (steps == NULL) {
			json_decref(items);
			return err_rc(e);
		}
		json_object_set_new(lp, "steps", steps);
	}
	*out = json_pack("{s:o}", "items", items);
	set_cursor(*out, rc == DB_ROW, last);
	return 0;
}

int
rating_case_state(struct ctx *c, int64_t case_id, json_t **out,
    struct err *e)
{
	struct case_facts f;
	struct rating_facts rf;
	enum rating_refusal why;
	json_t *list;
	int rc;

	*out = NULL;
	rc = facts_load(c->db, case_id, &f, e);
	if (rc != 0)
		return rc;
	if (!is_applicant(c->actor, &f) && !sees_all(c->actor) &&
	    !rating_dept_staff(c->actor, f.dept_id))
		return err_set(e, ERR_NOT_FOUND, "case_not_found", "办件不存在");
	rf.is_applicant = is_applicant(c->actor, &f);
	rf.accepted = f.accepted;
	rf.closed = f.closed;
	rf.has_result = f.has_result;
	rf.count = f.count;
	why = rating_may_rate(&rf, step_of(&f));
	list = db_query_json(c->db, e, "SELECT id, step, level, assess_number, "
	    "created_at FROM ratings WHERE case_id = ? ORDER BY id", "i",
	    case_id);
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:I, s:s, s:b, s:s, s:s, s:s, s:o}", "case_id",
	    (json_int_t)case_id, "case_no", f.case_no, "can_rate",
	    why == RATING_OK, "step", rating_step_name(step_of(&f)),
	    "step_label", rating_step_label(step_of(&f)), "reason",
	    rating_refusal_message(why), "ratings", list);
	return 0;
}

/* ---- the window QR token ---- */

struct key_tx {
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
};

/* Decodes the key row's hex into t->key. */
static int
key_decode(json_t *row, struct key_tx *t, struct err *e)
{
	const char *h = json_string_value(json_object_get(row, "key_hex"));
	size_t bin = 0;

	if (h == NULL || sodium_hex2bin(t->key, sizeof(t->key), h, strlen(h),
	    NULL, &bin, NULL) != 0 || bin != sizeof(t->key))
		return err_internal(e, "rating: bad token key");
	return 0;
}

static int
key_fn(struct db *db, void *arg, struct err *e)
{
	struct key_tx *t = arg;
	unsigned char fresh[crypto_auth_hmacsha256_KEYBYTES];
	char hex[2 * sizeof(fresh) + 1];
	json_t *row;
	int rc;

	randombytes_buf(fresh, sizeof(fresh));
	sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
	rc = db_exec(db, e, "INSERT INTO rating_token_keys (id, key_hex, "
	    "created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING", "si",
	    hex, clock_now());
	if (rc != 0)
		return rc;
	row = db_query_row(db, e, "SELECT key_hex FROM rating_token_keys WHERE "
	    "id = 1", "");
	if (row == NULL)
		return err_rc(e);
	rc = key_decode(row, t, e);
	json_decref(row);
	return rc;
}

/* The token key: read, and made in a write transaction only the first
 * time (a notice's rating link is drawn for every 受理通知书, and a
 * transaction per notice cost the renderer a commit and a WAL sync). */
static int
token_key(struct ctx *c, struct key_tx *t, struct err *e)
{
	json_t *row;
	int rc;

	row = db_query_row(c->db, e, "SELECT key_hex FROM rating_token_keys "
	    "WHERE id = 1", "");
	if (row == NULL && e->code != ERR_NOT_FOUND)
		return err_rc(e);
	if (row == NULL) {
		err_clear(e);
		return db_tx(c->db, key_fn, t, e);
	}
	rc = key_decode(row, t, e);
	json_decref(row);
	return rc;
}

static void
token_mac(const unsigned char *key, int64_t case_id, int64_t exp,
    char out[TOKEN_MAC_HEX + 1])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char msg[64];

	snprintf(msg, sizeof(msg), "rating:%" PRId64 ":%" PRId64, case_id, exp);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg),
	    key);
	sodium_bin2hex(out, TOKEN_MAC_HEX + 1, mac, TOKEN_MAC_HEX / 2);
}

/* Checks a token "<case>-<exp>-<mac>" (no dot: the page path must not
 * look like a file name); *case_id when valid. */
static int
token_check(struct ctx *c, const char *token, int64_t *case_id,
    int64_t *exp, struct err *e)
{
	struct key_tx k;
	char mac[TOKEN_MAC_HEX + 1], given[TOKEN_MAC_HEX + 1];
	long long cid = 0, ex = 0;
	int used = 0, rc;

	if (token == NULL || strlen(token) > RATING_TOKEN_MAX ||
	    sscanf(token, "%lld-%lld-%32[0-9a-f]%n", &cid, &ex, given,
	    &used) != 3 || (size_t)used != strlen(token) || cid <= 0)
		return err_set(e, ERR_NOT_FOUND, "bad_token",
		    "评价二维码无效，请向窗口工作人员重新获取");
	rc = token_key(c, &k, e);
	if (rc != 0)
		return rc;
	token_mac(k.key, cid, ex, mac);
	sodium_memzero(&k, sizeof(k));
	if (strlen(given) != TOKEN_MAC_HEX ||
	    sodium_memcmp(mac, given, TOKEN_MAC_HEX) != 0)
		return err_set(e, ERR_NOT_FOUND, "bad_token",
		    "评价二维码无效，请向窗口工作人员重新获取");
	if (ex < clock_now())
		return err_set(e, ERR_NOT_FOUND, "token_expired",
		    "评价二维码已过期，请向窗口工作人员重新获取");
	*case_id = cid;
	*exp = ex;
	return 0;
}

static char *
qr_svg(const char *text, struct err *e)
{
	unsigned char *mod = NULL;
	struct buf b;
	int w = 0;
	char *out;

	if (qr_matrix(text, &mod, &w, e) < 0)
		return NULL;
	buf_init(&b, (size_t)1 << 20);
	buf_appendf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
	    "%d %d\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	    "height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"", w + 4,
	    w + 4, w + 4, w + 4);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (mod[y * w + x])
				buf_appendf(&b, "M%d %dh1v1h-1z", x + 2, y + 2);
	buf_appendf(&b, "\"/></svg>");
	free(mod);
	out = buf_detach(&b, NULL);
	return out;
}

/* The rating page's link for case_id, valid until exp. */
static int
token_link(struct ctx *c, int64_t case_id, int64_t exp,
    char token[RATING_TOKEN_MAX], char *url, size_t url_size, struct err *e)
{
	const char *base = c->cfg != NULL && c->cfg->public_url != NULL ?
	    c->cfg->public_url : "";
	char mac[TOKEN_MAC_HEX + 1];
	struct key_tx k;
	int rc;

	rc = token_key(c, &k, e);
	if (rc != 0)
		return rc;
	token_mac(k.key, case_id, exp, mac);
	sodium_memzero(&k, sizeof(k));
	snprintf(token, RATING_TOKEN_MAX, "%" PRId64 "-%" PRId64 "-%s",
	    case_id, exp, mac);
	snprintf(url, url_size, "%s/rate/%s", base, token);
	return 0;
}

int
rating_notice_link(struct ctx *c, int64_t case_id, const char *doc_date,
    char *url, size_t url_size, char *caption, size_t caption_size,
    struct err *e)
{
	char token[RATING_TOKEN_MAX];
	int32_t day;
	int64_t exp;
	int rc;

	rc = calendar_day_parse(doc_date, &day, e);
	if (rc != 0)
		return rc;
	/* Valid to the end of the notice's day plus the setting's days: the
	 * same link whenever the notice is drawn. */
	exp = ((int64_t)(day - calendar_day_from_ymd(1970, 1, 1)) + 1 +
	    config_int("rating.notice_qr_days")) * 86400 - CLOCK_UTC_OFFSET_S;
	rc = token_link(c, case_id, exp, token, url, url_size, e);
	if (rc == 0)
		snprintf(caption, caption_size, "扫码评价本次服务");
	return rc;
}

int
rating_qr_issue(struct ctx *c, int64_t case_id, json_t **out, struct err *e)
{
	struct case_facts f;
	char token[RATING_TOKEN_MAX], url[1024], *svg;
	int64_t exp;
	int rc;

	*out = NULL;
	rc = facts_load(c->db, case_id, &f, e);
	if (rc != 0)
		return rc;
	if (!rating_dept_staff(c->actor, f.dept_id) &&
	    !(c->actor->window_id > 0 && c->actor->window_id == f.window_id) &&
	    !actor_has(c->actor, ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有受理窗口或办理部门的工作人员可以出示评价二维码");
	if (!f.accepted)
		return err_set(e, ERR_CONFLICT, "step_not_reached", "%s",
		    rating_refusal_message(RATING_NOT_ACCEPTED));
	exp = clock_now() + config_int("rating.qr_ttl_seconds");
	rc = token_link(c, case_id, exp, token, url, sizeof(url), e);
	if (rc != 0)
		return rc;
	svg = qr_svg(url, e);
	if (svg == NULL)
		return err_rc(e);
	*out = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "token", token,
	    "url", url, "expires_at", (json_int_t)exp, "svg", svg, "case_no",
	    f.case_no, "step", rating_step_name(step_of(&f)));
	free(svg);
	return 0;
}

int
rating_token_open(struct ctx *c, const char *token, json_t **out,
    struct err *e)
{
	struct case_facts f;
	struct rating_facts rf;
	enum rating_refusal why;
	int64_t case_id = 0, exp = 0;
	int rc;

	*out = NULL;
	rc = token_check(c, token, &case_id, &exp, e);
	if (rc == 0)
		rc = facts_load(c->db, case_id, &f, e);
	if (rc != 0)
		return rc;
	rf.is_applicant = true;
	rf.accepted = f.accepted;
	rf.closed = f.closed;
	rf.has_result = f.has_result;
	rf.count = f.count;
	why = rating_may_rate(&rf, step_of(&f));
	*out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:I}",
	    "case_no", f.case_no, "item_name", f.item_name, "dept_name",
	    f.dept_name, "window_no", f.window_no, "step",
	    rating_step_name(step_of(&f)), "step_label",
	    rating_step_label(step_of(&f)), "can_rate", why == RATING_OK,
	    "reason", rating_refusal_message(why), "expires_at",
	    (json_int_t)exp);
	return 0;
}

int
rating_token_rate(struct ctx *c, const char *token,
    const struct rating_in *in, json_t **out, struct err *e)
{
	int64_t case_id = 0, exp = 0;
	json_t *full = NULL;
	int rc;

	*out = NULL;
	rc = token_check(c, token, &case_id, &exp, e);
	if (rc != 0)
		return rc;
	rc = create_common(c, case_id, in, true, false, &full, e);
	if (rc != 0)
		return rc;
	/* The bearer is shown only what they gave. */
	*out = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id",
	    json_object_get(full, "id"), "level", json_object_get(full,
	    "level"), "level_label", json_object_get(full, "level_label"),
	    "assess_number", json_object_get(full, "assess_number"), "step",
	    json_object_get(full, "step"));
	json_decref(full);
	return 0;
}

/* ---- lists and figures for staff ---- */

static int
staff_scope(const struct actor *a, int64_t *dept, struct err *e)
{
	if (sees_all(a))
		return 0;
	if (a == NULL || !actor_has(a, ROLE_DEPT_ADMIN | ROLE_APPROVER |
	    ROLE_CLERK) || a->dept_id <= 0)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看评价");
	if (*dept != 0 && *dept != a->dept_id)
		return err_field(e, ERR_FORBIDDEN, "dept_id", NULL,
		    "只能查看本部门的评价");
	*dept = a->dept_id;
	return 0;
}

/* "" or a day YYYY-MM-DD. */
static int
day_filter(const char *s, const char *field, struct err *e)
{
	int32_t d;
	struct err tmp;

	if (s[0] == '\0' || calendar_day_parse(s, &d, &tmp) == 0)
		return 0;
	return err_field(e, ERR_INVALID, field, "bad_date",
	    "日期格式应为 YYYY-MM-DD");
}

int
rating_list(struct ctx *c, const struct rating_query *q, json_t **out,
    struct err *e)
{
	int64_t dept = q->dept_id, before = q->before_id, last = 0;
	const char *month = q->month != NULL && q->month[0] ? q->month : NULL;
	const char *from = q->from != NULL ? q->from : "";
	const char *to = q->to != NULL ? q->to : "";
	struct db_stmt *s;
	json_t *items;
	int rc, n = 0, limit = clamp_limit(q->limit);

	*out = NULL;
	rc = staff_scope(c->actor, &dept, e);
	if (rc != 0)
		return rc;
	rc = day_filter(from, "from", e);
	if (rc == 0)
		rc = day_filter(to, "to", e);
	if (rc != 0)
		return rc;
	if (before <= 0)
		before = INT64_MAX;
	items = json_array();
	s = db_query(c->db, e, "SELECT " RATING_COLS " " RATING_FROM
	    "WHERE r.id < ? AND (? = 0 OR r.dept_id = ?) AND (? = 0 OR "
	    "r.window_id = ?) AND (? = 0 OR r.staff_id = ?) AND (? = 0 OR "
	    "r.item_id = ?) AND (CAST(? AS TEXT) IS NULL OR SUBSTR(r.day, 1, 7) "
	    "= ?) AND (? = 0 OR r.bad = 1) AND (? = 0 OR r.excluded = 0) AND "
	    "(? = '' OR r.day >= ?) AND (? = '' OR r.day <= ?) ORDER BY r.id "
	    "DESC LIMIT ?",
	    "iiiiiiiiissIIssssI", before, dept, dept, q->window_id,
	    q->window_id, q->staff_id, q->staff_id, q->item_id, q->item_id,
	    month, month, q->bad_only ? 1 : 0, q->counted_only ? 1 : 0, from,
	    from, to, to, limit + 1);
	if (s == NULL) {
		json_decref(items);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW && n < limit) {
		last = db_col_int(s, 0);
		json_array_append_new(items, rating_row_json(s, false));
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o}", "items", items);
	set_cursor(*out, rc == DB_ROW, last);
	return 0;
}

static json_t *
stat_row(const char *key, const char *label, int64_t cnt, int64_t sum,
    int64_t sat, int64_t bad)
{
	double avg = cnt > 0 ? (double)sum / (double)cnt : 0;
	double rate = cnt > 0 ? 100.0 * (double)sat / (double)cnt : 0;

	return json_pack("{s:s, s:s, s:I, s:f, s:I, s:I, s:f}", "key", key,
	    "label", label, "count", (json_int_t)cnt, "avg",
	    (double)((int64_t)(avg * 100 + 0.5)) / 100.0, "satisfied",
	    (json_int_t)sat, "bad", (json_int_t)bad, "rate",
	    (double)((int64_t)(rate * 10 + 0.5)) / 10.0);
}

int
rating_stats(struct ctx *c, const char *by, const char *month_from,
    const char *month_to, json_t **out, struct err *e)
{
	int64_t dept = 0, tc = 0, ts = 0, tsat = 0, tbad = 0;
	struct db_stmt *s;
	json_t *items;
	int rc, mode;

	*out = NULL;
	rc = staff_scope(c->actor, &dept, e);
	if (rc != 0)
		return rc;
	if (by == NULL || by[0] == '\0')
		by = "dept";
	mode = strcmp(by, "dept") == 0 ? 0 : strcmp(by, "window") == 0 ? 1 :
	    strcmp(by, "staff") == 0 ? 2 : strcmp(by, "item") == 0 ? 3 :
	    strcmp(by, "month") == 0 ? 4 : -1;
	if (mode < 0)
		return err_field(e, ERR_INVALID, "by", "bad_by",
		    "统计维度须为 dept、window、staff、item 或 month");
	if (month_from != NULL && month_from[0] == '\0')
		month_from = NULL;
	if (month_to != NULL && month_to[0] == '\0')
		month_to = NULL;
	/* One SQL text per grouping: keys and labels differ. */
	s = db_query(c->db, e, "SELECT CASE CAST(? AS INTEGER) WHEN 0 THEN CAST(r.dept_id AS "
	    "TEXT) WHEN 1 THEN CAST(COALESCE(r.window_id, 0) AS TEXT) WHEN 2 "
	    "THEN CAST(COALESCE(r.staff_id, 0) AS TEXT) WHEN 3 THEN "
	    "CAST(r.item_id AS TEXT) ELSE SUBSTR(r.day, 1, 7) END AS k, "
	    "MIN(CASE CAST(? AS INTEGER) WHEN 0 THEN d.name WHEN 1 THEN COALESCE(w.name, "
	    "'网上办理') WHEN 2 THEN COALESCE(u.name, '（未记录）') WHEN 3 THEN "
	    "i.name ELSE SUBSTR(r.day, 1, 7) END), COUNT(*), SUM(r.level), "
	    "SUM(CASE WHEN r.level >= 3 THEN 1 ELSE 0 END), "
	    "SUM(r.bad) FROM ratings r JOIN departments d ON d.id = r.dept_id "
	    "JOIN items i ON i.id = r.item_id LEFT JOIN windows w ON w.id = "
	    "r.window_id LEFT JOIN users u ON u.id = r.staff_id WHERE "
	    "r.excluded = 0 AND (? = 0 OR r.dept_id = ?) AND (CAST(? AS TEXT) "
	    "IS NULL OR SUBSTR(r.day, 1, 7) >= ?) AND (CAST(? AS TEXT) IS NULL "
	    "OR SUBSTR(r.day, 1, 7) <= ?) GROUP BY k ORDER BY k", "IIiissss",
	    mode, mode, dept, dept, month_from, month_from, month_to, month_to);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		int64_t cnt = db_col_int(s, 2), sum = db_col_int(s, 3);
		int64_t sat = db_col_int(s, 4), bad = db_col_int(s, 5);

		json_array_append_new(items, stat_row(db_col_text(s, 0),
		    db_col_text(s, 1), cnt, sum, sat, bad));
		tc += cnt;
		ts += sum;
		tsat += sat;
		tbad += bad;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:s, s:o, s:o}", "by", by, "items", items, "total",
	    stat_row("", "合计", tc, ts, tsat, tbad));
	return 0;
}

/* ---- the default rating ---- */

int
rating_default_sweep(struct ctx *c, int *count, struct err *e)
{
	int64_t days = config_int("rating.default_days");
	struct rating_in in;
	json_t *ids;
	size_t i;
	json_t *v;

	*count = 0;
	if (days <= 0)
		return 0;
	ids = db_query_json(c->db, e, "SELECT c.id FROM cases c WHERE "
	    "c.closed_at IS NOT NULL AND c.closed_at < ? AND c.decision IS NOT "
	    "NULL AND c.accepted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	    "ratings r WHERE r.case_id = c.id) ORDER BY c.id LIMIT 200", "i",
	    clock_now() - days * 86400);
	if (ids == NULL)
		return err_rc(e);
	memset(&in, 0, sizeof(in));
	in.level = 3;
	in.step = "result";
	json_array_foreach(ids, i, v) {
		struct err me;
		int64_t id = json_integer_value(json_object_get(v, "id"));

		err_clear(&me);
		if (create_common(c, id, &in, false, true, NULL, &me) == 0)
			(*count)++;
	}
	json_decref(ids);
	return 0;
}
