/* catalog_internal.h - shared by the files of service/catalog only. */
#ifndef ONETRIP_SERVICE_CATALOG_INTERNAL_H
#define ONETRIP_SERVICE_CATALOG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/catalog.h"
#include "service/catalog/catalog.h"
#include "store/db.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ITEM_LOCK_BASE 0x6974656d00000000LL /* "item" + id */
#define SEARCH_TERM_BYTES 200
/* Ends each section of item_search.text (search.c). */
#define CATALOG_SEARCH_SEP "\x1e"

#define ITEM_COLS "SELECT i.id, i.dept_id, d.name, i.basic_code, " \
	"i.impl_code, i.handle_code, i.name, i.type, i.status, i.stationed, " \
	"i.online, i.full_online, i.online_level, i.case_kind, i.visits, " \
	"i.statutory_days, i.promised_days, i.current_version_id, " \
	"pv.version_no, ov.status, i.updated_at, i.in_scope " \
	"FROM items i JOIN departments d ON d.id = i.dept_id " \
	"LEFT JOIN item_versions pv ON pv.id = i.current_version_id " \
	"LEFT JOIN item_versions ov ON ov.item_id = i.id AND " \
	"ov.status IN ('draft', 'submitted', 'returned') " \
	"LEFT JOIN item_search s ON s.item_id = i.id "

#define VERSION_COLS "SELECT id, version_no, status, elements, change_note, " \
	"created_at, submitted_at, published_at, review_reason, reviewed_at " \
	"FROM item_versions "

struct cols {
	int online, full_online, in_scope;
	int64_t objects_mask;
	char themes[CATALOG_LIST_MAX * 24 + 2];
};

struct item_row {
	int64_t id, dept_id, current_version_id;
	char status[16];
	char dept_name[400];
	char credit[24];
	char impl_code[CATALOG_IMPL_CODE_LEN + 1];
	char handle_code[CATALOG_HANDLE_CODE_MAX + 1];
};

struct write_tx {
	struct ctx *c;
	int64_t item_id;
	int64_t dept_id;
	const char *dept_name;
	const json_t *canon;
	const char *note;
	const char *reason;
	bool approve;
	int64_t req_id;
	int version_no;
};

int catalog_audit_item(struct ctx *c, const char *action, int64_t id,
    json_t *sum, struct err *e);
bool catalog_can_see_drafts(const struct actor *a, int64_t dept_id);
int catalog_check_edit(const struct actor *a, int64_t dept_id, struct err *e);
/* Every blank_form and sample the elements' materials name is a catalogue
 * file (422 "not_catalog_file" naming the material otherwise). */
int catalog_files_check(struct db *db, const json_t *elements,
    struct err *e);
int catalog_check_elements(struct ctx *c, const json_t *el, bool partial,
    json_t **canon, int64_t *dept_id, char dept_name[400], struct err *e);
int catalog_check_reason(const char *s, const char *field, bool required,
    struct err *e);
void catalog_cols_from(const struct catalog_item *it, struct cols *k);
int catalog_create_fn(struct db *db, void *arg, struct err *e);
int catalog_draft_fn(struct db *db, void *arg, struct err *e);
char *catalog_el_dump(const json_t *el);
json_t *catalog_id_or_null(int64_t id);
void catalog_idtxt(char out[24], int64_t id);
bool catalog_is_reviewer(const struct actor *a);
bool catalog_is_staff(const struct actor *a);
int catalog_item_columns_set(struct db *db, int64_t item_id,
    const struct catalog_item *it, struct err *e);
int catalog_item_load(struct db *db, int64_t id, struct item_row *r,
    struct err *e);
int catalog_item_summary(struct ctx *c, int64_t id, bool with_open,
    json_t **out, struct err *e);
int catalog_lock_item(struct db *db, int64_t id, struct err *e);
int catalog_max_version(struct db *db, int64_t item_id, int *out,
    struct err *e);
int catalog_open_version(struct db *db, int64_t item_id, json_t **out,
    struct err *e);
int catalog_parse_el(const json_t *el, struct catalog_item *it, struct err *e);
int catalog_publish_version(struct db *db, struct write_tx *t, int64_t vid,
    const json_t *canon, struct err *e);
int catalog_published_version(struct db *db, int64_t vid, json_t **out,
    struct err *e);
int catalog_search_put(struct db *db, int64_t item_id, const json_t *el,
    const char *dept_name, struct err *e);
int catalog_submit_fn(struct db *db, void *arg, struct err *e);
/* Inside publish's transaction: the restrictions of canon against the
 * published prev (NULL: none) and, when there are any, the request filed
 * for them (*req_id). reason: the publisher's or the draft's note. */
int catalog_restriction_file(struct ctx *c, struct db *db, int64_t item_id,
    int64_t dept_id, int64_t version_id, const json_t *prev,
    const json_t *canon, const char *reason, int64_t *req_id,
    struct err *e);
json_t *catalog_summary_row(struct db_stmt *s, bool with_open);
int catalog_version_get(struct db *db, struct db_stmt *s, json_t **out,
    struct err *e);

/* The search synonyms as [[term, words]..] (synonyms.c; for search.c). */
int catalog_synonym_pairs(struct ctx *c, json_t **out, struct err *e);

#endif
