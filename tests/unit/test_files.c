/* Unit tests for service/files.c and service/documents.c on SQLite:
 * sniffing by content, atomic content-addressed storage with dedupe, the
 * per-file limit, upload ownership, and case documents: numbering,
 * rendering, sealing, verification of the stored bytes and of a copy. */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/limits.h"
#include "docs/pdf.h"
#include "service/records/records.h"
#include "service/platform/platform.h"
#include "store/db.h"
#include "unit_db.h"

struct fixture {
	char dir[UNIT_DB_DIR_MAX];
	char var[96];
	struct db *db;
	struct config cfg;
	struct actor sys, alice, bob, carol, clerk, other_clerk, hall;
	struct ctx c;
	int64_t dept, dept2, item, version, case_id;
};

static const unsigned char PNG[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
    '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
static const unsigned char JPEG[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J',
    'F', 'I', 'F' };
static const char PDF[] = "%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";

static void
person(struct actor *a, int64_t id, const char *login)
{
	memset(a, 0, sizeof(*a));
	a->user_id = id;
	a->kind = ACTOR_PERSON;
	a->roles = ROLE_APPLICANT;
	snprintf(a->login, sizeof(a->login), "%s", login);
	snprintf(a->role_used, sizeof(a->role_used), "applicant");
}

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

static int64_t
count(struct fixture *f, const char *sql)
{
	struct err e;
	int64_t n = -1;

	assert_int_equal(db_query_int(f->db, &e, &n, sql, ""), DB_ROW);
	return n;
}

static int64_t
insert_id(struct fixture *f, const char *sql)
{
	struct err e;
	int64_t id = 0;

	if (db_query_int(f->db, &e, &id, sql, "") != DB_ROW) {
		fprintf(stderr, "insert: %s\n", e.msg);
		return -1;
	}
	return id;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err e;

	if (f == NULL || unit_db_open("files", f->dir, &f->db) < 0)
		return -1;
	snprintf(f->var, sizeof(f->var), "%s/var", f->dir);
	f->dept = insert_id(f, "INSERT INTO departments (name, short_name, "
	    "created_at) VALUES ('县市场监管局', '市场监管局', 0) RETURNING id");
	f->dept2 = insert_id(f, "INSERT INTO departments (name, short_name, "
	    "created_at) VALUES ('县住建局', '住建局', 0) RETURNING id");
	/* Users 1..6 exist so that uploads and cases can point at them. */
	for (int i = 1; i <= 6; i++) {
		char sql[200];

		snprintf(sql, sizeof(sql), "INSERT INTO users (kind, login, "
		    "name, password_hash, created_at, updated_at) VALUES "
		    "('%c', 'u%d', '用户%d', 'x', 0, 0)", i <= 3 ? 'P' : 'S', i,
		    i);
		if (db_exec(f->db, &e, sql, "") != 0)
			return -1;
	}
	f->item = insert_id(f, "INSERT INTO items (dept_id, basic_code, "
	    "impl_code, name, type, status, promised_days, created_at, "
	    "updated_at) VALUES (1, '000101001001', "
	    "'11610929016120006K4000101001001', '食品经营许可', '01', "
	    "'published', 10, 0, 0) RETURNING id");
	f->version = insert_id(f, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, created_at) VALUES (1, 1, "
	    "'published', '{\"result_name\":\"食品经营许可证\","
	    "\"promised_days\":10,\"conditions\":\"有与经营食品相适应的场所。\"}',"
	    " 0) RETURNING id");
	f->case_id = insert_id(f, "INSERT INTO cases (case_no, item_id, "
	    "item_version_id, dept_id, applicant_id, applicant_kind, "
	    "applicant_name, applicant_idno, channel, state, accepted_day, "
	    "budget_days, due_day, created_by, created_at, updated_at) VALUES "
	    "('SJ20260928000001', 1, 1, 1, 1, 'P', '张明', "
	    "'61092919900315001X', 'online', 'accepted', '2026-09-28', 10, "
	    "'2026-10-19', 1, 1790553600, 1790553600) RETURNING id");
	if (f->dept != 1 || f->item != 1 || f->version != 1 ||
	    f->case_id != 1)
		return -1;
	config_defaults(&f->cfg);
	f->cfg.var_dir = f->var;
	f->cfg.public_url = "https://zwfw.baihe.example";
	actor_system(&f->sys, "test");
	person(&f->alice, 1, "alice");
	person(&f->bob, 2, "bob");
	person(&f->carol, 3, "carol");
	staff(&f->clerk, 4, ROLE_CLERK, f->dept, "scjg_clerk");
	staff(&f->other_clerk, 5, ROLE_CLERK, f->dept2, "zj_clerk");
	staff(&f->hall, 6, ROLE_HALL_ADMIN, 0, "hall");
	f->c.db = f->db;
	f->c.cfg = &f->cfg;
	f->c.actor = &f->alice;
	f->c.client_ip = "";
	f->c.request_id = "";
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
	clock_set_now((int64_t)time(NULL));
	return 0;
}

/* Files in dir whose name starts with prefix. */
static int
files_starting(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

static void
sniff_judges_by_content_only(void **state)
{
	static const char text[] = "just text, named x.pdf";
	unsigned char bad_png[sizeof(PNG)];

	(void)state;
	assert_string_equal(files_sniff(PDF, strlen(PDF)), "application/pdf");
	assert_string_equal(files_sniff(JPEG, sizeof(JPEG)), "image/jpeg");
	assert_string_equal(files_sniff(PNG, sizeof(PNG)), "image/png");
	assert_null(files_sniff(text, strlen(text)));
	assert_null(files_sniff("%PDF", 4));        /* too short */
	assert_null(files_sniff(JPEG, 2));
	assert_null(files_sniff(PNG, 7));
	assert_null(files_sniff(NULL, 10));
	assert_null(files_sniff("", 0));
	memcpy(bad_png, PNG, sizeof(PNG));
	bad_png[4] = '\n';                          /* CR-LF mangled */
	assert_null(files_sniff(bad_png, sizeof(bad_png)));
	assert_null(files_sniff(" %PDF-1.4", 9));   /* not at the start */
}

static void
store_writes_once_and_dedupes(void **state)
{
	struct fixture *f = *state;
	char sha[65], sha2[65], ctype[32], path[400], dir[300];
	unsigned char back[sizeof(PNG)];
	struct stat st;
	struct err e;
	int fd;

	assert_int_equal(file_store(&f->c, PNG, sizeof(PNG), "scan.pdf", false,
	    sha, ctype, &e), 0);
	assert_true(files_sha256_valid(sha));
	assert_string_equal(ctype, "image/png");  /* the name does not matter */
	snprintf(dir, sizeof(dir), "%s/files/%.2s", f->var, sha);
	snprintf(path, sizeof(path), "%s/%s", dir, sha);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)sizeof(PNG));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, back, sizeof(back)), (ssize_t)sizeof(back));
	close(fd);
	assert_memory_equal(back, PNG, sizeof(PNG));
	assert_int_equal(files_starting(dir, ".tmp-"), 0);

	/* The same bytes again, by someone else under another name. */
	f->c.actor = &f->bob;
	assert_int_equal(file_store(&f->c, PNG, sizeof(PNG), "other.png",
	    false, sha2, ctype, &e), 0);
	assert_string_equal(sha, sha2);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'file.store'"), 1);
	assert_int_equal(count(f, "SELECT created_by FROM files"), 1);
	assert_int_equal(files_starting(dir, ""), 3);  /* ., .., the file */
}

