/* catalog.c - the service catalogue: items, versions, review, withdrawals,
 * the public guide, search, import and export. See catalog.h. */
#include "service/catalog/catalog.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/catalog.h"
#include "docs/csv.h"
#include "docs/xlsx.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ITEM_LOCK_BASE 0x6974656d00000000LL /* "item" + id */
#define SEARCH_TERM_BYTES 200

static void
idtxt(char out[24], int64_t id)
{
	snprintf(out, 24, "%" PRId64, id);
}

static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer((json_int_t)id) : json_null();
}

/* --- who may do what --- */

static bool
is_reviewer(const struct actor *a)
{
	return actor_has(a, ROLE_HALL_ADMIN);
}

/* Drafts are seen by the department's admin, the hall admin, the
 * supervisors and the system administrator. */
static bool
can_see_drafts(const struct actor *a, int64_t dept_id)
{
	if (a == NULL)
		return false;
	if (actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))
		return true;
	return actor_has(a, ROLE_DEPT_ADMIN) && a->dept_id == dept_id &&
	    dept_id > 0;
}

static int
check_edit(const struct actor *a, int64_t dept_id, struct err *e)
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

static bool
is_staff(const struct actor *a)
{
	return a != NULL && (a->kind == ACTOR_STAFF || a->kind == ACTOR_SYSTEM)
	    && actor_has(a, ROLE_STAFF_ANY);
}

/* --- search text --- */

/* Keyword aliases: a text containing the key also gets the words, so that
 * the short words people type find the formal names. */
static const struct alias {
	const char *key;
	const char *words;
} aliases[] = {
	{ "社会保险", "社保" },
	{ "养老保险", "社保 养老金" },
	{ "失业保险", "社保 失业金" },
	{ "工伤保险", "社保 工伤" },
	{ "医疗保险", "医保" },
	{ "生育保险", "医保 生育津贴" },
	{ "参保", "社保" },
	{ "医保", "医疗保险" },
	{ "住房公积金", "公积金" },
	{ "公积金", "住房公积金" },
	{ "设立登记", "营业执照 开办 注册" },
	{ "注销登记", "注销 关闭" },
	{ "食品经营", "餐饮 饭店 开饭馆" },
	{ "食品小作坊", "餐饮" },
	{ "食品生产", "餐饮 食品厂" },
	{ "公共场所卫生", "餐饮 宾馆 理发" },
	{ "居民身份证", "身份证" },
	{ "户口", "户籍" },
	{ "机动车", "汽车 车辆" },
	{ "驾驶证", "驾照" },
	{ "不动产", "房产证 房本" },
	{ "建设工程规划", "建房 规划证" },
	{ "施工许可", "开工" },
	{ "结婚登记", "领证 婚姻" },
	{ "最低生活保障", "低保" },
	{ "低保", "最低生活保障" },
	{ "用电", "电费 供电 通电" },
	{ "用水", "水费 自来水 供水" },
	{ "燃气", "天然气 煤气" },
	{ "宽带", "网络 电信" },
};

int
catalog_search_text(const json_t *el, const char *dept_name, struct buf *out)
{
	static const char *const keys[] = { "name", "basic_code", "impl_code",
	    "handle_code", "result_name", "legal_basis", NULL };
	const char *type = json_string_value(json_object_get(el, "type"));
	json_t *v;
	size_t i;
	size_t start;
	int rc = 0;

	start = out->len;
	for (i = 0; keys[i] != NULL && rc == 0; i++) {
		const char *s = json_string_value(json_object_get(el, keys[i]));

		if (s != NULL && s[0] != '\0')
			rc = buf_appendf(out, "%s\n", s);
	}
	if (rc == 0 && dept_name != NULL)
		rc = buf_appendf(out, "%s\n", dept_name);
	if (rc == 0 && type != NULL && catalog_type_label(type) != NULL)
		rc = buf_appendf(out, "%s\n", catalog_type_label(type));
	json_array_foreach(json_object_get(el, "materials"), i, v) {
		const char *s = json_string_value(json_object_get(v, "name"));

		if (rc == 0 && s != NULL)
			rc = buf_appendf(out, "%s\n", s);
	}
	json_array_foreach(json_object_get(el, "themes"), i, v) {
		const char *l = catalog_theme_label(json_string_value(v));

		if (rc == 0 && l != NULL && l[0] != '\0')
			rc = buf_appendf(out, "%s\n", l);
	}
	for (i = 0; i < NELEM(aliases) && rc == 0; i++) {
		if (out->data != NULL && strstr(out->data + start,
		    aliases[i].key) != NULL)
			rc = buf_appendf(out, "%s\n", aliases[i].words);
	}
	if (rc == 0 && out->data == NULL)
		rc = buf_puts(out, "");
	return rc;
}

static int
search_put(struct db *db, int64_t item_id, const json_t *el,
    const char *dept_name, struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	if (catalog_search_text(el, dept_name, &b) != 0) {
		buf_release(&b);
		return err_internal(e, "search text too large");
	}
	rc = db_exec(db, e, "DELETE FROM item_search WHERE item_id = ?", "i",
	    item_id);
	if (rc == 0)
		rc = db_exec(db, e, "INSERT INTO item_search (item_id, text) "
		    "VALUES (?, ?)", "is", item_id, b.data);
	buf_release(&b);
	return rc;
}

/* --- columns copied from the elements --- */

struct cols {
	int online, full_online, in_scope;
	int64_t objects_mask;
	char themes[CATALOG_LIST_MAX * 24 + 2];
};

static void
cols_from(const struct catalog_item *it, struct cols *k)
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
static int
item_columns_set(struct db *db, int64_t item_id, const struct catalog_item *it,
    struct err *e)
{
	struct cols k;

	cols_from(it, &k);
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
static int
parse_el(const json_t *el, struct catalog_item *it, struct err *e)
{
	int rc = catalog_parse(el, it, e);

	if (rc != 0)
		catalog_item_init(it);
	return rc;
}

static char *
el_dump(const json_t *el)
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
	rc = parse_el(canon, &it, e);
	if (rc != 0)
		return rc;
	cols_from(&it, &k);
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
	text = el_dump(canon);
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
		rc = search_put(c->db, *item_id, canon, dept_name, e);
	if (rc != 0)
		goto out;
	idtxt(idb, *item_id);
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

/* --- lists and search --- */

#define ITEM_COLS "SELECT i.id, i.dept_id, d.name, i.basic_code, " \
	"i.impl_code, i.handle_code, i.name, i.type, i.status, i.stationed, " \
	"i.online, i.full_online, i.online_level, i.case_kind, i.visits, " \
	"i.statutory_days, i.promised_days, i.current_version_id, " \
	"pv.version_no, ov.status, i.updated_at, i.in_scope " \
	"FROM items i JOIN departments d ON d.id = i.dept_id " \
	"LEFT JOIN item_versions pv ON pv.id = i.current_version_id " \
	"LEFT JOIN item_versions ov ON ov.item_id = i.id AND " \
	"ov.status IN ('draft', 'submitted', 'returned') " \
	"LEFT JOIN item_search s ON s.item_id = i.id "
#define ITEM_FILTERS "WHERE i.id > ? AND (? = 0 OR i.dept_id = ?) " \
	"AND (? = '' OR i.type = ?) " \
	"AND (? = 0 OR i.status = 'published') " \
	"AND (? = '' OR i.status = ? OR ov.status = ?) " \
	"AND (? = '' OR i.themes LIKE ?) " \
	"AND (? = 0 OR (i.objects_mask & ?) <> 0) "
/* One term: the item's search text contains it ({{TEXT_SEARCH}} is the
 * store's spelling of a substring search on either database). */
#define SEARCH_TERM "AND (? = '' OR i.id IN " \
	"{{TEXT_SEARCH item_search item_id text}}) "
#define ITEM_ORDER "ORDER BY i.id LIMIT ?"

static const char items_sql[] = ITEM_COLS ITEM_FILTERS SEARCH_TERM
    SEARCH_TERM SEARCH_TERM SEARCH_TERM ITEM_ORDER;

struct terms {
	int n;
	char word[CATALOG_SEARCH_TERMS][SEARCH_TERM_BYTES];
};

/* Splits q on ASCII and ideographic white space. */
static int
terms_split(const char *q, struct terms *t, struct err *e)
{
	const char *p = q;

	memset(t, 0, sizeof(*t));
	if (q == NULL)
		return 0;
	if (!utf8_valid(q, strlen(q)) || utf8_strlen(q) > LIMIT_NAME_CHARS)
		return err_field(e, ERR_INVALID, "q", "bad_query",
		    "搜索内容过长或含有无效字符");
	while (*p != '\0') {
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    strncmp(p, "\xe3\x80\x80", 3) == 0)
			p += *p == '\xe3' ? 3 : 1;
		if (*p == '\0')
			break;
		if (t->n == CATALOG_SEARCH_TERMS)
			return err_field(e, ERR_INVALID, "q", "bad_query",
			    "搜索词不能超过 %d 个", CATALOG_SEARCH_TERMS);
		while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t' &&
		    p[n] != '\n' && p[n] != '\r' &&
		    strncmp(p + n, "\xe3\x80\x80", 3) != 0)
			n++;
		if (n >= SEARCH_TERM_BYTES)
			return err_field(e, ERR_INVALID, "q", "bad_query",
			    "搜索词过长");
		memcpy(t->word[t->n], p, n);
		t->word[t->n][n] = '\0';
		t->n++;
		p += n;
	}
	return 0;
}

