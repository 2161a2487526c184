#include "service/records/records.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define PATH_BYTES 4096
#define NAME_BYTES 512

static int
var_dir_of(struct ctx *c, const char **out, struct err *e)
{
	if (c->cfg == NULL || c->cfg->var_dir == NULL ||
	    c->cfg->var_dir[0] == '\0')
		return err_internal(e, "seals: no var dir configured");
	*out = c->cfg->var_dir;
	return 0;
}

/* Makes dir with the given mode if missing; an existing folder is narrowed
 * to the mode when it is more open (keys must not be readable by others). */
static int
ensure_dir(const char *dir, mode_t mode, struct err *e)
{
	struct stat st;

	if (mkdir(dir, mode) != 0 && errno != EEXIST)
		return err_internal(e, "mkdir %s: %s", dir, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_internal(e, "%s is not a directory", dir);
	if ((st.st_mode & 07777 & ~mode) != 0 && chmod(dir, mode) != 0)
		return err_internal(e, "chmod %s: %s", dir, strerror(errno));
	return 0;
}

static int
key_path(struct ctx *c, const char *key_file, char out[PATH_BYTES],
    struct err *e)
{
	const char *var = NULL;
	int rc;

	rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	if ((size_t)snprintf(out, PATH_BYTES, "%s/%s", var, key_file) >=
	    PATH_BYTES)
		return err_internal(e, "seals: key path too long");
	return 0;
}

static json_t *
id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* A person's name or a short label: 1..LIMIT_NAME_CHARS code points of
 * UTF-8 without control characters. */
static int
check_label(const char *s, const char *field, const char *what, struct err *e)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return err_field(e, ERR_INVALID, field, NULL, "%s不能为空", what);
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "%s含有无效字符", what);
	if (n > LIMIT_NAME_CHARS)
		return err_field(e, ERR_INVALID, field, NULL,
		    "%s不能超过 %d 个字", what, LIMIT_NAME_CHARS);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_field(e, ERR_INVALID, field, NULL,
			    "%s含有控制字符", what);
	return 0;
}

/* --- create --- */

struct create_tx {
	struct ctx *c;
	int64_t dept_id;
	const char *name;
	const char *pem;
	const char *key_file;
	const char *fingerprint;
	const char *custodian;
	int64_t now;
	int64_t id;
};

static int
create_fn(struct db *db, void *arg, struct err *e)
{
	struct create_tx *t = arg;
	struct db_stmt *s;
	json_t *sum;
	char idbuf[24];
	int rc;

	s = db_query(db, e, "INSERT INTO seals (dept_id, name, public_key_pem, "
	    "key_file, fingerprint, custodian, created_at, created_by, active) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), 1) RETURNING id",
	    "isssssii", t->dept_id, t->name, t->pem, t->key_file,
	    t->fingerprint, t->custodian, t->now, t->c->actor->user_id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		t->id = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "INSERT seals: no id");
	sum = json_pack("{s:I, s:s, s:s, s:s}", "dept_id",
	    (json_int_t)t->dept_id, "name", t->name, "fingerprint",
	    t->fingerprint, "custodian", t->custodian);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->id);
	rc = audit_append(t->c, "seal.create", "seal", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

static json_t *
seal_object(struct db_stmt *s)
{
	/* Columns: id, dept_id, dept_name, name, fingerprint, custodian,
	 * created_at, active, public_key_pem. */
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:b, s:s}",
	    "id", (json_int_t)db_col_int(s, 0),
	    "dept_id", (json_int_t)db_col_int(s, 1),
	    "dept_name", db_col_text(s, 2),
	    "name", db_col_text(s, 3),
	    "fingerprint", db_col_text(s, 4),
	    "custodian", db_col_text(s, 5),
	    "created_at", (json_int_t)db_col_int(s, 6),
	    "active", db_col_int(s, 7) != 0,
	    "public_key_pem", db_col_text(s, 8));
}