static void
store_replaces_a_torn_file_atomically(void **state)
{
	struct fixture *f = *state;
	char sha[65], ctype[32], path[400], dir[300];
	void *data = NULL;
	size_t len = 0;
	struct err e;
	int fd;

	assert_int_equal(file_store(&f->c, PDF, strlen(PDF), NULL, false, sha,
	    ctype, &e), 0);
	/* Simulate a half-written file left at the final path by something
	 * that bypassed the temporary file: the next store repairs it. */
	snprintf(dir, sizeof(dir), "%s/files/%.2s", f->var, sha);
	snprintf(path, sizeof(path), "%s/%s", dir, sha);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "%PDF", 4), 4);
	close(fd);
	assert_int_equal(file_read(&f->c, sha, &data, &len, &e),
	    -ERR_INTERNAL);  /* the size check catches it */
	assert_int_equal(file_store(&f->c, PDF, strlen(PDF), NULL, false, sha,
	    ctype, &e), 0);
	assert_int_equal(file_read(&f->c, sha, &data, &len, &e), 0);
	assert_int_equal(len, strlen(PDF));
	assert_memory_equal(data, PDF, len);
	free(data);
	assert_int_equal(files_starting(dir, ".tmp-"), 0);
	assert_int_equal(file_read(&f->c, "0000000000000000000000000000000000"
	    "000000000000000000000000000000", &data, &len, &e), -ERR_NOT_FOUND);
	assert_int_equal(file_read(&f->c, "../../etc/passwd", &data, &len, &e),
	    -ERR_NOT_FOUND);
}

