#include "docs/qr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#define QR_QUIET 2

int
qr_matrix(const char *text, unsigned char **modules, int *width,
    struct err *e)
{
	QRcode *q;
	size_t n;

	*modules = NULL;
	*width = 0;
	if (text == NULL || text[0] == '\0' || strlen(text) > QR_TEXT_MAX)
		return err_set(e, ERR_INVALID, "bad_qr_text",
		    "二维码内容为空或过长");
	q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (q == NULL)
		return err_internal(e, "qrencode: %s", strerror(errno));
	n = (size_t)q->width * (size_t)q->width;
	*modules = malloc(n);
	if (*modules == NULL) {
		QRcode_free(q);
		return err_internal(e, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		(*modules)[i] = q->data[i] & 1;
	*width = q->width;
	QRcode_free(q);
	return 0;
}

int
qr_draw(cairo_t *cr, const char *text, double x, double y, double size,
    struct err *e)
{
	unsigned char *m;
	double mod;
	int w, rc;

	rc = qr_matrix(text, &m, &w, e);
	if (rc != 0)
		return rc;
	mod = size / (w + 2 * QR_QUIET);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* Horizontal runs of dark modules: fewer, seamless rectangles. */
	for (int r = 0; r < w; r++) {
		for (int c = 0; c < w; c++) {
			int start;

			if (!m[r * w + c])
				continue;
			start = c;
			while (c + 1 < w && m[r * w + c + 1])
				c++;
			cairo_rectangle(cr, x + (start + QR_QUIET) * mod,
			    y + (r + QR_QUIET) * mod, (c - start + 1) * mod,
			    mod);
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
	free(m);
	return w;
}

int
qr_write_png(const char *path, const char *text, int px, struct err *e)
{
	unsigned char *m;
	cairo_surface_t *s;
	cairo_t *cr;
	int w, rc, side;

	if (px < 1 || px > 64)
		return err_set(e, ERR_INVALID, NULL, "像素尺寸无效");
	rc = qr_matrix(text, &m, &w, e);
	if (rc != 0)
		return rc;
	free(m);
	side = (w + 2 * QR_QUIET) * px;
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side);
	cr = cairo_create(s);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	rc = qr_draw(cr, text, 0, 0, side, e);
	if (rc >= 0) {
		rc = 0;
		if (cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS)
			rc = err_internal(e, "write png %s", path);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}
