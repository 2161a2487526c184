#include "docs/pdf.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "docs/layout.h"
#include "docs/pdfw.h"
#include "docs/qr.h"
#include "docs/sm2.h"
#include "docs/stamp.h"

/* A4 in points, and the type area (GB/T 9704: 156 mm x 225 mm). */
#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (28 * MM)
#define TEXT_W (156 * MM)
#define TOP (25 * MM)
#define BOTTOM (PAGE_H - 27 * MM)
#define FOOTER_Y (PAGE_H - 17 * MM)

#define TITLE_PT 22.0
#define BODY_PT 15.0
#define BODY_PITCH 27.0
#define TABLE_PT 11.0
#define CELL_PAD 4.0
#define SEAL_D (SEAL_DIAMETER_MM * MM)
#define QR_SIZE (24 * MM)

/* Draw every page (PDF), only one page (PNG preview), or none (the first
 * pass, which only counts pages). */
enum { DRAW_ALL = 0, DRAW_NONE = -1 };

struct render {
	const struct pdf_doc *d;
	cairo_t *cr;
	PangoContext *pc;
	bool pdf;
	int draw_page;  /* DRAW_ALL, DRAW_NONE or a page number */
	int page;       /* current page, from 1 */
	int pages;      /* total, known in the drawing pass; 0 while counting */
	double y;       /* top of the free space on the current page */
	int keep_last;  /* start the last paragraph on a new page */
	bool sig_broke; /* the signature block did not fit on its page */
	struct pdfw *w; /* the PDF writer, or NULL: draw with cairo (cr) */
	bool unsupported; /* the writer cannot embed a font: use cairo */
	struct err *e;
};

static bool
drawing(const struct render *r)
{
	return r->draw_page == DRAW_ALL || r->draw_page == r->page;
}

/* Drawing, with the PDF writer or with cairo. */

static void
draw_gray(struct render *r, double g)
{
	if (r->w != NULL)
		pdfw_gray(r->w, g);
	else
		cairo_set_source_rgb(r->cr, g, g, g);
}

static void
draw_rect(struct render *r, double x, double y, double w, double h,
    bool fill, double lw)
{
	if (r->w != NULL) {
		pdfw_rect(r->w, x, y, w, h, fill, lw);
		return;
	}
	cairo_rectangle(r->cr, x, y, w, h);
	if (fill)
		cairo_fill(r->cr);
	else {
		cairo_set_line_width(r->cr, lw);
		cairo_stroke(r->cr);
	}
}

static void
draw_seal(struct render *r, double cx, double cy, double diameter,
    const char *text, const char *caption)
{
	if (r->w != NULL)
		pdfw_seal(r->w, cx, cy, diameter, text, caption);
	else
		stamp_draw(r->cr, cx, cy, diameter, text, caption);
}

/* Returns 0 or a negative error. */
static int
draw_qr(struct render *r, const char *text, double x, double y, double size)
{
	int rc;

	if (r->w != NULL)
		return pdfw_qr(r->w, text, x, y, size, r->e);
	rc = qr_draw(r->cr, text, x, y, size, r->e);
	return rc > 0 ? 0 : rc;
}

/* Line i of a block with its baseline starting at (x, y). */
static void
draw_line(struct render *r, const struct lay_text *t, uint32_t i, double x,
    double y)
{
	const struct lay *l = t->lay;
	const struct lay_line *ln = &LAY_LINES(l)[i];

	if (r->w == NULL) {
		cairo_move_to(r->cr, x, y);
		pango_cairo_show_layout_line(r->cr,
		    pango_layout_get_line_readonly(t->pl, (int)i));
		return;
	}
	for (uint32_t k = ln->run0; k < ln->run0 + ln->nruns; k++) {
		const struct lay_run *run = &LAY_RUNS(l)[k];

		if (pdfw_run(r->w, x + (double)run->x / PANGO_SCALE,
		    y - (double)run->y_offset / PANGO_SCALE, run->face,
		    run->size, LAY_GLYPHS(l) + run->g0, (int)run->n,
		    LAY_TEXT(l)) != 0)
			r->unsupported = true;
	}
}

