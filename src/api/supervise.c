/* supervise.c - supervision (督查): problem tickets, 亲商助企日, the desk,
 * notices, leaders' sittings, the 体外循环 check and assessments. Handlers
 * parse and call service/supervise, which decides who may do what.
 *
 *   GET  /api/supervise/tickets?status=&source=&dept_id=&window_id=&item_id=
 *        &from=&to=&case_id=&overdue=1&escalated=1&ref_type=&ref_id=&cursor=
 *        &limit= -> {items, next_cursor}
 *   POST /api/supervise/tickets {source, dept_id, other_dept_ids?, title?,
 *        problem, promised_day?, case_id?, item_id?, window_id?, ref_type?,
 *        ref_id?} (supervisor)
 *   GET  /api/supervise/tickets/:id -> ticket with depts and events
 *   POST /api/supervise/tickets/:id/answer {reason, measures, promised_day?}
 *   POST /api/supervise/tickets/:id/extend {new_day, reason} -> request
 *   POST /api/supervise/tickets/:id/resolve {result}
 *   POST /api/supervise/tickets/:id/rate {rating, comment?} (the reporter)
 *   POST /api/supervise/tickets/:id/close {note} (supervisor)
 *   GET  /api/supervise/qinshang -> {items}
 *   POST /api/supervise/qinshang {day, host, enterprises, notes?,
 *        problems:[{dept_id, problem, title?, promised_day?}]} (supervisor)
 *   GET  /api/supervise/desk?dept_id=&window_id=&item_id=&from=&to=
 *   GET  /api/supervise/desk/cases?kind=yellow|red|stalled|extended&...
 *   GET  /api/supervise/notices?status=&dept_id=&window_id=&item_id=&from=
 *        &to=&open=1&overdue=1 | POST {..., item_id?, window_id?} (supervisor)
 *   GET  /api/supervise/notices/:id
 *   POST /api/supervise/notices/:id/answer {measures, evidence:[sha256]}
 *   POST /api/supervise/notices/:id/accept|return {dept_id, comment}
 *   POST /api/supervise/notices/:id/publish; GET .../pdf (通报批评)
 *   GET  /api/supervise/sittings?quarter=YYYY-Qn | POST {kind, dept_id,
 *        leader_name, leader_title, day, window_id?, item_id?, steps?,
 *        minutes?, trips?, findings?, problems:[{problem, title?}]}
 *   GET  /api/supervise/volumes?month=YYYY-MM&dept_id= -> the 体外循环 check
 *   POST /api/supervise/volumes {month, rows:[{item_id, volume}]}
 *   POST /api/supervise/volumes/import {csv} (月份,实施编码,[办理项编码,]办件量)
 *   GET  /api/supervise/quick-cases?dept_id=&from=&to= (补录 after the fact)
 *   GET  /api/supervise/evidence?dept_id= | POST ?measure=&note=&name= with
 *        the file as the raw body (dept_admin)
 *   POST /api/supervise/evidence/:id/accept|reject; GET .../file
 *   GET  /api/supervise/assessments?dept_id= | POST {dept_id, period,
 *        deadline_day} (supervisor; findings become a notice)
 *   GET  /api/supervise/assessments/preview?dept_id=&period=YYYY-Qn */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "service/supervise/supervise.h"

#define SV_BODY_MAX 262144

/* http_reply() after the service call: out is read only once it returned
 * (the order in which a call's arguments are evaluated is unspecified). */
static void
reply(struct http_resp *w, int rc, int status, json_t **out,
    const struct err *e)
{
	http_reply(w, rc, status, *out, e);
}

