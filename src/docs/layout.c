/* layout.c - text laid out into flat blocks, by pango or by the fast path,
 * and the layout cache (see layout.h). */
#include "docs/layout.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <pango/pangocairo.h>
#include <sodium.h>

#include "base/alloc.h"
#include "base/ttlcache.h"
#include "docs/pdf.h"

/* The layout cache: 512 slots of 8 kB (4 MB at most, made on first use); a
 * larger block (a long paragraph) is laid out each time. The seen-once
 * marks are keys only. */
#define LAY_CACHE_SLOTS 512
#define LAY_CACHE_BYTES 8192
#define LAY_SEEN_SLOTS 4096
#define LAY_CACHE_TTL 3600
static struct ttl_cache lay_cache = TTL_CACHE_INIT("pdf_layouts",
    LAY_CACHE_SLOTS, LAY_CACHE_BYTES, LAY_CACHE_TTL);
static struct ttl_cache lay_seen = TTL_CACHE_INIT("pdf_layouts_seen",
    LAY_SEEN_SLOTS, 1, LAY_CACHE_TTL);
static atomic_ulong lay_hits;

static PangoLayout *
layout_new(PangoContext *pc, const char *text, const struct lay_params *p)
{
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_from_string(PDF_FONT);

	pango_font_description_set_absolute_size(fd, p->pt * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (p->width > 0) {
		pango_layout_set_width(l, (int)(p->width * PANGO_SCALE));
		pango_layout_set_wrap(l, p->wrap_char ? PANGO_WRAP_CHAR :
		    PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_alignment(l, p->align);
	if (p->indent != 0)
		pango_layout_set_indent(l, (int)(p->indent * PANGO_SCALE));
	if (p->justify)
		pango_layout_set_justify(l, TRUE);
	if (p->spacing != 0)
		pango_layout_set_spacing(l, (int)(p->spacing * PANGO_SCALE));
	pango_layout_set_text(l, text, -1);
	return l;
}

/* Where each glyph's cluster ends in the text: where the next cluster
 * starts (for the ToUnicode map). Left-to-right runs have rising clusters:
 * one pass from the end; any other order, the nearest larger cluster. */
static void
cluster_ends(struct pdfw_glyph *o, const PangoGlyphString *gs,
    const PangoItem *item)
{
	const int *lc = gs->log_clusters;
	int n = gs->num_glyphs, item_end = item->offset + item->length;
	bool rising = true;

	for (int i = 1; i < n && rising; i++)
		rising = lc[i] >= lc[i - 1];
	if (rising) {
		int end = item_end;

		for (int i = n - 1; i >= 0; i--) {
			if (i + 1 < n && lc[i + 1] != lc[i])
				end = item->offset + lc[i + 1];
			o[i].end = (uint32_t)end;
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		int end = item_end;

		for (int k = 0; k < n; k++)
			if (lc[k] > lc[i] && item->offset + lc[k] < end)
				end = item->offset + lc[k];
		o[i].end = (uint32_t)end;
	}
}

/* A zeroed block for nlines lines, nruns runs and nglyphs glyphs, with a copy
 * of the text. */
static struct lay *
lay_alloc(uint32_t nlines, size_t nruns, size_t nglyphs, const char *text,
    size_t textlen)
{
	size_t bytes = LAY_ALIGN(sizeof(struct lay)) +
	    nruns * sizeof(struct lay_run) +
	    LAY_ALIGN((size_t)nlines * sizeof(struct lay_line)) +
	    nglyphs * sizeof(struct pdfw_glyph) + LAY_ALIGN(textlen + 1);
	struct lay *l = xcalloc(1, bytes);

	l->bytes = (uint32_t)bytes;
	l->nlines = nlines;
	l->nruns = (uint32_t)nruns;
	l->nglyphs = (uint32_t)nglyphs;
	l->textlen = (uint32_t)textlen;
	l->runs_off = (uint32_t)LAY_ALIGN(sizeof(*l));
	l->lines_off = l->runs_off + (uint32_t)(nruns * sizeof(struct lay_run));
	l->glyphs_off = l->lines_off +
	    (uint32_t)LAY_ALIGN((size_t)nlines * sizeof(struct lay_line));
	l->text_off = l->glyphs_off +
	    (uint32_t)(nglyphs * sizeof(struct pdfw_glyph));
	memcpy(LAY_TEXT(l), text, textlen + 1);
	return l;
}

/* The flat block of a pango layout, with the faces of its runs when the
 * writer is to draw it (faces). */
static struct lay *
lay_of(PangoLayout *pl, bool faces)
{
	const char *text = pango_layout_get_text(pl);
	size_t textlen = strlen(text), nruns = 0, nglyphs = 0;
	int nlines = pango_layout_get_line_count(pl);
	PangoLayoutIter *it;
	PangoRectangle logical;
	struct lay_run *runs;
	struct lay_line *lines;
	struct pdfw_glyph *gl;
	struct lay *l;
	size_t ri = 0, gi = 0;
	int li = 0;

	for (GSList *ls = pango_layout_get_lines_readonly(pl); ls != NULL;
	    ls = ls->next)
		for (GSList *rs = ((PangoLayoutLine *)ls->data)->runs;
		    rs != NULL; rs = rs->next) {
			nruns++;
			nglyphs += (size_t)((PangoGlyphItem *)rs->data)->glyphs
			    ->num_glyphs;
		}
	l = lay_alloc((uint32_t)nlines, nruns, nglyphs, text, textlen);
	pango_layout_get_extents(pl, NULL, &logical);
	l->width = logical.width;
	l->height = logical.height;
	runs = LAY_RUNS(l);
	lines = LAY_LINES(l);
	gl = LAY_GLYPHS(l);
	it = pango_layout_get_iter(pl);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		struct lay_line *ln = &lines[li++];
		int32_t x_off = 0;

		pango_layout_iter_get_line_extents(it, NULL, &logical);
		ln->x = logical.x;
		ln->y = logical.y;
		ln->width = logical.width;
		ln->height = logical.height;
		ln->baseline = pango_layout_iter_get_baseline(it);
		ln->run0 = (uint32_t)ri;
		for (GSList *rs = line->runs; rs != NULL; rs = rs->next) {
			PangoGlyphItem *run = rs->data;
			PangoItem *item = run->item;
			PangoGlyphString *gs = run->glyphs;
			struct lay_run *lr = &runs[ri++];

			if (faces)
				lr->face = pdfw_face_of(item->analysis.font,
				    &lr->size);
			lr->x = x_off;
			lr->y_offset = run->y_offset;
			lr->g0 = (uint32_t)gi;
			lr->n = (uint32_t)gs->num_glyphs;
			for (int i = 0; i < gs->num_glyphs; i++) {
				PangoGlyphInfo *g = &gs->glyphs[i];
				struct pdfw_glyph *o = &gl[gi + (size_t)i];

				o->glyph = g->glyph;
				o->width = g->geometry.width;
				o->x_offset = g->geometry.x_offset;
				o->y_offset = g->geometry.y_offset;
				o->start = (uint32_t)(item->offset +
				    gs->log_clusters[i]);
			}
			cluster_ends(gl + gi, gs, item);
			gi += (size_t)gs->num_glyphs;
			x_off += pango_glyph_string_get_width(gs);
		}
		ln->nruns = (uint32_t)ri - ln->run0;
	} while (pango_layout_iter_next_line(it) && li < nlines);
	pango_layout_iter_free(it);
	return l;
}


/* --- the fast path ---
 *
 * The documents' text is Chinese, digits and punctuation in one face
 * (PDF_FONT), whose substitutions (dlig, frac) are off by default and which
 * positions nothing: shaped, each character is its nominal glyph at its
 * advance. For such text the block is made here with pango's own break
 * rules (pango_get_log_attrs()), its greedy filling of lines and its
 * justification (over spaces, else between characters), without the
 * itemizing, font sets and shaping that make most of a layout's cost.
 * Anything else returns NULL and pango lays the text out: a character
 * outside the plain ranges or missing from the face, white space where a
 * line breaks (pango lets it hang past the end), a break that would insert
 * a hyphen. tests/unit/test_docs.c holds the two to the same blocks on the
 * documents' texts and on random mixes. */

#define FAST_MAX_BYTES 4096 /* longer text goes to pango */
#define FAST_FONTS 8

struct fast_font {
	double pt;
	PangoFont *pf;
	hb_font_t *hb;
	const struct pdfw_face *face;
	double size;
	int32_t height, baseline; /* a line's, in pango units */
};

/* The faces of one thread (pango keeps a font map per thread), with a
 * reference on each font: released when the thread ends (the key's
 * destructor) or its font map goes (lay_thread_release()). */
struct fast_fonts {
	int n;
	struct fast_font f[FAST_FONTS];
};

static pthread_key_t fonts_key;
static pthread_once_t fonts_once = PTHREAD_ONCE_INIT;

static void
fast_fonts_free(void *p)
{
	struct fast_fonts *ff = p;

	if (ff == NULL)
		return;
	for (int i = 0; i < ff->n; i++)
		if (ff->f[i].pf != NULL)
			g_object_unref(ff->f[i].pf);
	free(ff);
}

static void
fonts_key_make(void)
{
	(void)pthread_key_create(&fonts_key, fast_fonts_free);
}

/* The face pango picks for Chinese, Latin and digits at pt, with its line
 * metrics as pango measures them; NULL if pango picks more than one. */
static const struct fast_font *
fast_font(PangoContext *pc, double pt)
{
	const struct lay_params p = { .pt = pt };
	struct fast_fonts *ff;
	struct fast_font *f;
	PangoLayout *pl;
	PangoLayoutLine *line;
	PangoRectangle logical;
	PangoLayoutIter *it;
	PangoFont *pf = NULL;

	pthread_once(&fonts_once, fonts_key_make);
	ff = pthread_getspecific(fonts_key);
	if (ff == NULL) {
		ff = xcalloc(1, sizeof(*ff));
		(void)pthread_setspecific(fonts_key, ff);
	}
	for (int i = 0; i < ff->n; i++)
		if (ff->f[i].pt == pt)
			return ff->f[i].pf != NULL ? &ff->f[i] : NULL;
	if (ff->n == FAST_FONTS)
		return NULL;
	f = &ff->f[ff->n++];
	memset(f, 0, sizeof(*f));
	f->pt = pt;
	pl = layout_new(pc, "国A1", &p);
	line = pango_layout_get_line_readonly(pl, 0);
	for (GSList *rs = line->runs; rs != NULL; rs = rs->next) {
		PangoFont *rf = ((PangoGlyphItem *)rs->data)->item->analysis.font;

		if (pf != NULL && rf != pf) {
			pf = NULL;
			break;
		}
		pf = rf;
	}
	if (pf != NULL) {
		f->hb = pango_font_get_hb_font(pf);
		f->face = pdfw_face_of(pf, &f->size);
	}
	if (f->hb != NULL && f->face != NULL) {
		f->pf = g_object_ref(pf);
		it = pango_layout_get_iter(pl);
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		f->height = logical.height;
		f->baseline = pango_layout_iter_get_baseline(it) - logical.y;
		pango_layout_iter_free(it);
	}
	g_object_unref(pl);
	return f->pf != NULL ? f : NULL;
}

void
lay_thread_release(void)
{
	pthread_once(&fonts_once, fonts_key_make);
	fast_fonts_free(pthread_getspecific(fonts_key));
	(void)pthread_setspecific(fonts_key, NULL);
}

/* Characters that pango shapes one to one with the face and gives no font
 * of their own: no controls, combining marks, format characters, emoji or
 * scripts written right to left. */
static bool
fast_char(uint32_t c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c <= 0xff &&
	    c != 0xad) || (c >= 0x2010 && c <= 0x2027) ||
	    (c >= 0x2030 && c <= 0x205e) || (c >= 0x2100 && c <= 0x218f) ||
	    (c >= 0x2460 && c <= 0x24ff) || (c >= 0x2500 && c <= 0x257f) ||
	    (c >= 0x2e80 && c <= 0x2fdf) || (c >= 0x3000 && c <= 0x3029) ||
	    (c >= 0x3030 && c <= 0x303f) || (c >= 0x3041 && c <= 0x3096) ||
	    (c >= 0x309b && c <= 0x30ff) || (c >= 0x3105 && c <= 0x312f) ||
	    (c >= 0x3200 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff01 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6);
}

/* Where the line starting at char s ends (exclusive), filling avail pango
 * units as pango does; -1 where pango would insert a hyphen, or where white
 * space meets the break (pango hangs it past the line's end). */
static long
fast_break(const int32_t *adv, const PangoLogAttr *la, long s, long n,
    int64_t avail, bool wrap_char)
{
	int64_t w = 0;
	long k = s, best = -1, e;

	while (k < n && w + adv[k] <= avail) {
		w += adv[k++];
		if (k == n || (wrap_char ? la[k].is_char_break :
		    la[k].is_line_break))
			best = k;
	}
	if (k == n)
		return n;
	if (best > s) {
		e = best;
	} else {
		/* No word fits on the line: break between characters. */
		e = -1;
		for (long j = k; j > s && e < 0; j--)
			if (la[j].is_char_break)
				e = j;
		if (e < 0)
			e = k > s ? k : s + 1;
	}
	if (la[e].break_inserts_hyphen || la[e].break_removes_preceding ||
	    la[e - 1].is_white)
		return -1;
	for (long j = e; j <= k && j < n; j++)
		if (la[j].is_white)
			return -1;
	return e;
}

/* Spreads the line's remaining width over its spaces in proportion to their
 * widths, as pango's justify_words() does; false if it has none. */
static bool
fast_justify_words(struct pdfw_glyph *g, const PangoLogAttr *la, long n,
    int32_t remaining)
{
	bool hinted = (remaining & (PANGO_SCALE - 1)) == 0;
	int64_t total = 0, so_far = 0, added = 0;

	for (long i = 0; i < n; i++)
		if (la[i].is_expandable_space)
			total += g[i].width;
	if (total == 0)
		return false;
	for (long i = 0; i < n; i++) {
		int32_t adj;

		if (!la[i].is_expandable_space || g[i].width == 0)
			continue;
		so_far += g[i].width;
		adj = (int32_t)((uint64_t)so_far * (uint64_t)remaining /
		    (uint64_t)total - (uint64_t)added);
		if (hinted)
			adj = PANGO_UNITS_ROUND(adj);
		g[i].width += adj;
		added += adj;
	}
	return true;
}

/* Spreads the line's remaining width as pango's justify: over the spaces
 * if there are any, else between the characters (justify_clusters(): half
 * of each gap's share left of a character, half right, none before the
 * first or after the last). */
static void
fast_justify(struct pdfw_glyph *g, const PangoLogAttr *la, long n,
    int32_t remaining)
{
	bool hinted = (remaining & (PANGO_SCALE - 1)) == 0;
	int32_t gaps = (int32_t)n - 1, residual = 0, right = 0;

	if (remaining <= 0 || fast_justify_words(g, la, n, remaining) ||
	    gaps <= 0)
		return;
	for (long i = 0; i < n; i++) {
		int32_t adj = remaining / gaps + residual, left;

		if (hinted) {
			int32_t old = adj;

			adj = PANGO_UNITS_ROUND(adj);
			residual = old - adj;
		}
		left = adj / 2;
		if ((adj & (PANGO_SCALE - 1)) == 0)
			left = PANGO_UNITS_ROUND(left);
		right = adj - left;
		if (i > 0) {
			g[i].width += left;
			g[i].x_offset += left;
		}
		g[i].width += right;
	}
	g[n - 1].width -= right;
}

/* The text by character: its glyph, advance and byte offset (off has n + 1
 * entries). */
struct fast_text {
	long n;
	uint32_t *gid, *off;
	int32_t *adv;
	PangoLogAttr *la;
};

/* Reads text into t; false if a character is not for the fast path. */
static bool
fast_scan(const struct fast_font *f, const char *text, size_t len,
    struct fast_text *t)
{
	const char *q = text, *end = text + len;

	t->n = 0;
	while (q < end) {
		gunichar c = g_utf8_get_char_validated(q, end - q);
		hb_codepoint_t g;

		if (c >= 0x110000 || !fast_char(c) ||
		    !hb_font_get_nominal_glyph(f->hb, c, &g) || g == 0)
			return false;
		t->gid[t->n] = g;
		t->off[t->n] = (uint32_t)(q - text);
		t->adv[t->n] = hb_font_get_glyph_h_advance(f->hb, g);
		q = g_utf8_next_char(q);
		t->n++;
	}
	t->off[t->n] = (uint32_t)len;
	return true;
}

/* Places line li (chars s to e, natural width w) of the block l: justified
 * when it is not the last, aligned in layout_w; its extents. */
static void
fast_line(struct lay *l, const struct fast_font *f, const struct fast_text *t,
    const struct lay_params *p, long li, long s, long e, int32_t w,
    int32_t avail, int32_t layout_w, int32_t indent, int32_t y)
{
	struct lay_line *ln = &LAY_LINES(l)[li];
	struct lay_run *run = &LAY_RUNS(l)[li];
	struct pdfw_glyph *g = LAY_GLYPHS(l) + s;
	int32_t x = 0;

	if (p->justify && e < t->n) {
		fast_justify(g, t->la + s, e - s, avail - w);
		w = 0;
		for (long i = 0; i < e - s; i++)
			w += g[i].width;
	}
	if (p->align == PANGO_ALIGN_RIGHT) {
		x = layout_w - w;
	} else if (p->align == PANGO_ALIGN_CENTER) {
		x = (layout_w - w) / 2;
		if (((layout_w | w) & (PANGO_SCALE - 1)) == 0)
			x = PANGO_UNITS_ROUND(x);
	}
	if (li == 0 && p->align == PANGO_ALIGN_LEFT)
		x += indent;
	ln->x = x;
	ln->y = y;
	ln->width = w;
	ln->height = f->height;
	ln->baseline = y + f->baseline;
	ln->run0 = (uint32_t)li;
	ln->nruns = 1;
	run->face = f->face;
	run->size = f->size;
	run->g0 = (uint32_t)s;
	run->n = (uint32_t)(e - s);
}

/* The block of text laid out by the fast path, or NULL (see above). */
static struct lay *
lay_fast(PangoContext *pc, const char *text, size_t len,
    const struct lay_params *p)
{
	const struct fast_font *f;
	struct fast_text t;
	struct lay *l = NULL;
	struct pdfw_glyph *gl;
	uint32_t *ends;
	int32_t *lw, y = 0;
	long nl = 0;
	int32_t width = (int32_t)(p->width * PANGO_SCALE);
	/* pango ignores the indent of centred text */
	int32_t indent = p->align == PANGO_ALIGN_CENTER ? 0 :
	    (int32_t)(p->indent * PANGO_SCALE);
	int32_t spacing = (int32_t)(p->spacing * PANGO_SCALE);
	int32_t layout_w = 0, minx = INT32_MAX, maxr = INT32_MIN;

	if (len == 0 || len > FAST_MAX_BYTES || p->indent < 0 ||
	    (f = fast_font(pc, p->pt)) == NULL)
		return NULL;
	/* Five arrays of len + 1 words: a character takes at least a byte. */
	t.gid = xmalloc((len + 1) * (5 * sizeof(uint32_t) +
	    sizeof(PangoLogAttr)));
	t.off = t.gid + len + 1;
	ends = t.off + len + 1;
	t.adv = (int32_t *)(ends + len + 1);
	lw = t.adv + len + 1;
	t.la = (PangoLogAttr *)(void *)(lw + len + 1);
	if (!fast_scan(f, text, len, &t))
		goto out;
	pango_get_log_attrs(text, (int)len, 0, pango_context_get_language(pc),
	    t.la, (int)t.n + 1);
	for (long s = 0; s < t.n; nl++) {
		long e = t.n;

		if (width > 0) {
			e = fast_break(t.adv, t.la, s, t.n,
			    width - (nl == 0 ? indent : 0), p->wrap_char);
			if (e < 0)
				goto out;
		}
		ends[nl] = (uint32_t)e;
		lw[nl] = 0;
		for (long i = s; i < e; i++)
			lw[nl] += t.adv[i];
		if (lw[nl] > layout_w)
			layout_w = lw[nl];
		s = e;
	}
	if (width > 0)
		layout_w = width;
	l = lay_alloc((uint32_t)nl, (size_t)nl, (size_t)t.n, text, len);
	gl = LAY_GLYPHS(l);
	for (long i = 0; i < t.n; i++) {
		gl[i].glyph = t.gid[i];
		gl[i].width = t.adv[i];
		gl[i].start = t.off[i];
		gl[i].end = t.off[i + 1];
	}
	for (long li = 0, s = 0; li < nl; s = ends[li++]) {
		const struct lay_line *ln = &LAY_LINES(l)[li];

		fast_line(l, f, &t, p, li, s, ends[li], lw[li],
		    width - (li == 0 ? indent : 0), layout_w, indent, y);
		if (ln->x < minx)
			minx = ln->x;
		if (ln->x + ln->width > maxr)
			maxr = ln->x + ln->width;
		y += f->height + spacing;
	}
	l->width = maxr - minx;
	l->height = y - spacing;
out:
	free(t.gid);
	return l;
}

struct lay *
lay_block(PangoContext *pc, const char *text, const struct lay_params *p,
    bool fast)
{
	PangoLayout *pl;
	struct lay *l;

	if (fast)
		return lay_fast(pc, text, strlen(text), p);
	pl = layout_new(pc, text, p);
	l = lay_of(pl, true);
	g_object_unref(pl);
	return l;
}

PangoContext *
lay_context_new(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoContext *pc = pango_font_map_create_context(fm);
	cairo_font_options_t *fo = cairo_font_options_create();

	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	pango_cairo_context_set_resolution(pc, 72);
	pango_context_set_round_glyph_positions(pc, FALSE);
	pango_context_set_language(pc, pango_language_from_string("zh-cn"));
	cairo_font_options_destroy(fo);
	return pc;
}

/* The cache key: the parameters and a digest of the text (the text itself
 * is compared on a hit). */
struct lay_key {
	double pt, width, indent, spacing;
	int32_t align;
	uint8_t justify, wrap_char, pad[2];
	unsigned char digest[16];
};

static void
lay_key_of(struct lay_key *k, const char *text, size_t len,
    const struct lay_params *p)
{
	memset(k, 0, sizeof(*k));
	k->pt = p->pt;
	k->width = p->width;
	k->indent = p->indent;
	k->spacing = p->spacing;
	k->align = (int32_t)p->align;
	k->justify = p->justify;
	k->wrap_char = p->wrap_char;
	crypto_generichash(k->digest, sizeof(k->digest),
	    (const unsigned char *)text, len, NULL, 0);
}

/* Lays text out: from the cache with the writer, else with pango. */
void
lay_text_new(PangoContext *pc, bool writer, struct lay_text *t,
    const char *text, const struct lay_params *p)
{
	struct lay_key k;
	uint64_t gen = 0;
	bool cache = writer;
	size_t len;
	char seen = 1;

	text = text != NULL ? text : "";
	len = strlen(text);
	t->pl = NULL;
	if (cache) {
		lay_key_of(&k, text, len, p);
		gen = ttl_cache_generation(&lay_cache);
		t->lay = xmalloc(LAY_CACHE_BYTES);
		if (ttl_cache_get(&lay_cache, &k, sizeof(k), t->lay) &&
		    t->lay->textlen == len &&
		    memcmp(LAY_TEXT(t->lay), text, len) == 0) {
			atomic_fetch_add(&lay_hits, 1);
			return;
		}
		free(t->lay);
	}
	if (cache)
		t->lay = lay_fast(pc, text, len, p);
	if (!cache || t->lay == NULL) {
		t->pl = layout_new(pc, text, p);
		t->lay = lay_of(t->pl, cache);
	}
	if (!cache)
		return;
	/* The writer draws from the block alone. */
	if (t->pl != NULL)
		g_object_unref(t->pl);
	t->pl = NULL;
	if (t->lay->bytes > LAY_CACHE_BYTES)
		return;
	if (!ttl_cache_get(&lay_seen, &k, sizeof(k), &seen)) {
		ttl_cache_put(&lay_seen, &k, sizeof(k), &seen,
		    ttl_cache_generation(&lay_seen));
		return;
	}
	t->lay = xrealloc(t->lay, LAY_CACHE_BYTES);
	memset((char *)t->lay + t->lay->bytes, 0,
	    LAY_CACHE_BYTES - t->lay->bytes);
	ttl_cache_put(&lay_cache, &k, sizeof(k), t->lay, gen);
}

void
lay_text_free(struct lay_text *t)
{
	free(t->lay);
	if (t->pl != NULL)
		g_object_unref(t->pl);
	t->lay = NULL;
	t->pl = NULL;
}

unsigned long
pdf_layout_cache_hits(void)
{
	return atomic_load(&lay_hits);
}

void
pdf_layout_cache_clear(void)
{
	ttl_cache_forget_if(&lay_cache, NULL, NULL);
	ttl_cache_forget_if(&lay_seen, NULL, NULL);
}

double
lay_text_width(const struct lay_text *t)
{
	return (double)t->lay->width / PANGO_SCALE;
}
