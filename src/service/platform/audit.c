/* audit.c - the hash-chained audit log.
 *
 * The canonical text of a record is every stored field except the hashes,
 * each written as "<byte length>:<bytes>;". A length prefix cannot be forged
 * by field content, so no separator character has to be excluded from
 * logins, object ids or summaries. The summary is serialised once, compact
 * with sorted keys, and the stored text is what gets hashed; verification
 * never re-serialises JSON. */
#include "service/platform/platform.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/buf.h"
#include "base/clock.h"
#include "store/db.h"

#define AUDIT_HASH_HEX 64
#define AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_PAGE 500
/* A summary is a short before/after description, not a document. */
#define AUDIT_SUMMARY_MAX ((size_t)256 << 10)

struct audit_rec {
	int64_t seq;
	int64_t at;
	int64_t actor_id;
	const char *actor_login;
	const char *actor_role;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *summary;
	const char *client_ip;
	const char *request_id;
};

static int
put_field(struct buf *b, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (buf_appendf(b, "%zu:", n) != 0)
		return -1;
	if (n > 0 && buf_append(b, s, n) != 0)
		return -1;
	return buf_putc(b, ';');
}

static int
put_int(struct buf *b, int64_t v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%" PRId64, v);
	return put_field(b, tmp);
}

/* hex(SM3(prev_hash || canonical text)) into out (65 bytes). */
static int
audit_hash(const char *prev_hash, const struct audit_rec *r,
    char out[AUDIT_HASH_HEX + 1], struct err *e)
{
	static const char hex[] = "0123456789abcdef";
	struct buf b;
	EVP_MD_CTX *md = NULL;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	int rc = 0;

	buf_init(&b, AUDIT_SUMMARY_MAX + 64 * 1024);
	if (put_int(&b, r->seq) || put_int(&b, r->at) ||
	    put_int(&b, r->actor_id) || put_field(&b, r->actor_login) ||
	    put_field(&b, r->actor_role) || put_field(&b, r->action) ||
	    put_field(&b, r->object_type) || put_field(&b, r->object_id) ||
	    put_field(&b, r->summary) || put_field(&b, r->client_ip) ||
	    put_field(&b, r->request_id)) {
		rc = err_internal(e, "audit: record text too large");
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sm3(), NULL) != 1 ||
	    EVP_DigestUpdate(md, prev_hash, strlen(prev_hash)) != 1 ||
	    EVP_DigestUpdate(md, b.data, b.len) != 1 ||
	    EVP_DigestFinal_ex(md, dig, &dlen) != 1 || dlen != 32) {
		rc = err_internal(e, "audit: SM3 digest failed");
		goto out;
	}
	for (unsigned int i = 0; i < dlen; i++) {
		out[2 * i] = hex[dig[i] >> 4];
		out[2 * i + 1] = hex[dig[i] & 15];
	}
	out[2 * dlen] = '\0';
out:
	EVP_MD_CTX_free(md);
	buf_release(&b);
	return rc;
}

/* db_query()/db_prepare() returned NULL with e filled. */
static int
stmt_failed(const struct err *e)
{
	if (e == NULL || e->code == ERR_NONE)
		return -ERR_INTERNAL;
	return -(int)e->code;
}

static const char *
actor_role(const struct actor *a)
{
	if (a == NULL || a->kind == ACTOR_NONE)
		return "anonymous";
	if (a->role_used[0] != '\0')
		return a->role_used;
	if (a->kind == ACTOR_PERSON || a->kind == ACTOR_ENTERPRISE)
		return "applicant";
	if (a->kind == ACTOR_SYSTEM)
		return "system";
	return "";
}