/* A whole block with its top left corner at (x, y). */
static void
draw_text(struct render *r, double x, double y, const struct lay_text *t)
{
	const struct lay *l = t->lay;

	if (r->w == NULL) {
		cairo_move_to(r->cr, x, y);
		pango_cairo_show_layout(r->cr, t->pl);
		return;
	}
	for (uint32_t i = 0; i < l->nlines; i++) {
		const struct lay_line *ln = &LAY_LINES(l)[i];

		draw_line(r, t, i, x + (double)ln->x / PANGO_SCALE,
		    y + (double)ln->baseline / PANGO_SCALE);
	}
}

static void
footer(struct render *r)
{
	const struct lay_params p = { .pt = 9 };
	char text[64];
	struct lay_text t;

	/* The writer adds the footers once the page count is known. */
	if (!drawing(r) || (r->w != NULL && r->pages == 0))
		return;
	snprintf(text, sizeof(text), "第 %d 页  共 %d 页", r->page, r->pages);
	lay_text_new(r->pc, r->w != NULL, &t, text, &p);
	draw_gray(r, 0.25);
	draw_text(r, (PAGE_W - lay_text_width(&t)) / 2, FOOTER_Y, &t);
	draw_gray(r, 0);
	lay_text_free(&t);
}

static int
new_page(struct render *r)
{
	footer(r);
	if (r->w != NULL)
		pdfw_page_add(r->w);
	else if (r->pdf && drawing(r))
		cairo_show_page(r->cr);
	if (r->page >= PDF_MAX_PAGES)
		return err_set(r->e, ERR_TOO_LARGE, "document_too_long",
		    "文书超过 %d 页", PDF_MAX_PAGES);
	r->page++;
	r->y = TOP;
	return 0;
}

/* Lays text out in lines of a fixed pitch, breaking pages between lines. */
static int
text_block(struct render *r, const char *text, double pt, double pitch,
    PangoAlignment align, double indent, bool justify)
{
	const struct lay_params p = { .pt = pt, .width = TEXT_W,
	    .align = align, .indent = indent, .justify = justify };
	struct lay_text t;
	int rc = 0;

	lay_text_new(r->pc, r->w != NULL, &t, text, &p);
	for (uint32_t i = 0; i < t.lay->nlines; i++) {
		const struct lay_line *ln = &LAY_LINES(t.lay)[i];
		double base, h;

		if (r->y + pitch > BOTTOM) {
			rc = new_page(r);
			if (rc != 0)
				break;
		}
		base = (double)(ln->baseline - ln->y) / PANGO_SCALE;
		h = (double)ln->height / PANGO_SCALE;
		if (drawing(r))
			draw_line(r, &t, i, LEFT + (double)ln->x / PANGO_SCALE,
			    r->y + (pitch - h) / 2 + base);
		r->y += pitch;
	}
	lay_text_free(&t);
	return rc;
}

static void
table_row(struct render *r, const char *const *cells, const double *colw,
    size_t ncols, bool header, double *height)
{
	struct lay_text ts[PDF_MAX_COLS];
	double h = 0, x = LEFT;

	for (size_t c = 0; c < ncols; c++) {
		const struct lay_params p = { .pt = TABLE_PT,
		    .width = colw[c] - 2 * CELL_PAD, .spacing = 3,
		    .align = header ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT };
		double lh;

		lay_text_new(r->pc, r->w != NULL, &ts[c], cells[c], &p);
		lh = (double)ts[c].lay->height / PANGO_SCALE;
		if (lh + 2 * CELL_PAD > h)
			h = lh + 2 * CELL_PAD;
	}
	if (height != NULL && *height < 0) {
		/* Measuring only. */
		*height = h;
		goto out;
	}
	if (drawing(r)) {
		if (header) {
			draw_gray(r, 0.92);
			draw_rect(r, LEFT, r->y, TEXT_W, h, true, 0);
			draw_gray(r, 0);
		}
		for (size_t c = 0; c < ncols; c++) {
			draw_rect(r, x, r->y, colw[c], h, false, 0.6);
			draw_text(r, x + CELL_PAD, r->y + CELL_PAD, &ts[c]);
			x += colw[c];
		}
	}
	r->y += h;
out:
	for (size_t c = 0; c < ncols; c++)
		lay_text_free(&ts[c]);
}

