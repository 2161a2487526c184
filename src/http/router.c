/* router.c - route tables: patterns with ":name" segments. */
#include "http/http_internal.h"

#include <string.h>

/* Matches path against pattern segment by segment. When m is not NULL the
 * parameters are copied into a (the caller has already checked the match). */
static bool
pattern_match(const char *pat, const char *path, struct arena *a,
    struct route_match *m)
{
	const char *p = pat, *s = path, *pe, *se;

	while (*p != '\0' && *s != '\0') {
		if (*p == ':' && p > pat && p[-1] == '/') {
			pe = p + 1;
			while (*pe != '\0' && *pe != '/')
				pe++;
			se = s;
			while (*se != '\0' && *se != '/')
				se++;
			if (se == s)
				return false;
			if (m != NULL) {
				if (m->nparams >= HTTP_MAX_PATH_PARAMS)
					return false;
				m->names[m->nparams] = arena_strndup(a, p + 1,
				    (size_t)(pe - p - 1));
				m->values[m->nparams] = arena_strndup(a, s,
				    (size_t)(se - s));
				if (m->names[m->nparams] == NULL ||
				    m->values[m->nparams] == NULL)
					return false;
				m->nparams++;
			}
			p = pe;
			s = se;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

static bool
method_matches(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

static void
allow_add(char *allow, size_t size, const char *method)
{
	size_t mlen = strlen(method), len;
	const char *p = allow;

	/* Skip duplicates: the list is short, a linear scan is enough. */
	while (*p != '\0') {
		if (strncmp(p, method, mlen) == 0 &&
		    (p[mlen] == ',' || p[mlen] == '\0'))
			return;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		p += 2;
	}
	len = strlen(allow);
	if (len + mlen + 3 > size)
		return;
	if (len > 0) {
		memcpy(allow + len, ", ", 2);
		len += 2;
	}
	memcpy(allow + len, method, mlen + 1);
}

enum route_result
router_match(const struct route *const *tables, const char *method,
    const char *path, struct arena *a, struct route_match *m)
{
	const struct route *const *t;
	const struct route *r;
	bool path_seen = false;

	memset(m, 0, sizeof(*m));
	for (t = tables; *t != NULL; t++) {
		for (r = *t; r->pattern != NULL; r++) {
			if (!pattern_match(r->pattern, path, NULL, NULL))
				continue;
			if (method_matches(r->method, method)) {
				m->route = r;
				if (!pattern_match(r->pattern, path, a, m)) {
					/* Out of arena memory or parameters. */
					m->route = NULL;
					return ROUTE_NO_PATH;
				}
				return ROUTE_FOUND;
			}
			path_seen = true;
		}
	}
	if (!path_seen)
		return ROUTE_NO_PATH;
	/* Collect every method the path accepts. */
	for (t = tables; *t != NULL; t++) {
		for (r = *t; r->pattern != NULL; r++) {
			if (!pattern_match(r->pattern, path, NULL, NULL))
				continue;
			allow_add(m->allow, sizeof(m->allow), r->method);
			if (strcmp(r->method, "GET") == 0)
				allow_add(m->allow, sizeof(m->allow), "HEAD");
		}
	}
	return ROUTE_NO_METHOD;
}
