/* Unit tests for service/audit.c: the SM3 hash chain on SQLite. */
#include "unit.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "base/err.h"
#include "service/platform/platform.h"
#include "store/db.h"
#include "unit_db.h"

struct fixture {
	char dir[UNIT_DB_DIR_MAX];
	struct db *db;
	struct actor actor;
	struct ctx c;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL || unit_db_open("audit", f->dir, &f->db) < 0)
		return -1;
	memset(&f->actor, 0, sizeof(f->actor));
	f->actor.user_id = 7;
	f->actor.kind = ACTOR_STAFF;
	f->actor.roles = ROLE_CLERK;
	snprintf(f->actor.login, sizeof(f->actor.login), "window01");
	snprintf(f->actor.role_used, sizeof(f->actor.role_used), "clerk");
	f->c.db = f->db;
	f->c.actor = &f->actor;
	f->c.client_ip = "10.0.0.8";
	f->c.request_id = "";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	int rc;

	audit_key_forget();
	rc = unit_db_remove(f->db, f->dir);

	free(f);
	return rc;
}

struct append_arg {
	struct ctx *c;
	int i;
};

static int
append_one(struct db *db, void *arg, struct err *e)
{
	struct append_arg *a = arg;
	char oid[16];
	json_t *sum;
	int rc;

	(void)db;
	snprintf(oid, sizeof(oid), "%d", a->i);
	/* Keys out of order: the stored summary must come out sorted. */
	sum = json_pack("{s:i,s:s,s:{s:s}}", "n", a->i, "after", "已受理",
	    "before", "状态", "待受理");
	rc = audit_append(a->c, "case.accept", "case", oid, sum, e);
	json_decref(sum);
	return rc;
}

static void
append_records(struct fixture *f, int n)
{
	struct append_arg a;
	char rid[24];
	struct err e;

	for (int i = 1; i <= n; i++) {
		snprintf(rid, sizeof(rid), "req-%d", i);
		f->c.request_id = rid;
		a.c = &f->c;
		a.i = i;
		assert_int_equal(db_tx(f->db, append_one, &a, &e), 0);
	}
	f->c.request_id = "";
}

static void
verify_expect(struct fixture *f, int want_rc, int64_t want_checked,
    int64_t want_bad)
{
	int64_t checked = -1, bad = -1;
	struct err e;

	err_clear(&e);
	assert_int_equal(audit_verify(&f->c, &checked, &bad, &e), want_rc);
	if (want_checked >= 0)
		assert_int_equal(checked, want_checked);
	assert_int_equal(bad, want_bad);
	if (want_rc != 0)
		assert_string_equal(e.key, "audit_chain_broken");
}

static void
empty_chain_is_intact(void **state)
{
	verify_expect(*state, 0, 0, 0);
}

static void
fifty_records_verify_and_keep_actor_and_request(void **state)
{
	struct fixture *f = *state;
	struct err e;
	json_t *row;

	append_records(f, 50);
	verify_expect(f, 0, 50, 0);

	row = db_query_row(f->db, &e, "SELECT actor_id, actor_login, "
	    "actor_role, action, object_id, summary, client_ip, request_id, "
	    "prev_hash, hash FROM audit_log WHERE seq = ?", "i", (int64_t)17);
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "actor_id")), 7);
	assert_string_equal(json_string_value(json_object_get(row,
	    "actor_login")), "window01");
	assert_string_equal(json_string_value(json_object_get(row,
	    "actor_role")), "clerk");
	assert_string_equal(json_string_value(json_object_get(row, "action")),
	    "case.accept");
	assert_string_equal(json_string_value(json_object_get(row,
	    "object_id")), "17");
	assert_string_equal(json_string_value(json_object_get(row,
	    "client_ip")), "10.0.0.8");
	assert_string_equal(json_string_value(json_object_get(row,
	    "request_id")), "req-17");
	/* Canonical summary: compact, keys sorted. */
	assert_string_equal(json_string_value(json_object_get(row, "summary")),
	    "{\"after\":\"已受理\",\"before\":{\"状态\":\"待受理\"},\"n\":17}");
	assert_int_equal(strlen(json_string_value(json_object_get(row,
	    "hash"))), 64);
	json_decref(row);

	/* The head follows the last record. */
	row = db_query_row(f->db, &e, "SELECT h.seq AS seq, "
	    "(h.hash = l.hash) AS same FROM audit_head h "
	    "JOIN audit_log l ON l.seq = h.seq WHERE h.id = 1", "");
	assert_non_null(row);
	assert_int_equal(json_integer_value(json_object_get(row, "seq")), 50);
	assert_int_equal(json_integer_value(json_object_get(row, "same")), 1);
	json_decref(row);

	/* The first record links to the genesis hash. */
	row = db_query_row(f->db, &e, "SELECT prev_hash FROM audit_log "
	    "WHERE seq = 1", "");
	assert_non_null(row);
	assert_string_equal(json_string_value(json_object_get(row,
	    "prev_hash")), "00000000000000000000000000000000"
	    "00000000000000000000000000000000");
	json_decref(row);
}

