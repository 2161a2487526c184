#include "docs/sm3.h"

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