static int
table(struct render *r, const struct pdf_table *t)
{
	double colw[PDF_MAX_COLS], total = 0, hh = -1;
	int rc;

	for (size_t c = 0; c < t->ncols; c++)
		total += t->widths != NULL ? t->widths[c] : 1;
	for (size_t c = 0; c < t->ncols; c++)
		colw[c] = TEXT_W * (t->widths != NULL ? t->widths[c] : 1) /
		    total;
	table_row(r, t->headers, colw, t->ncols, true, &hh);
	r->y += 4;
	/* The header with at least one row, else start on a new page. */
	if (r->y + hh + 2 * (TABLE_PT + 2 * CELL_PAD) > BOTTOM) {
		rc = new_page(r);
		if (rc != 0)
			return rc;
	}
	table_row(r, t->headers, colw, t->ncols, true, NULL);
	for (size_t i = 0; i < t->nrows; i++) {
		const char *const *row = t->cells + i * t->ncols;
		double h = -1;

		table_row(r, row, colw, t->ncols, false, &h);
		if (r->y + h > BOTTOM) {
			rc = new_page(r);
			if (rc != 0)
				return rc;
			table_row(r, t->headers, colw, t->ncols, true, NULL);
		}
		table_row(r, row, colw, t->ncols, false, NULL);
	}
	r->y += 10;
	return 0;
}

/* The organ's name centred over the date, the date four characters from the
 * right margin, the seal over both with its lower part on the date (上不压
 * 正文, 下压成文日期), and the QR code at the left. */
/* The co-issuers' seals: one row, each as large as the width allows. */
static double
co_seal_d(const struct pdf_doc *d)
{
	double w = TEXT_W / (double)d->n_co_seals * 0.92;

	return w < SEAL_D ? w : SEAL_D;
}

static double
co_seals_height(const struct pdf_doc *d)
{
	return co_seal_d(d) + BODY_PITCH / 2;
}

static void
co_seals_draw(struct render *r)
{
	const struct pdf_doc *d = r->d;
	double sd = co_seal_d(d), step = TEXT_W / (double)d->n_co_seals;

	if (drawing(r))
		for (size_t i = 0; i < d->n_co_seals; i++)
			draw_seal(r, LEFT + step * ((double)i + 0.5),
			    r->y + sd / 2, sd, d->co_seals[i], d->seal_caption);
	r->y += co_seals_height(d);
}

