/* Unit tests for the HTTP layer: router, JSON limits, UTF-8, paths, static
 * files and the status table. */
#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/limits.h"
#include "base/utf8.h"
#include "http/http_internal.h"
#include "service/platform/platform.h"

static void
noop(struct http_req *r, struct http_resp *w)
{
	(void)r;
	(void)w;
}

static const struct route items_routes[] = {
	{ "GET", "/api/items", noop, ACCESS_PUBLIC, 0 },
	{ "POST", "/api/items", noop, ACCESS_LOGIN, 0 },
	{ "GET", "/api/items/:id", noop, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/items/:id/versions", noop, ACCESS_PUBLIC, 0 },
	{ "PUT", "/api/items/:id/versions/:ver", noop, ROLE_DEPT_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
static const struct route cases_routes[] = {
	{ "DELETE", "/api/items/:id", noop, ROLE_SYSADMIN, 0 },
	{ "GET", "/api/cases/mine", noop, ACCESS_LOGIN, 0 },
	{ "GET", "/api/cases/:id", noop, ACCESS_LOGIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
static const struct route *const tables[] = { items_routes, cases_routes,
    NULL };

static void
router_extracts_parameters(void **state)
{
	struct route_match m;
	struct arena a;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(router_match(tables, "PUT",
	    "/api/items/42/versions/7", &a, &m), ROUTE_FOUND);
	assert_ptr_equal(m.route, &items_routes[4]);
	assert_int_equal(m.nparams, 2);
	assert_string_equal(m.names[0], "id");
	assert_string_equal(m.values[0], "42");
	assert_string_equal(m.names[1], "ver");
	assert_string_equal(m.values[1], "7");

	assert_int_equal(router_match(tables, "GET", "/api/items/42/versions",
	    &a, &m), ROUTE_FOUND);
	assert_ptr_equal(m.route, &items_routes[3]);
	assert_int_equal(m.nparams, 1);

	assert_int_equal(router_match(tables, "GET", "/api/items", &a, &m),
	    ROUTE_FOUND);
	assert_ptr_equal(m.route, &items_routes[0]);
	assert_int_equal(m.nparams, 0);

	/* The first matching row wins: a literal listed before a pattern. */
	assert_int_equal(router_match(tables, "GET", "/api/cases/mine", &a,
	    &m), ROUTE_FOUND);
	assert_ptr_equal(m.route, &cases_routes[1]);
	assert_int_equal(router_match(tables, "GET", "/api/cases/9", &a, &m),
	    ROUTE_FOUND);
	assert_ptr_equal(m.route, &cases_routes[2]);
	assert_string_equal(m.values[0], "9");

	/* HEAD is served by GET routes. */
	assert_int_equal(router_match(tables, "HEAD", "/api/items/5", &a, &m),
	    ROUTE_FOUND);
	assert_ptr_equal(m.route, &items_routes[2]);
	arena_release(&a);
}

static void
router_tells_404_from_405(void **state)
{
	struct route_match m;
	struct arena a;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(router_match(tables, "GET", "/api/nothing", &a, &m),
	    ROUTE_NO_PATH);
	/* Empty parameter segments and trailing slashes do not match. */
	assert_int_equal(router_match(tables, "GET", "/api/items//versions",
	    &a, &m), ROUTE_NO_PATH);
	assert_int_equal(router_match(tables, "GET", "/api/items/", &a, &m),
	    ROUTE_NO_PATH);
	assert_int_equal(router_match(tables, "GET", "/api/items/1/x", &a, &m),
	    ROUTE_NO_PATH);
	assert_int_equal(router_match(tables, "GET", "/api/itemsx", &a, &m),
	    ROUTE_NO_PATH);

	assert_int_equal(router_match(tables, "PATCH", "/api/items/3", &a, &m),
	    ROUTE_NO_METHOD);
	assert_null(m.route);
	/* Methods from both tables, GET implying HEAD, no duplicates. */
	assert_string_equal(m.allow, "GET, HEAD, DELETE");
	assert_int_equal(router_match(tables, "DELETE", "/api/items", &a, &m),
	    ROUTE_NO_METHOD);
	assert_string_equal(m.allow, "GET, HEAD, POST");
	arena_release(&a);
}

static void
json_bodies_within_limits_parse(void **state)
{
	struct err e;
	json_t *j;
	char buf[128];
	const char *ok = "{\"name\":\"张明\",\"n\":[1,2]}";

	(void)state;
	assert_int_equal(http_json_parse(ok, strlen(ok), &j, &e), 0);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "name")),
	    "张明");
	json_decref(j);

	/* Exactly LIMIT_JSON_DEPTH levels is fine. */
	memset(buf, 0, sizeof(buf));
	for (int i = 0; i < LIMIT_JSON_DEPTH; i++) {
		buf[i] = '[';
		buf[2 * LIMIT_JSON_DEPTH - 1 - i] = ']';
	}
	assert_int_equal(http_json_parse(buf, strlen(buf), &j, &e), 0);
	json_decref(j);
}

static void
json_bodies_breaking_limits_are_refused(void **state)
{
	struct err e;
	json_t *j = NULL;
	char buf[128], *big;
	size_t n;

	(void)state;
	assert_int_equal(http_json_parse("{\"a\":", 5, &j, &e), -ERR_INVALID);
	assert_string_equal(e.key, "bad_json");
	assert_null(j);
	assert_int_equal(http_json_parse("{\"a\":1,\"a\":2}", 13, &j, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "bad_json");
	/* Invalid UTF-8 inside a string. */
	assert_int_equal(http_json_parse("{\"a\":\"\xff\"}", 9, &j, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "bad_json");
	/* Surrogate encoded in UTF-8 (CESU). */
	assert_int_equal(http_json_parse("[\"\xed\xa0\x80\"]", 7, &j, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "bad_json");
	assert_int_equal(http_json_parse("[\"a\\u0000b\"]", 12, &j, &e),
	    -ERR_INVALID);

	memset(buf, 0, sizeof(buf));
	for (int i = 0; i <= LIMIT_JSON_DEPTH; i++) {
		buf[i] = '[';
		buf[2 * (LIMIT_JSON_DEPTH + 1) - 1 - i] = ']';
	}
	assert_int_equal(http_json_parse(buf, strlen(buf), &j, &e),
	    -ERR_INVALID);
	assert_string_equal(e.key, "json_too_deep");
	/* Unterminated nesting is measured before parsing. */
	memset(buf, '[', 100);
	assert_int_equal(http_json_parse(buf, 100, &j, &e), -ERR_INVALID);
	assert_string_equal(e.key, "json_too_deep");
	/* Brackets inside strings do not count. */
	assert_int_equal(json_text_depth("[\"[[[[\\\"[[[\"]", 13, 3), 1);

	/* LIMIT_JSON_FIELDS + 1 array members. */
	big = malloc(LIMIT_JSON_STRING + 64);
	assert_non_null(big);
	n = 0;
	big[n++] = '[';
	for (int i = 0; i <= LIMIT_JSON_FIELDS; i++) {
		big[n++] = '1';
		big[n++] = ',';
	}
	big[n - 1] = ']';
	assert_int_equal(http_json_parse(big, n, &j, &e), -ERR_INVALID);
	assert_string_equal(e.key, "json_too_many_fields");
	/* A string one byte over LIMIT_JSON_STRING. */
	n = 0;
	big[n++] = '[';
	big[n++] = '"';
	memset(big + n, 'x', LIMIT_JSON_STRING + 1);
	n += LIMIT_JSON_STRING + 1;
	big[n++] = '"';
	big[n++] = ']';
	assert_int_equal(http_json_parse(big, n, &j, &e), -ERR_INVALID);
	assert_string_equal(e.key, "json_string_too_long");
	/* ... and exactly at the limit it passes. */
	big[LIMIT_JSON_STRING + 2] = '"';
	big[LIMIT_JSON_STRING + 3] = ']';
	assert_int_equal(http_json_parse(big, LIMIT_JSON_STRING + 4, &j, &e),
	    0);
	json_decref(j);
	free(big);
}

static void
utf8_validation_follows_rfc3629(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("abc", 3));
	assert_true(utf8_valid("白河县", strlen("白河县")));
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4)); /* U+1F600 */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
	assert_false(utf8_valid("\xff", 1));
	assert_false(utf8_valid("\xc0\x80", 2));        /* overlong NUL */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));    /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));    /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* above U+10FFFF */
	assert_false(utf8_valid("\xe7\x99", 2));        /* truncated */
	assert_false(utf8_valid("a\x80", 2));           /* lone continuation */
	assert_int_equal(utf8_strlen("案件a"), 3);
	assert_int_equal(utf8_chars("\xf0\x9f\x98\x80x", 5), 2);
	assert_int_equal(utf8_chars("\xe7\x99", 2), (size_t)-1);

	/* Longer texts go eight ASCII bytes at a time: a bad or multi-byte
	 * sequence at every offset of a 40-byte text is still found. */
	for (size_t at = 0; at < 38; at++) {
		char t[41];

		memset(t, 'a', 40);
		t[40] = '\0';
		t[at] = (char)0xff;
		assert_false(utf8_valid(t, 40));
		t[at] = (char)0x80;
		assert_false(utf8_valid(t, 40));
		memcpy(t + at, "\xe7\x99\xbd", 3);   /* 白 */
		assert_int_equal(utf8_chars(t, 40), 38);
		t[at + 2] = 'a';                        /* truncated */
		assert_int_equal(utf8_chars(t, 40), (size_t)-1);
	}
}

