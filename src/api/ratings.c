/* ratings.c - 好差评: rating cases, the window QR, the bad-rating loop, the
 * figures, and the outbox page.
 *
 *   GET  /api/ratings/options (public) -> levels, dims, channels, steps
 *   POST /api/cases/:id/ratings {step?, level, dims, text, channel,
 *        anonymous} (the applicant) -> 201 rating
 *   GET  /api/cases/:id/rating -> {can_rate, step, reason, ratings}
 *   GET  /api/my/ratings?cursor= (applicant) -> {items, next_cursor}
 *   GET  /api/cases/:id/rating-qr (window, department) -> {token, url,
 *        expires_at, svg}
 *   GET  /api/rating-tokens/:token (public) -> the case to rate
 *   POST /api/rating-tokens/:token/rating {level, dims, text, anonymous}
 *        (public, the bearer of the token) -> 201
 *   GET  /api/ratings?dept_id=&window_id=&staff_id=&item_id=&month=&from=
 *        &to=&bad=&counted=1 (counted: without ratings excluded by an appeal)
 *        (department staff: own; hall admin, supervisor: all)
 *   GET  /api/ratings/stats?by=dept|window|staff|item|month&from=&to=
 *   GET  /api/rating-loops?stage=&open=1&overdue=1&past_due=1&dept_id=
 *        &window_id=&item_id=&from=&to=&cursor=
 *   GET  /api/rating-loops/summary (hall admin, supervisor)
 *   GET  /api/rating-loops/:id
 *   POST /api/rating-loops/:id/:action (valid, claim, rectify,
 *        rectify_done, extend, feedback, revisit, close, send_back)
 *   GET  /api/rating-appeals?status= (hall admin, department admin)
 *   POST /api/rating-appeals/:id/accept|refuse {comment}
 *   GET  /api/outbox?status=&kind=&cursor= (sysadmin, hall admin)
 *   POST /api/outbox/:id/resend */
#include "http/http.h"

#include <string.h>

#include "base/limits.h"
#include "service/platform/platform.h"
#include "service/rating/rating.h"

#define RATING_BODY_MAX 16384
#define LOOP_BODY_MAX 65536
#define LOOP_ROLES (ROLE_DEPT_ADMIN | ROLE_APPROVER | ROLE_HALL_ADMIN | \
    ROLE_SUPERVISOR)
#define RATING_STAFF (ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | \
    ROLE_HALL_ADMIN | ROLE_SUPERVISOR)

static void
get_options(struct http_req *r, struct http_resp *w)
{
	(void)r;
	http_json(w, 200, rating_options());
}

static bool
read_rating(struct http_req *r, struct rating_in *in, bool token,
    struct err *e)
{
	int64_t level = 0;

	memset(in, 0, sizeof(*in));
	if (!http_body_object(r, e) ||
	    !http_body_uint(r, "level", HTTP_BODY_REQUIRED, &level, e) ||
	    !http_body_str(r, "text", HTTP_BODY_STRICT, &in->text, e) ||
	    !http_body_bool(r, "anonymous", 0, &in->anonymous, e))
		return false;
	if (!token && (!http_body_str(r, "step", HTTP_BODY_STRICT, &in->step,
	    e) || !http_body_str(r, "channel", HTTP_BODY_STRICT, &in->channel,
	    e)))
		return false;
	if (!token && in->channel == NULL)
		in->channel = "1";
	in->level = level > 5 ? 0 : (int)level;
	in->dims = json_object_get(r->json, "dims");
	if (in->dims != NULL && json_is_null(in->dims))
		in->dims = NULL;
	return true;
}

static void
post_rating(struct http_req *r, struct http_resp *w)
{
	struct rating_in in;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "case_not_found", "办件不存在", &id, &e) ||
	    !read_rating(r, &in, false, &e) ||
	    rating_create(r->ctx, id, &in, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 201, out);
}

