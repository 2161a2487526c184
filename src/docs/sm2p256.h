/* sm2p256.h - SM2 signatures (GB/T 32918.2) with the curve's own
 * constant-time arithmetic: the signing half of docs/sm2.c.
 *
 * sm2_sign() signs every sealed document; this module makes k·G with a
 * fixed-base table instead of OpenSSL 3.0's generic ladder. The output is
 * the same standard signature (SM3 over Z || M with the default ID, DER
 * SEQUENCE {r, s}) that any SM2 verifier, sm2_verify() included, accepts.
 * Numbers cross this interface as 32-byte big-endian strings. */
#ifndef ONETRIP_DOCS_SM2P256_H
#define ONETRIP_DOCS_SM2P256_H

#include <stddef.h>

#include <openssl/evp.h>

#define SM2P256_SIG_DER_MAX 72  /* SEQUENCE of two INTEGERs of 33 bytes */

/* What signing with one private key needs, worked out once per key. */
struct sm2p256_key;

/* Prepares the SM2 private key pkey for sm2p256_sign_digest(); 0 or -1
 * (OpenSSL error queue set). */
int sm2p256_key_new(EVP_PKEY *pkey, struct sm2p256_key **out);
/* Clears and frees a key (NULL is allowed). */
void sm2p256_key_free(struct sm2p256_key *key);

/* Z of the key (what SM2 digests before the data: e = SM3(Z || M), which
 * the caller computes, sm3_many() doing several documents at once). */
void sm2p256_key_z(const struct sm2p256_key *key, unsigned char z[32]);
/* Signs the digest e with a fresh nonce: der receives the DER signature,
 * *derlen its length. Returns 0, or -1 when the random source or OpenSSL
 * fails. */
int sm2p256_sign_digest(const struct sm2p256_key *key,
    const unsigned char e[32], unsigned char der[SM2P256_SIG_DER_MAX],
    size_t *derlen);

/* The affine point k·G for 1 <= k < n (k secret: constant time). */
void sm2p256_base_mul(const unsigned char k[32], unsigned char x[32],
    unsigned char y[32]);

/* Field arithmetic mod p on 256-bit numbers (inputs may be >= p; results
 * are reduced), as the point code uses it; for checks against BIGNUM. */
enum sm2p256_field_op { SM2P256_ADD, SM2P256_SUB, SM2P256_MUL };
void sm2p256_field(enum sm2p256_field_op op, const unsigned char a[32],
    const unsigned char b[32], unsigned char out[32]);
/* The inverse of a mod p (0 for a = 0 mod p). */
void sm2p256_field_inv(const unsigned char a[32], unsigned char out[32]);

#endif
