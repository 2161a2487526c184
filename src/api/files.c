/* files.c - uploaded materials.
 *
 *   POST /api/uploads?name=  (applicant, clerk; raw body up to 20 MiB)
 *        -> 201 {sha256, content_type, size, name}; 415 when the content
 *        is not PDF/JPEG/PNG (judged by its bytes, not its name); 413 when
 *        larger than 20 MiB
 *   GET  /api/uploads/:sha256  the file (its uploader, staff of a
 *        department with a case using it, the hall)
 *   GET  /api/my/materials  (applicant) -> {items:[{source, sha256, ...}]}
 *        own uploads and valid certificates, reusable by sha256 */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "base/limits.h"
#include "service/records/records.h"

static void
post_upload(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (upload_create(r->ctx, r->body, r->body_len, http_query(r, "name"),
	    &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 201, out);
}

static void
get_upload(struct http_req *r, struct http_resp *w)
{
	char ctype[32], name[FILES_NAME_BYTES], served[FILES_NAME_BYTES];
	char fallback[80];
	uint64_t size = 0;
	int fd = -1;
	struct err e;

	err_clear(&e);
	if (upload_open(r->ctx, http_param(r, "sha256"), &fd, &size, ctype,
	    name, &e) != 0) {
		http_error(w, &e);
		return;
	}
	w->status = 200;
	w->fd = fd;
	w->fd_size = size;
	/* One of three sniffed types: a literal, not request data. */
	w->content_type = strcmp(ctype, "application/pdf") == 0 ?
	    "application/pdf" : strcmp(ctype, "image/png") == 0 ? "image/png" :
	    strcmp(ctype, "image/jpeg") == 0 ? "image/jpeg" :
	    "application/octet-stream";
	snprintf(fallback, sizeof(fallback), "material-%.12s%s",
	    http_param(r, "sha256"), strcmp(ctype, "application/pdf") == 0 ?
	    ".pdf" : strcmp(ctype, "image/png") == 0 ? ".png" : ".jpg");
	/* Named by the real type: the uploader's own extension (a
	 * "poly.html") is replaced, so no browser or desktop takes the file
	 * for anything else. */
	files_download_name(name, ctype, served);
	http_add_disposition(r, w, "inline", served[0] != '\0' ? served :
	    fallback, fallback);
	http_add_header(r, w, "Cache-Control", "private, no-store");
}

static void
get_my_materials(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (materials_mine(r->ctx, &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

const struct route api_files_routes[] = {
	{ "POST", "/api/uploads", post_upload, ROLE_APPLICANT | ROLE_CLERK,
	    LIMIT_UPLOAD_FILE },
	{ "GET", "/api/uploads/:sha256", get_upload, ACCESS_LOGIN, 0 },
	{ "GET", "/api/my/materials", get_my_materials, ROLE_APPLICANT, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
