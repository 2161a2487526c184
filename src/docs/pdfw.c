#include "docs/pdfw.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>
#include <libdeflate.h>
#include <zlib.h>

#include "docs/qr.h"
#include "docs/stamp.h"

#define MAX_FONTS 8
#define MAX_SEALS 16        /* different seals in one document */
#define SEAL_CACHE_MAX 512  /* seals kept compressed in the process */
#define FONT_CACHE_MAX 8
#define GLYPHS_MAX 65535

/* --- numbers and strings --- */

/* Appends v with at most 2 decimals (1/100 pt), no exponent, no locale. */
static void
num(struct buf *b, double v)
{
	char s[32], *p = s + sizeof(s);
	long long t = llround(v * 100);
	bool neg = t < 0;
	unsigned long long u = neg ? (unsigned long long)-t :
	    (unsigned long long)t;
	unsigned frac = (unsigned)(u % 100);

	u /= 100;
	*--p = ' ';
	if (frac != 0) {
		if (frac % 10 != 0)
			*--p = (char)('0' + frac % 10);
		*--p = (char)('0' + frac / 10);
		*--p = '.';
	}
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (neg && (frac != 0 || t != 0))
		*--p = '-';
	buf_append(b, p, (size_t)(s + sizeof(s) - p));
}

static const char HEX[] = "0123456789ABCDEF";

static void
hex4(struct buf *b, unsigned v)
{
	char s[4] = { HEX[(v >> 12) & 15], HEX[(v >> 8) & 15],
		HEX[(v >> 4) & 15], HEX[v & 15] };

	buf_append(b, s, 4);
}

/* UTF-8 as UTF-16BE in hex digits. */
static void
utf16_hex(struct buf *b, const char *s)
{
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c >= 0x10000) {
			c -= 0x10000;
			hex4(b, 0xD800 + (c >> 10));
			hex4(b, 0xDC00 + (c & 0x3FF));
		} else
			hex4(b, c);
	}
}

