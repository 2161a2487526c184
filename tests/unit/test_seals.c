/* Unit tests for service/seals.c on SQLite: creating a department's seal,
 * signing inside a transaction with its ledger and audit rows, verifying,
 * and who may do what. */
#include "unit.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "base/err.h"
#include "docs/sm3.h"
#include "service/platform/platform.h"
#include "service/records/records.h"
#include "store/db.h"
#include "unit_db.h"

struct fixture {
	char dir[UNIT_DB_DIR_MAX];
	char var[96];
	struct db *db;
	struct config cfg;
	struct actor sys, hall, clerk, applicant, other_admin;
	struct ctx c;
	int64_t dept, dept2;
};

static void
staff(struct actor *a, int64_t id, unsigned roles, int64_t dept,
    const char *login)
{
	memset(a, 0, sizeof(*a));
	a->user_id = id;
	a->kind = ACTOR_STAFF;
	a->roles = roles;
	a->dept_id = dept;
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->role_used, sizeof(a->role_used), "%s", role_name(roles));
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL || unit_db_open("seals", f->dir, &f->db) < 0)
		return -1;
	snprintf(f->var, sizeof(f->var), "%s/var", f->dir);
	if (db_exec(f->db, &e, "INSERT INTO departments (name, created_at) "
	    "VALUES ('白河县市场监督管理局', 0), ('白河县住房和城乡建设局', 0)",
	    "") != 0 ||
	    db_query_int(f->db, &e, &f->dept, "SELECT id FROM departments "
	    "WHERE name = '白河县市场监督管理局'", "") != DB_ROW ||
	    db_query_int(f->db, &e, &f->dept2, "SELECT id FROM departments "
	    "WHERE name = '白河县住房和城乡建设局'", "") != DB_ROW) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	config_defaults(&f->cfg);
	f->cfg.var_dir = f->var;
	actor_system(&f->sys, "test");
	staff(&f->hall, 1, ROLE_HALL_ADMIN, 0, "hall");
	staff(&f->clerk, 2, ROLE_CLERK, f->dept, "scjg_clerk");
	staff(&f->other_admin, 3, ROLE_DEPT_ADMIN, f->dept2, "zj_admin");
	memset(&f->applicant, 0, sizeof(f->applicant));
	f->applicant.user_id = 4;
	f->applicant.kind = ACTOR_PERSON;
	f->applicant.roles = ROLE_APPLICANT;
	f->c.db = f->db;
	f->c.cfg = &f->cfg;
	f->c.actor = &f->hall;
	f->c.client_ip = "10.0.0.8";
	f->c.request_id = "req-1";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	if (unit_db_remove(f->db, f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t
count(struct fixture *f, const char *sql)
{
	struct err e;
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, &e, &n, sql, ""), DB_ROW);
	return n;
}

static void
create_makes_a_private_key_file_and_one_active_seal(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct stat st;
	struct err e;
	json_t *seal = NULL;

	/* Only the hall or the system administrator. */
	f->c.actor = &f->clerk;
	assert_int_equal(seal_create(&f->c, f->dept, "王芳", &seal, &e),
	    -ERR_FORBIDDEN);
	f->c.actor = &f->hall;
	assert_int_equal(seal_create(&f->c, f->dept, "", &seal, &e),
	    -ERR_INVALID);
	assert_string_equal(e.field, "custodian");
	assert_int_equal(seal_create(&f->c, 999, "王芳", &seal, &e),
	    -ERR_NOT_FOUND);

	assert_int_equal(seal_create(&f->c, f->dept, "王芳", &seal, &e), 0);
	assert_string_equal(json_string_value(json_object_get(seal, "name")),
	    "白河县市场监督管理局行政审批专用章");
	assert_int_equal(strlen(json_string_value(json_object_get(seal,
	    "fingerprint"))), SM3_HEX_LEN);
	snprintf(path, sizeof(path), "%s/keys/seal-%" PRId64 ".pem", f->var,
	    f->dept);
	assert_string_equal(json_string_value(json_object_get(seal,
	    "key_path")), path);
	json_decref(seal);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/keys", f->var);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'seal.create'"), 1);

	/* A second active seal for the same department: 409. */
	assert_int_equal(seal_create(&f->c, f->dept, "李强", NULL, &e),
	    -ERR_CONFLICT);
	assert_string_equal(e.key, "seal_exists");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seals"), 1);

	assert_int_equal(seal_get(&f->c, f->dept, &seal, &e), 0);
	assert_null(json_object_get(seal, "key_path"));
	assert_non_null(strstr(json_string_value(json_object_get(seal,
	    "public_key_pem")), "BEGIN PUBLIC KEY"));
	json_decref(seal);
	assert_int_equal(seal_get(&f->c, f->dept2, &seal, &e), -ERR_NOT_FOUND);
}

static void
create_refuses_an_existing_key_file(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct err e;
	int fd;

	/* A key file left behind (say, by a crash) is never overwritten. */
	snprintf(path, sizeof(path), "%s", f->var);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/keys", f->var);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/keys/seal-%" PRId64 ".pem", f->var,
	    f->dept2);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "old", 3), 3);
	close(fd);
	f->c.actor = &f->sys;
	assert_int_equal(seal_create(&f->c, f->dept2, "赵六", NULL, &e),
	    -ERR_CONFLICT);
	assert_string_equal(e.key, "key_file_exists");
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seals"), 0);
	assert_int_equal(access(path, F_OK), 0);
}

struct sign_arg {
	struct ctx *c;
	int64_t dept;
	const char *data;
	char sig[SM2_SIG_HEX_MAX + 1];
	char sm3[SM3_HEX_LEN + 1];
	int64_t usage;
	int fail_after;
};