static void
paths_are_decoded_and_checked(void **state)
{
	struct arena a;
	struct err e;
	char *p;

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(http_decode_path(&a, "/a%20b/%E7%99%BD?x=%ff", &p,
	    &e), 0);
	assert_string_equal(p, "/a b/白");
	assert_int_equal(http_decode_path(&a, "/%2e%2e/%2E%2E/etc", &p, &e),
	    0);
	assert_string_equal(p, "/../../etc");
	assert_int_equal(http_decode_path(&a, "/x%ff", &p, &e), -ERR_INVALID);
	assert_string_equal(e.key, "bad_utf8");
	assert_int_equal(http_decode_path(&a, "/x%00y", &p, &e), -ERR_INVALID);
	assert_int_equal(http_decode_path(&a, "/x%4", &p, &e), -ERR_INVALID);
	assert_int_equal(http_decode_path(&a, "/x%zz", &p, &e), -ERR_INVALID);
	assert_int_equal(http_decode_path(&a, "/x%", &p, &e), -ERR_INVALID);
	arena_release(&a);
}

static void
status_table_covers_every_code(void **state)
{
	(void)state;
	assert_int_equal(http_status_for(ERR_NONE), 200);
	assert_int_equal(http_status_for(ERR_INVALID), 400);
	assert_int_equal(http_status_for(ERR_UNPROCESSABLE), 422);
	assert_int_equal(http_status_for(ERR_UNAUTHENTICATED), 401);
	assert_int_equal(http_status_for(ERR_FORBIDDEN), 403);
	assert_int_equal(http_status_for(ERR_NOT_FOUND), 404);
	assert_int_equal(http_status_for(ERR_METHOD), 405);
	assert_int_equal(http_status_for(ERR_CONFLICT), 409);
	assert_int_equal(http_status_for(ERR_TOO_LARGE), 413);
	assert_int_equal(http_status_for(ERR_URI_TOO_LONG), 414);
	assert_int_equal(http_status_for(ERR_UNSUPPORTED_TYPE), 415);
	assert_int_equal(http_status_for(ERR_LOCKED), 429);
	assert_int_equal(http_status_for(ERR_HEADERS_TOO_LARGE), 431);
	assert_int_equal(http_status_for(ERR_BUSY), 503);
	assert_int_equal(http_status_for(ERR_INTERNAL), 500);
	assert_int_equal(http_status_for((enum err_code)99), 500);
}