static bool
query_flag(struct http_req *r, const char *name)
{
	const char *v = http_query(r, name);

	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

static void
get_tickets(struct http_req *r, struct http_resp *w)
{
	struct supervise_ticket_q q;
	int64_t limit = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.status = http_query(r, "status");
	q.source = http_query(r, "source");
	q.ref_type = http_query(r, "ref_type");
	q.overdue = query_flag(r, "overdue");
	q.escalated = query_flag(r, "escalated");
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	if (!http_query_uint(r, "dept_id", INT64_MAX, &q.dept_id, &e) ||
	    !http_query_uint(r, "window_id", INT64_MAX, &q.window_id, &e) ||
	    !http_query_uint(r, "item_id", INT64_MAX, &q.item_id, &e) ||
	    !http_query_uint(r, "case_id", INT64_MAX, &q.case_id, &e) ||
	    !http_query_uint(r, "ref_id", INT64_MAX, &q.ref_id, &e) ||
	    !http_query_uint(r, "cursor", INT64_MAX, &q.before_id, &e) ||
	    !http_query_uint(r, "limit", LIMIT_PAGE_MAX, &limit, &e)) {
		http_error(w, &e);
		return;
	}
	q.limit = (int)limit;
	reply(w, supervise_ticket_list(r->ctx, &q, &out, &e), 200, &out, &e);
}

static void
post_ticket(struct http_req *r, struct http_resp *w)
{
	struct supervise_ticket_in in;
	int64_t others[SUPERVISE_MAX_DEPTS];
	const json_t *od;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&in, 0, sizeof(in));
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "source", HTTP_BODY_REQUIRED, &in.source, &e) ||
	    !http_body_uint(r, "dept_id", HTTP_BODY_REQUIRED, &in.dept_id,
	    &e) ||
	    !http_body_str(r, "title", 0, &in.title, &e) ||
	    !http_body_str(r, "problem", 0, &in.problem, &e) ||
	    !http_body_str(r, "promised_day", 0, &in.promised_day, &e) ||
	    !http_body_uint(r, "case_id", 0, &in.case_id, &e) ||
	    !http_body_uint(r, "item_id", 0, &in.item_id, &e) ||
	    !http_body_uint(r, "window_id", 0, &in.window_id, &e) ||
	    !http_body_str(r, "ref_type", 0, &in.ref_type, &e) ||
	    !http_body_uint(r, "ref_id", 0, &in.ref_id, &e))
		goto fail;
	od = json_object_get(r->json, "other_dept_ids");
	if (od != NULL && !json_is_null(od)) {
		size_t i;
		json_t *v;

		if (!json_is_array(od) ||
		    json_array_size(od) >= SUPERVISE_MAX_DEPTS) {
			err_field(&e, ERR_INVALID, "other_dept_ids", "bad_type",
			    "协办部门应为部门编号数组，最多 %d 个",
			    SUPERVISE_MAX_DEPTS - 1);
			goto fail;
		}
		json_array_foreach(od, i, v) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0) {
				err_field(&e, ERR_INVALID, "other_dept_ids",
				    "bad_type", "协办部门应为部门编号数组");
				goto fail;
			}
			others[in.n_other++] = json_integer_value(v);
		}
		in.other_depts = others;
	}
	if (in.case_id > 0 && in.ref_type == NULL) {
		in.ref_type = "case";
		in.ref_id = in.case_id;
	}
	reply(w, supervise_ticket_create(r->ctx, &in, &out, &e), 201, &out,
	    &e);
	return;
fail:
	http_error(w, &e);
}

static bool
ticket_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "ticket_not_found", "问题工单不存在", id,
	    e);
}

static void
get_ticket(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_get(r->ctx, id, &out, &e), 200, &out, &e);
}

static void
post_ticket_answer(struct http_req *r, struct http_resp *w)
{
	const char *reason, *measures, *day;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_str(r, "reason", 0, &reason, &e) ||
	    !http_body_str(r, "measures", 0, &measures, &e) ||
	    !http_body_str(r, "promised_day", 0, &day, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_answer(r->ctx, id, reason, measures,
	    day, &out, &e), 200, &out, &e);
}

static void
post_ticket_extend(struct http_req *r, struct http_resp *w)
{
	const char *day, *reason;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_str(r, "new_day", 0, &day, &e) ||
	    !http_body_str(r, "reason", 0, &reason, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_extend(r->ctx, id, day, reason, &out,
	    &e), 201, &out, &e);
}

static void
post_ticket_resolve(struct http_req *r, struct http_resp *w)
{
	const char *result;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_str(r, "result", 0, &result, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_resolve(r->ctx, id, result, &out, &e),
	    200, &out, &e);
}

