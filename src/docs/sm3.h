/* sm3.h - SM3 digests (GB/T 32905) through OpenSSL 3. */
#ifndef ONETRIP_DOCS_SM3_H
#define ONETRIP_DOCS_SM3_H

#include <stddef.h>

#define SM3_DIGEST_LEN 32
#define SM3_HEX_LEN 64 /* without the terminating NUL */

/* Digest of data into out. Returns 0, or -ERR_INTERNAL when the digest is
 * unavailable. */
int sm3_digest(const void *data, size_t len, unsigned char out[SM3_DIGEST_LEN]);
/* Lower-case hex digest of data into out (65 bytes incl. NUL). */
int sm3_hex(const void *data, size_t len, char out[SM3_HEX_LEN + 1]);
/* One message of sm3_many(): prefix (may be empty) then data. */
struct sm3_msg {
	const void *prefix;
	size_t prefix_len;
	const void *data;
	size_t len;
	unsigned char digest[SM3_DIGEST_LEN]; /* out */
};

/* The digests of n messages, eight at once where the processor has AVX2
 * (AVX-512VL: faster still), else one by one. Returns 0 or -ERR_INTERNAL. */
int sm3_many(struct sm3_msg *msgs, size_t n);

/* The instruction sets sm3_many() may use. */
enum { SM3_LANES_NONE, SM3_LANES_AVX2, SM3_LANES_AVX512 };
/* For tests: sm3_many() uses at most kind (not thread-safe: set it before
 * any other thread hashes); returns the set it will use. */
int sm3_lanes_limit(int kind);
/* Lower-case hex of n bytes into out (2n + 1 bytes incl. NUL). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes exactly 2n hex digits (either case) of in into n bytes; returns
 * the byte count or -1 on an odd length, a bad digit or more than max bytes. */
long hex_decode(const char *in, unsigned char *out, size_t max);

#endif