static void
store_enforces_type_and_size(void **state)
{
	struct fixture *f = *state;
	char sha[65], ctype[32];
	unsigned char *big;
	struct err e;

	assert_int_equal(file_store(&f->c, "hello", 5, "x.pdf", false, sha,
	    ctype, &e), -ERR_UNSUPPORTED_TYPE);
	assert_string_equal(e.msg, "仅支持 PDF、JPEG、PNG 格式的文件");
	assert_string_equal(sha, "");
	assert_int_equal(file_store(&f->c, "", 0, "x.pdf", false, sha, ctype,
	    &e), -ERR_INVALID);
	/* The server's own documents may be of any type. */
	assert_int_equal(file_store(&f->c, "hello", 5, "x.txt", true, sha,
	    ctype, &e), 0);
	assert_string_equal(ctype, "application/octet-stream");

	big = calloc(1, LIMIT_UPLOAD_FILE + 1);
	assert_non_null(big);
	memcpy(big, "%PDF-1.4\n", 9);
	assert_int_equal(file_store(&f->c, big, LIMIT_UPLOAD_FILE + 1, NULL,
	    false, sha, ctype, &e), -ERR_TOO_LARGE);
	assert_string_equal(e.msg, "文件超过 20 MB 上限");
	/* Exactly at the limit is fine. */
	assert_int_equal(file_store(&f->c, big, LIMIT_UPLOAD_FILE, NULL,
	    false, sha, ctype, &e), 0);
	assert_string_equal(ctype, "application/pdf");
	free(big);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 2);

	/* Names: path parts dropped, invalid UTF-8 refused. */
	assert_int_equal(file_store(&f->c, JPEG, sizeof(JPEG),
	    "C:\\Users\\x\\照片.jpg", false, sha, ctype, &e), 0);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files WHERE "
	    "original_name = '照片.jpg'"), 1);
	assert_int_equal(file_store(&f->c, JPEG, sizeof(JPEG), "\xff\xfe",
	    false, sha, ctype, &e), -ERR_INVALID);
	assert_string_equal(e.field, "name");
}

static void
uploads_belong_to_their_uploader(void **state)
{
	struct fixture *f = *state;
	char ctype[32], name[256];
	const char *sha;
	json_t *a = NULL, *b = NULL, *mine = NULL;
	uint64_t size = 0;
	struct err e;
	int fd = -1;

	f->c.actor = &f->alice;
	assert_int_equal(upload_create(&f->c, PNG, sizeof(PNG), "身份证.png",
	    &a, &e), 0);
	sha = json_string_value(json_object_get(a, "sha256"));
	assert_string_equal(json_string_value(json_object_get(a, "name")),
	    "身份证.png");
	assert_int_equal(json_integer_value(json_object_get(a, "size")),
	    sizeof(PNG));
	/* The same upload twice by the same person: one row. */
	json_decref(mine);
	assert_int_equal(upload_create(&f->c, PNG, sizeof(PNG), "again.png",
	    &b, &e), 0);
	json_decref(b);
	f->c.actor = &f->bob;
	assert_int_equal(upload_create(&f->c, PNG, sizeof(PNG), "bob.png", &b,
	    &e), 0);
	assert_string_equal(sha, json_string_value(json_object_get(b,
	    "sha256")));
	json_decref(b);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM files"), 1);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM uploads"), 2);

	/* Each sees their own name; carol, who did not upload it, sees
	 * nothing, even though the bytes exist. */
	f->c.actor = &f->alice;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    0);
	close(fd);
	assert_string_equal(name, "身份证.png");
	assert_int_equal(size, sizeof(PNG));
	f->c.actor = &f->bob;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    0);
	close(fd);
	assert_string_equal(name, "bob.png");
	f->c.actor = &f->carol;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    -ERR_NOT_FOUND);
	assert_int_equal(upload_check_owner(&f->c, 3, sha, &e), -ERR_FORBIDDEN);
	assert_string_equal(e.key, "material_not_owned");
	assert_int_equal(upload_check_owner(&f->c, 1, sha, &e), 0);

	/* Staff: only a department with a case using the file, or the hall. */
	f->c.actor = &f->clerk;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    -ERR_NOT_FOUND);
	assert_int_equal(db_exec(f->db, &e, "INSERT INTO case_materials "
	    "(case_id, idx, name, necessity, status, sha256, updated_at) "
	    "VALUES (1, 0, '身份证', 'required', 'provided', ?, 0)", "s", sha),
	    0);
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    0);
	close(fd);
	f->c.actor = &f->other_clerk;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    -ERR_NOT_FOUND);
	f->c.actor = &f->hall;
	assert_int_equal(upload_open(&f->c, sha, &fd, &size, ctype, name, &e),
	    0);
	close(fd);

	/* Uploading is for applicants and clerks. */
	assert_int_equal(upload_create(&f->c, PNG, sizeof(PNG), "x", &b, &e),
	    -ERR_FORBIDDEN);

	f->c.actor = &f->alice;
	assert_int_equal(materials_mine(&f->c, &mine, &e), 0);
	assert_int_equal(json_array_size(json_object_get(mine, "items")), 1);
	json_decref(mine);
	json_decref(a);
}

