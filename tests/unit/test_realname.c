/* Unit tests for the one rule of who is a record's applicant
 * (actor_is_applicant_of, service/platform/ctx.c; 实名等级). */
#include "unit.h"

#include <stdio.h>
#include <string.h>

#include "service/platform/platform.h"

#define IDNO "61092919900315001X"

static void
applicant(struct actor *a, int64_t id, const char *login, int level)
{
	memset(a, 0, sizeof(*a));
	a->user_id = id;
	a->kind = ACTOR_PERSON;
	a->roles = ROLE_APPLICANT;
	a->realname = level;
	snprintf(a->login, sizeof(a->login), "%s", login);
}

static void
unverified_sees_only_what_it_created(void **state)
{
	struct actor a;

	(void)state;
	applicant(&a, 7, IDNO, REALNAME_NONE);
	assert_true(actor_is_applicant_of(&a, 7, IDNO));
	assert_true(actor_is_applicant_of(&a, 7, "610929198511080025"));
	/* a window registration of its ID number: not yet */
	assert_false(actor_is_applicant_of(&a, 3, IDNO));
	assert_false(actor_is_applicant_of(&a, 0, IDNO));
	assert_string_equal(actor_claim_idno(&a), "");
}

static void
verified_owns_its_number(void **state)
{
	struct actor a;

	(void)state;
	applicant(&a, 7, IDNO, REALNAME_VERIFIED);
	assert_true(actor_is_applicant_of(&a, 3, IDNO));
	assert_false(actor_is_applicant_of(&a, 3, "610929198511080025"));
	assert_false(actor_is_applicant_of(&a, 3, ""));
	assert_false(actor_is_applicant_of(&a, 3, NULL));
	assert_string_equal(actor_claim_idno(&a), IDNO);
	a.kind = ACTOR_ENTERPRISE;
	assert_true(actor_is_applicant_of(&a, 0, IDNO));
}

static void
staff_and_nobody_are_never_applicants(void **state)
{
	struct actor a;

	(void)state;
	assert_false(actor_is_applicant_of(NULL, 1, IDNO));
	applicant(&a, 7, IDNO, REALNAME_VERIFIED);
	a.kind = ACTOR_STAFF;
	a.roles = ROLE_CLERK;
	assert_false(actor_is_applicant_of(&a, 7, IDNO));
	assert_string_equal(actor_claim_idno(&a), "");
	actor_system(&a, "test");
	assert_false(actor_is_applicant_of(&a, 0, IDNO));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unverified_sees_only_what_it_created),
		cmocka_unit_test(verified_owns_its_number),
		cmocka_unit_test(staff_and_nobody_are_never_applicants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
