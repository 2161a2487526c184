/* catalog.h - the public interface of the service domain "catalog". */
#ifndef ONETRIP_SERVICE_CATALOG_CATALOG_H
#define ONETRIP_SERVICE_CATALOG_CATALOG_H

/* catalog.h - the service catalogue (service/catalog.c): items and their
 * versions, review and publication, withdrawal requests, the public guide,
 * search, and CSV/XLSX import and export.
 *
 * Versions. An item's elements live in item_versions (JSON, core/catalog.h).
 * A department admin (or the hall admin) saves a draft, submits it, and the
 * hall admin (审改办) publishes it or returns it with a reason. Version
 * numbers count per item from 1; a published version's row is never
 * changed again except its status turning 'superseded' when a newer one is
 * published. items.current_version_id is the published version a new case
 * binds to (cases.item_version_id). At most one version is open (draft,
 * submitted or returned) per item.
 *
 * Validation. Saving a draft runs the full check (catalog_check_json with
 * draft = false) unless the request says partial = true, in which case only
 * formats are checked; submitting and publishing always run the full check.
 * The 实施编码 must start with the department's 统一社会信用代码.
 *
 * Withdrawals (进驻事项不得随意撤回). A dept admin asks to withdraw a published
 * item from the hall (scope "hall") or from online handling ("online"); the
 * hall admin approves or rejects (a request of kind "item_withdrawal" on
 * the one request queue, service/platform). Approval publishes a NEW version made by
 * the system from the current one: "hall" sets stationed = false (the item
 * also leaves every window, window_items), "online" sets online_level Ⅰ,
 * depth "1" (consultation only), drops the online handling forms and the
 * URL and asks for at least one visit. So the change shows in the version
 * history and in the diff like any other. An open draft keeps its content
 * and is renumbered after the new version.
 *
 * Reloading. Nothing of the catalogue is cached across requests: every
 * request reads the database, so a publication is visible to the next
 * request without a restart.
 *
 * Search. item_search holds one text per item (name, codes, department,
 * type, result, materials, theme labels and keyword aliases such as 社保 for
 * 社会保险); it follows the current published version (or the draft of an
 * item never published). Terms are split on white space (at most
 * CATALOG_SEARCH_TERMS); every term must match. SQLite: FTS5 trigram for
 * terms of 3 or more characters, LIKE for shorter ones; PostgreSQL: ILIKE
 * on a pg_trgm GIN index. The dialect difference lives in one static
 * function of catalog.c (items_query). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "service/platform/platform.h"

struct db;

#define CATALOG_SEARCH_TERMS 4
#define CATALOG_ITEMS_FILE "data/catalog/items.json"

/* Filters of the staff list and of the guide. Zero/NULL do not filter. */
struct item_filter {
	int64_t dept_id;
	const char *status;  /* staff: "draft" (has an open version), "published",
	                      * "withdrawn", "submitted" */
	const char *type;    /* "01" ... */
	const char *theme;   /* theme code */
	const char *object;  /* "person" | "enterprise" (guide) */
	const char *q;       /* search text */
	int64_t after_id;    /* keyset cursor */
	int limit;
};

/* --- staff: items and versions --- */

/* {"items":[summary..], "next_cursor": "id"|null}. dept_admin: own
 * department only; hall_admin, supervisor, sysadmin: all; clerks and
 * approvers: published items only. */
int catalog_items_list(struct ctx *c, const struct item_filter *f,
    json_t **out, struct err *e);
/* {item, published:{id, version_no, status, elements, published_at}|null,
 * draft:{...}|null} (draft only for who may see drafts). */
int catalog_item_get(struct ctx *c, int64_t id, json_t **out, struct err *e);
/* New item with draft version 1: {item, draft}. */
int catalog_item_create(struct ctx *c, const json_t *elements, bool partial,
    json_t **out, struct err *e);
/* Creates or replaces the open draft: {item, draft}. */
int catalog_item_draft_put(struct ctx *c, int64_t id, const json_t *elements,
    const char *change_note, bool partial, json_t **out, struct err *e);