static int
seal_by_id(struct ctx *c, int64_t id, json_t **out, struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, "SELECT s.id, s.dept_id, d.name, s.name, "
	    "s.fingerprint, s.custodian, s.created_at, s.active, "
	    "s.public_key_pem FROM seals s JOIN departments d ON d.id = "
	    "s.dept_id WHERE s.id = ?", "i", id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		*out = seal_object(s);
	db_finish(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "seal_not_found",
		    "印章不存在");
	if (rc < 0)
		return rc;
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
seal_create(struct ctx *c, int64_t dept_id, const char *custodian,
    json_t **out, struct err *e)
{
	struct create_tx t;
	struct db_stmt *s;
	const char *var = NULL;
	char dept[NAME_BYTES], name[NAME_BYTES + 64], dir[PATH_BYTES];
	char key_file[64], path[PATH_BYTES], fp[SM3_HEX_LEN + 1];
	char *pem = NULL;
	int64_t one;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (c->actor == NULL || !(c->actor->kind == ACTOR_SYSTEM ||
	    actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SYSADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员或系统管理员可以刻制电子印章");
	rc = check_label(custodian, "custodian", "印章保管人", e);
	if (rc != 0)
		return rc;
	if (dept_id <= 0)
		return err_field(e, ERR_INVALID, "dept_id", NULL,
		    "部门编号不正确");
	s = db_query(c->db, e, "SELECT name FROM departments WHERE id = ?",
	    "i", dept_id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		snprintf(dept, sizeof(dept), "%s", db_col_text(s, 0));
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_field(e, ERR_NOT_FOUND, "dept_id",
		    "dept_not_found", "部门不存在");
	rc = db_query_int(c->db, e, &one, "SELECT 1 FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", dept_id);
	if (rc < 0)
		return rc;
	if (rc == DB_ROW)
		return err_field(e, ERR_CONFLICT, "dept_id", "seal_exists",
		    "%s已有启用中的电子印章", dept);

	rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/keys", var) >= sizeof(dir))
		return err_internal(e, "seals: var dir too long");
	rc = ensure_dir(var, 0700, e);
	if (rc == 0)
		rc = ensure_dir(dir, 0700, e);
	if (rc != 0)
		return rc;
	snprintf(key_file, sizeof(key_file), "keys/seal-%" PRId64 ".pem",
	    dept_id);
	rc = key_path(c, key_file, path, e);
	if (rc != 0)
		return rc;
	rc = sm2_keygen(path, &pem, e);
	if (rc != 0)
		return rc;
	rc = sm3_hex(pem, strlen(pem), fp);
	if (rc != 0) {
		rc = err_internal(e, "sm3 unavailable");
		goto fail;
	}
	snprintf(name, sizeof(name), "%s行政审批专用章", dept);

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.dept_id = dept_id;
	t.name = name;
	t.pem = pem;
	t.key_file = key_file;
	t.fingerprint = fp;
	t.custodian = custodian;
	t.now = clock_now();
	rc = db_tx(c->db, create_fn, &t, e);
	if (rc == -ERR_CONFLICT) {
		/* Lost a race with another creation for this department. */
		rc = err_field(e, ERR_CONFLICT, "dept_id", "seal_exists",
		    "%s已有启用中的电子印章", dept);
		goto fail;
	}
	if (rc != 0)
		goto fail;
	free(pem);
	pem = NULL;
	if (out != NULL) {
		rc = seal_by_id(c, t.id, out, e);
		if (rc != 0)
			return rc;
		json_object_set_new(*out, "key_path", json_string(path));
	}
	return 0;
fail:
	/* The key was never recorded: nothing can have been signed with it. */
	unlink(path);
	free(pem);
	return rc;
}

/* --- sign --- */

static int
check_kind(const char *kind, struct err *e)
{
	size_t n = kind != NULL ? strlen(kind) : 0;

	if (n == 0 || n > SEAL_KIND_MAX)
		return err_field(e, ERR_INVALID, "document_kind", NULL,
		    "文书类型不正确");
	for (size_t i = 0; i < n; i++) {
		char ch = kind[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '_' || ch == '.' || ch == '-'))
			return err_field(e, ERR_INVALID, "document_kind", NULL,
			    "文书类型不正确");
	}
	return 0;
}

static int
check_ref(const char *ref, struct err *e)
{
	size_t n = ref != NULL ? strlen(ref) : 0;

	if (n == 0 || n > SEAL_REF_MAX || !utf8_valid(ref, n))
		return err_field(e, ERR_INVALID, "document_ref", NULL,
		    "文书编号不正确");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)ref[i] < 0x20)
			return err_field(e, ERR_INVALID, "document_ref", NULL,
			    "文书编号不正确");
	return 0;
}

static int
may_sign(struct ctx *c, struct err *e)
{
	if (c->actor == NULL || !(c->actor->kind == ACTOR_SYSTEM ||
	    (c->actor->kind == ACTOR_STAFF && actor_has(c->actor,
	    ROLE_CLERK | ROLE_APPROVER | ROLE_DEPT_ADMIN | ROLE_HALL_ADMIN |
	    ROLE_SUPERVISOR |
	    ROLE_SYSADMIN))))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权使用电子印章");
	return 0;
}

/* The department's active seal: its id and key file. */
static int
active_seal(struct ctx *c, int64_t dept_id, int64_t *seal_id,
    char key_file[PATH_BYTES], struct err *e)
{
	struct db_stmt *s;
	int rc;

	s = db_query(c->db, e, "SELECT id, key_file FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", dept_id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		*seal_id = db_col_int(s, 0);
		snprintf(key_file, PATH_BYTES, "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_UNPROCESSABLE, "no_seal",
		    "本部门尚未刻制电子印章，请联系大厅管理员");
	return 0;
}

/* One document's checks and key before its digests: the department's
 * active seal, its key (*signer, to be given back) and Z. */
static int
sign_begin(struct ctx *c, struct seal_sign_item *it,
    struct sm2_signer **signer, unsigned char z[SM3_DIGEST_LEN])
{
	char key_file[PATH_BYTES], path[PATH_BYTES];
	int rc;

	memset(&it->sg, 0, sizeof(it->sg));
	rc = may_sign(c, &it->e);
	if (rc != 0)
		return rc;
	if (it->len > SEAL_DATA_MAX)
		return err_set(&it->e, ERR_TOO_LARGE, NULL, "待签章文件过大");
	rc = active_seal(c, it->dept_id, &it->sg.seal_id, key_file, &it->e);
	if (rc == 0)
		rc = key_path(c, key_file, path, &it->e);
	if (rc != 0)
		return rc;
	rc = sm2_signer_get(path, signer, &it->e);
	if (rc == -ERR_NOT_FOUND)
		rc = err_internal(&it->e, "seal %" PRId64 ": key file %s "
		    "missing", it->sg.seal_id, path);
	if (rc == 0)
		sm2_signer_z(*signer, z);
	return rc;
}

void
seal_sign_prepare_many(struct ctx *c, struct seal_sign_item *items, size_t n)
{
	struct signing {
		struct sm2_signer *signer;
		unsigned char z[SM3_DIGEST_LEN];
	} *sg = calloc(n + 1, sizeof(*sg));
	struct sm3_msg *m = calloc(2 * n + 1, sizeof(*m));
	size_t nm = 0;
	char *sig_hex;

	for (size_t i = 0; i < n; i++)
		err_clear(&items[i].e);
	if (sg == NULL || m == NULL) {
		for (size_t i = 0; i < n; i++)
			items[i].rc = err_internal(&items[i].e,
			    "out of memory");
		goto out;
	}
	/* Each document's two digests, all computed together: its own
	 * (for the ledger) and SM3(Z || data), what SM2 signs. */
	for (size_t i = 0; i < n; i++) {
		items[i].rc = sign_begin(c, &items[i], &sg[i].signer,
		    sg[i].z);
		if (items[i].rc != 0)
			continue;
		m[nm++] = (struct sm3_msg){ .data = items[i].data,
		    .len = items[i].len };
		m[nm++] = (struct sm3_msg){ .prefix = sg[i].z,
		    .prefix_len = SM3_DIGEST_LEN, .data = items[i].data,
		    .len = items[i].len };
	}
	if (sm3_many(m, nm) != 0) {
		for (size_t i = 0; i < n; i++)
			if (items[i].rc == 0)
				items[i].rc = err_internal(&items[i].e,
				    "sm3 unavailable");
		goto out;
	}
	nm = 0;
	for (size_t i = 0; i < n; i++) {
		struct seal_sign_item *it = &items[i];

		if (it->rc != 0)
			continue;
		hex_encode(m[nm].digest, SM3_DIGEST_LEN, it->sg.sm3);
		it->rc = sm2_signer_sign_digest(sg[i].signer,
		    m[nm + 1].digest, &sig_hex, &it->e);
		nm += 2;
		if (it->rc != 0) {
			it->sg.sm3[0] = '\0';
			continue;
		}
		snprintf(it->sg.sig, sizeof(it->sg.sig), "%s", sig_hex);
		free(sig_hex);
	}
out:
	for (size_t i = 0; sg != NULL && i < n; i++)
		sm2_signer_put(sg[i].signer);
	free(sg);
	free(m);
}

int
seal_sign_prepare(struct ctx *c, int64_t dept_id, const void *data,
    size_t len, struct seal_sig *out, struct err *e)
{
	struct seal_sign_item it = { .dept_id = dept_id, .data = data,
	    .len = len };

	seal_sign_prepare_many(c, &it, 1);
	*out = it.sg;
	if (it.rc != 0)
		*e = it.e;
	return it.rc;
}

int
seal_sign_record(struct ctx *c, int64_t dept_id, const char *kind,
    const char *ref, const struct seal_sig *sg, int64_t *usage_id,
    struct err *e)
{
	struct db_stmt *s;
	char key_file[PATH_BYTES], idbuf[24];
	int64_t seal_id = 0, uid = 0;
	json_t *sum;
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "seal_sign called outside db_tx");
	rc = may_sign(c, e);
	if (rc == 0)
		rc = check_kind(kind, e);
	if (rc == 0)
		rc = check_ref(ref, e);
	if (rc == 0)
		rc = active_seal(c, dept_id, &seal_id, key_file, e);
	if (rc != 0)
		return rc;
	if (seal_id != sg->seal_id)
		return err_set(e, ERR_CONFLICT, "seal_changed",
		    "签章期间部门印章已更换，请重试");
	s = db_query(c->db, e, "INSERT INTO seal_usage (seal_id, document_kind, "
	    "document_ref, sm3, signature, signed_at, actor_id, actor_login, "
	    "request_id) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?) "
	    "RETURNING id", "issssiiss", seal_id, kind, ref, sg->sm3, sg->sig,
	    clock_now(), c->actor->user_id, c->actor->login,
	    c->request_id != NULL ? c->request_id : "");
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW)
		uid = db_col_int(s, 0);
	db_finish(s);
	if (rc != DB_ROW)
		return rc < 0 ? rc : err_internal(e, "INSERT seal_usage: no id");
	sum = json_pack("{s:I, s:I, s:s, s:s, s:s}", "seal_id",
	    (json_int_t)seal_id, "dept_id", (json_int_t)dept_id,
	    "document_kind", kind, "document_ref", ref, "sm3", sg->sm3);
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, uid);
	rc = audit_append(c, "seal.use", "seal_usage", idbuf, sum, e);
	json_decref(sum);
	if (rc == 0 && usage_id != NULL)
		*usage_id = uid;
	return rc;
}

