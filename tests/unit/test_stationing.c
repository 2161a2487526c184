/* Unit tests for core/stationing: where an application is received, and
 * the flags of a department whose items' acceptance contradicts its mode. */
#include "unit.h"

#include "core/catalog.h"
#include "core/stationing.h"

static void
acceptance_place(void **state)
{
	(void)state;
	assert_int_equal(stationing_acceptance_place(true, STATIONING_FULL),
	    ACCEPT_AT_HALL_WINDOW);
	assert_int_equal(stationing_acceptance_place(true,
	    STATIONING_DELEGATED), ACCEPT_AT_HALL_WINDOW);
	assert_int_equal(stationing_acceptance_place(false, STATIONING_FULL),
	    ACCEPT_BY_DEPARTMENT);
	assert_int_equal(stationing_acceptance_place(true, STATIONING_NONE),
	    ACCEPT_BY_DEPARTMENT);
	assert_int_equal(stationing_mode_parse("delegated"),
	    STATIONING_DELEGATED);
	assert_int_equal(stationing_mode_parse("x"), -1);
	assert_int_equal(stationing_mode_parse(NULL), -1);
	assert_string_equal(stationing_mode_label(STATIONING_FULL), "成建制进驻");
}

static void
flags_follow_the_mode(void **state)
{
	struct stationing_facts f = { STATIONING_FULL, false, 3, 3, 3, 0, 0,
	    true };

	(void)state;
	assert_int_equal(stationing_flags(&f), 0);
	f.own_window_items = 2;
	f.uncarried_items = 1;
	assert_int_equal(stationing_flags(&f), STATIONING_FLAG_FULL_NOT_OWN |
	    STATIONING_FLAG_UNCARRIED);

	f = (struct stationing_facts){ STATIONING_DELEGATED, false, 2, 2, 0, 2,
	    0, true };
	assert_int_equal(stationing_flags(&f), 0);
	f.own_window_items = 1;
	assert_int_equal(stationing_flags(&f), STATIONING_FLAG_DELEGATED_OWN);
	f.own_window_items = 0;
	f.comprehensive_items = 1;
	assert_int_equal(stationing_flags(&f),
	    STATIONING_FLAG_DELEGATED_NOT_COMP);

	f = (struct stationing_facts){ STATIONING_NONE, true, 0, 0, 0, 0, 0,
	    false };
	assert_int_equal(stationing_flags(&f), 0);
	f.has_reason = false;
	f.items = 2;
	f.stationed_items = 1;
	assert_int_equal(stationing_flags(&f), STATIONING_FLAG_NO_REASON |
	    STATIONING_FLAG_NONE_STATIONED | STATIONING_FLAG_NO_RESPONSIBLE);
	assert_string_equal(stationing_flag_code(STATIONING_FLAG_NO_RESPONSIBLE),
	    "no_responsible");
	assert_non_null(stationing_flag_text(STATIONING_FLAG_UNCARRIED));
	assert_null(stationing_flag_code(3));
}

static void
restricting_versions(void **state)
{
	struct catalog_item b, a;
	char text[400];

	(void)state;
	catalog_item_init(&b);
	b.stationed = true;
	b.online_level = 4;
	b.visits = 0;
	b.promised_days = 5;
	a = b;
	assert_int_equal(catalog_restrictions(&b, &a), 0);
	assert_int_equal(catalog_restrictions(NULL, &a), 0);
	a.promised_days = 3;
	a.online_level = 4;
	assert_int_equal(catalog_restrictions(&b, &a), 0);
	a.stationed = false;
	a.online_level = 2;
	a.visits = 1;
	a.promised_days = 8;
	assert_int_equal(catalog_restrictions(&b, &a),
	    CATALOG_RESTRICT_UNSTATIONED | CATALOG_RESTRICT_ONLINE_LEVEL |
	    CATALOG_RESTRICT_VISITS | CATALOG_RESTRICT_PROMISED);
	catalog_restrictions_text(catalog_restrictions(&b, &a), &b, &a, text,
	    sizeof(text));
	assert_non_null(strstr(text, "撤出政务大厅；网上办理深度由"));
	assert_non_null(strstr(text, "到现场次数由 0 次增为 1 次"));
	assert_non_null(strstr(text, "承诺办结时限由 5 个工作日延长为 8 个工作日"));
	catalog_restrictions_text(CATALOG_RESTRICT_PROMISED, &b, &a, text, 12);
	assert_true(strlen(text) < 12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acceptance_place),
		cmocka_unit_test(flags_follow_the_mode),
		cmocka_unit_test(restricting_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
