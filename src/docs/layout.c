/* layout.c - text laid out by pango into flat blocks, and the layout cache
 * (see layout.h). */
#include "docs/layout.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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

/* The flat block of a pango layout, with the faces of its runs when the
 * writer is to draw it (faces). */
static struct lay *
lay_of(PangoLayout *pl, bool faces)
{
	const char *text = pango_layout_get_text(pl);
	size_t textlen = strlen(text), nruns = 0, nglyphs = 0, bytes;
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
	bytes = LAY_ALIGN(sizeof(*l)) + nruns * sizeof(*runs) +
	    LAY_ALIGN((size_t)nlines * sizeof(*lines)) + nglyphs * sizeof(*gl) +
	    LAY_ALIGN(textlen + 1);
	l = xcalloc(1, bytes);
	l->bytes = (uint32_t)bytes;
	pango_layout_get_extents(pl, NULL, &logical);
	l->width = logical.width;
	l->height = logical.height;
	l->nlines = (uint32_t)nlines;
	l->nruns = (uint32_t)nruns;
	l->nglyphs = (uint32_t)nglyphs;
	l->textlen = (uint32_t)textlen;
	l->runs_off = (uint32_t)LAY_ALIGN(sizeof(*l));
	l->lines_off = l->runs_off + (uint32_t)(nruns * sizeof(*runs));
	l->glyphs_off = l->lines_off +
	    (uint32_t)LAY_ALIGN((size_t)nlines * sizeof(*lines));
	l->text_off = l->glyphs_off + (uint32_t)(nglyphs * sizeof(*gl));
	runs = LAY_RUNS(l);
	lines = LAY_LINES(l);
	gl = LAY_GLYPHS(l);
	memcpy(LAY_TEXT(l), text, textlen + 1);
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
	t->pl = layout_new(pc, text, p);
	t->lay = lay_of(t->pl, cache);
	if (!cache)
		return;
	/* The writer draws from the block alone. */
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