struct enq {
	struct ctx *c;
	int64_t case_id;
	const char *kind;
	json_t *content;
	int64_t id;
};

static int
enq_fn(struct db *db, void *arg, struct err *e)
{
	struct enq *q = arg;

	(void)db;
	return document_enqueue(q->c, q->case_id, q->kind, q->content, &q->id,
	    e);
}

static int64_t
enqueue(struct fixture *f, const char *kind, json_t *content)
{
	struct enq q = { &f->c, f->case_id, kind, content, 0 };
	struct err e;

	assert_int_equal(db_tx(f->db, enq_fn, &q, &e), 0);
	json_decref(content);
	return q.id;
}

static char *
doc_text(struct fixture *f, int64_t id, const char *col)
{
	struct db_stmt *s;
	struct err e;
	char *out = NULL;

	s = db_query(f->db, &e, col[0] == 's' && col[1] == 't' ?
	    "SELECT status FROM documents WHERE id = ?" : col[0] == 'd' ?
	    "SELECT doc_no FROM documents WHERE id = ?" : col[0] == 'v' ?
	    "SELECT verify_code FROM documents WHERE id = ?" : col[0] == 'e' ?
	    "SELECT error FROM documents WHERE id = ?" :
	    "SELECT sha256 FROM documents WHERE id = ?", "i", id);
	assert_non_null(s);
	assert_int_equal(db_step(s, &e), DB_ROW);
	out = strdup(db_col_text(s, 0));
	db_finish(s);
	return out;
}

