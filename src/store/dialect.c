/* dialect.c - the few things SQLite and PostgreSQL must say differently,
 * behind one spelling the services write.
 *
 * A statement may contain tokens {{NAME arg ...}}, expanded once when the
 * statement is prepared (and cached expanded). Each token takes exactly the
 * parameters it says, on both databases, so the caller binds the same
 * values whatever the database:
 *
 *   {{TEXT_SEARCH table id_col text_col}}  one parameter, the raw term:
 *       a sub-select of the id_col of the rows of table whose text_col
 *       contains the term, case-insensitively, with no character of the
 *       term special. SQLite reads the trigram FTS5 index <table>_fts
 *       (migration 011) for terms of three characters or more and LIKE for
 *       shorter ones (trigrams cannot match them); PostgreSQL uses ILIKE,
 *       served by the pg_trgm GIN index.
 *
 *   {{JOIN_EACH alias table}} (SELECT id ... LIMIT ?) {{END_EACH alias}}
 *       no parameter of its own: joins, for each row of the tables
 *       before it, the rows of table whose id the parenthesised sub-select
 *       gives; the sub-select may refer to those earlier rows (a top-N per
 *       row, such as the first page of every item of a window). PostgreSQL
 *       says it with LATERAL; SQLite has no LATERAL but runs a correlated
 *       `rowid IN (sub-select)` once per outer row and looks the ids up by
 *       key, which is the same plan.
 *
 *   {{YEAR_ID table}}  one parameter, a year Y: the next id of table in
 *       that year, Y * 10^10 + n (cases, partitioned by year on PostgreSQL:
 *       migration 141). PostgreSQL takes n from the sequence <table>_id_seq,
 *       so that any number of writers get distinct ids; SQLite, a single
 *       writer, takes the year's highest id plus one.
 *
 *   {{YEAR_PARTITION table}}  one parameter, a year Y: makes sure table
 *       has its partition for year Y and gives its name. PostgreSQL calls
 *       <table>_add_year(Y) (cases: migration 141), which creates it if
 *       missing; SQLite keeps one table and only gives Y back.
 *
 *   {{CHAIN_NEXT table}}  one parameter, a slot number s: what follows
 *       SET in an UPDATE of table (the heads of hash chains: id, seq) that
 *       gives chain 1 + s % (number of heads) the smallest sequence number
 *       above every head's that is its own modulo the number of heads
 *       (service/platform/audit.c). PostgreSQL, with several heads, looks
 *       at all of them; SQLite keeps one head (id 1: its CHECK allows no
 *       other), whose next number is its own plus one.
 *
 *   {{DB_EPOCH_MS}}  no parameter: the database server's clock in
 *       milliseconds since the epoch (one clock for every onetrip server of
 *       a database, whatever their --now: the job leases use it).
 */
#include "store/db_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define TOKEN_ARGS 4
#define TOKEN_ARG_MAX 64

/* Counts the '?' placeholders of sql[0..n) outside quotes. */
static int
count_params(const char *sql, size_t n)
{
	char quote = 0;
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = sql[i];

		if (quote != 0) {
			if (ch == quote)
				quote = 0;
		} else if (ch == '\'' || ch == '"') {
			quote = ch;
		} else if (ch == '?') {
			k++;
		}
	}
	return k;
}

/* An identifier as a token argument: [a-z0-9_.] only. */
static bool
ident_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '.'))
			return false;
	return true;
}

static int
text_search(struct buf *b, enum db_kind kind, char args[][TOKEN_ARG_MAX],
    int nargs, int param)
{
	const char *t = args[0], *id = args[1], *col = args[2];

	if (nargs != 3 || !ident_ok(t) || !ident_ok(id) || !ident_ok(col))
		return -1;
	if (kind == DB_POSTGRES) {
		buf_appendf(b, "(SELECT %s FROM %s WHERE %s ILIKE ('%%' || "
		    "replace(replace(replace(CAST(? AS TEXT), '\\', '\\\\'), "
		    "'%%', '\\%%'), '_', '\\_') || '%%') ESCAPE '\\')", id, t,
		    col);
		return 0;
	}
	buf_appendf(b, "(SELECT rowid FROM %s_fts WHERE length(?%d) >= 3 AND "
	    "%s_fts MATCH ('\"' || replace(?%d, '\"', '\"\"') || '\"') "
	    "UNION ALL SELECT %s FROM %s WHERE length(?%d) < 3 AND %s LIKE "
	    "('%%' || replace(replace(replace(?%d, '\\', '\\\\'), '%%', "
	    "'\\%%'), '_', '\\_') || '%%') ESCAPE '\\')", t, param, t, param,
	    id, t, param, col, param);
	return 0;
}

static int
year_id(struct buf *b, enum db_kind kind, char args[][TOKEN_ARG_MAX],
    int nargs, int param)
{
	const char *t = args[0];

	if (nargs != 1 || !ident_ok(t) || strchr(t, '.') != NULL)
		return -1;
	if (kind == DB_POSTGRES) {
		buf_appendf(b, "(CAST(? AS BIGINT) * 10000000000 + "
		    "nextval('%s_id_seq'))", t);
		return 0;
	}
	buf_appendf(b, "(SELECT COALESCE(MAX(id), ?%d * 10000000000) + 1 FROM "
	    "%s WHERE id >= ?%d * 10000000000 AND id < (?%d + 1) * "
	    "10000000000)", param, t, param, param);
	return 0;
}