struct qopts {
	int64_t after_id, dept_id;
	const char *type, *status;
	bool published_only;
	char theme_like[64];
	int64_t objects_mask;
	int limit;
};

/* The one place where the search differs per database: SQLite uses the
 * FTS5 trigram index for terms of three or more characters and LIKE for
 * shorter ones; PostgreSQL uses ILIKE, served by the pg_trgm index. */
static struct db_stmt *
items_query(struct ctx *c, const struct qopts *o, const struct terms *t,
    struct err *e)
{
	struct db_stmt *s;
	int k = 1, bad = 0;

	s = db_prepare(c->db, items_sql, e);
	if (s == NULL)
		return NULL;
	bad |= db_bind_int(s, k++, o->after_id);
	bad |= db_bind_int(s, k++, o->dept_id);
	bad |= db_bind_int(s, k++, o->dept_id);
	bad |= db_bind_text(s, k++, o->type != NULL ? o->type : "");
	bad |= db_bind_text(s, k++, o->type != NULL ? o->type : "");
	bad |= db_bind_int(s, k++, o->published_only);
	for (int i = 0; i < 3; i++)
		bad |= db_bind_text(s, k++, o->status != NULL ? o->status : "");
	bad |= db_bind_text(s, k++, o->theme_like);
	bad |= db_bind_text(s, k++, o->theme_like);
	bad |= db_bind_int(s, k++, o->objects_mask);
	bad |= db_bind_int(s, k++, o->objects_mask);
	for (int i = 0; i < CATALOG_SEARCH_TERMS; i++) {
		const char *w = i < t->n ? t->word[i] : "";

		bad |= db_bind_text(s, k++, w);
		bad |= db_bind_text(s, k++, w);
	}
	bad |= db_bind_int(s, k++, o->limit + 1);
	if (bad != 0) {
		db_finish(s);
		err_internal(e, "items_query: binding %d parameters failed", k - 1);
		return NULL;
	}
	return s;
}

static json_t *
summary_row(struct db_stmt *s, bool with_open)
{
	const char *type = db_col_text(s, 7);
	const char *tl = catalog_type_label(type);
	json_t *o;

	o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:b, s:b, s:b, s:i, s:i, s:i, s:o, s:i, s:o, s:o, s:I, s:b}",
	    "id", (json_int_t)db_col_int(s, 0),
	    "dept_id", (json_int_t)db_col_int(s, 1),
	    "dept_name", db_col_text(s, 2),
	    "basic_code", db_col_text(s, 3),
	    "impl_code", db_col_text(s, 4),
	    "handle_code", db_col_text(s, 5),
	    "name", db_col_text(s, 6),
	    "type", type,
	    "type_label", tl != NULL ? tl : "",
	    "status", db_col_text(s, 8),
	    "stationed", db_col_int(s, 9) != 0,
	    "online", db_col_int(s, 10) != 0,
	    "full_online", db_col_int(s, 11) != 0,
	    "online_level", (int)db_col_int(s, 12),
	    "case_kind", (int)db_col_int(s, 13),
	    "visits", (int)db_col_int(s, 14),
	    "statutory_days", db_col_is_null(s, 15) ? json_null() :
	    json_integer(db_col_int(s, 15)),
	    "promised_days", (int)db_col_int(s, 16),
	    "current_version_id", id_or_null(db_col_int(s, 17)),
	    "version_no", db_col_is_null(s, 18) ? json_null() :
	    json_integer(db_col_int(s, 18)),
	    "updated_at", (json_int_t)db_col_int(s, 20),
	    "in_scope", db_col_int(s, 21) != 0);
	if (o != NULL && with_open)
		json_object_set_new(o, "open_status", db_col_is_null(s, 19) ?
		    json_null() : json_string(db_col_text(s, 19)));
	return o;
}

static int
run_list(struct ctx *c, struct qopts *o, const struct terms *t,
    bool with_open, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *items, *row;
	int64_t last = 0;
	int n = 0, rc;
	bool more = false;
	char cur[24];

	if (o->limit <= 0)
		o->limit = LIMIT_PAGE_DEFAULT;
	if (o->limit > LIMIT_PAGE_MAX)
		o->limit = LIMIT_PAGE_MAX;
	s = items_query(c, o, t, e);
	if (s == NULL)
		return err_rc(e);
	items = json_array();
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (n == o->limit) {
			more = true;
			continue;
		}
		row = summary_row(s, with_open);
		if (row == NULL) {
			rc = err_internal(e, "summary_row failed");
			break;
		}
		last = db_col_int(s, 0);
		json_array_append_new(items, row);
		n++;
	}
	db_finish(s);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	idtxt(cur, last);
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	    more ? json_string(cur) : json_null());
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

static int
common_filters(const struct item_filter *f, struct qopts *o, struct err *e)
{
	memset(o, 0, sizeof(*o));
	o->after_id = f->after_id;
	o->dept_id = f->dept_id;
	o->limit = f->limit;
	if (f->type != NULL && f->type[0] != '\0') {
		if (!catalog_type_known(f->type))
			return err_field(e, ERR_INVALID, "type", NULL,
			    "事项类型不存在");
		o->type = f->type;
	}
	if (f->theme != NULL && f->theme[0] != '\0') {
		if (catalog_theme_audience(f->theme) == 0 ||
		    strlen(f->theme) > 40)
			return err_field(e, ERR_INVALID, "theme", NULL,
			    "主题分类不存在");
		snprintf(o->theme_like, sizeof(o->theme_like), "%%,%s,%%",
		    f->theme);
	}
	if (f->object != NULL && f->object[0] != '\0') {
		if (strcmp(f->object, "person") == 0)
			o->objects_mask = 1 << 1;
		else if (strcmp(f->object, "enterprise") == 0)
			o->objects_mask = (1 << 2) | (1 << 3) | (1 << 4) |
			    (1 << 6);
		else
			return err_field(e, ERR_INVALID, "object", NULL,
			    "服务对象须为 person 或 enterprise");
	}
	return 0;
}

int
catalog_items_list(struct ctx *c, const struct item_filter *f, json_t **out,
    struct err *e)
{
	const struct actor *a = c->actor;
	struct qopts o;
	struct terms t;
	int rc;

	*out = NULL;
	if (!is_staff(a))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看事项管理列表");
	rc = common_filters(f, &o, e);
	if (rc == 0)
		rc = terms_split(f->q, &t, e);
	if (rc != 0)
		return rc;
	if (f->status != NULL && f->status[0] != '\0') {
		static const char *const ok[] = { "draft", "submitted",
		    "returned", "published", "withdrawn" };
		bool found = false;

		for (size_t i = 0; i < NELEM(ok); i++)
			found = found || strcmp(ok[i], f->status) == 0;
		if (!found)
			return err_field(e, ERR_INVALID, "status", NULL,
			    "状态须为 draft、submitted、returned、published 或 "
			    "withdrawn");
		o.status = f->status;
	}
	if (!actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN)) {
		if (actor_has(a, ROLE_DEPT_ADMIN)) {
			if (f->dept_id != 0 && f->dept_id != a->dept_id)
				return err_set(e, ERR_FORBIDDEN,
				    "other_department", "只能查看本部门的事项");
			o.dept_id = a->dept_id;
		} else {
			o.published_only = true;
		}
	}
	return run_list(c, &o, &t, !o.published_only, out, e);
}

