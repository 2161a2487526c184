/* sm2.h - SM2 key pairs and signatures (GB/T 32918, usage per GB/T 35276)
 * through OpenSSL 3.
 *
 * A signature is SM2 over SM3: the digest of Z || data, where Z binds the
 * public key and the default distinguishing identifier "1234567812345678".
 * Signatures travel as lower-case hex of the DER SEQUENCE {r, s}. Private
 * keys live in PEM files (PKCS#8, unencrypted) of mode 0600; public keys
 * travel as PEM text (SubjectPublicKeyInfo). */
#ifndef ONETRIP_DOCS_SM2_H
#define ONETRIP_DOCS_SM2_H

#include <stddef.h>

#include "base/err.h"
#include "docs/sm3.h"

#define SM2_DEFAULT_ID "1234567812345678"
#define SM2_SIG_HEX_MAX 150  /* DER of two 256-bit integers: at most 72 bytes */
#define SM2_KEY_FILE_MAX 16384

/* Generates a key pair, writes the private key to key_path (created with
 * O_EXCL and mode 0600, fsync'd; -ERR_CONFLICT if the file exists) and hands
 * the public key PEM to the caller (*public_pem, malloc'd, caller frees). */
int sm2_keygen(const char *key_path, char **public_pem, struct err *e);

/* Reads the private key at key_path (kept in memory while the file stays
 * the same) and signs data; *sig_hex receives a
 * malloc'd hex signature (caller frees). The public key PEM of the same key
 * may be had with sm2_public_pem() to cross-check the stored one. */
int sm2_sign(const char *key_path, const void *data, size_t len,
    char **sig_hex, struct err *e);

/* The same signature in two steps, for callers that compute many digests
 * at once (sm3_many): the key at key_path, read and prepared once (the
 * cache sm2_sign() uses; one reference for the caller, given back with
 * sm2_signer_put()), its Z (what is digested before the data), then the
 * signature of e = SM3(Z || data) as hex (malloc'd, caller frees). */
struct sm2_signer;
int sm2_signer_get(const char *key_path, struct sm2_signer **out,
    struct err *e);
void sm2_signer_z(const struct sm2_signer *s,
    unsigned char z[SM3_DIGEST_LEN]);
int sm2_signer_sign_digest(const struct sm2_signer *s,
    const unsigned char digest[SM3_DIGEST_LEN], char **sig_hex,
    struct err *e);
void sm2_signer_put(struct sm2_signer *s);

/* Frees the keys sm2_sign() keeps once read (at exit, for leak
 * checkers). */
void sm2_cache_release(void);

/* The public key PEM of the private key at key_path (malloc'd, caller
 * frees). */
int sm2_public_pem(const char *key_path, char **public_pem, struct err *e);

/* Checks sig_hex over data against public_pem. Returns 0 when valid,
 * -ERR_UNPROCESSABLE (key "bad_signature") when the signature does not match
 * or is malformed, -ERR_INVALID when the public key cannot be read. */
int sm2_verify(const char *public_pem, const void *data, size_t len,
    const char *sig_hex, struct err *e);

#endif