static int
join_each(struct buf *b, enum db_kind kind, char args[][TOKEN_ARG_MAX],
    int nargs)
{
	const char *alias = args[0], *t = args[1];

	if (nargs != 2 || !ident_ok(alias) || !ident_ok(t))
		return -1;
	if (kind == DB_POSTGRES)
		buf_appendf(b, "CROSS JOIN LATERAL (SELECT * FROM %s %s WHERE "
		    "%s.id IN ", t, alias, alias);
	else
		buf_appendf(b, "JOIN %s %s ON %s.id IN ", t, alias, alias);
	return 0;
}

char *
db_dialect_expand(enum db_kind kind, const char *sql)
{
	const char *p = sql, *open;
	struct buf b;
	int added = 0;

	if (strstr(sql, "{{") == NULL)
		return NULL;
	buf_init(&b, 0);
	while ((open = strstr(p, "{{")) != NULL) {
		const char *close = strstr(open, "}}");
		char name[32], args[TOKEN_ARGS][TOKEN_ARG_MAX];
		char body[TOKEN_ARGS * TOKEN_ARG_MAX + 32];
		int nargs = 0, param;
		char *save = NULL, *w;
		size_t len;

		if (close == NULL || (len = (size_t)(close - open - 2)) >=
		    sizeof(body))
			goto bad;
		buf_append(&b, p, (size_t)(open - p));
		memcpy(body, open + 2, len);
		body[len] = '\0';
		w = strtok_r(body, " ", &save);
		if (w == NULL || strlen(w) >= sizeof(name))
			goto bad;
		snprintf(name, sizeof(name), "%s", w);
		while ((w = strtok_r(NULL, " ", &save)) != NULL) {
			if (nargs == TOKEN_ARGS || strlen(w) >= TOKEN_ARG_MAX)
				goto bad;
			snprintf(args[nargs++], TOKEN_ARG_MAX, "%s", w);
		}
		/* The token's parameter is the next one of the statement. */
		param = count_params(sql, (size_t)(open - sql)) + added + 1;
		if (strcmp(name, "TEXT_SEARCH") == 0) {
			if (text_search(&b, kind, args, nargs, param) != 0)
				goto bad;
			added++;
		} else if (strcmp(name, "YEAR_ID") == 0) {
			if (year_id(&b, kind, args, nargs, param) != 0)
				goto bad;
			added++;
		} else if (strcmp(name, "CHAIN_NEXT") == 0) {
			if (nargs != 1 || !ident_ok(args[0]) ||
			    strchr(args[0], '.') != NULL)
				goto bad;
			if (kind == DB_POSTGRES)
				buf_appendf(&b, "seq = (CASE WHEN seq > x.m THEN "
				    "seq ELSE x.m END) + 1 + (((id %% x.k) - "
				    "(CASE WHEN seq > x.m THEN seq ELSE x.m END) "
				    "- 1) %% x.k + x.k) %% x.k FROM (SELECT "
				    "MAX(seq) AS m, COUNT(*) AS k FROM %s) AS x "
				    "WHERE id = 1 + CAST(? AS BIGINT) %% x.k",
				    args[0]);
			else
				buf_puts(&b, "seq = seq + 1 "
				    "WHERE id = 1 + 0 * CAST(? AS INTEGER)");
			added++;
		} else if (strcmp(name, "YEAR_PARTITION") == 0) {
			if (nargs != 1 || !ident_ok(args[0]) ||
			    strchr(args[0], '.') != NULL)
				goto bad;
			if (kind == DB_POSTGRES)
				buf_appendf(&b, "%s_add_year(CAST(? AS INTEGER))",
				    args[0]);
			else
				buf_puts(&b, "CAST(? AS TEXT)");
			added++;
		} else if (strcmp(name, "JOIN_EACH") == 0) {
			if (join_each(&b, kind, args, nargs) != 0)
				goto bad;
		} else if (strcmp(name, "DB_EPOCH_MS") == 0) {
			if (nargs != 0)
				goto bad;
			buf_puts(&b, kind == DB_POSTGRES ?
			    "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 "
			    "AS BIGINT)" :
			    "CAST((julianday('now') - 2440587.5) * 86400000.0 "
			    "AS INTEGER)");
		} else if (strcmp(name, "END_EACH") == 0) {
			if (nargs != 1 || !ident_ok(args[0]))
				goto bad;
			if (kind == DB_POSTGRES)
				buf_appendf(&b, ") %s", args[0]);
		} else {
			goto bad;
		}
		p = close + 2;
	}
	buf_append(&b, p, strlen(p));
	return buf_detach(&b, NULL);
bad:
	/* A malformed token is a programming error: the statement then fails
	 * to prepare, with the text in the log. */
	buf_release(&b);
	return strdup("SELECT 'unknown dialect token' FROM no_such_table");
}
