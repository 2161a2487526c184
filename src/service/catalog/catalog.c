/* catalog.c - the service catalogue: who may do what, the columns copied
 * from an item's elements, reading one item. The catalogue's other parts:
 * search.c, edit.c (drafts, review, publication), versions.c,
 * withdrawals.c, guide.c, transfer.c (import and export). See catalog.h. */
#include "service/catalog/catalog_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/limits.h"
#include "core/catalog.h"
#include "service/platform/platform.h"
#include "store/db.h"



void
catalog_idtxt(char out[24], int64_t id)
{
	snprintf(out, 24, "%" PRId64, id);
}

json_t *
catalog_id_or_null(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* --- who may do what --- */

bool
catalog_is_reviewer(const struct actor *a)
{
	return actor_has(a, ROLE_HALL_ADMIN);
}

/* Drafts are seen by the department's admin, the hall admin, the
 * supervisors and the system administrator. */
bool
catalog_can_see_drafts(const struct actor *a, int64_t dept_id)
{
	if (a == NULL)
		return false;
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))
		return true;
	return actor_has(a, ROLE_DEPT_ADMIN) && a->dept_id == dept_id &&
	    dept_id > 0;
}

int
catalog_check_edit(const struct actor *a, int64_t dept_id, struct err *e)
{
	if (actor_has(a, ROLE_HALL_ADMIN))
		return 0;
	if (actor_has(a, ROLE_DEPT_ADMIN) && a->dept_id == dept_id &&
	    dept_id > 0)
		return 0;
	if (actor_has(a, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, "other_department",
		    "只能编辑本部门的事项");
	return err_set(e, ERR_FORBIDDEN, NULL, "无权编辑事项");
}

bool
catalog_is_staff(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_STAFF || a->kind == ACTOR_SYSTEM)
	    && actor_has(a, ROLE_STAFF_ANY);
}

/* --- columns copied from the elements --- */


void
catalog_cols_from(const struct catalog_item *it, struct cols *k)
{
	size_t n = 0;

	memset(k, 0, sizeof(*k));
	k->online = catalog_item_online(it);
	k->full_online = catalog_item_full_online(it);
	k->in_scope = catalog_type_in_scope(it->type);
	for (int i = 0; i < it->n_objects; i++)
		if (it->objects[i] >= 1 && it->objects[i] <= 30)
			k->objects_mask |= (int64_t)1 << it->objects[i];
	if (it->n_themes > 0) {
		k->themes[n++] = ',';
		for (int i = 0; i < it->n_themes; i++) {
			int w = snprintf(k->themes + n, sizeof(k->themes) - n,
			    "%s,", it->themes[i]);

			if (w < 0 || (size_t)w >= sizeof(k->themes) - n)
				break;
			n += (size_t)w;
		}
	}
	k->themes[n] = '\0';
}

/* Copies the element columns of an item from parsed elements. */
int
catalog_item_columns_set(struct db *db, int64_t item_id, const struct catalog_item *it,
    struct err *e)
{
	struct cols k;

	catalog_cols_from(it, &k);
	return db_exec(db, e, "UPDATE items SET name = ?, type = ?, "
	    "basic_code = ?, stationed = ?, online = ?, full_online = ?, "
	    "online_level = ?, case_kind = ?, visits = ?, "
	    "statutory_days = NULLIF(?, -1), promised_days = ?, "
	    "window_authorised = ?, rongque = ?, commitment = ?, in_scope = ?, "
	    "objects_mask = ?, themes = ?, updated_at = ? WHERE id = ?",
	    "sssIIIIIIIIIIIIisii", it->name, it->type, it->basic_code,
	    (int)it->stationed, k.online, k.full_online, it->online_level,
	    it->case_kind, it->visits, it->statutory_days, it->promised_days,
	    (int)it->window_authorised, (int)it->rongque, (int)it->commitment,
	    k.in_scope, k.objects_mask, k.themes, clock_now(), item_id);
}