static int
signature(struct render *r)
{
	const struct pdf_doc *d = r->d;
	char date[64];
	const struct lay_params body = { .pt = BODY_PT };
	struct lay_text tn, td;
	double need, wn, wd, hd, right, date_x, name_x, centre, cy, y_date;
	int rc = 0;

	pdf_date_chinese(d->date, date, sizeof(date));
	need = SEAL_D + 6;
	if (d->n_co_seals > 0)
		need += co_seals_height(d);
	r->y += BODY_PITCH / 2;
	if (r->y + need > BOTTOM) {
		r->sig_broke = true;
		rc = new_page(r);
		if (rc != 0)
			return rc;
	}
	if (d->n_co_seals > 0)
		co_seals_draw(r);
	lay_text_new(r->pc, r->w != NULL, &tn, d->dept_name, &body);
	lay_text_new(r->pc, r->w != NULL, &td, date, &body);
	wn = lay_text_width(&tn);
	wd = lay_text_width(&td);
	hd = (double)td.lay->height / PANGO_SCALE;
	right = LEFT + TEXT_W - 4 * BODY_PT;
	date_x = right - wd;
	centre = date_x + wd / 2;
	name_x = centre - wn / 2;
	if (name_x + wn > LEFT + TEXT_W)
		name_x = LEFT + TEXT_W - wn;
	cy = r->y + SEAL_D / 2;
	y_date = cy + SEAL_D * 0.27 - hd / 2;
	if (drawing(r)) {
		draw_text(r, name_x, y_date - BODY_PITCH, &tn);
		draw_text(r, date_x, y_date, &td);
		if (d->sealed)
			draw_seal(r, centre, cy, SEAL_D,
			    d->seal_text != NULL ? d->seal_text : d->dept_name,
			    d->seal_caption);
	}
	if (d->verify_url != NULL && drawing(r)) {
		double uw = name_x - LEFT - 24;
		const struct lay_params pu = { .pt = 6.5,
		    .width = uw < 160 ? 160 : uw, .wrap_char = true };
		const struct lay_params pc = { .pt = 8 };
		struct lay_text tu, tc;
		double qy = r->y + 14;

		lay_text_new(r->pc, r->w != NULL, &tu, d->verify_url, &pu);
		lay_text_new(r->pc, r->w != NULL, &tc, "扫描二维码核验文书", &pc);
		draw_text(r, LEFT, r->y, &tc);
		/* The quiet zone sits left of the margin. */
		rc = draw_qr(r, d->verify_url, LEFT - QR_SIZE * 0.06, qy,
		    QR_SIZE);
		/* The second code stands beside the first, left of the seal. */
		if (rc == 0 && d->link_url != NULL) {
			double lx = LEFT + QR_SIZE * 1.25;
			struct lay_text tk;

			lay_text_new(r->pc, r->w != NULL, &tk, d->link_caption, &pc);
			draw_text(r, lx + QR_SIZE * 0.06, r->y, &tk);
			lay_text_free(&tk);
			rc = draw_qr(r, d->link_url, lx, qy, QR_SIZE);
		}
		draw_gray(r, 0.2);
		draw_text(r, LEFT, qy + QR_SIZE + 1, &tu);
		draw_gray(r, 0);
		lay_text_free(&tu);
		lay_text_free(&tc);
	}
	r->y += need;
	lay_text_free(&tn);
	lay_text_free(&td);
	return rc;
}

static int
layout_all(struct render *r)
{
	const struct pdf_doc *d = r->d;
	int rc;

	r->page = 1;
	r->y = TOP;
	draw_gray(r, 0);
	/* Title, with a little air between the characters. */
	rc = text_block(r, d->title, TITLE_PT, 40, PANGO_ALIGN_CENTER, 0,
	    false);
	if (rc == 0 && d->doc_no != NULL && d->doc_no[0] != '\0')
		rc = text_block(r, d->doc_no, 14, 26, PANGO_ALIGN_CENTER, 0,
		    false);
	r->y += 14;
	if (rc == 0 && d->addressee != NULL && d->addressee[0] != '\0') {
		char *a = g_strconcat(d->addressee, "：", NULL);

		rc = text_block(r, a, BODY_PT, BODY_PITCH, PANGO_ALIGN_LEFT, 0,
		    false);
		g_free(a);
	}
	for (size_t i = 0; rc == 0 && i <= d->nparagraphs; i++) {
		if (i == d->table_after && d->table != NULL)
			rc = table(r, d->table);
		/* Keep the last paragraph with the seal (GB/T 9704: no page
		 * with only the seal on it). */
		if (rc == 0 && r->keep_last && i + 1 == d->nparagraphs &&
		    r->y > TOP)
			rc = new_page(r);
		if (rc == 0 && i < d->nparagraphs)
			rc = text_block(r, d->paragraphs[i], BODY_PT,
			    BODY_PITCH, PANGO_ALIGN_LEFT, 2 * BODY_PT, true);
	}
	if (rc == 0)
		rc = signature(r);
	if (rc == 0)
		footer(r);
	return rc;
}

