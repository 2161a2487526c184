/* files.c - stored files addressed by content, and who uploaded what. */
#include "service/records/records.h"
#include "service/records/documents_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "base/config.h"
#include "base/clock.h"
#include "base/limits.h"
#include "base/log.h"
#include "base/utf8.h"
#include "service/platform/platform.h"
#include "store/db.h"

#define PATH_BYTES 4096
#define NAME_BYTES FILES_NAME_BYTES

static const char MSG_TYPE[] = "仅支持 PDF、JPEG、PNG 格式的文件";
static const char MSG_SIZE[] = "文件超过 20 MB 上限";

/* OpenSSL's SHA-256 uses the processor's SHA instructions: a 50 kB sealed
 * document hashes in a quarter of the time of libsodium's portable code. */
static void
sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) != 1 ||
	    n != 32) {
		/* Not expected of the default provider; the portable code
		 * gives the same digest. */
		crypto_hash_sha256(d, data, len);
		n = 32;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

static int
var_dir_of(struct ctx *c, const char **out, struct err *e)
{
	if (c->cfg == NULL || c->cfg->var_dir == NULL ||
	    c->cfg->var_dir[0] == '\0')
		return err_internal(e, "files: no var dir configured");
	*out = c->cfg->var_dir;
	return 0;
}

static int
file_path(struct ctx *c, const char *sha256, char out[PATH_BYTES],
    struct err *e)
{
	const char *var = NULL;
	int rc;

	rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	if ((size_t)snprintf(out, PATH_BYTES, "%s/files/%.2s/%s", var, sha256,
	    sha256) >= PATH_BYTES)
		return err_internal(e, "files: path too long");
	return 0;
}

static int
ensure_dir(const char *dir, struct err *e)
{
	struct stat st;

	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return err_internal(e, "mkdir %s: %s", dir, strerror(errno));
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return err_internal(e, "%s is not a directory", dir);
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes data to path through a temporary file in the same folder: written,
 * fsync'ed, renamed over path, and the folder fsync'ed. A file already at
 * path with the right size is kept (same name, same bytes). Without sync,
 * the two fsyncs are left to the caller (file_sync()). */
static int
write_atomic(const char *var, const char *sha256, const void *data,
    size_t len, bool sync, struct err *e)
{
	char dir[PATH_BYTES], path[PATH_BYTES], tmp[PATH_BYTES];
	const unsigned char *p = data;
	struct stat st;
	size_t off = 0;
	uint32_t rnd;
	int fd, rc;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/files/%.2s", var, sha256) >=
	    sizeof(dir))
		return err_internal(e, "files: path too long");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sha256) >=
	    sizeof(path))
		return err_internal(e, "files: path too long");
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == (uint64_t)len)
		return 0;
	rnd = randombytes_random();
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%08" PRIx32, dir,
	    sha256, rnd) >= sizeof(tmp))
		return err_internal(e, "files: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 && errno == ENOENT) {
		/* The folders, made when missing (looked at only then: a
		 * system call less per file). */
		char files[PATH_BYTES];

		if ((size_t)snprintf(files, sizeof(files), "%s/files", var) >=
		    sizeof(files))
			return err_internal(e, "files: path too long");
		rc = ensure_dir(var, e);
		if (rc == 0)
			rc = ensure_dir(files, e);
		if (rc == 0)
			rc = ensure_dir(dir, e);
		if (rc != 0)
			return rc;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	}
	if (fd < 0)
		return err_internal(e, "create %s: %s", tmp, strerror(errno));
	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = err_internal(e, "write %s: %s", tmp,
			    n < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		off += (size_t)n;
	}
	if (sync && fsync(fd) != 0) {
		rc = err_internal(e, "fsync %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = err_internal(e, "close %s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		rc = err_internal(e, "rename %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (sync && fsync_dir(dir) != 0)
		log_warn("files: fsync %s: %s", dir, strerror(errno));
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return rc;
}

struct store_tx {
	struct ctx *c;
	const char *sha256;
	const char *ctype;
	const char *name;
	size_t len;
	bool audit; /* record file.store (a file of its own, not a document's) */
};

static int
store_fn(struct db *db, void *arg, struct err *e)
{
	struct store_tx *t = arg;
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "INSERT INTO files (sha256, size, content_type, "
	    "original_name, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (sha256) DO NOTHING", "sissii", t->sha256,
	    (int64_t)t->len, t->ctype, t->name, clock_now(),
	    t->c->actor != NULL ? t->c->actor->user_id : 0);
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0 || !t->audit)
		return 0;  /* already stored, or the caller's record names it */
	sum = json_pack("{s:I, s:s, s:s}", "size", (json_int_t)t->len,
	    "content_type", t->ctype, "name", t->name);
	rc = audit_append(t->c, "file.store", "file", t->sha256, sum, e);
	json_decref(sum);
	return rc;
}

