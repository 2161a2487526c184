/* audit.c - the keyed, hash-chained audit log.
 *
 * The canonical text of a record is every stored field except the hashes,
 * each written as "<byte length>:<bytes>;". A length prefix cannot be forged
 * by field content, so no separator character has to be excluded from
 * logins, object ids or summaries. The summary is serialised once, compact
 * with sorted keys, and the stored text is what gets hashed; verification
 * never re-serialises JSON.
 *
 * hash = HMAC-SM3(key, prev_hash || text) from the record audit_head.key_from
 * on; the records before it (written before the database had a key) keep
 * hash = SM3(prev_hash || text). The key is 32 random bytes in the file
 * <var>/keys/audit.key (mode 0600), never in the database. audit_head.
 * key_anchor = HMAC-SM3(key, "onetrip-audit-anchor;" from ";" prev_hash) binds
 * where the keyed part starts and the hash of the unkeyed part before it, so
 * whoever can write only the database can neither move the start nor rewrite
 * an earlier record without the key.
 *
 * Chains (migration 131): every row of audit_head is the head of one chain
 * and every record names its chain; prev_hash is the hash of the record
 * before it in the same chain. A thread appends to one chain (1 + its slot
 * modulo the number of heads), so appenders of different threads lock
 * different head rows and their commits are not serialised behind one row
 * (PostgreSQL has 8 chains; SQLite, with one writer, keeps 1). Sequence
 * numbers stay unique and in append order: chain c takes the smallest
 * number above every committed head's (and its own) that is c modulo the
 * number of chains. With one chain they are consecutive, as before. Each
 * chain has its own key_from and anchor; chain 1's anchor text is the one
 * above, chain c's is "onetrip-audit-anchor;" c ":" from ";" prev_hash.
 *
 * An append is two statements: the UPDATE that claims the number (and
 * returns the head's hash) and the INSERT of the record, whose trigger
 * (migration 144) sets the head's hash to the record's. */
#include "service/platform/platform.h"

#include <stdatomic.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "base/buf.h"
#include "base/clock.h"
#include "store/db.h"

#define AUDIT_HASH_HEX 64
#define AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_PAGE 500
/* A summary is a short before/after description, not a document. */
#define AUDIT_SUMMARY_MAX ((size_t)256 << 10)
#define AUDIT_KEY_BYTES 32
#define AUDIT_KEY_FILE "keys/audit.key"
#define AUDIT_ANCHOR_TAG "onetrip-audit-anchor;"
#define AUDIT_PATH_MAX 4096

/* The key of this process's database, set once at start-up (before any
 * thread) by audit_key_setup() and read-only afterwards. Without a setup the
 * chain is the unkeyed one (from = INT64_MAX). */
static struct {
	bool have;          /* key[] holds the key */
	bool missing;       /* the database is keyed but the key file is absent */
	bool unanchored;    /* a key exists but the database's records are not
	                     * anchored with it */
	bool mismatch;      /* the database's anchor was not made with this key */
	int64_t from;       /* first keyed record */
	unsigned char key[AUDIT_KEY_BYTES];
	char path[AUDIT_PATH_MAX];
} g_key = { .from = INT64_MAX };

/* HMAC-SM3 keyed with g_key.key, made with the key: each record's MAC
 * starts from a copy of it (looking the algorithms up and keying them for
 * every record cost more than the hash itself). NULL without a key. */
static EVP_MAC_CTX *g_mac;

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

	if (buf_put_uint(b, n) != 0 || buf_putc(b, ':') != 0)
		return -1;
	if (n > 0 && buf_append(b, s, n) != 0)
		return -1;
	return buf_putc(b, ';');
}

static int
put_int(struct buf *b, int64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp) - 1;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	/* put_field() of the decimal text, without printf (four of a
	 * record's fields; records are written in every change). */
	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	return put_field(b, p);
}