/* Parses canonical elements (already validated). */
int
catalog_parse_el(const json_t *el, struct catalog_item *it, struct err *e)
{
	int rc = catalog_parse(el, it, e);

	if (rc != 0)
		catalog_item_init(it);
	return rc;
}

char *
catalog_el_dump(const json_t *el)
{
	return json_dumps(el, JSON_COMPACT);
}

int
catalog_item_insert_published(struct ctx *c, int64_t dept_id,
    const char *dept_name, const json_t *canon, bool *created,
    int64_t *item_id, struct err *e)
{
	struct catalog_item it;
	struct db_stmt *s;
	struct cols k;
	json_t *sum;
	char *text = NULL, idb[24];
	int64_t now = clock_now(), vid = 0;
	int rc;

	*created = false;
	*item_id = 0;
	rc = catalog_parse_el(canon, &it, e);
	if (rc != 0)
		return rc;
	catalog_cols_from(&it, &k);
	s = db_query(c->db, e, "INSERT INTO items (dept_id, basic_code, "
	    "impl_code, handle_code, name, type, status, stationed, online, "
	    "full_online, online_level, case_kind, visits, statutory_days, "
	    "promised_days, window_authorised, rongque, commitment, in_scope, "
	    "objects_mask, themes, created_at, updated_at) VALUES (?, ?, ?, ?, "
	    "?, ?, 'published', ?, ?, ?, ?, ?, ?, NULLIF(?, -1), ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?) ON CONFLICT (impl_code, handle_code) DO NOTHING "
	    "RETURNING id", "isssssIIIIIIIIIIIIisii", dept_id, it.basic_code,
	    it.impl_code, it.handle_code, it.name, it.type, (int)it.stationed,
	    k.online, k.full_online, it.online_level, it.case_kind, it.visits,
	    it.statutory_days, it.promised_days, (int)it.window_authorised,
	    (int)it.rongque, (int)it.commitment, k.in_scope, k.objects_mask,
	    k.themes, now, now);
	if (s == NULL) {
		rc = err_rc(e);
		goto out;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*item_id = db_col_int(s, 0);
	db_finish(s);
	if (rc < 0)
		goto out;
	if (rc == DB_DONE) {
		rc = db_query_int(c->db, e, item_id, "SELECT id FROM items "
		    "WHERE impl_code = ? AND handle_code = ?", "ss",
		    it.impl_code, it.handle_code);
		rc = rc < 0 ? rc : 0;
		goto out;
	}
	text = catalog_el_dump(canon);
	if (text == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	rc = db_query_int(c->db, e, &vid, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, change_note, created_by, created_at, "
	    "published_at) VALUES (?, 1, 'published', ?, '首次发布', 0, ?, ?) "
	    "RETURNING id", "isii", *item_id, text, now, now);
	if (rc < 0)
		goto out;
	rc = db_exec(c->db, e, "UPDATE items SET current_version_id = ? "
	    "WHERE id = ?", "ii", vid, *item_id);
	if (rc == 0)
		rc = catalog_search_put(c->db, *item_id, canon, dept_name, e);
	if (rc == 0)
		rc = catalog_facts_put(c->db, vid, canon, e);
	if (rc != 0)
		goto out;
	catalog_idtxt(idb, *item_id);
	sum = json_pack("{s:s, s:s, s:s, s:i}", "impl_code", it.impl_code,
	    "handle_code", it.handle_code, "name", it.name, "version_no", 1);
	rc = audit_append(c, "item.load", "item", idb, sum, e);
	json_decref(sum);
	if (rc == 0)
		*created = true;
out:
	free(text);
	catalog_item_release(&it);
	return rc;
}

/* --- one item --- */


int
catalog_item_load(struct db *db, int64_t id, struct item_row *r, struct err *e)
{
	struct db_stmt *s;
	int rc;

	memset(r, 0, sizeof(*r));
	s = db_query(db, e, "SELECT i.id, i.dept_id, i.current_version_id, "
	    "i.status, d.name, d.credit_code, i.impl_code, i.handle_code "
	    "FROM items i JOIN departments d ON d.id = i.dept_id "
	    "WHERE i.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		r->id = db_col_int(s, 0);
		r->dept_id = db_col_int(s, 1);
		r->current_version_id = db_col_int(s, 2);
		snprintf(r->status, sizeof(r->status), "%s", db_col_text(s, 3));
		snprintf(r->dept_name, sizeof(r->dept_name), "%s",
		    db_col_text(s, 4));
		snprintf(r->credit, sizeof(r->credit), "%s", db_col_text(s, 5));
		snprintf(r->impl_code, sizeof(r->impl_code), "%s",
		    db_col_text(s, 6));
		snprintf(r->handle_code, sizeof(r->handle_code), "%s",
		    db_col_text(s, 7));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	return 0;
}

int
catalog_item_summary(struct ctx *c, int64_t id, bool with_open, json_t **out,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	*out = NULL;
	s = db_query(c->db, e, ITEM_COLS "WHERE i.id = ?", "i", id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = catalog_summary_row(s, with_open);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

/* A version as JSON; where is "id = ?" or the open version. */
static json_t *
version_row(struct db_stmt *s)
{
	json_t *el = json_loads(db_col_text(s, 3), 0, NULL);

	return json_pack("{s:I, s:i, s:s, s:o, s:s, s:I, s:o, s:o, s:o, s:o}",
	    "id", (json_int_t)db_col_int(s, 0),
	    "version_no", (int)db_col_int(s, 1),
	    "status", db_col_text(s, 2),
	    "elements", el != NULL ? el : json_null(),
	    "change_note", db_col_text(s, 4),
	    "created_at", (json_int_t)db_col_int(s, 5),
	    "submitted_at", db_col_is_null(s, 6) ? json_null() :
	    json_integer(db_col_int(s, 6)),
	    "published_at", db_col_is_null(s, 7) ? json_null() :
	    json_integer(db_col_int(s, 7)),
	    "review_reason", db_col_is_null(s, 8) ? json_null() :
	    json_string(db_col_text(s, 8)),
	    "reviewed_at", db_col_is_null(s, 9) ? json_null() :
	    json_integer(db_col_int(s, 9)));
}


int
catalog_version_get(struct db *db, struct db_stmt *s, json_t **out, struct err *e)
{
	int rc;

	(void)db;
	*out = NULL;
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = version_row(s);
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW && *out == NULL)
		return err_internal(e, "out of memory");
	return 0;
}

int
catalog_open_version(struct db *db, int64_t item_id, json_t **out, struct err *e)
{
	return catalog_version_get(db, db_query(db, e, VERSION_COLS "WHERE item_id = ? "
	    "AND status IN ('draft', 'submitted', 'returned')", "i", item_id),
	    out, e);
}

int
catalog_published_version(struct db *db, int64_t vid, json_t **out, struct err *e)
{
	*out = NULL;
	if (vid <= 0)
		return 0;
	return catalog_version_get(db, db_query(db, e, VERSION_COLS "WHERE id = ?",
	    "i", vid), out, e);
}

int
catalog_item_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct item_row r;
	json_t *item = NULL, *pub = NULL, *draft = NULL;
	bool drafts;
	int rc;

	*out = NULL;
	if (!catalog_is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看事项管理信息");
	rc = catalog_item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	drafts = catalog_can_see_drafts(c->actor, r.dept_id);
	if (!drafts && strcmp(r.status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	rc = catalog_item_summary(c, id, drafts, &item, e);
	if (rc == 0)
		rc = catalog_published_version(c->db, r.current_version_id, &pub, e);
	if (rc == 0 && drafts)
		rc = catalog_open_version(c->db, id, &draft, e);
	if (rc != 0) {
		json_decref(item);
		json_decref(pub);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o}", "item", item, "published",
	    pub != NULL ? pub : json_null(), "draft",
	    draft != NULL ? draft : json_null());
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}
