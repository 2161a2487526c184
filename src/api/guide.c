/* guide.c - the public service guide (办事指南), no login needed; only
 * published versions are ever shown.
 *
 *   GET /api/guide/items?q=&dept_id=&theme=&type=&object=&cursor=&limit=
 *   GET /api/guide/items/:id -> {item, elements, version_no, dept, windows}
 *   GET /api/guide/themes   GET /api/guide/types
 *   GET /api/guide/items/:id/files/:sha256 (blank form or sample) */
#include "http/http.h"

#include <string.h>
#include <unistd.h>

#include "base/limits.h"
#include "service/catalog/catalog.h"
#include "service/records/records.h"

static void
get_items(struct http_req *r, struct http_resp *w)
{
	struct item_filter f;
	json_t *out = NULL;
	int64_t limit;
	struct err e;
	int rc = -ERR_INVALID;

	err_clear(&e);
	memset(&f, 0, sizeof(f));
	if (http_query_uint(r, "dept_id", INT64_MAX, &f.dept_id, &e) &&
	    http_query_uint(r, "cursor", INT64_MAX, &f.after_id, &e) &&
	    http_query_uint(r, "limit", INT64_MAX, &limit, &e)) {
		f.limit = limit > LIMIT_PAGE_MAX ? LIMIT_PAGE_MAX : (int)limit;
		f.q = http_query(r, "q");
		f.type = http_query(r, "type");
		f.theme = http_query(r, "theme");
		f.object = http_query(r, "object");
		rc = catalog_guide_list(r->ctx, &f, &out, &e);
	}
	http_reply(w, rc, 200, out, &e);
}

static void
get_item(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (http_path_id(r, "id", "item_not_found", "事项不存在", &id, &e))
		rc = catalog_guide_item(r->ctx, id, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_themes(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = catalog_guide_themes(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_types(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = catalog_guide_types(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
get_file(struct http_req *r, struct http_resp *w)
{
	const char *sha = http_param(r, "sha256");
	int64_t id = http_param_id(r, "id");
	char ctype[32];
	uint64_t size;
	struct err e;
	int fd = -1;

	err_clear(&e);
	if (id <= 0 || sha == NULL || !files_sha256_valid(sha)) {
		err_set(&e, ERR_NOT_FOUND, "file_not_found", "文件不存在");
		goto fail;
	}
	if (catalog_guide_file_check(r->ctx, id, sha, &e) != 0 ||
	    file_open(r->ctx, sha, &fd, &size, ctype, &e) != 0)
		goto fail;
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	w->content_type = arena_strdup(&r->arena, ctype);
	return;
fail:
	http_error(w, &e);
}

const struct route api_guide_routes[] = {
	{ "GET", "/api/guide/items", get_items, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/guide/items/:id", get_item, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/guide/themes", get_themes, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/guide/types", get_types, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/guide/items/:id/files/:sha256", get_file,
	    ACCESS_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
