/* unit_db.h - a throw-away SQLite database for unit tests: a fresh mkdtemp
 * folder holding t.db, migrated to the current schema. Header-only, so each
 * test program builds alone (see the Makefile's build/unit rule). */
#ifndef ONETRIP_TESTS_UNIT_DB_H
#define ONETRIP_TESTS_UNIT_DB_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "store/db.h"

#define UNIT_DB_DIR_MAX 64

/* Makes the folder /tmp/onetrip-<name>-XXXXXX in dir (UNIT_DB_DIR_MAX
 * bytes) and opens <dir>/t.db, migrated, into *db (the caller closes it
 * with unit_db_remove()). Returns the number of migrations applied, or -1
 * after printing why. */
static inline int
unit_db_open(const char *name, char dir[UNIT_DB_DIR_MAX], struct db **db)
{
	char url[UNIT_DB_DIR_MAX + 16];
	struct err e;
	int applied = 0;

	*db = NULL;
	snprintf(dir, UNIT_DB_DIR_MAX, "/tmp/onetrip-%s-XXXXXX", name);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	if (db_open(db, url, &e) != 0 || db_migrate(*db, &applied, &e) != 0) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return applied;
}

static inline int
unit_db_unlink(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Closes db (if not NULL) and removes dir with everything in it (the
 * database, its -wal/-shm files, whatever the test wrote there). 0 or -1. */
static inline int
unit_db_remove(struct db *db, const char *dir)
{
	if (db != NULL)
		db_close(db);
	return nftw(dir, unit_db_unlink, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 :
	    -1;
}

#endif
