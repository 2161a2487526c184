/* Unit tests for docs/: SM2/SM3 signatures, QR codes, the seal picture, PDF
 * documents, XLSX and CSV. Writes /tmp/onetrip-sample.pdf,
 * /tmp/onetrip-sample.png, /tmp/onetrip-sample-p2.png and
 * /tmp/onetrip-seal.png for a look by eye. */
#include "unit.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <qrencode.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/rand.h>

#include "base/buf.h"
#include "base/err.h"
#include "docs/csv.h"
#include "docs/layout.h"
#include "docs/pdf.h"
#include "docs/qr.h"
#include "docs/stamp.h"
#include "docs/sm2.h"
#include "docs/sm2p256.h"
#include "docs/sm3.h"
#include "docs/xlsx.h"

static char tmpdir[64];

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/onetrip-docs-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* What a QR reader (zbarimg, Debian's zbar-tools) reads from the codes in
 * the picture at path, one text a line. */
static void
qr_read(const char *path, char *out, size_t n)
{
	char cmd[256];
	FILE *f;
	size_t got;

	snprintf(cmd, sizeof(cmd), "zbarimg --raw -q '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	got = fread(out, 1, n - 1, f);
	out[got] = '\0';
	assert_int_equal(pclose(f), 0);
}

/* --- SM3 / SM2 --------------------------------------------------------- */

static void
sm3_matches_the_standard_vector(void **state)
{
	char hex[SM3_HEX_LEN + 1];

	(void)state;
	/* GB/T 32905-2016 appendix A, example 1. */
	assert_int_equal(sm3_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
	    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	assert_int_equal(sm3_hex("abd", 3, hex), 0);
	assert_string_not_equal(hex,
	    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

/* sm3_many() on every instruction set this processor has gives each
 * message the digest sm3_digest() gives it alone: lengths around the
 * 64-byte blocks and the 9 bytes of padding, prefixes (Z of a signature
 * is 32 bytes) inside and across a block, groups of 1 to 20 messages of
 * mixed lengths (the lanes end at different blocks), and the standard's
 * two vectors in full groups. */
static void
sm3_many_matches_one_by_one(void **state)
{
	static const size_t lens[] = { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119,
	    120, 128, 1000, 53000 };
	static const size_t prefixes[] = { 0, 32, 64, 70 };
	enum { NL = sizeof(lens) / sizeof(lens[0]) };
	struct sm3_msg m[20];
	unsigned char *data = malloc(60000), *joined = malloc(60100);
	unsigned char want[SM3_DIGEST_LEN];
	char hex[SM3_HEX_LEN + 1];
	int tried = 0;

	(void)state;
	assert_non_null(data);
	assert_non_null(joined);
	for (size_t i = 0; i < 60000; i++)
		data[i] = (unsigned char)(i * 2654435761u >> 13);
	for (int kind = SM3_LANES_NONE; kind <= SM3_LANES_AVX512; kind++) {
		if (sm3_lanes_limit(kind) != kind)
			continue;
		tried++;
		for (size_t n = 1; n <= 20; n++) {
			for (size_t i = 0; i < n; i++) {
				size_t k = (i * 5 + n) % NL;

				m[i] = (struct sm3_msg){ .prefix = data + 7 * i,
				    .prefix_len = prefixes[(i + n) % 4],
				    .data = data + 11 * i, .len = lens[k] };
			}
			assert_int_equal(sm3_many(m, n), 0);
			for (size_t i = 0; i < n; i++) {
				memcpy(joined, m[i].prefix, m[i].prefix_len);
				memcpy(joined + m[i].prefix_len, m[i].data,
				    m[i].len);
				assert_int_equal(sm3_digest(joined,
				    m[i].prefix_len + m[i].len, want), 0);
				assert_memory_equal(m[i].digest, want,
				    SM3_DIGEST_LEN);
			}
		}
		/* GB/T 32905-2016 appendix A, examples 1 and 2, eight
		 * times over (one full group), the first split into prefix
		 * and data. */
		for (int i = 0; i < 8; i++)
			m[i] = i % 2 == 0 ?
			    (struct sm3_msg){ .prefix = "a", .prefix_len = 1,
			    .data = "bc", .len = 2 } :
			    (struct sm3_msg){ .data = "abcdabcdabcdabcdabcdabcd"
			    "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
			    .len = 64 };
		assert_int_equal(sm3_many(m, 8), 0);
		for (int i = 0; i < 8; i++) {
			hex_encode(m[i].digest, SM3_DIGEST_LEN, hex);
			assert_string_equal(hex, i % 2 == 0 ?
			    "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2"
			    "297da02b8f4ba8e0" :
			    "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765"
			    "293dcba39c0c5732");
		}
	}
	sm3_lanes_limit(SM3_LANES_AVX512);
	/* One by one always; on x86-64 with GCC at least AVX2 too. */
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx2"))
		assert_true(tried >= 2);
#endif
	assert_true(tried >= 1);
	free(data);
	free(joined);
}

static void
hex_decode_rejects_bad_input(void **state)
{
	unsigned char out[4];

	(void)state;
	assert_int_equal(hex_decode("00ff7A", out, sizeof(out)), 3);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(out[2], 0x7a);
	assert_int_equal(hex_decode("abc", out, sizeof(out)), -1);
	assert_int_equal(hex_decode("zz", out, sizeof(out)), -1);
	assert_int_equal(hex_decode("0011223344", out, sizeof(out)), -1);
}

static void
sm2_sign_verify_round_trip_and_tamper(void **state)
{
	static const char doc[] = "受理通知书：白审受字〔2026〕第0001号";
	char key[128], key2[128], *pub = NULL, *pub2 = NULL, *pub_again = NULL;
	char *sig = NULL, *tampered;
	struct stat st;
	struct err e;
	size_t n = strlen(doc);

	(void)state;
	snprintf(key, sizeof(key), "%s/seal-1.pem", tmpdir);
	snprintf(key2, sizeof(key2), "%s/seal-2.pem", tmpdir);
	assert_int_equal(sm2_keygen(key, &pub, &e), 0);
	assert_non_null(strstr(pub, "-----BEGIN PUBLIC KEY-----"));
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(sm2_public_pem(key, &pub_again, &e), 0);
	assert_string_equal(pub, pub_again);

	assert_int_equal(sm2_sign(key, doc, n, &sig, &e), 0);
	assert_true(strlen(sig) > 100 && strlen(sig) <= SM2_SIG_HEX_MAX);
	assert_int_equal(sm2_verify(pub, doc, n, sig, &e), 0);

	/* One changed byte of the data. */
	tampered = strdup(doc);
	tampered[5] ^= 1;
	assert_int_equal(sm2_verify(pub, tampered, n, sig, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "bad_signature");
	/* One byte shorter. */
	assert_int_equal(sm2_verify(pub, doc, n - 1, sig, &e),
	    -ERR_UNPROCESSABLE);
	free(tampered);

	/* One changed byte of the signature (a hex digit near the end, in s). */
	tampered = strdup(sig);
	tampered[strlen(tampered) - 3] =
	    tampered[strlen(tampered) - 3] == '0' ? '1' : '0';
	assert_int_equal(sm2_verify(pub, doc, n, tampered, &e),
	    -ERR_UNPROCESSABLE);
	free(tampered);
	assert_int_equal(sm2_verify(pub, doc, n, "zz", &e), -ERR_UNPROCESSABLE);
	assert_int_equal(sm2_verify(pub, doc, n, "", &e), -ERR_UNPROCESSABLE);

	/* Another key does not verify this signature. */
	assert_int_equal(sm2_keygen(key2, &pub2, &e), 0);
	assert_string_not_equal(pub, pub2);
	assert_int_equal(sm2_verify(pub2, doc, n, sig, &e), -ERR_UNPROCESSABLE);
	/* A broken public key is a different error. */
	assert_int_equal(sm2_verify("-----BEGIN PUBLIC KEY-----\nAAAA\n",
	    doc, n, sig, &e), -ERR_INVALID);

	free(pub);
	free(pub2);
	free(pub_again);
	free(sig);
}

/* The two-step signature (Z, then SM3(Z || data) computed by the caller,
 * several documents at once) is the same SM2 signature: OpenSSL's
 * verifier accepts it over the data, and rejects it over changed data or
 * under another key's Z. */
static void
sm2_signs_a_digest_made_with_its_z(void **state)
{
	char key[128], key2[128], *pub = NULL, *pub2 = NULL, *sig = NULL;
	unsigned char z[SM3_DIGEST_LEN], z2[SM3_DIGEST_LEN];
	struct sm2_signer *s1 = NULL, *s2 = NULL;
	char docs[6][64];
	struct sm3_msg m[6];
	struct err e;

	(void)state;
	snprintf(key, sizeof(key), "%s/seal-z1.pem", tmpdir);
	snprintf(key2, sizeof(key2), "%s/seal-z2.pem", tmpdir);
	assert_int_equal(sm2_keygen(key, &pub, &e), 0);
	assert_int_equal(sm2_keygen(key2, &pub2, &e), 0);
	assert_int_equal(sm2_signer_get(key, &s1, &e), 0);
	assert_int_equal(sm2_signer_get(key2, &s2, &e), 0);
	sm2_signer_z(s1, z);
	sm2_signer_z(s2, z2);
	assert_memory_not_equal(z, z2, sizeof(z));
	for (int i = 0; i < 6; i++) {
		snprintf(docs[i], sizeof(docs[i]), "准予许可决定书 第%04d号", i);
		m[i] = (struct sm3_msg){ .prefix = i < 5 ? z : z2,
		    .prefix_len = sizeof(z), .data = docs[i],
		    .len = strlen(docs[i]) };
	}
	assert_int_equal(sm3_many(m, 6), 0);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(sm2_signer_sign_digest(i < 5 ? s1 : s2,
		    m[i].digest, &sig, &e), 0);
		assert_int_equal(sm2_verify(i < 5 ? pub : pub2, docs[i],
		    strlen(docs[i]), sig, &e), 0);
		assert_int_equal(sm2_verify(i < 5 ? pub2 : pub, docs[i],
		    strlen(docs[i]), sig, &e), -ERR_UNPROCESSABLE);
		docs[i][0] ^= 1;
		assert_int_equal(sm2_verify(i < 5 ? pub : pub2, docs[i],
		    strlen(docs[i]), sig, &e), -ERR_UNPROCESSABLE);
		free(sig);
	}
	/* Signed under the wrong Z: not a signature of this key. */
	assert_int_equal(sm2_signer_sign_digest(s2, m[0].digest, &sig, &e),
	    0);
	docs[0][0] ^= 1;
	assert_int_equal(sm2_verify(pub2, docs[0], strlen(docs[0]), sig, &e),
	    -ERR_UNPROCESSABLE);
	free(sig);
	sm2_signer_put(s1);
	sm2_signer_put(s2);
	free(pub);
	free(pub2);
}

static void
sm2_keygen_refuses_to_overwrite(void **state)
{
	char key[128], *pub = NULL, *before, *after;
	size_t n1, n2;
	struct err e;

	(void)state;
	snprintf(key, sizeof(key), "%s/seal-3.pem", tmpdir);
	assert_int_equal(sm2_keygen(key, &pub, &e), 0);
	free(pub);
	before = slurp(key, &n1);
	assert_non_null(strstr(before, "PRIVATE KEY"));
	assert_int_equal(sm2_keygen(key, &pub, &e), -ERR_CONFLICT);
	assert_null(pub);
	after = slurp(key, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
	/* No directory: an internal error, nothing created. */
	assert_int_equal(sm2_keygen("/nonexistent-dir/k.pem", &pub, &e),
	    -ERR_INTERNAL);
	/* Signing with a missing key file. */
	assert_int_equal(sm2_sign("/nonexistent-dir/k.pem", "x", 1, &pub, &e),
	    -ERR_NOT_FOUND);
}

/* Threads signing while the key file is replaced: each signature is made
 * with the old key or the new one, whole (the prepared key a signature
 * holds outlives its replacement in the cache; ASan sees a use after
 * free), and once replaced, the new key signs. */
struct rotation {
	const char *key, *pub_old, *pub_new;
	int signed_old, signed_new, bad;
};

static void *
sign_during_rotation(void *arg)
{
	struct rotation *r = arg;
	static const char doc[] = "证照：白审证字〔2026〕第0007号";
	struct err e;
	char *sig;

	for (int i = 0; i < 150; i++) {
		if (sm2_sign(r->key, doc, strlen(doc), &sig, &e) != 0) {
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
			continue;
		}
		if (sm2_verify(r->pub_old, doc, strlen(doc), sig, &e) == 0)
			__atomic_add_fetch(&r->signed_old, 1, __ATOMIC_RELAXED);
		else if (sm2_verify(r->pub_new, doc, strlen(doc), sig, &e) == 0)
			__atomic_add_fetch(&r->signed_new, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELAXED);
		free(sig);
	}
	return NULL;
}

static void
sm2_sign_follows_a_replaced_key_file(void **state)
{
	char key[128], next[128], *pub_old = NULL, *pub_new = NULL, *sig;
	struct rotation r = {0};
	pthread_t th[2];
	struct err e;

	(void)state;
	snprintf(key, sizeof(key), "%s/seal-rot.pem", tmpdir);
	snprintf(next, sizeof(next), "%s/seal-rot-next.pem", tmpdir);
	assert_int_equal(sm2_keygen(key, &pub_old, &e), 0);
	assert_int_equal(sm2_keygen(next, &pub_new, &e), 0);
	r.key = key;
	r.pub_old = pub_old;
	r.pub_new = pub_new;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL,
		    sign_during_rotation, &r), 0);
	/* Replaced once both threads are well under way. */
	while (__atomic_load_n(&r.signed_old, __ATOMIC_RELAXED) < 60 &&
	    __atomic_load_n(&r.bad, __ATOMIC_RELAXED) == 0)
		usleep(1000);
	assert_int_equal(rename(next, key), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.signed_old + r.signed_new, 300);
	assert_true(r.signed_new > 0);
	assert_int_equal(sm2_sign(key, "x", 1, &sig, &e), 0);
	assert_int_equal(sm2_verify(pub_new, "x", 1, sig, &e), 0);
	assert_int_equal(sm2_verify(pub_old, "x", 1, sig, &e),
	    -ERR_UNPROCESSABLE);
	free(sig);
	free(pub_old);
	free(pub_new);
}

/* --- SM2 arithmetic of docs/sm2p256.c against OpenSSL ------------------ */

static const char SM2_P_HEX[] =
    "FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF";

static void
bn_to32(const BIGNUM *a, unsigned char out[32])
{
	assert_int_equal(BN_bn2binpad(a, out, 32), 32);
}

/* Checks sum, difference, product and inverse of a and b (any 256-bit
 * numbers) mod p against BIGNUM. */
static void
field_check(const BIGNUM *a, const BIGNUM *b, const BIGNUM *p, BN_CTX *ctx)
{
	unsigned char ab[32], bb[32], got[32], want[32];
	BIGNUM *ar = BN_new(), *br = BN_new(), *w = BN_new();

	assert_non_null(w);
	bn_to32(a, ab);
	bn_to32(b, bb);
	assert_int_equal(BN_nnmod(ar, a, p, ctx), 1);
	assert_int_equal(BN_nnmod(br, b, p, ctx), 1);

	sm2p256_field(SM2P256_MUL, ab, bb, got);
	assert_int_equal(BN_mod_mul(w, ar, br, p, ctx), 1);
	bn_to32(w, want);
	assert_memory_equal(got, want, 32);

	sm2p256_field(SM2P256_ADD, ab, bb, got);
	assert_int_equal(BN_mod_add(w, ar, br, p, ctx), 1);
	bn_to32(w, want);
	assert_memory_equal(got, want, 32);

	sm2p256_field(SM2P256_SUB, ab, bb, got);
	assert_int_equal(BN_mod_sub(w, ar, br, p, ctx), 1);
	bn_to32(w, want);
	assert_memory_equal(got, want, 32);

	sm2p256_field_inv(ab, got);
	if (BN_is_zero(ar))
		BN_zero(w);
	else
		assert_non_null(BN_mod_inverse(w, ar, p, ctx));
	bn_to32(w, want);
	assert_memory_equal(got, want, 32);
	BN_free(ar);
	BN_free(br);
	BN_free(w);
}

static void
sm2p256_field_matches_bignum(void **state)
{
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *p = NULL, *v[12], *r = BN_new();
	size_t nv = 0;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(BN_hex2bn(&p, SM2_P_HEX), 64);
	/* Every pair of 0, 1, 2, 3, p - 1, p, p + 1, p + 2^32 - 1, 2^256 - 1
	 * and 2^256 mod p. */
	for (int i = 0; i < 12; i++)
		assert_non_null(v[i] = BN_new());
	BN_zero(v[nv++]);
	BN_one(v[nv++]);
	BN_set_word(v[nv++], 2);
	BN_set_word(v[nv++], 3);
	BN_copy(v[nv], p);
	BN_sub_word(v[nv++], 1);
	BN_copy(v[nv++], p);
	BN_copy(v[nv], p);
	BN_add_word(v[nv++], 1);
	BN_copy(v[nv], p);
	BN_add_word(v[nv++], 0xffffffffu);
	BN_set_bit(v[nv], 256);
	BN_sub_word(v[nv++], 1);                   /* 2^256 - 1 */
	BN_set_bit(v[nv], 256);
	BN_sub(v[nv], v[nv], p);                   /* 2^256 mod p */
	nv++;
	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j < nv; j++)
			field_check(v[i], v[j], p, ctx);
	/* Random numbers over all of [0, 2^256), and random ones in
	 * [p, 2^256) that the field must reduce first. */
	for (int i = 0; i < 300; i++) {
		assert_int_equal(BN_rand(v[0], 256, BN_RAND_TOP_ANY,
		    BN_RAND_BOTTOM_ANY), 1);
		assert_int_equal(BN_rand(r, 256, BN_RAND_TOP_ANY,
		    BN_RAND_BOTTOM_ANY), 1);
		field_check(v[0], r, p, ctx);
		assert_int_equal(BN_rand_range(r, v[nv - 1]), 1);
		BN_add(r, r, p);
		field_check(r, v[0], p, ctx);
		field_check(v[0], r, p, ctx);
	}
	for (int i = 0; i < 12; i++)
		BN_free(v[i]);
	BN_free(r);
	BN_free(p);
	BN_CTX_free(ctx);
}

/* k·G of the fixed-base table against OpenSSL's EC_POINT_mul. */
static void
base_mul_check(const EC_GROUP *group, const BIGNUM *k, BN_CTX *ctx)
{
	unsigned char kb[32], x[32], y[32], wx[32], wy[32];
	EC_POINT *pt = EC_POINT_new(group);
	BIGNUM *bx = BN_new(), *by = BN_new();

	assert_non_null(by);
	bn_to32(k, kb);
	sm2p256_base_mul(kb, x, y);
	assert_int_equal(EC_POINT_mul(group, pt, k, NULL, NULL, ctx), 1);
	assert_int_equal(EC_POINT_get_affine_coordinates(group, pt, bx, by,
	    ctx), 1);
	bn_to32(bx, wx);
	bn_to32(by, wy);
	assert_memory_equal(x, wx, 32);
	assert_memory_equal(y, wy, 32);
	EC_POINT_free(pt);
	BN_free(bx);
	BN_free(by);
}

static void
sm2p256_base_mul_matches_openssl(void **state)
{
	static const unsigned long small[] = {1, 2, 3, 15, 16, 17, 255, 256};
	EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_sm2);
	BN_CTX *ctx = BN_CTX_new();
	BIGNUM *k = BN_new();
	const BIGNUM *n;

	(void)state;
	assert_non_null(group);
	assert_non_null(k);
	n = EC_GROUP_get0_order(group);
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		BN_set_word(k, small[i]);
		base_mul_check(group, k, ctx);
	}
	/* One digit set in each place: every table row alone. */
	for (int i = 0; i < 64; i++) {
		BN_zero(k);
		BN_set_bit(k, 4 * i);
		base_mul_check(group, k, ctx);
		if (i < 63) {
			BN_set_word(k, 15);
			BN_lshift(k, k, 4 * i);
			base_mul_check(group, k, ctx);
		}
	}
	for (unsigned long d = 1; d <= 2; d++) {
		BN_copy(k, n);
		BN_sub_word(k, d);
		base_mul_check(group, k, ctx);
	}
	for (int i = 0; i < 200; i++) {
		do
			assert_int_equal(BN_rand_range(k, n), 1);
		while (BN_is_zero(k));
		base_mul_check(group, k, ctx);
	}
	BN_free(k);
	BN_CTX_free(ctx);
	EC_GROUP_free(group);
}

/* Signatures of sm2_sign() over random messages, the lengths around SM3's
 * 64-byte blocks and a 53 kB document, checked by OpenSSL (sm2_verify). */
static void
sm2_signatures_verify_with_openssl(void **state)
{
	static const size_t lens[] = {0, 1, 55, 56, 64, 65, 53000};
	char key[128], *pub = NULL, *sig = NULL, *sig2 = NULL;
	unsigned char *msg = malloc(53000);
	struct err e;

	(void)state;
	assert_non_null(msg);
	snprintf(key, sizeof(key), "%s/seal-many.pem", tmpdir);
	assert_int_equal(sm2_keygen(key, &pub, &e), 0);
	for (int i = 0; i < 500; i++) {
		size_t len;
		unsigned int bit;

		if (i < 140)
			len = lens[i % 7];
		else {
			assert_int_equal(RAND_bytes((unsigned char *)&len,
			    sizeof(len)), 1);
			len %= 2000;
		}
		assert_int_equal(RAND_bytes(msg, 53000), 1);
		assert_int_equal(sm2_sign(key, msg, len, &sig, &e), 0);
		assert_true(strlen(sig) <= SM2_SIG_HEX_MAX);
		assert_int_equal(sm2_verify(pub, msg, len, sig, &e), 0);
		if (len > 0) {
			assert_int_equal(RAND_bytes((unsigned char *)&bit,
			    sizeof(bit)), 1);
			bit %= 8 * len;
			msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			assert_int_equal(sm2_verify(pub, msg, len, sig, &e),
			    -ERR_UNPROCESSABLE);
			msg[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		}
		if (i % 50 == 0) {
			/* A fresh nonce each time: the same message, another
			 * signature, both valid. */
			assert_int_equal(sm2_sign(key, msg, len, &sig2, &e), 0);
			assert_string_not_equal(sig, sig2);
			assert_int_equal(sm2_verify(pub, msg, len, sig2, &e),
			    0);
			free(sig2);
		}
		free(sig);
	}
	free(msg);
	free(pub);
}

/* --- QR and seal ------------------------------------------------------- */

static void
qr_encodes_a_url(void **state)
{
	const char *url = "https://zwfw.baihe.gov.cn/v/DOC-2026-000123?c=9f3a";
	const char *longer = "https://zwfw.baihe.gov.cn/verify/"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "?from=%E7%99%BD%E6%B2%B3%E5%8E%BF&kind=licence&n=00000000001234";
	unsigned char *m = NULL, *m2 = NULL;
	char path[128], read[1024];
	int w, w2;
	struct err e;
	size_t len;
	char *png;

	(void)state;
	assert_int_equal(qr_matrix(url, &m, &w, &e), 0);
	/* A valid QR size (21 + 4k) and the finder pattern in the corner:
	 * a dark 7x7 ring, a light ring, a dark 3x3 core. */
	assert_true(w >= 21 && (w - 21) % 4 == 0);
	for (int i = 0; i < 7; i++) {
		assert_int_equal(m[0 * w + i], 1);
		assert_int_equal(m[6 * w + i], 1);
		assert_int_equal(m[i * w + 0], 1);
	}
	assert_int_equal(m[1 * w + 1], 0);
	assert_int_equal(m[3 * w + 3], 1);
	assert_int_equal(m[7 * w + 7], 0);
	/* A longer payload needs at least as many modules; a different one
	 * gives a different matrix. */
	assert_int_equal(qr_matrix("https://zwfw.baihe.gov.cn/v/DOC-2026-000123"
	    "?c=9f3a&long=0123456789012345678901234567890123456789", &m2, &w2,
	    &e), 0);
	assert_true(w2 > w);
	free(m2);
	assert_int_equal(qr_matrix("https://zwfw.baihe.gov.cn/v/DOC-2026-000124"
	    "?c=9f3a", &m2, &w2, &e), 0);
	assert_int_equal(w2, w);
	assert_memory_not_equal(m, m2, (size_t)(w * w));
	free(m);
	free(m2);
	assert_int_equal(qr_matrix("", &m, &w, &e), -ERR_INVALID);

	snprintf(path, sizeof(path), "%s/qr.png", tmpdir);
	assert_int_equal(qr_write_png(path, url, 4, &e), 0);
	png = slurp(path, &len);
	assert_memory_equal(png, "\x89PNG", 4);
	free(png);
	/* A reader reads the text back: the code is drawn with one fixed
	 * mask, which the reader learns from the code itself. So does a code
	 * large enough to carry its version information (version 7 and up). */
	qr_read(path, read, sizeof(read));
	assert_string_equal(read, "https://zwfw.baihe.gov.cn/v/DOC-2026-000123"
	    "?c=9f3a\n");
	assert_int_equal(qr_matrix(longer, &m, &w, &e), 0);
	free(m);
	assert_true(w >= 45);
	assert_int_equal(qr_write_png(path, longer, 3, &e), 0);
	qr_read(path, read, sizeof(read));
	assert_int_equal(strlen(read), strlen(longer) + 1);
	assert_memory_equal(read, longer, strlen(longer));
}

/* The reference our encoder is compared with: libqrencode (tests only).
 * QRcode_encodeMask() encodes with a given mask; the library exports it
 * (its own tests use it) but qrencode.h does not declare it. */
QRcode *QRcode_encodeMask(QRinput *input, int mask);

/* Level M byte-mode capacity of each version (ISO/IEC 18004:2015 Table 7). */
static const int qr_capacity_m[41] = { 0, 14, 26, 42, 62, 84, 106, 122,
	152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711,
	779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628,
	1722, 1809, 1911, 1989, 2099, 2213, 2331 };

/* One line's rules 1 and 3, module by module from its runs. */
static int
qr_naive_line(const unsigned char *m, int w, int start, int step)
{
	int runs[QR_BYTES_MAX], n = 0, pen = 0;

	for (int i = 0; i < w; i++) {
		if (i == 0 || m[start + i * step] != m[start + (i - 1) * step])
			runs[n++] = 0;
		runs[n - 1]++;
	}
	for (int i = 0; i < n; i++)
		if (runs[i] >= 5)
			pen += 3 + runs[i] - 5;
	/* Dark 1:1:3:1:1 at any scale f, with light of 4f before or after
	 * (the edge counts as light: the quiet zone); once per pattern. */
	for (int i = 2; i + 2 < n; i++) {
		int f = runs[i] / 3, dark = (i % 2 == 0) == (m[start] == 1);

		if (!dark || runs[i] % 3 != 0 || runs[i - 2] != f ||
		    runs[i - 1] != f || runs[i + 1] != f || runs[i + 2] != f)
			continue;
		if (i - 3 <= 0 || runs[i - 3] >= 4 * f || i + 3 >= n - 1 ||
		    runs[i + 3] >= 4 * f)
			pen += 40;
	}
	return pen;
}

/* The penalty of a masked symbol by ISO/IEC 18004:2015 7.8.3, the simple
 * way; rule 4 from the exact dark share, or (rounded) from the share
 * rounded to a whole percent first, as libqrencode does. */
static int
qr_naive_penalty(const unsigned char *m, int w, int rounded)
{
	int pen = 0, dark = 0, n = w * w, k;

	for (int i = 0; i < w; i++)
		pen += qr_naive_line(m, w, i * w, 1) +
		    qr_naive_line(m, w, i, w);
	for (int r = 0; r + 1 < w; r++)
		for (int c = 0; c + 1 < w; c++) {
			int d = m[r * w + c] + m[r * w + c + 1] +
			    m[(r + 1) * w + c] + m[(r + 1) * w + c + 1];

			if (d == 0 || d == 4)
				pen += 3;
		}
	for (int i = 0; i < n; i++)
		dark += m[i];
	if (rounded)
		k = abs((200 * dark + n) / n / 2 - 50) / 5;
	else
		k = 10 * abs(2 * dark - n) / n;
	return pen + 10 * k;
}

static int
qr_same(const unsigned char *ours, const QRcode *q, int w)
{
	if (q == NULL || q->width != w)
		return 0;
	for (int i = 0; i < w * w; i++)
		if (ours[i] != (q->data[i] & 1))
			return 0;
	return 1;
}

/* Compares our code of text with libqrencode's 8-bit code: the same
 * version, and with libqrencode's mask imposed the same modules; our own
 * choice is the mask with the lowest penalty (the simple scorer above,
 * ties to the lower number). Where libqrencode chose another mask, its
 * choice must be the one its rounding of rule 4 gives. With all_masks,
 * each of the eight masks is also compared with libqrencode's forced one.
 * Returns 1 when the chosen masks differ. */
static int
qr_compare(const char *text, int all_masks)
{
	unsigned char *best, *m[8];
	int w, wk, lib_mask = -1, exact = 0, rounded = 0, pe[8], pr[8];
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	struct err e;

	assert_non_null(q);
	assert_int_equal(qr_matrix_mask(text, QR_MASK_BEST, &best, &w, &e), 0);
	assert_int_equal(w, q->width);
	for (int k = 0; k < 8; k++) {
		assert_int_equal(qr_matrix_mask(text, k, &m[k], &wk, &e), 0);
		assert_int_equal(wk, w);
		if (qr_same(m[k], q, w))
			lib_mask = k;
		pe[k] = qr_naive_penalty(m[k], w, 0);
		pr[k] = qr_naive_penalty(m[k], w, 1);
		if (pe[k] < pe[exact])
			exact = k;
		if (pr[k] < pr[rounded])
			rounded = k;
		if (all_masks) {
			QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
			QRcode *f;

			assert_non_null(in);
			assert_int_equal(QRinput_append(in, QR_MODE_8,
			    (int)strlen(text), (const unsigned char *)text), 0);
			f = QRcode_encodeMask(in, k);
			assert_true(qr_same(m[k], f, w));
			QRcode_free(f);
			QRinput_free(in);
		}
	}
	if (lib_mask < 0)
		fail_msg("no mask of ours gives libqrencode's code of %zu "
		    "bytes", strlen(text));
	assert_memory_equal(best, m[exact], (size_t)(w * w));
	assert_int_equal(lib_mask, rounded);
	for (int k = 0; k < 8; k++)
		free(m[k]);
	free(best);
	QRcode_free(q);
	return exact != lib_mask;
}

/* Our encoder against libqrencode: URL-like texts and random bytes of
 * every length 1..300, each version's capacity and one byte more, and
 * Chinese UTF-8. */
static void
qr_matches_libqrencode(void **state)
{
	const char *url = "https://zwfw.baihe.gov.cn/v/DOC-2026-000123?c=";
	const char *zh = "白河县政务服务中心电子证照核验：";
	static char text[QR_BYTES_MAX + 2];
	unsigned char *m;
	int differ = 0, w, n = 0;
	unsigned seed = 16;
	struct err e;

	(void)state;
	for (int len = 1; len <= 300; len++) {
		for (int i = 0; i < len; i++)
			text[i] = i < (int)strlen(url) ? url[i] :
			    "0123456789abcdef"[(i * 7) % 16];
		text[len] = '\0';
		differ += qr_compare(text, 0);
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = (char)(1 + (seed >> 16) % 255);
		}
		differ += qr_compare(text, 0);
		n += 2;
	}
	for (int v = 1; v <= 40; v++)
		for (int extra = 0; extra <= 1; extra++) {
			int len = qr_capacity_m[v] + extra;

			for (int i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				text[i] = (char)(1 + (seed >> 16) % 255);
			}
			text[len] = '\0';
			if (len > QR_BYTES_MAX) {
				assert_int_equal(qr_matrix_mask(text,
				    QR_MASK_BEST, &m, &w, &e), -ERR_INVALID);
				continue;
			}
			assert_int_equal(qr_matrix_mask(text, QR_MASK_BEST,
			    &m, &w, &e), 0);
			/* Capacity is the last length of a version. */
			assert_int_equal(w, 17 + 4 * (v + extra));
			free(m);
			differ += qr_compare(text, 1);
			n++;
		}
	text[0] = '\0';
	for (int i = 0; i < 12; i++) {
		strcat(text, zh);
		differ += qr_compare(text, 0);
		n++;
	}
	/* A verification link (about one in 40,000) where libqrencode's
	 * rounding of the dark share in rule 4 chooses another mask. */
	assert_int_equal(qr_compare("https://zwfw.baihe.gov.cn/v/DOC-2026-"
	    "058740?c=50fe", 0), 1);
	/* The rounding decides rarely; mostly both choose alike. */
	print_message("QR: %d texts, %d with another mask than libqrencode\n",
	    n, differ);
	assert_true(differ * 50 < n);
}

/* zbarimg reads our codes back at versions 1, 2, 6, 7 (the first with
 * version information), 10, 20 and 40, each filled to capacity. */
static void
qr_reads_back_at_each_size(void **state)
{
	static const int versions[] = { 1, 2, 6, 7, 10, 20, 40 };
	static char text[QR_BYTES_MAX + 1], read[QR_BYTES_MAX + 2];
	char path[128];
	struct err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/qr-v.png", tmpdir);
	for (size_t t = 0; t < sizeof(versions) / sizeof(versions[0]); t++) {
		int v = versions[t], len = qr_capacity_m[v], w;
		unsigned char *m;

		for (int i = 0; i < len; i++)
			text[i] = "https://zwfw.baihe.gov.cn/v/DOC-2026-"[i % 37];
		text[len] = '\0';
		if (len <= QR_TEXT_MAX) {
			assert_int_equal(qr_write_png(path, text, 3, &e), 0);
		} else {
			/* Beyond what the documents print: drawn here. */
			cairo_surface_t *s;
			cairo_t *cr;

			assert_int_equal(qr_matrix_mask(text, QR_MASK_BEST,
			    &m, &w, &e), 0);
			s = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
			    (w + 4) * 4, (w + 4) * 4);
			cr = cairo_create(s);
			cairo_set_source_rgb(cr, 1, 1, 1);
			cairo_paint(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
			for (int i = 0; i < w * w; i++)
				if (m[i])
					cairo_rectangle(cr, (i % w + 2) * 4,
					    (i / w + 2) * 4, 4, 4);
			cairo_fill(cr);
			assert_int_equal(cairo_surface_write_to_png(s, path),
			    CAIRO_STATUS_SUCCESS);
			cairo_destroy(cr);
			cairo_surface_destroy(s);
			free(m);
		}
		assert_int_equal(qr_matrix_mask(text, QR_MASK_BEST, &m, &w,
		    &e), 0);
		assert_int_equal(w, 17 + 4 * v);
		free(m);
		qr_read(path, read, sizeof(read));
		assert_int_equal(strlen(read), (size_t)len + 1);
		assert_memory_equal(read, text, (size_t)len);
	}
}

/* Texts the documents never print are refused as before: empty, NULL
 * and over QR_TEXT_MAX bytes (QR_TEXT_MAX itself is fine). */
static void
qr_refuses_empty_and_long_text(void **state)
{
	static char text[QR_TEXT_MAX + 2];
	unsigned char *m = (unsigned char *)"x";
	char path[128];
	int w = 1;
	struct err e;

	(void)state;
	snprintf(path, sizeof(path), "%s/qr-bad.png", tmpdir);
	memset(text, 'a', QR_TEXT_MAX + 1);
	assert_int_equal(qr_matrix(text, &m, &w, &e), -ERR_INVALID);
	assert_null(m);
	assert_int_equal(w, 0);
	assert_string_equal(e.key, "bad_qr_text");
	assert_int_equal(qr_write_png(path, text, 3, &e), -ERR_INVALID);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(qr_matrix("", &m, &w, &e), -ERR_INVALID);
	assert_string_equal(e.key, "bad_qr_text");
	assert_int_equal(qr_matrix(NULL, &m, &w, &e), -ERR_INVALID);
	assert_int_equal(qr_matrix_mask("x", 8, &m, &w, &e), -ERR_INVALID);
	text[QR_TEXT_MAX] = '\0';
	assert_int_equal(qr_matrix(text, &m, &w, &e), 0);
	assert_int_equal(w, 17 + 4 * 26); /* 997 < 1024 <= 1059 bytes */
	free(m);
}

static void
seal_png_is_drawn(void **state)
{
	struct err e;
	size_t len;
	char *png;

	(void)state;
	assert_int_equal(stamp_write_png("/tmp/onetrip-seal.png",
	    "白河县市场监督管理局", NULL, 480, &e), 0);
	png = slurp("/tmp/onetrip-seal.png", &len);
	assert_memory_equal(png, "\x89PNG", 4);
	assert_true(len > 5000);
	free(png);
	assert_int_equal(stamp_write_png("/tmp/x.png", "x", NULL, 8, &e),
	    -ERR_INVALID);
}

/* --- PDF --------------------------------------------------------------- */

static const char *const materials_head[] = { "序号", "材料名称", "要求",
    "说明" };
static const double materials_widths[] = { 0.6, 3, 1.6, 2.4 };
static const char *const materials_cells[] = {
	"1", "食品经营许可申请书", "原件 1 份", "申请人签字或盖章",
	"2", "营业执照复印件", "复印件 1 份", "加盖公章",
	"3", "法定代表人（负责人）身份证明文件", "复印件 1 份", "核验原件",
	"4", "食品安全管理制度目录", "原件 1 份", NULL,
};

static const char *const notice_paras[] = {
	"你（单位）于二〇二六年十一月二十七日提出的食品经营许可（新办）申请，"
	"经审查，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》"
	"第三十二条第一款第（五）项的规定，决定予以受理。",
	"本机关将自受理之日起二十个工作日内作出行政许可决定（依法需要听证、"
	"检验、检测、鉴定和专家评审的时间不计算在内）。已收取的申请材料如下：",
	"如对本通知有异议，可自收到本通知之日起六十日内向白河县人民政府申请"
	"行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
};

static void
sample_doc(struct pdf_doc *d, struct pdf_table *t)
{
	memset(t, 0, sizeof(*t));
	t->ncols = 4;
	t->headers = materials_head;
	t->widths = materials_widths;
	t->nrows = 4;
	t->cells = materials_cells;
	memset(d, 0, sizeof(*d));
	d->title = "受理通知书";
	d->doc_no = "白审受字〔2026〕第0001号";
	d->addressee = "白河县秦岭餐饮有限公司";
	d->paragraphs = notice_paras;
	d->nparagraphs = 3;
	d->table = t;
	d->table_after = 2;
	d->dept_name = "白河县市场监督管理局";
	d->date = "2026-11-28";
	d->sealed = true;
	d->verify_url = "http://127.0.0.1:8080/v/ACC-2026-0001?s=5d1c0e7a";
}

static bool
contains(const struct buf *b, const char *needle)
{
	return memmem(b->data, b->len, needle, strlen(needle)) != NULL;
}

/* Text drawn from the layout cache gives the same bytes as text laid out
 * anew, for the document that filled the cache and for the next one, whose
 * number, addressee, first paragraph and link differ (the text that is not
 * cached); the next one opens in a PDF reader with all its text. */
/* The two blocks agree in every line and glyph; where they do not, says
 * where. */
static bool
same_block(const struct lay *a, const struct lay *b, char *why, size_t whysz)
{
	const struct pdfw_glyph *ga = LAY_GLYPHS(a), *gb = LAY_GLYPHS(b);

	if (a->nlines != b->nlines) {
		size_t n = (size_t)snprintf(why, whysz, "lines %u against %u:",
		    a->nlines, b->nlines);

		for (int k = 0; k < 2; k++) {
			const struct lay *l = k == 0 ? a : b;

			for (uint32_t i = 0; i < l->nlines && n < whysz; i++)
				n += (size_t)snprintf(why + n, whysz - n, " %u",
				    LAY_GLYPHS(l)[LAY_RUNS(l)[LAY_LINES(l)[i]
				    .run0].g0].start);
			if (n < whysz)
				n += (size_t)snprintf(why + n, whysz - n,
				    k == 0 ? "; against" : "");
		}
		return false;
	}
	for (uint32_t i = 0; i < a->nlines; i++) {
		const struct lay_line *la = &LAY_LINES(a)[i];
		const struct lay_line *lb = &LAY_LINES(b)[i];
		const struct lay_run *ra = &LAY_RUNS(a)[la->run0];
		const struct lay_run *rb = &LAY_RUNS(b)[lb->run0];
		uint32_t na = 0, nb = 0;

		for (uint32_t r = 0; r < la->nruns; r++)
			na += ra[r].n;
		for (uint32_t r = 0; r < lb->nruns; r++) {
			nb += rb[r].n;
			if (rb[r].face != ra[0].face || rb[r].size != ra[0].size)
				na = UINT32_MAX;
		}
		snprintf(why, whysz, "line %u: x %d y %d width %d height %d "
		    "baseline %d glyphs %u against x %d y %d width %d height %d "
		    "baseline %d glyphs %u", i, la->x, la->y, la->width,
		    la->height, la->baseline, na, lb->x, lb->y, lb->width,
		    lb->height, lb->baseline, nb);
		if (la->x != lb->x || la->y != lb->y || la->width != lb->width ||
		    la->height != lb->height || la->baseline != lb->baseline ||
		    na != nb)
			return false;
	}
	for (uint32_t i = 0; i < a->nglyphs; i++) {
		snprintf(why, whysz, "glyph %u: %u width %d x %d y %d bytes "
		    "%u-%u against %u width %d x %d y %d bytes %u-%u", i,
		    ga[i].glyph, ga[i].width, ga[i].x_offset, ga[i].y_offset,
		    ga[i].start, ga[i].end, gb[i].glyph, gb[i].width,
		    gb[i].x_offset, gb[i].y_offset, gb[i].start, gb[i].end);
		if (memcmp(&ga[i], &gb[i], sizeof(ga[i])) != 0)
			return false;
	}
	snprintf(why, whysz, "extents %dx%d against %dx%d, lines %u against "
	    "%u, glyphs %u against %u", a->width, a->height, b->width,
	    b->height, a->nlines, b->nlines, a->nglyphs, b->nglyphs);
	if (a->width != b->width || a->height != b->height ||
	    a->nlines != b->nlines || a->nglyphs != b->nglyphs)
		return false;
	return true;
}

/* Lays text out both ways; the fast path either declines or gives pango's
 * block. Returns whether it took the text. */
static bool
fast_layout_matches(PangoContext *pc, const char *text,
    const struct lay_params *p)
{
	struct lay *slow = lay_block(pc, text, p, false);
	struct lay *fast = lay_block(pc, text, p, true);
	char why[512];
	bool took = fast != NULL;

	if (fast != NULL && !same_block(fast, slow, why, sizeof(why)))
		fail_msg("pt %g width %g indent %g spacing %g align %d justify "
		    "%d wrap_char %d [%s]: %s", p->pt, p->width, p->indent,
		    p->spacing, (int)p->align, p->justify, p->wrap_char, text,
		    why);
	free(slow);
	free(fast);
	return took;
}

static void
fast_layout_is_pangos_layout(void **state)
{
	/* The texts of documents: paragraphs, numbers, names, cells. */
	static const char *const texts[] = {
		"你于2026年9月29日提出的建设项目环境影响登记表备案申请（申请编号："
		"11610929016120025J4000111232000202609290095），经审查，申请材料齐"
		"全、符合法定形式。本机关决定予以备案。",
		"你于2026年9月29日提出的建设项目环境影响登记表备案申请（申请编号："
		"11610929016120025J4000111232000202609290094），本机关已于2026年9"
		"月29日依法受理。经审查，你的申请符合法定条件、标准，根据《中华人民"
		"共和国行政许可法》第三十八条第一款的规定，决定准予行政许可。",
		"你（单位）于二〇二六年十二月一日提出的食品经营许可（变更）申请，经"
		"审查，申请材料齐全、符合法定形式，决定予以受理。",
		"如对本通知有异议，可自收到本通知之日起六十日内向白河县人民政府申请"
		"行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
		"白生许字〔2026〕第0094号", "白河县汉江商贸有限公司：",
		"http://127.0.0.1:8080/verify/TDKBR363TNP6T7LXGZ2D",
		"第 1 页  共 2 页", "二〇二六年十一月二十八日", "营业执照复印件",
		"序号", "材料名称", "1", "原件1份，复印件2份（加盖公章）",
		"申请人：张三，身份证号：610929199001011234；联系电话：13800000000。",
		"“一件事一次办”——高效办成一件事！是否？（是）《条例》〔2026〕",
		"Baihe County Hanjiang Trading Co., Ltd. 白河县汉江商贸有限公司",
		"，。、；：？！）》」』】〕", "（《「『【〔", "１２３ＡＢＣ　全角",
		"a", "国", "",
	};
	static const double widths[] = { 0, 442.205, 300, 120.5, 61.3, 22 };
	static const double pts[] = { 15, 11, 9, 22, 6.5 };
	static const char *const alphabet[] = { "国", "家", "政", "务", "服",
		"，", "。", "、", "（", "）", "《", "》", "“", "”", "：", "1",
		"2", "0", "A", "b", "x", "-", "/", ".", " ", "　", "〔", "〕",
		"—", "！" };
	PangoContext *pc = lay_context_new();
	unsigned took = 0, cases = 0;
	char text[512];

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
			for (size_t k = 0; k < sizeof(pts) / sizeof(pts[0]);
			    k++) {
				struct lay_params p = { .pt = pts[k],
				    .width = widths[w] };

				took += fast_layout_matches(pc, texts[t], &p);
				p.indent = w > 0 ? 2 * pts[k] : 0;
				p.justify = w > 0;
				took += fast_layout_matches(pc, texts[t], &p);
				p.indent = 0;
				p.justify = false;
				p.spacing = 3;
				p.align = PANGO_ALIGN_CENTER;
				took += fast_layout_matches(pc, texts[t], &p);
				p.align = PANGO_ALIGN_LEFT;
				p.wrap_char = true;
				took += fast_layout_matches(pc, texts[t], &p);
				cases += 4;
			}
	print_message("fast layout took %u of %u document texts\n", took,
	    cases);
	/* Most of what documents hold takes the fast path. */
	assert_true(took * 10 > cases * 8);
	took = cases = 0;
	/* Random mixes of Chinese, punctuation, Latin, digits and spaces. */
	srandom(16);
	for (int i = 0; i < 3000; i++) {
		struct lay_params p = { .pt = pts[i % 5],
		    .width = 20 + random() % 430, .justify = i % 2 == 0,
		    .indent = i % 3 == 0 ? 30 : 0, .wrap_char = i % 7 == 0,
		    .align = i % 5 == 1 ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT,
		    .spacing = i % 4 == 1 ? 3 : 0 };
		size_t len = 0, n = 1 + (size_t)random() % 80;

		for (size_t c = 0; c < n; c++) {
			const char *a = alphabet[(size_t)random() %
			    (sizeof(alphabet) / sizeof(alphabet[0]))];

			memcpy(text + len, a, strlen(a));
			len += strlen(a);
		}
		text[len] = '\0';
		took += fast_layout_matches(pc, text, &p);
		cases++;
	}
	/* Text outside the face or the plain ranges goes to pango. */
	assert_null(lay_block(pc, "café\xcc\x81", &(struct lay_params){
	    .pt = 15 }, true));
	assert_null(lay_block(pc, "两行\n文字", &(struct lay_params){
	    .pt = 15 }, true));
	assert_null(lay_block(pc, "😀", &(struct lay_params){ .pt = 15 },
	    true));
	print_message("fast layout took %u of %u random texts\n", took, cases);
	assert_true(took * 2 > cases);
	g_object_unref(pc);
	lay_thread_release();
}

static void
cached_layout_gives_the_same_document(void **state)
{
	static const char *const paras2[] = {
		"你（单位）于二〇二六年十二月一日提出的食品经营许可（变更）申请，"
		"经审查，申请材料齐全、符合法定形式，决定予以受理。",
		"本机关将自受理之日起二十个工作日内作出行政许可决定（依法需要听证、"
		"检验、检测、鉴定和专家评审的时间不计算在内）。已收取的申请材料如下：",
		"如对本通知有异议，可自收到本通知之日起六十日内向白河县人民政府申请"
		"行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
	};
	struct pdf_doc d;
	struct pdf_table t;
	struct buf a, b, c;
	struct err e;
	unsigned long hits, warm;
	char path[128], cmd[512], text[8192];
	FILE *f;
	size_t n;

	(void)state;
	sample_doc(&d, &t);
	buf_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&c, 0);
	pdf_layout_cache_clear();
	/* Laid out anew; seen a second time (cached); drawn from the cache. */
	assert_int_equal(pdf_render(&d, &a, &e), 0);
	assert_int_equal(pdf_render(&d, &b, &e), 0);
	hits = pdf_layout_cache_hits();
	assert_int_equal(pdf_render(&d, &c, &e), 0);
	assert_true(pdf_layout_cache_hits() > hits + 10);
	assert_int_equal(a.len, c.len);
	assert_memory_equal(a.data, c.data, a.len);
	assert_int_equal(b.len, c.len);
	assert_memory_equal(b.data, c.data, b.len);

	/* The next document, with the cache warm and then cold. */
	d.doc_no = "白审受字〔2026〕第0002号";
	d.addressee = "白河县汉江商贸有限公司";
	d.paragraphs = paras2;
	d.verify_url = "http://127.0.0.1:8080/v/ACC-2026-0002?s=77aa01fe";
	buf_reset(&a);
	buf_reset(&b);
	hits = pdf_layout_cache_hits();
	assert_int_equal(pdf_render(&d, &a, &e), 0);
	warm = pdf_layout_cache_hits() - hits;
	assert_true(warm > 10);
	/* Cold, only the cells repeated within the document come from the
	 * cache. */
	pdf_layout_cache_clear();
	hits = pdf_layout_cache_hits();
	assert_int_equal(pdf_render(&d, &b, &e), 0);
	assert_true(pdf_layout_cache_hits() - hits < warm);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);

	snprintf(path, sizeof(path), "%s/cached.pdf", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(a.data, 1, a.len, f), a.len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 30 -png -f 1 -l 1 '%s' "
	    "'%s/cached' && test -s '%s/cached-1.png'", path, tmpdir, tmpdir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "pdftotext '%s' - | tr -d ' \\n'", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(text, "受理通知书"));
	assert_non_null(strstr(text, "白审受字〔2026〕第0002号"));
	assert_non_null(strstr(text, "白河县汉江商贸有限公司："));
	assert_non_null(strstr(text, "十二月一日提出的食品经营许可（变更）申请"));
	assert_non_null(strstr(text, "已收取的申请材料如下"));
	assert_non_null(strstr(text, "营业执照复印件"));
	assert_non_null(strstr(text, "白河县市场监督管理局"));
	assert_non_null(strstr(text, "二〇二六年十一月二十八日"));
	assert_non_null(strstr(text, "ACC-2026-0002"));
	assert_non_null(strstr(text, "第1页共1页"));
	/* The verification QR code on the page reads as the link. */
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -png -f 1 -l 1 '%s' "
	    "'%s/cached150' && test -s '%s/cached150-1.png'", path, tmpdir,
	    tmpdir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/cached150-1.png", tmpdir);
	qr_read(path, text, sizeof(text));
	assert_non_null(strstr(text, "http://127.0.0.1:8080/v/ACC-2026-0002?"
	    "s=77aa01fe\n"));
	buf_release(&a);
	buf_release(&b);
	buf_release(&c);
}