int
catalog_guide_list(struct ctx *c, const struct item_filter *f, json_t **out,
    struct err *e)
{
	struct qopts o;
	struct terms t;
	int rc;

	*out = NULL;
	rc = common_filters(f, &o, e);
	if (rc == 0)
		rc = terms_split(f->q, &t, e);
	if (rc != 0)
		return rc;
	o.published_only = true;
	return run_list(c, &o, &t, false, out, e);
}

/* --- one item --- */

struct item_row {
	int64_t id, dept_id, current_version_id;
	char status[16];
	char dept_name[400];
	char credit[24];
	char impl_code[CATALOG_IMPL_CODE_LEN + 1];
	char handle_code[CATALOG_HANDLE_CODE_MAX + 1];
};

static int
item_load(struct db *db, int64_t id, struct item_row *r, struct err *e)
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

static int
item_summary(struct ctx *c, int64_t id, bool with_open, json_t **out,
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
		*out = summary_row(s, with_open);
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

#define VERSION_COLS "SELECT id, version_no, status, elements, change_note, " \
	"created_at, submitted_at, published_at, review_reason, reviewed_at " \
	"FROM item_versions "

static int
version_get(struct db *db, struct db_stmt *s, json_t **out, struct err *e)
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

static int
open_version(struct db *db, int64_t item_id, json_t **out, struct err *e)
{
	return version_get(db, db_query(db, e, VERSION_COLS "WHERE item_id = ? "
	    "AND status IN ('draft', 'submitted', 'returned')", "i", item_id),
	    out, e);
}

static int
published_version(struct db *db, int64_t vid, json_t **out, struct err *e)
{
	*out = NULL;
	if (vid <= 0)
		return 0;
	return version_get(db, db_query(db, e, VERSION_COLS "WHERE id = ?",
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
	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看事项管理信息");
	rc = item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	drafts = can_see_drafts(c->actor, r.dept_id);
	if (!drafts && strcmp(r.status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	rc = item_summary(c, id, drafts, &item, e);
	if (rc == 0)
		rc = published_version(c->db, r.current_version_id, &pub, e);
	if (rc == 0 && drafts)
		rc = open_version(c->db, id, &draft, e);
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

/* Checks elements for saving; canon gets the canonical form. The
 * department named by the elements must exist (its id and credit code are
 * returned) and the 实施编码 must start with its credit code. */
static int
check_elements(struct ctx *c, const json_t *el, bool partial, json_t **canon,
    int64_t *dept_id, char dept_name[400], struct err *e)
{
	const char *dname, *impl;
	struct db_stmt *s;
	char credit[24] = "";
	int rc;

	*canon = NULL;
	*dept_id = 0;
	if (el == NULL || !json_is_object(el))
		return err_field(e, ERR_INVALID, "elements", "bad_elements",
		    "事项要素须为 JSON 对象");
	rc = catalog_check_json(el, partial, canon, e);
	if (rc != 0)
		return rc;
	dname = json_string_value(json_object_get(*canon, "dept"));
	if (dname == NULL || dname[0] == '\0') {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_required",
		    "请填写实施主体");
		goto fail;
	}
	s = db_query(c->db, e, "SELECT id, credit_code, name FROM departments "
	    "WHERE name = ?", "s", dname);
	if (s == NULL) {
		rc = err_rc(e);
		goto fail;
	}
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*dept_id = db_col_int(s, 0);
		snprintf(credit, sizeof(credit), "%s", db_col_text(s, 1));
		snprintf(dept_name, 400, "%s", db_col_text(s, 2));
	}
	db_finish(s);
	if (rc < 0)
		goto fail;
	if (rc == DB_DONE) {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_not_found",
		    "实施主体“%.60s”不是本县的部门", dname);
		goto fail;
	}
	impl = json_string_value(json_object_get(*canon, "impl_code"));
	if (impl != NULL && impl[0] != '\0' && credit[0] != '\0' &&
	    strncmp(impl, credit, 18) != 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "impl_code",
		    "impl_code_dept", "实施编码前18位须为实施主体的统一社会信用代码"
		    "（%s）", credit);
		goto fail;
	}
	return 0;
fail:
	json_decref(*canon);
	*canon = NULL;
	return rc;
}

struct write_tx {
	struct ctx *c;
	int64_t item_id;
	int64_t dept_id;
	const char *dept_name;
	const json_t *canon;
	const char *note;
	const char *reason;
	bool approve;
	int64_t req_id;
	int version_no;
};

static int
lock_item(struct db *db, int64_t id, struct err *e)
{
	return db_tx_lock(db, ITEM_LOCK_BASE + id, e);
}

static int
audit_item(struct ctx *c, const char *action, int64_t id, json_t *sum,
    struct err *e)
{
	char idb[24];
	int rc;

	idtxt(idb, id);
	rc = audit_append(c, action, "item", idb, sum, e);
	json_decref(sum);
	return rc;
}

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	struct catalog_item it;
	struct cols k;
	char *text = NULL;
	int64_t now = clock_now(), vid = 0;
	int rc;

	rc = parse_el(t->canon, &it, e);
	if (rc != 0)
		return rc;
	cols_from(&it, &k);
	rc = db_query_int(db, e, &t->item_id, "INSERT INTO items (dept_id, "
	    "basic_code, impl_code, handle_code, name, type, status, "
	    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'draft', ?, ?) "
	    "RETURNING id", "isssssii", t->dept_id, it.basic_code,
	    it.impl_code, it.handle_code, it.name, it.type, now, now);
	if (rc == -ERR_CONFLICT) {
		rc = err_field(e, ERR_CONFLICT, "impl_code", "item_exists",
		    "该实施编码（及业务办理项编码）的事项已存在");
		goto out;
	}
	if (rc < 0)
		goto out;
	rc = item_columns_set(db, t->item_id, &it, e);
	if (rc != 0)
		goto out;
	text = el_dump(t->canon);
	rc = db_query_int(db, e, &vid, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, change_note, created_by, created_at) "
	    "VALUES (?, 1, 'draft', ?, ?, ?, ?) RETURNING id", "issii",
	    t->item_id, text, t->note != NULL ? t->note : "",
	    t->c->actor->user_id, now);
	if (rc < 0)
		goto out;
	rc = search_put(db, t->item_id, t->canon, t->dept_name, e);
	if (rc == 0)
		rc = audit_item(t->c, "item.create", t->item_id, json_pack(
		    "{s:s, s:s, s:s}", "impl_code", it.impl_code, "handle_code",
		    it.handle_code, "name", it.name), e);
out:
	free(text);
	catalog_item_release(&it);
	return rc;
}

static int
item_with_draft(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	json_t *item = NULL, *draft = NULL;
	int rc;

	rc = item_summary(c, id, true, &item, e);
	if (rc == 0)
		rc = open_version(c->db, id, &draft, e);
	if (rc != 0) {
		json_decref(item);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "item", item, "draft",
	    draft != NULL ? draft : json_null());
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
catalog_item_create(struct ctx *c, const json_t *elements, bool partial,
    json_t **out, struct err *e)
{
	struct write_tx t;
	json_t *canon = NULL;
	char dname[400];
	int64_t dept_id;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权新增事项");
	rc = check_elements(c, elements, partial, &canon, &dept_id, dname, e);
	if (rc != 0)
		return rc;
	rc = check_edit(c->actor, dept_id, e);
	if (rc != 0)
		goto out;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.dept_id = dept_id;
	t.dept_name = dname;
	t.canon = canon;
	t.note = "新增事项";
	rc = db_tx(c->db, create_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, t.item_id, out, e);
out:
	json_decref(canon);
	return rc;
}

static int
max_version(struct db *db, int64_t item_id, int *out, struct err *e)
{
	int64_t n = 0;
	int rc;

	rc = db_query_int(db, e, &n, "SELECT COALESCE(MAX(version_no), 0) "
	    "FROM item_versions WHERE item_id = ?", "i", item_id);
	if (rc < 0)
		return rc;
	*out = (int)n;
	return 0;
}

static int
draft_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL;
	struct item_row r;
	char *text = NULL;
	int64_t now = clock_now();
	int rc, maxno;

	rc = lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = item_load(db, t->item_id, &r, e);
	if (rc == 0)
		rc = open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	text = el_dump(t->canon);
	if (open != NULL) {
		const char *st = json_string_value(json_object_get(open,
		    "status"));

		if (strcmp(st, "submitted") == 0) {
			rc = err_set(e, ERR_CONFLICT, "under_review",
			    "该事项的修改已提交审核，审核完成前不能修改");
			goto out;
		}
		t->version_no = (int)json_integer_value(json_object_get(open,
		    "version_no"));
		rc = db_exec(db, e, "UPDATE item_versions SET elements = ?, "
		    "change_note = ?, status = 'draft', created_by = ?, "
		    "created_at = ? WHERE id = ? AND status IN ('draft', "
		    "'returned')", "ssiii", text, t->note, t->c->actor->user_id,
		    now, (int64_t)json_integer_value(json_object_get(open, "id")));
	} else {
		rc = max_version(db, t->item_id, &maxno, e);
		if (rc != 0)
			goto out;
		t->version_no = maxno + 1;
		rc = db_exec(db, e, "INSERT INTO item_versions (item_id, "
		    "version_no, status, elements, change_note, created_by, "
		    "created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?)", "iIssii",
		    t->item_id, t->version_no, text, t->note,
		    t->c->actor->user_id, now);
	}
	if (rc != 0)
		goto out;
	if (strcmp(r.status, "draft") == 0) {
		struct catalog_item it;

		rc = parse_el(t->canon, &it, e);
		if (rc == 0)
			rc = item_columns_set(db, t->item_id, &it, e);
		catalog_item_release(&it);
		if (rc == 0)
			rc = search_put(db, t->item_id, t->canon, t->dept_name, e);
		if (rc != 0)
			goto out;
	} else {
		rc = db_exec(db, e, "UPDATE items SET updated_at = ? WHERE id = ?",
		    "ii", now, t->item_id);
		if (rc != 0)
			goto out;
	}
	rc = audit_item(t->c, "item.draft", t->item_id, json_pack("{s:i, s:s}",
	    "version_no", t->version_no, "change_note", t->note), e);
out:
	free(text);
	json_decref(open);
	return rc;
}

