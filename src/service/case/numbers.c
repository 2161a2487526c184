/* numbers.c - a new case's id and the registration of its number
 * (case_numbers, migrations 140 and 141).
 *
 * A case created on a day of year Y gets id = Y * 10^10 + n. On
 * PostgreSQL `cases` is partitioned by range of id, one partition per year,
 * so the id alone says where the row lives and a year can be detached for
 * the archive (docs/archive.md). n is given by {{YEAR_ID}} (store/dialect.c).
 * Ids grow with time, so the keysets that end on id (inboxes, "newest
 * first" lists) keep their order. */
#include "service/case/case.h"

#include <stdlib.h>

#include "base/clock.h"

#include "store/db.h"

int
case_number_take(struct db *db, const char *day, const char *case_no,
    const char *query_code, int64_t *id, struct err *e)
{
	int64_t year = strtol(day, NULL, 10);
	int rc;

	if (year < 1000 || year > 9999)
		return err_internal(e, "case id: bad day %s", day);
	rc = db_query_int(db, e, id, "INSERT INTO case_numbers (case_no, "
	    "query_code, case_id) VALUES (?, ?, {{YEAR_ID cases}}) RETURNING "
	    "case_id", "ssi", case_no, query_code, year);
	if (rc < 0)
		return rc;
	return rc == DB_ROW ? 0 : err_internal(e, "case_numbers: no id");
}

int
case_partitions_ensure(struct ctx *c, struct err *e)
{
	char today[11];
	int64_t year;
	int rc;

	if (c->actor->kind != ACTOR_SYSTEM)
		return err_set(e, ERR_FORBIDDEN, NULL, "无权执行此操作");
	clock_date(clock_now(), today);
	year = strtol(today, NULL, 10);
	/* This year's and next year's: a year's partition is made while no
	 * case of that year exists, since PostgreSQL refuses to create it once
	 * rows of the year sit in cases_default. */
	for (int64_t y = year; y <= year + 1; y++) {
		rc = db_exec(c->db, e, "SELECT {{YEAR_PARTITION cases}}", "i",
		    y);
		if (rc < 0)
			return rc;
	}
	return 0;
}
