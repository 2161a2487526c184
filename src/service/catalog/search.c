/* search.c - the catalogue's search text and item lists. */
#include "service/catalog/catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "core/catalog.h"
#include "core/search.h"
#include "service/platform/platform.h"
#include "store/db.h"



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

/* Three sections, each ended by a line holding only CATALOG_SEARCH_SEP:
 * what people call the item (its name first, the result, department,
 * type, themes and the common words of the aliases), its codes and legal
 * basis, its materials. The ranking (search_rank below) tells a name match
 * from a material mention by the section. Older texts have no separator:
 * all of it counts as codes. */
int
catalog_search_text(const json_t *el, const char *dept_name, struct buf *out)
{
	static const char *const common_keys[] = { "name", "result_name",
	    NULL };
	static const char *const code_keys[] = { "basic_code", "impl_code",
	    "handle_code", "legal_basis", NULL };
	const char *type = json_string_value(json_object_get(el, "type"));
	struct buf common, codes, mats;
	json_t *v;
	size_t i;
	int rc = 0;

	buf_init(&common, 0);
	buf_init(&codes, 0);
	buf_init(&mats, 0);
	for (i = 0; common_keys[i] != NULL && rc == 0; i++) {
		const char *s = json_string_value(json_object_get(el,
		    common_keys[i]));

		if (s != NULL && s[0] != '\0')
			rc = buf_appendf(&common, "%s\n", s);
	}
	if (rc == 0 && dept_name != NULL)
		rc = buf_appendf(&common, "%s\n", dept_name);
	if (rc == 0 && type != NULL && catalog_type_label(type) != NULL)
		rc = buf_appendf(&common, "%s\n", catalog_type_label(type));
	json_array_foreach(json_object_get(el, "themes"), i, v) {
		const char *l = catalog_theme_label(json_string_value(v));

		if (rc == 0 && l != NULL && l[0] != '\0')
			rc = buf_appendf(&common, "%s\n", l);
	}
	for (i = 0; code_keys[i] != NULL && rc == 0; i++) {
		const char *s = json_string_value(json_object_get(el,
		    code_keys[i]));

		if (s != NULL && s[0] != '\0')
			rc = buf_appendf(&codes, "%s\n", s);
	}
	json_array_foreach(json_object_get(el, "materials"), i, v) {
		const char *s = json_string_value(json_object_get(v, "name"));

		if (rc == 0 && s != NULL)
			rc = buf_appendf(&mats, "%s\n", s);
	}
	/* The words of an alias go with the section that has its key: the
	 * common words of the item itself, or a mention among materials. */
	for (i = 0; i < NELEM(aliases) && rc == 0; i++) {
		if (common.data != NULL && strstr(common.data,
		    aliases[i].key) != NULL)
			rc = buf_appendf(&common, "%s\n", aliases[i].words);
		else if (mats.data != NULL && strstr(mats.data,
		    aliases[i].key) != NULL)
			rc = buf_appendf(&mats, "%s\n", aliases[i].words);
	}
	if (rc == 0)
		rc = buf_appendf(out, "%s" CATALOG_SEARCH_SEP "\n%s"
		    CATALOG_SEARCH_SEP "\n%s" CATALOG_SEARCH_SEP "\n",
		    common.data != NULL ? common.data : "",
		    codes.data != NULL ? codes.data : "",
		    mats.data != NULL ? mats.data : "");
	buf_release(&common);
	buf_release(&codes);
	buf_release(&mats);
	return rc;
}

int
catalog_search_put(struct db *db, int64_t item_id, const json_t *el,
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

/* --- lists and search --- */

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

json_t *
catalog_summary_row(struct db_stmt *s, bool with_open)
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
	    "current_version_id", catalog_id_or_null(db_col_int(s, 17)),
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
		row = catalog_summary_row(s, with_open);
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
	catalog_idtxt(cur, last);
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
	if (!catalog_is_staff(a))
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

/* --- the guide's ranked search --- */

/* One published item of the search. */
struct hit {
	int64_t id;
	int score;
	int tie;    /* characters of the query in the name, percent */
	char *name;
	char *text;
};

struct ranked {
	struct hit *v;
	size_t n, cap;
};

static void
ranked_free(struct ranked *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].text);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->tie != y->tie)
		return x->tie > y->tie ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The published items passing the filters, with their names and texts. */