int
file_store(struct ctx *c, const void *data, size_t len, const char *name,
    bool any_type, char sha256_out[65], char ctype_out[32], struct err *e)
{
	struct store_tx t;
	const char *ctype, *var = NULL;
	char clean[NAME_BYTES];
	int rc;

	sha256_out[0] = '\0';
	ctype_out[0] = '\0';
	if (data == NULL || len == 0)
		return err_set(e, ERR_INVALID, "empty_file", "文件内容为空");
	if (len > (any_type ? FILES_MAX_ANY : LIMIT_UPLOAD_FILE))
		return err_set(e, ERR_TOO_LARGE, "file_too_large", MSG_SIZE);
	ctype = files_sniff(data, len);
	if (ctype == NULL) {
		if (!any_type)
			return err_set(e, ERR_UNSUPPORTED_TYPE,
			    "unsupported_file_type", MSG_TYPE);
		ctype = "application/octet-stream";
	}
	rc = files_clean_name(name, clean, e);
	if (rc == 0)
		rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	sha256_hex(data, len, sha256_out);
	/* The bytes first: a files row always has its file. */
	rc = write_atomic(var, sha256_out, data, len, true, e);
	if (rc != 0)
		goto fail;
	t.c = c;
	t.sha256 = sha256_out;
	t.ctype = ctype;
	t.name = clean;
	t.len = len;
	t.audit = true;
	rc = db_tx(c->db, store_fn, &t, e);
	if (rc != 0)
		goto fail;
	snprintf(ctype_out, 32, "%s", ctype);
	return 0;
fail:
	sha256_out[0] = '\0';
	return rc;
}

int
file_write_unsynced(struct ctx *c, const void *data, size_t len,
    char sha256_out[65], struct err *e)
{
	const char *var = NULL;
	int rc;

	sha256_out[0] = '\0';
	if (data == NULL || len == 0 || len > FILES_MAX_ANY)
		return err_internal(e, "files: bad length %zu", len);
	rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	sha256_hex(data, len, sha256_out);
	rc = write_atomic(var, sha256_out, data, len, false, e);
	if (rc != 0)
		sha256_out[0] = '\0';
	return rc;
}

int
file_sync(struct ctx *c, struct err *e)
{
	char dir[PATH_BYTES];
	const char *var = NULL;
	int fd, rc;

	rc = var_dir_of(c, &var, e);
	if (rc != 0)
		return rc;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/files", var) >= sizeof(dir))
		return err_internal(e, "files: path too long");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_internal(e, "open %s: %s", dir, strerror(errno));
	/* The whole file system at once: one flush of the disk's cache for
	 * every file and folder entry written since, instead of two per
	 * file. */
	rc = syncfs(fd);
	close(fd);
	if (rc != 0)
		return err_internal(e, "syncfs %s: %s", dir, strerror(errno));
	return 0;
}

int
file_record(struct ctx *c, const char *sha256, size_t len,
    const char *name, struct err *e)
{
	struct store_tx t;
	char clean[NAME_BYTES];
	int rc;

	if (!db_in_tx(c->db))
		return err_internal(e, "file_record called outside db_tx");
	rc = files_clean_name(name, clean, e);
	if (rc != 0)
		return rc;
	t.c = c;
	t.sha256 = sha256;
	t.ctype = "application/pdf";
	t.name = clean;
	t.len = len;
	/* The document's own record (document.ready) names the file by its
	 * sha256 and size: a file.store record beside it would say it twice
	 * (and cost a chain append per document). */
	t.audit = false;
	return store_fn(c->db, &t, e);
}

