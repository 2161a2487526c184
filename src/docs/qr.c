/* qr.c - QR codes by ISO/IEC 18004: one byte-mode segment, error-correction
 * level M, the smallest version that holds the text, and the mask with the
 * lowest penalty score.
 *
 * Choosing the mask is what costs: the standard scores all eight masked
 * symbols. Here each row and each column of the symbol is a bit set, so a
 * masked line is three word operations and the four penalty rules are
 * shifts, ANDs and population counts over whole lines; no masked copy of
 * the symbol is made module by module. */
#include "docs/qr.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QR_QUIET 2
#define QR_VERSION_MAX 40
#define QR_WIDTH_MAX 177
#define QR_CODEWORDS_MAX 3706 /* version 40 */
#define QR_ECC_MAX 30         /* codewords per block, any level */

/* A line (row or column) of the symbol as a bit set: module i is bit
 * LINE_PAD + i, and the bits around the symbol are 0 (light, as the quiet
 * zone is), so that patterns touching the edge need no special case. Three
 * words hold version 40 with the LINE_PAD bits before and the 8 after that
 * the finder-like pattern rule looks at. */
#define LINE_PAD 4
#define LINE_WORDS 3
typedef uint64_t line_t[LINE_WORDS];

/* Penalty weights (ISO/IEC 18004:2015 7.8.3.1, Table 11). */
#define PENALTY_N1 3
#define PENALTY_N2 3
#define PENALTY_N3 40
#define PENALTY_N4 10

/* Level M: error-correction codewords per block and number of blocks, by
 * version (ISO/IEC 18004:2015 Table 9). */
static const unsigned char ecc_per_block[QR_VERSION_MAX + 1] = { 0,
	10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28,
	26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	28, 28, 28, 28, 28, 28 };
static const unsigned char ecc_blocks[QR_VERSION_MAX + 1] = { 0,
	1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
	17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43,
	45, 47, 49 };

/* Row and column coordinates of the alignment pattern centres (ISO/IEC
 * 18004:2015 Annex E, Table E.1); 0 ends a list. */
static const unsigned char align_pos[QR_VERSION_MAX + 1][8] = {
	{ 0 }, { 0 },
	{ 6, 18 }, { 6, 22 }, { 6, 26 }, { 6, 30 }, { 6, 34 },
	{ 6, 22, 38 }, { 6, 24, 42 }, { 6, 26, 46 }, { 6, 28, 50 },
	{ 6, 30, 54 }, { 6, 32, 58 }, { 6, 34, 62 },
	{ 6, 26, 46, 66 }, { 6, 26, 48, 70 }, { 6, 26, 50, 74 },
	{ 6, 30, 54, 78 }, { 6, 30, 56, 82 }, { 6, 30, 58, 86 },
	{ 6, 34, 62, 90 },
	{ 6, 28, 50, 72, 94 }, { 6, 26, 50, 74, 98 }, { 6, 30, 54, 78, 102 },
	{ 6, 28, 54, 80, 106 }, { 6, 32, 58, 84, 110 },
	{ 6, 30, 58, 86, 114 }, { 6, 34, 62, 90, 118 },
	{ 6, 26, 50, 74, 98, 122 }, { 6, 30, 54, 78, 102, 126 },
	{ 6, 26, 52, 78, 104, 130 }, { 6, 30, 56, 82, 108, 134 },
	{ 6, 34, 60, 86, 112, 138 }, { 6, 30, 58, 86, 114, 142 },
	{ 6, 34, 62, 90, 118, 146 },
	{ 6, 30, 54, 78, 102, 126, 150 }, { 6, 24, 50, 76, 102, 128, 154 },
	{ 6, 28, 54, 80, 106, 132, 158 }, { 6, 32, 58, 84, 110, 136, 162 },
	{ 6, 26, 54, 82, 110, 138, 166 }, { 6, 30, 58, 86, 114, 142, 170 },
};

