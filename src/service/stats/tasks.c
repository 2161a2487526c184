/* tasks.c - the reform tasks of 白政办发〔2024〕1号 (seeded by migration 081):
 * the list with each task's units, overdue flag and progress, the
 * supervisor's view by unit and by area, and progress entries recorded by
 * the departments with their evidence. */
#include "service/stats/stats_internal.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "store/db.h"

static const char *const area_labels[] = {
	"", "深化改革优流程", "推进协同优流程", "创新机制优流程"
};

static bool
all_units(const char *s)
{
	return strstr(s, "各有关部门") != NULL || strstr(s, "县级有关部门") != NULL;
}

/* Whether department name takes part in the task: 2 lead, 1 participant,
 * 0 not. */
static int
unit_role(const char *name, const char *kind, const char *lead,
    const char *part)
{
	if (strstr(lead, name) != NULL)
		return 2;
	if (strstr(part, name) != NULL)
		return 1;
	if (strcmp(kind, "government") == 0 && (all_units(lead) ||
	    all_units(part)))
		return strstr(lead, "各有关部门") != NULL ? 2 : 1;
	return 0;
}

int
reform_tasks_list(struct ctx *c, int64_t dept_id, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *tasks, *depts, *by_area, *by_unit;
	char today[11];
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, STATS_VIEWERS))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看改革任务");
	clock_date(clock_now(), today);
	depts = json_array();
	s = db_query(c->db, e, "SELECT id, name, kind FROM departments "
	    "ORDER BY id", NULL);
	if (s == NULL) {
		json_decref(depts);
		return -(int)e->code;
	}
	while ((rc = db_step(s, e)) == DB_ROW)
		json_array_append_new(depts, json_pack("{s:I s:s s:s}", "id",
		    (json_int_t)db_col_int(s, 0), "name", db_col_text(s, 1),
		    "kind", db_col_text(s, 2)));
	db_finish(s);
	if (rc < 0) {
		json_decref(depts);
		return rc;
	}
	s = db_query(c->db, e, "SELECT t.id, t.code, t.area, t.title, "
	    "t.content, t.lead_units, t.participants, t.term, t.due_day, "
	    "t.deliverable, t.status, (SELECT COUNT(*) FROM "
	    "reform_task_progress p WHERE p.task_id = t.id), (SELECT p.note "
	    "FROM reform_task_progress p WHERE p.task_id = t.id ORDER BY p.id "
	    "DESC LIMIT 1) FROM reform_tasks t ORDER BY t.code", NULL);
	if (s == NULL) {
		json_decref(depts);
		return -(int)e->code;
	}
	tasks = json_array();
	by_area = json_object();
	by_unit = json_object();
	while ((rc = db_step(s, e)) == DB_ROW) {
		const char *lead = db_col_text(s, 5), *part = db_col_text(s, 6);
		const char *due = db_col_is_null(s, 8) ? NULL : db_col_text(s, 8);
		bool done = strcmp(db_col_text(s, 10), "done") == 0;
		bool overdue = !done && due != NULL && strcmp(due, today) < 0;
		int area = (int)db_col_int(s, 2);
		json_t *t, *units = json_array(), *a, *d;
		bool mine = dept_id == 0;
		size_t i;

		json_array_foreach(depts, i, d) {
			const char *name = json_string_value(json_object_get(d,
			    "name"));
			int role = unit_role(name, json_string_value(
			    json_object_get(d, "kind")), lead, part);
			json_t *u;

			if (role == 0)
				continue;
			json_array_append_new(units, json_pack("{s:O s:s s:b}",
			    "dept_id", json_object_get(d, "id"), "name", name,
			    "lead", role == 2));
			if (json_integer_value(json_object_get(d, "id")) ==
			    dept_id)
				mine = true;
			u = json_object_get(by_unit, name);
			if (u == NULL) {
				u = json_pack("{s:O s:s s:i s:i s:i s:i}", "dept_id",
				    json_object_get(d, "id"), "name", name,
				    "tasks", 0, "lead", 0, "done", 0, "overdue", 0);
				json_object_set_new(by_unit, name, u);
			}
			json_object_set_new(u, "tasks", json_integer(
			    json_integer_value(json_object_get(u, "tasks")) + 1));
			if (role == 2)
				json_object_set_new(u, "lead", json_integer(
				    json_integer_value(json_object_get(u, "lead")) +
				    1));
			if (done)
				json_object_set_new(u, "done", json_integer(
				    json_integer_value(json_object_get(u, "done")) +
				    1));
			if (overdue)
				json_object_set_new(u, "overdue", json_integer(
				    json_integer_value(json_object_get(u,
				    "overdue")) + 1));
		}
		if (!mine) {
			json_decref(units);
			continue;
		}
		a = json_object_get(by_area, area_labels[area]);
		if (a == NULL) {
			a = json_pack("{s:i s:s s:i s:i s:i}", "area", area, "label",
			    area_labels[area], "tasks", 0, "done", 0, "overdue",
			    0);
			json_object_set_new(by_area, area_labels[area], a);
		}
		json_object_set_new(a, "tasks", json_integer(json_integer_value(
		    json_object_get(a, "tasks")) + 1));
		json_object_set_new(a, "done", json_integer(json_integer_value(
		    json_object_get(a, "done")) + done));
		json_object_set_new(a, "overdue", json_integer(
		    json_integer_value(json_object_get(a, "overdue")) + overdue));
		t = json_pack("{s:I s:s s:i s:s s:s s:s s:s s:s s:s s:s? s:s s:s "
		    "s:b s:I s:s? s:o}", "id", (json_int_t)db_col_int(s, 0),
		    "code", db_col_text(s, 1), "area", area, "area_label",
		    area_labels[area], "title", db_col_text(s, 3), "content",
		    db_col_text(s, 4), "lead_units", lead, "participants", part,
		    "term", db_col_text(s, 7), "due_day", due, "deliverable",
		    db_col_text(s, 9), "status", db_col_text(s, 10), "overdue",
		    overdue, "progress_count", (json_int_t)db_col_int(s, 11),
		    "last_progress", db_col_is_null(s, 12) ? NULL :
		    db_col_text(s, 12), "units", units);
		json_array_append_new(tasks, t);
	}
	db_finish(s);
	json_decref(depts);
	if (rc < 0) {
		json_decref(tasks);
		json_decref(by_area);
		json_decref(by_unit);
		return rc;
	}
	*out = json_pack("{s:o s:o s:o}", "tasks", tasks, "by_area", by_area,
	    "by_unit", by_unit);
	return 0;
}

