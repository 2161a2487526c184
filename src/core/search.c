/* search.c - the catalogue search's rules (see search.h). */
#include "core/search.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"
#include "base/utf8.h"

#define HAY_CP 4096  /* code points of a field looked at by pinyin/fuzzy */

/* --- UTF-8 --- */

/* Decodes one code point of valid UTF-8 at s; *len gets its bytes. */
static uint32_t
cp_at(const unsigned char *s, int *len)
{
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && s[1] != 0) {
		*len = 2;
		return ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && s[1] != 0 && s[2] != 0) {
		*len = 3;
		return ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	if ((s[0] & 0xf8) == 0xf0 && s[1] != 0 && s[2] != 0 && s[3] != 0) {
		*len = 4;
		return ((uint32_t)(s[0] & 0x07) << 18) |
		    ((uint32_t)(s[1] & 0x3f) << 12) |
		    ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	}
	*len = 1;
	return 0xfffd;
}

static uint32_t
lower(uint32_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Code points of s (ASCII lower-cased), at most max. */
static int
decode(const char *s, uint32_t *cp, int max)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0, len;

	while (*p != 0 && n < max) {
		cp[n++] = lower(cp_at(p, &len));
		p += len;
	}
	return n;
}

/* --- pinyin initials (data/pinyin/initials.txt) --- */

struct py {
	uint32_t cp;
	uint32_t mask;
};

static struct py *py_tab;
static size_t py_n;
static pthread_once_t py_once = PTHREAD_ONCE_INIT;

static int
py_cmp(const void *a, const void *b)
{
	const struct py *x = a, *y = b;

	return x->cp < y->cp ? -1 : x->cp > y->cp;
}

static void
py_load(void)
{
	const struct embedded_file *f =
	    embedded_find("data/pinyin/initials.txt");
	const unsigned char *p;
	size_t cap, n = 0, w = 0;

	if (f == NULL)
		return;
	cap = f->len / 3 + 1;
	py_tab = calloc(cap, sizeof(*py_tab));
	if (py_tab == NULL)
		return;
	p = (const unsigned char *)f->data;
	while (*p != 0) {
		uint32_t bit = 0;
		int len;

		if (*p >= 'a' && *p <= 'z' && p[1] == ' ') {
			bit = 1u << (*p - 'a');
			p += 2;
		}
		while (*p != 0 && *p != '\n') {
			uint32_t c = cp_at(p, &len);

			if (bit != 0 && c >= 0x80 && n < cap) {
				py_tab[n].cp = c;
				py_tab[n].mask = bit;
				n++;
			}
			p += len;
		}
		if (*p == '\n')
			p++;
	}
	qsort(py_tab, n, sizeof(*py_tab), py_cmp);
	/* A polyphone is on several lines: one entry with all its bits. */
	for (size_t i = 0; i < n; i++) {
		if (w > 0 && py_tab[w - 1].cp == py_tab[i].cp)
			py_tab[w - 1].mask |= py_tab[i].mask;
		else
			py_tab[w++] = py_tab[i];
	}
	py_n = w;
}

