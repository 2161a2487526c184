#include "docs/stamp.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "base/buf.h"

#define SEAL_R 0.80
#define SEAL_G 0.07
#define SEAL_B 0.07

/* Length in bytes of the UTF-8 sequence starting with c (1 for bad bytes, so
 * that drawing never stalls on malformed input). */
static size_t
utf8_len(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	if (c >= 0xc0)
		return 2;
	return 1;
}

enum paint { PAINT_FILL, PAINT_STROKE, PAINT_BOTH };

/* Fills and/or strokes the current path: with cairo, or (ops not NULL) as
 * PDF path operators in the current user space, for pdfw.c. */
static void
paint(cairo_t *cr, struct buf *ops, enum paint how)
{
	static const char *const op[] = { "f", "S", "B" };
	cairo_path_t *p;
	cairo_matrix_t m;

	if (ops == NULL) {
		if (how == PAINT_FILL)
			cairo_fill(cr);
		else if (how == PAINT_STROKE)
			cairo_stroke(cr);
		else {
			cairo_fill_preserve(cr);
			cairo_stroke(cr);
		}
		return;
	}
	cairo_get_matrix(cr, &m);
	p = cairo_copy_path(cr);
	buf_appendf(ops, "q %.4f %.4f %.4f %.4f %.3f %.3f cm %.3f w\n", m.xx,
	    m.yx, m.xy, m.yy, m.x0, m.y0, cairo_get_line_width(cr));
	for (int i = 0; p->status == CAIRO_STATUS_SUCCESS && i < p->num_data;
	    i += p->data[i].header.length) {
		const cairo_path_data_t *d = &p->data[i];

		switch (d->header.type) {
		case CAIRO_PATH_MOVE_TO:
			buf_appendf(ops, "%.3f %.3f m\n", d[1].point.x,
			    d[1].point.y);
			break;
		case CAIRO_PATH_LINE_TO:
			buf_appendf(ops, "%.3f %.3f l\n", d[1].point.x,
			    d[1].point.y);
			break;
		case CAIRO_PATH_CURVE_TO:
			buf_appendf(ops, "%.3f %.3f %.3f %.3f %.3f %.3f c\n",
			    d[1].point.x, d[1].point.y, d[2].point.x,
			    d[2].point.y, d[3].point.x, d[3].point.y);
			break;
		case CAIRO_PATH_CLOSE_PATH:
			buf_puts(ops, "h\n");
			break;
		}
	}
	buf_appendf(ops, "%s Q\n", op[how]);
	cairo_path_destroy(p);
	cairo_new_path(cr);
}

static PangoLayout *
glyph_layout(cairo_t *cr, const char *text, size_t len, double size)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(SEAL_FONT);

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, (int)len);
	return l;
}

/* Draws text (len bytes) centred on the origin, scaled by (sx, 1). */
static void
show_centred(cairo_t *cr, struct buf *ops, const char *text, size_t len,
    double size, double sx)
{
	PangoLayout *l = glyph_layout(cr, text, len, size);
	PangoRectangle ink, logical;

	pango_layout_get_extents(l, &ink, &logical);
	cairo_save(cr);
	cairo_scale(cr, sx, 1);
	/* Horizontally by the advance, vertically by the ink of CJK glyphs. */
	cairo_move_to(cr, -(double)logical.width / PANGO_SCALE / 2,
	    -((double)ink.y + ink.height / 2.0) / PANGO_SCALE);
	/* Seal engravings are heavier than the font: fill and outline. */
	pango_cairo_layout_path(cr, l);
	cairo_set_line_width(cr, size * 0.045);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	paint(cr, ops, PAINT_BOTH);
	cairo_restore(cr);
	g_object_unref(l);
}

static void
star(cairo_t *cr, struct buf *ops, double cx, double cy, double r)
{
	double inner = r * 0.382;

	for (int i = 0; i < 10; i++) {
		double a = -M_PI / 2 + i * M_PI / 5;
		double rr = i % 2 == 0 ? r : inner;

		if (i == 0)
			cairo_move_to(cr, cx + rr * cos(a), cy + rr * sin(a));
		else
			cairo_line_to(cr, cx + rr * cos(a), cy + rr * sin(a));
	}
	cairo_close_path(cr);
	paint(cr, ops, PAINT_FILL);
}