/* Tables computed once: GF(256) with the polynomial 0x11d, the
 * Reed-Solomon generator polynomials, and each mask's pattern as line bit
 * sets (every mask repeats every 12 rows and every 12 columns). */
static struct {
	unsigned char exp[512], log[256];
	unsigned char gen[QR_ECC_MAX + 1][QR_ECC_MAX];
	line_t mask_row[8][12]; /* bit LINE_PAD + c of row r = mask at (r, c) */
	line_t mask_col[8][12]; /* bit LINE_PAD + r of column c */
} tab;
static pthread_once_t tab_once = PTHREAD_ONCE_INIT;

/* The working symbol of one encoding. */
struct sym {
	int version, width, words;
	/* bit 0: dark; bit 1: function module (never masked). */
	unsigned char m[QR_WIDTH_MAX * QR_WIDTH_MAX];
	line_t row[QR_WIDTH_MAX], row_fn[QR_WIDTH_MAX];
	line_t col[QR_WIDTH_MAX], col_fn[QR_WIDTH_MAX];
	line_t mrow[QR_WIDTH_MAX], mcol[QR_WIDTH_MAX];
	line_t pairs; /* bits p with modules p and p + 1 both in the line */
	unsigned char cw[QR_CODEWORDS_MAX];
};

static int
mask_bit(int mask, int r, int c)
{
	switch (mask) {
	case 0: return (r + c) % 2 == 0;
	case 1: return r % 2 == 0;
	case 2: return c % 3 == 0;
	case 3: return (r + c) % 3 == 0;
	case 4: return (r / 2 + c / 3) % 2 == 0;
	case 5: return (r * c) % 2 + (r * c) % 3 == 0;
	case 6: return ((r * c) % 2 + (r * c) % 3) % 2 == 0;
	default: return ((r + c) % 2 + (r * c) % 3) % 2 == 0;
	}
}

static unsigned char
gf_mul(unsigned char a, unsigned char b)
{
	if (a == 0 || b == 0)
		return 0;
	return tab.exp[tab.log[a] + tab.log[b]];
}

static void
tab_init(void)
{
	unsigned x = 1;

	for (int i = 0; i < 255; i++) {
		tab.exp[i] = tab.exp[i + 255] = (unsigned char)x;
		tab.log[x] = (unsigned char)i;
		x <<= 1;
		if (x & 0x100)
			x ^= 0x11d;
	}
	/* gen[d]: the d coefficients after the leading 1 of
	 * (x - a^0)(x - a^1)...(x - a^(d-1)), highest degree first. */
	for (int d = 1; d <= QR_ECC_MAX; d++) {
		unsigned char *g = tab.gen[d], root = 1;

		memset(g, 0, QR_ECC_MAX);
		g[d - 1] = 1;
		for (int i = 0; i < d; i++) {
			for (int j = 0; j < d; j++) {
				g[j] = gf_mul(g[j], root);
				if (j + 1 < d)
					g[j] ^= g[j + 1];
			}
			root = gf_mul(root, 2);
		}
	}
	for (int k = 0; k < 8; k++) {
		for (int i = 0; i < 12; i++) {
			for (int j = 0; j < QR_WIDTH_MAX; j++) {
				int p = LINE_PAD + j;

				if (mask_bit(k, i, j))
					tab.mask_row[k][i][p >> 6] |=
					    (uint64_t)1 << (p & 63);
				if (mask_bit(k, j, i))
					tab.mask_col[k][i][p >> 6] |=
					    (uint64_t)1 << (p & 63);
			}
		}
	}
}

/* Codewords of a version (data and error correction) and the bits left
 * over (remainder bits), from the modules the function patterns leave. */
static int
raw_bits(int v)
{
	int n = (16 * v + 128) * v + 64;

	if (v >= 2) {
		int na = v / 7 + 2;

		n -= (25 * na - 10) * na - 55;
		if (v >= 7)
			n -= 36;
	}
	return n;
}

static int
data_codewords(int v)
{
	return raw_bits(v) / 8 - ecc_per_block[v] * ecc_blocks[v];
}