static void
to_hex(const unsigned char *d, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* hex(HMAC-SM3(key, data)), or hex(SM3(data)) when key is NULL. */
static int
digest_hex(const unsigned char *key, const void *data, size_t len,
    char out[AUDIT_HASH_HEX + 1], struct err *e)
{
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	size_t mlen = 0;

	if (key == NULL) {
		if (EVP_Digest(data, len, dig, &dlen, EVP_sm3(), NULL) != 1 ||
		    dlen != 32)
			return err_internal(e, "audit: SM3 digest failed");
	} else if (key == g_key.key && g_mac != NULL) {
		EVP_MAC_CTX *m = EVP_MAC_CTX_dup(g_mac);
		int ok = m != NULL && EVP_MAC_update(m, data, len) == 1 &&
		    EVP_MAC_final(m, dig, &mlen, sizeof(dig)) == 1;

		EVP_MAC_CTX_free(m);
		if (!ok || mlen != 32)
			return err_internal(e, "audit: HMAC-SM3 failed");
		dlen = (unsigned int)mlen;
	} else {
		if (EVP_Q_mac(NULL, "HMAC", NULL, "SM3", NULL, key,
		    AUDIT_KEY_BYTES, data, len, dig, sizeof(dig), &mlen) ==
		    NULL || mlen != 32)
			return err_internal(e, "audit: HMAC-SM3 failed");
		dlen = (unsigned int)mlen;
	}
	to_hex(dig, dlen, out);
	return 0;
}

/* The record's hash: keyed when key is not NULL. */
static int
audit_hash(const unsigned char *key, const char *prev_hash,
    const struct audit_rec *r, char out[AUDIT_HASH_HEX + 1], struct err *e)
{
	struct buf b;
	int rc;

	buf_init(&b, AUDIT_SUMMARY_MAX + 64 * 1024);
	if (buf_append(&b, prev_hash, strlen(prev_hash)) ||
	    put_int(&b, r->seq) || put_int(&b, r->at) ||
	    put_int(&b, r->actor_id) || put_field(&b, r->actor_login) ||
	    put_field(&b, r->actor_role) || put_field(&b, r->action) ||
	    put_field(&b, r->object_type) || put_field(&b, r->object_id) ||
	    put_field(&b, r->summary) || put_field(&b, r->client_ip) ||
	    put_field(&b, r->request_id)) {
		rc = err_internal(e, "audit: record text too large");
		goto out;
	}
	rc = digest_hex(key, b.data, b.len, out, e);
out:
	buf_release(&b);
	return rc;
}

/* The anchor of a keyed chain starting at record from, after prev_hash. */
static int
anchor_mac(const unsigned char *key, int64_t chain, int64_t from,
    const char *prev_hash, char out[AUDIT_HASH_HEX + 1], struct err *e)
{
	char text[sizeof(AUDIT_ANCHOR_TAG) + 64 + AUDIT_HASH_HEX + 1];
	int n;

	if (chain == 1)
		n = snprintf(text, sizeof(text), AUDIT_ANCHOR_TAG "%" PRId64
		    ";%s", from, prev_hash);
	else
		n = snprintf(text, sizeof(text), AUDIT_ANCHOR_TAG "%" PRId64
		    ":%" PRId64 ";%s", chain, from, prev_hash);
	if (n < 0 || (size_t)n >= sizeof(text))
		return err_internal(e, "audit: anchor text too long");
	return digest_hex(key, text, (size_t)n, out, e);
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

static int
key_missing(struct err *e)
{
	return err_set(e, ERR_INTERNAL, "audit_key_missing",
	    "审计日志已使用密钥，但找不到密钥文件 %s（请把配置项 var "
	    "指向保存该密钥的数据目录）", g_key.path[0] != '\0' ? g_key.path :
	    AUDIT_KEY_FILE);
}

/* Why this process cannot extend a keyed chain. */
static int
key_refusal(struct err *e)
{
	if (g_key.missing)
		return key_missing(e);
	if (g_key.mismatch)
		return err_set(e, ERR_CONFLICT, "audit_key_mismatch",
		    "审计密钥文件 %s 与本数据库审计链的密钥锚点不符（不是同一"
		    "把密钥，或记录被改写：请运行 onetrip audit verify）",
		    g_key.path);
	return err_set(e, ERR_CONFLICT, "audit_key_unanchored",
	    "审计密钥 %s 没有在本数据库的审计链中锚定：审计记录可能被改写，"
	    "或数据库来自启用密钥之前的备份", g_key.path);
}

/* The chain of this thread: slots are given in the order threads first
 * append; the chain is 1 + slot modulo the number of heads. */
static atomic_int next_slot;
static _Thread_local int my_slot = -1;

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
	int64_t chain, key_from;
	int rc;

	if (action == NULL || action[0] == '\0')
		return err_internal(e, "audit_append: empty action");
	if (!db_in_tx(c->db))
		return err_internal(e, "audit_append outside a transaction "
		    "(action %s)", action);
	if (g_key.missing || g_key.unanchored || g_key.mismatch)
		return key_refusal(e);
	if (my_slot < 0)
		my_slot = atomic_fetch_add(&next_slot, 1);

	/* Claim the next sequence number of this thread's chain: the
	 * smallest above every head (committed ones, and this chain's own
	 * after its row lock) that is the chain's number modulo the number
	 * of chains. This write locks the chain's head row only. */
	s = db_query(c->db, e, "UPDATE audit_head SET {{CHAIN_NEXT audit_head}} "
	    "RETURNING id, seq, hash, key_from", "i", (int64_t)my_slot);
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
	chain = db_col_int(s, 0);
	r.seq = db_col_int(s, 1);
	snprintf(prev, sizeof(prev), "%s", db_col_text(s, 2));
	key_from = db_col_int(s, 3);
	db_finish(s);
	s = NULL;
	if (g_key.have && key_from == 0)
		/* A chain the key was never anchored in (setup anchors every
		 * empty one): nothing unkeyed is added beside a keyed log. */
		return err_set(e, ERR_CONFLICT, "audit_key_unanchored",
		    "审计密钥 %s 没有在本数据库的审计链 %" PRId64 " 中锚定：审计"
		    "记录可能被改写（请运行 onetrip audit verify）", g_key.path,
		    chain);

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

	rc = audit_hash(g_key.have && key_from > 0 && r.seq >= key_from ?
	    g_key.key : NULL, prev, &r, hash, e);
	if (rc != 0)
		goto out;
	rc = db_exec(c->db, e, "INSERT INTO audit_log (seq, at, actor_id, "
	    "actor_login, actor_role, action, object_type, object_id, summary, "
	    "client_ip, request_id, prev_hash, hash, chain) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "iiissssssssssi",
	    r.seq, r.at, r.actor_id, r.actor_login, r.actor_role, r.action,
	    r.object_type, r.object_id, r.summary, r.client_ip, r.request_id,
	    prev, hash, chain);
	if (rc < 0)
		goto out;
	/* The head took the record's hash in the same statement (the
	 * trigger audit_log_head, migration 144). */
	rc = 0;
out:
	free(sum);
	return rc;
}

/* The head row: last record, its hash, the keyed chain's start (0: none)
 * and anchor. lock: take the row lock (inside db_tx()). */
struct audit_head {
	int64_t id;           /* the chain */
	int64_t seq;
	int64_t key_from;
	char hash[AUDIT_HASH_HEX + 1];
	char anchor[AUDIT_HASH_HEX + 1];
};

static int
read_head(struct ctx *c, int64_t id, bool lock, struct audit_head *h,
    struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, lock ?
	    "UPDATE audit_head SET seq = seq WHERE id = ? "
	    "RETURNING seq, hash, key_from, key_anchor" :
	    "SELECT seq, hash, key_from, key_anchor FROM audit_head "
	    "WHERE id = ?", "i", id);
	if (s == NULL)
		return stmt_failed(e);
	rc = db_step(s, e);
	if (rc != DB_ROW) {
		db_finish(s);
		return rc == DB_DONE ? err_internal(e, "audit_head row is "
		    "missing") : rc;
	}
	h->id = id;
	h->seq = db_col_int(s, 0);
	snprintf(h->hash, sizeof(h->hash), "%s", db_col_text(s, 1));
	h->key_from = db_col_int(s, 2);
	snprintf(h->anchor, sizeof(h->anchor), "%s", db_col_text(s, 3));
	db_finish(s);
	return 0;
}

