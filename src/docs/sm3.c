#include "docs/sm3.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "base/err.h"

int
sm3_digest(const void *data, size_t len, unsigned char out[SM3_DIGEST_LEN])
{
	unsigned int n = 0;

	if (EVP_Digest(data, len, out, &n, EVP_sm3(), NULL) != 1 ||
	    n != SM3_DIGEST_LEN)
		return -ERR_INTERNAL;
	return 0;
}

int
sm3_hex(const void *data, size_t len, char out[SM3_HEX_LEN + 1])
{
	unsigned char d[SM3_DIGEST_LEN];
	int rc;

	rc = sm3_digest(data, len, d);
	if (rc != 0) {
		out[0] = '\0';
		return rc;
	}
	hex_encode(d, sizeof(d), out);
	return 0;
}

/* --- many messages at once ---
 *
 * A sealed document needs two SM3 digests of its ~50 kB (its own, and the
 * one the SM2 signature signs, over Z || M), and OpenSSL 3.0 computes SM3
 * one message at a time in portable C (about 120 us for one document).
 * SM3's rounds are 32-bit operations, so eight messages go through AVX2's
 * eight 32-bit lanes at once: the messages are grouped by length, each
 * lane takes its own message block by block (the words of eight blocks
 * transposed so that a vector holds word j of every lane), and a lane
 * whose message ended keeps computing on a block of zeros that nobody
 * reads. Without AVX2 each message goes through OpenSSL. */

#define SM3_LANES 8
#define SM3_LANES_MIN 3 /* fewer messages go one by one through OpenSSL */

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

struct lane {
	const struct sm3_msg *m;
	size_t total, nblocks;
};

/* Block i of prefix || data || padding: a pointer into data when the
 * block lies inside it, else assembled in scratch. */
static const uint8_t *
lane_block(const struct sm3_msg *m, const struct lane *ln, size_t i,
    uint8_t *scratch)
{
	size_t at = i * 64, plen = m->prefix_len, end = plen + m->len;
	size_t total = ln->total;
	const uint8_t *p = m->prefix, *d = m->data;
	uint64_t bits;

	if (at >= plen && at + 64 <= end)
		return d + (at - plen);
	for (size_t k = 0; k < 64; k++, at++) {
		if (at < plen)
			scratch[k] = p[at];
		else if (at < end)
			scratch[k] = d[at - plen];
		else
			scratch[k] = at == end ? 0x80 : 0;
	}
	/* The length in bits closes the last block. */
	if (i + 1 == ln->nblocks) {
		bits = (uint64_t)total * 8;
		for (int k = 0; k < 8; k++)
			scratch[56 + k] = (uint8_t)(bits >> (56 - 8 * k));
	}
	return scratch;
}


#define V __m256i
#define XOR(a, b) _mm256_xor_si256((a), (b))
#define AND(a, b) _mm256_and_si256((a), (b))
#define OR(a, b) _mm256_or_si256((a), (b))
#define ANDNOT(a, b) _mm256_andnot_si256((a), (b)) /* ~a & b */
#define ADD(a, b) _mm256_add_epi32((a), (b))

/* Tj rotated left by j mod 32, per round. */
static uint32_t sm3_tj[64];
static pthread_once_t sm3_tj_once = PTHREAD_ONCE_INIT;

static void
sm3_tj_init(void)
{
	for (unsigned j = 0; j < 64; j++) {
		uint32_t t = j < 16 ? 0x79cc4519u : 0x7a879d8au;
		unsigned r = j % 32;

		sm3_tj[j] = r == 0 ? t : (t << r) | (t >> (32 - r));
	}
}

/* AVX2: a rotation is two shifts and an or. */
#define SM3X8(name) name##_avx2
#define SM3X8_TARGET __attribute__((target("avx2")))
#define SM3X8_ROL(x, n) OR(_mm256_slli_epi32((x), (n)), \
	_mm256_srli_epi32((x), 32 - (n)))