static void
post_ticket_rate(struct http_req *r, struct http_resp *w)
{
	const char *comment;
	int64_t rating = 0;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_uint(r, "rating", HTTP_BODY_REQUIRED, &rating, &e) ||
	    !http_body_str(r, "comment", 0, &comment, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_rate(r->ctx, id, rating > 5 ? 0 :
	    (int)rating, comment, &out, &e), 200, &out, &e);
}

static void
post_ticket_close(struct http_req *r, struct http_resp *w)
{
	const char *note;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!ticket_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_str(r, "note", 0, &note, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_ticket_close(r->ctx, id, note, &out, &e), 200,
	    &out, &e);
}

static void
get_qinshang(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	reply(w, supervise_qinshang_list(r->ctx, &out, &e), 200, &out, &e);
}

static void
post_qinshang(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_qinshang_create(r->ctx, r->json, &out, &e),
	    201, &out, &e);
}

static bool
desk_q(struct http_req *r, struct supervise_desk_q *q, struct err *e)
{
	memset(q, 0, sizeof(*q));
	q->from = http_query(r, "from");
	q->to = http_query(r, "to");
	return http_query_uint(r, "dept_id", INT64_MAX, &q->dept_id, e) &&
	    http_query_uint(r, "window_id", INT64_MAX, &q->window_id, e) &&
	    http_query_uint(r, "item_id", INT64_MAX, &q->item_id, e);
}

static void
get_desk(struct http_req *r, struct http_resp *w)
{
	struct supervise_desk_q q;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!desk_q(r, &q, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_desk(r->ctx, &q, &out, &e), 200, &out, &e);
}

static void
get_desk_cases(struct http_req *r, struct http_resp *w)
{
	struct supervise_desk_q q;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!desk_q(r, &q, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_desk_cases(r->ctx, http_query(r, "kind"), &q, &out,
	    &e), 200, &out, &e);
}

static bool
notice_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "notice_not_found", "督查通报不存在", id,
	    e);
}

static void
get_notices(struct http_req *r, struct http_resp *w)
{
	struct supervise_notice_q q;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	memset(&q, 0, sizeof(q));
	q.status = http_query(r, "status");
	q.from = http_query(r, "from");
	q.to = http_query(r, "to");
	q.open = query_flag(r, "open");
	q.overdue = query_flag(r, "overdue");
	if (!http_query_uint(r, "dept_id", INT64_MAX, &q.dept_id, &e) ||
	    !http_query_uint(r, "window_id", INT64_MAX, &q.window_id, &e) ||
	    !http_query_uint(r, "item_id", INT64_MAX, &q.item_id, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_list(r->ctx, &q, &out, &e), 200, &out, &e);
}

static void
post_notice(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_issue(r->ctx, r->json, 0, &out, &e), 201,
	    &out, &e);
}

static void
get_notice(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!notice_id(r, &id, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_get(r->ctx, id, &out, &e), 200, &out, &e);
}

static void
post_notice_answer(struct http_req *r, struct http_resp *w)
{
	const char *measures;
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!notice_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_str(r, "measures", 0, &measures, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_answer(r->ctx, id, measures,
	    json_object_get(r->json, "evidence"), &out, &e), 200, &out, &e);
}

static void
notice_review(struct http_req *r, struct http_resp *w, bool accept)
{
	const char *comment;
	int64_t id, dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!notice_id(r, &id, &e) || !http_body_object(r, &e) ||
	    !http_body_uint(r, "dept_id", HTTP_BODY_REQUIRED, &dept, &e) ||
	    !http_body_str(r, "comment", 0, &comment, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_review(r->ctx, id, dept, accept, comment,
	    &out, &e), 200, &out, &e);
}

static void
post_notice_accept(struct http_req *r, struct http_resp *w)
{
	notice_review(r, w, true);
}

static void
post_notice_return(struct http_req *r, struct http_resp *w)
{
	notice_review(r, w, false);
}

static void
post_notice_publish(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!notice_id(r, &id, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_notice_publish(r->ctx, id, &out, &e), 200, &out,
	    &e);
}