static void
append_outside_a_transaction_is_refused(void **state)
{
	struct fixture *f = *state;
	struct err e;
	int64_t n = -1;

	assert_int_equal(audit_append(&f->c, "x.y", "t", "1", NULL, &e),
	    -ERR_INTERNAL);
	assert_int_equal(db_query_int(f->db, &e, &n,
	    "SELECT COUNT(*) FROM audit_log", ""), DB_ROW);
	assert_int_equal(n, 0);
}

/* Removes guard triggers refusing UPDATE/DELETE on audit_log, should a
 * migration install them, so that the tests can play the forger. */
static void
drop_guards(struct fixture *f)
{
	struct err e;

	assert_int_equal(db_exec(f->db, &e,
	    "DROP TRIGGER IF EXISTS audit_log_no_update", ""), 0);
	assert_int_equal(db_exec(f->db, &e,
	    "DROP TRIGGER IF EXISTS audit_log_no_delete", ""), 0);
}

static void
changed_summary_names_its_record(void **state)
{
	struct fixture *f = *state;
	struct err e;

	append_records(f, 50);
	drop_guards(f);
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_log SET summary = ? "
	    "WHERE seq = 23", "s", "{\"n\":999}"), 0);
	verify_expect(f, -ERR_CONFLICT, 22, 23);
}

static void
altered_hash_is_detected(void **state)
{
	struct fixture *f = *state;
	struct err e;

	append_records(f, 10);
	drop_guards(f);
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_log SET hash = ? "
	    "WHERE seq = 4", "s", "ab"), 0);
	verify_expect(f, -ERR_CONFLICT, -1, 4);
}

static void
relinked_record_is_detected(void **state)
{
	struct fixture *f = *state;
	struct err e;

	append_records(f, 10);
	drop_guards(f);
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_log SET prev_hash = ? "
	    "WHERE seq = 6", "s", "00000000000000000000000000000000"
	    "00000000000000000000000000000000"), 0);
	verify_expect(f, -ERR_CONFLICT, 5, 6);
}

/* The record text is "<byte length>:<bytes>;" per field, hashed after the
 * previous hash: an outside verifier can recompute it from this test. */
static void
hash_is_sm3_of_prev_hash_and_canonical_text(void **state)
{
	static const char hexd[] = "0123456789abcdef";
	struct fixture *f = *state;
	unsigned char dig[EVP_MAX_MD_SIZE];
	char text[1024], at[32], hex[65];
	unsigned int dlen = 0;
	const char *sum, *prev;
	struct err e;
	json_t *row;

	append_records(f, 2);
	row = db_query_row(f->db, &e, "SELECT at, summary, prev_hash, hash "
	    "FROM audit_log WHERE seq = 2", "");
	assert_non_null(row);
	snprintf(at, sizeof(at), "%lld",
	    (long long)json_integer_value(json_object_get(row, "at")));
	sum = json_string_value(json_object_get(row, "summary"));
	prev = json_string_value(json_object_get(row, "prev_hash"));
	snprintf(text, sizeof(text), "%s1:2;%zu:%s;1:7;8:window01;5:clerk;"
	    "11:case.accept;4:case;1:2;%zu:%s;8:10.0.0.8;5:req-2;", prev,
	    strlen(at), at, strlen(sum), sum);
	assert_int_equal(EVP_Digest(text, strlen(text), dig, &dlen, EVP_sm3(),
	    NULL), 1);
	assert_int_equal(dlen, 32);
	for (unsigned int i = 0; i < dlen; i++) {
		hex[2 * i] = hexd[dig[i] >> 4];
		hex[2 * i + 1] = hexd[dig[i] & 15];
	}
	hex[64] = '\0';
	assert_string_equal(hex, json_string_value(json_object_get(row,
	    "hash")));
	json_decref(row);
}

static void
deleted_records_are_detected(void **state)
{
	struct fixture *f = *state;
	struct err e;

	append_records(f, 10);
	drop_guards(f);
	assert_int_equal(db_exec(f->db, &e, "DELETE FROM audit_log "
	    "WHERE seq = 5", ""), 0);
	verify_expect(f, -ERR_CONFLICT, 4, 5);
	/* Cutting off the tail is caught by the head. */
	assert_int_equal(db_exec(f->db, &e, "DELETE FROM audit_log "
	    "WHERE seq >= 5", ""), 0);
	verify_expect(f, -ERR_CONFLICT, 4, 5);
}