static void
pdf_is_deterministic_text_pdf(void **state)
{
	struct pdf_doc d;
	struct pdf_table t;
	struct buf a, b;
	struct err e;
	FILE *f;
	int pages = 0;

	(void)state;
	sample_doc(&d, &t);
	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(pdf_render(&d, &a, &e), 0);
	assert_memory_equal(a.data, "%PDF-", 5);
	assert_true(a.len > 20000);
	assert_true(contains(&a, "%%EOF"));
	/* Real text: an embedded subset of the CJK font with a ToUnicode map. */
	assert_true(contains(&a, "WenQuanYi"));
	assert_true(contains(&a, "/ToUnicode"));
	/* Dates come from the document, never the clock. */
	assert_true(contains(&a, "/CreationDate (D:20261128090000+08'00)") ||
	    contains(&a, "/CreationDate (20261128090000+08'00)"));
	/* The title in the metadata, UTF-16BE: 受理通知书. */
	assert_true(contains(&a, "53D77406901A77E54E66") ||
	    contains(&a, "53d77406901a77e54e66") ||
	    contains(&a, "\x53\xd7\x74\x06\x90\x1a\x77\xe5\x4e\x66"));

	assert_int_equal(pdf_render(&d, &b, &e), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);

	/* A different date gives a different document. */
	buf_reset(&b);
	d.date = "2026-11-29";
	assert_int_equal(pdf_render(&d, &b, &e), 0);
	assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);

	f = fopen("/tmp/onetrip-sample.pdf", "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(a.data, 1, a.len, f), a.len);
	fclose(f);
	d.date = "2026-11-28";
	assert_int_equal(pdf_render_png(&d, 1, 1.5, "/tmp/onetrip-sample.png",
	    &pages, &e), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(pdf_render_png(&d, 2, 1.5, "/tmp/x.png", &pages, &e),
	    -ERR_NOT_FOUND);
	buf_release(&a);
	buf_release(&b);
}

static void
pdf_long_document_spans_pages(void **state)
{
	const char *paras[60];
	struct pdf_doc d;
	struct pdf_table t;
	struct buf a;
	struct err e;
	int pages = 0;

	(void)state;
	sample_doc(&d, &t);
	for (size_t i = 0; i < 60; i++)
		paras[i] = notice_paras[i % 3];
	d.title = "不予行政许可决定书";
	d.paragraphs = paras;
	d.nparagraphs = 60;
	d.table_after = 30;
	assert_int_equal(pdf_render_png(&d, 2, 1.0,
	    "/tmp/onetrip-sample-p2.png", &pages, &e), 0);
	assert_true(pages >= 4);
	buf_init(&a, 0);
	assert_int_equal(pdf_render(&d, &a, &e), 0);
	/* One "/Type /Page" object per page (not the "/Type /Pages"
	 * tree). */
	{
		int n = 0;
		const char *p = a.data;

		while ((p = memmem(p, a.len - (size_t)(p - a.data),
		    "/Type /Page", 11)) != NULL) {
			if (p[11] != 's')
				n++;
			p++;
		}
		assert_int_equal(n, pages);
	}
	buf_release(&a);
}

static void
pdf_refuses_bad_descriptions(void **state)
{
	const char *bad_utf8[] = { "正常", "\xe5\x8f" };
	struct pdf_doc d;
	struct pdf_table t;
	struct buf a;
	struct err e;

	(void)state;
	buf_init(&a, 0);
	sample_doc(&d, &t);
	d.title = "";
	assert_int_equal(pdf_render(&d, &a, &e), -ERR_INVALID);
	assert_string_equal(e.field, "title");
	sample_doc(&d, &t);
	d.date = "2026-02-30";
	assert_int_equal(pdf_render(&d, &a, &e), -ERR_INVALID);
	assert_string_equal(e.field, "date");
	sample_doc(&d, &t);
	d.paragraphs = bad_utf8;
	d.nparagraphs = 2;
	assert_int_equal(pdf_render(&d, &a, &e), -ERR_INVALID);
	assert_string_equal(e.key, "invalid_utf8");
	sample_doc(&d, &t);
	t.ncols = PDF_MAX_COLS + 1;
	assert_int_equal(pdf_render(&d, &a, &e), -ERR_INVALID);
	sample_doc(&d, &t);
	d.nparagraphs = PDF_MAX_PARAGRAPHS + 1;
	assert_int_equal(pdf_render(&d, &a, &e), -ERR_TOO_LARGE);
	assert_int_equal(a.len, 0);
	buf_release(&a);
}

static void
dates_in_chinese_numerals(void **state)
{
	char s[64];

	(void)state;
	assert_int_equal(pdf_date_chinese("2026-11-28", s, sizeof(s)), 0);
	assert_string_equal(s, "二〇二六年十一月二十八日");
	assert_int_equal(pdf_date_chinese("2026-10-01", s, sizeof(s)), 0);
	assert_string_equal(s, "二〇二六年十月一日");
	assert_int_equal(pdf_date_chinese("2030-12-31", s, sizeof(s)), 0);
	assert_string_equal(s, "二〇三〇年十二月三十一日");
	assert_int_equal(pdf_date_chinese("2024-02-29", s, sizeof(s)), 0);
	assert_string_equal(s, "二〇二四年二月二十九日");
	assert_int_equal(pdf_date_chinese("2026-01-20", s, sizeof(s)), 0);
	assert_string_equal(s, "二〇二六年一月二十日");
	assert_int_equal(pdf_date_chinese("2023-02-29", s, sizeof(s)),
	    -ERR_INVALID);
	assert_int_equal(pdf_date_chinese("2026-13-01", s, sizeof(s)),
	    -ERR_INVALID);
	assert_int_equal(pdf_date_chinese("2026-1-01x", s, sizeof(s)),
	    -ERR_INVALID);
	assert_int_equal(pdf_date_chinese("2026/11/28", s, sizeof(s)),
	    -ERR_INVALID);
}

/* --- XLSX and CSV ------------------------------------------------------ */

static void
xlsx_writes_a_zip_workbook(void **state)
{
	json_t *headers = json_pack("[sss]", "事项编码", "事项名称", "办件量");
	json_t *rows = json_pack("[[ssi][ssf][sbn]]",
	    "610929-001", "食品经营许可", 128,
	    "610929-002", "=HYPERLINK(\"x\")", 3.5,
	    "610929-003", 1);
	const double widths[] = { 14, 30, 10 };
	struct buf a, b;
	struct err e;
	char path[128], *data;
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/t.xlsx", tmpdir);
	assert_int_equal(xlsx_write_table(path, "办件统计", headers, rows,
	    widths, 1795000000, &e), 0);
	data = slurp(path, &len);
	assert_memory_equal(data, "PK\x03\x04", 4);
	assert_non_null(memmem(data, len, "xl/worksheets/sheet1.xml", 24));
	free(data);

	buf_init(&a, 0);
	buf_init(&b, 0);
	assert_int_equal(xlsx_table_to_buf(&a, tmpdir, NULL, headers, rows,
	    NULL, 1795000000, &e), 0);
	assert_memory_equal(a.data, "PK\x03\x04", 4);
	assert_int_equal(xlsx_table_to_buf(&b, tmpdir, NULL, headers, rows,
	    NULL, 1795000000, &e), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	buf_release(&a);
	buf_release(&b);

	assert_int_equal(xlsx_write_table(path, "bad/name", headers, rows,
	    NULL, 0, &e), -ERR_INVALID);
	json_array_append_new(rows, json_string("not an array"));
	assert_int_equal(xlsx_write_table(path, NULL, headers, rows, NULL, 0,
	    &e), -ERR_INVALID);
	json_decref(headers);
	json_decref(rows);
}

struct collected {
	size_t rows;
	size_t lines[8];
	size_t nfields[8];
	char text[8][4][64];
	int stop_at;
};

static int
collect(void *arg, size_t line, char **fields, size_t n, struct err *e)
{
	struct collected *c = arg;

	if (c->stop_at > 0 && (int)c->rows + 1 == c->stop_at)
		return err_set(e, ERR_UNPROCESSABLE, "bad_row",
		    "第 %zu 行：事项编码无效", line);
	if (c->rows < 8) {
		c->lines[c->rows] = line;
		c->nfields[c->rows] = n;
		for (size_t i = 0; i < n && i < 4; i++)
			snprintf(c->text[c->rows][i], 64, "%s", fields[i]);
	}
	c->rows++;
	return 0;
}

static void
csv_parses_quotes_newlines_and_bom(void **state)
{
	static const char data[] =
	    "\xef\xbb\xbf" "编码,名称,说明\r\n"
	    "001,食品经营许可,\"含逗号, 与\"\"引号\"\"\"\r\n"
	    "\r\n"
	    "002,\"跨行\n说明\",\n"
	    "003,末行,无换行";
	struct collected c = { 0 };
	struct err e;

	(void)state;
	assert_int_equal(csv_parse(data, sizeof(data) - 1, NULL, collect, &c,
	    &e), 0);
	assert_int_equal(c.rows, 4);
	assert_string_equal(c.text[0][0], "编码");  /* BOM gone */
	assert_int_equal(c.lines[1], 2);
	assert_string_equal(c.text[1][2], "含逗号, 与\"引号\"");
	assert_int_equal(c.lines[2], 4);            /* after a blank line */
	assert_string_equal(c.text[2][1], "跨行\n说明");
	assert_int_equal(c.nfields[2], 3);
	assert_string_equal(c.text[2][2], "");
	assert_int_equal(c.lines[3], 6);            /* the quoted newline counts */
	assert_string_equal(c.text[3][2], "无换行");
}

/* Found by fuzz/fuzz_csv.c: a record whose first field is empty checked
 * that field through a NULL buffer (undefined behaviour under UBSan). The
 * committed input is fuzz/corpus/fuzz_csv/empty_first_field_null_buffer. */
static void
csv_empty_first_field(void **state)
{
	struct collected c = { 0 };
	struct err e;

	(void)state;
	assert_int_equal(csv_parse(",\"x\"", 4, NULL, collect, &c, &e), 0);
	assert_int_equal(c.rows, 1);
	assert_int_equal(c.nfields[0], 2);
	assert_string_equal(c.text[0][0], "");
	assert_string_equal(c.text[0][1], "x");
	memset(&c, 0, sizeof(c));
	assert_int_equal(csv_parse(",", 1, NULL, collect, &c, &e), 0);
	assert_int_equal(c.nfields[0], 2);
}

static void
csv_reports_bad_rows_with_line_numbers(void **state)
{
	struct csv_limits lim = { 3, 10, 3 };
	struct collected c;
	struct err e;

#define PARSE(s, l) (memset(&c, 0, sizeof(c)), \
    csv_parse(s, sizeof(s) - 1, l, collect, &c, &e))
	(void)state;
	assert_int_equal(PARSE("a,b\n\"open,c\nd,e\n", NULL), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "第 2 行"));
	assert_non_null(strstr(e.msg, "引号未闭合"));
	assert_int_equal(PARSE("a,b\nc,d\ne,x\"y\n", NULL), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "第 3 行"));
	assert_int_equal(PARSE("a,\"b\"x\n", NULL), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "第 1 行"));
	assert_int_equal(PARSE("a,b\n\xff\xfe,c\n", NULL), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "第 2 行"));
	assert_int_equal(PARSE("a,b,c,d\n", &lim), -ERR_TOO_LARGE);
	assert_string_equal(e.key, "csv_too_many_fields");
	assert_int_equal(PARSE("a\nb\n12345678901\n", &lim), -ERR_TOO_LARGE);
	assert_string_equal(e.key, "csv_field_too_long");
	assert_non_null(strstr(e.msg, "第 3 行"));
	assert_int_equal(PARSE("a\nb\nc\nd\n", &lim), -ERR_TOO_LARGE);
	assert_string_equal(e.key, "csv_too_many_rows");
	assert_int_equal(c.rows, 3);
	/* A callback error stops the parse and comes back unchanged. */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	assert_int_equal(csv_parse("h\nx\ny\n", 6, NULL, collect, &c, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "bad_row");
	assert_int_equal(c.rows, 1);
	/* Empty input: no rows, no error. */
	assert_int_equal(PARSE("", NULL), 0);
	assert_int_equal(c.rows, 0);
#undef PARSE
}