static void
get_case_rating(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "case_not_found", "办件不存在", &id, &e) ||
	    rating_case_state(r->ctx, id, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_my_ratings(struct http_req *r, struct http_resp *w)
{
	int64_t cursor = 0, limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "cursor", INT64_MAX, &cursor, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e) ||
	    rating_list_mine(r->ctx, cursor, (int)limit, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_qr(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "case_not_found", "办件不存在", &id, &e) ||
	    rating_qr_issue(r->ctx, id, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_token(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (rating_token_open(r->ctx, http_param(r, "token"), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_token_rating(struct http_req *r, struct http_resp *w)
{
	struct rating_in in;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!read_rating(r, &in, true, &e) ||
	    rating_token_rate(r->ctx, http_param(r, "token"), &in, &out,
	    &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 201, out);
}

static void
get_ratings(struct http_req *r, struct http_resp *w)
{
	struct rating_query q;
	int64_t limit = 0, bad = 0, counted = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.month = http_query(r, "month");
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	if (!http_query_uint(r, "dept_id", INT64_MAX, &q.dept_id, &e) ||
	    !http_query_uint(r, "window_id", INT64_MAX, &q.window_id, &e) ||
	    !http_query_uint(r, "staff_id", INT64_MAX, &q.staff_id, &e) ||
	    !http_query_uint(r, "item_id", INT64_MAX, &q.item_id, &e) ||
	    !http_query_uint(r, "bad", 1, &bad, &e) ||
	    !http_query_uint(r, "counted", 1, &counted, &e) ||
	    !http_query_uint(r, "cursor", INT64_MAX, &q.before_id, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	q.bad_only = bad != 0;
	q.counted_only = counted != 0;
	q.limit = (int)limit;
	if (rating_list(r->ctx, &q, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
get_stats(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (rating_stats(r->ctx, http_query(r, "by"), http_query(r, "from"),
	    http_query(r, "to"), &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_loops(struct http_req *r, struct http_resp *w)
{
	struct rating_loop_query q;
	int64_t open = 0, overdue = 0, past_due = 0, limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.stage = http_query(r, "stage");
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	if (!http_query_uint(r, "open", 1, &open, &e) ||
	    !http_query_uint(r, "overdue", 1, &overdue, &e) ||
	    !http_query_uint(r, "past_due", 1, &past_due, &e) ||
	    !http_query_uint(r, "dept_id", INT64_MAX, &q.dept_id, &e) ||
	    !http_query_uint(r, "window_id", INT64_MAX, &q.window_id, &e) ||
	    !http_query_uint(r, "item_id", INT64_MAX, &q.item_id, &e) ||
	    !http_query_uint(r, "cursor", INT64_MAX, &q.before_id, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	q.open = open != 0;
	q.overdue = overdue != 0;
	q.past_due = past_due != 0;
	q.limit = (int)limit;
	if (rating_loop_list(r->ctx, &q, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
get_summary(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (rating_loop_open_steps(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_loop(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "loop_not_found", "差评处置记录不存在", &id,
	    &e) || rating_loop_get(r->ctx, id, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_loop_action(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "loop_not_found", "差评处置记录不存在", &id,
	    &e) || !http_body_object(r, &e) ||
	    rating_loop_act(r->ctx, id, http_param(r, "action"), r->json,
	    &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_appeals(struct http_req *r, struct http_resp *w)
{
	struct request_query q;
	json_t *out = NULL;
	int64_t limit = 0;
	struct err e;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.kind = "rating_appeal";
	q.status = http_query(r, "status");
	q.cursor = http_query(r, "cursor");
	q.forbidden_msg = "无权查看差评申诉";
	if (!http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e))
		goto fail;
	q.limit = (int)limit;
	if (requests_list(r->ctx, &q, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
decide_appeal(struct http_req *r, struct http_resp *w, bool accept)
{
	const char *comment = NULL;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "request_not_found", "申诉不存在", &id, &e) ||
	    !http_body_str(r, "comment", HTTP_BODY_STRICT, &comment, &e))
		goto fail;
	if (!accept && (comment == NULL || comment[0] == '\0')) {
		err_field(&e, ERR_INVALID, "comment", "required",
		    "请填写不予采纳的理由");
		goto fail;
	}
	if (requests_decide(r->ctx, id, "rating_appeal", accept,
	    comment != NULL ? comment : "", &e) != 0 ||
	    requests_get(r->ctx, id, &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_appeal_accept(struct http_req *r, struct http_resp *w)
{
	decide_appeal(r, w, true);
}

static void
post_appeal_refuse(struct http_req *r, struct http_resp *w)
{
	decide_appeal(r, w, false);
}

static void
get_outbox(struct http_req *r, struct http_resp *w)
{
	int64_t cursor = 0, limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "cursor", INT64_MAX, &cursor, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e) ||
	    outbox_status(r->ctx, http_query(r, "kind"), http_query(r,
	    "status"), cursor, (int)limit, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
post_outbox_resend(struct http_req *r, struct http_resp *w)
{
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!http_path_id(r, "id", "outbox_not_found", "消息不存在", &id, &e) ||
	    outbox_resend(r->ctx, id, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id,
	    "queued", 1));
}

const struct route api_ratings_routes[] = {
	{ "GET", "/api/ratings/options", get_options, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/ratings/stats", get_stats, RATING_STAFF, 0 },
	{ "GET", "/api/ratings", get_ratings, RATING_STAFF, 0 },
	{ "POST", "/api/cases/:id/ratings", post_rating, ROLE_APPLICANT,
	    RATING_BODY_MAX },
	{ "GET", "/api/cases/:id/rating", get_case_rating, ACCESS_LOGIN, 0 },
	{ "GET", "/api/cases/:id/rating-qr", get_qr, RATING_STAFF, 0 },
	{ "GET", "/api/my/ratings", get_my_ratings, ROLE_APPLICANT, 0 },
	{ "GET", "/api/rating-tokens/:token", get_token, ACCESS_PUBLIC, 0 },
	{ "POST", "/api/rating-tokens/:token/rating", post_token_rating,
	    ACCESS_PUBLIC, RATING_BODY_MAX },
	{ "GET", "/api/rating-loops/summary", get_summary,
	    ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN, 0 },
	{ "GET", "/api/rating-loops", get_loops, LOOP_ROLES, 0 },
	{ "GET", "/api/rating-loops/:id", get_loop, LOOP_ROLES, 0 },
	{ "POST", "/api/rating-loops/:id/:action", post_loop_action,
	    ROLE_DEPT_ADMIN | ROLE_APPROVER | ROLE_SUPERVISOR, LOOP_BODY_MAX },
	{ "GET", "/api/rating-appeals", get_appeals,
	    ROLE_HALL_ADMIN | ROLE_DEPT_ADMIN | ROLE_SUPERVISOR, 0 },
	{ "POST", "/api/rating-appeals/:id/accept", post_appeal_accept,
	    ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/rating-appeals/:id/refuse", post_appeal_refuse,
	    ROLE_HALL_ADMIN, 0 },
	{ "GET", "/api/outbox", get_outbox, ROLE_SYSADMIN | ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/outbox/:id/resend", post_outbox_resend,
	    ROLE_SYSADMIN | ROLE_HALL_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
