/* app.h - the shared handles of one process: the settings snapshot and the
 * database. Built once at start-up, read-only afterwards. */
#ifndef ONETRIP_APP_H
#define ONETRIP_APP_H

#include "base/config.h"

struct db;
struct http_hooks;

struct app {
	struct config cfg;
	struct db *db;
	/* db.read_url (PostgreSQL standby), or NULL: the requests of the
	 * routes marked `standby` run on it (docs/deploy.md). */
	struct db *db_read;
};

/* Fills the transport's hooks (src/app.c) for `onetrip serve`: service
 * context per request, sessions, readiness. */
void app_http_hooks(struct app *app, struct http_hooks *h);

#endif