static void
documents_are_numbered_rendered_sealed_and_verified(void **state)
{
	struct fixture *f = *state;
	int64_t d1, d2, d3, cert;
	char *no, *code, *sha, *st, png[300];
	json_t *out = NULL, *list = NULL;
	void *data = NULL;
	size_t len = 0;
	struct err e;
	int done = -1;
	int64_t stores;
	struct stat pst;

	clock_set_now(1790560800);  /* 2026-09-28 10:00 +08:00 */
	f->c.actor = &f->clerk;
	/* Outside a transaction: refused. */
	assert_int_equal(document_enqueue(&f->c, f->case_id, DOC_ACCEPT_NOTICE,
	    NULL, &d1, &e), -ERR_INTERNAL);
	d1 = enqueue(f, DOC_ACCEPT_NOTICE, NULL);
	d2 = enqueue(f, DOC_SUPPLEMENT_NOTICE, json_pack("{s:[{s:s, s:s}, "
	    "{s:s, s:s}], s:s}", "materials", "name", "经营场所使用证明",
	    "requirement", "须加盖产权单位公章", "name", "食品安全管理制度",
	    "requirement", "缺少进货查验记录制度", "supplement_due",
	    "2026-10-12"));
	d3 = enqueue(f, DOC_ACCEPT_NOTICE, NULL);
	no = doc_text(f, d1, "doc_no");
	assert_string_equal(no, "白市受字〔2026〕第0001号");
	free(no);
	no = doc_text(f, d3, "doc_no");
	assert_string_equal(no, "白市受字〔2026〕第0002号");
	free(no);
	no = doc_text(f, d2, "doc_no");
	assert_string_equal(no, "白市补字〔2026〕第0001号");
	free(no);
	code = doc_text(f, d1, "verify_code");
	assert_int_equal(strlen(code), 20);

	/* No seal yet: the documents wait, with a clear error. */
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_pending(&f->c, 10, &done, &e), 0);
	assert_int_equal(done, 0);
	st = doc_text(f, d1, "status");
	assert_string_equal(st, "pending");
	free(st);
	st = doc_text(f, d1, "error");
	assert_string_equal(st, "部门尚未配置审批专用章");
	free(st);
	assert_int_equal(count(f, "SELECT MAX(attempts) FROM documents"), 0);

	assert_int_equal(seal_create(&f->c, f->dept, "周海涛", NULL, &e), 0);
	stores = count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'file.store'");
	/* The retry waits for next_try_at. */
	assert_int_equal(documents_render_pending(&f->c, 10, &done, &e), 0);
	assert_int_equal(done, 0);
	clock_set_now(1790560800 + 61);
	assert_int_equal(documents_render_pending(&f->c, 10, &done, &e), 0);
	assert_int_equal(done, 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM documents WHERE "
	    "status = 'ready' AND sm3 IS NOT NULL AND signature IS NOT NULL "
	    "AND seal_usage_id IS NOT NULL"), 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM seal_usage"), 3);
	/* Each document's file is in the trail once, in its document.ready
	 * record (sha256 and size), not in a file.store record beside it. */
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log a JOIN "
	    "documents d ON a.object_type = 'document' AND a.object_id = "
	    "CAST(d.id AS TEXT) WHERE a.action = 'document.ready' AND "
	    "a.summary LIKE '%\"sha256\":\"' || d.sha256 || '\"%' AND "
	    "a.summary LIKE '%\"size\":' || d.size || ',%'"), 3);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM audit_log WHERE "
	    "action = 'file.store'"), stores);
	/* Run again: nothing left to do. */
	assert_int_equal(documents_render_pending(&f->c, 10, &done, &e), 0);
	assert_int_equal(done, 0);

	/* The public check recomputes from the stored bytes. */
	assert_int_equal(document_verify_code(&f->c, code, &out, &e), 0);
	assert_true(json_is_true(json_object_get(out, "valid")));
	assert_string_equal(json_string_value(json_object_get(out, "message")),
	    "验证通过：该文书由白河县市场监督管理局出具，签章有效");
	assert_string_equal(json_string_value(json_object_get(out,
	    "applicant")), "张*");
	assert_string_equal(json_string_value(json_object_get(out,
	    "kind_label")), "受理通知书");
	json_decref(out);
	assert_int_equal(document_verify_code(&f->c, "AAAAAAAAAAAAAAAAAAAA",
	    &out, &e), -ERR_NOT_FOUND);
	assert_int_equal(document_verify_code(&f->c, "x'; --", &out, &e),
	    -ERR_NOT_FOUND);

	/* A copy: identical passes, one byte changed fails. */
	sha = doc_text(f, d1, "sha256");
	assert_int_equal(file_read(&f->c, sha, &data, &len, &e), 0);
	assert_memory_equal(data, "%PDF-", 5);
	assert_int_equal(document_verify_bytes(&f->c, data, len, NULL, &out,
	    &e), 0);
	assert_true(json_is_true(json_object_get(out, "valid")));
	json_decref(out);
	((unsigned char *)data)[len / 2] ^= 1;
	assert_int_equal(document_verify_bytes(&f->c, data, len, NULL, &out,
	    &e), 0);
	assert_false(json_is_true(json_object_get(out, "valid")));
	json_decref(out);
	assert_int_equal(document_verify_bytes(&f->c, data, len, code, &out,
	    &e), 0);
	assert_false(json_is_true(json_object_get(out, "valid")));
	json_decref(out);
	free(data);

	/* The stored file tampered with on disk: the code check fails. */
	{
		char path[300], ch;
		int fd;

		snprintf(path, sizeof(path), "%s/files/%.2s/%s", f->var, sha,
		    sha);
		fd = open(path, O_RDWR);
		assert_true(fd >= 0);
		assert_int_equal(pread(fd, &ch, 1, 100), 1);
		ch ^= 1;
		assert_int_equal(pwrite(fd, &ch, 1, 100), 1);
		close(fd);
	}
	assert_int_equal(document_verify_code(&f->c, code, &out, &e), 0);
	assert_false(json_is_true(json_object_get(out, "valid")));
	assert_false(json_is_true(json_object_get(out, "sm3_matches")));
	json_decref(out);
	free(sha);
	free(code);

	/* Who may list the case's documents. */
	f->c.actor = &f->alice;
	assert_int_equal(documents_of_case(&f->c, f->case_id, &list, &e), 0);
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(list, 0), "kind_label")), "受理通知书");
	json_decref(list);
	f->c.actor = &f->bob;
	assert_int_equal(documents_of_case(&f->c, f->case_id, &list, &e),
	    -ERR_NOT_FOUND);
	f->c.actor = &f->other_clerk;
	assert_int_equal(documents_of_case(&f->c, f->case_id, &list, &e),
	    -ERR_NOT_FOUND);

	/* A certificate enters alice's library and can be reused. */
	f->c.actor = &f->clerk;
	cert = enqueue(f, DOC_CERTIFICATE, NULL);
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_pending(&f->c, 10, &done, &e), 0);
	assert_int_equal(done, 1);
	f->c.actor = &f->alice;
	assert_int_equal(certificates_mine(&f->c, &out, &e), 0);
	assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(out, "items"), 0), "name")), "食品经营许可证");
	json_decref(out);
	sha = doc_text(f, cert, "sha256");
	assert_int_equal(upload_check_owner(&f->c, 1, sha, &e), 0);
	assert_int_equal(upload_check_owner(&f->c, 2, sha, &e), -ERR_FORBIDDEN);
	free(sha);

	/* A look at the notices as pictures (kept in /tmp for a human). */
	f->c.actor = &f->clerk;
	snprintf(png, sizeof(png), "%s/accept.png", f->dir);
	assert_int_equal(document_render_png(&f->c, d1, 1, png, &e), 0);
	assert_int_equal(stat(png, &pst), 0);
	assert_true(pst.st_size > 10000);
	if (getenv("ONETRIP_KEEP_PNG") != NULL) {
		document_render_png(&f->c, d1, 1, "/tmp/onetrip-accept.png", &e);
		document_render_png(&f->c, d2, 1, "/tmp/onetrip-supplement.png",
		    &e);
		document_render_png(&f->c, cert, 1,
		    "/tmp/onetrip-certificate.png", &e);
	}
	f->c.actor = &f->other_clerk;
	assert_int_equal(document_render_png(&f->c, d1, 1, png, &e),
	    -ERR_NOT_FOUND);
}

