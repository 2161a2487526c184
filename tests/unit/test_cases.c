/* Unit tests for the pure parts of cases (service/cases_rules.c), and the
 * inbox rank column of migration 020 against case_rank() on SQLite. */
#include "unit.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/cursor.h"
#include "core/catalog.h"
#include "service/case/case.h"
#include "service/case/case_internal.h"
#include "store/db.h"
#include "unit_db.h"

#define IMPL "11610929016120006K4000101001001"

static void
test_case_no(void **state)
{
	char no[CASE_NO_MAX];
	struct err e;

	(void)state;
	assert_int_equal(case_no_format(IMPL, "2026-09-29", 1, no, &e), 0);
	assert_string_equal(no, IMPL "202609290001");
	assert_int_equal(strlen(no), 31 + 8 + 4);
	assert_int_equal(case_no_format(IMPL, "2026-09-29", 42, no, &e), 0);
	assert_string_equal(no, IMPL "202609290042");
	assert_int_equal(case_no_format(IMPL, "2026-12-31", 9999, no, &e), 0);
	assert_string_equal(no, IMPL "202612319999");
	/* Past 9999 a day the number grows instead of wrapping. */
	assert_int_equal(case_no_format(IMPL, "2026-12-31", 10000, no, &e), 0);
	assert_string_equal(no, IMPL "2026123110000");

	assert_int_equal(case_no_format(IMPL, "2026-02-30", 1, no, &e),
	    -ERR_INVALID);
	assert_int_equal(case_no_format(IMPL, "20260929", 1, no, &e),
	    -ERR_INVALID);
	assert_int_equal(case_no_format(IMPL, "2026-09-29", 0, no, &e),
	    -ERR_INVALID);
	assert_int_equal(case_no_format(IMPL, "2026-09-29", 100000, no, &e),
	    -ERR_INVALID);
	assert_int_equal(case_no_format("11610929016120006k4000101001001",
	    "2026-09-29", 1, no, &e), -ERR_INVALID);
	assert_int_not_equal(case_no_format("short", "2026-09-29", 1, no, &e),
	    0);
}

static void
test_cursor(void **state)
{
	char buf[64], rank[16];
	int64_t id;

	(void)state;
	cursor_encode("02026-10-09", 123, buf, sizeof(buf));
	assert_string_equal(buf, "02026-10-09~123");
	assert_true(cursor_decode(buf, rank, sizeof(rank), &id));
	assert_string_equal(rank, "02026-10-09");
	assert_int_equal(id, 123);

	cursor_encode("", 7, buf, sizeof(buf));
	assert_true(cursor_decode(buf, rank, sizeof(rank), &id));
	assert_string_equal(rank, "");
	assert_int_equal(id, 7);

	/* Malformed cursors are refused, never half-parsed. */
	assert_false(cursor_decode(NULL, rank, sizeof(rank), &id));
	assert_false(cursor_decode("", rank, sizeof(rank), &id));
	assert_false(cursor_decode("123", rank, sizeof(rank), &id));
	assert_false(cursor_decode("~0", rank, sizeof(rank), &id));
	assert_false(cursor_decode("~-5", rank, sizeof(rank), &id));
	assert_false(cursor_decode("~12x", rank, sizeof(rank), &id));
	assert_false(cursor_decode("a'--~12", rank, sizeof(rank), &id));
	assert_false(cursor_decode("~99999999999999999999", rank,
	    sizeof(rank), &id));
	assert_false(cursor_decode("0123456789012345678~1", rank,
	    sizeof(rank), &id));
}

static void
test_rank(void **state)
{
	char r[16], s[16];

	(void)state;
	case_rank("red", "2026-10-01", r);
	assert_string_equal(r, "02026-10-01");
	case_rank("yellow", "2026-09-01", s);
	assert_string_equal(s, "12026-09-01");
	assert_true(strcmp(r, s) < 0); /* red before yellow, whatever the day */
	case_rank("green", "2026-09-01", s);
	assert_string_equal(s, "22026-09-01");
	case_rank("paused", NULL, s);
	assert_string_equal(s, "3");
	case_rank(NULL, NULL, s);
	assert_string_equal(s, "4");
	case_rank("red", "2026-09-30", s);
	assert_true(strcmp(s, r) < 0); /* within a level: earliest due first */
}

