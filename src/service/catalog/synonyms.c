/* synonyms.c - the common words of the catalogue search (search_synonyms,
 * migration 102): a query containing a term also looks for its words
 * (开饭店 -> 食品经营许可). The hall administrator edits the list; each
 * change is audited. */
#include "service/catalog/catalog_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define SYN_TERM_CHARS 20
#define SYN_WORD_CHARS 30
#define SYN_WORDS_MAX 8

int
catalog_synonym_pairs(struct ctx *c, json_t **out, struct err *e)
{
	struct db_stmt *s;
	json_t *a;
	int rc;

	*out = NULL;
	s = db_query(c->db, e, "SELECT term, words FROM search_synonyms "
	    "ORDER BY id", "");
	if (s == NULL)
		return err_rc(e);
	a = json_array();
	while ((rc = db_step(s, e)) == DB_ROW)
		json_array_append_new(a, json_pack("[s, s]", db_col_text(s, 0),
		    db_col_text(s, 1)));
	db_finish(s);
	if (rc < 0) {
		json_decref(a);
		return rc;
	}
	*out = a;
	return 0;
}

static bool
may_edit(const struct actor *a)
{
	return actor_has(a, ROLE_HALL_ADMIN);
}

int
catalog_synonyms_list(struct ctx *c, json_t **out, struct err *e)
{
	*out = NULL;
	if (!may_edit(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以维护搜索同义词");
	*out = db_query_json(c->db, e, "SELECT s.id, s.term, s.words, "
	    "s.updated_at, u.name AS updated_by_name FROM search_synonyms s "
	    "LEFT JOIN users u ON u.id = s.updated_by ORDER BY s.term", "");
	if (*out == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", *out);
	return 0;
}

/* Checks and normalises words: space-separated (、，, accepted), each
 * 1..SYN_WORD_CHARS characters, at most SYN_WORDS_MAX, not the term. */
static int
words_check(const char *term, const char *in, char *out, size_t outsz,
    struct err *e)
{
	size_t len = 0;
	int n = 0;

	out[0] = '\0';
	for (const char *p = in; *p != '\0';) {
		size_t w;

		while (*p == ' ' || *p == ',' || *p == '\t' ||
		    strncmp(p, "，", 3) == 0 || strncmp(p, "、", 3) == 0 ||
		    strncmp(p, "　", 3) == 0)
			p += (unsigned char)*p >= 0x80 ? 3 : 1;
		if (*p == '\0')
			break;
		w = 0;
		while (p[w] != '\0' && p[w] != ' ' && p[w] != ',' &&
		    p[w] != '\t' && strncmp(p + w, "，", 3) != 0 &&
		    strncmp(p + w, "、", 3) != 0 && strncmp(p + w, "　", 3) != 0)
			w++;
		if (utf8_chars(p, w) > SYN_WORD_CHARS)
			return err_field(e, ERR_INVALID, "words", "bad_words",
			    "每个词不能超过 %d 个字", SYN_WORD_CHARS);
		if (strlen(term) == w && strncmp(term, p, w) == 0)
			return err_field(e, ERR_INVALID, "words", "bad_words",
			    "对应的词不能与搜索词相同");
		if (++n > SYN_WORDS_MAX)
			return err_field(e, ERR_INVALID, "words", "bad_words",
			    "对应的词不能超过 %d 个", SYN_WORDS_MAX);
		if (len + w + 2 > outsz)
			return err_field(e, ERR_INVALID, "words", "bad_words",
			    "对应的词过长");
		len += (size_t)snprintf(out + len, outsz - len, "%s%.*s",
		    len > 0 ? " " : "", (int)w, p);
		p += w;
	}
	if (n == 0)
		return err_field(e, ERR_INVALID, "words", "bad_words",
		    "请填写至少一个对应的事项名称或关键词");
	return 0;
}

struct syn_tx {
	struct ctx *c;
	int64_t id;
	const char *term;
	char words[SYN_WORDS_MAX * (SYN_WORD_CHARS * 4 + 1) + 1];
	bool created;
};

static int
put_fn(struct db *db, void *arg, struct err *e)
{
	struct syn_tx *t = arg;
	int64_t id = 0, now = clock_now();
	char idbuf[24];
	json_t *sum;
	int rc;

	rc = db_query_int(db, e, &id, "SELECT id FROM search_synonyms WHERE "
	    "term = ?", "s", t->term);
	if (rc < 0)
		return rc;
	t->created = rc != DB_ROW;
	if (t->created) {
		rc = db_query_int(db, e, &id, "INSERT INTO search_synonyms "
		    "(term, words, updated_by, updated_at) VALUES (?, ?, ?, ?) "
		    "RETURNING id", "ssii", t->term, t->words,
		    t->c->actor->user_id, now);
		if (rc < 0)
			return rc;
	} else {
		rc = db_exec(db, e, "UPDATE search_synonyms SET words = ?, "
		    "updated_by = ?, updated_at = ? WHERE id = ?", "siii",
		    t->words, t->c->actor->user_id, now, id);
		if (rc != 0)
			return rc;
	}
	t->id = id;
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, id);
	sum = json_pack("{s:s, s:s, s:b}", "term", t->term, "words", t->words,
	    "created", t->created);
	rc = audit_append(t->c, "catalog.synonym_put", "search_synonym", idbuf,
	    sum, e);
	json_decref(sum);
	return rc;
}

int
catalog_synonym_put(struct ctx *c, const char *term, const char *words,
    json_t **out, struct err *e)
{
	struct syn_tx t;
	size_t tl;
	int rc;

	*out = NULL;
	if (!may_edit(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以维护搜索同义词");
	if (term == NULL || words == NULL)
		return err_field(e, ERR_INVALID, term == NULL ? "term" : "words",
		    NULL, "请填写搜索词和对应的词");
	tl = strlen(term);
	if (tl == 0 || !utf8_valid(term, tl) ||
	    utf8_chars(term, tl) > SYN_TERM_CHARS)
		return err_field(e, ERR_INVALID, "term", "bad_term",
		    "搜索词须为 1 至 %d 个字", SYN_TERM_CHARS);
	if (strpbrk(term, " \t\r\n,") != NULL || strstr(term, "　") != NULL)
		return err_field(e, ERR_INVALID, "term", "bad_term",
		    "搜索词不能含有空格或逗号");
	if (!utf8_valid(words, strlen(words)))
		return err_field(e, ERR_INVALID, "words", "bad_words",
		    "对应的词含有无效字符");
	memset(&t, 0, sizeof(t));
	t.c = c;
	t.term = term;
	rc = words_check(term, words, t.words, sizeof(t.words), e);
	if (rc == 0)
		rc = db_tx(c->db, put_fn, &t, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)t.id,
	    "term", term, "words", t.words, "created", t.created);
	return 0;
}

struct del_tx {
	struct ctx *c;
	int64_t id;
};

static int
del_fn(struct db *db, void *arg, struct err *e)
{
	struct del_tx *t = arg;
	json_t *row, *sum;
	char idbuf[24];
	int rc;

	row = db_query_row(db, e, "SELECT term, words FROM search_synonyms "
	    "WHERE id = ?", "i", t->id);
	if (row == NULL)
		return e->code == ERR_NOT_FOUND ? err_set(e, ERR_NOT_FOUND,
		    "synonym_not_found", "同义词不存在") : err_rc(e);
	rc = db_exec(db, e, "DELETE FROM search_synonyms WHERE id = ?", "i",
	    t->id);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	sum = json_pack("{s:O, s:O}", "term", json_object_get(row, "term"),
	    "words", json_object_get(row, "words"));
	if (rc == 0)
		rc = audit_append(t->c, "catalog.synonym_delete",
		    "search_synonym", idbuf, sum, e);
	json_decref(sum);
	json_decref(row);
	return rc;
}

int
catalog_synonym_delete(struct ctx *c, int64_t id, struct err *e)
{
	struct del_tx t = { c, id };

	if (!may_edit(c->actor))
		return err_set(e, ERR_FORBIDDEN, NULL, "只有大厅管理员可以维护搜索同义词");
	return db_tx(c->db, del_fn, &t, e);
}