/* Runs a shell command and returns its standard output (malloc'd), or
 * NULL when it fails. */
static char *
run_out(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t len = 0, cap = 0;
	int c;

	if (p == NULL)
		return NULL;
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap) {
			char *n = realloc(out, cap = cap ? cap * 2 : 4096);

			if (n == NULL)
				break;
			out = n;
		}
		/* Without the blanks pdftotext puts between words. */
		if (c != ' ' && c != '\n' && c != '\f' && c != '\r')
			out[len++] = (char)c;
	}
	if (out != NULL)
		out[len] = '\0';
	if (pclose(p) != 0) {
		free(out);
		return NULL;
	}
	return out != NULL ? out : strdup("");
}

/* Every kind renders and is sealed, and opens in a PDF reader: poppler's
 * pdftoppm draws its first page and pdftotext reads back its title, its
 * number and its issuing organ. With ONETRIP_KEEP_PNG set, each is also
 * written to /tmp/onetrip-<kind>.png for a human to read. */
static void
every_kind_renders(void **state)
{
	static const char *const all[] = { DOC_ACCEPT_NOTICE, DOC_REJECT_NOTICE,
	    DOC_SUPPLEMENT_NOTICE, DOC_RONGQUE_NOTICE, DOC_COMMITMENT,
	    DOC_APPROVAL, DOC_DENIAL, DOC_CERTIFICATE, DOC_TERMINATION,
	    DOC_EXTENSION, DOC_RONGQUE_PLEDGE, DOC_BUNDLE_ACCEPT,
	    DOC_APPLICATION };
	enum { N = sizeof(all) / sizeof(all[0]) };
	struct fixture *f = *state;
	int64_t ids[N];
	char path[256], cmd[700];
	struct err e;
	int done = 0;

	f->c.actor = &f->sys;
	assert_int_equal(seal_create(&f->c, f->dept, "周海涛", NULL, &e), 0);
	f->c.actor = &f->clerk;
	for (size_t i = 0; i < N; i++)
		ids[i] = enqueue(f, all[i], json_pack("{s:s, s:s, s:s, "
		    "s:[{s:s, s:s}], s:s, s:s, s:s, s:s, s:[{s:s, s:s, s:s}], "
		    "s:s, s:i, s:[{s:s, s:s}], s:s, s:s}", "reason",
		    "经营场所位于居民住宅楼内，"
		    "不符合《食品经营许可和备案管理办法》的规定。",
		    "supplement_due", "2026-10-16", "commitment",
		    "本人承诺经营场所符合食品安全要求，所提交材料真实有效。",
		    "materials", "name", "食品安全管理制度", "requirement",
		    "受理后10个工作日内补交", "applied_day", "2026-09-28",
		    "bundle_name", "开办餐饮店", "bundle_no",
		    "YJS-20260928-0001", "original_due_day", "2026-10-20",
		    "items", "name", "食品经营许可", "dept", "县市场监管局",
		    "start", "受理后即办", "accepted_day", "2026-09-28", "days",
		    10, "rows", "label", "经营场所", "text", "白河县城关镇滨河路8号",
		    "pledge", "所填信息真实有效", "signed", "2026-09-28 10:00"));
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_pending(&f->c, 20, &done, &e), 0);
	assert_int_equal(done, N);
	f->c.actor = &f->clerk;
	for (size_t i = 0; i < N; i++) {
		char *sha = doc_text(f, ids[i], "sha256");
		char *no = doc_text(f, ids[i], "doc_no");
		const char *label = document_kind_label(all[i]);
		void *data = NULL;
		size_t len = 0;
		char *text;
		FILE *out;

		assert_int_equal(file_read(&f->c, sha, &data, &len, &e), 0);
		snprintf(path, sizeof(path), "%s/%s.pdf", f->dir, all[i]);
		out = fopen(path, "wb");
		assert_non_null(out);
		assert_int_equal(fwrite(data, 1, len, out), len);
		fclose(out);
		free(data);
		snprintf(cmd, sizeof(cmd), "pdftoppm -r 30 -png -f 1 -l 1 "
		    "'%s' '%s/%s' 2>&1 && ls '%s' | grep -c '^%s.*png$'", path,
		    f->dir, all[i], f->dir, all[i]);
		text = run_out(cmd);
		assert_non_null(text);
		assert_string_equal(text, "1");
		free(text);
		snprintf(cmd, sizeof(cmd), "pdftotext '%s' -", path);
		text = run_out(cmd);
		assert_non_null(text);
		if (strstr(text, no) == NULL || strstr(text, "白河县市场") == NULL ||
		    (strcmp(all[i], DOC_CERTIFICATE) != 0 &&
		    strstr(text, label) == NULL))
			fail_msg("%s: pdftotext misses %s / %s:\n%s", all[i],
			    no, label, text);
		free(text);
		free(sha);
		free(no);
	}
	for (size_t i = 0; i < N && getenv("ONETRIP_KEEP_PNG") != NULL; i++) {
		snprintf(path, sizeof(path), "/tmp/onetrip-%s.png", all[i]);
		assert_int_equal(document_render_png(&f->c, ids[i], 1, path,
		    &e), 0);
	}
}

