/* Unit tests for base/: buffers, arenas, errors. */
#include "unit.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/cursor.h"
#include "base/err.h"
#include "base/jsonw.h"
#include "base/str.h"
#include "base/ttlcache.h"
#include "base/utf8.h"

static void
buf_grows_and_stops_at_its_ceiling(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_appendf(&b, "%d", 6789), 0);
	assert_string_equal(b.data, "123456789");
	/* Two more bytes would pass the ceiling: refused, buffer unchanged. */
	assert_int_equal(buf_puts(&b, "ab"), -ERR_TOO_LARGE);
	assert_string_equal(b.data, "123456789");
	assert_int_equal(buf_putc(&b, 'x'), 0);
	assert_int_equal(b.len, 10);
	buf_release(&b);
}

static void
buf_detach_hands_over_even_when_empty(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	buf_init(&b, 0);
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
}

static void
arena_allocates_zeroed_aligned_memory_within_max(void **state)
{
	struct arena a;
	char *s;
	void *p;

	(void)state;
	arena_init(&a, 64 * 1024);
	p = arena_alloc(&a, 3);
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	s = arena_sprintf(&a, "%s-%d", "案件", 7);
	assert_string_equal(s, "案件-7");
	assert_null(arena_alloc(&a, 65 * 1024));
	/* Large allocation below the max gets its own block. */
	p = arena_alloc(&a, 20000);
	assert_non_null(p);
	assert_int_equal(((unsigned char *)p)[19999], 0);
	arena_release(&a);
}

static void
err_set_returns_negative_code_and_keeps_message(void **state)
{
	struct err e;

	(void)state;
	err_clear(&e);
	assert_int_equal(err_field(&e, ERR_INVALID, "mobile", NULL, "手机号码格式不正确"),
	    -ERR_INVALID);
	assert_string_equal(e.key, "invalid");
	assert_string_equal(e.field, "mobile");
	assert_string_equal(e.msg, "手机号码格式不正确");
}

struct two { int64_t a, b; };

static bool
a_is(const void *v, void *arg)
{
	return ((const struct two *)v)->a == *(int64_t *)arg;
}

/* The one cache: a value lives for its TTL, a put after a forget that came
 * in between stores nothing, forget_if drops what matches. */
static void
ttl_cache_keeps_values_for_their_ttl_and_respects_forgets(void **state)
{
	static struct ttl_cache c = TTL_CACHE_INIT("test", 8,
	    sizeof(struct two), 5);
	struct two v = { 1, 2 }, got;
	int64_t k1 = 1, k2 = 2, a = 7;
	uint64_t gen;

	(void)state;
	clock_set_now(1000000);
	assert_false(ttl_cache_get(&c, &k1, sizeof(k1), &got));
	ttl_cache_put(&c, &k1, sizeof(k1), &v, ttl_cache_generation(&c));
	assert_true(ttl_cache_get(&c, &k1, sizeof(k1), &got));
	assert_int_equal(got.b, 2);
	clock_set_now(1000004);
	assert_true(ttl_cache_get(&c, &k1, sizeof(k1), &got));
	clock_set_now(1000005);
	assert_false(ttl_cache_get(&c, &k1, sizeof(k1), &got));

	/* A reader that loaded before a forget does not put stale data. */
	gen = ttl_cache_generation(&c);
	ttl_cache_forget(&c, &k2, sizeof(k2));
	ttl_cache_put(&c, &k2, sizeof(k2), &v, gen);
	assert_false(ttl_cache_get(&c, &k2, sizeof(k2), &got));

	v.a = 7;
	ttl_cache_put(&c, &k2, sizeof(k2), &v, ttl_cache_generation(&c));
	assert_true(ttl_cache_get(&c, &k2, sizeof(k2), &got));
	ttl_cache_forget_if(&c, a_is, &a);
	assert_false(ttl_cache_get(&c, &k2, sizeof(k2), &got));
	clock_set_now((int64_t)time(NULL));
}

/* Keyset cursors: what is encoded decodes; anything else is refused. */
static void
cursor_round_trips_and_refuses_forgeries(void **state)
{
	char buf[CURSOR_MAX], key[16];
	int64_t k, id;

	(void)state;
	cursor_encode_int(-5, 42, buf, sizeof(buf));
	assert_true(cursor_decode_int(buf, &k, &id));
	assert_int_equal(k, -5);
	assert_int_equal(id, 42);
	cursor_encode("1-2026-10-09", 7, buf, sizeof(buf));
	assert_true(cursor_decode(buf, key, sizeof(key), &id));
	assert_string_equal(key, "1-2026-10-09");
	assert_false(cursor_decode("1'~2", key, sizeof(key), &id));
	assert_false(cursor_decode("5~0", key, sizeof(key), &id));
	assert_false(cursor_decode("5~x", key, sizeof(key), &id));
	assert_false(cursor_decode_int("~9", &k, &id));
}

