/* qinshang.c - 亲商助企日 events: the day, its host, the enterprises met;
 * each problem raised becomes a ticket (source "qinshang"). */
#include "service/supervise/supervise.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "service/supervise/supervise_internal.h"
#include "store/db.h"

struct qinshang_tx {
	struct ctx *c;
	const json_t *in;
	char day[11];
	int64_t id;
	json_t *ticket_ids;
};

static int
qinshang_fn(struct db *db, void *arg, struct err *e)
{
	struct qinshang_tx *t = arg;
	const json_t *probs = json_object_get(t->in, "problems");
	char *ents = json_dumps(json_object_get(t->in, "enterprises"),
	    JSON_COMPACT);
	const char *notes = json_string_value(json_object_get(t->in, "notes"));
	struct db_stmt *s;
	size_t i;
	json_t *p, *sum;
	int rc;

	s = db_query(db, e, "INSERT INTO sv_qinshang_days (day, host, "
	    "enterprises, notes, created_by, created_at) VALUES (?, ?, ?, ?, "
	    "?, ?) RETURNING id", "ssssii", t->day, json_string_value(
	    json_object_get(t->in, "host")), ents, notes != NULL ? notes : "",
	    t->c->actor->user_id, clock_now());
	free(ents);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "qinshang: no id");
	json_array_clear(t->ticket_ids);
	json_array_foreach(probs, i, p) {
		struct supervise_ticket_in in;
		int64_t tid;

		memset(&in, 0, sizeof(in));
		in.source = "qinshang";
		in.ref_type = "qinshang";
		in.ref_id = t->id;
		in.dept_id = json_integer_value(json_object_get(p, "dept_id"));
		in.problem = json_string_value(json_object_get(p, "problem"));
		in.title = json_string_value(json_object_get(p, "title"));
		in.promised_day = json_string_value(json_object_get(p,
		    "promised_day"));
		rc = supervise_ticket_open(t->c, db, &in, &tid, e);
		if (rc != 0)
			return rc;
		json_array_append_new(t->ticket_ids, json_integer(tid));
	}
	sum = json_pack("{s:s, s:O}", "day", t->day, "tickets", t->ticket_ids);
	rc = sv_audit(t->c, "qinshang.record", "qinshang", t->id, sum, e);
	json_decref(sum);
	return rc;
}

int
supervise_qinshang_create(struct ctx *c, const json_t *in, json_t **out,
    struct err *e)
{
	struct qinshang_tx t;
	const json_t *ents = json_object_get(in, "enterprises"),
	    *probs = json_object_get(in, "problems");
	size_t i;
	json_t *v;
	int rc;

	*out = NULL;
	if (!sv_supervisor(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有督查室可以登记亲商助企日活动");
	memset(&t, 0, sizeof(t));
	rc = sv_day(json_string_value(json_object_get(in, "day")), "day",
	    "活动日期", t.day, e);
	if (rc == 0)
		rc = sv_text(json_string_value(json_object_get(in, "host")),
		    "host", "主持单位或领导", LIMIT_NAME_CHARS, true, e);
	if (rc == 0)
		rc = sv_text(json_string_value(json_object_get(in, "notes")),
		    "notes", "活动记录", LIMIT_TEXT_CHARS, false, e);
	if (rc != 0)
		return rc;
	if (!json_is_array(ents) || json_array_size(ents) == 0 ||
	    json_array_size(ents) > 100)
		return err_field(e, ERR_INVALID, "enterprises", "required",
		    "请填写走访的企业（1 至 100 家）");
	json_array_foreach(ents, i, v) {
		rc = sv_text(json_string_value(v), "enterprises", "企业名称",
		    LIMIT_NAME_CHARS, true, e);
		if (rc != 0)
			return rc;
	}
	if (probs != NULL && (!json_is_array(probs) ||
	    json_array_size(probs) > 50))
		return err_field(e, ERR_INVALID, "problems", "bad_problems",
		    "问题清单应为数组，最多 50 条");
	t.c = c;
	t.in = in;
	t.ticket_ids = json_array();
	rc = db_tx(c->db, qinshang_fn, &t, e);
	if (rc != 0) {
		json_decref(t.ticket_ids);
		return rc;
	}
	*out = json_pack("{s:I, s:s, s:o}", "id", (json_int_t)t.id, "day",
	    t.day, "ticket_ids", t.ticket_ids);
	return 0;
}

int
supervise_qinshang_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items;
	size_t i;
	json_t *o;

	*out = NULL;
	if (!sv_overseer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看亲商助企日记录");
	items = db_query_json(c->db, e, "SELECT q.id, q.day, q.host, "
	    "q.enterprises, q.notes, (SELECT count(*) FROM sv_tickets t WHERE "
	    "t.ref_type = 'qinshang' AND t.ref_id = q.id) AS tickets, "
	    "(SELECT count(*) FROM sv_tickets t WHERE t.ref_type = 'qinshang' "
	    "AND t.ref_id = q.id AND t.status <> 'closed') AS open_tickets "
	    "FROM sv_qinshang_days q ORDER BY q.day DESC, q.id DESC LIMIT 200",
	    "");
	if (items == NULL)
		return err_rc(e);
	json_array_foreach(items, i, o) {
		json_t *ents = json_loads(json_string_value(json_object_get(o,
		    "enterprises")), 0, NULL);

		json_object_set_new(o, "enterprises", ents != NULL ? ents :
		    json_array());
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
