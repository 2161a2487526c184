/* progress.c - the public progress look-up (办件进度查询) and the case's
 * short query code.
 *
 * Anyone may ask for a case by its number or its query code together with
 * the applicant's mobile number or name. A wrong pair and an unknown case
 * answer the same 404, every call counts against the client's limit, and the
 * answer holds nothing personal beyond the masked name: the item, the
 * department, the step, the dates and the state changes. */
#include "service/case/case_internal.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/utf8.h"
#include "store/db.h"

#define PROGRESS_PER_MINUTE 10

static const char QUERY_ALPHABET[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

void
case_query_code_new(char out[CASE_QUERY_CODE_LEN + 1])
{
	size_t n = sizeof(QUERY_ALPHABET) - 1;

	for (int i = 0; i < CASE_QUERY_CODE_LEN; i++)
		out[i] = QUERY_ALPHABET[randombytes_uniform((uint32_t)n)];
	out[CASE_QUERY_CODE_LEN] = '\0';
}

/* The five steps 申请 → 受理 → 审查 → 决定 → 办结 of a state, 0-based. */
int
case_step_of(const char *state)
{
	static const struct { const char *state; int step; } map[] = {
		{ "submitted", 0 }, { "supplement", 0 }, { "rejected", 0 },
		{ "withdrawn", 0 }, { "accepted", 1 }, { "review", 2 },
		{ "suspended", 2 }, { "terminated", 2 }, { "decide", 3 },
		{ "denied", 3 }, { "revoked", 4 }, { "certify", 4 },
		{ "done", 4 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].state, state) == 0)
			return map[i].step;
	return 2;
}

/* "张*", "张**"; an enterprise's name is public and stays whole. */
static void
mask_name(const char *name, char kind, char *out, size_t outsz)
{
	size_t first, chars;

	if (kind == 'E' || name[0] == '\0') {
		snprintf(out, outsz, "%s", name);
		return;
	}
	chars = utf8_strlen(name);
	if (chars == (size_t)-1)
		chars = 1;
	first = ((unsigned char)name[0] & 0xF0u) == 0xF0u ? 4 :
	    ((unsigned char)name[0] & 0xE0u) == 0xE0u ? 3 :
	    ((unsigned char)name[0] & 0xC0u) == 0xC0u ? 2 : 1;
	if (first > strlen(name))
		first = strlen(name);
	snprintf(out, outsz, "%.*s", (int)first, name);
	for (size_t i = 1; i < chars && strlen(out) + 2 < outsz; i++)
		strcat(out, "*");
}

static bool
query_code_shaped(const char *s)
{
	if (strlen(s) != CASE_QUERY_CODE_LEN)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (strchr(QUERY_ALPHABET, *p) == NULL)
			return false;
	return true;
}

static int
events_json(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	const struct workflow_def *def = workflow_default();
	struct db_stmt *s;
	json_t *a = json_array();
	int rc;

	s = db_query(c->db, e, "SELECT at, to_state FROM case_events WHERE "
	    "case_id = ? AND to_state IS NOT NULL AND (from_state IS NULL OR "
	    "from_state <> to_state) ORDER BY id", "i", id);
	if (s == NULL) {
		json_decref(a);
		return err_rc(e);
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *to = db_col_text(s, 1);
		const struct workflow_state *st = workflow_find_state(def, to);

		json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "at",
		    (json_int_t)db_col_int(s, 0), "state", to, "label",
		    st != NULL ? st->label : to));
	}
	db_finish(s);
	if (rc != DB_DONE) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