/* Every head, in chain order: *heads (free()) and *n. */
static int
read_heads(struct ctx *c, struct audit_head **heads, int *n, struct err *e)
{
	struct db_stmt *s;
	struct audit_head *h = NULL;
	int cap = 0, rc;

	*heads = NULL;
	*n = 0;
	s = db_query(c->db, e, "SELECT id, seq, hash, key_from, key_anchor "
	    "FROM audit_head ORDER BY id", "");
	if (s == NULL)
		return stmt_failed(e);
	while ((rc = db_step(s, e)) == DB_ROW) {
		if (*n == cap) {
			cap = cap > 0 ? 2 * cap : 8;
			h = realloc(h, (size_t)cap * sizeof(*h));
			if (h == NULL) {
				db_finish(s);
				return err_internal(e, "out of memory");
			}
		}
		h[*n].id = db_col_int(s, 0);
		h[*n].seq = db_col_int(s, 1);
		snprintf(h[*n].hash, sizeof(h[*n].hash), "%s",
		    db_col_text(s, 2));
		h[*n].key_from = db_col_int(s, 3);
		snprintf(h[*n].anchor, sizeof(h[*n].anchor), "%s",
		    db_col_text(s, 4));
		(*n)++;
	}
	db_finish(s);
	if (rc < 0 || *n == 0 || h[0].id != 1) {
		free(h);
		*n = 0;
		return rc < 0 ? rc : err_internal(e, "audit_head row is "
		    "missing");
	}
	*heads = h;
	return 0;
}

