/* pdfw.h - a small PDF writer for the documents of pdf.c.
 *
 * cairo's PDF surface spent most of a document's time on work that is the
 * same for every document: it compressed the font subset and the seal's
 * glyph outlines again each time and printed every coordinate with printf.
 * This writer takes pango's laid-out glyphs as they are and writes:
 *
 * - the text as text: one CID font per font face (CIDFontType2, Identity-H,
 *   with a ToUnicode map, so that text can be searched and copied), whose
 *   embedded TrueType subset is assembled from pieces compressed once per
 *   process: the font's fixed tables, and each glyph's outline as its own
 *   deflate piece; a document's font stream is those pieces joined (a
 *   deflate stream may be cut at a byte-aligned flush point) with only the
 *   small per-document tables (metrics, glyph offsets) compressed anew;
 * - the seal as a transparency-group form drawn once per seal text, caption
 *   and size, kept compressed;
 * - rules, boxes and QR codes as paths, numbers in fixed point.
 *
 * Coordinates are in points with y growing downwards from the page's top,
 * as in pdf.c. Not thread-bound: one struct pdfw per document; the caches
 * behind it are shared under a lock. A font without TrueType outlines
 * (glyf) makes pdfw_run() return -ERR_UNSUPPORTED_TYPE: the caller then
 * renders with cairo. */
#ifndef ONETRIP_DOCS_PDFW_H
#define ONETRIP_DOCS_PDFW_H

#include <stdbool.h>
#include <stdint.h>

#include <pango/pango.h>

#include "base/buf.h"
#include "base/err.h"

struct pdfw;

struct pdfw_info {
	const char *title, *author, *subject, *creator;
	const char *date; /* "D:20261128090000+08'00" */
};

struct pdfw *pdfw_new(double page_w, double page_h);
void pdfw_free(struct pdfw *w);
/* Appends a page and makes it current; pages are numbered from 1. */
void pdfw_page_add(struct pdfw *w);
/* Makes an existing page current (to add its footer later). */
void pdfw_page_select(struct pdfw *w, int page);
int pdfw_pages(const struct pdfw *w);
/* Fill and stroke colour, grey level 0 (black) .. 1. */
void pdfw_gray(struct pdfw *w, double g);
/* A rectangle: filled, or stroked with line width lw. */
void pdfw_rect(struct pdfw *w, double x, double y, double wd, double ht,
    bool fill, double lw);
/* A face the writer embeds (opaque; lives as long as the process-wide
 * caches). */
struct pdfw_face;
/* The face of a pango font and the font's size in points (*size); NULL
 * when the writer cannot embed the face (no TrueType outlines). */
const struct pdfw_face *pdfw_face_of(PangoFont *pf, double *size);
/* One glyph as pango placed it (pango units), with the bytes of the text
 * it shows (start, end: for the ToUnicode map). */
struct pdfw_glyph {
	uint32_t glyph;
	int32_t width, x_offset, y_offset;
	uint32_t start, end;
};
/* A run of n glyphs of one face and size with its baseline starting at
 * (x, y); text is the laid-out text the glyphs' start and end refer to.
 * -ERR_UNSUPPORTED_TYPE when face is NULL. */
int pdfw_run(struct pdfw *w, double x, double y, const struct pdfw_face *face,
    double size, const struct pdfw_glyph *g, int n, const char *text);
/* The seal picture (stamp.h) centred on (cx, cy). */
void pdfw_seal(struct pdfw *w, double cx, double cy, double diameter,
    const char *arc_text, const char *caption);
/* A QR code as in qr_draw(). Returns 0 or a negative error. */
int pdfw_qr(struct pdfw *w, const char *text, double x, double y,
    double size, struct err *e);
/* Writes the whole file into out. */
int pdfw_finish(struct pdfw *w, const struct pdfw_info *info,
    struct buf *out, struct err *e);
/* Frees the calling thread's compressor; for threads about to end. */
void pdfw_thread_release(void);
/* Frees the process-wide caches (fonts, seals); at exit, for leak checkers. */
void pdfw_caches_release(void);

#endif