static int
sign_fn(struct db *db, void *arg, struct err *e)
{
	struct sign_arg *a = arg;
	int rc;

	(void)db;
	rc = seal_sign(a->c, a->dept, "acceptance", "白审受字〔2026〕第0001号",
	    a->data, strlen(a->data), a->sig, a->sm3, &a->usage, e);
	if (rc == 0 && a->fail_after)
		return err_set(e, ERR_CONFLICT, NULL, "later step failed");
	return rc;
}

static void
sign_writes_ledger_and_audit_and_verifies(void **state)
{
	struct fixture *f = *state;
	struct sign_arg a;
	char hex[SM3_HEX_LEN + 1], tampered[64];
	struct err e;
	json_t *j = NULL;
	int64_t seal_id = 0;

	assert_int_equal(seal_create(&f->c, f->dept, "王芳", NULL, &e), 0);
	memset(&a, 0, sizeof(a));
	a.c = &f->c;
	a.dept = f->dept;
	a.data = "%PDF-1.5 受理通知书 张明";

	/* Outside a transaction: refused, nothing written. */
	assert_int_equal(seal_sign(&f->c, f->dept, "acceptance", "x", "d", 1,
	    a.sig, a.sm3, NULL, &e), -ERR_INTERNAL);

	f->c.actor = &f->clerk;
	assert_int_equal(db_tx(f->db, sign_fn, &a, &e), 0);
	assert_true(a.usage > 0);
	assert_int_equal(sm3_hex(a.data, strlen(a.data), hex), 0);
	assert_string_equal(a.sm3, hex);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seal_usage"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'seal.use' AND actor_login = 'scjg_clerk'"), 1);

	assert_int_equal(seal_verify(&f->c, f->dept, a.data, strlen(a.data),
	    a.sig, &seal_id, &e), 0);
	assert_true(seal_id > 0);
	snprintf(tampered, sizeof(tampered), "%s", a.data);
	tampered[3] = 'X';
	assert_int_equal(seal_verify(&f->c, f->dept, tampered, strlen(tampered),
	    a.sig, NULL, &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "bad_signature");
	assert_int_equal(seal_verify(&f->c, f->dept2, a.data, strlen(a.data),
	    a.sig, NULL, &e), -ERR_NOT_FOUND);

	/* The holder of the document can check it by its bytes alone. */
	assert_int_equal(seal_check_document(&f->c, a.data, strlen(a.data),
	    &j, &e), 0);
	assert_true(json_is_true(json_object_get(j, "valid")));
	assert_string_equal(json_string_value(json_object_get(j,
	    "document_ref")), "白审受字〔2026〕第0001号");
	json_decref(j);
	assert_int_equal(seal_check_document(&f->c, tampered, strlen(tampered),
	    &j, &e), -ERR_NOT_FOUND);
	assert_null(j);

	/* A failure later in the same transaction leaves no ledger row. */
	a.fail_after = 1;
	assert_int_equal(db_tx(f->db, sign_fn, &a, &e), -ERR_CONFLICT);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seal_usage"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'seal.use'"), 1);
}

static void
sign_needs_a_seal_and_a_staff_actor(void **state)
{
	struct fixture *f = *state;
	struct sign_arg a;
	struct err e;

	memset(&a, 0, sizeof(a));
	a.c = &f->c;
	a.dept = f->dept2;
	a.data = "document";
	assert_int_equal(db_tx(f->db, sign_fn, &a, &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "no_seal");
	assert_int_equal(seal_create(&f->c, f->dept, "王芳", NULL, &e), 0);
	a.dept = f->dept;
	f->c.actor = &f->applicant;
	assert_int_equal(db_tx(f->db, sign_fn, &a, &e), -ERR_FORBIDDEN);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seal_usage"), 0);
}

static void
ledger_pages_and_is_restricted(void **state)
{
	struct fixture *f = *state;
	struct sign_arg a;
	struct err e;
	json_t *page = NULL, *items;
	int64_t next;

	assert_int_equal(seal_create(&f->c, f->dept, "王芳", NULL, &e), 0);
	memset(&a, 0, sizeof(a));
	a.c = &f->c;
	a.dept = f->dept;
	a.data = "one";
	f->c.actor = &f->sys;
	for (int i = 0; i < 3; i++)
		assert_int_equal(db_tx(f->db, sign_fn, &a, &e), 0);

	f->c.actor = &f->applicant;
	assert_int_equal(seal_ledger(&f->c, f->dept, 0, 0, &page, &e),
	    -ERR_FORBIDDEN);
	f->c.actor = &f->other_admin;
	assert_int_equal(seal_ledger(&f->c, f->dept, 0, 0, &page, &e),
	    -ERR_FORBIDDEN);

	f->c.actor = &f->hall;
	assert_int_equal(seal_ledger(&f->c, f->dept, 0, 2, &page, &e), 0);
	items = json_object_get(page, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(items, 0), "document_kind")), "acceptance");
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(items, 0), "request_id")), "req-1");
	next = json_integer_value(json_object_get(page, "next_before"));
	assert_true(next > 0);
	json_decref(page);
	assert_int_equal(seal_ledger(&f->c, f->dept, next, 2, &page, &e), 0);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 1);
	assert_true(json_is_null(json_object_get(page, "next_before")));
	json_decref(page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    create_makes_a_private_key_file_and_one_active_seal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    create_refuses_an_existing_key_file, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sign_writes_ledger_and_audit_and_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sign_needs_a_seal_and_a_staff_actor, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    ledger_pages_and_is_restricted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