int
case_progress_public(struct ctx *c, const char *no, const char *mobile,
    const char *name, json_t **out, struct err *e)
{
	char code[CASE_QUERY_CODE_LEN + 1] = "", masked[CASE_NAME_BYTES];
	const struct workflow_state *st;
	struct db_stmt *s;
	json_t *events = NULL, *o;
	int64_t id = 0;
	char state[WORKFLOW_CODE_BYTES] = "", kind = 'P';
	char app_name[CASE_NAME_BYTES] = "", app_mobile[32] = "";
	int rc;

	*out = NULL;
	if (no == NULL || no[0] == '\0')
		return err_field(e, ERR_INVALID, "no", "required",
		    "请输入办件编号或查询码");
	if (strlen(no) >= CASE_NO_MAX)
		return err_field(e, ERR_INVALID, "no", NULL,
		    "办件编号或查询码不正确");
	if ((mobile == NULL || mobile[0] == '\0') &&
	    (name == NULL || name[0] == '\0'))
		return err_field(e, ERR_INVALID, "mobile", "required",
		    "请输入申请人手机号码或姓名");
	rc = platform_rate_take("progress", c->client_ip, PROGRESS_PER_MINUTE,
	    e);
	if (rc != 0)
		return rc;
	if (strlen(no) == CASE_QUERY_CODE_LEN) {
		for (int i = 0; i < CASE_QUERY_CODE_LEN; i++)
			code[i] = (char)(no[i] >= 'a' && no[i] <= 'z' ?
			    no[i] - 'a' + 'A' : no[i]);
		if (!query_code_shaped(code))
			code[0] = '\0';
	}
	s = db_query(c->db, e, "SELECT c.id, c.case_no, i.name, d.name, "
	    "c.state, c.applicant_kind, c.applicant_name, c.applicant_mobile, "
	    "c.created_at, c.accepted_day, c.due_day, c.supplement_due, "
	    "c.decision, c.closed_at FROM cases c JOIN items i ON "
	    "i.id = c.item_id JOIN departments d ON d.id = c.dept_id WHERE "
	    "c.case_no = ? OR c.query_code = ?", "ss", no,
	    code[0] != '\0' ? code : "-");
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		id = db_col_int(s, 0);
		snprintf(state, sizeof(state), "%s", db_col_text(s, 4));
		kind = db_col_text(s, 5)[0];
		snprintf(app_name, sizeof(app_name), "%s", db_col_text(s, 6));
		snprintf(app_mobile, sizeof(app_mobile), "%s",
		    db_col_text(s, 7));
	}
	if (rc < 0) {
		db_finish(s);
		return rc;
	}
	/* The pair must match: the mobile the case was filed with, or the
	 * applicant's name exactly. */
	if (id > 0 && !((mobile != NULL && mobile[0] != '\0' &&
	    app_mobile[0] != '\0' && strcmp(mobile, app_mobile) == 0) ||
	    (name != NULL && name[0] != '\0' && strcmp(name, app_name) == 0)))
		id = 0;
	if (id == 0) {
		db_finish(s);
		return err_set(e, ERR_NOT_FOUND, "case_not_found",
		    "未查到办件，请核对办件编号（或查询码）与手机号码（或姓名）");
	}
	mask_name(app_name, kind, masked, sizeof(masked));
	st = workflow_find_state(workflow_default(), state);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:I}",
	    "case_no", db_col_text(s, 1),
	    "item_name", db_col_text(s, 2),
	    "dept_name", db_col_text(s, 3),
	    "applicant_name_masked", masked,
	    "state", state,
	    "state_label", st != NULL ? st->label : state,
	    "step", case_step_of(state),
	    "finished", st != NULL && st->terminal,
	    "submitted_at", (json_int_t)db_col_int(s, 8));
	json_object_set_new(o, "accepted_day", db_col_is_null(s, 9) ?
	    json_null() : json_string(db_col_text(s, 9)));
	json_object_set_new(o, "due_day", db_col_is_null(s, 10) ?
	    json_null() : json_string(db_col_text(s, 10)));
	json_object_set_new(o, "supplement_due", db_col_is_null(s, 11) ?
	    json_null() : json_string(db_col_text(s, 11)));
	json_object_set_new(o, "decision", db_col_is_null(s, 12) ?
	    json_null() : json_string(db_col_text(s, 12)));
	json_object_set_new(o, "closed_at", db_col_is_null(s, 13) ?
	    json_null() : json_integer(db_col_int(s, 13)));
	db_finish(s);
	rc = events_json(c, id, &events, e);
	if (rc != 0) {
		json_decref(o);
		return rc;
	}
	json_object_set_new(o, "events", events);
	*out = o;
	return 0;
}
