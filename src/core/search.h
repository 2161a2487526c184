/* search.h - the catalogue search's rules (办事指南 search that forgives).
 * Pure: no I/O, no clock (the pinyin table is compiled in).
 *
 * A query is cut into terms (white space); each term becomes needles: the
 * term itself, the words of the synonyms whose key it contains (开饭店 ->
 * 食品经营许可), the term without filler words (我要办营业执照 -> 营业执照).
 * An item is a search_doc of four fields: its name, what people call it
 * (result name, department, themes, common words), its codes and legal
 * basis, and its materials. A needle scores by the best field it is found
 * in (name before material mentions); a needle of three or more
 * characters also matches a name holding them in order with a few others
 * between (食品许可 -> 食品经营许可); a needle of letters also matches the
 * pinyin initials of the name and of the common words (yyzz -> 营业执照);
 * when no item has a term at all, a needle of three or more characters
 * matches with one character wrong, missing or added (营业执招). An item
 * scores the sum of its terms' best needles and must have every term. */
#ifndef ONETRIP_CORE_SEARCH_H
#define ONETRIP_CORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_NEEDLE_CP 40      /* code points of a needle */
#define SEARCH_NEEDLE_BYTES 161
#define SEARCH_NEEDLES_MAX 24    /* needles of one term */

/* Field scores (out of 100) before the needle's weight. */
enum {
	SEARCH_NAME_EXACT = 100,
	SEARCH_NAME_PREFIX = 90,
	SEARCH_NAME_PART = 80,
	SEARCH_NAME_PINYIN_PREFIX = 75,
	SEARCH_NAME_PINYIN = 70,
	SEARCH_NAME_FUZZY = 60,
	SEARCH_NAME_GAPPED = 55,
	SEARCH_COMMON = 50,
	SEARCH_COMMON_PINYIN = 40,
	SEARCH_COMMON_FUZZY = 35,
	SEARCH_CODES = 30,
	SEARCH_MATERIALS = 15,
};

struct search_doc {
	const char *name;
	const char *common;     /* lines: result name, department, themes, words */
	const char *codes;      /* lines: codes, legal basis */
	const char *materials;  /* lines: material names */
};

struct search_needle {
	char text[SEARCH_NEEDLE_BYTES];  /* ASCII lower-cased */
	uint32_t cp[SEARCH_NEEDLE_CP];
	int n;           /* code points */
	int weight;      /* percent: 100 the term itself */
	bool letters;    /* only a-z: also matched against pinyin initials */
};

/* Fills a needle from UTF-8 text (ASCII lower-cased); false when empty,
 * too long or not UTF-8. */
bool search_needle_set(struct search_needle *nd, const char *text,
    int weight);

/* The term without the filler words a citizen types around a name (我要,
 * 怎么, 办理, 需要什么材料 ...) into out; false when nothing was removed or
 * less than two characters remain. */
bool search_strip_filler(const char *term, char *out, size_t outsz);

/* The score of one needle in one document (0: not found), weight applied.
 * fuzzy: also one character wrong, missing or added. */
int search_score(const struct search_needle *nd, const struct search_doc *d,
    bool fuzzy);

/* Bit (letter - 'a') set for each pinyin initial of the character (two
 * bits for a polyphone such as 行); 0 for anything not a GB2312 Hanzi. */
uint32_t search_pinyin_mask(uint32_t cp);

/* How many distinct characters of the term the name shares, in percent of
 * the term's distinct characters: the "您是不是要找" suggestions when
 * nothing matches. */
int search_overlap(const char *term, const char *name);

#endif