/* Bytes one byte-mode segment holds: mode (4 bits), count (8 bits up to
 * version 9, 16 after), data. */
static int
byte_capacity(int v)
{
	return (data_codewords(v) * 8 - 4 - (v < 10 ? 8 : 16)) / 8;
}

/* --- codewords --------------------------------------------------------- */

static void
put_bits(unsigned char *buf, int *bit, unsigned val, int n)
{
	for (int i = n - 1; i >= 0; i--, (*bit)++)
		if ((val >> i) & 1)
			buf[*bit >> 3] |= (unsigned char)(0x80 >> (*bit & 7));
}

static void
rs_remainder(const unsigned char *data, int n, int degree, unsigned char *ecc)
{
	const unsigned char *g = tab.gen[degree];

	memset(ecc, 0, (size_t)degree);
	for (int i = 0; i < n; i++) {
		unsigned char f = data[i] ^ ecc[0];

		memmove(ecc, ecc + 1, (size_t)degree - 1);
		ecc[degree - 1] = 0;
		if (f == 0)
			continue;
		for (int j = 0; j < degree; j++)
			ecc[j] ^= gf_mul(g[j], f);
	}
}

/* The data bit stream, its error correction per block and the interleaved
 * codewords into s->cw; returns their number. */
static int
make_codewords(struct sym *s, const unsigned char *text, int len)
{
	unsigned char data[QR_CODEWORDS_MAX], ecc[QR_CODEWORDS_MAX];
	int v = s->version, nd = data_codewords(v), bit = 0;
	int nb = ecc_blocks[v], ne = ecc_per_block[v];
	int total = raw_bits(v) / 8, nshort = nb - total % nb;
	int short_len = nd / nb, n = 0;

	memset(data, 0, (size_t)nd);
	put_bits(data, &bit, 4, 4); /* byte mode */
	put_bits(data, &bit, (unsigned)len, v < 10 ? 8 : 16);
	for (int i = 0; i < len; i++)
		put_bits(data, &bit, text[i], 8);
	/* Terminator (up to 4 zero bits, already zero), then whole bytes of
	 * padding, alternately 0xec and 0x11. */
	bit = (bit + 4 < nd * 8 ? bit + 4 : nd * 8);
	for (int i = (bit + 7) / 8, pad = 0; i < nd; i++, pad ^= 1)
		data[i] = pad ? 0x11 : 0xec;

	for (int b = 0, off = 0; b < nb; b++) {
		int blen = short_len + (b >= nshort);

		rs_remainder(data + off, blen, ne, ecc + b * ne);
		off += blen;
	}
	/* Interleave: the i-th data codeword of every block in turn (short
	 * blocks first, the long ones have one more), then the error
	 * correction the same way. */
	for (int i = 0; i <= short_len; i++)
		for (int b = 0; b < nb; b++) {
			int blen = short_len + (b >= nshort);
			int off = b * short_len + (b > nshort ? b - nshort : 0);

			if (i < blen)
				s->cw[n++] = data[off + i];
		}
	for (int i = 0; i < ne; i++)
		for (int b = 0; b < nb; b++)
			s->cw[n++] = ecc[b * ne + i];
	return n;
}

/* --- function patterns and placement ----------------------------------- */

static void
set_fn(struct sym *s, int r, int c, int dark)
{
	s->m[r * s->width + c] = (unsigned char)(2 | (dark != 0));
}

static void
draw_finder(struct sym *s, int r0, int c0)
{
	/* 7x7 finder and its light separator, clipped to the symbol. */
	for (int dr = -1; dr <= 7; dr++)
		for (int dc = -1; dc <= 7; dc++) {
			int r = r0 + dr, c = c0 + dc, d;

			if (r < 0 || c < 0 || r >= s->width || c >= s->width)
				continue;
			d = dr < 0 || dr > 6 || dc < 0 || dc > 6 ? 0 :
			    dr == 0 || dr == 6 || dc == 0 || dc == 6 ? 1 :
			    dr >= 2 && dr <= 4 && dc >= 2 && dc <= 4;
			set_fn(s, r, c, d);
		}
}