/* Names the record at seq in the message: its time and action, and with
 * several chains the chain. */
static int
chain_broken(struct ctx *c, struct audit_check *out, int64_t chain,
    const char *why, struct err *e)
{
	struct db_stmt *s;
	char when[17] = "", which[40] = "";
	struct err ignore;

	out->bad_at = 0;
	out->bad_action[0] = '\0';
	s = db_query(c->db, &ignore, "SELECT at, action FROM audit_log "
	    "WHERE seq = ?", "i", out->bad_seq);
	if (s != NULL && db_step(s, &ignore) == DB_ROW) {
		out->bad_at = db_col_int(s, 0);
		snprintf(out->bad_action, sizeof(out->bad_action), "%s",
		    db_col_text(s, 1));
		clock_datetime(out->bad_at, when);
	}
	db_finish(s);
	out->bad_chain = chain;
	if (out->chains > 1)
		snprintf(which, sizeof(which), "（第 %" PRId64 " 条链）", chain);
	if (when[0] != '\0')
		return err_set(e, ERR_CONFLICT, "audit_chain_broken",
		    "审计日志链%s在第 %" PRId64 " 条记录（%s，%s）处断裂%s",
		    which, out->bad_seq, when, out->bad_action, why);
	return err_set(e, ERR_CONFLICT, "audit_chain_broken",
	    "审计日志链%s在第 %" PRId64 " 条记录处断裂%s", which, out->bad_seq,
	    why);
}

/* The anchor binds (from, prev): compares it with the stored one. */
static int
anchor_matches(const struct audit_head *h, const char *prev, bool *ok,
    struct err *e)
{
	char calc[AUDIT_HASH_HEX + 1];
	int rc;