struct progress_tx {
	struct ctx *c;
	int64_t task_id, dept_id, id;
	const char *note, *evidence;
	bool done;
};

static int
progress_tx(struct db *db, void *arg, struct err *e)
{
	struct progress_tx *p = arg;
	struct db_stmt *s;
	json_t *sum;
	char idbuf[24];
	int rc;

	s = db_query(db, e, "INSERT INTO reform_task_progress (task_id, "
	    "dept_id, note, evidence, done, created_by, created_at) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?) RETURNING id", "iissIii", p->task_id,
	    p->dept_id, p->note, p->evidence, (int)p->done,
	    p->c->actor->user_id, clock_now());
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		p->id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (p->done) {
		rc = db_exec(db, e, "UPDATE reform_tasks SET status = 'done', "
		    "done_at = ? WHERE id = ?", "ii", clock_now(), p->task_id);
		if (rc != 0)
			return rc;
	}
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)p->task_id);
	sum = json_pack("{s:I s:s s:b}", "dept_id", (json_int_t)p->dept_id,
	    "note", p->note, "done", p->done);
	rc = audit_append(p->c, "reform_task.progress", "reform_task", idbuf,
	    sum, e);
	json_decref(sum);
	return rc;
}

int
reform_task_progress_add(struct ctx *c, int64_t task_id, const char *note,
    const char *evidence, bool done, json_t **out, struct err *e)
{
	struct progress_tx p;
	struct db_stmt *s;
	char name[256] = "", kind[32] = "", lead[1024] = "", part[1024] = "";
	size_t n;
	int rc, role;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN) ||
	    c->actor->dept_id == 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有部门管理员可以填报任务进展");
	n = note != NULL ? utf8_strlen(note) : 0;
	if (n == 0 || n == (size_t)-1 || n > 2000)
		return err_field(e, ERR_INVALID, "note", NULL,
		    "请填写进展情况（2000 字以内）");
	if (evidence == NULL)
		evidence = "";
	n = utf8_strlen(evidence);
	if (n == (size_t)-1 || n > 1000)
		return err_field(e, ERR_INVALID, "evidence", NULL,
		    "佐证材料说明应在 1000 字以内");
	s = db_query(c->db, e, "SELECT d.name, d.kind, t.lead_units, "
	    "t.participants FROM reform_tasks t, departments d WHERE t.id = ? "
	    "AND d.id = ?", "ii", task_id, c->actor->dept_id);
	if (s == NULL)
		return -(int)e->code;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(name, sizeof(name), "%s", db_col_text(s, 0));
		snprintf(kind, sizeof(kind), "%s", db_col_text(s, 1));
		snprintf(lead, sizeof(lead), "%s", db_col_text(s, 2));
		snprintf(part, sizeof(part), "%s", db_col_text(s, 3));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "task_not_found", "任务不存在");
	role = unit_role(name, kind, lead, part);
	if (role == 0)
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "本部门不是该任务的牵头或参与单位");
	if (done && role != 2)
		return err_field(e, ERR_INVALID, "done", NULL,
		    "只有牵头单位可以标记任务完成");
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.task_id = task_id;
	p.dept_id = c->actor->dept_id;
	p.note = note;
	p.evidence = evidence;
	p.done = done;
	rc = db_tx(c->db, progress_tx, &p, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:I s:I s:I s:s s:s s:b}", "id", (json_int_t)p.id,
	    "task_id", (json_int_t)task_id, "dept_id", (json_int_t)p.dept_id,
	    "note", note, "evidence", evidence, "done", done);
	return 0;
}