static unsigned
format_bits(int mask)
{
	unsigned data = (0u << 3) | (unsigned)mask; /* level M is 00 */
	unsigned rem = data;

	for (int i = 0; i < 10; i++)
		rem = (rem << 1) ^ ((rem >> 9) * 0x537);
	return ((data << 10) | (rem & 0x3ff)) ^ 0x5412;
}

/* The two places of format bit i (0 = least significant). */
static void
format_place(int w, int i, int rc[2][2])
{
	if (i < 6) {
		rc[0][0] = i, rc[0][1] = 8;
	} else if (i < 8) {
		rc[0][0] = i + 1, rc[0][1] = 8;
	} else if (i == 8) {
		rc[0][0] = 8, rc[0][1] = 7;
	} else {
		rc[0][0] = 8, rc[0][1] = 14 - i;
	}
	if (i < 8) {
		rc[1][0] = 8, rc[1][1] = w - 1 - i;
	} else {
		rc[1][0] = w - 15 + i, rc[1][1] = 8;
	}
}

static void
draw_function_patterns(struct sym *s)
{
	const unsigned char *ap = align_pos[s->version];
	int w = s->width, na = 0;

	draw_finder(s, 0, 0);
	draw_finder(s, 0, w - 7);
	draw_finder(s, w - 7, 0);
	for (int i = 8; i < w - 8; i++) {
		set_fn(s, 6, i, i % 2 == 0);
		set_fn(s, i, 6, i % 2 == 0);
	}
	while (na < 8 && ap[na] != 0)
		na++;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < na; j++) {
			/* Not over the three finders. */
			if ((i == 0 && j == 0) || (i == 0 && j == na - 1) ||
			    (i == na - 1 && j == 0))
				continue;
			for (int dr = -2; dr <= 2; dr++)
				for (int dc = -2; dc <= 2; dc++)
					set_fn(s, ap[i] + dr, ap[j] + dc,
					    dr == -2 || dr == 2 || dc == -2 ||
					    dc == 2 || (dr == 0 && dc == 0));
		}
	/* Format information: reserved now (light), written per mask. */
	for (int i = 0; i < 15; i++) {
		int rc[2][2];

		format_place(w, i, rc);
		set_fn(s, rc[0][0], rc[0][1], 0);
		set_fn(s, rc[1][0], rc[1][1], 0);
	}
	set_fn(s, w - 8, 8, 1); /* the dark module */
	if (s->version >= 7) {
		unsigned rem = (unsigned)s->version, bits;

		for (int i = 0; i < 12; i++)
			rem = (rem << 1) ^ ((rem >> 11) * 0x1f25);
		bits = ((unsigned)s->version << 12) | (rem & 0xfff);
		for (int i = 0; i < 18; i++) {
			int d = (bits >> i) & 1, a = w - 11 + i % 3, b = i / 3;

			set_fn(s, a, b, d);
			set_fn(s, b, a, d);
		}
	}
}

/* Codeword bits in the two-module-wide columns from the right, up and
 * down in turn, skipping function modules and the timing column. */
static void
place_codewords(struct sym *s, int n)
{
	int w = s->width, i = 0;

	for (int right = w - 1; right >= 1; right -= 2) {
		if (right == 6)
			right = 5;
		for (int vert = 0; vert < w; vert++) {
			int upward = ((right + 1) & 2) == 0;
			int r = upward ? w - 1 - vert : vert;

			for (int j = 0; j < 2; j++) {
				unsigned char *p = &s->m[r * w + right - j];

				if (*p & 2)
					continue;
				if (i < n * 8)
					*p = (s->cw[i >> 3] >> (7 - (i & 7))) & 1;
				i++;
			}
		}
	}
}

/* --- penalty ------------------------------------------------------------ */

static void
line_set(uint64_t *x, int i)
{
	int p = LINE_PAD + i;

	x[p >> 6] |= (uint64_t)1 << (p & 63);
}

