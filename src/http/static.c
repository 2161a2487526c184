/* static.c - the built front-end (web/dist) served from disk. */
#include "http/http_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} content_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/x-icon" },
	{ "woff2", "font/woff2" },
	{ "woff", "font/woff" },
	{ "ttf", "font/ttf" },
	{ "map", "application/json; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "pdf", "application/pdf" },
};

const char *
static_content_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash != NULL ? slash : name, '.');

	if (dot != NULL)
		for (size_t i = 0; i < sizeof(content_types) /
		    sizeof(content_types[0]); i++)
			if (strcasecmp(dot + 1, content_types[i].ext) == 0)
				return content_types[i].type;
	return "application/octet-stream";
}

/* Checks every segment: no "..", no hidden names, no backslash. Sets
 * *has_ext when the last segment has an extension. */
static int
check_segments(const char *path, bool *has_ext)
{
	const char *seg = path, *end;

	*has_ext = false;
	if (path[0] != '/' || strchr(path, '\\') != NULL)
		return -ERR_INVALID;
	while (*seg != '\0') {
		while (*seg == '/')
			seg++;
		if (*seg == '\0')
			break;
		end = seg;
		while (*end != '\0' && *end != '/')
			end++;
		if (seg[0] == '.') {
			/* "..", "." and hidden files such as ".env". */
			if (end - seg == 2 && seg[1] == '.')
				return -ERR_INVALID;
			return -ERR_NOT_FOUND;
		}
		*has_ext = memchr(seg, '.', (size_t)(end - seg)) != NULL;
		seg = end;
	}
	return 0;
}

static bool
under_root(const char *root, const char *resolved)
{
	size_t n = strlen(root);

	return strncmp(resolved, root, n) == 0 &&
	    (resolved[n] == '/' || resolved[n] == '\0');
}

/* Opens a regular file given by its resolved path. */
static int
open_regular(const char *resolved, struct static_file *f)
{
	struct stat st;
	int fd;

	fd = open(resolved, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ERR_NOT_FOUND;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ERR_NOT_FOUND;
	}
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	f->content_type = static_content_type(resolved);
	return 0;
}

static int
open_index(const char *root, struct static_file *f)
{
	char full[PATH_MAX];
	int n, rc;

	n = snprintf(full, sizeof(full), "%s/index.html", root);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -ERR_NOT_FOUND;
	rc = open_regular(full, f);
	if (rc == 0)
		f->cache_control = "no-cache";
	return rc;
}

int
static_open(const char *root, const char *path, struct static_file *f)
{
	char full[PATH_MAX], resolved[PATH_MAX];
	bool has_ext;
	size_t plen;
	int n, rc;

	f->fd = -1;
	f->size = 0;
	f->content_type = NULL;
	f->cache_control = NULL;
	rc = check_segments(path, &has_ext);
	if (rc != 0)
		return rc;
	plen = strlen(path);
	if (plen == 1 || path[plen - 1] == '/')
		return open_index(root, f);
	n = snprintf(full, sizeof(full), "%s%s", root, path);
	if (n < 0 || (size_t)n >= sizeof(full))
		return -ERR_NOT_FOUND;
	if (realpath(full, resolved) == NULL || !under_root(root, resolved)) {
		/* A page route of the single-page application. */
		return has_ext ? -ERR_NOT_FOUND : open_index(root, f);
	}
	rc = open_regular(resolved, f);
	if (rc != 0)
		return has_ext ? rc : open_index(root, f);
	/* Vite puts a content hash into every name under /assets/; anything
	 * else (index.html, favicon) must be revalidated. */
	if (strncmp(path, "/assets/", 8) == 0)
		f->cache_control = "public, max-age=31536000, immutable";
	else
		f->cache_control = "no-cache";
	return 0;
}