static void
get_notice_pdf(struct http_req *r, struct http_resp *w)
{
	char name[256], fallback[64];
	uint64_t size = 0;
	int64_t id;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (!notice_id(r, &id, &e) ||
	    supervise_notice_pdf(r->ctx, id, &fd, &size, name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = "application/pdf";
	snprintf(fallback, sizeof(fallback), "notice-%lld.pdf", (long long)id);
	http_add_disposition(r, w, "attachment", name, fallback);
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
get_sittings(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	reply(w, supervise_sitting_list(r->ctx, http_query(r, "quarter"), &out,
	    &e), 200, &out, &e);
}

static void
post_sitting(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_sitting_create(r->ctx, r->json, &out, &e), 201,
	    &out, &e);
}

static void
get_volumes(struct http_req *r, struct http_resp *w)
{
	int64_t dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_volume_check(r->ctx, http_query(r, "month"), dept,
	    &out, &e), 200, &out, &e);
}

static void
post_volumes(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_volume_report(r->ctx, r->json, &out, &e), 201,
	    &out, &e);
}

static void
post_volumes_import(struct http_req *r, struct http_resp *w)
{
	const char *csv;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "csv", HTTP_BODY_REQUIRED, &csv, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_volume_import(r->ctx, csv, &out, &e), 201, &out,
	    &e);
}

static void
get_quick_cases(struct http_req *r, struct http_resp *w)
{
	struct supervise_desk_q q;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!desk_q(r, &q, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_quick_cases(r->ctx, &q, &out, &e), 200, &out, &e);
}

static void
get_evidence(struct http_req *r, struct http_resp *w)
{
	int64_t dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_evidence_list(r->ctx, dept, &out, &e), 200, &out,
	    &e);
}

/* The file is the raw body; measure, note and name are query arguments. */
static void
post_evidence(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	reply(w, supervise_evidence_upload(r->ctx, http_query(r, "measure"),
	    http_query(r, "note"), r->body, r->body_len, http_query(r, "name"),
	    &out, &e), 201, &out, &e);
}

static bool
evidence_id(struct http_req *r, int64_t *id, struct err *e)
{
	return http_path_id(r, "id", "evidence_not_found", "佐证材料不存在",
	    id, e);
}

static void
evidence_review(struct http_req *r, struct http_resp *w, bool accept)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;

	err_clear(&e);
	if (!evidence_id(r, &id, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_evidence_review(r->ctx, id, accept, &out, &e), 200,
	    &out, &e);
}

static void
post_evidence_accept(struct http_req *r, struct http_resp *w)
{
	evidence_review(r, w, true);
}

static void
post_evidence_reject(struct http_req *r, struct http_resp *w)
{
	evidence_review(r, w, false);
}

