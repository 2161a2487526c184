/* app.h - the shared handles of one process: the settings snapshot and the
 * database. Built once at start-up, read-only afterwards. */
#ifndef ONETRIP_APP_H
#define ONETRIP_APP_H

#include "base/config.h"

struct db;

struct app {
	struct config cfg;
	struct db *db;
};


#endif
