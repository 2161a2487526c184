/* params.c - typed readers of request input for handlers: numeric query
 * arguments, path ids and members of the JSON body. Each answers a
 * malformed input with false and a filled struct err, so a handler chains
 * them with && and passes e on to http_error() or http_reply(). */
#include "http/http_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
http_arg_int(const char *v, const char *name, int64_t lo, int64_t hi,
    bool required, const char *msg, int64_t *out, struct err *e)
{
	char *end;
	long long n;

	*out = 0;
	if (v == NULL || v[0] == '\0') {
		if (!required)
			return true;
		goto bad;
	}
	/* Digits only: no sign, no leading white space. */
	if (v[0] < '0' || v[0] > '9')
		goto bad;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		goto bad;
	*out = (int64_t)n;
	return true;
bad:
	if (msg != NULL)
		err_field(e, ERR_INVALID, name, NULL, "%s", msg);
	else
		err_field(e, ERR_INVALID, name, NULL, "参数 %s 须为非负整数",
		    name);
	return false;
}

bool
http_query_int(const struct http_req *r, const char *name, int64_t lo,
    int64_t hi, bool required, const char *msg, int64_t *out, struct err *e)
{
	return http_arg_int(http_query(r, name), name, lo, hi, required, msg,
	    out, e);
}

bool
http_query_uint(const struct http_req *r, const char *name, int64_t max,
    int64_t *out, struct err *e)
{
	return http_arg_int(http_query(r, name), name, 0, max, false, NULL,
	    out, e);
}

bool
http_path_id(const struct http_req *r, const char *name, const char *key,
    const char *msg, int64_t *out, struct err *e)
{
	*out = http_param_id(r, name);
	if (*out <= 0) {
		err_set(e, ERR_NOT_FOUND, key, "%s", msg);
		return false;
	}
	return true;
}

bool
http_body_object(const struct http_req *r, struct err *e)
{
	if (r->json == NULL || !json_is_object(r->json)) {
		err_set(e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
		return false;
	}
	return true;
}

/* Member `name` of the body into *v (NULL when absent or null), after the
 * checks that flags ask for. */
static bool
body_member(const struct http_req *r, const char *name, unsigned flags,
    json_t **v, struct err *e)
{
	*v = NULL;
	if ((flags & HTTP_BODY_STRICT) != 0 && !http_body_object(r, e))
		return false;
	if (r->json != NULL)
		*v = json_object_get(r->json, name); /* NULL unless an object */
	if (*v != NULL && json_is_null(*v))
		*v = NULL;
	if (*v == NULL && (flags & HTTP_BODY_REQUIRED) != 0) {
		err_field(e, ERR_INVALID, name, "required", "缺少字段 %s",
		    name);
		return false;
	}
	return true;
}

bool
http_body_str(const struct http_req *r, const char *name, unsigned flags,
    const char **out, struct err *e)
{
	bool nul;
	json_t *v;

	*out = NULL;
	if (!body_member(r, name, flags, &v, e))
		return false;
	if (v == NULL)
		return true;
	/* A NUL inside the string would silently cut it. */
	nul = json_is_string(v) &&
	    strlen(json_string_value(v)) != json_string_length(v);
	if (!json_is_string(v) || (nul && (flags & HTTP_BODY_STRICT) == 0)) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为字符串", name);
		return false;
	}
	if (nul) {
		err_field(e, ERR_INVALID, name, "bad_string",
		    "字段 %s 含有无效字符", name);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

bool
http_body_uint(const struct http_req *r, const char *name, unsigned flags,
    int64_t *out, struct err *e)
{
	json_t *v;

	*out = 0;
	if (!body_member(r, name, flags, &v, e))
		return false;
	if (v == NULL)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为非负整数", name);
		return false;
	}
	*out = (int64_t)json_integer_value(v);
	return true;
}

bool
http_body_bool(const struct http_req *r, const char *name, unsigned flags,
    bool *out, struct err *e)
{
	json_t *v;

	*out = false;
	if (!body_member(r, name, flags, &v, e))
		return false;
	if (v == NULL)
		return true;
	if (!json_is_boolean(v)) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为 true 或 false", name);
		return false;
	}
	*out = json_is_true(v);
	return true;
}