/* The text of a document of the current case in a PDF reader. */
static char *
rendered_text(struct fixture *f, int64_t id)
{
	char *sha = doc_text(f, id, "sha256"), *text, path[256], cmd[400];
	void *data = NULL;
	size_t len = 0;
	struct err e;
	FILE *out;

	assert_int_equal(file_read(&f->c, sha, &data, &len, &e), 0);
	snprintf(path, sizeof(path), "%s/%" PRId64 ".pdf", f->dir, id);
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, len, out), len);
	fclose(out);
	free(data);
	free(sha);
	snprintf(cmd, sizeof(cmd), "pdftotext '%s' - | tr -d ' \\n'", path);
	text = run_out(cmd);
	assert_non_null(text);
	return text;
}

/* A decision and a certificate name the result of the case's item version
 * (the name is kept per elements text): after the case moves to a version
 * with another name, the next ones carry the new name. */
static void
documents_name_the_result_of_their_version(void **state)
{
	struct fixture *f = *state;
	int64_t a, c1, b, c2;
	struct err e;
	char *text;
	int done = 0;

	f->c.actor = &f->sys;
	assert_int_equal(seal_create(&f->c, f->dept, "周海涛", NULL, &e), 0);
	f->c.actor = &f->clerk;
	a = enqueue(f, DOC_APPROVAL, json_object());
	c1 = enqueue(f, DOC_CERTIFICATE, json_object());
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_pending(&f->c, 20, &done, &e), 0);
	assert_int_equal(done, 2);
	assert_int_equal(insert_id(f, "INSERT INTO item_versions (item_id, "
	    "version_no, status, elements, created_at) VALUES (1, 2, "
	    "'published', '{\"result_name\":\"小餐饮经营许可证\","
	    "\"promised_days\":5}', 0) RETURNING id"), 2);
	assert_int_equal(db_exec(f->db, &e, "UPDATE cases SET "
	    "item_version_id = 2 WHERE id = ?", "I", f->case_id), 0);
	f->c.actor = &f->clerk;
	b = enqueue(f, DOC_APPROVAL, json_object());
	c2 = enqueue(f, DOC_CERTIFICATE, json_object());
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_pending(&f->c, 20, &done, &e), 0);
	assert_int_equal(done, 2);
	f->c.actor = &f->clerk;
	text = rendered_text(f, a);
	assert_non_null(strstr(text, "颁发《食品经营许可证》"));
	free(text);
	text = rendered_text(f, c1);
	assert_non_null(strstr(text, "食品经营许可证"));
	assert_null(strstr(text, "小餐饮经营许可证"));
	free(text);
	text = rendered_text(f, b);
	assert_non_null(strstr(text, "颁发《小餐饮经营许可证》"));
	free(text);
	text = rendered_text(f, c2);
	assert_non_null(strstr(text, "小餐饮经营许可证"));
	free(text);
}