static void
error_responses_have_the_shared_shape(void **state)
{
	struct http_resp w;
	struct err e;
	json_t *inner;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.fd = -1;
	err_field(&e, ERR_UNPROCESSABLE, "idno", "invalid_id_number",
	    "身份证号码校验位不正确");
	http_error(&w, &e);
	assert_int_equal(w.status, 422);
	inner = json_object_get(w.json, "error");
	assert_string_equal(json_string_value(json_object_get(inner, "code")),
	    "invalid_id_number");
	assert_string_equal(json_string_value(json_object_get(inner,
	    "message")), "身份证号码校验位不正确");
	assert_string_equal(json_string_value(json_object_get(inner, "field")),
	    "idno");
	/* Without a field, no "field" member. */
	err_set(&e, ERR_NOT_FOUND, NULL, "事项不存在");
	http_error(&w, &e);
	assert_int_equal(w.status, 404);
	inner = json_object_get(w.json, "error");
	assert_string_equal(json_string_value(json_object_get(inner, "code")),
	    "not_found");
	assert_null(json_object_get(inner, "field"));
	json_decref(w.json);
}

static void
param_ids_are_strict(void **state)
{
	struct http_req r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.nparams = 1;
	r.param_names[0] = "id";
	r.param_values[0] = "123";
	assert_int_equal(http_param_id(&r, "id"), 123);
	assert_null(http_param(&r, "other"));
	assert_int_equal(http_param_id(&r, "other"), 0);
	r.param_values[0] = "12a";
	assert_int_equal(http_param_id(&r, "id"), 0);
	r.param_values[0] = "-5";
	assert_int_equal(http_param_id(&r, "id"), 0);
	r.param_values[0] = "0";
	assert_int_equal(http_param_id(&r, "id"), 0);
	r.param_values[0] = "99999999999999999999";
	assert_int_equal(http_param_id(&r, "id"), 0);
	r.param_values[0] = "9223372036854775807";
	assert_int_equal(http_param_id(&r, "id"), INT64_MAX);
}