#include "docs/sm3x8.h"
#undef SM3X8
#undef SM3X8_TARGET
#undef SM3X8_ROL

/* AVX-512VL: one instruction rotates, another merges three operands
 * (vpternlogd); a third faster than AVX2. */
#define SM3X8(name) name##_avx512
#define SM3X8_TARGET __attribute__((target("avx2,avx512f,avx512vl")))
#define SM3X8_ROL(x, n) _mm256_rol_epi32((x), (n))
#include "docs/sm3x8.h"
#undef SM3X8
#undef SM3X8_TARGET
#undef SM3X8_ROL

static int lanes_limit = SM3_LANES_AVX512;

/* The best instruction set the processor has, up to lanes_limit. */
static int
lanes_kind(void)
{
	static int kind = -1;

	if (kind < 0) {
		__builtin_cpu_init();
		kind = __builtin_cpu_supports("avx512vl") &&
		    __builtin_cpu_supports("avx512f") ? SM3_LANES_AVX512 :
		    __builtin_cpu_supports("avx2") ? SM3_LANES_AVX2 :
		    SM3_LANES_NONE;
	}
	return kind < lanes_limit ? kind : lanes_limit;
}

int
sm3_lanes_limit(int kind)
{
	lanes_limit = kind;
	return lanes_kind();
}
#else
static int
lanes_kind(void)
{
	return SM3_LANES_NONE;
}

int
sm3_lanes_limit(int kind)
{
	(void)kind;
	return SM3_LANES_NONE;
}
#endif

/* One message through OpenSSL. */
static int
one(struct sm3_msg *m)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 0;
	int ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sm3(), NULL) == 1 &&
	    (m->prefix_len == 0 || EVP_DigestUpdate(md, m->prefix,
	    m->prefix_len) == 1) && EVP_DigestUpdate(md, m->data, m->len) == 1 &&
	    EVP_DigestFinal_ex(md, m->digest, &n) == 1 && n == SM3_DIGEST_LEN;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -ERR_INTERNAL;
}

static int
longer_first(const void *a, const void *b)
{
	const struct sm3_msg *x = *(struct sm3_msg *const *)a;
	const struct sm3_msg *y = *(struct sm3_msg *const *)b;
	size_t lx = x->prefix_len + x->len, ly = y->prefix_len + y->len;

	return lx < ly ? 1 : lx > ly ? -1 : 0;
}

int
sm3_many(struct sm3_msg *msgs, size_t n)
{
	struct sm3_msg **by_len;
	size_t i = 0;
	int rc = 0, kind = lanes_kind();

	if (kind == SM3_LANES_NONE || n < SM3_LANES_MIN) {
		for (; i < n && rc == 0; i++)
			rc = one(&msgs[i]);
		return rc;
	}
#if defined(__x86_64__) && defined(__GNUC__)
	pthread_once(&sm3_tj_once, sm3_tj_init);
	by_len = malloc(n * sizeof(*by_len));
	if (by_len == NULL)
		return -ERR_INTERNAL;
	for (i = 0; i < n; i++)
		by_len[i] = &msgs[i];
	/* Lanes of similar lengths: none computes long on zeros. */
	qsort(by_len, n, sizeof(*by_len), longer_first);
	for (i = 0; i + SM3_LANES_MIN <= n; i += SM3_LANES)
		if (kind == SM3_LANES_AVX512)
			many8_avx512(by_len + i, n - i < SM3_LANES ?
			    (int)(n - i) : SM3_LANES);
		else
			many8_avx2(by_len + i, n - i < SM3_LANES ?
			    (int)(n - i) : SM3_LANES);
	for (; i < n && rc == 0; i++)
		rc = one(by_len[i]);
	free(by_len);
#endif
	return rc;
}

void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
hex_decode(const char *in, unsigned char *out, size_t max)
{
	size_t len = strlen(in);

	if (len % 2 != 0 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(in[2 * i]);
		int lo = hex_value(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}