/* Shards: two threads (or servers) sharing a backlog each render their own
 * documents, and between them all of them. */
static void
render_shards_split_the_backlog(void **state)
{
	struct fixture *f = *state;
	int64_t ids[6];
	struct err e;
	int done = 0, odd = 0;

	f->c.actor = &f->sys;
	assert_int_equal(seal_create(&f->c, f->dept, "周海涛", NULL, &e), 0);
	f->c.actor = &f->clerk;
	for (int i = 0; i < 6; i++) {
		ids[i] = enqueue(f, DOC_ACCEPT_NOTICE, NULL);
		odd += (int)(ids[i] % 2);
	}
	f->c.actor = &f->sys;
	assert_int_equal(documents_render_shard(&f->c, 20, 1, 2, &done, &e), 0);
	assert_int_equal(done, odd);
	for (int i = 0; i < 6; i++) {
		char *st = doc_text(f, ids[i], "status");

		assert_string_equal(st, ids[i] % 2 == 1 ? "ready" : "pending");
		free(st);
	}
	assert_int_equal(documents_render_shard(&f->c, 20, 0, 2, &done, &e), 0);
	assert_int_equal(done, 6 - odd);
	assert_int_equal(count(f, "SELECT COUNT(*) FROM documents WHERE "
	    "status = 'ready'"), 6);
	assert_int_equal(documents_render_shard(&f->c, 20, 2, 2, &done, &e),
	    -ERR_INTERNAL);
}

/* Rendering speed: how many documents per second are rendered, stored
 * and sealed (printed; asserts only that it is not absurdly slow). */
static void
render_speed(void **state)
{
	struct fixture *f = *state;
	const int n = 10;
	double t0, ms;
	struct err e;
	int done = 0;

	f->c.actor = &f->sys;
	assert_int_equal(seal_create(&f->c, f->dept, "周海涛", NULL, &e), 0);
	f->c.actor = &f->clerk;
	for (int i = 0; i < n; i++)
		enqueue(f, i % 2 == 0 ? DOC_ACCEPT_NOTICE : DOC_APPROVAL, NULL);
	f->c.actor = &f->sys;
	t0 = clock_mono_ms();
	assert_int_equal(documents_render_pending(&f->c, n, &done, &e), 0);
	ms = clock_mono_ms() - t0;
	assert_int_equal(done, n);
	printf("documents: %d rendered and sealed in %.0f ms (%.1f per second, "
	    "this build)\n", n, ms, n * 1000.0 / ms);
	assert_true(ms < 60000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniff_judges_by_content_only),
		cmocka_unit_test_setup_teardown(store_writes_once_and_dedupes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    store_replaces_a_torn_file_atomically, setup, teardown),
		cmocka_unit_test_setup_teardown(store_enforces_type_and_size,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(uploads_belong_to_their_uploader,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    documents_are_numbered_rendered_sealed_and_verified, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(every_kind_renders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    documents_name_the_result_of_their_version, setup, teardown),
		cmocka_unit_test_setup_teardown(render_shards_split_the_backlog,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(render_speed, setup, teardown),
	};

	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	docs_fonts_release();
	return rc;
}
