/* pdf.h - official documents (通知书, 决定书, 证照) as A4 PDFs.
 *
 * A document is described by struct pdf_doc and laid out with pango in the
 * CJK font: title, document number (文号), addressee, justified body
 * paragraphs with a two-character first-line indent, an optional table, the
 * issuing organ and the date in Chinese numerals with the approval seal over
 * them, a QR code that points to the verification page, and page numbers.
 * Text stays text (searchable, copyable). The same description always gives
 * the same bytes: the PDF dates come from doc->date, never from the clock.
 *
 * Layout follows GB/T 9704 loosely: 156 mm x 225 mm type area, 16 pt body
 * with about 28 pt line pitch, date four characters from the right margin,
 * the organ's name centred above the date. */
#ifndef ONETRIP_DOCS_PDF_H
#define ONETRIP_DOCS_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define PDF_FONT "WenQuanYi Zen Hei"
#define PDF_MAX_PARAGRAPHS 200
#define PDF_MAX_TEXT ((size_t)64 << 10)  /* all text of one document */
#define PDF_MAX_COLS 8
#define PDF_MAX_ROWS 1000
#define PDF_MAX_CELL 600                 /* bytes in one table cell */
#define PDF_MAX_PAGES 100
#define PDF_MAX_BYTES ((size_t)32 << 20)

/* A table of strings; cells is row-major, nrows * ncols entries (NULL is
 * an empty cell). widths are relative column widths (NULL: equal). */
struct pdf_table {
	size_t ncols;
	const char *const *headers;
	const double *widths;
	size_t nrows;
	const char *const *cells;
};

struct pdf_doc {
	const char *title;        /* "受理通知书"; required */
	const char *doc_no;       /* "白审受字〔2026〕第0001号" or NULL */
	const char *addressee;    /* "张明" (a colon is added) or NULL */
	const char *const *paragraphs;
	size_t nparagraphs;
	const struct pdf_table *table;  /* optional */
	size_t table_after;       /* paragraphs printed before the table */
	const char *dept_name;    /* issuing organ; required */
	const char *date;         /* YYYY-MM-DD; required */
	bool sealed;              /* draw the seal over name and date */
	const char *seal_text;    /* seal arc text; NULL: dept_name */
	const char *seal_caption; /* NULL: "审批专用章" */
	const char *verify_url;   /* QR code and printed URL; NULL: none */
	const char *link_url;     /* a second QR code beside it; NULL: none */
	const char *link_caption; /* its caption, e.g. "扫码评价本次服务" */
	/* A joint document (联合意见): the co-issuing organs' seal texts,
	 * drawn in a row above the issuing organ's name and seal (at most
	 * PDF_MAX_CO_SEALS). */
	const char *const *co_seals;
	size_t n_co_seals;
};

#define PDF_MAX_CO_SEALS 8

/* Renders the document as PDF into out (appended; out should be empty).
 * Returns 0, -ERR_INVALID for a bad description (missing title, invalid
 * UTF-8, over a limit), -ERR_INTERNAL when cairo fails. */
int pdf_render(const struct pdf_doc *doc, struct buf *out, struct err *e);

/* Renders one page (from 1) of the same layout as a PNG at scale pixels
 * per point (2.0 gives about 144 dpi), for previews. *pages receives the
 * page count when not NULL. */
int pdf_render_png(const struct pdf_doc *doc, int page, double scale,
    const char *path, int *pages, struct err *e);

/* Writes a date 'YYYY-MM-DD' the way documents print it:
 * "二〇二六年十一月二十八日". out needs 64 bytes. -ERR_INVALID on a bad date. */
int pdf_date_chinese(const char *ymd, char *out, size_t outsz);

/* Frees the font caches (pango's font map of this thread, cairo's and
 * fontconfig's static data) so that leak checkers see a clean exit. Call
 * once at exit, after the last rendering, from the thread that rendered. */
void docs_fonts_release(void);
/* Releases the calling thread's font map (pango keeps one per thread); for
 * threads that rendered and are about to end. */
void docs_thread_fonts_release(void);

#endif
