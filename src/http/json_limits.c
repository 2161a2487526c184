/* json_limits.c - parsing request bodies within the LIMIT_JSON_* ceilings.
 *
 * Nesting is measured on the raw text before jansson builds anything, so a
 * body of a million '[' costs one linear scan and no allocation. */
#include "http/http_internal.h"

#include <string.h>

#include "base/limits.h"
#include "base/log.h"

int
json_text_depth(const char *s, size_t len, int limit)
{
	bool in_string = false, escaped = false;
	int depth = 0, deepest = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
			continue;
		}
		switch (c) {
		case '"':
			in_string = true;
			break;
		case '[':
		case '{':
			depth++;
			if (depth > deepest) {
				deepest = depth;
				if (deepest > limit)
					return deepest;
			}
			break;
		case ']':
		case '}':
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
	}
	return deepest;
}

static int
check_value(const json_t *j, int depth, int max_depth, size_t max_fields,
    size_t max_string, struct err *e)
{
	const char *key;
	json_t *v;
	size_t i;
	int rc;

	switch (json_typeof(j)) {
	case JSON_STRING:
		if (json_string_length(j) > max_string)
			return err_set(e, ERR_INVALID, "json_string_too_long",
			    "请求内容中的文本过长（单个字段不超过 %zu 字节）",
			    max_string);
		return 0;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (depth + 1 > max_depth)
			return err_set(e, ERR_INVALID, "json_too_deep",
			    "请求内容嵌套层级过深（不超过 %d 层）", max_depth);
		break;
	default:
		return 0;
	}
	if (json_is_array(j)) {
		if (json_array_size(j) > max_fields)
			goto too_many;
		json_array_foreach(j, i, v) {
			rc = check_value(v, depth + 1, max_depth, max_fields,
			    max_string, e);
			if (rc != 0)
				return rc;
		}
		return 0;
	}
	if (json_object_size(j) > max_fields)
		goto too_many;
	json_object_foreach((json_t *)j, key, v) {
		if (strlen(key) > max_string)
			return err_set(e, ERR_INVALID, "json_string_too_long",
			    "请求内容中的字段名过长");
		rc = check_value(v, depth + 1, max_depth, max_fields,
		    max_string, e);
		if (rc != 0)
			return rc;
	}
	return 0;
too_many:
	return err_set(e, ERR_INVALID, "json_too_many_fields",
	    "请求内容字段过多（每层不超过 %zu 项）", max_fields);
}

int
json_check_limits(const json_t *j, int max_depth, size_t max_fields,
    size_t max_string, struct err *e)
{
	return check_value(j, 0, max_depth, max_fields, max_string, e);
}

int
http_json_parse(const char *body, size_t len, json_t **out, struct err *e)
{
	json_error_t jerr;
	json_t *j;
	int rc;

	*out = NULL;
	if (json_text_depth(body, len, LIMIT_JSON_DEPTH) > LIMIT_JSON_DEPTH)
		return err_set(e, ERR_INVALID, "json_too_deep",
		    "请求内容嵌套层级过深（不超过 %d 层）", LIMIT_JSON_DEPTH);
	j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		log_debug("bad json body: %s (line %d column %d)", jerr.text,
		    jerr.line, jerr.column);
		return err_set(e, ERR_INVALID, "bad_json",
		    "请求内容不是有效的 JSON");
	}
	rc = json_check_limits(j, LIMIT_JSON_DEPTH, LIMIT_JSON_FIELDS,
	    LIMIT_JSON_STRING, e);
	if (rc != 0) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}