	rc = anchor_mac(g_key.key, h->id, h->key_from, prev, calc, e);
	if (rc != 0)
		return rc;
	*ok = strcmp(calc, h->anchor) == 0;
	return 0;
}

/* Checks one chain, adding its records to out->checked. contiguous: the
 * only chain, whose sequence numbers follow each other without gaps. */
static int
check_one(struct ctx *c, const struct audit_head *hp, bool contiguous,
    struct audit_check *out, struct err *e)
{
	static const char anchor_why[] = "：密钥锚点不符（密钥不是本数据库的，"
	    "或此前的记录被改写）";
	struct db_stmt *s = NULL;
	struct audit_head h = *hp;
	char prev[AUDIT_HASH_HEX + 1];
	char calc[AUDIT_HASH_HEX + 1];
	const char *why = "";
	int64_t last = 0, from;
	bool ok;
	int rc;

	from = h.key_from > 0 ? h.key_from : INT64_MAX;
	if (h.key_from == 0 && g_key.have && h.seq > 0) {
		/* The key exists but this chain claims never to have met it:
		 * the anchor was removed (and the chain rewritten unkeyed),
		 * or the database predates the key. */
		out->bad_seq = 1;
		if (h.id != 1)
			(void)db_query_int(c->db, e, &out->bad_seq, "SELECT "
			    "COALESCE(MIN(seq), 1) FROM audit_log WHERE chain = ?",
			    "i", h.id);
		return chain_broken(c, out, h.id,
		    "：审计链没有密钥锚点（锚点被删除，"
		    "或数据库来自启用密钥之前的备份）", e);
	}
	if (h.key_from > 0 && !g_key.have && h.seq >= h.key_from) {
		out->key_missing = true;
		return key_missing(e);
	}
	if (h.key_from > 0 && g_key.have && h.seq >= h.key_from)
		out->keyed = true;

	snprintf(prev, sizeof(prev), "%s", AUDIT_GENESIS);
	for (;;) {
		int n = 0;

		s = db_query(c->db, e, "SELECT seq, at, actor_id, actor_login, "
		    "actor_role, action, object_type, object_id, summary, "
		    "client_ip, request_id, prev_hash, hash FROM audit_log "
		    "WHERE chain = ? AND seq > ? AND seq <= ? ORDER BY seq "
		    "LIMIT ?", "iiiI", h.id, last, h.seq, AUDIT_PAGE);
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
			if ((contiguous && r.seq != last + 1) ||
			    strcmp(db_col_text(s, 11), prev) != 0) {
				/* A gap (deleted record) or a relinked chain:
				 * with one chain the first missing number,
				 * else the record whose link fails. */
				out->bad_seq = contiguous ? last + 1 : r.seq;
				goto broken;
			}
			if (last < from && r.seq >= from && g_key.have) {
				rc = anchor_matches(&h, prev, &ok, e);
				if (rc != 0)
					goto fail;
				if (!ok) {
					out->bad_seq = r.seq;
					why = anchor_why;
					goto broken;
				}
			}
			rc = audit_hash(r.seq >= from ? g_key.key : NULL, prev,
			    &r, calc, e);
			if (rc != 0)
				goto fail;
			if (strcmp(calc, db_col_text(s, 12)) != 0) {
				out->bad_seq = r.seq;
				goto broken;
			}
			memcpy(prev, calc, sizeof(prev));
			last = r.seq;
			out->checked++;
		}
		db_finish(s);
		s = NULL;
		if (rc < 0)
			return rc;
		if (n < AUDIT_PAGE)
			break;
	}
	if (last != h.seq || strcmp(prev, h.hash) != 0) {
		/* Records missing at the end, or the head rewritten. */
		out->bad_seq = contiguous || last == h.seq ? last + 1 : h.seq;
		goto broken;
	}
	if (h.key_from > 0 && g_key.have && h.seq < h.key_from) {
		/* No keyed record yet: the anchor still binds the head. */
		if (h.seq != h.key_from - 1) {
			out->bad_seq = h.seq + 1;
			why = anchor_why;
			goto broken;
		}
		rc = anchor_matches(&h, prev, &ok, e);
		if (rc != 0)
			return rc;
		if (!ok) {
			out->bad_seq = h.key_from;
			why = anchor_why;
			goto broken;
		}
	}
	return 0;