static void
expect_err(const struct err *e, enum err_code code, const char *key,
    const char *field, const char *msg)
{
	assert_int_equal(e->code, code);
	assert_string_equal(e->key, key);
	assert_string_equal(e->field, field);
	assert_string_equal(e->msg, msg);
}

static void
numeric_arguments_are_digits_in_range(void **state)
{
	int64_t v = -1;
	struct err e;

	(void)state;
	err_clear(&e);
	/* Absent or empty: 0, unless required. */
	assert_true(http_arg_int(NULL, "limit", 0, 200, false, NULL, &v, &e));
	assert_int_equal(v, 0);
	v = -1;
	assert_true(http_arg_int("", "limit", 1, 200, false, NULL, &v, &e));
	assert_int_equal(v, 0);
	assert_true(http_arg_int("200", "limit", 0, 200, false, NULL, &v, &e));
	assert_int_equal(v, 200);
	assert_true(http_arg_int("007", "n", 0, 1000, true, "m", &v, &e));
	assert_int_equal(v, 7);
	assert_true(http_arg_int("9223372036854775807", "id", 0, INT64_MAX,
	    false, NULL, &v, &e));
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(e.code, ERR_NONE);

	/* Signs, spaces, junk, overflow and range all fail the same way. */
	const char *bad[] = { "-1", "+1", " 1", "\t1", "1 ", "1x", "x",
	    "0x10", "1e3", "201", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_false(http_arg_int(bad[i], "limit", 0, 200, false, NULL,
		    &v, &e));
		expect_err(&e, ERR_INVALID, "invalid", "limit",
		    "参数 limit 须为非负整数");
	}
	/* The caller's message, the lower bound and a required argument. */
	err_clear(&e);
	assert_false(http_arg_int("0", "limit", 1, 200, false,
	    "参数 limit 应为 1 至 200 的整数", &v, &e));
	expect_err(&e, ERR_INVALID, "invalid", "limit",
	    "参数 limit 应为 1 至 200 的整数");
	err_clear(&e);
	assert_false(http_arg_int(NULL, "year", 1970, 2999, true,
	    "参数 year 应为四位年份，如 2026", &v, &e));
	expect_err(&e, ERR_INVALID, "invalid", "year",
	    "参数 year 应为四位年份，如 2026");
	err_clear(&e);
	assert_false(http_arg_int("", "user_id", 1, INT64_MAX, true, "x", &v,
	    &e));
	expect_err(&e, ERR_INVALID, "invalid", "user_id", "x");
}

static void
path_ids_carry_the_callers_message(void **state)
{
	struct http_req r;
	struct err e;
	int64_t id;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.nparams = 1;
	r.param_names[0] = "id";
	r.param_values[0] = "42";
	err_clear(&e);
	assert_true(http_path_id(&r, "id", "case_not_found", "办件不存在", &id,
	    &e));
	assert_int_equal(id, 42);
	r.param_values[0] = "0";
	assert_false(http_path_id(&r, "id", "case_not_found", "办件不存在",
	    &id, &e));
	expect_err(&e, ERR_NOT_FOUND, "case_not_found", "", "办件不存在");
	err_clear(&e);
	assert_false(http_path_id(&r, "other", NULL, "对象不存在", &id, &e));
	expect_err(&e, ERR_NOT_FOUND, "not_found", "", "对象不存在");
}

