/* sm2sign.c - one SM2 signature of a 53 kB document, as a sealed document
 * is signed: sm2_sign() (docs/sm2p256.c, the fixed-base table) against
 * OpenSSL's own EVP_DigestSign with the same key and ID (OpenSSL 3.0's
 * generic ladder), SM3 over the data alone, and a document's digests and
 * signature as the renderer makes them for a batch of 20 (both digests of
 * every document through sm3_many(), then sm2_signer_sign_digest()) on each
 * instruction set the processor has. Prints the CPU time (getrusage:
 * user + system) per signature or document. Built by bench/sm2sign.sh
 * against the release objects.
 *   build/bench/sm2sign [N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cputime.h"
#include "docs/sm2.h"
#include "docs/sm3.h"

#define DOC_LEN 53000
#define BATCH 20

static int
openssl_sign(EVP_PKEY *pkey, const unsigned char *data, size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char sig[128];
	size_t siglen = sizeof(sig);
	int ok;

	ok = md != NULL && EVP_DigestSignInit_ex(md, &pctx, "SM3", NULL, NULL,
	    pkey, NULL) == 1 && EVP_PKEY_CTX_set1_id(pctx, SM2_DEFAULT_ID,
	    strlen(SM2_DEFAULT_ID)) > 0 &&
	    EVP_DigestSign(md, sig, &siglen, data, len) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000;
	char key[] = "/tmp/onetrip-sm2sign-XXXXXX", *pub = NULL, *sig = NULL;
	unsigned char *doc = malloc(DOC_LEN + BATCH), digest[SM3_DIGEST_LEN];
	unsigned char z[SM3_DIGEST_LEN];
	static const char *const sets[] = { "one by one (OpenSSL)", "AVX2",
	    "AVX-512VL" };
	struct sm3_msg m[2 * BATCH];
	struct sm2_signer *signer = NULL;
	struct err e;
	EVP_PKEY *pkey;
	FILE *f;
	double t0;
	int fd;

	if (doc == NULL || n <= 0 || (fd = mkstemp(key)) < 0)
		return 1;
	close(fd);
	unlink(key);
	if (sm2_keygen(key, &pub, &e) != 0 || (f = fopen(key, "r")) == NULL)
		return 1;
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL)
		return 1;
	for (size_t i = 0; i < DOC_LEN + BATCH; i++)
		doc[i] = (unsigned char)(i * 131 + 7);
	/* The first signature fills the table and the key cache. */
	if (sm2_sign(key, doc, DOC_LEN, &sig, &e) != 0 ||
	    sm2_verify(pub, doc, DOC_LEN, sig, &e) != 0)
		return 1;
	free(sig);

	t0 = cpu_seconds();
	for (int i = 0; i < n; i++) {
		if (sm2_sign(key, doc, DOC_LEN, &sig, &e) != 0)
			return 1;
		free(sig);
	}
	printf("sm2_sign (fixed-base table): %.1f us CPU per signature\n",
	    (cpu_seconds() - t0) / n * 1e6);
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++)
		if (openssl_sign(pkey, doc, DOC_LEN) != 0)
			return 1;
	printf("EVP_DigestSign (OpenSSL):    %.1f us CPU per signature\n",
	    (cpu_seconds() - t0) / n * 1e6);
	t0 = cpu_seconds();
	for (int i = 0; i < n; i++)
		if (sm3_digest(doc, DOC_LEN, digest) != 0)
			return 1;
	printf("SM3 of the %d bytes alone:   %.1f us CPU\n", DOC_LEN,
	    (cpu_seconds() - t0) / n * 1e6);
	if (sm2_signer_get(key, &signer, &e) != 0)
		return 1;
	sm2_signer_z(signer, z);
	sm2_signer_put(signer);
	for (int set = SM3_LANES_NONE; set <= SM3_LANES_AVX512; set++) {
		if (sm3_lanes_limit(set) != set)
			continue;
		t0 = cpu_seconds();
		for (int r = 0; r < (n + BATCH - 1) / BATCH; r++) {
			for (int i = 0; i < BATCH; i++) {
				m[2 * i] = (struct sm3_msg){ .data = doc + i,
				    .len = DOC_LEN };
				m[2 * i + 1] = (struct sm3_msg){ .prefix = z,
				    .prefix_len = sizeof(z), .data = doc + i,
				    .len = DOC_LEN };
			}
			if (sm3_many(m, 2 * BATCH) != 0)
				return 1;
			/* As the renderer: the key taken per document. */
			for (int i = 0; i < BATCH; i++) {
				if (sm2_signer_get(key, &signer, &e) != 0 ||
				    sm2_signer_sign_digest(signer,
				    m[2 * i + 1].digest, &sig, &e) != 0)
					return 1;
				sm2_signer_put(signer);
				free(sig);
			}
		}
		printf("batch of %d, digests %s: %.1f us CPU per document "
		    "(its SM3 and its signature)\n", BATCH, sets[set],
		    (cpu_seconds() - t0) / ((n + BATCH - 1) / BATCH * BATCH) *
		    1e6);
	}
	sm2_cache_release();
	EVP_PKEY_free(pkey);
	unlink(key);
	free(pub);
	free(doc);
	return 0;
}