broken:
	db_finish(s);
	return chain_broken(c, out, h.id, why, e);
fail:
	db_finish(s);
	return rc;
}

int
audit_check_chain(struct ctx *c, struct audit_check *out, struct err *e)
{
	struct audit_head *heads = NULL;
	int n = 0, rc;

	memset(out, 0, sizeof(*out));
	/* Read the heads first, in one statement: every record up to a
	 * head's seq was committed together with it, so later appends do not
	 * disturb the check. */
	rc = read_heads(c, &heads, &n, e);
	if (rc != 0)
		return rc;
	out->key_from = heads[0].key_from;
	out->chains = n;
	for (int i = 0; i < n && rc == 0; i++)
		rc = check_one(c, &heads[i], n == 1, out, e);
	free(heads);
	return rc;
}

int
audit_verify(struct ctx *c, int64_t *checked, int64_t *bad_seq,
    struct err *e)
{
	struct audit_check r;
	int rc;

	rc = audit_check_chain(c, &r, e);
	*checked = r.checked;
	*bad_seq = r.bad_seq;
	return rc;
}

/* ---- the key ---------------------------------------------------------- */

/* Reads <var>/keys/audit.key: 64 hex digits and a newline. *found false
 * when there is no such file. */
static int
key_read(const char *path, unsigned char key[AUDIT_KEY_BYTES], bool *found,
    struct err *e)
{
	char text[AUDIT_KEY_BYTES * 2 + 8];
	size_t len = 0, hexlen = 0;
	ssize_t n;
	int fd;

	*found = false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_internal(e, "audit key %s: %s", path,
		    strerror(errno));
	}
	while (len < sizeof(text) &&
	    (n = read(fd, text + len, sizeof(text) - len)) > 0)
		len += (size_t)n;
	close(fd);
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len != AUDIT_KEY_BYTES * 2 || sodium_hex2bin(key, AUDIT_KEY_BYTES,
	    text, len, NULL, &hexlen, NULL) != 0 || hexlen != AUDIT_KEY_BYTES)
		return err_set(e, ERR_INTERNAL, "audit_key_invalid",
		    "审计密钥文件 %s 格式不对（应为 64 位十六进制数）", path);
	*found = true;
	return 0;
}

/* Writes a new key file of mode 0600; refuses to overwrite one. */
static int
key_write(const char *path, const unsigned char key[AUDIT_KEY_BYTES],
    struct err *e)
{
	char text[AUDIT_KEY_BYTES * 2 + 2];
	int fd, rc = 0;

