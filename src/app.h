/* app.h - process-wide configuration and shared handles.
 *
 * The only global state: built once at start-up, read-only afterwards. */
#ifndef ONETRIP_APP_H
#define ONETRIP_APP_H

#include <stdbool.h>

struct db;

struct config {
	const char *db_url;       /* --db / ONETRIP_DB */
	const char *listen;       /* --listen */
	const char *var_dir;      /* data files: uploads, documents, seal keys ("var") */
	const char *static_dir;   /* built web front-end ("web/dist") */
	const char *public_url;   /* base URL printed into documents and QR codes */
	bool secure_cookies;      /* add Secure to cookies (behind TLS) */
	int session_idle_s;       /* 1800 */
	int session_absolute_s;   /* 43200 */
	int login_max_failures;   /* 5 */
	int login_lock_s;         /* 900 */
};

struct app {
	struct config cfg;
	struct db *db;
};

/* Fills cfg with the defaults. */
void config_defaults(struct config *cfg);

#endif
