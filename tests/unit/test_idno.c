/* Unit tests for base/idno.c: ID numbers (GB 11643), credit codes
 * (GB 32100), mobiles, masking. */
#include "unit.h"

#include <stdio.h>
#include <time.h>

#include "base/clock.h"
#include "base/idno.h"

static const char *const persons[] = {
	"61092919900315001X", "610929198511080025", "610929200002290032",
};
static const char *const credits[] = {
	"91610929MA0BHE001T", "91610929MA0BHE002X",
};

static int
reset_clock(void **state)
{
	(void)state;
	clock_set_now((int64_t)time(NULL));
	return 0;
}

/* A complete ID number from a 17-digit prefix. */
static void
person_with_check(const char *first17, char out[19])
{
	char c = idno_person_check(first17);

	assert_true(c != 0);
	snprintf(out, 19, "%s%c", first17, c);
}

static void
valid_examples_pass(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(persons) / sizeof(persons[0]); i++)
		assert_true(idno_person_valid(persons[i]));
	for (size_t i = 0; i < sizeof(credits) / sizeof(credits[0]); i++)
		assert_true(idno_credit_code_valid(credits[i]));
	assert_int_equal(idno_person_check("61092919900315001"), 'X');
	assert_int_equal(idno_person_check("61092919851108002"), '5');
	assert_int_equal(idno_credit_code_check("91610929MA0BHE001"), 'T');
	assert_int_equal(idno_credit_code_check("91610929MA0BHE002"), 'X');
	/* An ID number is not a credit code and vice versa. */
	assert_false(idno_credit_code_valid("61092919900315001X"));
	assert_false(idno_person_valid("91610929MA0BHE001T"));
}

static void
every_single_change_of_a_person_id_is_rejected(void **state)
{
	static const char alphabet[] = "0123456789Xx";
	char s[19];
	int tried = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(persons) / sizeof(persons[0]); k++) {
		for (int pos = 0; pos < 18; pos++) {
			for (const char *a = alphabet; *a != '\0'; a++) {
				memcpy(s, persons[k], 19);
				if (s[pos] == *a)
					continue;
				s[pos] = *a;
				if (idno_person_valid(s)) {
					fprintf(stderr, "accepted %s\n", s);
					fail();
				}
				tried++;
			}
		}
	}
	assert_true(tried > 3 * 18 * 10);
}

static void
every_single_change_of_a_credit_code_is_rejected(void **state)
{
	static const char alphabet[] =
	    "0123456789ABCDEFGHJKLMNPQRTUWXYIOZSVabcxy";
	char s[19];

	(void)state;
	for (size_t k = 0; k < sizeof(credits) / sizeof(credits[0]); k++) {
		for (int pos = 0; pos < 18; pos++) {
			for (const char *a = alphabet; *a != '\0'; a++) {
				memcpy(s, credits[k], 19);
				if (s[pos] == *a)
					continue;
				s[pos] = *a;
				if (idno_credit_code_valid(s)) {
					fprintf(stderr, "accepted %s\n", s);
					fail();
				}
			}
		}
	}
}

static void
wrong_length_and_case_are_rejected(void **state)
{
	(void)state;
	assert_false(idno_person_valid(""));
	assert_false(idno_person_valid(NULL));
	assert_false(idno_person_valid("61092919900315001"));
	assert_false(idno_person_valid("61092919900315001X0"));
	assert_false(idno_person_valid("610929900315001"));  /* old 15-digit */
	/* The checker is exact; services upper-case a lower-case x first. */
	assert_false(idno_person_valid("61092919900315001x"));
	assert_false(idno_credit_code_valid("91610929MA0BHE001"));
	assert_false(idno_credit_code_valid("91610929MA0BHE001T1"));
	assert_false(idno_credit_code_valid("91610929ma0bhe001t"));
	assert_false(idno_credit_code_valid(NULL));
	/* Characters outside the alphabet have no check character. */
	assert_int_equal(idno_credit_code_check("91610929MA0BHI001"), 0);
	assert_int_equal(idno_person_check("6109291990031500A"), 0);
	assert_int_equal(idno_person_check("6109291990"), 0);
}

static void
birth_date_must_exist(void **state)
{
	char s[19];

	(void)state;
	person_with_check("61092919990229003", s);  /* 1999 is not leap */
	assert_false(idno_person_valid(s));
	person_with_check("61092919000229003", s);  /* 1900 is not leap */
	assert_false(idno_person_valid(s));
	person_with_check("61092920000229003", s);  /* 2000 is */
	assert_true(idno_person_valid(s));
	person_with_check("61092219960229003", s);
	assert_true(idno_person_valid(s));
	person_with_check("61092219901301003", s);  /* month 13 */
	assert_false(idno_person_valid(s));
	person_with_check("61092219900431003", s);  /* 31 April */
	assert_false(idno_person_valid(s));
	person_with_check("61092219900100003", s);  /* day 0 */
	assert_false(idno_person_valid(s));
	person_with_check("61092218991231003", s);  /* before 1900 */
	assert_false(idno_person_valid(s));
	person_with_check("01092219900101003", s);  /* no region 0xxxxx */
	assert_false(idno_person_valid(s));
}

static void
birth_date_may_not_be_in_the_future(void **state)
{
	char s[19];

	(void)state;
	/* 2024-06-01 10:00 in Beijing. */
	clock_set_now(1717207200);
	person_with_check("61092920240601003", s);
	assert_true(idno_person_valid(s));
	person_with_check("61092920240602003", s);
	assert_false(idno_person_valid(s));
	person_with_check("61092920250101003", s);
	assert_false(idno_person_valid(s));
	clock_set_now((int64_t)time(NULL));
	assert_true(idno_person_valid("610929200002290032"));
}

static void
mobiles(void **state)
{
	(void)state;
	assert_true(idno_mobile_valid("13812345678"));
	assert_true(idno_mobile_valid("19912345678"));
	assert_false(idno_mobile_valid("1381234567"));
	assert_false(idno_mobile_valid("138123456789"));
	assert_false(idno_mobile_valid("23812345678"));
	assert_false(idno_mobile_valid("12812345678"));
	assert_false(idno_mobile_valid("1381234567a"));
	assert_false(idno_mobile_valid("+8613812345"));
	assert_false(idno_mobile_valid(""));
	assert_false(idno_mobile_valid(NULL));
}

static void
masking(void **state)
{
	char out[32];

	(void)state;
	idno_mask("61092919900315001X", out, sizeof(out));
	assert_string_equal(out, "610929********001X");
	idno_mask("91610929MA0BHE001T", out, sizeof(out));
	assert_string_equal(out, "916109********001T");
	idno_mask("13812345678", out, sizeof(out));
	assert_string_equal(out, "138****5678");
	idno_mask("window01", out, sizeof(out));
	assert_string_equal(out, "w******1");
	idno_mask("ab", out, sizeof(out));
	assert_string_equal(out, "**");
	/* Too small a buffer: empty rather than a partial, unmasked copy. */
	idno_mask("61092919900315001X", out, 10);
	assert_string_equal(out, "");
	idno_mask(NULL, out, sizeof(out));
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_examples_pass),
		cmocka_unit_test(every_single_change_of_a_person_id_is_rejected),
		cmocka_unit_test(every_single_change_of_a_credit_code_is_rejected),
		cmocka_unit_test(wrong_length_and_case_are_rejected),
		cmocka_unit_test(birth_date_must_exist),
		cmocka_unit_test_teardown(birth_date_may_not_be_in_the_future,
		    reset_clock),
		cmocka_unit_test(mobiles),
		cmocka_unit_test(masking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