static int
check_text(const char *s, const char *field, size_t *total, size_t max,
    struct err *e)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = strlen(s);
	if (n > max)
		return err_field(e, ERR_TOO_LARGE, field, NULL,
		    "文书内容过长");
	*total += n;
	if (*total > PDF_MAX_TEXT)
		return err_field(e, ERR_TOO_LARGE, field, NULL,
		    "文书内容过长");
	if (!g_utf8_validate(s, (gssize)n, NULL))
		return err_field(e, ERR_INVALID, field, "invalid_utf8",
		    "文书内容含有无效字符");
	return 0;
}

static int
check_doc(const struct pdf_doc *d, struct err *e)
{
	size_t total = 0;
	char date[64];
	int rc;

	if (d->title == NULL || d->title[0] == '\0')
		return err_field(e, ERR_INVALID, "title", NULL,
		    "文书标题不能为空");
	if (d->dept_name == NULL || d->dept_name[0] == '\0')
		return err_field(e, ERR_INVALID, "dept_name", NULL,
		    "发文机关不能为空");
	if (d->date == NULL ||
	    pdf_date_chinese(d->date, date, sizeof(date)) != 0)
		return err_field(e, ERR_INVALID, "date", NULL,
		    "成文日期无效");
	if (d->nparagraphs > PDF_MAX_PARAGRAPHS ||
	    (d->nparagraphs > 0 && d->paragraphs == NULL))
		return err_field(e, ERR_TOO_LARGE, "paragraphs", NULL,
		    "正文段落过多");
	const struct {
		const char *text, *field;
		size_t max;
	} fields[] = {
		{ d->title, "title", 200 },
		{ d->doc_no, "doc_no", 200 },
		{ d->addressee, "addressee", 400 },
		{ d->dept_name, "dept_name", 200 },
		{ d->seal_text, "seal_text", 200 },
		{ d->seal_caption, "seal_caption", 60 },
		{ d->verify_url, "verify_url", QR_TEXT_MAX },
		{ d->link_url, "link_url", QR_TEXT_MAX },
		{ d->link_caption, "link_caption", 60 },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		rc = check_text(fields[i].text, fields[i].field, &total,
		    fields[i].max, e);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < d->nparagraphs; i++) {
		rc = check_text(d->paragraphs[i], "paragraphs", &total,
		    PDF_MAX_TEXT, e);
		if (rc != 0)
			return rc;
	}
	if (d->n_co_seals > PDF_MAX_CO_SEALS ||
	    (d->n_co_seals > 0 && d->co_seals == NULL))
		return err_field(e, ERR_TOO_LARGE, "co_seals", NULL,
		    "联合印章过多");
	for (size_t i = 0; i < d->n_co_seals; i++) {
		rc = check_text(d->co_seals[i], "co_seals", &total, 200, e);
		if (rc != 0)
			return rc;
	}
	if (d->table != NULL) {
		const struct pdf_table *t = d->table;

		if (t->ncols == 0 || t->ncols > PDF_MAX_COLS ||
		    t->headers == NULL || t->nrows > PDF_MAX_ROWS ||
		    (t->nrows > 0 && t->cells == NULL))
			return err_field(e, ERR_INVALID, "table", NULL,
			    "表格行列数无效");
		for (size_t c = 0; c < t->ncols; c++) {
			if (t->widths != NULL && !(t->widths[c] > 0 &&
			    t->widths[c] < 1000))
				return err_field(e, ERR_INVALID, "table", NULL,
				    "表格列宽无效");
			rc = check_text(t->headers[c], "table", &total,
			    PDF_MAX_CELL, e);
			if (rc != 0)
				return rc;
		}
		for (size_t i = 0; i < t->nrows * t->ncols; i++) {
			rc = check_text(t->cells[i], "table", &total,
			    PDF_MAX_CELL, e);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* First pass: lays everything out without drawing, to count pages and to
 * see whether the last paragraph must go with the seal to a new page. */
static int
count_pages(const struct pdf_doc *d, PangoContext *pc, int *pages,
    int *keep_last, struct err *e)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
	struct render r = { .d = d, .pc = pc, .draw_page = DRAW_NONE, .e = e };
	int rc;

	r.cr = cairo_create(s);
	rc = layout_all(&r);
	*keep_last = 0;
	if (rc == 0 && r.sig_broke && d->nparagraphs > 0 &&
	    (d->table == NULL || d->table_after < d->nparagraphs)) {
		r.keep_last = 1;
		r.sig_broke = false;
		rc = layout_all(&r);
		*keep_last = 1;
	}
	*pages = r.page;
	cairo_destroy(r.cr);
	cairo_surface_destroy(s);
	return rc;
}

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	return buf_append(closure, data, len) == 0 ? CAIRO_STATUS_SUCCESS :
	    CAIRO_STATUS_WRITE_ERROR;
}

/* The cairo PDF surface: for documents whose fonts the writer cannot
 * embed. */
static int
render_cairo(const struct pdf_doc *d, PangoContext *pc, struct buf *out,
    struct err *e)
{
	struct render r = { .d = d, .pdf = true, .draw_page = DRAW_ALL,
	    .e = e };
	cairo_surface_t *s = NULL;
	char when[40];
	int rc;

	r.pc = pc;
	rc = count_pages(d, r.pc, &r.pages, &r.keep_last, e);
	if (rc != 0)
		goto out;
	s = cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W,
	    PAGE_H);
	cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
	snprintf(when, sizeof(when), "%.10sT09:00:00+08:00", d->date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR,
	    d->dept_name);
	if (d->doc_no != NULL)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT,
		    d->doc_no);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "onetrip");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE,
	    when);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, when);
	r.cr = cairo_create(s);
	rc = layout_all(&r);
	if (rc == 0)
		cairo_show_page(r.cr);
	cairo_destroy(r.cr);
	cairo_surface_finish(s);
	if (rc == 0 && cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
		rc = err_internal(e, "cairo pdf: %s",
		    cairo_status_to_string(cairo_surface_status(s)));
out:
	if (s != NULL)
		cairo_surface_destroy(s);
	return rc;
}