int
file_open(struct ctx *c, const char *sha256, int *fd, uint64_t *size,
    char ctype_out[32], struct err *e)
{
	struct db_stmt *s;
	char path[PATH_BYTES], ctype[32] = "";
	struct stat st;
	int64_t want = -1;
	int rc, f;

	*fd = -1;
	if (!files_sha256_valid(sha256))
		return err_set(e, ERR_NOT_FOUND, "file_not_found", "文件不存在");
	s = db_query(c->db, e, "SELECT size, content_type FROM files "
	    "WHERE sha256 = ?", "s", sha256);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		want = db_col_int(s, 0);
		snprintf(ctype, sizeof(ctype), "%s", db_col_text(s, 1));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(e, ERR_NOT_FOUND, "file_not_found", "文件不存在");
	rc = file_path(c, sha256, path, e);
	if (rc != 0)
		return rc;
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return err_internal(e, "open %s: %s", path, strerror(errno));
	if (fstat(f, &st) != 0 || (int64_t)st.st_size != want) {
		close(f);
		return err_internal(e, "%s: size differs from the files row",
		    path);
	}
	*fd = f;
	if (size != NULL)
		*size = (uint64_t)st.st_size;
	if (ctype_out != NULL)
		snprintf(ctype_out, 32, "%s", ctype);
	return 0;
}

int
file_read(struct ctx *c, const char *sha256, void **data, size_t *len,
    struct err *e)
{
	uint64_t size = 0;
	unsigned char *p;
	size_t off = 0;
	int fd, rc;

	*data = NULL;
	*len = 0;
	rc = file_open(c, sha256, &fd, &size, NULL, e);
	if (rc != 0)
		return rc;
	if (size > FILES_MAX_ANY) {
		close(fd);
		return err_internal(e, "file %s too large to read", sha256);
	}
	p = malloc(size > 0 ? (size_t)size : 1);
	if (p == NULL) {
		close(fd);
		return err_internal(e, "out of memory");
	}
	while (off < size) {
		ssize_t n = read(fd, p + off, (size_t)size - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			free(p);
			return err_internal(e, "read %s: %s", sha256,
			    n < 0 ? strerror(errno) : "short read");
		}
		off += (size_t)n;
	}
	close(fd);
	*data = p;
	*len = off;
	return 0;
}

/* --- uploads --- */

struct upload_tx {
	struct ctx *c;
	const char *sha256;
	const char *name;
	const char *ctype;
	size_t len;
};

static int
upload_fn(struct db *db, void *arg, struct err *e)
{
	struct upload_tx *t = arg;
	char idbuf[24];
	json_t *sum;
	int rc;

	rc = db_exec(db, e, "INSERT INTO uploads (user_id, sha256, name, "
	    "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, sha256) "
	    "DO NOTHING", "issi", t->c->actor->user_id, t->sha256, t->name,
	    clock_now());
	if (rc != 0)
		return rc;
	if (db_last_changes(db) == 0)
		return 0;  /* the same user uploading the same file again */
	snprintf(idbuf, sizeof(idbuf), "%" PRId64, t->c->actor->user_id);
	sum = json_pack("{s:s, s:s, s:s, s:I}", "sha256", t->sha256, "name",
	    t->name, "content_type", t->ctype, "size", (json_int_t)t->len);
	rc = audit_append(t->c, "upload.create", "user", idbuf, sum, e);
	json_decref(sum);
	return rc;
}

int
upload_create(struct ctx *c, const void *data, size_t len, const char *name,
    json_t **out, struct err *e)
{
	struct upload_tx t;
	char sha[65], ctype[32], clean[NAME_BYTES];
	int rc;

	*out = NULL;
	if (c->actor == NULL || c->actor->user_id <= 0 ||
	    !actor_has(c->actor, ROLE_APPLICANT | ROLE_CLERK))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有申请人和窗口人员可以上传材料");
	rc = files_clean_name(name, clean, e);
	if (rc == 0)
		rc = file_store(c, data, len, clean, false, sha, ctype, e);
	if (rc != 0)
		return rc;
	t.c = c;
	t.sha256 = sha;
	t.name = clean;
	t.ctype = ctype;
	t.len = len;
	rc = db_tx(c->db, upload_fn, &t, e);
	if (rc != 0)
		return rc;
	*out = json_pack("{s:s, s:s, s:I, s:s}", "sha256", sha,
	    "content_type", ctype, "size", (json_int_t)len, "name", clean);
	return *out != NULL ? 0 : err_internal(e, "out of memory");
}

int
upload_check_owner(struct ctx *c, int64_t user_id, const char *sha256,
    struct err *e)
{
	int64_t one = 0;
	int rc;