static void
get_evidence_file(struct http_req *r, struct http_resp *w)
{
	char ctype[32], name[256], fallback[64];
	uint64_t size = 0;
	int64_t id;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (!evidence_id(r, &id, &e) || supervise_evidence_file(r->ctx, id,
	    &fd, &size, ctype, name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	/* One of three sniffed types: a literal, not stored data. */
	w->content_type = strcmp(ctype, "application/pdf") == 0 ?
	    "application/pdf" : strcmp(ctype, "image/png") == 0 ? "image/png" :
	    strcmp(ctype, "image/jpeg") == 0 ? "image/jpeg" :
	    "application/octet-stream";
	snprintf(fallback, sizeof(fallback), "evidence-%lld%s", (long long)id,
	    strcmp(ctype, "application/pdf") == 0 ? ".pdf" :
	    strcmp(ctype, "image/png") == 0 ? ".png" : ".jpg");
	http_add_disposition(r, w, "attachment", fallback, fallback);
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
get_assessments(struct http_req *r, struct http_resp *w)
{
	int64_t dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_assessment_list(r->ctx, dept, &out, &e), 200, &out,
	    &e);
}

static void
get_assessment_preview(struct http_req *r, struct http_resp *w)
{
	int64_t dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_query_uint(r, "dept_id", INT64_MAX, &dept, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_assessment_preview(r->ctx, dept, http_query(r,
	    "period"), &out, &e), 200, &out, &e);
}

static void
post_assessment(struct http_req *r, struct http_resp *w)
{
	const char *period, *deadline;
	int64_t dept = 0;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_uint(r, "dept_id", HTTP_BODY_REQUIRED, &dept, &e) ||
	    !http_body_str(r, "period", 0, &period, &e) ||
	    !http_body_str(r, "deadline_day", 0, &deadline, &e)) {
		http_error(w, &e);
		return;
	}
	reply(w, supervise_assessment_create(r->ctx, dept, period, deadline,
	    &out, &e), 201, &out, &e);
}

/* Answering for a department; the service checks it is the ticket's. */
#define DEPT_ACTOR (ROLE_APPROVER | ROLE_DEPT_ADMIN)
#define OVERSEER (ROLE_SUPERVISOR | ROLE_HALL_ADMIN | ROLE_SYSADMIN)

const struct route api_supervise_routes[] = {
	{ "GET", "/api/supervise/tickets", get_tickets, ACCESS_LOGIN, 0 },
	{ "POST", "/api/supervise/tickets", post_ticket, ROLE_SUPERVISOR,
	    SV_BODY_MAX },
	{ "GET", "/api/supervise/tickets/:id", get_ticket, ACCESS_LOGIN, 0 },
	{ "POST", "/api/supervise/tickets/:id/answer", post_ticket_answer,
	    DEPT_ACTOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/tickets/:id/extend", post_ticket_extend,
	    DEPT_ACTOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/tickets/:id/resolve", post_ticket_resolve,
	    DEPT_ACTOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/tickets/:id/rate", post_ticket_rate,
	    ACCESS_LOGIN, SV_BODY_MAX },
	{ "POST", "/api/supervise/tickets/:id/close", post_ticket_close,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "GET", "/api/supervise/qinshang", get_qinshang,
	    ROLE_SUPERVISOR | ROLE_HALL_ADMIN | ROLE_SYSADMIN, 0 },
	{ "POST", "/api/supervise/qinshang", post_qinshang, ROLE_SUPERVISOR,
	    SV_BODY_MAX },
	{ "GET", "/api/supervise/desk", get_desk, OVERSEER, 0 },
	{ "GET", "/api/supervise/desk/cases", get_desk_cases, OVERSEER, 0 },
	{ "GET", "/api/supervise/notices", get_notices, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/notices", post_notice, ROLE_SUPERVISOR,
	    SV_BODY_MAX },
	{ "GET", "/api/supervise/notices/:id", get_notice, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/notices/:id/answer", post_notice_answer,
	    DEPT_ACTOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/notices/:id/accept", post_notice_accept,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/notices/:id/return", post_notice_return,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/notices/:id/publish", post_notice_publish,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "GET", "/api/supervise/notices/:id/pdf", get_notice_pdf,
	    ROLE_STAFF_ANY, 0 },
	{ "GET", "/api/supervise/sittings", get_sittings, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/sittings", post_sitting,
	    ROLE_SUPERVISOR | ROLE_DEPT_ADMIN, SV_BODY_MAX },
	{ "GET", "/api/supervise/volumes", get_volumes, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/volumes", post_volumes,
	    ROLE_SUPERVISOR | ROLE_DEPT_ADMIN, SV_BODY_MAX },
	{ "POST", "/api/supervise/volumes/import", post_volumes_import,
	    ROLE_SUPERVISOR | ROLE_DEPT_ADMIN, SV_BODY_MAX },
	{ "GET", "/api/supervise/quick-cases", get_quick_cases, ROLE_STAFF_ANY,
	    0 },
	{ "GET", "/api/supervise/evidence", get_evidence, ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/evidence", post_evidence, ROLE_DEPT_ADMIN,
	    LIMIT_UPLOAD_FILE },
	{ "POST", "/api/supervise/evidence/:id/accept", post_evidence_accept,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "POST", "/api/supervise/evidence/:id/reject", post_evidence_reject,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ "GET", "/api/supervise/evidence/:id/file", get_evidence_file,
	    ROLE_STAFF_ANY, 0 },
	{ "GET", "/api/supervise/assessments", get_assessments, ROLE_STAFF_ANY,
	    0 },
	{ "GET", "/api/supervise/assessments/preview", get_assessment_preview,
	    ROLE_STAFF_ANY, 0 },
	{ "POST", "/api/supervise/assessments", post_assessment,
	    ROLE_SUPERVISOR, SV_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