uint32_t
search_pinyin_mask(uint32_t cp)
{
	size_t lo = 0, hi;

	if (cp < 0x4e00 || cp > 0x9fff)
		return 0;
	pthread_once(&py_once, py_load);
	hi = py_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (py_tab[mid].cp == cp)
			return py_tab[mid].mask;
		if (py_tab[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* --- needles --- */

bool
search_needle_set(struct search_needle *nd, const char *text, int weight)
{
	size_t len = strlen(text);

	memset(nd, 0, sizeof(*nd));
	if (len == 0 || len >= sizeof(nd->text) || !utf8_valid(text, len) ||
	    utf8_chars(text, len) > SEARCH_NEEDLE_CP)
		return false;
	for (size_t i = 0; i <= len; i++)
		nd->text[i] = (char)lower((unsigned char)text[i]);
	nd->n = decode(nd->text, nd->cp, SEARCH_NEEDLE_CP);
	nd->weight = weight;
	nd->letters = nd->n >= 2;
	for (int i = 0; i < nd->n; i++)
		nd->letters = nd->letters && nd->cp[i] >= 'a' && nd->cp[i] <= 'z';
	return nd->n > 0;
}

bool
search_strip_filler(const char *term, char *out, size_t outsz)
{
	/* Longest first: 需要什么材料 before 材料. */
	static const char *const filler[] = {
		"需要什么材料", "需要哪些材料", "要什么材料", "怎么办理",
		"如何办理", "在哪里办", "在哪办", "去哪办", "哪里办", "去哪里",
		"需要什么", "什么材料", "的流程", "的手续", "我想要", "我要",
		"我想", "想要", "怎么", "如何", "哪里", "在哪", "办理", "手续",
		"流程", "材料", "怎样", "一下",
	};
	char buf[SEARCH_NEEDLE_BYTES];
	bool changed = false;

	if (strlen(term) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", term);
	for (size_t i = 0; i < sizeof(filler) / sizeof(filler[0]); i++) {
		char *at;
		size_t fl = strlen(filler[i]);

		while ((at = strstr(buf, filler[i])) != NULL) {
			memmove(at, at + fl, strlen(at + fl) + 1);
			changed = true;
		}
	}
	/* A leading 办 (办营业执照) and a trailing 的. */
	if (strncmp(buf, "办", 3) == 0) {
		memmove(buf, buf + 3, strlen(buf + 3) + 1);
		changed = true;
	}
	if (strlen(buf) >= 3 && strcmp(buf + strlen(buf) - 3, "的") == 0) {
		buf[strlen(buf) - 3] = '\0';
		changed = true;
	}
	if (!changed || utf8_strlen(buf) < 2 || strlen(buf) >= outsz)
		return false;
	snprintf(out, outsz, "%s", buf);
	return true;
}

/* --- matching --- */

/* ASCII-case-insensitive substring (needle already lower-cased). */
static const char *
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (hay == NULL || n == 0)
		return NULL;
	for (const char *p = hay; *p != '\0'; p++) {
		size_t i = 0;

		while (i < n && p[i] != '\0' &&
		    lower((unsigned char)p[i]) == (unsigned char)needle[i])
			i++;
		if (i == n)
			return p;
	}
	return NULL;
}

/* Edit distance of a (n) and b (m) at most one, |n - m| <= 1. */
static bool
within_one(const uint32_t *a, int n, const uint32_t *b, int m)
{
	int i = 0, j = 0, edits = 0;

	while (i < n && j < m) {
		if (a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1)
			return false;
		if (n > m)
			i++;
		else if (m > n)
			j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (n - i) + (m - j) <= 1;
}

/* The needle, one character off, inside hay (lines are not crossed). */
static bool
fuzzy_in(const struct search_needle *nd, const uint32_t *hay, int h)
{
	for (int i = 0; i < h; i++) {
		for (int len = nd->n - 1; len <= nd->n + 1; len++) {
			bool line = false;

			if (len < 2 || i + len > h)
				continue;
			for (int k = 0; k < len && !line; k++)
				line = hay[i + k] == '\n';
			if (!line && within_one(nd->cp, nd->n, hay + i, len))
				return true;
		}
	}
	return false;
}

/* Every character of the needle in order within a span of at most twice
 * its length (lines are not crossed). */
static bool
gapped_in(const struct search_needle *nd, const uint32_t *hay, int h)
{
	for (int i = 0; i < h; i++) {
		int k = 0, j = i;

		if (hay[i] != nd->cp[0])
			continue;
		while (j < h && k < nd->n && j - i < 2 * nd->n &&
		    hay[j] != '\n') {
			if (hay[j] == nd->cp[k])
				k++;
			j++;
		}
		if (k == nd->n)
			return true;
	}
	return false;
}

/* The needle's letters as pinyin initials of consecutive Hanzi of hay:
 * 2 at the start of hay, 1 elsewhere, 0 not found. */
static int
pinyin_in(const struct search_needle *nd, const uint32_t *hay, int h)
{
	for (int i = 0; i + nd->n <= h; i++) {
		int k = 0;

		while (k < nd->n && (search_pinyin_mask(hay[i + k]) &
		    (1u << (nd->cp[k] - 'a'))) != 0)
			k++;
		if (k == nd->n)
			return i == 0 ? 2 : 1;
	}
	return 0;
}

int
search_score(const struct search_needle *nd, const struct search_doc *d,
    bool fuzzy)
{
	static _Thread_local uint32_t hay[HAY_CP];
	int best = 0, h;

	if (nd->n == 0)
		return 0;
	if (d->name != NULL) {
		const char *at = contains(d->name, nd->text);

		if (at != NULL)
			best = strlen(d->name) == strlen(nd->text) ?
			    SEARCH_NAME_EXACT : at == d->name ?
			    SEARCH_NAME_PREFIX : SEARCH_NAME_PART;
	}
	if (best == 0 && nd->letters && d->name != NULL) {
		h = decode(d->name, hay, HAY_CP);
		switch (pinyin_in(nd, hay, h)) {
		case 2: best = SEARCH_NAME_PINYIN_PREFIX; break;
		case 1: best = SEARCH_NAME_PINYIN; break;
		default: break;
		}
	}
	if (best == 0 && !nd->letters && nd->n >= 3 && d->name != NULL) {
		h = decode(d->name, hay, HAY_CP);
		if (gapped_in(nd, hay, h))
			best = SEARCH_NAME_GAPPED;
	}
	if (best < SEARCH_NAME_FUZZY && fuzzy && nd->n >= 3 &&
	    d->name != NULL) {
		h = decode(d->name, hay, HAY_CP);
		if (fuzzy_in(nd, hay, h))
			best = SEARCH_NAME_FUZZY;
	}
	if (best < SEARCH_COMMON && contains(d->common, nd->text) != NULL)
		best = SEARCH_COMMON;
	if (best < SEARCH_COMMON_PINYIN && nd->letters && d->common != NULL) {
		h = decode(d->common, hay, HAY_CP);
		if (pinyin_in(nd, hay, h) != 0)
			best = SEARCH_COMMON_PINYIN;
	}
	if (best < SEARCH_COMMON_FUZZY && fuzzy && nd->n >= 3 &&
	    d->common != NULL) {
		h = decode(d->common, hay, HAY_CP);
		if (fuzzy_in(nd, hay, h))
			best = SEARCH_COMMON_FUZZY;
	}
	if (best < SEARCH_CODES && contains(d->codes, nd->text) != NULL)
		best = SEARCH_CODES;
	if (best < SEARCH_MATERIALS && contains(d->materials, nd->text) != NULL)
		best = SEARCH_MATERIALS;
	return best * nd->weight / 100;
}

int
search_overlap(const char *term, const char *name)
{
	uint32_t t[SEARCH_NEEDLE_CP], seen[SEARCH_NEEDLE_CP];
	uint32_t nm[256];
	int n, m, distinct = 0, shared = 0;

	n = decode(term, t, SEARCH_NEEDLE_CP);
	m = decode(name, nm, 256);
	for (int i = 0; i < n; i++) {
		bool dup = false, in = false;

		for (int k = 0; k < distinct && !dup; k++)
			dup = seen[k] == t[i];
		if (dup || t[i] < 0x80)
			continue;
		seen[distinct++] = t[i];
		for (int k = 0; k < m && !in; k++)
			in = nm[k] == t[i];
		shared += in;
	}
	return distinct > 0 ? shared * 100 / distinct : 0;
}
