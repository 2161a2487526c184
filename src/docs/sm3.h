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
/* Lower-case hex of n bytes into out (2n + 1 bytes incl. NUL). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* Decodes exactly 2n hex digits (either case) of in into n bytes; returns
 * the byte count or -1 on an odd length, a bad digit or more than max bytes. */
long hex_decode(const char *in, unsigned char *out, size_t max);

#endif