	to_hex(key, AUDIT_KEY_BYTES, text);
	strcat(text, "\n");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_internal(e, "audit key %s: %s", path,
		    strerror(errno));
	if (fchmod(fd, 0600) != 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fsync(fd) != 0)
		rc = err_internal(e, "audit key %s: %s", path,
		    strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = err_internal(e, "audit key %s: %s", path,
		    strerror(errno));
	sodium_memzero(text, sizeof(text));
	if (rc != 0)
		unlink(path);
	return rc;
}

struct anchor_arg {
	struct ctx *c;
	bool fresh;          /* the key was created by this call */
	bool raced;          /* another process anchored first */
	struct audit_head h;
};

/* Anchors the key at the head when the chain has none yet (under the head's
 * row lock), else reads the head. */
static int
anchor_tx(struct db *db, void *arg, struct err *e)
{
	struct anchor_arg *a = arg;
	char mac[AUDIT_HASH_HEX + 1];
	int rc;

	(void)db;
	a->raced = false;
	rc = read_head(a->c, 1, true, &a->h, e);
	if (rc != 0)
		return rc;
	if (a->h.key_from > 0) {
		a->raced = a->fresh;
		return 0;
	}
	/* Only a new key, or any key on a chain with nothing to launder. */
	if (!a->fresh && a->h.seq > 0)
		return 0;
	rc = anchor_mac(g_key.key, 1, a->h.seq + 1, a->h.hash, mac, e);
	if (rc != 0)
		return rc;
	rc = db_exec(a->c->db, e, "UPDATE audit_head SET key_from = ?, "
	    "key_anchor = ? WHERE id = 1", "is", a->h.seq + 1, mac);
	if (rc < 0)
		return rc;
	a->h.key_from = a->h.seq + 1;
	snprintf(a->h.anchor, sizeof(a->h.anchor), "%s", mac);
	return 0;
}

/* The stored prev_hash of record seq, or the head's hash when the head is
 * just before it. */
static int
prev_at(struct ctx *c, const struct audit_head *h, char out[AUDIT_HASH_HEX + 1],
    bool *found, struct err *e)
{
	struct db_stmt *s;
	int rc;

	*found = false;
	if (h->seq == h->key_from - 1) {
		snprintf(out, AUDIT_HASH_HEX + 1, "%s", h->hash);
		*found = true;
		return 0;
	}
	s = db_query(c->db, e, "SELECT prev_hash FROM audit_log WHERE chain = ? "
	    "AND seq >= ? ORDER BY seq LIMIT 1", "ii", h->id, h->key_from);
	if (s == NULL)
		return stmt_failed(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(out, AUDIT_HASH_HEX + 1, "%s", db_col_text(s, 0));
		*found = true;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}

struct others_arg {
	struct ctx *c;
	bool fresh;
};

/* Anchors the key in every other chain that has none and nothing to
 * launder (empty, or the key is new), each under its head's row lock. */
static int
anchor_others_tx(struct db *db, void *arg, struct err *e)
{
	struct others_arg *o = arg;
	struct audit_head *heads = NULL, h;
	char mac[AUDIT_HASH_HEX + 1];
	int n = 0, rc;

	(void)db;
	rc = read_heads(o->c, &heads, &n, e);
	for (int i = 1; i < n && rc == 0; i++) {
		if (heads[i].key_from > 0 || (!o->fresh && heads[i].seq > 0))
			continue;
		rc = read_head(o->c, heads[i].id, true, &h, e);
		if (rc != 0 || h.key_from > 0 || (!o->fresh && h.seq > 0))
			continue;
		rc = anchor_mac(g_key.key, h.id, h.seq + 1, h.hash, mac, e);
		if (rc == 0)
			rc = db_exec(o->c->db, e, "UPDATE audit_head SET "
			    "key_from = ?, key_anchor = ? WHERE id = ?", "isi",
			    h.seq + 1, mac, h.id);
		if (rc > 0)
			rc = 0;
	}
	free(heads);
	return rc;
}

/* Whether a chain other than 1 still waits for its anchor. */
static int
others_unanchored(struct ctx *c, bool fresh, bool *any, struct err *e)
{
	struct audit_head *heads = NULL;
	int n = 0, rc;

	*any = false;
	rc = read_heads(c, &heads, &n, e);
	for (int i = 1; i < n && rc == 0; i++)
		if (heads[i].key_from == 0 && (fresh || heads[i].seq == 0))
			*any = true;
	free(heads);
	return rc;
}

/* g_mac from g_key.key; without it digest_hex() keys each MAC itself. */
static void
mac_prepare(void)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3", 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);

	g_mac = hmac != NULL ? EVP_MAC_CTX_new(hmac) : NULL;
	EVP_MAC_free(hmac); /* the context keeps its own reference */
	if (g_mac != NULL && EVP_MAC_init(g_mac, g_key.key, AUDIT_KEY_BYTES,
	    params) != 1) {
		EVP_MAC_CTX_free(g_mac);
		g_mac = NULL;
	}
}

void
audit_key_forget(void)
{
	EVP_MAC_CTX_free(g_mac);
	g_mac = NULL;
	sodium_memzero(&g_key, sizeof(g_key));
	g_key.from = INT64_MAX;
}

int
audit_key_setup(struct ctx *c, const char *var_dir, bool create,
    struct err *e)
{
	struct anchor_arg a;
	char prev[AUDIT_HASH_HEX + 1];
	bool found = false, ok;
	int rc, n;