	if (user_id > 0 && files_sha256_valid(sha256)) {
		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM uploads "
		    "WHERE user_id = ? AND sha256 = ?", "is", user_id, sha256);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			return 0;
		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM certificates "
		    "t JOIN documents d ON d.id = t.document_id WHERE "
		    "t.holder_user_id = ? AND d.sha256 = ? AND t.valid = 1",
		    "is", user_id, sha256);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW)
			return 0;
	}
	return err_field(e, ERR_FORBIDDEN, "sha256", "material_not_owned",
	    "只能使用本人上传的材料或本人名下的证照");
}

/* Whether the actor may read an uploaded file. */
static int
may_read_upload(struct ctx *c, const char *sha256, char name[NAME_BYTES],
    bool *ok, struct err *e)
{
	const struct actor *a = c->actor;
	struct db_stmt *s;
	int64_t one = 0;
	int rc;

	*ok = false;
	name[0] = '\0';
	if (a == NULL)
		return 0;
	if (a->user_id > 0) {
		s = db_query(c->db, e, "SELECT name FROM uploads WHERE "
		    "user_id = ? AND sha256 = ?", "is", a->user_id, sha256);
		if (s == NULL)
			return e->code != ERR_NONE ? -(int)e->code :
			    -ERR_INTERNAL;
		rc = db_step(s, e);
		if (rc == DB_ROW) {
			snprintf(name, NAME_BYTES, "%s", db_col_text(s, 0));
			*ok = true;
		}
		db_finish(s);
		if (rc < 0)
			return rc;
		if (*ok)
			return 0;
		/* A certificate issued to them, reused as a material. */
		rc = db_query_int(c->db, e, &one, "SELECT 1 FROM certificates "
		    "t JOIN documents d ON d.id = t.document_id WHERE "
		    "t.holder_user_id = ? AND d.sha256 = ?", "is", a->user_id,
		    sha256);
		if (rc < 0)
			return rc;
		if (rc == DB_ROW) {
			*ok = true;
			return 0;
		}
	}
	if (a->kind == ACTOR_SYSTEM || (a->kind == ACTOR_STAFF &&
	    actor_has(a, ROLE_HALL_ADMIN | ROLE_SUPERVISOR | ROLE_SYSADMIN))) {
		*ok = true;
		return 0;
	}
	if (a->kind != ACTOR_STAFF || (a->dept_id <= 0 && a->window_id <= 0))
		return 0;
	rc = db_query_int(c->db, e, &one, "SELECT 1 FROM case_materials m "
	    "JOIN cases k ON k.id = m.case_id WHERE m.sha256 = ? AND "
	    "(k.dept_id = ? OR k.window_id = ?) LIMIT 1", "sii", sha256,
	    a->dept_id > 0 ? a->dept_id : -1,
	    a->window_id > 0 ? a->window_id : -1);
	if (rc < 0)
		return rc;
	*ok = rc == DB_ROW;
	return 0;
}

int
upload_open(struct ctx *c, const char *sha256, int *fd, uint64_t *size,
    char ctype_out[32], char name_out[256], struct err *e)
{
	char name[NAME_BYTES];
	bool ok = false;
	int rc;

	*fd = -1;
	if (!files_sha256_valid(sha256))
		return err_set(e, ERR_NOT_FOUND, "file_not_found",
		    "文件不存在或无权查看");
	rc = may_read_upload(c, sha256, name, &ok, e);
	if (rc != 0)
		return rc;
	if (!ok)
		return err_set(e, ERR_NOT_FOUND, "file_not_found",
		    "文件不存在或无权查看");
	rc = file_open(c, sha256, fd, size, ctype_out, e);
	if (rc != 0)
		return rc;
	if (name_out != NULL)
		snprintf(name_out, NAME_BYTES, "%s", name);
	return 0;
}

int
uploads_mine(struct ctx *c, json_t **out, bool *cut, struct err *e)
{
	*out = NULL;
	*cut = false;
	if (c->actor == NULL || c->actor->user_id <= 0)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	/* One more than shown tells whether the list was cut. */
	*out = db_query_json(c->db, e, "SELECT u.sha256, u.name, "
	    "f.content_type, f.size, u.created_at FROM uploads u JOIN files f "
	    "ON f.sha256 = u.sha256 WHERE u.user_id = ? ORDER BY u.id DESC "
	    "LIMIT ?", "iI", c->actor->user_id, (int64_t)UPLOADS_MINE_MAX + 1);
	if (*out == NULL)
		return err_rc(e);
	if (json_array_size(*out) > UPLOADS_MINE_MAX) {
		json_array_remove(*out, UPLOADS_MINE_MAX);
		*cut = true;
	}
	return 0;
}
