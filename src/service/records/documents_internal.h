/* documents_internal.h - shared by the document files of service/records
 * only (documents.c, text.c, render.c, verify.c). */
#ifndef ONETRIP_SERVICE_RECORDS_DOCUMENTS_INTERNAL_H
#define ONETRIP_SERVICE_RECORDS_DOCUMENTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "docs/pdf.h"
#include "service/records/records.h"

struct kind_info {
	const char *kind;
	const char *label;
	const char *word;  /* in the number: 白审受字〔2026〕第0001号 */
};

#define DOC_CODE_LEN 20               /* 100 random bits */
#define DOC_COUNTY_FULL "白河县"
#define DOC_MAX_ATTEMPTS 5
#define DOC_MAX_PARAS 24
#define DOC_MAX_ROWS 60
#define DOC_NO_SEAL_RETRY_S 60
#define DOC_STALE_S 300               /* a claim older than this is abandoned */
#define DOC_COUNTY "白"               /* the county in document numbers */

/* What one document says, built from its row; owns every string. */
struct document_text {
	char *title;
	char *addressee;
	char *paras[DOC_MAX_PARAS];
	size_t nparas;
	const char *headers[3];
	double widths[3];
	char *cells[DOC_MAX_ROWS * 3];      /* owned, three per row */
	const char *view[DOC_MAX_ROWS * 3]; /* ncols per row, borrowed */
	size_t nrows, ncols;
	size_t table_after;
	bool has_table;
	bool incomplete;     /* a paragraph or row did not fit */
	char organ[256];
	char verify_url[1024];
	char link_url[1024];
	char link_caption[64];
	struct pdf_table table;
	struct pdf_doc doc;
};

int document_assemble(struct ctx *c, json_t *row, struct document_text *t,
    struct err *e);
int document_build_text(struct ctx *c, json_t *row, struct document_text *t,
    struct err *e);
bool document_code_normalise(const char *in, char out[DOC_CODE_LEN + 1]);
bool document_has(json_t *o, const char *k);
/* The result's name (the caller frees it) and the promised days of the
 * item version whose elements row holds (text.c). */
char *document_item_terms(json_t *row, int64_t *promised_days);
const struct kind_info *document_kind_find(const char *kind);
json_t *document_load_row(struct ctx *c, int64_t id, struct err *e);
void document_mask_name(const char *name, bool person, char *out, size_t outsz);
int64_t document_num(json_t *o, const char *k);
void document_organ_name(const char *name, char *out, size_t outsz);
const char *document_str(json_t *o, const char *k);
void document_text_free(struct document_text *t);
/* The renderer's way of storing its PDFs (files.c): a batch of files
 * written under their sha256 without syncing, made durable together by
 * file_sync() (before any of them is recorded), then each recorded by
 * file_record() inside the transaction that makes its document ready,
 * whose document.ready audit record names the file (file_record() writes
 * none of its own). */
int file_write_unsynced(struct ctx *c, const void *data, size_t len,
    char sha256_out[65], struct err *e);
int file_sync(struct ctx *c, struct err *e);
int file_record(struct ctx *c, const char *sha256, size_t len,
    const char *name, struct err *e);

/* The 食品经营许可证 number "JY" + 14 digits (text.c). */
void document_food_licence_no(const char *business_type,
    const char *division, int64_t seq, char out[17]);
/* The last day of a term of years from ymd ("" when ymd is no date). */
void document_term_end(const char *ymd, int years, char out[11]);

#endif