static int
ranked_load(struct ctx *c, const struct qopts *o, struct ranked *r,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, "SELECT i.id, i.name, s.text FROM items i "
	    "LEFT JOIN item_search s ON s.item_id = i.id WHERE i.status = "
	    "'published' AND (? = 0 OR i.dept_id = ?) AND (? = '' OR i.type = "
	    "?) AND (? = '' OR i.themes LIKE ?) AND (? = 0 OR "
	    "(i.objects_mask & ?) <> 0) ORDER BY i.id", "iissssii",
	    o->dept_id, o->dept_id, o->type != NULL ? o->type : "",
	    o->type != NULL ? o->type : "", o->theme_like, o->theme_like,
	    o->objects_mask, o->objects_mask);
	if (s == NULL)
		return err_rc(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		struct hit *h;

		if (r->n == r->cap) {
			size_t cap = r->cap != 0 ? r->cap * 2 : 256;
			struct hit *v = realloc(r->v, cap * sizeof(*v));

			if (v == NULL) {
				rc = err_internal(e, "out of memory");
				break;
			}
			r->v = v;
			r->cap = cap;
		}
		h = &r->v[r->n];
		h->id = db_col_int(s, 0);
		h->score = 0;
		h->name = strdup(db_col_text(s, 1));
		h->text = strdup(db_col_is_null(s, 2) ? "" : db_col_text(s, 2));
		if (h->name == NULL || h->text == NULL) {
			free(h->name);
			free(h->text);
			rc = err_internal(e, "out of memory");
			break;
		}
		r->n++;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

/* Splits an item's search text into the fields of a search_doc (in
 * place: the separators become NULs). */
static void
doc_of(struct hit *h, struct search_doc *d)
{
	char *sep1 = strstr(h->text, CATALOG_SEARCH_SEP "\n");
	char *sep2 = sep1 != NULL ? strstr(sep1 + 2, CATALOG_SEARCH_SEP "\n") :
	    NULL;

	d->name = h->name;
	if (sep1 == NULL || sep2 == NULL) {
		d->common = "";
		d->codes = h->text;
		d->materials = "";
		return;
	}
	*sep1 = '\0';
	*sep2 = '\0';
	d->common = h->text;
	d->codes = sep1 + 2;
	d->materials = sep2 + 2;
}

struct needles {
	int n;
	struct search_needle v[SEARCH_NEEDLES_MAX];
};

static void
needle_add(struct needles *nl, const char *text, int weight)
{
	for (int i = 0; i < nl->n; i++)
		if (strcmp(nl->v[i].text, text) == 0)
			return;
	if (nl->n < SEARCH_NEEDLES_MAX &&
	    search_needle_set(&nl->v[nl->n], text, weight))
		nl->n++;
}

/* form with key (at at) replaced by w into out; false when too long. */
static bool
replaced(const char *form, const char *at, const char *key, const char *w,
    char out[SEARCH_NEEDLE_BYTES])
{
	char tmp[3 * SEARCH_NEEDLE_BYTES];
	int n = snprintf(tmp, sizeof(tmp), "%.*s%s%s", (int)(at - form), form,
	    w, at + strlen(key));

	if (n < 0 || n >= SEARCH_NEEDLE_BYTES)
		return false;
	memcpy(out, tmp, (size_t)n + 1);
	return true;
}

/* The needles of one term: itself, itself without filler words, and for
 * each synonym whose key a form contains, its words (in the order the
 * hall gave them, the first weighing most) and the form with the key
 * replaced by the first word (社宝卡 -> 社保卡); the new forms are looked
 * up once more (社保卡 -> 社会保障卡). */
static void
needles_of(const char *term, const json_t *syn, struct needles *nl)
{
	char forms[6][SEARCH_NEEDLE_BYTES];
	int nforms = 0;
	size_t i;
	json_t *v;

	memset(nl, 0, sizeof(*nl));
	needle_add(nl, term, 100);
	snprintf(forms[nforms++], SEARCH_NEEDLE_BYTES, "%s", term);
	if (search_strip_filler(term, forms[nforms], SEARCH_NEEDLE_BYTES)) {
		needle_add(nl, forms[nforms], 95);
		nforms++;
	}
	for (int k = 0; k < nforms; k++) {
		json_array_foreach(syn, i, v) {
			const char *key = json_string_value(json_array_get(v, 0));
			const char *words = json_string_value(json_array_get(v,
			    1));
			const char *at;
			int weight = 95;

			if (key == NULL || key[0] == '\0' || words == NULL ||
			    (at = strstr(forms[k], key)) == NULL)
				continue;
			/* Stored space-separated (synonyms.c normalises). */
			for (const char *p = words; *p != '\0';) {
				char w[SEARCH_NEEDLE_BYTES];
				size_t n = strcspn(p, " ");

				if (n > 0 && n < sizeof(w)) {
					memcpy(w, p, n);
					w[n] = '\0';
					if (weight == 95 && nforms < 6 &&
					    strcmp(forms[k], key) != 0 &&
					    replaced(forms[k], at, key, w,
					    forms[nforms])) {
						needle_add(nl, forms[nforms],
						    weight);
						nforms++;
					}
					needle_add(nl, w, weight);
					if (weight > 80)
						weight--;
				}
				p += n;
				while (*p == ' ')
					p++;
			}
		}
	}
}

static int
best_of(const struct needles *nl, const struct search_doc *d, bool fuzzy)
{
	int best = 0;

	for (int i = 0; i < nl->n; i++) {
		int sc = search_score(&nl->v[i], d, fuzzy);

		if (sc > best)
			best = sc;
	}
	return best;
}

/* Scores every item: each term must be found; a term no item has is
 * looked for again with one character off. */
static void
ranked_score(struct ranked *r, const struct terms *t, const json_t *syn)
{
	struct search_doc *docs;

	docs = calloc(r->n + 1, sizeof(*docs));
	if (docs == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		doc_of(&r->v[i], &docs[i]);
	for (int k = 0; k < t->n; k++) {
		struct needles nl;
		bool any = false;
		int *sc = calloc(r->n + 1, sizeof(*sc));

		if (sc == NULL)
			break;
		needles_of(t->word[k], syn, &nl);
		for (size_t i = 0; i < r->n; i++) {
			sc[i] = best_of(&nl, &docs[i], false);
			any = any || sc[i] > 0;
		}
		for (size_t i = 0; i < r->n && !any; i++)
			sc[i] = best_of(&nl, &docs[i], true);
		for (size_t i = 0; i < r->n; i++)
			r->v[i].score = k == 0 || r->v[i].score > 0 ?
			    (sc[i] > 0 ? r->v[i].score + sc[i] : -1) : -1;
		free(sc);
	}
	/* Among equal matches in names, the name sharing more of the query
	 * comes first (驾照补办: 机动车驾驶证补领 before 拖拉机…驾驶证核发). */
	for (size_t i = 0; i < r->n; i++) {
		r->v[i].tie = 0;
		for (int k = 0; k < t->n &&
		    r->v[i].score > SEARCH_COMMON * t->n; k++)
			r->v[i].tie += search_overlap(t->word[k],
			    r->v[i].name);
	}
	free(docs);
}

/* "您是不是要找": up to three names sharing most characters with q. */
static json_t *
suggestions(const struct ranked *r, const char *q)
{
	json_t *out = json_array();
	int best[3] = { 0, 0, 0 };
	size_t at[3] = { 0, 0, 0 };

	for (size_t i = 0; i < r->n; i++) {
		int ov = search_overlap(q, r->v[i].name);

		if (ov < 50)
			continue;
		for (int k = 0; k < 3; k++) {
			if (ov > best[k]) {
				for (int m = 2; m > k; m--) {
					best[m] = best[m - 1];
					at[m] = at[m - 1];
				}
				best[k] = ov;
				at[k] = i;
				break;
			}
		}
	}
	for (int k = 0; k < 3 && best[k] > 0; k++)
		json_array_append_new(out, json_pack("{s:I, s:s}", "id",
		    (json_int_t)r->v[at[k]].id, "name", r->v[at[k]].name));
	return out;
}

/* The summary rows of the page's items, in rank order. */
static int
page_rows(struct ctx *c, const struct ranked *r, size_t from, size_t to,
    json_t *items, struct err *e)
{
	char sql[sizeof(ITEM_COLS) + 64 + 2 * LIMIT_PAGE_MAX];
	json_t *got[LIMIT_PAGE_MAX];
	struct db_stmt *s;
	size_t n = to - from, len;
	int rc;

	if (n == 0)
		return 0;
	len = (size_t)snprintf(sql, sizeof(sql), "%sWHERE i.id IN (", ITEM_COLS);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?",
		    i > 0 ? "," : "");
	snprintf(sql + len, sizeof(sql) - len, ")");
	s = db_prepare(c->db, sql, e);
	if (s == NULL)
		return err_rc(e);
	for (size_t i = 0; i < n; i++) {
		got[i] = NULL;
		if (db_bind_int(s, (int)i + 1, r->v[from + i].id) != 0) {
			db_finish(s);
			return err_internal(e, "page_rows: bind failed");
		}
	}
	while ((rc = db_step(s, e)) == DB_ROW) {
		int64_t id = db_col_int(s, 0);

		for (size_t i = 0; i < n; i++)
			if (r->v[from + i].id == id && got[i] == NULL)
				got[i] = catalog_summary_row(s, false);
	}
	db_finish(s);
	for (size_t i = 0; i < n; i++) {
		if (got[i] == NULL)
			continue;
		if (rc >= 0)
			json_object_set_new(got[i], "score",
			    json_integer(r->v[from + i].score));
		if (rc >= 0)
			json_array_append(items, got[i]);
		json_decref(got[i]);
	}
	return rc < 0 ? rc : 0;
}

/* The guide's search: every published item passing the filters is scored
 * in memory (core/search.c) and the page is cut from the ranking; the
 * cursor is the offset in the ranking. {items, next_cursor, total,
 * suggestions}. */
static int
search_ranked(struct ctx *c, const struct qopts *o, const struct terms *t,
    const char *q, json_t **out, struct err *e)
{
	struct ranked r;
	json_t *syn = NULL, *items;
	size_t kept = 0, from, to;
	int limit = o->limit, rc;
	char cur[24];

	memset(&r, 0, sizeof(r));
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	rc = catalog_synonym_pairs(c, &syn, e);
	if (rc == 0)
		rc = ranked_load(c, o, &r, e);
	if (rc != 0)
		goto out;
	ranked_score(&r, t, syn);
	/* The rest of the texts is not needed: keep the scored items. */
	for (size_t i = 0; i < r.n; i++) {
		if (r.v[i].score > 0) {
			struct hit tmp = r.v[kept];

			r.v[kept] = r.v[i];
			r.v[i] = tmp;
			kept++;
		}
	}
	qsort(r.v, kept, sizeof(*r.v), hit_cmp);
	from = (size_t)o->after_id < kept ? (size_t)o->after_id : kept;
	to = from + (size_t)limit < kept ? from + (size_t)limit : kept;
	items = json_array();
	rc = page_rows(c, &r, from, to, items, e);
	if (rc != 0) {
		json_decref(items);
		goto out;
	}
	snprintf(cur, sizeof(cur), "%zu", to);
	*out = json_pack("{s:o, s:o, s:I, s:o}", "items", items,
	    "next_cursor", to < kept ? json_string(cur) : json_null(),
	    "total", (json_int_t)kept,
	    "suggestions", kept == 0 ? suggestions(&r, q) : json_array());
out:
	json_decref(syn);
	ranked_free(&r);
	return rc;
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
	if (t.n > 0)
		return search_ranked(c, &o, &t, f->q, out, e);
	return run_list(c, &o, &t, false, out, e);
}