static int
line_get(const uint64_t *x, int p)
{
	return (int)((x[p >> 6] >> (p & 63)) & 1);
}

/* Bits set in x. Without -mpopcnt, __builtin_popcountll is a call into
 * libgcc; this is the same count inline. */
static int
popcount(uint64_t x)
{
	x -= (x >> 1) & 0x5555555555555555u;
	x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
	return (int)((x * 0x0101010101010101u) >> 56);
}

/* Word j of x shifted towards bit 0 by k (1..63): bit p = bit p + k. */
static uint64_t
shr(const uint64_t *x, int nw, int j, int k)
{
	uint64_t v = x[j] >> k;

	if (j + 1 < nw)
		v |= x[j + 1] << (64 - k);
	return v;
}

/* Word j of x shifted away from bit 0 by k (1..63): bit p = bit p - k. */
static uint64_t
shl(const uint64_t *x, int j, int k)
{
	uint64_t v = x[j] << k;

	if (j > 0)
		v |= x[j - 1] >> (64 - k);
	return v;
}

/* Length of the run of modules of colour dark from bit p in direction
 * step (+1 or -1), within the line's w modules. */
static int
run_from(const uint64_t *x, int w, int p, int step, int dark)
{
	int n = 0;

	while (p >= LINE_PAD && p < LINE_PAD + w && line_get(x, p) == dark) {
		n++;
		p += step;
	}
	return n;
}

/* Rule 3 for the pattern scaled by f >= 2, its centre the dark run
 * [p, p + 3f): runs of f light, f dark around it, and light of at least
 * 4f (or up to the edge, the quiet zone being light) on either side. */
static int
finder_like_scaled(const uint64_t *x, int w, int p, int f)
{
	int lo = p, hi = p + 3 * f, before, after;

	if (run_from(x, w, lo - 1, -1, 0) != f ||
	    run_from(x, w, lo - 1 - f, -1, 1) != f ||
	    run_from(x, w, hi, 1, 0) != f ||
	    run_from(x, w, hi + f, 1, 1) != f)
		return 0;
	lo -= 2 * f;
	hi += 2 * f;
	before = run_from(x, w, lo - 1, -1, 0);
	after = run_from(x, w, hi, 1, 0);
	return before >= 4 * f || lo - before == LINE_PAD ||
	    after >= 4 * f || hi + after == LINE_PAD + w;
}

/* Rules 1 and 3 of one row or column x (modules outside are 0). Rule 3's
 * 1:1:3:1:1 is read as a ratio, at any scale f, with light 4f modules
 * wide before or after it (the quiet zone beyond the edge is light), and
 * counts once per pattern: libqrencode reads it so too. */
