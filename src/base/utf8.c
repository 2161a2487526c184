#include "base/utf8.h"

#include <stdint.h>
#include <string.h>

/* Length of the sequence starting at s (at most n bytes available), or 0 when
 * it is malformed. Follows the table of well-formed sequences in the Unicode
 * standard (chapter 3, table 3-7). */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		len = 2;
	else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;           /* overlong */
		else if (c == 0xed)
			hi = 0x9f;           /* surrogates */
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;           /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;           /* above U+10FFFF */
	} else
		return 0;
	if (n < len)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

size_t
utf8_chars(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, count = 0, step;

	while (i < len) {
		/* Fast paths over ASCII: eight bytes at a time, then one. */
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, sizeof(w));
			if ((w & 0x8080808080808080ULL) == 0) {
				i += 8;
				count += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			count++;
			continue;
		}
		step = utf8_seq(p + i, len - i);
		if (step == 0)
			return (size_t)-1;
		i += step;
		count++;
	}
	return count;
}

bool
utf8_valid(const char *s, size_t len)
{
	return utf8_chars(s, len) != (size_t)-1;
}

size_t
utf8_strlen(const char *s)
{
	return utf8_chars(s, strlen(s));
}

int
utf8_prefix(const char *s, size_t max_bytes)
{
	size_t n = strlen(s);

	if (n <= max_bytes)
		return (int)n;
	n = max_bytes;
	/* back off continuation bytes to the start of a character */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}