	audit_key_forget();
	if (var_dir == NULL || var_dir[0] == '\0')
		var_dir = ".";
	n = snprintf(g_key.path, sizeof(g_key.path), "%s/%s", var_dir,
	    AUDIT_KEY_FILE);
	if (n < 0 || (size_t)n >= sizeof(g_key.path))
		return err_internal(e, "audit key: path too long");
	rc = key_read(g_key.path, g_key.key, &found, e);
	if (rc != 0)
		return rc;
	memset(&a, 0, sizeof(a));
	a.c = c;
	if (!found) {
		rc = read_head(c, 1, false, &a.h, e);
		if (rc != 0)
			return rc;
		if (a.h.key_from > 0) {
			/* Keyed, but not with a key this process has. */
			g_key.missing = true;
			g_key.from = a.h.key_from;
			return create ? key_missing(e) : 0;
		}
		if (!create)
			return 0;
		randombytes_buf(g_key.key, sizeof(g_key.key));
		rc = key_write(g_key.path, g_key.key, e);
		if (rc != 0)
			return rc;
		a.fresh = true;
	}
	g_key.have = true;
	mac_prepare();
	/* Read first: the head row is locked (a write) only when the key is
	 * to be anchored, so commands beside a busy server do not queue
	 * behind its appends. */
	rc = a.fresh ? 0 : read_head(c, 1, false, &a.h, e);
	if (rc == 0 && (a.fresh || (a.h.key_from == 0 && a.h.seq == 0)))
		rc = db_tx(c->db, anchor_tx, &a, e);
	if (rc == 0 && a.raced) {
		/* Two servers created keys at once; the other one won. */
		unlink(g_key.path);
		audit_key_forget();
		return err_set(e, ERR_CONFLICT, "audit_key_missing",
		    "另一台服务器刚为本数据库创建了审计密钥：请把它的 "
		    AUDIT_KEY_FILE " 复制到本机数据目录 %s", var_dir);
	}
	if (rc != 0) {
		if (a.fresh)
			unlink(g_key.path);
		audit_key_forget();
		return rc;
	}
	if (a.h.key_from == 0) {
		/* A key, and records never anchored with it. */
		g_key.unanchored = true;
		return create ? key_refusal(e) : 0;
	}
	g_key.from = a.h.key_from;
	rc = prev_at(c, &a.h, prev, &found, e);
	if (rc != 0)
		return rc;
	if (found) {
		rc = anchor_matches(&a.h, prev, &ok, e);
		if (rc != 0)
			return rc;
		if (!ok) {
			/* Nothing is appended with a key the chain does not
			 * know; audit verify still runs and names the record. */
			g_key.mismatch = true;
			return create ? key_refusal(e) : 0;
		}
	}
	/* The other chains (migration 131) take the same key. */
	rc = others_unanchored(c, a.fresh, &found, e);
	if (rc == 0 && found) {
		struct others_arg o = { .c = c, .fresh = a.fresh };

		rc = db_tx(c->db, anchor_others_tx, &o, e);
	}
	return rc;
}
