/* qr.h - QR codes (ISO/IEC 18004, our own encoder) drawn with cairo. */
#ifndef ONETRIP_DOCS_QR_H
#define ONETRIP_DOCS_QR_H

#include <cairo.h>

#include "base/err.h"

#define QR_TEXT_MAX 1024 /* longer payloads make unreadable codes on paper */

/* Draws the QR code of text (error-correction level M, byte mode) as black
 * squares filling the square (x, y, size) in user units, including a quiet
 * zone of 2 modules on every side. Returns the number of modules per side
 * (without the quiet zone) or a negative error. */
int qr_draw(cairo_t *cr, const char *text, double x, double y, double size,
    struct err *e);
/* Writes the QR code of text as a PNG with px pixels per module. */
int qr_write_png(const char *path, const char *text, int px, struct err *e);
/* The module matrix of text (1 = dark), row-major, *width per side; the
 * caller frees *modules. For tests and other renderers. */
int qr_matrix(const char *text, unsigned char **modules, int *width,
    struct err *e);
/* The same with mask 0-7 imposed instead of the one with the lowest
 * penalty (QR_MASK_BEST), and for texts up to QR_BYTES_MAX: for tests
 * that compare with other encoders at every version. */
#define QR_MASK_BEST (-1)
#define QR_BYTES_MAX 2331 /* byte mode, level M, version 40 */
int qr_matrix_mask(const char *text, int mask, unsigned char **modules,
    int *width, struct err *e);

#endif