/* The seal's shapes, painted with cairo or written to ops. */
static void
seal_shapes(cairo_t *cr, struct buf *ops, double cx, double cy,
    double diameter, const char *arc_text, const char *caption)
{
	const char *chars[SEAL_ARC_CHARS_MAX];
	size_t lens[SEAL_ARC_CHARS_MAX], n = 0;
	double r = diameter / 2, ring = diameter * 0.036;
	double size, text_r, step, span, sx = 0.74;
	const char *p;

	if (caption == NULL)
		caption = SEAL_DEFAULT_CAPTION;
	for (p = arc_text ? arc_text : ""; *p != '\0' && n < SEAL_ARC_CHARS_MAX;) {
		size_t k = utf8_len((unsigned char)*p);

		if (strnlen(p, k) < k)
			break;
		chars[n] = p;
		lens[n] = k;
		n++;
		p += k;
	}

	/* Outer ring. */
	cairo_set_line_width(cr, ring);
	cairo_new_sub_path(cr);
	cairo_arc(cr, cx, cy, r - ring / 2, 0, 2 * M_PI);
	paint(cr, ops, PAINT_STROKE);

	/* The name along the upper arc: the more characters, the smaller and
	 * the wider the arc, up to about 250 degrees. */
	if (n > 0) {
		size = diameter * (n <= 10 ? 0.16 : 0.16 * sqrt(10.0 / n));
		text_r = r - ring - size * 0.66;
		step = size * sx * 1.22 / text_r;
		span = step * (n - 1);
		if (span > 260 * M_PI / 180) {
			span = 260 * M_PI / 180;
			step = span / (n - 1);
		}
		for (size_t i = 0; i < n; i++) {
			/* 0 is straight up; negative to the left. */
			double a = -span / 2 + step * i;

			cairo_save(cr);
			cairo_translate(cr, cx + text_r * sin(a),
			    cy - text_r * cos(a));
			cairo_rotate(cr, a);
			show_centred(cr, ops, chars[i], lens[i], size, sx);
			cairo_restore(cr);
		}
	}

	star(cr, ops, cx, cy - r * 0.02, r * 0.34);

	/* The purpose, straight, below the star. */
	cairo_save(cr);
	cairo_translate(cr, cx, cy + r * 0.56);
	show_centred(cr, ops, caption, strlen(caption), diameter * 0.12, 0.9);
	cairo_restore(cr);
}

void
stamp_draw(cairo_t *cr, double cx, double cy, double diameter,
    const char *arc_text, const char *caption)
{
	cairo_save(cr);
	cairo_push_group(cr);
	cairo_set_source_rgb(cr, SEAL_R, SEAL_G, SEAL_B);
	seal_shapes(cr, NULL, cx, cy, diameter, arc_text, caption);
	cairo_pop_group_to_source(cr);
	cairo_paint_with_alpha(cr, SEAL_ALPHA);
	cairo_restore(cr);
}

int
stamp_pdf_ops(struct buf *out, double diameter, const char *arc_text,
    const char *caption)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	cairo_t *cr = cairo_create(s);
	int rc;

	rc = buf_appendf(out, "%.3f %.3f %.3f rg %.3f %.3f %.3f RG 1 j\n",
	    SEAL_R, SEAL_G, SEAL_B, SEAL_R, SEAL_G, SEAL_B);
	seal_shapes(cr, out, 0, 0, diameter, arc_text, caption);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		rc = -ERR_INTERNAL;
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}

int
stamp_write_png(const char *path, const char *arc_text, const char *caption,
    int px, struct err *e)
{
	cairo_surface_t *s;
	cairo_t *cr;
	int rc = 0;

	if (px < 32 || px > 4096)
		return err_set(e, ERR_INVALID, NULL, "图片尺寸无效");
	s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, px, px);
	cr = cairo_create(s);
	stamp_draw(cr, px / 2.0, px / 2.0, px * 0.96, arc_text, caption);
	cairo_surface_flush(s);
	if (cairo_surface_write_to_png(s, path) != CAIRO_STATUS_SUCCESS)
		rc = err_internal(e, "write png %s", path);
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	return rc;
}
