/* synonyms.c - the common words of the catalogue search (hall admin).
 *
 *   GET    /api/search-synonyms      -> {items:[{id, term, words, ...}]}
 *   POST   /api/search-synonyms      {term, words} -> {id, term, words,
 *          created} (201 when new, 200 when the term's words changed)
 *   DELETE /api/search-synonyms/:id  -> {deleted: true} */
#include "http/http.h"

#include <string.h>

#include "service/catalog/catalog.h"

#define SYNONYM_BODY_MAX 4096

static void
get_synonyms(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	rc = catalog_synonyms_list(r->ctx, &out, &e);
	http_reply(w, rc, 200, out, &e);
}

static void
post_synonym(struct http_req *r, struct http_resp *w)
{
	const char *term, *words;
	json_t *out = NULL;
	struct err e;
	int rc;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "term", HTTP_BODY_REQUIRED, &term, &e) ||
	    !http_body_str(r, "words", HTTP_BODY_REQUIRED, &words, &e)) {
		http_error(w, &e);
		return;
	}
	rc = catalog_synonym_put(r->ctx, term, words, &out, &e);
	http_reply(w, rc, rc == 0 && json_is_true(json_object_get(out,
	    "created")) ? 201 : 200, out, &e);
}

static void
delete_synonym(struct http_req *r, struct http_resp *w)
{
	struct err e;
	int64_t id;
	int rc = -ERR_NOT_FOUND;

	err_clear(&e);
	if (http_path_id(r, "id", "synonym_not_found", "同义词不存在", &id, &e))
		rc = catalog_synonym_delete(r->ctx, id, &e);
	http_reply(w, rc, 200, rc == 0 ? json_pack("{s:b}", "deleted", 1) :
	    NULL, &e);
}

const struct route api_synonyms_routes[] = {
	{ "GET", "/api/search-synonyms", get_synonyms, ROLE_HALL_ADMIN, 0 },
	{ "POST", "/api/search-synonyms", post_synonym, ROLE_HALL_ADMIN,
	    SYNONYM_BODY_MAX },
	{ "DELETE", "/api/search-synonyms/:id", delete_synonym,
	    ROLE_HALL_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