static void
body_members_are_typed(void **state)
{
	struct http_req r;
	const char *s;
	int64_t n;
	bool b;
	struct err e;

	(void)state;
	memset(&r, 0, sizeof(r));
	/* No body: lenient readers see nothing, strict ones refuse. */
	err_clear(&e);
	assert_true(http_body_str(&r, "reason", 0, &s, &e));
	assert_null(s);
	assert_true(http_body_uint(&r, "user_id", 0, &n, &e));
	assert_int_equal(n, 0);
	assert_false(http_body_object(&r, &e));
	expect_err(&e, ERR_INVALID, "bad_json", "", "请求内容须为 JSON 对象");
	err_clear(&e);
	assert_false(http_body_str(&r, "mode", HTTP_BODY_STRICT, &s, &e));
	expect_err(&e, ERR_INVALID, "bad_json", "", "请求内容须为 JSON 对象");
	err_clear(&e);
	assert_false(http_body_bool(&r, "approve", HTTP_BODY_STRICT, &b, &e));
	assert_string_equal(e.key, "bad_json");
	/* An array body reads as empty when lenient. */
	r.json = json_array();
	err_clear(&e);
	assert_true(http_body_str(&r, "reason", 0, &s, &e));
	assert_null(s);
	assert_false(http_body_object(&r, &e));
	json_decref(r.json);

	r.json = json_pack("{s:s, s:s#, s:i, s:i, s:b, s:n, s:s}", "name",
	    "张三", "nul", "a\0b", (size_t)3, "days", 5, "neg", -1, "ok", 1,
	    "none", "num", "7");
	assert_non_null(r.json);
	err_clear(&e);
	assert_true(http_body_str(&r, "name", HTTP_BODY_REQUIRED, &s, &e));
	assert_string_equal(s, "张三");
	assert_true(http_body_str(&r, "none", 0, &s, &e));
	assert_null(s);
	assert_true(http_body_uint(&r, "days", HTTP_BODY_STRICT, &n, &e));
	assert_int_equal(n, 5);
	assert_true(http_body_bool(&r, "ok", HTTP_BODY_STRICT, &b, &e));
	assert_true(b);
	assert_true(http_body_bool(&r, "absent", 0, &b, &e));
	assert_false(b);
	assert_int_equal(e.code, ERR_NONE);

	assert_false(http_body_str(&r, "none", HTTP_BODY_REQUIRED, &s, &e));
	expect_err(&e, ERR_INVALID, "required", "none", "缺少字段 none");
	err_clear(&e);
	assert_false(http_body_str(&r, "days", 0, &s, &e));
	expect_err(&e, ERR_INVALID, "bad_type", "days", "字段 days 须为字符串");
	/* A NUL inside a string: bad_type when lenient, bad_string when
	 * strict. */
	err_clear(&e);
	assert_false(http_body_str(&r, "nul", 0, &s, &e));
	expect_err(&e, ERR_INVALID, "bad_type", "nul", "字段 nul 须为字符串");
	err_clear(&e);
	assert_false(http_body_str(&r, "nul", HTTP_BODY_STRICT, &s, &e));
	expect_err(&e, ERR_INVALID, "bad_string", "nul",
	    "字段 nul 含有无效字符");
	err_clear(&e);
	assert_false(http_body_uint(&r, "neg", 0, &n, &e));
	expect_err(&e, ERR_INVALID, "bad_type", "neg",
	    "字段 neg 须为非负整数");
	err_clear(&e);
	assert_false(http_body_uint(&r, "num", HTTP_BODY_STRICT, &n, &e));
	expect_err(&e, ERR_INVALID, "bad_type", "num",
	    "字段 num 须为非负整数");
	err_clear(&e);
	assert_false(http_body_bool(&r, "days", 0, &b, &e));
	expect_err(&e, ERR_INVALID, "bad_type", "days",
	    "字段 days 须为 true 或 false");
	json_decref(r.json);
}

static void
replies_and_dispositions(void **state)
{
	struct http_req r;
	struct http_resp w;
	struct err e;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&w, 0, sizeof(w));
	w.fd = -1;
	arena_init(&r.arena, 0);
	err_clear(&e);
	http_reply(&w, 0, 201, json_pack("{s:i}", "id", 7), &e);
	assert_int_equal(w.status, 201);
	assert_int_equal(json_integer_value(json_object_get(w.json, "id")), 7);
	/* On failure the result is dropped and e answered. */
	err_set(&e, ERR_CONFLICT, "stale_version", "办件已被他人修改");
	http_reply(&w, -ERR_CONFLICT, 200, json_object(), &e);
	assert_int_equal(w.status, 409);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    w.json, "error"), "code")), "stale_version");
	json_decref(w.json);

	assert_int_equal(http_add_disposition(&r, &w, "attachment",
	    "受理通知书 (1).pdf", "document-9.pdf"), 0);
	assert_int_equal(w.nheaders, 1);
	assert_string_equal(w.headers[0].name, "Content-Disposition");
	assert_string_equal(w.headers[0].value, "attachment; "
	    "filename=\"document-9.pdf\"; filename*=UTF-8''"
	    "%E5%8F%97%E7%90%86%E9%80%9A%E7%9F%A5%E4%B9%A6%20%281%29.pdf");
	assert_int_equal(http_add_disposition(&r, &w, "inline", "a\"b;c",
	    "m.png"), 0);
	assert_string_equal(w.headers[1].value, "inline; filename=\"m.png\"; "
	    "filename*=UTF-8''a%22b%3Bc");
	arena_release(&r.arena);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