static void
test_labels(void **state)
{
	(void)state;
	assert_string_equal(case_delivery_label("window"), "窗口领取");
	assert_string_equal(case_delivery_label("post"), "邮寄送达");
	assert_string_equal(case_delivery_label("download"), "网上下载");
	assert_null(case_delivery_label("pigeon"));
	assert_null(case_delivery_label(NULL));
	assert_string_equal(case_mode_label("rongque"), "容缺受理");
	assert_string_equal(case_mode_label("commitment"), "告知承诺受理");
	assert_string_equal(case_mode_label("normal"), "正常受理");
	assert_null(case_mode_label("other"));
}

static void
test_missing_required(void **state)
{
	int nec[] = { NEC_REQUIRED, NEC_OPTIONAL, NEC_RONGQUE, NEC_REQUIRED };
	bool all[] = { true, true, true, true };
	bool some[] = { true, false, false, false };
	int blk[4];

	(void)state;
	assert_int_equal(case_missing_required(nec, all, 4, blk), 0);
	/* optional never blocks; required and 容缺可后补 do */
	assert_int_equal(case_missing_required(nec, some, 4, blk), 2);
	assert_int_equal(blk[0], 2);
	assert_int_equal(blk[1], 3);
	assert_int_equal(case_missing_required(nec, some, 0, blk), 0);
}

/* A plan that cannot hold every document fails whole: a notice the law
 * requires is never silently dropped (it was, past four documents). */
static void
test_plan_document_overflow(void **state)
{
	struct case_plan p;
	struct ctx c;
	struct err e;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	p.c = &c;
	for (int i = 0; i < CASE_MAX_DOCS; i++)
		assert_int_equal(case_plan_doc(&p, "accept_notice", NULL), 0);
	assert_false(p.overflow);
	assert_int_equal(case_plan_doc(&p, "commitment", NULL), -ERR_INTERNAL);
	assert_true(p.overflow);
	err_clear(&e);
	assert_int_equal(case_plan_run(&p, &e), -ERR_INTERNAL);
	assert_int_equal(e.code, ERR_INTERNAL);
	case_plan_release(&p);
}

/* The generated column inbox_rank of migration 020 sorts exactly as
 * case_rank() says (the inbox cursor relies on it). */
static void
test_rank_column(void **state)
{
	static const char *levels[] = { "red", "yellow", "green", "paused",
	    NULL };
	static const char *days[] = { "2026-10-09", NULL };
	char dir[UNIT_DB_DIR_MAX], want[16];
	struct db *db = NULL;
	struct err e;

	(void)state;
	assert_true(unit_db_open("test-cases", dir, &db) > 0);
	assert_int_equal(db_exec(db, &e, "INSERT INTO departments (name, "
	    "created_at) VALUES ('d', 0)", ""), 0);
	assert_int_equal(db_exec(db, &e, "INSERT INTO items (dept_id, "
	    "basic_code, impl_code, name, type, created_at, updated_at) "
	    "VALUES (1, 'b', 'i', 'n', '01', 0, 0)", ""), 0);
	assert_int_equal(db_exec(db, &e, "INSERT INTO item_versions (item_id, "
	    "version_no, elements, created_at) VALUES (1, 1, '{}', 0)", ""), 0);
	for (size_t l = 0; l < 5; l++) {
		for (size_t d = 0; d < 2; d++) {
			struct db_stmt *s;
			char no[16];

			snprintf(no, sizeof(no), "n%zu%zu", l, d);
			assert_int_equal(db_exec(db, &e, "INSERT INTO cases "
			    "(case_no, item_id, item_version_id, dept_id, "
			    "applicant_kind, applicant_name, applicant_idno, "
			    "channel, state, created_at, updated_at, warn_level, "
			    "due_day) VALUES (?, 1, 1, 1, 'P', 'x', 'y', 'online', "
			    "'submitted', 0, 0, ?, ?)", "sss", no, levels[l],
			    days[d]), 0);
			s = db_query(db, &e, "SELECT inbox_rank FROM cases "
			    "WHERE case_no = ?", "s", no);
			assert_non_null(s);
			assert_int_equal(db_step(s, &e), DB_ROW);
			case_rank(levels[l], days[d], want);
			assert_string_equal(db_col_text(s, 0), want);
			db_finish(s);
		}
	}
	assert_int_equal(unit_db_remove(db, dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_no),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_rank_column),
		cmocka_unit_test(test_plan_document_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
