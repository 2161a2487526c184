/* Unit tests for base/: buffers, arenas, errors. */
#include "unit.h"

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stops_at_its_ceiling),
		cmocka_unit_test(buf_detach_hands_over_even_when_empty),
		cmocka_unit_test(arena_allocates_zeroed_aligned_memory_within_max),
		cmocka_unit_test(err_set_returns_negative_code_and_keeps_message),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}