static_files_stay_inside_the_root(void **state)
{
	char tmpl[] = "/tmp/onetrip-static-XXXXXX", root[256], path[512];
	struct static_file f;
	char *dir;

	(void)state;
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	assert_non_null(realpath(dir, root));
	snprintf(path, sizeof(path), "%s/www", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/www/assets", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/www/index.html", root);
	write_file(path, "<!doctype html>");
	snprintf(path, sizeof(path), "%s/www/assets/app-1a2b.js", root);
	write_file(path, "x=1");
	snprintf(path, sizeof(path), "%s/secret.txt", root);
	write_file(path, "secret");
	snprintf(path, sizeof(path), "%s/www/.env", root);
	write_file(path, "KEY=1");
	/* A symlink pointing out of the root. */
	snprintf(path, sizeof(path), "%s/www/leak.txt", root);
	{
		char target[512];

		snprintf(target, sizeof(target), "%s/secret.txt", root);
		assert_int_equal(symlink(target, path), 0);
	}
	snprintf(path, sizeof(path), "%s/www", root);

	assert_int_equal(static_open(path, "/assets/app-1a2b.js", &f), 0);
	assert_int_equal(f.size, 3);
	assert_string_equal(f.content_type, "text/javascript; charset=utf-8");
	assert_string_equal(f.cache_control,
	    "public, max-age=31536000, immutable");
	close(f.fd);

	assert_int_equal(static_open(path, "/", &f), 0);
	assert_string_equal(f.content_type, "text/html; charset=utf-8");
	assert_string_equal(f.cache_control, "no-cache");
	close(f.fd);
	/* SPA route without an extension: index.html. */
	assert_int_equal(static_open(path, "/cases/12/detail", &f), 0);
	assert_int_equal(f.size, strlen("<!doctype html>"));
	close(f.fd);
	/* Missing file with an extension: 404. */
	assert_int_equal(static_open(path, "/assets/missing.js", &f),
	    -ERR_NOT_FOUND);
	assert_int_equal(f.fd, -1);
	/* Traversal, hidden files, backslashes, escaping symlinks. */
	assert_int_equal(static_open(path, "/../secret.txt", &f),
	    -ERR_INVALID);
	assert_int_equal(static_open(path, "/assets/../../secret.txt", &f),
	    -ERR_INVALID);
	assert_int_equal(static_open(path, "/..", &f), -ERR_INVALID);
	assert_int_equal(static_open(path, "/a\\..\\secret.txt", &f),
	    -ERR_INVALID);
	assert_int_equal(static_open(path, "/.env", &f), -ERR_NOT_FOUND);
	assert_int_equal(static_open(path, "/leak.txt", &f), -ERR_NOT_FOUND);
	assert_int_equal(f.fd, -1);

	assert_string_equal(static_content_type("a/b.WOFF2"), "font/woff2");
	assert_string_equal(static_content_type("x.svg"), "image/svg+xml");
	assert_string_equal(static_content_type("noext"),
	    "application/octet-stream");
	assert_string_equal(static_content_type("dir.v1/noext"),
	    "application/octet-stream");

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(router_extracts_parameters),
		cmocka_unit_test(router_tells_404_from_405),
		cmocka_unit_test(json_bodies_within_limits_parse),
		cmocka_unit_test(json_bodies_breaking_limits_are_refused),
		cmocka_unit_test(utf8_validation_follows_rfc3629),
		cmocka_unit_test(paths_are_decoded_and_checked),
		cmocka_unit_test(status_table_covers_every_code),
		cmocka_unit_test(error_responses_have_the_shared_shape),
		cmocka_unit_test(param_ids_are_strict),
		cmocka_unit_test(numeric_arguments_are_digits_in_range),
		cmocka_unit_test(path_ids_carry_the_callers_message),
		cmocka_unit_test(body_members_are_typed),
		cmocka_unit_test(replies_and_dispositions),
		cmocka_unit_test(static_files_stay_inside_the_root),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