static void
csv_write_round_trips(void **state)
{
	const char *row[] = { "a,b", "say \"hi\"", "two\nlines", NULL, " pad" };
	json_t *headers = json_pack("[ss]", "名称", "数量");
	json_t *rows = json_pack("[[si][sn]]", "=1+1", 5, "-2", NULL);
	struct collected c = { 0 };
	struct buf b;
	struct err e;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(csv_write_row(&b, row, 5), 0);
	assert_string_equal(b.data,
	    "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,\" pad\"\r\n");
	assert_int_equal(csv_parse(b.data, b.len, NULL, collect, &c, &e), 0);
	assert_int_equal(c.rows, 1);
	assert_int_equal(c.nfields[0], 5);
	assert_string_equal(c.text[0][1], "say \"hi\"");
	assert_string_equal(c.text[0][2], "two\nlines");
	assert_string_equal(c.text[0][3], "");

	buf_reset(&b);
	assert_int_equal(csv_write_json(&b, headers, rows,
	    CSV_BOM | CSV_NEUTRALISE, &e), 0);
	assert_string_equal(b.data,
	    "\xef\xbb\xbf名称,数量\r\n'=1+1,5\r\n'-2,\r\n");
	json_array_append_new(rows, json_pack("[{}]"));
	buf_reset(&b);
	assert_int_equal(csv_write_json(&b, headers, rows, 0, &e),
	    -ERR_INVALID);
	buf_release(&b);
	json_decref(headers);
	json_decref(rows);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sm3_matches_the_standard_vector),
		cmocka_unit_test(sm3_many_matches_one_by_one),
		cmocka_unit_test(hex_decode_rejects_bad_input),
		cmocka_unit_test(sm2_sign_verify_round_trip_and_tamper),
		cmocka_unit_test(sm2_signs_a_digest_made_with_its_z),
		cmocka_unit_test(sm2_keygen_refuses_to_overwrite),
		cmocka_unit_test(sm2p256_field_matches_bignum),
		cmocka_unit_test(sm2p256_base_mul_matches_openssl),
		cmocka_unit_test(sm2_signatures_verify_with_openssl),
		cmocka_unit_test(sm2_sign_follows_a_replaced_key_file),
		cmocka_unit_test(qr_encodes_a_url),
		cmocka_unit_test(qr_matches_libqrencode),
		cmocka_unit_test(qr_reads_back_at_each_size),
		cmocka_unit_test(qr_refuses_empty_and_long_text),
		cmocka_unit_test(seal_png_is_drawn),
		cmocka_unit_test(dates_in_chinese_numerals),
		cmocka_unit_test(pdf_is_deterministic_text_pdf),
		cmocka_unit_test(fast_layout_is_pangos_layout),
		cmocka_unit_test(cached_layout_gives_the_same_document),
		cmocka_unit_test(pdf_long_document_spans_pages),
		cmocka_unit_test(pdf_refuses_bad_descriptions),
		cmocka_unit_test(xlsx_writes_a_zip_workbook),
		cmocka_unit_test(csv_parses_quotes_newlines_and_bom),
		cmocka_unit_test(csv_empty_first_field),
		cmocka_unit_test(csv_reports_bad_rows_with_line_numbers),
		cmocka_unit_test(csv_write_round_trips),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, setup_dir, teardown_dir);
	docs_fonts_release();
	return rc;
}
