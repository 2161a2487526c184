/* bundle_internal.h - shared by the files of service/bundle only. */
#ifndef ONETRIP_SERVICE_BUNDLE_BUNDLE_INTERNAL_H
#define ONETRIP_SERVICE_BUNDLE_BUNDLE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"
#include "core/bundle.h"
#include "service/bundle/bundle.h"
#include "service/platform/platform.h"

#define BUNDLE_NAME_BYTES 256
#define BUNDLE_NO_MAX 48
/* db_tx_lock() key of one bundle application: key base ^ id. */
#define BUNDLE_LOCK_BASE INT64_C(0x6f6e657472690600)

/* A definition with the facts of its items (from their current published
 * versions). */
struct bundle_loaded {
	json_t *root;                  /* the definition (owned reference) */
	json_t *elements[BUNDLE_MAX_ITEMS]; /* each item's elements (owned) */
	struct bundle_def def;
	char item_name[BUNDLE_MAX_ITEMS][BUNDLE_NAME_BYTES];
	char result_name[BUNDLE_MAX_ITEMS][BUNDLE_NAME_BYTES];
	char dept_name[BUNDLE_MAX_ITEMS][BUNDLE_NAME_BYTES];
	int64_t dept_id[BUNDLE_MAX_ITEMS];
	bool rongque[BUNDLE_MAX_ITEMS];
};

/* Parses definition (borrowed; a reference is kept) and loads every
 * item's facts; 422 when an item is not published. L is calloc'd by the
 * caller; free with bundle_loaded_free(). */
int bundle_load(struct ctx *c, const json_t *definition,
    struct bundle_loaded *L, struct err *e);
/* Loads the definition of a bundle version. */
int bundle_load_version(struct ctx *c, int64_t version_id,
    struct bundle_loaded *L, struct err *e);
void bundle_loaded_free(struct bundle_loaded *L);
/* The summary of bundle_def_check() for the chosen items (NULL: every
 * item). New reference. */
json_t *bundle_summary(const struct bundle_loaded *L, const bool *chosen);
/* "required", "optional", "rongque" of enum catalog_necessity. */
const char *bundle_nec_name(int nec);

/* The bundle's own timeline (inside db_tx). */
int bundle_event(struct db *db, struct ctx *c, int64_t bcase_id,
    const char *action, const char *note, json_t *data, struct err *e);
/* Audit record "bundle.*" of a bundle application (inside db_tx). */
int bundle_audit(struct ctx *c, const char *action, int64_t bcase_id,
    json_t *summary, struct err *e);

/* The case domain's hook (run.c). */
int bundle_child_decided(struct ctx *c, int64_t bundle_id, int64_t case_id,
    struct err *e);
/* Creates the children that are ready (inside db_tx, the bundle row
 * locked); *created counts them. */
int bundle_start_ready(struct ctx *c, int64_t bcase_id, int *created,
    struct err *e);

#endif