static int
line_penalty(const struct sym *s, const uint64_t *x)
{
	line_t e, e2, w4, l, l2, l4, a, d3, d2, d6;
	int nw = s->words, pen = 0, long_dark = 0;

	for (int j = 0; j < nw; j++) {
		e[j] = ~(x[j] ^ shr(x, nw, j, 1)) & s->pairs[j];
		l[j] = ~x[j];
		d2[j] = x[j] & shr(x, nw, j, 1);
	}
	for (int j = 0; j < nw; j++) {
		e2[j] = e[j] & shr(e, nw, j, 1);
		l2[j] = l[j] & shr(l, nw, j, 1);
		a[j] = l[j] & shr(x, nw, j, 1) & shr(l, nw, j, 2);
		d3[j] = d2[j] & shr(x, nw, j, 2);
	}
	for (int j = 0; j < nw; j++) {
		/* w4: five equal modules from bit p; l4: four light. */
		w4[j] = e2[j] & shr(e2, nw, j, 2);
		l4[j] = l2[j] & shr(l2, nw, j, 2);
		d6[j] = d2[j] & shr(d2, nw, j, 2) & shr(d2, nw, j, 4);
		long_dark |= d6[j] != 0;
	}
	for (int j = 0; j < nw; j++) {
		uint64_t core;

		/* Rule 1: a run of L >= 5 sets L - 4 bits of w4, one of them
		 * its first; it scores N1 + (L - 5) = (L - 4) + (N1 - 1). */
		pen += popcount(w4[j]) + (PENALTY_N1 - 1) *
		    popcount(w4[j] & ~shl(w4, j, 1));
		/* Rule 3 at scale 1: light, 1011101, light from bit q, with
		 * four light modules before (q - 3 .. q) or after
		 * (q + 8 .. q + 11); counted once. */
		core = a[j] & shr(a, nw, j, 6) & shr(d3, nw, j, 3);
		pen += PENALTY_N3 * popcount(core &
		    (shl(l4, j, 3) | shr(l4, nw, j, 8)));
	}
	/* Rule 3 scaled (centre run of 6, 9, ... dark): rare, one by one. */
	if (long_dark) {
		for (int j = 0; j < nw; j++) {
			uint64_t st = d6[j] & ~shl(x, j, 1);

			while (st != 0) {
				int p = j * 64 + __builtin_ctzll(st);
				int len = run_from(x, s->width, p, 1, 1);

				st &= st - 1;
				if (len % 3 == 0 &&
				    finder_like_scaled(x, s->width, p, len / 3))
					pen += PENALTY_N3;
			}
		}
	}
	return pen;
}

/* Writes the symbol masked with mask k, its format information
 * included, into s->mrow and s->mcol. */
static void
mask_lines(struct sym *s, int k)
{
	int w = s->width, nw = s->words;
	unsigned fmt = format_bits(k);

	for (int i = 0; i < w; i++)
		for (int j = 0; j < nw; j++) {
			s->mrow[i][j] = s->row[i][j] ^
			    (tab.mask_row[k][i % 12][j] & ~s->row_fn[i][j]);
			s->mcol[i][j] = s->col[i][j] ^
			    (tab.mask_col[k][i % 12][j] & ~s->col_fn[i][j]);
		}
	for (int i = 0; i < 15; i++) {
		int rc[2][2];

		if (!((fmt >> i) & 1))
			continue;
		format_place(w, i, rc);
		for (int t = 0; t < 2; t++) {
			line_set(s->mrow[rc[t][0]], rc[t][1]);
			line_set(s->mcol[rc[t][1]], rc[t][0]);
		}
	}
}

/* The penalty of the masked symbol in s->mrow and s->mcol (ISO/IEC
 * 18004:2015 7.8.3). */
static int
masked_penalty(const struct sym *s)
{
	int w = s->width, nw = s->words, pen = 0, dark = 0, dev;

	for (int i = 0; i < w; i++) {
		const uint64_t *x = s->mrow[i];

		pen += line_penalty(s, x) + line_penalty(s, s->mcol[i]);
		for (int j = 0; j < nw; j++)
			dark += popcount(x[j]);
	}
	/* Rule 2: 2x2 blocks of one colour, from two rows at a time. */
	for (int i = 0; i + 1 < w; i++) {
		const uint64_t *x = s->mrow[i], *y = s->mrow[i + 1];
		line_t v;

		for (int j = 0; j < nw; j++)
			v[j] = ~(x[j] ^ y[j]);
		for (int j = 0; j < nw; j++)
			pen += PENALTY_N2 * popcount(v[j] &
			    shr(v, nw, j, 1) & ~(x[j] ^ shr(x, nw, j, 1)) &
			    s->pairs[j]);
	}
	/* Rule 4: k steps of 5 % between the dark share and 50 %, the share
	 * taken exactly: k = floor(|100 d / n - 50| / 5). libqrencode rounds
	 * the share to a whole percent first, so a share of 54.6 % scores 10
	 * there and 0 here; otherwise both choose alike. */
	dev = 10 * abs(2 * dark - w * w) / (w * w);
	return pen + PENALTY_N4 * dev;
}

static int
choose_version(int len)
{
	for (int v = 1; v <= QR_VERSION_MAX; v++)
		if (byte_capacity(v) >= len)
			return v;
	return 0;
}

