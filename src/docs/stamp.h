/* stamp.h - the picture of a round approval seal (行政审批专用章), drawn with
 * cairo and pango: a red outer ring, the organ's name along the upper arc
 * with each character turned to face the centre, a five-pointed star in the
 * middle and the seal's purpose ("审批专用章") below the star. The picture
 * stands for the electronic seal; the signature proper is in sm2.h. */
#ifndef ONETRIP_DOCS_STAMP_H
#define ONETRIP_DOCS_STAMP_H

#include <cairo.h>

#include "base/buf.h"
#include "base/err.h"

#define SEAL_FONT "WenQuanYi Zen Hei"
#define SEAL_DEFAULT_CAPTION "审批专用章"
#define SEAL_ARC_CHARS_MAX 24  /* more characters do not fit on the arc */
#define SEAL_DIAMETER_MM 42.0  /* the size of an organ's official seal */
#define SEAL_ALPHA 0.88        /* the ink's opacity */

/* Draws the seal centred on (cx, cy) with the given diameter in user units.
 * arc_text is the organ's name (at most SEAL_ARC_CHARS_MAX characters,
 * longer text is cut); caption NULL means SEAL_DEFAULT_CAPTION. The ink is
 * slightly translucent so that text under the seal stays legible. */
void stamp_draw(cairo_t *cr, double cx, double cy, double diameter,
    const char *arc_text, const char *caption);
/* Appends the seal centred on (0, 0) as PDF content operators (colour,
 * paths) in a y-down user space, for a form drawn with the seal's alpha as
 * a transparency group (pdfw.c). Returns 0 or a negative error. */
int stamp_pdf_ops(struct buf *out, double diameter, const char *arc_text,
    const char *caption);
/* Writes the seal alone as a PNG of px x px pixels on a transparent
 * background. */
int stamp_write_png(const char *path, const char *arc_text,
    const char *caption, int px, struct err *e);

#endif