static int
check_reason(const char *s, const char *field, bool required, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0') {
		if (required)
			return err_field(e, ERR_UNPROCESSABLE, field,
			    "reason_required", "请填写理由");
		return 0;
	}
	n = strlen(s);
	if (!utf8_valid(s, n) || utf8_chars(s, n) > LIMIT_TEXT_CHARS)
		return err_field(e, ERR_INVALID, field, NULL,
		    "内容过长（最多 %d 字）或含有无效字符", LIMIT_TEXT_CHARS);
	return 0;
}

int
catalog_item_draft_put(struct ctx *c, int64_t id, const json_t *elements,
    const char *change_note, bool partial, json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	json_t *canon = NULL;
	const char *impl, *handle;
	char dname[400];
	int64_t dept_id;
	int rc;

	*out = NULL;
	rc = item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	if (!can_see_drafts(c->actor, r.dept_id) &&
	    !actor_has(c->actor, ROLE_DEPT_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权编辑事项");
	rc = check_edit(c->actor, r.dept_id, e);
	if (rc == 0)
		rc = check_reason(change_note, "change_note", false, e);
	if (rc == 0)
		rc = check_elements(c, elements, partial, &canon, &dept_id,
		    dname, e);
	if (rc != 0)
		return rc;
	impl = json_string_value(json_object_get(canon, "impl_code"));
	handle = json_string_value(json_object_get(canon, "handle_code"));
	if (dept_id != r.dept_id) {
		rc = err_field(e, ERR_UNPROCESSABLE, "dept", "dept_fixed",
		    "不能更改已有事项的实施主体");
		goto out;
	}
	if (strcmp(impl != NULL ? impl : "", r.impl_code) != 0 ||
	    strcmp(handle != NULL ? handle : "", r.handle_code) != 0) {
		rc = err_field(e, ERR_UNPROCESSABLE, "impl_code", "code_fixed",
		    "不能更改已有事项的实施编码或业务办理项编码");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	t.dept_id = dept_id;
	t.dept_name = dname;
	t.canon = canon;
	t.note = change_note != NULL ? change_note : "";
	rc = db_tx(c->db, draft_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
out:
	json_decref(canon);
	return rc;
}

static int
submit_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL, *canon = NULL;
	const char *st;
	int rc;

	rc = lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL)
		return err_set(e, ERR_CONFLICT, "no_draft", "没有待提交的草稿");
	st = json_string_value(json_object_get(open, "status"));
	if (strcmp(st, "submitted") == 0) {
		rc = err_set(e, ERR_CONFLICT, "already_submitted",
		    "该版本已提交审核");
		goto out;
	}
	rc = catalog_check_json(json_object_get(open, "elements"), false,
	    &canon, e);
	if (rc != 0)
		goto out;
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = db_exec(db, e, "UPDATE item_versions SET status = 'submitted', "
	    "submitted_by = ?, submitted_at = ? WHERE id = ?", "iii",
	    t->c->actor->user_id, clock_now(),
	    (int64_t)json_integer_value(json_object_get(open, "id")));
	if (rc == 0)
		rc = audit_item(t->c, "item.submit", t->item_id,
		    json_pack("{s:i}", "version_no", t->version_no), e);
out:
	json_decref(canon);
	json_decref(open);
	return rc;
}

int
catalog_item_submit(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	int rc;

	*out = NULL;
	rc = item_load(c->db, id, &r, e);
	if (rc == 0)
		rc = check_edit(c->actor, r.dept_id, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	rc = db_tx(c->db, submit_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
	return rc;
}

int
catalog_reviews_list(struct ctx *c, const char *cursor, int limit,
    json_t **out, struct err *e)
{
	int64_t after_t = 0, after_id = 0;
	char next[CURSOR_MAX];
	json_t *rows, *last;

	*out = NULL;
	if (!is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以审核事项");
	if (cursor != NULL && cursor[0] != '\0' &&
	    !cursor_decode_int(cursor, &after_t, &after_id))
		return err_field(e, ERR_INVALID, "cursor", "bad_cursor",
		    "分页参数不正确");
	if (limit <= 0 || limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_DEFAULT;
	/* Oldest submission first; one row more than the page tells whether
	 * another page follows. */
	rows = db_query_json(c->db, e, "SELECT v.id AS version_id, v.item_id, "
	    "v.version_no, v.change_note, v.submitted_at, i.name, i.impl_code, "
	    "i.dept_id, d.name AS dept_name, i.status AS item_status FROM "
	    "item_versions v JOIN items i ON i.id = v.item_id JOIN departments "
	    "d ON d.id = i.dept_id WHERE v.status = 'submitted' AND "
	    "(v.submitted_at > ? OR (v.submitted_at = ? AND v.id > ?)) "
	    "ORDER BY v.submitted_at, v.id LIMIT ?", "iiii", after_t, after_t,
	    after_id, (int64_t)limit + 1);
	if (rows == NULL)
		return err_rc(e);
	if (json_array_size(rows) <= (size_t)limit) {
		*out = json_pack("{s:o, s:n}", "items", rows, "next_cursor");
		return 0;
	}
	json_array_remove(rows, (size_t)limit);
	last = json_array_get(rows, (size_t)limit - 1);
	cursor_encode_int(json_integer_value(json_object_get(last,
	    "submitted_at")), json_integer_value(json_object_get(last,
	    "version_id")), next, sizeof(next));
	*out = json_pack("{s:o, s:s}", "items", rows, "next_cursor", next);
	return 0;
}

/* Publishes the version vid (already checked) of item t->item_id. */
static int
publish_version(struct db *db, struct write_tx *t, int64_t vid,
    const json_t *canon, struct err *e)
{
	struct catalog_item it;
	int64_t now = clock_now();
	int rc;

	rc = db_exec(db, e, "UPDATE item_versions SET status = 'superseded' "
	    "WHERE item_id = ? AND status = 'published'", "i", t->item_id);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE item_versions SET status = "
		    "'published', reviewed_by = ?, reviewed_at = ?, "
		    "published_at = ? WHERE id = ?", "iiii",
		    t->c->actor->user_id, now, now, vid);
	if (rc != 0)
		return rc;
	rc = parse_el(canon, &it, e);
	if (rc == 0)
		rc = item_columns_set(db, t->item_id, &it, e);
	catalog_item_release(&it);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE items SET status = 'published', "
		    "current_version_id = ? WHERE id = ?", "ii", vid, t->item_id);
	if (rc == 0)
		rc = search_put(db, t->item_id, canon, t->dept_name, e);
	return rc;
}

static int
publish_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL, *canon = NULL, *prev = NULL, *diff = NULL;
	struct item_row r;
	int64_t vid;
	int rc;

	rc = lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = item_load(db, t->item_id, &r, e);
	if (rc == 0)
		rc = open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL || strcmp(json_string_value(json_object_get(open,
	    "status")), "submitted") != 0) {
		rc = err_set(e, ERR_CONFLICT, "not_submitted",
		    "该事项没有待审核的版本");
		goto out;
	}
	rc = catalog_check_json(json_object_get(open, "elements"), false,
	    &canon, e);
	if (rc != 0)
		goto out;
	t->dept_name = r.dept_name;
	vid = (int64_t)json_integer_value(json_object_get(open, "id"));
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = published_version(db, r.current_version_id, &prev, e);
	if (rc == 0)
		rc = publish_version(db, t, vid, canon, e);
	if (rc != 0)
		goto out;
	diff = catalog_diff(prev != NULL ? json_object_get(prev, "elements") :
	    NULL, canon);
	rc = audit_item(t->c, "item.publish", t->item_id, json_pack(
	    "{s:i, s:i}", "version_no", t->version_no, "changes",
	    diff != NULL ? (int)json_array_size(diff) : 0), e);
out:
	json_decref(diff);
	json_decref(prev);
	json_decref(canon);
	json_decref(open);
	return rc;
}

int
catalog_item_publish(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct write_tx t;
	int rc;

	*out = NULL;
	if (!is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以发布事项");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	rc = db_tx(c->db, publish_fn, &t, e);
	if (rc == 0)
		rc = catalog_item_get(c, id, out, e);
	return rc;
}

static int
return_fn(struct db *db, void *arg, struct err *e)
{
	struct write_tx *t = arg;
	json_t *open = NULL;
	int rc;

	rc = lock_item(db, t->item_id, e);
	if (rc == 0)
		rc = open_version(db, t->item_id, &open, e);
	if (rc != 0)
		return rc;
	if (open == NULL || strcmp(json_string_value(json_object_get(open,
	    "status")), "submitted") != 0) {
		json_decref(open);
		return err_set(e, ERR_CONFLICT, "not_submitted",
		    "该事项没有待审核的版本");
	}
	t->version_no = (int)json_integer_value(json_object_get(open,
	    "version_no"));
	rc = db_exec(db, e, "UPDATE item_versions SET status = 'returned', "
	    "reviewed_by = ?, reviewed_at = ?, review_reason = ? WHERE id = ?",
	    "iisi", t->c->actor->user_id, clock_now(), t->reason,
	    (int64_t)json_integer_value(json_object_get(open, "id")));
	json_decref(open);
	if (rc == 0)
		rc = audit_item(t->c, "item.return", t->item_id, json_pack(
		    "{s:i, s:s}", "version_no", t->version_no, "reason",
		    t->reason), e);
	return rc;
}

int
catalog_item_return(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e)
{
	struct write_tx t;
	struct item_row r;
	int rc;

	*out = NULL;
	if (!is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以退回事项");
	rc = check_reason(reason, "reason", true, e);
	if (rc == 0)
		rc = item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = id;
	t.reason = reason;
	rc = db_tx(c->db, return_fn, &t, e);
	if (rc == 0)
		rc = item_with_draft(c, id, out, e);
	return rc;
}

/* --- versions and differences --- */

static int
visible_item(struct ctx *c, int64_t id, struct item_row *r, bool *drafts,
    struct err *e)
{
	int rc;

	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看事项版本");
	rc = item_load(c->db, id, r, e);
	if (rc != 0)
		return rc;
	*drafts = can_see_drafts(c->actor, r->dept_id);
	if (!*drafts && strcmp(r->status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	return 0;
}

int
catalog_item_versions(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct item_row r;
	bool drafts;
	json_t *list;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc != 0)
		return rc;
	list = db_query_json(c->db, e, "SELECT id, version_no, status, "
	    "change_note, created_at, submitted_at, published_at, "
	    "review_reason, reviewed_at FROM item_versions WHERE item_id = ? "
	    "AND (? = 1 OR status IN ('published', 'superseded')) "
	    "ORDER BY version_no DESC", "iI", id, drafts ? 1 : 0);
	if (list == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

static int
version_by_no(struct ctx *c, int64_t id, int no, bool drafts, json_t **out,
    struct err *e)
{
	int rc;

	rc = version_get(c->db, db_query(c->db, e, VERSION_COLS "WHERE "
	    "item_id = ? AND version_no = ? AND (? = 1 OR status IN "
	    "('published', 'superseded'))", "iII", id, no, drafts ? 1 : 0),
	    out, e);
	if (rc == 0 && *out == NULL)
		rc = err_set(e, ERR_NOT_FOUND, "version_not_found",
		    "版本不存在");
	return rc;
}

int
catalog_item_version(struct ctx *c, int64_t id, int version_no, json_t **out,
    struct err *e)
{
	struct item_row r;
	bool drafts;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc == 0)
		rc = version_by_no(c, id, version_no, drafts, out, e);
	return rc;
}

int
catalog_item_diff(struct ctx *c, int64_t id, int from, int to, json_t **out,
    struct err *e)
{
	struct item_row r;
	json_t *a = NULL, *b = NULL, *d;
	bool drafts;
	int rc;

	*out = NULL;
	rc = visible_item(c, id, &r, &drafts, e);
	if (rc != 0)
		return rc;
	if (from < 0 || to <= 0)
		return err_field(e, ERR_INVALID, to <= 0 ? "to" : "from", NULL,
		    "版本号须为正整数");
	if (from > 0)
		rc = version_by_no(c, id, from, drafts, &a, e);
	if (rc == 0)
		rc = version_by_no(c, id, to, drafts, &b, e);
	if (rc == 0) {
		d = catalog_diff(a != NULL ? json_object_get(a, "elements") :
		    NULL, json_object_get(b, "elements"));
		*out = json_pack("{s:i, s:i, s:o}", "from", from, "to", to,
		    "changes", d != NULL ? d : json_array());
		if (*out == NULL)
			rc = err_internal(e, "out of memory");
	}
	json_decref(a);
	json_decref(b);
	return rc;
}

/* --- withdrawals: requests of kind "item_withdrawal" --- */

struct wd_tx {
	struct ctx *c;
	int64_t item_id, dept_id, id;
	const char *scope, *reason, *item_name, *impl_code;
};

static int
wd_request_fn(struct db *db, void *arg, struct err *e)
{
	struct wd_tx *t = arg;
	struct request_in in;
	char key[64];
	json_t *p;
	int rc;

	p = json_pack("{s:s, s:s, s:s}", "scope", t->scope, "item_name",
	    t->item_name, "impl_code", t->impl_code);
	snprintf(key, sizeof(key), "withdrawal:%" PRId64 ":%s", t->item_id,
	    t->scope);
	memset(&in, 0, sizeof(in));
	in.kind = "item_withdrawal";
	in.dept_id = t->dept_id;
	in.subject_type = "item";
	in.subject_id = t->item_id;
	in.subject_label = t->item_name;
	in.pending_key = key;
	in.pending_msg = "该事项已有待审批的撤回申请";
	in.payload = p;
	in.reason = t->reason;
	rc = requests_submit(t->c, db, &in, &t->id, e);
	json_decref(p);
	return rc;
}

/* The legacy shape of a withdrawal: the queue's row plus item_id,
 * item_name, impl_code, scope and decision_reason. */
static void
wd_shape(json_t *row)
{
	json_t *p = json_object_get(row, "payload");

	json_object_set(row, "item_id", json_object_get(row, "subject_id"));
	json_object_set(row, "item_name", json_object_get(p, "item_name"));
	json_object_set(row, "impl_code", json_object_get(p, "impl_code"));
	json_object_set(row, "scope", json_object_get(p, "scope"));
	json_object_set(row, "decision_reason", json_object_get(row,
	    "decision_comment"));
}

static int
wd_get(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	int rc = requests_get(c, id, out, e);

	if (rc == 0)
		wd_shape(*out);
	return rc;
}

int
catalog_withdrawal_request(struct ctx *c, int64_t item_id, const char *scope,
    const char *reason, json_t **out, struct err *e)
{
	struct item_row r;
	struct wd_tx t;
	json_t *nm;
	int64_t stationed = 0, online = 0;
	int rc;

	*out = NULL;
	if (!actor_has(c->actor, ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权申请撤回事项");
	rc = item_load(c->db, item_id, &r, e);
	if (rc == 0)
		rc = check_edit(c->actor, r.dept_id, e);
	if (rc != 0)
		return rc;
	if (scope == NULL || (strcmp(scope, "hall") != 0 &&
	    strcmp(scope, "online") != 0))
		return err_field(e, ERR_INVALID, "scope", NULL,
		    "撤回范围须为 hall（撤出大厅）或 online（停止网上办理）");
	rc = check_reason(reason, "reason", true, e);
	if (rc != 0)
		return rc;
	if (strcmp(r.status, "published") != 0)
		return err_set(e, ERR_UNPROCESSABLE, "not_published",
		    "只有已发布的事项可以申请撤回");
	rc = db_query_int(c->db, e, &stationed, "SELECT stationed FROM items "
	    "WHERE id = ?", "i", item_id);
	if (rc >= 0)
		rc = db_query_int(c->db, e, &online, "SELECT online FROM items "
		    "WHERE id = ?", "i", item_id);
	if (rc < 0)
		return rc;
	if (strcmp(scope, "hall") == 0 && stationed == 0)
		return err_field(e, ERR_UNPROCESSABLE, "scope", "not_stationed",
		    "该事项未进驻政务大厅");
	if (strcmp(scope, "online") == 0 && online == 0)
		return err_field(e, ERR_UNPROCESSABLE, "scope", "not_online",
		    "该事项未开通网上办理");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.item_id = item_id;
	t.dept_id = r.dept_id;
	t.scope = scope;
	t.reason = reason;
	nm = db_query_row(c->db, e, "SELECT name FROM items WHERE id = ?", "i",
	    item_id);
	if (nm == NULL)
		return err_rc(e);
	t.item_name = json_string_value(json_object_get(nm, "name"));
	t.impl_code = r.impl_code;
	rc = db_tx(c->db, wd_request_fn, &t, e);
	json_decref(nm);
	if (rc == 0)
		rc = wd_get(c, t.id, out, e);
	return rc;
}

int
catalog_withdrawals_list(struct ctx *c, const char *status, json_t **out,
    struct err *e)
{
	return catalog_withdrawals_page(c, status, NULL, 0, out, e);
}

int
catalog_withdrawals_page(struct ctx *c, const char *status,
    const char *cursor, int limit, json_t **out, struct err *e)
{
	struct request_query q;
	json_t *v;
	size_t i;
	int rc;

	memset(&q, 0, sizeof(q));
	q.kind = "item_withdrawal";
	q.status = status;
	q.cursor = cursor;
	q.limit = limit;
	q.forbidden_msg = "无权查看撤回申请";
	rc = requests_list(c, &q, out, e);
	if (rc == 0)
		json_array_foreach(json_object_get(*out, "items"), i, v)
			wd_shape(v);
	return rc;
}

/* The elements of a withdrawal: a copy of the current ones with the hall
 * or the online handling taken away. */
static json_t *
withdrawn_elements(const json_t *cur, const char *scope, const char *reason)
{
	json_t *el = json_deep_copy(cur), *forms, *keep, *v;
	size_t i;

	if (el == NULL)
		return NULL;
	if (strcmp(scope, "hall") == 0) {
		json_object_set_new(el, "stationed", json_false());
		return el;
	}
	forms = json_object_get(el, "handling_forms");
	keep = json_array();
	json_array_foreach(forms, i, v) {
		json_int_t f = json_integer_value(v);

		if (f != 2 && f != 3)
			json_array_append(keep, v);
	}
	if (json_array_size(keep) == 0)
		json_array_append_new(keep, json_integer(1));
	json_object_set_new(el, "handling_forms", keep);
	json_object_set_new(el, "online_level", json_integer(1));
	json_object_set_new(el, "online_depth", json_string("1"));
	json_object_set_new(el, "online_url", json_string(""));
	if (json_integer_value(json_object_get(el, "visits")) < 1)
		json_object_set_new(el, "visits", json_integer(1));
	v = json_object_get(el, "visit_reason");
	if (!json_is_string(v) || json_string_length(v) == 0)
		json_object_set_new(el, "visit_reason", json_string(reason));
	return el;
}

/* The kind's apply(): an approved withdrawal publishes a new version made
 * from the current one, in the deciding transaction. */
static int
wd_apply(struct ctx *c, struct db *db, const struct request *rq,
    bool approve, struct err *e)
{
	json_t *pub = NULL, *el = NULL, *canon = NULL;
	struct item_row r;
	struct write_tx w;
	const char *scope, *note;
	char *text = NULL;
	int64_t now = clock_now(), vid = 0;
	int rc, maxno = 0;

	if (!approve)
		return 0;
	scope = json_string_value(json_object_get(rq->payload, "scope"));
	if (scope == NULL)
		return err_internal(e, "withdrawal without scope");
	rc = lock_item(db, rq->subject_id, e);
	if (rc == 0)
		rc = item_load(db, rq->subject_id, &r, e);
	if (rc == 0)
		rc = published_version(db, r.current_version_id, &pub, e);
	if (rc != 0)
		goto out;
	if (pub == NULL) {
		rc = err_set(e, ERR_CONFLICT, "not_published",
		    "该事项没有已发布的版本");
		goto out;
	}
	el = withdrawn_elements(json_object_get(pub, "elements"), scope,
	    rq->reason);
	rc = el != NULL ? catalog_check_json(el, false, &canon, e) :
	    err_internal(e, "out of memory");
	if (rc != 0)
		goto out;
	rc = max_version(db, rq->subject_id, &maxno, e);
	if (rc == 0)
		rc = db_exec(db, e, "UPDATE item_versions SET version_no = ? "
		    "WHERE item_id = ? AND status IN ('draft', 'submitted', "
		    "'returned')", "Ii", maxno + 2, rq->subject_id);
	if (rc != 0)
		goto out;
	text = el_dump(canon);
	note = strcmp(scope, "hall") == 0 ? "经批准撤出政务大厅" :
	    "经批准停止网上办理";
	rc = db_query_int(db, e, &vid, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, change_note, created_by, created_at) "
	    "VALUES (?, ?, 'draft', ?, ?, ?, ?) RETURNING id", "iIssii",
	    rq->subject_id, maxno + 1, text, note, c->actor->user_id, now);
	if (rc < 0)
		goto out;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.item_id = rq->subject_id;
	w.dept_name = r.dept_name;
	rc = publish_version(db, &w, vid, canon, e);
	if (rc == 0 && strcmp(scope, "hall") == 0)
		rc = db_exec(db, e, "DELETE FROM window_items WHERE item_id = ?",
		    "i", rq->subject_id);
	if (rc != 0)
		goto out;
	rc = audit_item(c, "item.publish", rq->subject_id, json_pack(
	    "{s:i, s:s}", "version_no", maxno + 1, "change_note", note), e);
out:
	free(text);
	json_decref(canon);
	json_decref(el);
	json_decref(pub);
	return rc;
}

static const struct request_kind withdrawal_kind = {
	.kind = "item_withdrawal",
	.label = "事项撤回",
	.decide_roles = ROLE_HALL_ADMIN,
	.apply = wd_apply,
};

void
catalog_requests_register(void)
{
	requests_register(&withdrawal_kind);
}

int
catalog_withdrawal_decide(struct ctx *c, int64_t id, bool approve,
    const char *reason, json_t **out, struct err *e)
{
	int rc;

	*out = NULL;
	if (!is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理机构可以审批撤回申请");
	rc = check_reason(reason, "reason", !approve, e);
	if (rc != 0)
		return rc;
	rc = requests_decide(c, id, "item_withdrawal", approve, reason, e);
	if (rc == 0)
		rc = wd_get(c, id, out, e);
	return rc;
}

/* --- the guide --- */

static const char *const theme_codes[] = {
	"birth", "household", "education", "employment", "social_security",
	"medical", "marriage", "housing", "transport", "retirement", "veteran",
	"disability", "death", "culture", "utilities", "establish", "permit",
	"construction", "tax", "labour", "qualification", "environment",
	"safety", "agriculture", "trade", "cancel",
};

int
catalog_guide_item(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct item_row r;
	json_t *item = NULL, *pub = NULL, *dept = NULL, *wins = NULL;
	int rc;

	*out = NULL;
	rc = item_load(c->db, id, &r, e);
	if (rc != 0)
		return rc;
	if (strcmp(r.status, "published") != 0)
		return err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	rc = item_summary(c, id, false, &item, e);
	if (rc == 0)
		rc = published_version(c->db, r.current_version_id, &pub, e);
	if (rc != 0)
		goto fail;
	dept = db_query_row(c->db, e, "SELECT id, name, short_name, kind, "
	    "stationing_mode, contact_phone, address FROM departments "
	    "WHERE id = ?", "i", r.dept_id);
	wins = db_query_json(c->db, e, "SELECT w.id, w.number, w.name, w.kind, "
	    "w.zone FROM window_items wi JOIN windows w ON w.id = wi.window_id "
	    "WHERE wi.item_id = ? AND w.active = 1 ORDER BY w.number", "i", id);
	if (dept == NULL || wins == NULL || pub == NULL) {
		rc = pub == NULL ? err_set(e, ERR_NOT_FOUND, "item_not_found",
		    "事项不存在") : err_rc(e);
		goto fail;
	}
	*out = json_pack("{s:o, s:O, s:O, s:o, s:o}", "item", item,
	    "elements", json_object_get(pub, "elements"),
	    "version_no", json_object_get(pub, "version_no"),
	    "dept", dept, "windows", wins);
	json_decref(pub);
	return *out != NULL ? 0 : err_internal(e, "out of memory");
fail:
	json_decref(item);
	json_decref(pub);
	json_decref(dept);
	json_decref(wins);
	return rc;
}

int
catalog_guide_themes(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list = json_array();
	int rc = 0;

	*out = NULL;
	for (size_t i = 0; i < NELEM(theme_codes) && rc == 0; i++) {
		char like[64];
		int64_t n = 0;
		char aud = catalog_theme_audience(theme_codes[i]);

		snprintf(like, sizeof(like), "%%,%s,%%", theme_codes[i]);
		rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM items "
		    "WHERE status = 'published' AND themes LIKE ?", "s", like);
		if (rc < 0)
			break;
		rc = 0;
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}",
		    "code", theme_codes[i], "label",
		    catalog_theme_label(theme_codes[i]), "audience",
		    aud == 'P' ? "person" : aud == 'E' ? "enterprise" : "both",
		    "item_count", (json_int_t)n));
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

int
catalog_guide_types(struct ctx *c, json_t **out, struct err *e)
{
	json_t *list = json_array();
	int rc = 0;

	*out = NULL;
	for (int i = 0; i <= 20 && rc == 0; i++) {
		char code[16];
		int64_t n = 0;

		snprintf(code, sizeof(code), "%02d", i);
		if (!catalog_type_known(code))
			continue;
		rc = db_query_int(c->db, e, &n, "SELECT COUNT(*) FROM items "
		    "WHERE status = 'published' AND type = ?", "s", code);
		if (rc < 0)
			break;
		rc = 0;
		if (n == 0)
			continue;
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}",
		    "code", code, "label", catalog_type_label(code),
		    "item_count", (json_int_t)n));
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "items", list);
	return 0;
}

int
catalog_guide_file_check(struct ctx *c, int64_t item_id, const char *sha256,
    struct err *e)
{
	struct item_row r;
	json_t *pub = NULL, *m;
	size_t i;
	bool found = false;
	int rc;

	rc = item_load(c->db, item_id, &r, e);
	if (rc == 0 && strcmp(r.status, "published") != 0)
		rc = err_set(e, ERR_NOT_FOUND, "item_not_found", "事项不存在");
	if (rc == 0)
		rc = published_version(c->db, r.current_version_id, &pub, e);
	if (rc != 0)
		return rc;
	json_array_foreach(json_object_get(json_object_get(pub, "elements"),
	    "materials"), i, m) {
		const char *b = json_string_value(json_object_get(m,
		    "blank_form"));
		const char *s = json_string_value(json_object_get(m, "sample"));

		if ((b != NULL && strcmp(b, sha256) == 0) ||
		    (s != NULL && strcmp(s, sha256) == 0))
			found = true;
	}
	json_decref(pub);
	return found ? 0 : err_set(e, ERR_NOT_FOUND, "file_not_found",
	    "文件不存在");
}

/* --- import and export --- */

/* Column kinds: S text, I integer, N integer or empty (null), B 0/1,
 * J JSON text. */
static const struct csv_col {
	const char *name;
	char kind;
} csv_cols[] = {
	{ "basic_code", 'S' }, { "impl_code", 'S' }, { "handle_code", 'S' },
	{ "type", 'S' }, { "name", 'S' }, { "dept", 'S' }, { "level", 'I' },
	{ "legal_basis", 'S' }, { "objects", 'J' }, { "conditions", 'S' },
	{ "materials", 'J' }, { "statutory_days", 'N' },
	{ "promised_days", 'I' }, { "time_note", 'S' }, { "case_kind", 'I' },
	{ "fee_charged", 'B' }, { "fee_basis", 'S' }, { "fee_items", 'J' },
	{ "handling_forms", 'J' }, { "online_depth", 'S' },
	{ "online_level", 'I' }, { "online_url", 'S' }, { "visits", 'I' },
	{ "visit_reason", 'S' }, { "stationed", 'B' },
	{ "window_authorised", 'B' }, { "rongque", 'B' }, { "commitment", 'B' },
	{ "high_risk", 'B' }, { "result_name", 'S' }, { "result_type", 'S' },
	{ "delivery", 'J' }, { "tongban", 'S' }, { "consult_phone", 'S' },
	{ "complaint_phone", 'S' }, { "faq", 'J' }, { "place", 'S' },
	{ "hours", 'S' }, { "themes", 'J' },
};

const char *const catalog_csv_columns[] = {
	"basic_code", "impl_code", "handle_code", "type", "name", "dept",
	"level", "legal_basis", "objects", "conditions", "materials",
	"statutory_days", "promised_days", "time_note", "case_kind",
	"fee_charged", "fee_basis", "fee_items", "handling_forms",
	"online_depth", "online_level", "online_url", "visits", "visit_reason",
	"stationed", "window_authorised", "rongque", "commitment", "high_risk",
	"result_name", "result_type", "delivery", "tongban", "consult_phone",
	"complaint_phone", "faq", "place", "hours", "themes", NULL,
};

static json_t *
export_cell(const json_t *v, char kind)
{
	char *s;
	json_t *out;

	if (v == NULL || json_is_null(v))
		return json_string("");
	if (kind == 'B')
		return json_integer(json_is_true(v) ? 1 : 0);
	if (kind == 'J') {
		s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		out = json_string(s != NULL ? s : "");
		free(s);
		return out;
	}
	if (json_is_string(v))
		return json_string(json_string_value(v));
	return json_deep_copy(v);
}

int
catalog_export(struct ctx *c, const char *format, struct buf *out,
    const char **ctype, struct err *e)
{
	json_t *rows = NULL, *list, *headers, *r;
	bool xlsx;
	size_t i;
	int rc;

	if (!is_staff(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权导出实施清单");
	if (format == NULL || format[0] == '\0' || strcmp(format, "csv") == 0)
		xlsx = false;
	else if (strcmp(format, "xlsx") == 0)
		xlsx = true;
	else
		return err_field(e, ERR_INVALID, "format", NULL,
		    "导出格式须为 csv 或 xlsx");
	list = db_query_json(c->db, e, "SELECT v.elements FROM items i JOIN "
	    "item_versions v ON v.id = i.current_version_id WHERE i.status = "
	    "'published' ORDER BY i.dept_id, i.id", "");
	if (list == NULL)
		return err_rc(e);
	headers = json_array();
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const char *l = catalog_field_label(csv_cols[k].name);

		json_array_append_new(headers, json_string(xlsx && l != NULL &&
		    l[0] != '\0' ? l : csv_cols[k].name));
	}
	rows = json_array();
	json_array_foreach(list, i, r) {
		json_t *el = json_loads(json_string_value(json_object_get(r,
		    "elements")), 0, NULL), *row = json_array();

		for (size_t k = 0; k < NELEM(csv_cols); k++)
			json_array_append_new(row, export_cell(el != NULL ?
			    json_object_get(el, csv_cols[k].name) : NULL,
			    csv_cols[k].kind));
		json_decref(el);
		json_array_append_new(rows, row);
	}
	json_decref(list);
	if (xlsx) {
		*ctype = "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
		rc = xlsx_table_to_buf(out, NULL, "实施清单", headers, rows, NULL,
		    clock_now(), e);
	} else {
		*ctype = "text/csv; charset=utf-8";
		rc = csv_write_json(out, headers, rows, CSV_BOM | CSV_NEUTRALISE,
		    e);
	}
	json_decref(headers);
	json_decref(rows);
	return rc;
}

struct import_row {
	size_t line;
	json_t *canon;
	int64_t dept_id;
	char dept_name[400];
};

struct import_ctx {
	struct ctx *c;
	int map[NELEM(csv_cols)]; /* column index of each csv_cols entry */
	bool header_done;
	json_t *bad;              /* [{line, column, reason}] */
	struct import_row *rows;
	size_t n, cap;
	int imported;
};

static int
bad_row(struct import_ctx *x, size_t line, const char *column,
    const char *reason)
{
	json_array_append_new(x->bad, json_pack("{s:I, s:s, s:s}", "line",
	    (json_int_t)line, "column", column, "reason", reason));
	return 0;
}

static const char *
unneutralise(const char *s)
{
	if (s[0] == '\'' && (s[1] == '=' || s[1] == '+' || s[1] == '-' ||
	    s[1] == '@' || s[1] == '\t' || s[1] == '\r'))
		return s + 1;
	return s;
}

static int
import_header(struct import_ctx *x, char **f, size_t n)
{
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const char *l = catalog_field_label(csv_cols[k].name);

		x->map[k] = -1;
		for (size_t j = 0; j < n; j++)
			if (strcmp(f[j], csv_cols[k].name) == 0 || (l != NULL &&
			    l[0] != '\0' && strcmp(f[j], l) == 0))
				x->map[k] = (int)j;
		if (x->map[k] < 0 && csv_cols[k].kind != 'S')
			bad_row(x, 1, csv_cols[k].name, "缺少该列");
	}
	x->header_done = true;
	return 0;
}

static int
import_row_fn(void *arg, size_t line, char **f, size_t n, struct err *e)
{
	struct import_ctx *x = arg;
	json_t *el, *canon = NULL;
	struct import_row *row;
	char dname[400];
	int64_t dept_id;
	struct err ve;
	int rc;

	if (!x->header_done)
		return import_header(x, f, n);
	el = json_object();
	for (size_t k = 0; k < NELEM(csv_cols); k++) {
		const struct csv_col *col = &csv_cols[k];
		const char *s;
		json_t *v = NULL;

		if (x->map[k] < 0 || (size_t)x->map[k] >= n)
			continue;
		s = unneutralise(f[x->map[k]]);
		switch (col->kind) {
		case 'S':
			v = json_string(s);
			break;
		case 'N':
			if (s[0] == '\0') {
				v = json_null();
				break;
			}
			/* FALLTHROUGH */
		case 'I': {
			char *end;
			long long iv;

			errno = 0;
			iv = strtoll(s, &end, 10);
			if (s[0] == '\0' || *end != '\0' || errno != 0) {
				bad_row(x, line, col->name, "须为整数");
				json_decref(el);
				return 0;
			}
			v = json_integer(iv);
			break;
		}
		case 'B':
			if (strcmp(s, "1") == 0 || strcmp(s, "是") == 0 ||
			    strcmp(s, "true") == 0)
				v = json_true();
			else if (strcmp(s, "0") == 0 || strcmp(s, "否") == 0 ||
			    strcmp(s, "false") == 0 || s[0] == '\0')
				v = json_false();
			else {
				bad_row(x, line, col->name, "须为 1（是）或 0（否）");
				json_decref(el);
				return 0;
			}
			break;
		case 'J':
			v = s[0] == '\0' ? json_array() : json_loads(s,
			    JSON_DECODE_ANY, NULL);
			if (v == NULL) {
				bad_row(x, line, col->name, "须为 JSON 格式");
				json_decref(el);
				return 0;
			}
			break;
		}
		json_object_set_new(el, col->name, v);
	}
	err_clear(&ve);
	rc = check_elements(x->c, el, false, &canon, &dept_id, dname, &ve);
	json_decref(el);
	if (rc == -ERR_INTERNAL || rc == -ERR_BUSY) {
		*e = ve;
		return rc;
	}
	if (rc != 0) {
		char colname[ERR_FIELD_MAX];
		size_t cut = strcspn(ve.field, ".[");

		snprintf(colname, sizeof(colname), "%.*s", (int)cut, ve.field);
		return bad_row(x, line, colname, ve.msg);
	}
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 32;
		struct import_row *nr = realloc(x->rows, cap * sizeof(*nr));

		if (nr == NULL) {
			json_decref(canon);
			return err_internal(e, "out of memory");
		}
		x->rows = nr;
		x->cap = cap;
	}
	row = &x->rows[x->n++];
	row->line = line;
	row->canon = canon;
	row->dept_id = dept_id;
	snprintf(row->dept_name, sizeof(row->dept_name), "%s", dname);
	return 0;
}

static int
import_fn(struct db *db, void *arg, struct err *e)
{
	struct import_ctx *x = arg;
	int rc = 0;

	x->imported = 0;
	for (size_t i = 0; i < x->n && rc == 0; i++) {
		struct import_row *row = &x->rows[i];
		const char *impl = json_string_value(json_object_get(row->canon,
		    "impl_code"));
		const char *handle = json_string_value(json_object_get(
		    row->canon, "handle_code"));
		struct write_tx t;
		int64_t id = 0;

		memset(&t, 0, sizeof(t));
		t.c = x->c;
		t.dept_id = row->dept_id;
		t.dept_name = row->dept_name;
		t.canon = row->canon;
		t.note = "CSV 导入";
		rc = db_query_int(db, e, &id, "SELECT id FROM items WHERE "
		    "impl_code = ? AND handle_code = ?", "ss", impl,
		    handle != NULL ? handle : "");
		if (rc < 0)
			break;
		if (rc == DB_ROW) {
			int64_t dept = 0;

			rc = db_query_int(db, e, &dept, "SELECT dept_id FROM items "
			    "WHERE id = ?", "i", id);
			if (rc < 0)
				break;
			if (dept != row->dept_id) {
				rc = err_field(e, ERR_UNPROCESSABLE, "dept",
				    "dept_fixed", "第 %zu 行：不能更改已有事项的实施"
				    "主体", row->line);
				break;
			}
			t.item_id = id;
			/* A version under review is replaced by the import. */
			rc = db_exec(db, e, "UPDATE item_versions SET status = "
			    "'returned' WHERE item_id = ? AND status = "
			    "'submitted'", "i", id);
			if (rc == 0)
				rc = draft_fn(db, &t, e);
		} else {
			rc = create_fn(db, &t, e);
		}
		if (rc == 0)
			rc = submit_fn(db, &t, e);
		if (rc == 0)
			x->imported++;
	}
	return rc;
}

int
catalog_import_csv(struct ctx *c, const char *data, size_t len, int *imported,
    json_t **rows, struct err *e)
{
	struct import_ctx x;
	int rc;

	*imported = 0;
	*rows = NULL;
	if (!is_reviewer(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有审改办可以导入实施清单");
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.bad = json_array();
	rc = csv_parse(data, len, NULL, import_row_fn, &x, e);
	if (rc == 0 && !x.header_done)
		rc = err_set(e, ERR_UNPROCESSABLE, "empty_csv",
		    "文件为空：第一行须为列名");
	if (rc == 0 && x.n == 0 && json_array_size(x.bad) == 0)
		rc = err_set(e, ERR_UNPROCESSABLE, "empty_csv",
		    "文件中没有事项");
	/* The same item twice in one file. */
	for (size_t i = 0; rc == 0 && i < x.n; i++)
		for (size_t j = 0; j < i; j++) {
			json_t *a = x.rows[i].canon, *b = x.rows[j].canon;

			if (json_equal(json_object_get(a, "impl_code"),
			    json_object_get(b, "impl_code")) &&
			    json_equal(json_object_get(a, "handle_code"),
			    json_object_get(b, "handle_code"))) {
				bad_row(&x, x.rows[i].line, "impl_code",
				    "与前面的行重复（实施编码及业务办理项编码相同）");
				break;
			}
		}
	if (rc == 0 && json_array_size(x.bad) > 0) {
		rc = err_set(e, ERR_UNPROCESSABLE, "import_invalid",
		    "有 %zu 处错误，未导入任何事项", json_array_size(x.bad));
		*rows = x.bad;
		x.bad = NULL;
	}
	if (rc == 0)
		rc = db_tx(c->db, import_fn, &x, e);
	if (rc == 0)
		*imported = x.imported;
	for (size_t i = 0; i < x.n; i++)
		json_decref(x.rows[i].canon);
	free(x.rows);
	json_decref(x.bad);
	return rc;
}
