/* layout.h - text of the documents laid out, and the layout cache.
 *
 * Every piece of text is laid out into a struct lay: its lines'
 * logical extents and baselines and, per line, its runs of glyphs with
 * their faces, in a flat block that refers to its parts by offset, so that
 * it can be copied. Most of a document's text is the same from one
 * document to the next (the title, the organ and date lines, the fixed
 * paragraphs, the table, the captions, the footers): those blocks are kept
 * in the layout cache, and only the text that changes is laid out. A
 * block is cached the second time it is seen within the TTL (text seen once,
 * such as a document number, does not push out what repeats); the writer
 * draws a cached block and a fresh one alike. Plain text in the documents'
 * face is laid out by a fast path that gives pango's block without pango
 * (lay_fast() in layout.c); the rest by pango. Units are pango units. */

#ifndef ONETRIP_DOCS_LAYOUT_H
#define ONETRIP_DOCS_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include <pango/pango.h>

#include "docs/pdfw.h"

struct lay_run {
	const struct pdfw_face *face; /* NULL: the writer cannot embed it */
	double size;                  /* points */
	int32_t x, y_offset;          /* from the line's start */
	uint32_t g0, n;               /* its glyphs */
};

struct lay_line {
	int32_t x, y, width, height, baseline; /* in the layout */
	uint32_t run0, nruns;
};

struct lay {
	uint32_t bytes;          /* of the whole block */
	int32_t width, height;   /* logical extents of the layout */
	uint32_t nlines, nruns, nglyphs, textlen;
	uint32_t runs_off, lines_off, glyphs_off, text_off;
};

#define LAY_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define LAY_AT(l, off, type) ((type *)(void *)((char *)(l) + (off)))
#define LAY_RUNS(l) LAY_AT(l, (l)->runs_off, struct lay_run)
#define LAY_LINES(l) LAY_AT(l, (l)->lines_off, struct lay_line)
#define LAY_GLYPHS(l) LAY_AT(l, (l)->glyphs_off, struct pdfw_glyph)
#define LAY_TEXT(l) LAY_AT(l, (l)->text_off, char)

/* How a block is laid out: with the text, the cache's key. */
struct lay_params {
	double pt, width;   /* width 0: one line, not wrapped */
	PangoAlignment align;
	double indent, spacing;
	bool justify, wrap_char;
};

/* The laid-out text of one block; pl is kept for drawing with cairo (NULL
 * with the writer). */
struct lay_text {
	struct lay *lay;
	PangoLayout *pl;
};

/* Lays text (NULL: empty) out with the context pc: for the PDF writer
 * (writer: the faces of the runs are looked up, and the block comes from the
 * cache when it is there), else for cairo (t->pl is kept to draw). */
void lay_text_new(PangoContext *pc, bool writer, struct lay_text *t,
    const char *text, const struct lay_params *p);
void lay_text_free(struct lay_text *t);
/* The block's logical width in points. */
double lay_text_width(const struct lay_text *t);

/* The context every document is laid out with: unhinted metrics so that
 * the PDF and the PNG preview lay out identically, at 72 units per inch. */
PangoContext *lay_context_new(void);

/* For tests: the block of text as pango lays it out for the writer (fast
 * false), or as the fast path does (NULL where it leaves the text to
 * pango). Free with free(). */
struct lay *lay_block(PangoContext *pc, const char *text,
    const struct lay_params *p, bool fast);

/* Releases the fonts the fast path keeps for the calling thread; before
 * the thread's font map goes. */
void lay_thread_release(void);

/* How many blocks of text were drawn from the layout cache since the
 * start, and emptying it (for tests, and before the fonts are freed). */
unsigned long pdf_layout_cache_hits(void);
void pdf_layout_cache_clear(void);

#endif