/* The bit sets of one line of modules (every stride-th of m, w of them):
 * its dark modules, and its function modules with the bits outside the
 * symbol, which are thus never masked. */
static void
line_of(const unsigned char *m, int stride, int w, uint64_t *dark,
    uint64_t *fn)
{
	for (int j = 0; j < LINE_WORDS; j++) {
		uint64_t d = 0, f = ~(uint64_t)0;
		int lo = j * 64 - LINE_PAD;

		for (int i = lo < 0 ? 0 : lo; i < w && i < lo + 64; i++) {
			uint64_t v = m[i * stride];

			d |= (v & 1) << (i - lo);
			f &= ~((~v >> 1 & 1) << (i - lo));
		}
		dark[j] = d;
		fn[j] = f;
	}
}

/* Lays out the symbol of text at s->version, unmasked: function patterns,
 * codewords, and the bit sets of its rows and columns. */
static void
sym_encode(struct sym *s, const char *text, size_t len)
{
	int w, n;

	s->width = w = 17 + 4 * s->version;
	s->words = (w + LINE_PAD + 8 + 63) / 64;
	memset(s->m, 0, (size_t)w * (size_t)w);
	memset(s->pairs, 0, sizeof(line_t));
	for (int i = 0; i < w - 1; i++)
		line_set(s->pairs, i);

	draw_function_patterns(s);
	n = make_codewords(s, (const unsigned char *)text, (int)len);
	place_codewords(s, n);
	for (int i = 0; i < w; i++) {
		line_of(s->m + i * w, 1, w, s->row[i], s->row_fn[i]);
		line_of(s->m + i, w, w, s->col[i], s->col_fn[i]);
	}
}

int
qr_matrix_mask(const char *text, int mask, unsigned char **modules,
    int *width, struct err *e)
{
	struct sym *s;
	size_t len;
	int w, version, best = 0, best_pen = -1;

	*modules = NULL;
	*width = 0;
	len = text == NULL ? 0 : strlen(text);
	if (len == 0 || len > QR_BYTES_MAX)
		return err_set(e, ERR_INVALID, "bad_qr_text",
		    "二维码内容为空或过长");
	if (mask < QR_MASK_BEST || mask > 7)
		return err_set(e, ERR_INVALID, NULL, "二维码掩模无效");
	version = choose_version((int)len);
	if (version == 0) /* not with QR_BYTES_MAX the capacity of 40 */
		return err_internal(e, "qr: no version holds %zu bytes", len);
	pthread_once(&tab_once, tab_init);
	s = malloc(sizeof(*s));
	if (s == NULL)
		return err_internal(e, "out of memory");
	s->version = version;
	sym_encode(s, text, len);
	if (mask == QR_MASK_BEST) {
		/* The lowest penalty; on a tie the lower mask number. */
		for (int k = 0; k < 8; k++) {
			int pen;

			mask_lines(s, k);
			pen = masked_penalty(s);
			if (best_pen < 0 || pen < best_pen) {
				best_pen = pen;
				best = k;
			}
		}
	} else {
		best = mask;
	}
	mask_lines(s, best);

	w = s->width;
	*modules = malloc((size_t)w * (size_t)w);
	if (*modules == NULL) {
		free(s);
		return err_internal(e, "out of memory");
	}
	for (int r = 0; r < w; r++)
		for (int c = 0; c < w; c++)
			(*modules)[r * w + c] =
			    (unsigned char)line_get(s->mrow[r], LINE_PAD + c);
	*width = w;
	free(s);
	return 0;
}

int
qr_matrix(const char *text, unsigned char **modules, int *width,
    struct err *e)
{
	if (text != NULL && strlen(text) > QR_TEXT_MAX) {
		*modules = NULL;
		*width = 0;
		return err_set(e, ERR_INVALID, "bad_qr_text",
		    "二维码内容为空或过长");
	}
	return qr_matrix_mask(text, QR_MASK_BEST, modules, width, e);
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