int
audit_append(struct ctx *c, const char *action, const char *object_type,
    const char *object_id, json_t *summary, struct err *e)
{
	const struct actor *a = c->actor;
	struct audit_rec r;
	struct db_stmt *s = NULL;
	char prev[AUDIT_HASH_HEX + 1];
	char hash[AUDIT_HASH_HEX + 1];
	char *sum = NULL;
	int rc;

	if (action == NULL || action[0] == '\0')
		return err_internal(e, "audit_append: empty action");
	if (!db_in_tx(c->db))
		return err_internal(e, "audit_append outside a transaction "
		    "(action %s)", action);

	/* Claim the next sequence number; this write is the lock. */
	s = db_query(c->db, e, "UPDATE audit_head SET seq = seq + 1 "
	    "WHERE id = 1 RETURNING seq, hash", "");
	if (s == NULL)
		return stmt_failed(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		if (rc == DB_DONE)
			return err_internal(e, "audit_head row is missing");
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.seq = db_col_int(s, 0);
	snprintf(prev, sizeof(prev), "%s", db_col_text(s, 1));
	db_finish(s);
	s = NULL;

	if (summary != NULL) {
		sum = json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS |
		    JSON_ENCODE_ANY);
		if (sum == NULL)
			return err_internal(e, "audit: cannot serialise summary");
		if (strlen(sum) > AUDIT_SUMMARY_MAX) {
			rc = err_internal(e, "audit: summary of %s too large",
			    action);
			goto out;
		}
	}
	r.at = clock_now();
	r.actor_id = a != NULL ? a->user_id : 0;
	r.actor_login = a != NULL ? a->login : "";
	r.actor_role = actor_role(a);
	r.action = action;
	r.object_type = object_type != NULL ? object_type : "";
	r.object_id = object_id != NULL ? object_id : "";
	r.summary = sum;
	r.client_ip = c->client_ip != NULL ? c->client_ip : "";
	r.request_id = c->request_id != NULL ? c->request_id : "";

	rc = audit_hash(prev, &r, hash, e);
	if (rc != 0)
		goto out;
	rc = db_exec(c->db, e, "INSERT INTO audit_log (seq, at, actor_id, "
	    "actor_login, actor_role, action, object_type, object_id, summary, "
	    "client_ip, request_id, prev_hash, hash) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "iiissssssssss",
	    r.seq, r.at, r.actor_id, r.actor_login, r.actor_role, r.action,
	    r.object_type, r.object_id, r.summary, r.client_ip, r.request_id,
	    prev, hash);
	if (rc < 0)
		goto out;
	rc = db_exec(c->db, e, "UPDATE audit_head SET hash = ? WHERE id = 1",
	    "s", hash);
	if (rc < 0)
		goto out;
	rc = 0;
out:
	free(sum);
	return rc;
}

int
audit_verify(struct ctx *c, int64_t *checked, int64_t *bad_seq,
    struct err *e)
{
	struct db_stmt *s = NULL;
	char prev[AUDIT_HASH_HEX + 1];
	char head_hash[AUDIT_HASH_HEX + 1];
	char calc[AUDIT_HASH_HEX + 1];
	int64_t head_seq = 0, last = 0;
	int rc;

	*checked = 0;
	*bad_seq = 0;
	/* Read the head first: every record up to head.seq was committed
	 * together with it, so later appends do not disturb the check. */
	s = db_query(c->db, e, "SELECT seq, hash FROM audit_head WHERE id = 1",
	    "");
	if (s == NULL)
		return stmt_failed(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? err_internal(e, "audit_head row is "
		    "missing") : rc;
	}
	head_seq = db_col_int(s, 0);
	snprintf(head_hash, sizeof(head_hash), "%s", db_col_text(s, 1));
	db_finish(s);
	s = NULL;

	snprintf(prev, sizeof(prev), "%s", AUDIT_GENESIS);
	for (;;) {
		int n = 0;

		s = db_query(c->db, e, "SELECT seq, at, actor_id, actor_login, "
		    "actor_role, action, object_type, object_id, summary, "
		    "client_ip, request_id, prev_hash, hash FROM audit_log "
		    "WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?", "iiI",
		    last, head_seq, AUDIT_PAGE);
		if (s == NULL)
			return stmt_failed(e);
		while ((rc = db_step(s, e)) == DB_ROW) {
			struct audit_rec r;

			n++;
			r.seq = db_col_int(s, 0);
			r.at = db_col_int(s, 1);
			r.actor_id = db_col_int(s, 2);
			r.actor_login = db_col_text(s, 3);
			r.actor_role = db_col_text(s, 4);
			r.action = db_col_text(s, 5);
			r.object_type = db_col_text(s, 6);
			r.object_id = db_col_text(s, 7);
			r.summary = db_col_is_null(s, 8) ? NULL :
			    db_col_text(s, 8);
			r.client_ip = db_col_text(s, 9);
			r.request_id = db_col_text(s, 10);
			if (r.seq != last + 1 ||
			    strcmp(db_col_text(s, 11), prev) != 0) {
				/* A gap (deleted record) or a relinked chain. */
				*bad_seq = last + 1;
				goto broken;
			}
			rc = audit_hash(prev, &r, calc, e);
			if (rc != 0) {
				db_finish(s);
				return rc;
			}
			if (strcmp(calc, db_col_text(s, 12)) != 0) {
				*bad_seq = r.seq;
				goto broken;
			}
			memcpy(prev, calc, sizeof(prev));
			last = r.seq;
			(*checked)++;
		}
		db_finish(s);
		s = NULL;
		if (rc < 0)
			return rc;
		if (n < AUDIT_PAGE)
			break;
	}
	if (last != head_seq || strcmp(prev, head_hash) != 0) {
		/* Records missing at the end, or the head rewritten. */
		*bad_seq = last + 1;
		goto broken;
	}
	return 0;
broken:
	db_finish(s);
	return err_set(e, ERR_CONFLICT, "audit_chain_broken",
	    "审计日志链在第 %" PRId64 " 条记录处断裂", *bad_seq);
}
