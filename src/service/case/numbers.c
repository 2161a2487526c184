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