int
seal_sign(struct ctx *c, int64_t dept_id, const char *kind, const char *ref,
    const void *data, size_t len, char sig[SM2_SIG_HEX_MAX + 1],
    char sm3[SM3_HEX_LEN + 1], int64_t *usage_id, struct err *e)
{
	struct seal_sig sg;
	int rc;

	sig[0] = '\0';
	sm3[0] = '\0';
	if (!db_in_tx(c->db))
		return err_internal(e, "seal_sign called outside db_tx");
	rc = may_sign(c, e);
	if (rc == 0)
		rc = check_kind(kind, e);
	if (rc == 0)
		rc = check_ref(ref, e);
	if (rc == 0)
		rc = seal_sign_prepare(c, dept_id, data, len, &sg, e);
	if (rc == 0)
		rc = seal_sign_record(c, dept_id, kind, ref, &sg, usage_id, e);
	if (rc == 0) {
		memcpy(sig, sg.sig, sizeof(sg.sig));
		memcpy(sm3, sg.sm3, sizeof(sg.sm3));
	}
	return rc;
}

/* --- verify --- */

int
seal_verify(struct ctx *c, int64_t dept_id, const void *data, size_t len,
    const char *sig, int64_t *seal_id, struct err *e)
{
	struct db_stmt *s;
	struct err ve;
	int rc, seen = 0, ok = 0;

	if (sig == NULL || strlen(sig) > SM2_SIG_HEX_MAX)
		return err_set(e, ERR_UNPROCESSABLE, "bad_signature",
		    "签名格式无效");
	s = db_query(c->db, e, "SELECT id, public_key_pem FROM seals WHERE "
	    "dept_id = ? ORDER BY active DESC, id DESC", "i", dept_id);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	for (;;) {
		rc = db_step(s, e);
		if (rc != DB_ROW)
			break;
		seen++;
		if (sm2_verify(db_col_text(s, 1), data, len, sig, &ve) == 0) {
			ok = 1;
			if (seal_id != NULL)
				*seal_id = db_col_int(s, 0);
			break;
		}
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (ok)
		return 0;
	if (seen == 0)
		return err_set(e, ERR_NOT_FOUND, "seal_not_found",
		    "该部门没有电子印章");
	return err_set(e, ERR_UNPROCESSABLE, "bad_signature",
	    "签名验证失败：文件内容与签章不符");
}

int
seal_check_document(struct ctx *c, const void *data, size_t len,
    json_t **out, struct err *e)
{
	struct db_stmt *s;
	char sm3[SM3_HEX_LEN + 1];
	struct err ve;
	int rc, found = 0;

	*out = NULL;
	if (len > SEAL_DATA_MAX)
		return err_set(e, ERR_TOO_LARGE, NULL, "文件过大");
	if (sm3_hex(data, len, sm3) != 0)
		return err_internal(e, "sm3 unavailable");
	s = db_query(c->db, e, "SELECT u.document_kind, u.document_ref, "
	    "u.signed_at, s.name, d.name, u.signature, s.public_key_pem "
	    "FROM seal_usage u JOIN seals s ON s.id = u.seal_id "
	    "JOIN departments d ON d.id = s.dept_id WHERE u.sm3 = ? "
	    "ORDER BY u.id LIMIT 10", "s", sm3);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	for (;;) {
		rc = db_step(s, e);
		if (rc != DB_ROW)
			break;
		found = 1;
		if (sm2_verify(db_col_text(s, 6), data, len, db_col_text(s, 5),
		    &ve) != 0)
			continue;
		*out = json_pack("{s:b, s:s, s:s, s:I, s:s, s:s, s:s}",
		    "valid", 1, "document_kind", db_col_text(s, 0),
		    "document_ref", db_col_text(s, 1),
		    "signed_at", (json_int_t)db_col_int(s, 2),
		    "seal_name", db_col_text(s, 3),
		    "dept_name", db_col_text(s, 4), "sm3", sm3);
		break;
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (*out != NULL)
		return 0;
	if (found)
		return err_set(e, ERR_UNPROCESSABLE, "bad_signature",
		    "签章记录与文件不符");
	return err_set(e, ERR_NOT_FOUND, "document_unknown",
	    "未找到该文件的签章记录，文件可能被修改");
}

int
seal_get(struct ctx *c, int64_t dept_id, json_t **out, struct err *e)
{
	int64_t id = 0;
	int rc;

	*out = NULL;
	rc = db_query_int(c->db, e, &id, "SELECT id FROM seals WHERE "
	    "dept_id = ? AND active = 1", "i", dept_id);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "seal_not_found",
		    "该部门没有启用中的电子印章");
	return seal_by_id(c, id, out, e);
}

int
seal_ledger(struct ctx *c, int64_t dept_id, int64_t before_id, int limit,
    json_t **out, struct err *e)
{
	const struct actor *a = c->actor;
	json_t *items;
	int64_t last = 0;

	*out = NULL;
	if (a == NULL || !(a->kind == ACTOR_SYSTEM ||
	    actor_has(a, ROLE_HALL_ADMIN | ROLE_SYSADMIN | ROLE_SUPERVISOR) ||
	    (actor_has(a, ROLE_DEPT_ADMIN | ROLE_APPROVER) &&
	    a->dept_id == dept_id)))
		return err_set(e, ERR_FORBIDDEN, NULL, "无权查看印章使用台账");
	if (limit <= 0)
		limit = LIMIT_PAGE_DEFAULT;
	if (limit > LIMIT_PAGE_MAX)
		limit = LIMIT_PAGE_MAX;
	if (before_id <= 0)
		before_id = INT64_MAX;
	items = db_query_json(c->db, e, "SELECT u.id, u.seal_id, "
	    "u.document_kind, u.document_ref, u.sm3, u.signature, u.signed_at, "
	    "u.actor_id, u.actor_login, u.request_id FROM seal_usage u "
	    "JOIN seals s ON s.id = u.seal_id WHERE s.dept_id = ? AND "
	    "u.id < ? ORDER BY u.id DESC LIMIT ?", "iiI", dept_id, before_id,
	    limit);
	if (items == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	if (json_array_size(items) == (size_t)limit)
		last = json_integer_value(json_object_get(json_array_get(items,
		    (size_t)limit - 1), "id"));
	*out = json_pack("{s:o, s:o}", "items", items, "next_before",
	    id_or_null(last));
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}