/* Settings: defaults, typed and ranged values, the file's line number. */
static void
config_checks_types_ranges_and_keys(void **state)
{
	struct err e;

	(void)state;
	config_reset();
	assert_int_equal(config_int("case.supplement_timeout_days"), 10);
	err_clear(&e);
	assert_int_equal(config_set("case.supplement_timeout_days", "0", &e),
	    -ERR_INVALID);
	assert_int_equal(config_set("no.such", "1", &e), -ERR_INVALID);
	assert_int_equal(config_set_arg("sqlite.group_commit = off", &e), 0);
	assert_false(config_bool("sqlite.group_commit"));
	/* The table is sorted: every key is found by the binary search. */
	for (size_t i = 0; i < config_count(); i++)
		assert_int_equal(config_set(config_key_at(i)->key,
		    config_key_at(i)->def, &e), 0);
	config_reset();
}

/* The hall's rule parameters are settings, each with its source
 * (docs/rules.md "Rule parameters"). */
static void
rule_parameters_are_settings_with_a_source(void **state)
{
	static const struct {
		const char *key;
		int64_t def;
		const char *source;
	} want[] = {
		{ "case.supplement_timeout_days", 10, "本地规定" },
		{ "rules.extension_joint_days", 15, "第四十二条第二款" },
		{ "rules.extension_max_days", 10, "第四十二条第一款" },
		{ "rules.extension_other_days", 30, "第四十二条第一款" },
		{ "rules.rongque_reminder_days", 2, "本地规定" },
	};

	(void)state;
	config_reset();
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct config_key *k = NULL;

		for (size_t j = 0; j < config_count(); j++)
			if (strcmp(config_key_at(j)->key, want[i].key) == 0)
				k = config_key_at(j);
		if (k == NULL)
			fail_msg("setting %s missing", want[i].key);
		assert_int_equal(config_int(want[i].key), want[i].def);
		assert_non_null(strstr(k->doc, want[i].source));
	}
}

/* Where each value came from (default, file, command line), and what the
 * settings page may show: no secret key's value, no URL credentials. */
static void
config_sources_and_redaction(void **state)
{
	char path[] = "/tmp/onetrip-config-XXXXXX", out[256];
	struct err e;
	size_t i, lock = 0, reminder = 0;
	FILE *f;
	int fd;

	(void)state;
	config_reset();
	for (i = 0; i < config_count(); i++) {
		assert_int_equal(config_source_at(i), CONFIG_SOURCE_DEFAULT);
		if (strcmp(config_key_at(i)->key, "login.lock_seconds") == 0)
			lock = i;
		if (strcmp(config_key_at(i)->key,
		    "rules.rongque_reminder_days") == 0)
			reminder = i;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# a comment\nlogin.lock_seconds = 600\n", f);
	fclose(f);
	err_clear(&e);
	assert_int_equal(config_load_file(path, &e), 0);
	unlink(path);
	assert_int_equal(config_set_arg("rules.rongque_reminder_days=3", &e), 0);
	assert_int_equal(config_source_at(lock), CONFIG_SOURCE_FILE);
	assert_string_equal(config_value_at(lock), "600");
	assert_int_equal(config_source_at(reminder), CONFIG_SOURCE_COMMAND);
	assert_string_equal(config_source_name(CONFIG_SOURCE_COMMAND),
	    "command");
	config_reset();
	assert_int_equal(config_source_at(lock), CONFIG_SOURCE_DEFAULT);

	assert_true(config_key_secret("audit.key_file"));
	assert_true(config_key_secret("sms.api_token"));
	assert_true(config_key_secret("db.password"));
	assert_false(config_key_secret("db"));
	assert_false(config_key_secret("rules.extension_max_days"));
	config_redact("postgresql://onetrip:s3cret@db.local:5432/onetrip?"
	    "sslmode=require&password=x", out, sizeof(out));
	assert_string_equal(out, "postgresql://***@db.local:5432/onetrip?***");
	config_redact("postgresql://db.local/onetrip", out, sizeof(out));
	assert_string_equal(out, "postgresql://db.local/onetrip");
	config_redact("host=db user=u password=s3cret dbname=x", out,
	    sizeof(out));
	assert_string_equal(out, "host=db user=u password=*** dbname=x");
	config_redact("sqlite:var/onetrip.db", out, sizeof(out));
	assert_string_equal(out, "sqlite:var/onetrip.db");
	config_redact("https://user:pw@upload.example/api", out, 12);
	assert_string_equal(out, "https://***");
}

static void
utf8_prefix_stops_at_a_character_boundary(void **state)
{
	(void)state;
	assert_int_equal(utf8_prefix("abc", 10), 3);
	assert_int_equal(utf8_prefix("abc", 2), 2);
	/* 理由 is 6 bytes: 4 bytes keep only 理 */
	assert_int_equal(utf8_prefix("理由", 4), 3);
	assert_int_equal(utf8_prefix("理由", 6), 6);
	assert_int_equal(utf8_prefix("理由", 2), 0);
	assert_int_equal(utf8_prefix("", 0), 0);
}

/* jsonw_value() must give the bytes jansson's compact dump gives (the API's
 * answers are compared byte for byte by clients' caches), or fail where it
 * fails. */
static void
expect_same_as_jansson(const json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	struct buf b;
	int rc;

	buf_init(&b, 0);
	rc = jsonw_value(&b, v);
	if (want == NULL)
		assert_int_not_equal(rc, 0);
	else {
		assert_int_equal(rc, 0);
		assert_int_equal(b.len, strlen(want));
		assert_memory_equal(b.data, want, b.len);
	}
	free(want);
	buf_release(&b);
}

static void
jsonw_writes_what_jansson_dumps(void **state)
{
	static const char *const texts[] = {
		"", "plain", "办件已受理，请于3日内领取", "quote \" and \\ back",
		"tab\there\nline\rcr\bbs\fff", "\x01\x1f\x7f del",
		"slash / stays", "emoji \xf0\x9f\x98\x80 and U+2028 \xe2\x80\xa8",
		"bad \xff byte", "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
		"cut \xe5\x8a", "above \xf4\x90\x80\x80",
	};
	/* ASCII, escapes, pieces of 办, 😀 and é, and a byte never in UTF-8 */
	static const char alphabet[] = "a\"\\\n\x01\x1f\xe5\x8a\x9e"
	    "\xf0\x9f\x98\x80\xc3\xa9\xff ";
	json_t *o = json_object(), *a = json_array(), *v;
	char bytes[24];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		v = json_stringn_nocheck(texts[i], strlen(texts[i]));
		expect_same_as_jansson(v);
		json_decref(v);
	}
	/* A NUL inside a string, and in a key. */
	v = json_stringn("a\0b", 3);
	expect_same_as_jansson(v);
	json_object_setn_new(o, "k\0ey", 4, v);
	json_object_set_new(o, "n", json_integer(-42));
	json_object_set_new(o, "min", json_integer(INT64_MIN));
	json_object_set_new(o, "max", json_integer(INT64_MAX));
	json_object_set_new(o, "zero", json_integer(0));
	json_object_set_new(o, "r", json_real(0.1));
	json_object_set_new(o, "r2", json_real(3.0));
	json_object_set_new(o, "t", json_true());
	json_object_set_new(o, "f", json_false());
	json_object_set_new(o, "z", json_null());
	json_object_set_new(o, "e", json_object());
	json_object_set_new(o, "ea", json_array());
	json_object_set_new(o, "名称\"", json_string("值"));
	json_array_append_new(a, json_integer(1));
	json_array_append_new(a, json_pack("{s:[s, i, {}]}", "x", "y", 2));
	json_object_set_new(o, "a", a);
	/* Keys stay in the order they were set. */
	json_object_set_new(o, "b_last", json_integer(7));
	expect_same_as_jansson(o);
	/* Random bytes, well-formed or not, in strings and keys. */
	srand(16);
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)(rand() % (int)sizeof(bytes));

		for (size_t j = 0; j < n; j++)
			bytes[j] = alphabet[rand() %
			    (int)(sizeof(alphabet) - 1)];
		v = json_object();
		json_object_setn_new_nocheck(v, bytes, n,
		    json_stringn_nocheck(bytes, n));
		expect_same_as_jansson(v);
		json_decref(v);
	}
	json_decref(o);
}