static void
chain_survives_paging(void **state)
{
	struct fixture *f = *state;

	/* More than one page of 500 records. */
	append_records(f, 517);
	verify_expect(f, 0, 517, 0);
}

/* The var folder of the fixture: <dir>/var/keys. */
static void
make_var(struct fixture *f, char *var, size_t n)
{
	char keys[UNIT_DB_DIR_MAX + 16];

	snprintf(var, n, "%s/var", f->dir);
	snprintf(keys, sizeof(keys), "%s/keys", var);
	assert_int_equal(mkdir(var, 0700), 0);
	assert_int_equal(mkdir(keys, 0700), 0);
}

static int64_t
head_int(struct fixture *f, const char *col)
{
	char sql[80];
	struct err e;
	int64_t v = -1;

	snprintf(sql, sizeof(sql), "SELECT %s FROM audit_head WHERE id = 1",
	    col);
	assert_int_equal(db_query_int(f->db, &e, &v, sql, ""), DB_ROW);
	return v;
}

/* Records before the key stay plain SM3; the key is created 0600 outside the
 * database and anchored after them; later records are HMAC-SM3. */
static void
key_anchors_after_plain_records(void **state)
{
	struct fixture *f = *state;
	char var[UNIT_DB_DIR_MAX + 8], path[UNIT_DB_DIR_MAX + 32];
	struct audit_check r;
	struct stat st;
	struct err e;

	append_records(f, 5);
	make_var(f, var, sizeof(var));
	err_clear(&e);
	assert_int_equal(audit_key_setup(&f->c, var, true, &e), 0);
	snprintf(path, sizeof(path), "%s/keys/audit.key", var);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(head_int(f, "key_from"), 6);
	verify_expect(f, 0, 5, 0);
	append_records(f, 5);
	assert_int_equal(audit_check_chain(&f->c, &r, &e), 0);
	assert_int_equal(r.checked, 10);
	assert_true(r.keyed);
	assert_int_equal(r.key_from, 6);

	/* A second setup finds the key and the anchor: nothing changes. */
	assert_int_equal(audit_key_setup(&f->c, var, true, &e), 0);
	assert_int_equal(head_int(f, "key_from"), 6);
	verify_expect(f, 0, 10, 0);

	/* Without the key the keyed records are not checked, nor extended. */
	audit_key_forget();
	assert_int_equal(audit_check_chain(&f->c, &r, &e), -ERR_INTERNAL);
	assert_string_equal(e.key, "audit_key_missing");
	assert_true(r.key_missing);
	assert_int_equal(audit_key_setup(&f->c, f->dir, false, &e), 0);
	{
		struct append_arg a = { &f->c, 99 };

		assert_int_equal(db_tx(f->db, append_one, &a, &e),
		    -ERR_INTERNAL);
		assert_string_equal(e.key, "audit_key_missing");
	}
	assert_int_equal(audit_key_setup(&f->c, f->dir, true, &e),
	    -ERR_INTERNAL);
}

/* A keyed record changed and re-hashed as plain SM3 (the forger's only
 * option without the key) is named; the records before it verified. */
static void
keyed_record_rehashed_without_key_is_named(void **state)
{
	static const char hexd[] = "0123456789abcdef";
	struct fixture *f = *state;
	char var[UNIT_DB_DIR_MAX + 8], text[1024], at[32], hex[65];
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	struct audit_check r;
	const char *sum, *prev;
	struct err e;
	json_t *row;

	make_var(f, var, sizeof(var));
	assert_int_equal(audit_key_setup(&f->c, var, true, &e), 0);
	assert_int_equal(head_int(f, "key_from"), 1);
	append_records(f, 8);
	verify_expect(f, 0, 8, 0);
	drop_guards(f);
	row = db_query_row(f->db, &e, "SELECT at, summary, prev_hash "
	    "FROM audit_log WHERE seq = 8", "");
	assert_non_null(row);
	snprintf(at, sizeof(at), "%lld",
	    (long long)json_integer_value(json_object_get(row, "at")));
	sum = json_string_value(json_object_get(row, "summary"));
	prev = json_string_value(json_object_get(row, "prev_hash"));
	/* The same record with another login, hashed as plain SM3. */
	snprintf(text, sizeof(text), "%s1:8;%zu:%s;1:7;8:window02;5:clerk;"
	    "11:case.accept;4:case;1:8;%zu:%s;8:10.0.0.8;5:req-8;", prev,
	    strlen(at), at, strlen(sum), sum);
	assert_int_equal(EVP_Digest(text, strlen(text), dig, &dlen, EVP_sm3(),
	    NULL), 1);
	for (unsigned int i = 0; i < dlen; i++) {
		hex[2 * i] = hexd[dig[i] >> 4];
		hex[2 * i + 1] = hexd[dig[i] & 15];
	}
	hex[64] = '\0';
	json_decref(row);
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_log SET actor_login "
	    "= 'window02', hash = ? WHERE seq = 8", "s", hex), 0);
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_head SET hash = ? "
	    "WHERE id = 1", "s", hex), 0);
	assert_int_equal(audit_check_chain(&f->c, &r, &e), -ERR_CONFLICT);
	assert_int_equal(r.bad_seq, 8);
	assert_int_equal(r.checked, 7);
	assert_string_equal(r.bad_action, "case.accept");
	assert_true(r.bad_at > 0);
	assert_non_null(strstr(e.msg, "case.accept"));

	/* Clearing the anchor does not turn it into a plain chain. */
	assert_int_equal(db_exec(f->db, &e, "UPDATE audit_head SET key_from = "
	    "0, key_anchor = '' WHERE id = 1", ""), 0);
	assert_int_equal(audit_check_chain(&f->c, &r, &e), -ERR_CONFLICT);
	assert_int_equal(r.bad_seq, 1);
}