/* A text string as UTF-16BE in hex, <FEFF...>. */
static void
text_string(struct buf *b, const char *s)
{
	buf_puts(b, "<FEFF");
	utf16_hex(b, s);
	buf_putc(b, '>');
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* --- deflate pieces ---
 *
 * A piece is raw deflate data ending in a sync flush (byte aligned, not
 * final, no reference back into an earlier piece), with the Adler-32 and
 * length of what it holds; pieces joined and closed by an empty final block
 * make one zlib stream. */
struct piece {
	uint8_t *z;
	size_t zlen, len;
	uLong adler;
	uint32_t sum; /* TrueType checksum of the data (4-byte padded) */
};

/* The compressors of each thread, made once: a deflate state is a quarter
 * of a megabyte, and allocating one per stream cost more than the
 * compressing (the heap grew and shrank for every document). zlib's fast
 * one, with a small hash table (it is cleared for every stream), for the
 * pieces a document writes once; its default one for the pieces kept; and
 * libdeflate's, a third of zlib's time at the same size, for the streams a
 * document writes whole (a piece cannot come from it: its last block is
 * final). */
struct zpair {
	z_stream zs[2];
	bool ok[2];
	struct libdeflate_compressor *whole;
};

static pthread_key_t zs_key;
static pthread_once_t zs_once = PTHREAD_ONCE_INIT;

static void
zs_free(void *p)
{
	struct zpair *z = p;

	if (z == NULL)
		return;
	for (int i = 0; i < 2; i++)
		if (z->ok[i])
			deflateEnd(&z->zs[i]);
	if (z->whole != NULL)
		libdeflate_free_compressor(z->whole);
	free(z);
}

static void
zs_key_make(void)
{
	pthread_key_create(&zs_key, zs_free);
}

static struct zpair *
thread_zpair(void)
{
	struct zpair *z;

	pthread_once(&zs_once, zs_key_make);
	z = pthread_getspecific(zs_key);
	if (z == NULL) {
		z = calloc(1, sizeof(*z));
		if (z == NULL)
			return NULL;
		pthread_setspecific(zs_key, z);
	}
	return z;
}

static z_stream *
thread_stream(int level)
{
	int k = level == 1 ? 0 : 1;
	struct zpair *z = thread_zpair();

	if (z == NULL)
		return NULL;
	if (z->ok[k])
		return deflateReset(&z->zs[k]) == Z_OK ? &z->zs[k] : NULL;
	if (deflateInit2(&z->zs[k], k == 0 ? 1 : Z_DEFAULT_COMPRESSION,
	    Z_DEFLATED, -15, k == 0 ? 5 : 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	z->ok[k] = true;
	return &z->zs[k];
}

void
pdfw_thread_release(void)
{
	struct zpair *z;

	pthread_once(&zs_once, zs_key_make);
	z = pthread_getspecific(zs_key);
	pthread_setspecific(zs_key, NULL);
	zs_free(z);
}

/* level 1 (fast) or anything else (the default level). */
static int
piece_make(struct piece *pc, const void *data, size_t len, int level)
{
	z_stream *zs;
	size_t cap = compressBound((uLong)len) + 16;
	int rc;

	memset(pc, 0, sizeof(*pc));
	pc->z = malloc(cap);
	if (pc->z == NULL)
		return -ERR_INTERNAL;
	zs = thread_stream(level);
	if (zs == NULL) {
		free(pc->z);
		pc->z = NULL;
		return -ERR_INTERNAL;
	}
	zs->next_in = (Bytef *)(uintptr_t)data;
	zs->avail_in = (uInt)len;
	zs->next_out = pc->z;
	zs->avail_out = (uInt)cap;
	rc = deflate(zs, Z_SYNC_FLUSH);
	pc->zlen = cap - zs->avail_out;
	if (zs->avail_in != 0)
		rc = Z_BUF_ERROR;
	if (rc != Z_OK) {
		free(pc->z);
		pc->z = NULL;
		return -ERR_INTERNAL;
	}
	pc->len = len;
	pc->adler = adler32(1, data, (uInt)len);
	return 0;
}

/* Appends "stream\n<pieces>endstream" with /Length and /Filter. */
static void
pieces_stream(struct buf *out, const struct piece *const *pcs, size_t n,
    size_t len1)
{
	static const uint8_t head[2] = { 0x78, 0x9c }, tail[2] = { 0x03, 0x00 };
	uLong adler = 1;
	size_t zlen = 2 + 2 + 4;
	uint8_t a[4];

	for (size_t i = 0; i < n; i++) {
		zlen += pcs[i]->zlen;
		adler = adler32_combine(adler, pcs[i]->adler,
		    (z_off_t)pcs[i]->len);
	}
	buf_puts(out, "/Length ");
	buf_put_uint(out, zlen);
	if (len1 > 0) {
		buf_puts(out, " /Length1 ");
		buf_put_uint(out, len1);
	}
	buf_puts(out, " /Filter /FlateDecode >>\nstream\n");
	buf_append(out, head, 2);
	for (size_t i = 0; i < n; i++)
		buf_append(out, pcs[i]->z, pcs[i]->zlen);
	buf_append(out, tail, 2);
	put32(a, (uint32_t)adler);
	buf_append(out, a, 4);
	buf_puts(out, "\nendstream\nendobj\n");
}

static uint32_t
tt_sum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 4 <= len; i += 4)
		s += be32(p + i);
	if (i < len) {
		uint8_t t[4] = { 0, 0, 0, 0 };

		memcpy(t, p + i, len - i);
		s += be32(t);
	}
	return s;
}

/* --- fonts: the process-wide part --- */

struct face {
	uint8_t head[54];
	unsigned nglyphs, nhmetrics, upem;
	bool long_loca;
	hb_blob_t *hmtx_b, *loca_b, *glyf_b;
	const uint8_t *hmtx, *loca, *glyf;
	unsigned hmtx_len, loca_len, glyf_len;
	uint8_t hhea[36], maxp[32], post[32];
	unsigned maxp_len;
	int ascent, descent, bbox[4]; /* in 1/1000 em */
	char name[64];                /* PostScript-safe family name */
	char family[128];             /* pango's family name, as given */
	unsigned index;               /* the face's index in its file */
	struct piece fixed;           /* cvt, fpgm, prep, name, post */
	unsigned cvt_len, fpgm_len, prep_len;
	uint32_t cvt_sum, fpgm_sum, prep_sum;
	struct piece **glyph;         /* per glyph, made when first used */
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct face *faces[FONT_CACHE_MAX];
static size_t nfaces;

#define NAME_LEN 6
#define POST_LEN 32

static const uint8_t *
table(hb_face_t *hf, hb_tag_t tag, hb_blob_t **b, unsigned *len)
{
	*b = hb_face_reference_table(hf, tag);
	return (const uint8_t *)hb_blob_get_data(*b, len);
}

static void
face_free(struct face *f)
{
	if (f == NULL)
		return;
	hb_blob_destroy(f->hmtx_b);
	hb_blob_destroy(f->loca_b);
	hb_blob_destroy(f->glyf_b);
	free(f->fixed.z);
	if (f->glyph != NULL)
		for (unsigned i = 0; i < f->nglyphs; i++)
			if (f->glyph[i] != NULL) {
				free(f->glyph[i]->z);
				free(f->glyph[i]);
			}
	free(f->glyph);
	free(f);
}

static int
scale1000(const struct face *f, int v)
{
	return (int)lround((double)v * 1000.0 / f->upem);
}

/* Reads what the subsets need from a TrueType face; NULL when the face has
 * no TrueType outlines. Called with cache_mu held. */
static struct face *
face_load(hb_face_t *hf, const char *family)
{
	struct face *f = calloc(1, sizeof(*f));
	hb_blob_t *b;
	const uint8_t *p;
	unsigned len;
	struct buf fixed;
	size_t k = 0;
	static const hb_tag_t fixed_tags[3] = { HB_TAG('c', 'v', 't', ' '),
		HB_TAG('f', 'p', 'g', 'm'), HB_TAG('p', 'r', 'e', 'p') };
	unsigned *lens[3];
	uint32_t *sums[3];

	if (f == NULL)
		return NULL;
	lens[0] = &f->cvt_len;
	lens[1] = &f->fpgm_len;
	lens[2] = &f->prep_len;
	sums[0] = &f->cvt_sum;
	sums[1] = &f->fpgm_sum;
	sums[2] = &f->prep_sum;
	p = table(hf, HB_TAG('h', 'e', 'a', 'd'), &b, &len);
	if (len < 54) {
		hb_blob_destroy(b);
		goto bad;
	}
	memcpy(f->head, p, 54);
	hb_blob_destroy(b);
	p = table(hf, HB_TAG('h', 'h', 'e', 'a'), &b, &len);
	if (len < 36) {
		hb_blob_destroy(b);
		goto bad;
	}
	memcpy(f->hhea, p, 36);
	hb_blob_destroy(b);
	p = table(hf, HB_TAG('m', 'a', 'x', 'p'), &b, &len);
	if (len < 6) {
		hb_blob_destroy(b);
		goto bad;
	}
	f->maxp_len = len < 32 ? len : 32;
	memcpy(f->maxp, p, f->maxp_len);
	hb_blob_destroy(b);
	p = table(hf, HB_TAG('p', 'o', 's', 't'), &b, &len);
	if (len >= POST_LEN)
		memcpy(f->post, p, POST_LEN);
	hb_blob_destroy(b);
	put32(f->post, 0x00030000); /* version 3: no glyph names */
	snprintf(f->family, sizeof(f->family), "%s", family);
	f->index = hb_face_get_index(hf);
	f->upem = be16(f->head + 18);
	f->long_loca = be16(f->head + 50) != 0;
	f->nglyphs = be16(f->maxp + 4);
	f->nhmetrics = be16(f->hhea + 34);
	f->hmtx = table(hf, HB_TAG('h', 'm', 't', 'x'), &f->hmtx_b,
	    &f->hmtx_len);
	f->loca = table(hf, HB_TAG('l', 'o', 'c', 'a'), &f->loca_b,
	    &f->loca_len);
	f->glyf = table(hf, HB_TAG('g', 'l', 'y', 'f'), &f->glyf_b,
	    &f->glyf_len);
	if (f->upem < 16 || f->nglyphs == 0 || f->nhmetrics == 0 ||
	    f->nhmetrics > f->nglyphs || f->glyf_len == 0 ||
	    f->hmtx_len < f->nhmetrics * 4u ||
	    f->loca_len < (f->nglyphs + 1u) * (f->long_loca ? 4u : 2u))
		goto bad;
	f->glyph = calloc(f->nglyphs, sizeof(*f->glyph));
	if (f->glyph == NULL)
		goto bad;
	f->ascent = scale1000(f, (int16_t)be16(f->hhea + 4));
	f->descent = scale1000(f, (int16_t)be16(f->hhea + 6));
	for (int i = 0; i < 4; i++)
		f->bbox[i] = scale1000(f, (int16_t)be16(f->head + 36 + 2 * i));
	for (const char *c = family; *c != '\0' && k + 1 < sizeof(f->name);
	    c++)
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9'))
			f->name[k++] = *c;
	if (k == 0)
		memcpy(f->name, "Font", 5);
	/* The tables every subset carries unchanged: hinting programs, an
	 * empty name table and a version 3 post table. */
	buf_init(&fixed, 0);
	for (int i = 0; i < 3; i++) {
		p = table(hf, fixed_tags[i], &b, &len);
		*lens[i] = len;
		*sums[i] = tt_sum(p, len);
		buf_append(&fixed, p, len);
		while (fixed.len % 4 != 0)
			buf_putc(&fixed, '\0');
		hb_blob_destroy(b);
	}
	{
		uint8_t name[8] = { 0, 0, 0, 0, 0, 6, 0, 0 };

		buf_append(&fixed, name, 8);
		buf_append(&fixed, f->post, POST_LEN);
	}
	if (piece_make(&f->fixed, fixed.data, fixed.len,
	    Z_DEFAULT_COMPRESSION) != 0) {
		buf_release(&fixed);
		goto bad;
	}
	buf_release(&fixed);
	return f;
bad:
	face_free(f);
	return NULL;
}

static void
glyph_range(const struct face *f, unsigned gid, uint32_t *off, uint32_t *len)
{
	uint32_t a, b;

	if (f->long_loca) {
		a = be32(f->loca + 4 * gid);
		b = be32(f->loca + 4 * gid + 4);
	} else {
		a = 2u * be16(f->loca + 2 * gid);
		b = 2u * be16(f->loca + 2 * gid + 2);
	}
	if (b < a || b > f->glyf_len)
		a = b = 0;
	*off = a;
	*len = b - a;
}

static unsigned
advance(const struct face *f, unsigned gid)
{
	unsigned i = gid < f->nhmetrics ? gid : f->nhmetrics - 1;

	return be16(f->hmtx + 4 * i);
}

static int16_t
lsb(const struct face *f, unsigned gid)
{
	if (gid < f->nhmetrics)
		return (int16_t)be16(f->hmtx + 4 * gid + 2);
	if (f->hmtx_len >= 4 * f->nhmetrics + 2 * (gid - f->nhmetrics) + 2)
		return (int16_t)be16(f->hmtx + 4 * f->nhmetrics +
		    2 * (gid - f->nhmetrics));
	return 0;
}

static bool
composite(const struct face *f, unsigned gid)
{
	uint32_t off, len;

	glyph_range(f, gid, &off, &len);
	return len >= 10 && (int16_t)be16(f->glyf + off) < 0;
}

/* The compressed piece of a simple glyph's outline, 4-byte padded; made
 * once. Called with cache_mu held. */
static const struct piece *
glyph_piece(struct face *f, unsigned gid)
{
	uint32_t off, len;
	uint8_t *tmp;
	struct piece *pc;

	if (f->glyph[gid] != NULL)
		return f->glyph[gid];
	glyph_range(f, gid, &off, &len);
	pc = calloc(1, sizeof(*pc));
	tmp = calloc(1, len + 4);
	if (pc == NULL || tmp == NULL)
		goto fail;
	memcpy(tmp, f->glyf + off, len);
	len = (len + 3) & ~3u;
	if (piece_make(pc, tmp, len, Z_DEFAULT_COMPRESSION) != 0)
		goto fail;
	pc->sum = tt_sum(tmp, len);
	free(tmp);
	f->glyph[gid] = pc;
	return pc;
fail:
	free(tmp);
	free(pc);
	return NULL;
}

static struct face *
face_get(hb_face_t *hf, const char *family)
{
	hb_blob_t *b;
	unsigned len;
	const uint8_t *p = table(hf, HB_TAG('h', 'e', 'a', 'd'), &b, &len);
	struct face *f = NULL;

	if (len < 54) {
		hb_blob_destroy(b);
		return NULL;
	}
	/* The faces of one collection may share their head table (WenQuanYi
	 * Zen Hei and its Mono): the family and the index tell them apart. */
	for (size_t i = 0; i < nfaces; i++)
		if (memcmp(faces[i]->head, p, 54) == 0 &&
		    faces[i]->nglyphs == hb_face_get_glyph_count(hf) &&
		    faces[i]->index == hb_face_get_index(hf) &&
		    strncmp(faces[i]->family, family,
		    sizeof(faces[i]->family) - 1) == 0) {
			f = faces[i];
			break;
		}
	hb_blob_destroy(b);
	if (f == NULL && nfaces < FONT_CACHE_MAX) {
		f = face_load(hf, family);
		if (f != NULL)
			faces[nfaces++] = f;
	}
	return f;
}

/* --- seals: the process-wide part --- */

struct seal {
	char *key;
	struct piece z; /* the form's content */
	double r;       /* half the bounding box */
};

static struct seal seals[SEAL_CACHE_MAX];
static size_t nseals;

/* --- a document --- */

/* One subset per face. */
struct font {
	struct face *f;
	unsigned *old;   /* new glyph id -> face glyph id; [0] = .notdef */
	char **uni;      /* new glyph id -> UTF-8 text (ToUnicode) */
	unsigned n, cap;
	/* face glyph id -> new id: open addressing, keys + 1 (0 = empty) */
	uint32_t *mk, *mv;
	unsigned msize;
};

struct seal_use {
	const struct seal *s;
	struct piece own; /* when the cache was full */
	double r;
	int obj;
};

struct page {
	struct buf c;
};

struct pdfw {
	double pw, ph;
	struct page *pages;
	int npages, cur, cap;
	struct font fonts[MAX_FONTS];
	int nfonts;
	struct seal_use su[MAX_SEALS];
	int nsu;
	int cur_font;
	double cur_size;
	bool failed;
};

struct pdfw *
pdfw_new(double page_w, double page_h)
{
	struct pdfw *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->pw = page_w;
	w->ph = page_h;
	w->cur_font = -1;
	return w;
}

void
pdfw_free(struct pdfw *w)
{
	if (w == NULL)
		return;
	for (int i = 0; i < w->npages; i++)
		buf_release(&w->pages[i].c);
	free(w->pages);
	for (int i = 0; i < w->nfonts; i++) {
		struct font *ft = &w->fonts[i];

		for (unsigned k = 0; k < ft->n; k++)
			g_free(ft->uni[k]);
		free(ft->uni);
		free(ft->old);
		free(ft->mk);
		free(ft->mv);
	}
	for (int i = 0; i < w->nsu; i++)
		free(w->su[i].own.z);
	free(w);
}

static struct buf *
cur(struct pdfw *w)
{
	return &w->pages[w->cur].c;
}

void
pdfw_page_add(struct pdfw *w)
{
	if (w->npages == w->cap) {
		int cap = w->cap ? w->cap * 2 : 4;
		struct page *p = realloc(w->pages, (size_t)cap * sizeof(*p));

		if (p == NULL) {
			w->failed = true;
			return;
		}
		w->pages = p;
		w->cap = cap;
	}
	buf_init(&w->pages[w->npages].c, 0);
	w->cur = w->npages++;
	/* y down from the top, as the layout measures it. */
	buf_puts(cur(w), "1 0 0 -1 0 ");
	num(cur(w), w->ph);
	buf_puts(cur(w), "cm\n");
	w->cur_font = -1;
}

void
pdfw_page_select(struct pdfw *w, int page)
{
	if (page >= 1 && page <= w->npages)
		w->cur = page - 1;
	w->cur_font = -1;
}

int
pdfw_pages(const struct pdfw *w)
{
	return w->npages;
}

void
pdfw_gray(struct pdfw *w, double g)
{
	struct buf *b = cur(w);

	num(b, g);
	buf_puts(b, "g ");
	num(b, g);
	buf_puts(b, "G\n");
}

void
pdfw_rect(struct pdfw *w, double x, double y, double wd, double ht,
    bool fill, double lw)
{
	struct buf *b = cur(w);

	if (!fill) {
		num(b, lw);
		buf_puts(b, "w ");
	}
	num(b, x);
	num(b, y);
	num(b, wd);
	num(b, ht);
	buf_puts(b, fill ? "re f\n" : "re S\n");
}

const struct pdfw_face *
pdfw_face_of(PangoFont *pf, double *size)
{
	PangoFontDescription *fd;
	hb_font_t *hbf;
	struct face *f;

	*size = 0;
	hbf = pango_font_get_hb_font(pf);
	if (hbf == NULL)
		return NULL;
	fd = pango_font_describe_with_absolute_size(pf);
	pthread_mutex_lock(&cache_mu);
	f = face_get(hb_font_get_face(hbf),
	    pango_font_description_get_family(fd) != NULL ?
	    pango_font_description_get_family(fd) : "Font");
	pthread_mutex_unlock(&cache_mu);
	*size = (double)pango_font_description_get_size(fd) / PANGO_SCALE;
	pango_font_description_free(fd);
	return (const struct pdfw_face *)f;
}

/* The index of the document's subset of face f, made when first used; -1
 * when the document has too many faces. */
static int
font_index(struct pdfw *w, struct face *f)
{
	struct font *ft;

	for (int i = 0; i < w->nfonts; i++)
		if (w->fonts[i].f == f)
			return i;
	if (w->nfonts == MAX_FONTS)
		return -1;
	ft = &w->fonts[w->nfonts];
	memset(ft, 0, sizeof(*ft));
	ft->f = f;
	ft->msize = 512;
	ft->mk = calloc(ft->msize, sizeof(*ft->mk));
	ft->mv = calloc(ft->msize, sizeof(*ft->mv));
	ft->cap = 256;
	ft->old = malloc(ft->cap * sizeof(*ft->old));
	ft->uni = calloc(ft->cap, sizeof(*ft->uni));
	ft->n = 1;
	w->nfonts++;
	if (ft->mk == NULL || ft->mv == NULL || ft->old == NULL ||
	    ft->uni == NULL) {
		w->failed = true;
		return -1;
	}
	ft->old[0] = 0;
	return w->nfonts - 1;
}

static unsigned
map_get(const struct font *ft, unsigned gid)
{
	unsigned m = ft->msize - 1, h = (gid * 2654435761u) & m;

	while (ft->mk[h] != 0) {
		if (ft->mk[h] == gid + 1)
			return ft->mv[h];
		h = (h + 1) & m;
	}
	return 0;
}

static int
map_put(struct font *ft, unsigned gid, unsigned id)
{
	unsigned m, h;

	if (2 * (ft->n + 1) > ft->msize) {
		unsigned size = ft->msize * 2;
		uint32_t *k = calloc(size, sizeof(*k)), *v = calloc(size,
		    sizeof(*v));

		if (k == NULL || v == NULL) {
			free(k);
			free(v);
			return -ERR_INTERNAL;
		}
		for (unsigned i = 0; i < ft->msize; i++) {
			if (ft->mk[i] == 0)
				continue;
			h = ((ft->mk[i] - 1) * 2654435761u) & (size - 1);
			while (k[h] != 0)
				h = (h + 1) & (size - 1);
			k[h] = ft->mk[i];
			v[h] = ft->mv[i];
		}
		free(ft->mk);
		free(ft->mv);
		ft->mk = k;
		ft->mv = v;
		ft->msize = size;
	}
	m = ft->msize - 1;
	h = (gid * 2654435761u) & m;
	while (ft->mk[h] != 0)
		h = (h + 1) & m;
	ft->mk[h] = gid + 1;
	ft->mv[h] = id;
	return 0;
}

/* The new id of a face glyph, adding it (and a composite's parts) to the
 * subset. 0 when it cannot be added. */
static unsigned
glyph_id(struct font *ft, unsigned gid)
{
	if (gid >= ft->f->nglyphs)
		return 0;
	if (gid == 0)
		return 0;
	if (map_get(ft, gid) != 0)
		return map_get(ft, gid);
	if (ft->n >= GLYPHS_MAX)
		return 0;
	if (ft->n == ft->cap) {
		unsigned cap = ft->cap * 2;
		unsigned *o = realloc(ft->old, cap * sizeof(*o));
		char **u;

		if (o == NULL)
			return 0;
		ft->old = o;
		u = realloc(ft->uni, cap * sizeof(*u));
		if (u == NULL)
			return 0;
		memset(u + ft->cap, 0, (cap - ft->cap) * sizeof(*u));
		ft->uni = u;
		ft->cap = cap;
	}
	if (map_put(ft, gid, ft->n) != 0)
		return 0;
	ft->old[ft->n] = gid;
	ft->n++;
	if (composite(ft->f, gid)) {
		const struct face *f = ft->f;
		uint32_t off, len, p;
		unsigned flags;

		glyph_range(f, gid, &off, &len);
		p = off + 10;
		do {
			if (p + 4 > off + len)
				break;
			flags = be16(f->glyf + p);
			glyph_id(ft, be16(f->glyf + p + 2));
			p += 4 + ((flags & 1) ? 4 : 2) + ((flags & 8) ? 2 :
			    (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0);
		} while (flags & 0x20);
	}
	return map_get(ft, gid);
}

int
pdfw_run(struct pdfw *w, double x, double y, const struct pdfw_face *face,
    double size, const struct pdfw_glyph *gs, int n, const char *text)
{
	struct buf *b = cur(w);
	struct font *ft;
	double pen = 0, upem, box[64][2];
	int fi, open = 0, nbox = 0;

	if (face == NULL)
		return -ERR_UNSUPPORTED_TYPE;
	fi = font_index(w, (struct face *)face);
	if (fi < 0)
		return -ERR_UNSUPPORTED_TYPE;
	ft = &w->fonts[fi];
	upem = ft->f->upem;
	if (!(size > 0))
		return 0;
	buf_puts(b, "BT\n");
	if (w->cur_font != fi || w->cur_size != size) {
		buf_puts(b, "/F");
		buf_put_uint(b, (unsigned long)fi);
		buf_putc(b, ' ');
		num(b, size);
		buf_puts(b, "Tf\n");
		w->cur_font = fi;
		w->cur_size = size;
	}
	for (int i = 0; i < n; i++) {
		const struct pdfw_glyph *g = &gs[i];
		double gx = x + pen + (double)g->x_offset / PANGO_SCALE;
		double gy = y + (double)g->y_offset / PANGO_SCALE;
		double adv = (double)g->width / PANGO_SCALE;
		unsigned id;

		pen += adv;
		if (g->glyph & PANGO_GLYPH_UNKNOWN_FLAG) {
			/* No font has the character: an empty box, as pango
			 * draws one (after the text object). */
			if (nbox < 64) {
				box[nbox][0] = gx + adv * 0.1;
				box[nbox][1] = adv * 0.8;
				nbox++;
			}
			continue;
		}
		if (g->glyph == PANGO_GLYPH_EMPTY)
			continue;
		id = glyph_id(ft, g->glyph);
		if (id == 0)
			continue;
		if (ft->uni[id] == NULL)
			ft->uni[id] = g_strndup(text + g->start,
			    (gsize)(g->end - g->start));
		/* A text matrix per glyph: flips y back, puts the glyph where
		 * pango put it; "Tj" of one glyph. Runs of glyphs with their
		 * natural advances share one matrix. */
		{
			double nat = advance(ft->f, g->glyph) * size / upem;

			if (!open) {
				buf_puts(b, "1 0 0 -1 ");
				num(b, gx);
				num(b, gy);
				buf_puts(b, "Tm [<");
				open = 1;
			}
			hex4(b, id);
			if (i + 1 < n) {
				double next = (double)gs[i + 1].x_offset /
				    PANGO_SCALE;
				double d = adv - nat + next -
				    (double)g->x_offset / PANGO_SCALE;

				if (gs[i + 1].y_offset != 0 ||
				    g->y_offset != 0) {
					buf_puts(b, ">] TJ\n");
					open = 0;
				} else if (fabs(d) > 0.005) {
					buf_puts(b, "> ");
					num(b, -d * 1000 / size);
					buf_putc(b, '<');
				}
			}
		}
	}
	if (open)
		buf_puts(b, ">] TJ\n");
	buf_puts(b, "ET\n");
	for (int i = 0; i < nbox; i++)
		pdfw_rect(w, box[i][0], y - size * 0.8, box[i][1], size * 0.9,
		    false, size * 0.06);
	return 0;
}

static int
seal_piece(struct piece *z, double *r, double diameter, const char *arc,
    const char *caption)
{
	struct buf ops;
	int rc;

	buf_init(&ops, 0);
	rc = stamp_pdf_ops(&ops, diameter, arc, caption);
	if (rc == 0)
		rc = piece_make(z, ops.data, ops.len, Z_DEFAULT_COMPRESSION);
	buf_release(&ops);
	*r = diameter / 2 + 2;
	return rc;
}

void
pdfw_seal(struct pdfw *w, double cx, double cy, double diameter,
    const char *arc_text, const char *caption)
{
	char *key = g_strdup_printf("%.3f|%s|%s", diameter,
	    arc_text != NULL ? arc_text : "", caption != NULL ? caption : "");
	struct seal_use *u = NULL;
	int k = -1;

	for (int i = 0; i < w->nsu; i++)
		if (w->su[i].s != NULL && strcmp(w->su[i].s->key, key) == 0)
			k = i;
	if (k < 0) {
		if (w->nsu == MAX_SEALS) {
			w->failed = true;
			g_free(key);
			return;
		}
		u = &w->su[w->nsu];
		memset(u, 0, sizeof(*u));
		pthread_mutex_lock(&cache_mu);
		for (size_t i = 0; i < nseals; i++)
			if (strcmp(seals[i].key, key) == 0)
				u->s = &seals[i];
		if (u->s == NULL && nseals < SEAL_CACHE_MAX &&
		    seal_piece(&seals[nseals].z, &seals[nseals].r, diameter,
		    arc_text, caption) == 0) {
			seals[nseals].key = key;
			key = NULL;
			u->s = &seals[nseals++];
		}
		pthread_mutex_unlock(&cache_mu);
		if (u->s != NULL)
			u->r = u->s->r;
		else if (seal_piece(&u->own, &u->r, diameter, arc_text,
		    caption) != 0) {
			w->failed = true;
			g_free(key);
			return;
		}
		k = w->nsu++;
	}
	g_free(key);
	{
		struct buf *b = cur(w);

		buf_puts(b, "q /Ga gs 1 0 0 1 ");
		num(b, cx);
		num(b, cy);
		buf_puts(b, "cm /S");
		buf_put_uint(b, (unsigned long)k);
		buf_puts(b, " Do Q\n");
	}
}

int
pdfw_qr(struct pdfw *w, const char *text, double x, double y, double size,
    struct err *e)
{
	unsigned char *m;
	struct buf *b = cur(w);
	int wd, rc;

	rc = qr_matrix(text, &m, &wd, e);
	if (rc != 0)
		return rc;
	buf_puts(b, "q 1 g ");
	num(b, x);
	num(b, y);
	num(b, size);
	num(b, size);
	buf_puts(b, "re f 0 g ");
	/* Module units, the quiet zone of 2 modules included. */
	num(b, size / (wd + 4));
	buf_puts(b, "0 0 ");
	num(b, size / (wd + 4));
	num(b, x);
	num(b, y);
	buf_puts(b, "cm\n");
	for (int r = 0; r < wd; r++)
		for (int c = 0; c < wd; c++) {
			int start;

			if (!m[r * wd + c])
				continue;
			start = c;
			while (c + 1 < wd && m[r * wd + c + 1])
				c++;
			buf_put_uint(b, (unsigned long)start + 2);
			buf_putc(b, ' ');
			buf_put_uint(b, (unsigned long)r + 2);
			buf_putc(b, ' ');
			buf_put_uint(b, (unsigned long)(c - start + 1));
			buf_puts(b, " 1 re\n");
		}
	buf_puts(b, "f Q\n");
	free(m);
	return 0;
}

/* --- the file --- */

struct file {
	struct buf *out;
	uint32_t *off;
	int n, cap;
	bool failed;
};

static int
obj_new(struct file *f)
{
	if (f->n + 1 >= f->cap) {
		int cap = f->cap ? f->cap * 2 : 64;
		uint32_t *o = realloc(f->off, (size_t)cap * sizeof(*o));

		if (o == NULL) {
			f->failed = true;
			return 0;
		}
		memset(o + f->cap, 0, (size_t)(cap - f->cap) * sizeof(*o));
		f->off = o;
		f->cap = cap;
	}
	return ++f->n;
}

static void
obj_begin(struct file *f, int obj)
{
	if (obj <= 0 || obj > f->n) {
		f->failed = true;
		return;
	}
	f->off[obj] = (uint32_t)f->out->len;
	buf_put_uint(f->out, (unsigned long)obj);
	buf_puts(f->out, " 0 obj\n");
}

static void
ref(struct buf *b, int obj)
{
	buf_put_uint(b, (unsigned long)obj);
	buf_puts(b, " 0 R");
}

/* A stream object from data, compressed at a fast level. */
static void
stream_obj(struct file *f, int obj, const char *dict, const void *data,
    size_t len)
{
	struct zpair *z;
	uint8_t *zbuf;
	size_t cap, zlen;

	obj_begin(f, obj);
	buf_puts(f->out, "<< ");
	buf_puts(f->out, dict);
	if (len < 64) {
		buf_puts(f->out, " /Length ");
		buf_put_uint(f->out, len);
		buf_puts(f->out, " >>\nstream\n");
		buf_append(f->out, data, len);
		buf_puts(f->out, "\nendstream\nendobj\n");
		return;
	}
	z = thread_zpair();
	if (z != NULL && z->whole == NULL)
		z->whole = libdeflate_alloc_compressor(1);
	if (z == NULL || z->whole == NULL) {
		f->failed = true;
		return;
	}
	cap = libdeflate_zlib_compress_bound(z->whole, len);
	zbuf = malloc(cap);
	zlen = zbuf != NULL ? libdeflate_zlib_compress(z->whole, data, len,
	    zbuf, cap) : 0;
	if (zlen == 0) {
		free(zbuf);
		f->failed = true;
		return;
	}
	buf_puts(f->out, "/Length ");
	buf_put_uint(f->out, zlen);
	buf_puts(f->out, " /Filter /FlateDecode >>\nstream\n");
	buf_append(f->out, zbuf, zlen);
	buf_puts(f->out, "\nendstream\nendobj\n");
	free(zbuf);
}

static void
tounicode(struct file *f, int obj, const struct font *ft)
{
	struct buf c;

	buf_init(&c, 0);
	buf_puts(&c, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
	    "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	    "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
	    "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
	    "endcodespacerange\n");
	for (unsigned i = 1; i < ft->n;) {
		unsigned k = 0, j;

		for (j = i; j < ft->n && k < 100; j++)
			if (ft->uni[j] != NULL && ft->uni[j][0] != '\0')
				k++;
		if (k > 0) {
			buf_put_uint(&c, k);
			buf_puts(&c, " beginbfchar\n");
			for (unsigned g = i; g < j; g++) {
				if (ft->uni[g] == NULL || ft->uni[g][0] == '\0')
					continue;
				buf_putc(&c, '<');
				hex4(&c, g);
				buf_puts(&c, "> <");
				utf16_hex(&c, ft->uni[g]);
				buf_puts(&c, ">\n");
			}
			buf_puts(&c, "endbfchar\n");
		}
		i = j;
	}
	buf_puts(&c, "endcmap\nCMapName currentdict /CMap defineresource "
	    "pop\nend\nend\n");
	stream_obj(f, obj, "", c.data, c.len);
	buf_release(&c);
}

struct tt_table {
	hb_tag_t tag;
	uint32_t sum, off, len;
};

/* A composite glyph with its parts' ids renumbered (made per document). */
static const struct piece *
composite_piece(const struct font *ft, unsigned gid, struct piece *pc)
{
	const struct face *f = ft->f;
	uint32_t off, len, p;
	unsigned flags;
	uint8_t *tmp;
	int rc;

	glyph_range(f, gid, &off, &len);
	tmp = calloc(1, len + 4);
	if (tmp == NULL)
		return NULL;
	memcpy(tmp, f->glyf + off, len);
	p = 10;
	do {
		if (p + 4 > len)
			break;
		flags = be16(tmp + p);
		put16(tmp + p + 2, map_get(ft, be16(tmp + p + 2)));
		p += 4 + ((flags & 1) ? 4 : 2) + ((flags & 8) ? 2 :
		    (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0);
	} while (flags & 0x20);
	len = (len + 3) & ~3u;
	rc = piece_make(pc, tmp, len, 1);
	pc->sum = tt_sum(tmp, len);
	free(tmp);
	return rc == 0 ? pc : NULL;
}

/* The font file: a TrueType subset with the glyphs in new-id order. */
static void
font_file(struct file *fl, int obj, struct font *ft)
{
	struct face *f = ft->f;
	const struct piece **pcs = NULL;
	struct piece var = { 0 }, *own = NULL;
	size_t nown = 0;
	struct buf v;
	struct tt_table t[11];
	uint8_t *hmtx = NULL, *loca = NULL, head[54], hhea[36], maxp[32];
	uint32_t glyf_len = 0, glyf_sum = 0, at;
	size_t np = 0, len1;
	int nt = 11;

	pcs = calloc(ft->n + 2, sizeof(*pcs));
	own = calloc(ft->n, sizeof(*own));
	hmtx = malloc(4 * ft->n);
	loca = malloc(4 * (ft->n + 1));
	if (pcs == NULL || own == NULL || hmtx == NULL || loca == NULL)
		goto fail;
	/* Glyph pieces, and the per-document loca and hmtx. */
	pthread_mutex_lock(&cache_mu);
	for (unsigned i = 0; i < ft->n; i++) {
		unsigned g = ft->old[i];
		const struct piece *pc;

		put32(loca + 4 * i, glyf_len);
		put16(hmtx + 4 * i, advance(f, g));
		put16(hmtx + 4 * i + 2, (uint16_t)lsb(f, g));
		if (composite(f, g))
			pc = composite_piece(ft, g, &own[nown++]);
		else
			pc = glyph_piece(f, g);
		if (pc == NULL) {
			pthread_mutex_unlock(&cache_mu);
			goto fail;
		}
		pcs[np++] = pc;
		glyf_len += (uint32_t)pc->len;
		glyf_sum += pc->sum;
	}
	pthread_mutex_unlock(&cache_mu);
	put32(loca + 4 * ft->n, glyf_len);
	memcpy(head, f->head, 54);
	put32(head + 8, 0);   /* checkSumAdjustment */
	put16(head + 50, 1);  /* long loca */
	memcpy(hhea, f->hhea, 36);
	put16(hhea + 34, ft->n);
	memcpy(maxp, f->maxp, f->maxp_len);
	put16(maxp + 4, ft->n);
	/* Table directory, sorted by tag; data: the per-document tables,
	 * then the fixed ones (cvt, fpgm, prep, name, post), then glyf. */
	{
		hb_tag_t tags[11] = { HB_TAG('c', 'v', 't', ' '),
			HB_TAG('f', 'p', 'g', 'm'), HB_TAG('g', 'l', 'y', 'f'),
			HB_TAG('h', 'e', 'a', 'd'), HB_TAG('h', 'h', 'e', 'a'),
			HB_TAG('h', 'm', 't', 'x'), HB_TAG('l', 'o', 'c', 'a'),
			HB_TAG('m', 'a', 'x', 'p'), HB_TAG('n', 'a', 'm', 'e'),
			HB_TAG('p', 'o', 's', 't'), HB_TAG('p', 'r', 'e', 'p') };

		for (int i = 0; i < nt; i++)
			t[i].tag = tags[i];
	}
	at = 12 + 16 * (uint32_t)nt;
#define PLACE(i, l, s) do { t[i].off = at; t[i].len = (l); t[i].sum = (s); \
	at += ((l) + 3) & ~3u; } while (0)
	PLACE(3, 54, tt_sum(head, 54));
	PLACE(4, 36, tt_sum(hhea, 36));
	PLACE(5, 4 * ft->n, tt_sum(hmtx, 4 * ft->n));
	PLACE(6, 4 * (ft->n + 1), tt_sum(loca, 4 * (ft->n + 1)));
	PLACE(7, f->maxp_len, tt_sum(maxp, f->maxp_len));
	PLACE(0, f->cvt_len, f->cvt_sum);
	PLACE(1, f->fpgm_len, f->fpgm_sum);
	PLACE(10, f->prep_len, f->prep_sum);
	PLACE(8, NAME_LEN, tt_sum((const uint8_t *)"\0\0\0\0\0\6", 6));
	PLACE(9, POST_LEN, tt_sum(f->post, POST_LEN));
	PLACE(2, glyf_len, glyf_sum);
#undef PLACE
	len1 = at;
	buf_init(&v, 0);
	{
		uint8_t d[12 + 16 * 11];
		unsigned sr = 1, es = 0;

		while (sr * 2 <= (unsigned)nt) {
			sr *= 2;
			es++;
		}
		put32(d, 0x00010000);
		put16(d + 4, (unsigned)nt);
		put16(d + 6, sr * 16);
		put16(d + 8, es);
		put16(d + 10, (unsigned)nt * 16 - sr * 16);
		for (int i = 0; i < nt; i++) {
			put32(d + 12 + 16 * i, t[i].tag);
			put32(d + 16 + 16 * i, t[i].sum);
			put32(d + 20 + 16 * i, t[i].off);
			put32(d + 24 + 16 * i, t[i].len);
		}
		buf_append(&v, d, 12 + 16 * (size_t)nt);
	}
	{
		static const uint8_t zero[4] = { 0, 0, 0, 0 };
		const struct {
			const uint8_t *p;
			size_t len;
		} parts[5] = { { head, 54 }, { hhea, 36 },
			{ hmtx, 4 * ft->n }, { loca, 4 * (ft->n + 1) },
			{ maxp, f->maxp_len } };

		for (int i = 0; i < 5; i++) {
			buf_append(&v, parts[i].p, parts[i].len);
			buf_append(&v, zero, (4 - parts[i].len % 4) % 4);
		}
	}
	if (piece_make(&var, v.data, v.len, 1) != 0) {
		buf_release(&v);
		goto fail;
	}
	buf_release(&v);
	memmove(pcs + 2, pcs, np * sizeof(*pcs));
	pcs[0] = &var;
	pcs[1] = &f->fixed;
	np += 2;
	obj_begin(fl, obj);
	buf_puts(fl->out, "<< ");
	pieces_stream(fl->out, pcs, np, len1);
	goto out;
fail:
	fl->failed = true;
out:
	for (size_t i = 0; i < nown; i++)
		free(own[i].z);
	free(own);
	free(var.z);
	free(pcs);
	free(hmtx);
	free(loca);
}

static void
font_objs(struct file *fl, struct font *ft, int type0)
{
	struct buf *o = fl->out;
	struct face *f = ft->f;
	int cid = obj_new(fl), desc = obj_new(fl), file = obj_new(fl),
	    tu = obj_new(fl);
	char tag[8];
	uint32_t h = 2166136261u;

	/* The subset's tag from its glyphs: the same document, the same
	 * bytes. */
	for (unsigned i = 0; i < ft->n; i++)
		h = (h ^ ft->old[i]) * 16777619u;
	for (int i = 0; i < 6; i++) {
		tag[i] = (char)('A' + h % 26);
		h /= 26;
	}
	tag[6] = '+';
	tag[7] = '\0';
	obj_begin(fl, type0);
	buf_puts(o, "<< /Type /Font /Subtype /Type0 /BaseFont /");
	buf_puts(o, tag);
	buf_puts(o, f->name);
	buf_puts(o, " /Encoding /Identity-H /DescendantFonts [");
	ref(o, cid);
	buf_puts(o, "] /ToUnicode ");
	ref(o, tu);
	buf_puts(o, " >>\nendobj\n");
	obj_begin(fl, cid);
	buf_puts(o, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /");
	buf_puts(o, tag);
	buf_puts(o, f->name);
	buf_puts(o, " /CIDSystemInfo << /Registry (Adobe) /Ordering "
	    "(Identity) /Supplement 0 >> /FontDescriptor ");
	ref(o, desc);
	buf_puts(o, " /CIDToGIDMap /Identity /W [0 [");
	for (unsigned i = 0; i < ft->n; i++) {
		buf_put_uint(o, (unsigned long)scale1000(f,
		    (int)advance(f, ft->old[i])));
		buf_putc(o, i + 1 < ft->n ? ' ' : ']');
	}
	buf_puts(o, "] >>\nendobj\n");
	obj_begin(fl, desc);
	buf_puts(o, "<< /Type /FontDescriptor /FontName /");
	buf_puts(o, tag);
	buf_puts(o, f->name);
	buf_puts(o, " /Flags 4 /FontBBox [");
	for (int i = 0; i < 4; i++) {
		char s[16];

		snprintf(s, sizeof(s), "%d%s", f->bbox[i], i < 3 ? " " : "");
		buf_puts(o, s);
	}
	{
		char s[96];

		snprintf(s, sizeof(s), "] /ItalicAngle 0 /Ascent %d /Descent "
		    "%d /CapHeight %d /StemV 80 /FontFile2 ", f->ascent,
		    f->descent, f->ascent);
		buf_puts(o, s);
	}
	ref(o, file);
	buf_puts(o, " >>\nendobj\n");
	font_file(fl, file, ft);
	tounicode(fl, tu, ft);
}

static void
info_entry(struct buf *o, const char *key, const char *v)
{
	if (v == NULL)
		return;
	buf_puts(o, key);
	text_string(o, v);
	buf_putc(o, '\n');
}

int
pdfw_finish(struct pdfw *w, const struct pdfw_info *info, struct buf *out,
    struct err *e)
{
	struct file fl = { .out = out };
	size_t max = out->max;
	int catalog, pages, res, infoo, fobj[MAX_FONTS], sobj[MAX_SEALS];
	int *pobj = NULL, *cobj = NULL;
	size_t xref;

	if (w->failed || w->npages == 0)
		return err_internal(e, "pdf: writer failed");
	pobj = calloc((size_t)w->npages, sizeof(*pobj));
	cobj = calloc((size_t)w->npages, sizeof(*cobj));
	if (pobj == NULL || cobj == NULL) {
		free(pobj);
		free(cobj);
		return err_internal(e, "out of memory");
	}
	/* Written without a ceiling (a document is far below the default
	 * one), checked against the caller's at the end. */
	out->max = 0;
	buf_puts(out, "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n");
	catalog = obj_new(&fl);
	pages = obj_new(&fl);
	res = obj_new(&fl);
	infoo = obj_new(&fl);
	for (int i = 0; i < w->npages; i++) {
		pobj[i] = obj_new(&fl);
		cobj[i] = obj_new(&fl);
	}
	for (int i = 0; i < w->nfonts; i++)
		fobj[i] = obj_new(&fl);
	for (int i = 0; i < w->nsu; i++)
		sobj[i] = obj_new(&fl);

	obj_begin(&fl, catalog);
	buf_puts(out, "<< /Type /Catalog /Pages ");
	ref(out, pages);
	buf_puts(out, " >>\nendobj\n");
	obj_begin(&fl, pages);
	buf_puts(out, "<< /Type /Pages /Count ");
	buf_put_uint(out, (unsigned long)w->npages);
	buf_puts(out, " /Kids [");
	for (int i = 0; i < w->npages; i++) {
		ref(out, pobj[i]);
		buf_putc(out, i + 1 < w->npages ? ' ' : ']');
	}
	buf_puts(out, " >>\nendobj\n");
	obj_begin(&fl, res);
	buf_puts(out, "<< /ExtGState << /Ga << /ca ");
	num(out, SEAL_ALPHA);
	buf_puts(out, "/CA ");
	num(out, SEAL_ALPHA);
	buf_puts(out, ">> >>\n/Font <<");
	for (int i = 0; i < w->nfonts; i++) {
		buf_puts(out, " /F");
		buf_put_uint(out, (unsigned long)i);
		buf_putc(out, ' ');
		ref(out, fobj[i]);
	}
	buf_puts(out, " >>\n/XObject <<");
	for (int i = 0; i < w->nsu; i++) {
		buf_puts(out, " /S");
		buf_put_uint(out, (unsigned long)i);
		buf_putc(out, ' ');
		ref(out, sobj[i]);
	}
	buf_puts(out, " >> >>\nendobj\n");
	obj_begin(&fl, infoo);
	buf_puts(out, "<<\n");
	info_entry(out, "/Title ", info->title);
	info_entry(out, "/Author ", info->author);
	info_entry(out, "/Subject ", info->subject);
	info_entry(out, "/Creator ", info->creator);
	if (info->date != NULL) {
		buf_puts(out, "/CreationDate (");
		buf_puts(out, info->date);
		buf_puts(out, ")\n/ModDate (");
		buf_puts(out, info->date);
		buf_puts(out, ")\n");
	}
	buf_puts(out, ">>\nendobj\n");
	for (int i = 0; i < w->npages; i++) {
		obj_begin(&fl, pobj[i]);
		buf_puts(out, "<< /Type /Page /Parent ");
		ref(out, pages);
		buf_puts(out, " /MediaBox [0 0 ");
		num(out, w->pw);
		num(out, w->ph);
		buf_puts(out, "] /Resources ");
		ref(out, res);
		buf_puts(out, " /Contents ");
		ref(out, cobj[i]);
		buf_puts(out, " /Group << /Type /Group /S /Transparency /CS "
		    "/DeviceRGB >> >>\nendobj\n");
		stream_obj(&fl, cobj[i], "", w->pages[i].c.data,
		    w->pages[i].c.len);
	}
	for (int i = 0; i < w->nfonts; i++)
		font_objs(&fl, &w->fonts[i], fobj[i]);
	for (int i = 0; i < w->nsu; i++) {
		const struct piece *z = w->su[i].s != NULL ? &w->su[i].s->z :
		    &w->su[i].own;
		double r = w->su[i].r;

		obj_begin(&fl, sobj[i]);
		buf_puts(out, "<< /Type /XObject /Subtype /Form /BBox [");
		num(out, -r);
		num(out, -r);
		num(out, r);
		num(out, r);
		buf_puts(out, "] /Group << /Type /Group /S /Transparency >> "
		    "/Resources << >> ");
		pieces_stream(out, &z, 1, 0);
	}
	xref = out->len;
	buf_puts(out, "xref\n0 ");
	buf_put_uint(out, (unsigned long)fl.n + 1);
	buf_puts(out, "\n0000000000 65535 f \n");
	for (int i = 1; i <= fl.n; i++) {
		char s[24];

		snprintf(s, sizeof(s), "%010u 00000 n \n", fl.off[i]);
		buf_append(out, s, 20);
	}
	buf_puts(out, "trailer\n<< /Size ");
	buf_put_uint(out, (unsigned long)fl.n + 1);
	buf_puts(out, " /Root ");
	ref(out, catalog);
	buf_puts(out, " /Info ");
	ref(out, infoo);
	buf_puts(out, " >>\nstartxref\n");
	buf_put_uint(out, xref);
	buf_puts(out, "\n%%EOF\n");
	free(pobj);
	free(cobj);
	free(fl.off);
	out->max = max;
	if (max != 0 && out->len > max)
		return err_set(e, ERR_TOO_LARGE, "document_too_large",
		    "文书文件过大");
	if (fl.failed)
		return err_internal(e, "pdf: writing failed");
	return 0;
}

void
pdfw_caches_release(void)
{
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < nfaces; i++)
		face_free(faces[i]);
	nfaces = 0;
	for (size_t i = 0; i < nseals; i++) {
		g_free(seals[i].key);
		free(seals[i].z.z);
	}
	nseals = 0;
	pthread_mutex_unlock(&cache_mu);
}