int catalog_item_submit(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* Submitted versions awaiting review (hall_admin), oldest first, one page
 * of limit (0: default) after cursor; next_cursor is null on the last page. */
int catalog_reviews_list(struct ctx *c, const char *cursor, int limit,
    json_t **out, struct err *e);
/* Publishes the submitted version. A version that restricts the item
 * (core/catalog.h catalog_restrictions: out of the hall, a lower online
 * level, more trips, a longer promised limit) is not published: a request
 * of kind "item_restriction" is filed on the one queue with reason (or the
 * draft's change note; one of them required), *filed is set and *out is
 * {request, item}; the hall's approval publishes it, a rejection returns
 * it. */
int catalog_item_publish(struct ctx *c, int64_t id, const char *reason,
    bool *filed, json_t **out, struct err *e);
int catalog_item_return(struct ctx *c, int64_t id, const char *reason,
    json_t **out, struct err *e);
/* {"items":[{id, version_no, status, change_note, created_at, published_at,
 * review_reason}..]} newest first; drafts only for who may see them. */
int catalog_item_versions(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
int catalog_item_version(struct ctx *c, int64_t id, int version_no,
    json_t **out, struct err *e);
/* {"from", "to", "changes": catalog_diff()}. */
int catalog_item_diff(struct ctx *c, int64_t id, int from, int to,
    json_t **out, struct err *e);

/* --- withdrawals --- */

int catalog_withdrawal_request(struct ctx *c, int64_t item_id,
    const char *scope, const char *reason, json_t **out, struct err *e);
int catalog_withdrawals_list(struct ctx *c, const char *status,
    json_t **out, struct err *e);
/* The same, one page at a time (cursor: next_cursor of the previous page,
 * limit 0: default). */
int catalog_withdrawals_page(struct ctx *c, const char *status,
    const char *cursor, int limit, json_t **out, struct err *e);
/* Registers the catalog's request kinds ("item_withdrawal") with the
 * request queue (service/platform); called once at start-up. */
void catalog_requests_register(void);
int catalog_withdrawal_decide(struct ctx *c, int64_t id, bool approve,
    const char *reason, json_t **out, struct err *e);

/* --- public guide (published versions only, no login) --- */

int catalog_guide_list(struct ctx *c, const struct item_filter *f,
    json_t **out, struct err *e);
/* {item:{...summary}, elements, version_no, dept:{...}, windows:[...]} */
int catalog_guide_item(struct ctx *c, int64_t id, json_t **out,
    struct err *e);
/* {"items":[{code, label, audience:"person"|"enterprise"|"both",
 * item_count}]} */
int catalog_guide_themes(struct ctx *c, json_t **out, struct err *e);
int catalog_guide_types(struct ctx *c, json_t **out, struct err *e);
/* 0 when sha256 is the blank form or sample of the item's published
 * version, else ERR_NOT_FOUND. */
/* Registers a stored file (records: file_store) as a catalogue file, a
 * blank form or sample a material may name (service/catalog/files.c):
 * department admin or hall admin; refused (422 "applicant_file") when an
 * applicant uploaded the same file. Audit "catalog.file_upload". */
int catalog_file_register(struct ctx *c, const char *sha256,
    const char *name, struct err *e);
int catalog_guide_file_check(struct ctx *c, int64_t item_id,
    const char *sha256, struct err *e);

/* --- import and export --- */

/* The column set of the CSV/XLSX files (header row, in order):
 * basic_code, impl_code, handle_code, type, name, dept, level, legal_basis,
 * objects (JSON array), conditions, materials (JSON array), statutory_days
 * (empty = not set by law), promised_days, time_note, case_kind,
 * fee_charged (0/1), fee_basis, fee_items (JSON), handling_forms (JSON),
 * online_depth ("1^2^3"), online_level, online_url, visits, visit_reason,
 * stationed, window_authorised, rongque, commitment, high_risk (0/1),
 * result_name, result_type, delivery (JSON), tongban, consult_phone,
 * complaint_phone, faq (JSON), place, hours, themes (JSON). */
extern const char *const catalog_csv_columns[];
/* The published items as CSV (format "csv", UTF-8 with BOM) or XLSX;
 * *ctype gets the content type. Staff only. */
int catalog_export(struct ctx *c, const char *format, struct buf *out,
    const char **ctype, struct err *e);
/* Imports CSV (hall_admin). Every row is checked in full; when any row is
 * bad, nothing is stored, the function returns -ERR_UNPROCESSABLE and
 * *rows gets [{line, column, reason}..] for every bad row. Otherwise each
 * row creates a new item or replaces the open version of the item with the
 * same (impl_code, handle_code) with a SUBMITTED version (change note
 * "CSV 导入"), all in one transaction, for the hall admin to publish.
 * *imported = rows imported. */
int catalog_import_csv(struct ctx *c, const char *data, size_t len,
    int *imported, json_t **rows, struct err *e);

/* --- search synonyms (hall admin; service/catalog/synonyms.c) --- */

/* {"items":[{id, term, words, updated_at, updated_by_name}]} by term. */
int catalog_synonyms_list(struct ctx *c, json_t **out, struct err *e);
/* Creates or replaces the words of term (space-separated; 、，also
 * separate): {id, term, words, created}. Audited. */
int catalog_synonym_put(struct ctx *c, const char *term, const char *words,
    json_t **out, struct err *e);
/* Deletes one (ERR_NOT_FOUND "synonym_not_found"). Audited. */
int catalog_synonym_delete(struct ctx *c, int64_t id, struct err *e);

/* --- building blocks (demo loader, import) --- */

/* The search text of elements (canonical JSON) into out. */
int catalog_search_text(const json_t *elements, const char *dept_name,
    struct buf *out);
/* Inside a transaction: inserts a published item with version 1 from
 * canonical elements unless (impl_code, handle_code) exists. *created says
 * whether it was new; *item_id is its id either way. Audited. */
int catalog_item_insert_published(struct ctx *c, int64_t dept_id,
    const char *dept_name, const json_t *canon, bool *created,
    int64_t *item_id, struct err *e);

/* The indicators' facts of published versions (item_version_facts,
 * service/catalog/facts.c). No role check: these write only what published
 * versions already say, a derived row per version.
 * catalog_facts_put: inside the publishing transaction, the facts of the
 * just-published version vid from its (checked, canonical) elements.
 * catalog_facts_fill: in its own transaction, the facts of every published
 * version without them (a catalogue loaded straight into the database);
 * *written rows written, *skipped versions whose elements do not parse.
 * Idempotent. catalog_facts_missing: published versions minus fact rows,
 * from two index counts (> 0: catalog_facts_fill has work). */
int catalog_facts_put(struct db *db, int64_t vid, const json_t *elements,
    struct err *e);
int catalog_facts_fill(struct db *db, int64_t *written, int64_t *skipped,
    struct err *e);
int catalog_facts_missing(struct db *db, int64_t *missing, struct err *e);

/* Demo loader (service/catalog_demo.c): published items of
 * data/catalog/items.json, stationing, windows, window items and the
 * demo staff assignments. Idempotent. */
int demo_load_catalog(struct ctx *c, struct err *e);


#endif