/* The PDF writer: one layout pass (a second one only when the last
 * paragraph must go with the seal to a new page), footers added once the
 * page count is known. 1 when a font needs cairo. */
static int
render_writer(const struct pdf_doc *d, PangoContext *pc, struct buf *out,
    struct err *e)
{
	struct render r = { .d = d, .pc = pc, .pdf = true,
	    .draw_page = DRAW_ALL, .e = e };
	struct pdfw_info info;
	char when[40];
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		r.w = pdfw_new(PAGE_W, PAGE_H);
		if (r.w == NULL)
			return err_internal(e, "out of memory");
		pdfw_page_add(r.w);
		r.sig_broke = false;
		rc = layout_all(&r);
		if (rc != 0 || r.unsupported || pass == 1 || !r.sig_broke ||
		    d->nparagraphs == 0 ||
		    (d->table != NULL && d->table_after >= d->nparagraphs))
			break;
		pdfw_free(r.w);
		r.keep_last = 1;
	}
	if (rc == 0 && !r.unsupported) {
		r.pages = r.page;
		for (int p = 1; p <= r.pages; p++) {
			pdfw_page_select(r.w, p);
			r.page = p;
			footer(&r);
		}
		snprintf(when, sizeof(when), "D:%.4s%.2s%.2s090000+08'00",
		    d->date, d->date + 5, d->date + 8);
		info = (struct pdfw_info){ .title = d->title,
		    .author = d->dept_name, .subject = d->doc_no,
		    .creator = "onetrip", .date = when };
		rc = pdfw_finish(r.w, &info, out, e);
	}
	pdfw_free(r.w);
	if (rc == 0 && r.unsupported) {
		buf_reset(out);
		return 1;
	}
	return rc;
}