static void
jsonw_refuses_a_value_that_holds_itself(void **state)
{
	json_t *o = json_object(), *a = json_array();
	struct buf b;

	(void)state;
	/* A cycle (jansson refuses to dump it): an error, not a crash. */
	assert_int_equal(json_object_set(o, "a", a), 0);
	assert_int_equal(json_array_append(a, o), 0);
	assert_null(json_dumps(o, JSON_COMPACT));
	buf_init(&b, 0);
	assert_int_not_equal(jsonw_value(&b, o), 0);
	buf_release(&b);
	json_array_clear(a);
	json_decref(a);
	json_decref(o);
}

static void
str_copy_cuts_like_snprintf(void **state)
{
	static const char *const texts[] = { "", "a", "abcdefgh", "办件" };
	char want[16], got[16];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (size_t size = 1; size <= sizeof(got); size++) {
			memset(want, 'x', sizeof(want));
			memset(got, 'x', sizeof(got));
			snprintf(want, size, "%s", texts[i]);
			str_copy(got, size, texts[i]);
			assert_memory_equal(got, want, sizeof(got));
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stops_at_its_ceiling),
		cmocka_unit_test(buf_detach_hands_over_even_when_empty),
		cmocka_unit_test(arena_allocates_zeroed_aligned_memory_within_max),
		cmocka_unit_test(err_set_returns_negative_code_and_keeps_message),
		cmocka_unit_test(ttl_cache_keeps_values_for_their_ttl_and_respects_forgets),
		cmocka_unit_test(cursor_round_trips_and_refuses_forgeries),
		cmocka_unit_test(config_checks_types_ranges_and_keys),
		cmocka_unit_test(utf8_prefix_stops_at_a_character_boundary),
		cmocka_unit_test(rule_parameters_are_settings_with_a_source),
		cmocka_unit_test(config_sources_and_redaction),
		cmocka_unit_test(jsonw_writes_what_jansson_dumps),
		cmocka_unit_test(jsonw_refuses_a_value_that_holds_itself),
		cmocka_unit_test(str_copy_cuts_like_snprintf),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