/* A keyed record's hash is HMAC-SM3(key, prev_hash || canonical text), as
 * an independent HMAC made with the key file computes it (the server keys
 * one MAC context and copies it for each record). */
static void
keyed_hash_is_hmac_sm3_of_the_key_file(void **state)
{
	static const char hexd[] = "0123456789abcdef";
	static const char *const cols[] = { "seq", "at", "actor_id",
		"actor_login", "actor_role", "action", "object_type",
		"object_id", "summary", "client_ip", "request_id" };
	struct fixture *f = *state;
	char var[UNIT_DB_DIR_MAX + 8], path[UNIT_DB_DIR_MAX + 32];
	char keyhex[80], text[2048], val[1024], hex[65];
	unsigned char key[32], dig[EVP_MAX_MD_SIZE];
	size_t mlen = 0, off;
	struct err e;
	json_t *row, *v;
	FILE *fp;

	make_var(f, var, sizeof(var));
	assert_int_equal(audit_key_setup(&f->c, var, true, &e), 0);
	append_records(f, 3);
	snprintf(path, sizeof(path), "%s/keys/audit.key", var);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(keyhex, sizeof(keyhex), fp));
	fclose(fp);
	for (int i = 0; i < 32; i++) {
		unsigned int byte;

		assert_int_equal(sscanf(keyhex + 2 * i, "%2x", &byte), 1);
		key[i] = (unsigned char)byte;
	}
	for (int seq = 1; seq <= 3; seq++) {
		row = db_query_row(f->db, &e, "SELECT seq, at, actor_id, "
		    "actor_login, actor_role, action, object_type, object_id, "
		    "summary, client_ip, request_id, prev_hash, hash "
		    "FROM audit_log WHERE seq = ?", "i", seq);
		assert_non_null(row);
		off = (size_t)snprintf(text, sizeof(text), "%s", json_string_value(
		    json_object_get(row, "prev_hash")));
		for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
			v = json_object_get(row, cols[i]);
			if (json_is_integer(v))
				snprintf(val, sizeof(val), "%lld",
				    (long long)json_integer_value(v));
			else
				snprintf(val, sizeof(val), "%s",
				    json_is_string(v) ? json_string_value(v) : "");
			off += (size_t)snprintf(text + off, sizeof(text) - off,
			    "%zu:%s;", strlen(val), val);
			assert_true(off < sizeof(text));
		}
		assert_non_null(EVP_Q_mac(NULL, "HMAC", NULL, "SM3", NULL, key,
		    sizeof(key), (const unsigned char *)text, off, dig,
		    sizeof(dig), &mlen));
		assert_int_equal(mlen, 32);
		for (size_t i = 0; i < mlen; i++) {
			hex[2 * i] = hexd[dig[i] >> 4];
			hex[2 * i + 1] = hexd[dig[i] & 15];
		}
		hex[64] = '\0';
		assert_string_equal(json_string_value(json_object_get(row,
		    "hash")), hex);
		json_decref(row);
	}
	verify_expect(f, 0, 3, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(empty_chain_is_intact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    fifty_records_verify_and_keep_actor_and_request, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    append_outside_a_transaction_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_summary_names_its_record,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    altered_hash_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(relinked_record_is_detected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    hash_is_sm3_of_prev_hash_and_canonical_text, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_records_are_detected,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(chain_survives_paging, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(key_anchors_after_plain_records,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    keyed_record_rehashed_without_key_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    keyed_hash_is_hmac_sm3_of_the_key_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