int
pdf_render(const struct pdf_doc *d, struct buf *out, struct err *e)
{
	PangoContext *pc;
	int rc;

	rc = check_doc(d, e);
	if (rc != 0)
		return rc;
	if (out->max == 0 || out->max > PDF_MAX_BYTES)
		out->max = PDF_MAX_BYTES;
	pc = lay_context_new();
	rc = render_writer(d, pc, out, e);
	if (rc == 1)
		rc = render_cairo(d, pc, out, e);
	g_object_unref(pc);
	return rc;
}

int
pdf_render_png(const struct pdf_doc *d, int page, double scale,
    const char *path, int *pages, struct err *e)
{
	struct render r = { .d = d, .draw_page = page, .e = e };
	cairo_surface_t *s = NULL;
	int rc;

	if (!(scale > 0.1 && scale <= 8))
		return err_set(e, ERR_INVALID, NULL, "预览比例无效");
	rc = check_doc(d, e);
	if (rc != 0)
		return rc;
	r.pc = lay_context_new();
	rc = count_pages(d, r.pc, &r.pages, &r.keep_last, e);
	if (rc != 0)
		goto out;
	if (pages != NULL)
		*pages = r.pages;
	if (page < 1 || page > r.pages) {
		rc = err_set(e, ERR_NOT_FOUND, NULL, "页码超出范围");
		goto out;
	}
	s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
	    (int)(PAGE_W * scale + 0.5), (int)(PAGE_H * scale + 0.5));
	r.cr = cairo_create(s);
	cairo_set_source_rgb(r.cr, 1, 1, 1);
	cairo_paint(r.cr);
	cairo_scale(r.cr, scale, scale);
	rc = layout_all(&r);
	cairo_destroy(r.cr);
	if (rc == 0 && cairo_surface_write_to_png(s, path) !=
	    CAIRO_STATUS_SUCCESS)
		rc = err_internal(e, "write png %s", path);
out:
	if (s != NULL)
		cairo_surface_destroy(s);
	g_object_unref(r.pc);
	return rc;
}

int
pdf_date_chinese(const char *ymd, char *out, size_t outsz)
{
	static const char *const digit[] = { "〇", "一", "二", "三", "四",
	    "五", "六", "七", "八", "九" };
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, n = 0;
	size_t len = 0;

	if (outsz < 64 || ymd == NULL || strlen(ymd) != 10 ||
	    sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 ||
	    ymd[4] != '-' || ymd[7] != '-' || y < 1900 || y > 9999 ||
	    m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0))))
		return -ERR_INVALID;
	for (int i = 0; i < 4; i++)
		len += (size_t)snprintf(out + len, outsz - len, "%s",
		    digit[ymd[i] - '0']);
	len += (size_t)snprintf(out + len, outsz - len, "年");
	/* Months and days: 十, 十一, 二十, 二十一, 三十一. */
	for (int k = 0; k < 2; k++) {
		int v = k == 0 ? m : d;

		if (v >= 20)
			len += (size_t)snprintf(out + len, outsz - len, "%s",
			    digit[v / 10]);
		if (v >= 10)
			len += (size_t)snprintf(out + len, outsz - len, "十");
		if (v % 10 != 0)
			len += (size_t)snprintf(out + len, outsz - len, "%s",
			    digit[v % 10]);
		len += (size_t)snprintf(out + len, outsz - len, "%s",
		    k == 0 ? "月" : "日");
	}
	return 0;
}

void
docs_thread_fonts_release(void)
{
	lay_thread_release();
	pango_cairo_font_map_set_default(NULL);
	pdfw_thread_release();
}

void
docs_fonts_release(void)
{
	void (*fc_fini)(void);

	docs_thread_fonts_release();
	/* The cached layouts point at the writer's faces. */
	pdf_layout_cache_clear();
	pdfw_caches_release();
	sm2_cache_release();
	cairo_debug_reset_static_data();
	/* fontconfig is loaded through pango; look its cleanup up rather than
	 * link it directly. */
	*(void **)&fc_fini = dlsym(RTLD_DEFAULT, "FcFini");
	if (fc_fini != NULL)
		fc_fini();
}
