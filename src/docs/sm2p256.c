/* sm2p256.c - SM2 signatures on the SM2 curve's own arithmetic.
 *
 * Why: every sealed document carries an SM2 signature, and OpenSSL 3.0 has
 * no optimised SM2 code on x86-64: it makes the nonce point k·G with its
 * generic constant-time Montgomery ladder (about 285 µs of a 409 µs
 * signature of a 53 kB document, the rest being SM3). Here k·G is a sum of
 * 64 precomputed points, one per 4-bit digit of k, with no doublings.
 *
 * What: field arithmetic mod p = 2^256 - 2^224 - 2^96 + 2^64 - 1 in
 * Montgomery form (R = 2^256, four 64-bit limbs); Jacobian points with the
 * a = -3 doubling and mixed (Jacobian + affine) addition; a fixed-base table
 * of j·16^i·G; the GB/T 32918.2 signature with the mod-n steps in OpenSSL
 * BIGNUMs, as OpenSSL's own SM2 code does them.
 *
 * Constant time: the field and point code runs the same instructions and
 * memory addresses for every k: no branch on a secret, carries and
 * conditional subtractions by masks, every table entry of a row read and
 * the wanted one kept by a mask, the special cases of the sum (nothing
 * added yet, digit 0) chosen by masks after computing both sides. The
 * mod-n steps with k and d use BN_FLG_CONSTTIME, like OpenSSL's own SM2
 * signing.
 *
 * Checked against OpenSSL in tests/unit/test_docs.c: k·G against
 * EC_POINT_mul on NID_sm2, the field operations against BN_mod_*, and
 * signatures verified by OpenSSL's SM2 verification (sm2_verify()). */
#include "docs/sm2p256.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/rand.h>

#include "docs/sm2.h"

typedef uint64_t fe[4];  /* x·R mod p, fully reduced, least limb first */
typedef unsigned __int128 u128;

static const fe P = {
	0xffffffffffffffffULL, 0xffffffff00000000ULL,
	0xffffffffffffffffULL, 0xfffffffeffffffffULL,
};
static const fe R_MOD_P = {  /* 1 in Montgomery form */
	0x0000000000000001ULL, 0x00000000ffffffffULL,
	0x0000000000000000ULL, 0x0000000100000000ULL,
};
static const fe R2_MOD_P = {  /* turns x into x·R */
	0x0000000200000003ULL, 0x00000002ffffffffULL,
	0x0000000100000001ULL, 0x0000000400000002ULL,
};

/* The curve y^2 = x^3 + ax + b, its base point G and G's order n
 * (GB/T 32918.5), big-endian. */
static const unsigned char CURVE_A[32] = {
	0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc,
};
static const unsigned char CURVE_B[32] = {
	0x28, 0xe9, 0xfa, 0x9e, 0x9d, 0x9f, 0x5e, 0x34, 0x4d, 0x5a, 0x9e, 0x4b,
	0xcf, 0x65, 0x09, 0xa7, 0xf3, 0x97, 0x89, 0xf5, 0x15, 0xab, 0x8f, 0x92,
	0xdd, 0xbc, 0xbd, 0x41, 0x4d, 0x94, 0x0e, 0x93,
};
static const unsigned char CURVE_GX[32] = {
	0x32, 0xc4, 0xae, 0x2c, 0x1f, 0x19, 0x81, 0x19, 0x5f, 0x99, 0x04, 0x46,
	0x6a, 0x39, 0xc9, 0x94, 0x8f, 0xe3, 0x0b, 0xbf, 0xf2, 0x66, 0x0b, 0xe1,
	0x71, 0x5a, 0x45, 0x89, 0x33, 0x4c, 0x74, 0xc7,
};
static const unsigned char CURVE_GY[32] = {
	0xbc, 0x37, 0x36, 0xa2, 0xf4, 0xf6, 0x77, 0x9c, 0x59, 0xbd, 0xce, 0xe3,
	0x6b, 0x69, 0x21, 0x53, 0xd0, 0xa9, 0x87, 0x7c, 0xc6, 0x2a, 0x47, 0x40,
	0x02, 0xdf, 0x32, 0xe5, 0x21, 0x39, 0xf0, 0xa0,
};
static const unsigned char CURVE_N[32] = {
	0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0x72, 0x03, 0xdf, 0x6b, 0x21, 0xc6, 0x05, 0x2b,
	0x53, 0xbb, 0xf4, 0x09, 0x39, 0xd5, 0x41, 0x23,
};

/* All ones when x != 0, else 0. */
static uint64_t
mask_nonzero(uint64_t x)
{
	return 0 - ((x | (0 - x)) >> 63);
}

/* The limb loops below are unrolled: left rolled, GCC -O2 makes the
 * field multiplication and so k·G about 1.5 times slower. */

/* out = t mod p for t = top·2^256 + t[0..3] < 2p. */
static void
fe_reduce_once(fe out, const uint64_t t[4], uint64_t top)
{
	uint64_t d[4], borrow = 0, keep;

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		u128 v = (u128)t[i] - P[i] - borrow;

		d[i] = (uint64_t)v;
		borrow = (uint64_t)(v >> 64) & 1;
	}
	/* t < p exactly when the subtraction borrowed past the top limb. */
	keep = 0 - (borrow & (top ^ 1));
#pragma GCC unroll 4
	for (int i = 0; i < 4; i++)
		out[i] = (t[i] & keep) | (d[i] & ~keep);
}

static void
fe_add(fe out, const fe a, const fe b)
{
	uint64_t t[4], carry = 0;

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		u128 v = (u128)a[i] + b[i] + carry;

		t[i] = (uint64_t)v;
		carry = (uint64_t)(v >> 64);
	}
	fe_reduce_once(out, t, carry);
}

static void
fe_sub(fe out, const fe a, const fe b)
{
	uint64_t t[4], borrow = 0, mask, carry = 0;

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		u128 v = (u128)a[i] - b[i] - borrow;

		t[i] = (uint64_t)v;
		borrow = (uint64_t)(v >> 64) & 1;
	}
	mask = 0 - borrow;  /* a < b: add p back */
#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		u128 v = (u128)t[i] + (P[i] & mask) + carry;

		out[i] = (uint64_t)v;
		carry = (uint64_t)(v >> 64);
	}
}

/* out = a·b·R^-1 mod p (word-by-word Montgomery; -p^-1 mod 2^64 is 1 since
 * p's lowest limb is all ones). Inputs below p give a result below 2p
 * before the last subtraction. */
static void
fe_mul(fe out, const fe a, const fe b)
{
	uint64_t t[6] = {0};

#pragma GCC unroll 4
	for (int i = 0; i < 4; i++) {
		uint64_t c = 0, m;
		u128 acc;

#pragma GCC unroll 4
		for (int j = 0; j < 4; j++) {
			acc = (u128)a[j] * b[i] + t[j] + c;
			t[j] = (uint64_t)acc;
			c = (uint64_t)(acc >> 64);
		}
		acc = (u128)t[4] + c;
		t[4] = (uint64_t)acc;
		t[5] = (uint64_t)(acc >> 64);
		m = t[0];
		acc = (u128)m * P[0] + t[0];
		c = (uint64_t)(acc >> 64);
#pragma GCC unroll 4
		for (int j = 1; j < 4; j++) {
			acc = (u128)m * P[j] + t[j] + c;
			t[j - 1] = (uint64_t)acc;
			c = (uint64_t)(acc >> 64);
		}
		acc = (u128)t[4] + c;
		t[3] = (uint64_t)acc;
		t[4] = t[5] + (uint64_t)(acc >> 64);
	}
	fe_reduce_once(out, t, t[4]);
}

static void
fe_sqr_n(fe out, const fe a, int n)
{
	memmove(out, a, sizeof(fe));
	while (n-- > 0)
		fe_mul(out, out, out);
}

/* out = a^(p-2) = a^-1 by a fixed chain. From the top, p - 2 is 31 ones,
 * a zero, 128 ones, 32 zeros, 62 ones, a zero and a one. */
static void
fe_inv(fe out, const fe a)
{
	fe x2, x3, x6, x12, x15, x30, x31, x32, t;

	fe_sqr_n(t, a, 1);
	fe_mul(x2, t, a);
	fe_sqr_n(t, x2, 1);
	fe_mul(x3, t, a);
	fe_sqr_n(t, x3, 3);
	fe_mul(x6, t, x3);
	fe_sqr_n(t, x6, 6);
	fe_mul(x12, t, x6);
	fe_sqr_n(t, x12, 3);
	fe_mul(x15, t, x3);
	fe_sqr_n(t, x15, 15);
	fe_mul(x30, t, x15);
	fe_sqr_n(t, x30, 1);
	fe_mul(x31, t, a);
	fe_sqr_n(t, x31, 1);
	fe_mul(x32, t, a);

	fe_sqr_n(t, x31, 1);
	for (int i = 0; i < 4; i++) {
		fe_sqr_n(t, t, 32);
		fe_mul(t, t, x32);
	}
	fe_sqr_n(t, t, 32);
	fe_sqr_n(t, t, 32);
	fe_mul(t, t, x32);
	fe_sqr_n(t, t, 30);
	fe_mul(t, t, x30);
	fe_sqr_n(t, t, 2);
	fe_mul(out, t, a);
}

/* A 256-bit big-endian number, reduced mod p, into Montgomery form. */
static void
fe_from_bytes(fe out, const unsigned char in[32])
{
	uint64_t t[4];

	for (int i = 0; i < 4; i++) {
		t[i] = 0;
		for (int j = 0; j < 8; j++)
			t[i] = (t[i] << 8) | in[8 * (3 - i) + j];
	}
	fe_reduce_once(t, t, 0);  /* 2^256 < 2p */
	fe_mul(out, t, R2_MOD_P);
}

static void
fe_to_bytes(unsigned char out[32], const fe a)
{
	static const fe one = {1, 0, 0, 0};
	fe t;

	fe_mul(t, a, one);
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 8; j++)
			out[8 * (3 - i) + j] = (unsigned char)(t[i] >> (56 - 8 * j));
}

/* out = a when mask is all ones, unchanged when 0. */
static void
fe_cmov(fe out, const fe a, uint64_t mask)
{
#pragma GCC unroll 4
	for (int i = 0; i < 4; i++)
		out[i] = (out[i] & ~mask) | (a[i] & mask);
}

struct jac {
	fe x, y, z;  /* (x/z^2, y/z^3) */
};

struct aff {
	fe x, y;
};

/* out = 2·a with a = -3 (dbl-2001-b):
 * delta = Z^2, gamma = Y^2, beta = X·gamma, alpha = 3(X - delta)(X + delta),
 * X3 = alpha^2 - 8beta, Z3 = (Y + Z)^2 - gamma - delta,
 * Y3 = alpha(4beta - X3) - 8gamma^2. */
static void
point_double(struct jac *out, const struct jac *a)
{
	fe delta, gamma, beta, alpha, t, u, x3, y3, z3;

	fe_mul(delta, a->z, a->z);
	fe_mul(gamma, a->y, a->y);
	fe_mul(beta, a->x, gamma);
	fe_sub(t, a->x, delta);
	fe_add(u, a->x, delta);
	fe_mul(t, t, u);
	fe_add(alpha, t, t);
	fe_add(alpha, alpha, t);
	fe_mul(x3, alpha, alpha);
	fe_add(t, beta, beta);
	fe_add(t, t, t);          /* 4beta */
	fe_sub(x3, x3, t);
	fe_sub(x3, x3, t);
	fe_add(z3, a->y, a->z);
	fe_mul(z3, z3, z3);
	fe_sub(z3, z3, gamma);
	fe_sub(z3, z3, delta);
	fe_sub(t, t, x3);
	fe_mul(y3, alpha, t);
	fe_mul(u, gamma, gamma);
	fe_add(u, u, u);
	fe_add(u, u, u);
	fe_add(u, u, u);          /* 8gamma^2 */
	fe_sub(y3, y3, u);
	memcpy(out->x, x3, sizeof(fe));
	memcpy(out->y, y3, sizeof(fe));
	memcpy(out->z, z3, sizeof(fe));
}

/* out = a + b for a Jacobian a and an affine b, neither the point at
 * infinity, a != ±b (madd-2007-bl):
 * Z1Z1 = Z1^2, U2 = X2·Z1Z1, S2 = Y2·Z1·Z1Z1, H = U2 - X1, HH = H^2,
 * I = 4HH, J = H·I, r = 2(S2 - Y1), V = X1·I, X3 = r^2 - J - 2V,
 * Y3 = r(V - X3) - 2Y1·J, Z3 = (Z1 + H)^2 - Z1Z1 - HH. */
static void
point_add_affine(struct jac *out, const struct jac *a, const struct aff *b)
{
	fe z1z1, u2, s2, h, hh, i, j, r, v, t, x3, y3, z3;

	fe_mul(z1z1, a->z, a->z);
	fe_mul(u2, b->x, z1z1);
	fe_mul(s2, b->y, a->z);
	fe_mul(s2, s2, z1z1);
	fe_sub(h, u2, a->x);
	fe_mul(hh, h, h);
	fe_add(i, hh, hh);
	fe_add(i, i, i);
	fe_mul(j, h, i);
	fe_sub(r, s2, a->y);
	fe_add(r, r, r);
	fe_mul(v, a->x, i);
	fe_mul(x3, r, r);
	fe_sub(x3, x3, j);
	fe_sub(x3, x3, v);
	fe_sub(x3, x3, v);
	fe_sub(t, v, x3);
	fe_mul(y3, r, t);
	fe_mul(t, a->y, j);
	fe_add(t, t, t);
	fe_sub(y3, y3, t);
	fe_add(z3, a->z, h);
	fe_mul(z3, z3, z3);
	fe_sub(z3, z3, z1z1);
	fe_sub(z3, z3, hh);
	memcpy(out->x, x3, sizeof(fe));
	memcpy(out->y, y3, sizeof(fe));
	memcpy(out->z, z3, sizeof(fe));
}

static void
point_to_affine(struct aff *out, const struct jac *a)
{
	fe zinv, zinv2;

	fe_inv(zinv, a->z);
	fe_mul(zinv2, zinv, zinv);
	fe_mul(out->x, a->x, zinv2);
	fe_mul(zinv2, zinv2, zinv);
	fe_mul(out->y, a->y, zinv2);
}

/* base_table[i][j - 1] = j·16^i·G for j = 1..15, affine: k·G is the sum
 * over k's 64 hexadecimal digits k_i of base_table[i][k_i - 1]. */
static struct aff base_table[64][15];
static pthread_once_t base_table_once = PTHREAD_ONCE_INIT;

static void
base_table_fill(void)
{
	struct jac row, p;

	fe_from_bytes(row.x, CURVE_GX);
	fe_from_bytes(row.y, CURVE_GY);
	memcpy(row.z, R_MOD_P, sizeof(fe));
	for (int i = 0; i < 64; i++) {
		struct aff *t = base_table[i];

		point_to_affine(&t[0], &row);
		point_double(&p, &row);
		point_to_affine(&t[1], &p);
		for (int j = 2; j < 15; j++) {
			point_add_affine(&p, &p, &t[0]);
			point_to_affine(&t[j], &p);
		}
		for (int d = 0; d < 4; d++)
			point_double(&row, &row);
	}
}

/* The sum never meets the cases the mixed addition cannot do. Before
 * digit i the accumulator holds a·G with 0 <= a < 16^i, and the entry
 * added is b·G with 16^i <= b <= 15·16^i < n. a = 0 (nothing added yet) is
 * handled by a select. Otherwise 0 < a < b < n, so a·G != b·G; and a + b is
 * the value of k's lowest i + 1 digits, 0 < a + b <= k < n, so
 * a·G != -b·G. */
void
sm2p256_base_mul(const unsigned char k[32], unsigned char x[32],
    unsigned char y[32])
{
	struct jac acc, sum;
	struct aff e, r;
	uint64_t empty = ~(uint64_t)0;  /* acc is still the point at infinity */

	pthread_once(&base_table_once, base_table_fill);
	memset(&acc, 0, sizeof(acc));
	for (int i = 0; i < 64; i++) {
		uint64_t digit = (k[31 - i / 2] >> (4 * (i & 1))) & 15;
		uint64_t nonzero = mask_nonzero(digit);

		memset(&e, 0, sizeof(e));
		for (uint64_t j = 0; j < 15; j++) {
			uint64_t hit = ~mask_nonzero(digit ^ (j + 1));

			fe_cmov(e.x, base_table[i][j].x, hit);
			fe_cmov(e.y, base_table[i][j].y, hit);
		}
		point_add_affine(&sum, &acc, &e);
		fe_cmov(sum.x, e.x, empty);
		fe_cmov(sum.y, e.y, empty);
		fe_cmov(sum.z, R_MOD_P, empty);
		fe_cmov(acc.x, sum.x, nonzero);
		fe_cmov(acc.y, sum.y, nonzero);
		fe_cmov(acc.z, sum.z, nonzero);
		empty &= ~nonzero;
	}
	point_to_affine(&r, &acc);
	fe_to_bytes(x, r.x);
	fe_to_bytes(y, r.y);
	OPENSSL_cleanse(&acc, sizeof(acc));
	OPENSSL_cleanse(&sum, sizeof(sum));
	OPENSSL_cleanse(&e, sizeof(e));
	OPENSSL_cleanse(&r, sizeof(r));
}

void
sm2p256_field(enum sm2p256_field_op op, const unsigned char a[32],
    const unsigned char b[32], unsigned char out[32])
{
	fe x, y;

	fe_from_bytes(x, a);
	fe_from_bytes(y, b);
	if (op == SM2P256_ADD)
		fe_add(x, x, y);
	else if (op == SM2P256_SUB)
		fe_sub(x, x, y);
	else
		fe_mul(x, x, y);
	fe_to_bytes(out, x);
}

void
sm2p256_field_inv(const unsigned char a[32], unsigned char out[32])
{
	fe x;

	fe_from_bytes(x, a);
	fe_inv(x, x);
	fe_to_bytes(out, x);
}

struct sm2p256_key {
	BIGNUM *d;                 /* the private key */
	BIGNUM *one_plus_d_inv;    /* (1 + d)^-1 mod n */
	unsigned char z[32];       /* Z of the default ID and the public key */
};

void
sm2p256_key_free(struct sm2p256_key *key)
{
	if (key == NULL)
		return;
	BN_clear_free(key->d);
	BN_clear_free(key->one_plus_d_inv);
	OPENSSL_cleanse(key, sizeof(*key));
	OPENSSL_free(key);
}

/* Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), ENTL being the
 * ID's length in bits on two bytes. */
static int
key_z(const unsigned char pub[65], unsigned char z[32])
{
	const size_t idlen = strlen(SM2_DEFAULT_ID);
	unsigned char entl[2] = {
		(unsigned char)(idlen * 8 >> 8), (unsigned char)(idlen * 8),
	};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok;

	ok = md != NULL && EVP_DigestInit_ex(md, EVP_sm3(), NULL) == 1 &&
	    EVP_DigestUpdate(md, entl, 2) == 1 &&
	    EVP_DigestUpdate(md, SM2_DEFAULT_ID, idlen) == 1 &&
	    EVP_DigestUpdate(md, CURVE_A, 32) == 1 &&
	    EVP_DigestUpdate(md, CURVE_B, 32) == 1 &&
	    EVP_DigestUpdate(md, CURVE_GX, 32) == 1 &&
	    EVP_DigestUpdate(md, CURVE_GY, 32) == 1 &&
	    EVP_DigestUpdate(md, pub + 1, 64) == 1 &&
	    EVP_DigestFinal_ex(md, z, NULL) == 1;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

int
sm2p256_key_new(EVP_PKEY *pkey, struct sm2p256_key **out)
{
	struct sm2p256_key *key;
	unsigned char pub[65];
	size_t publen = 0;
	BN_CTX *ctx = NULL;
	BIGNUM *n = NULL;
	int rc = -1;

	*out = NULL;
	key = OPENSSL_zalloc(sizeof(*key));
	if (key == NULL)
		return -1;
	if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY,
	    &key->d) != 1 ||
	    EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, sizeof(pub), &publen) != 1 || publen != 65 || pub[0] != 4 ||
	    key_z(pub, key->z) != 0)
		goto out;
	BN_set_flags(key->d, BN_FLG_CONSTTIME);
	ctx = BN_CTX_new();
	n = BN_bin2bn(CURVE_N, 32, NULL);
	key->one_plus_d_inv = BN_new();
	if (ctx == NULL || n == NULL || key->one_plus_d_inv == NULL)
		goto out;
	BN_set_flags(key->one_plus_d_inv, BN_FLG_CONSTTIME);
	/* A valid key has 1 <= d <= n - 2, so 1 + d is invertible. */
	if (BN_is_zero(key->d) || BN_cmp(key->d, n) >= 0 ||
	    BN_copy(key->one_plus_d_inv, key->d) == NULL ||
	    BN_add_word(key->one_plus_d_inv, 1) != 1 ||
	    BN_mod_inverse(key->one_plus_d_inv, key->one_plus_d_inv, n,
	    ctx) == NULL)
		goto out;
	rc = 0;
out:
	BN_free(n);
	BN_CTX_free(ctx);
	OPENSSL_cleanse(pub, sizeof(pub));
	if (rc != 0)
		sm2p256_key_free(key);
	else
		*out = key;
	return rc;
}

/* GB/T 32918.2 §6.1: k uniform in [1, n - 1] (320 random bits reduced mod
 * n - 1, a bias below 2^-64), (x1, y1) = k·G, r = (e + x1) mod n,
 * s = (1 + d)^-1 (k - r·d) mod n; a new k when r = 0, r + k = n or
 * s = 0. */
int
sm2p256_sign_digest(const struct sm2p256_key *key,
    const unsigned char e_bytes[32], unsigned char der[SM2P256_SIG_DER_MAX],
    size_t *derlen)
{
	unsigned char rnd[40], k_bytes[32], x1[32], y1[32];
	BN_CTX *ctx;
	BIGNUM *n, *n1, *e, *k, *t, *r = NULL, *s = NULL;
	ECDSA_SIG *sig = NULL;
	unsigned char *p = der;
	int rc = -1, size;

	*derlen = 0;
	ctx = BN_CTX_new();
	if (ctx == NULL)
		return -1;
	BN_CTX_start(ctx);
	n = BN_CTX_get(ctx);
	n1 = BN_CTX_get(ctx);
	e = BN_CTX_get(ctx);
	k = BN_CTX_get(ctx);
	t = BN_CTX_get(ctx);
	r = BN_new();
	s = BN_new();
	if (t == NULL || r == NULL || s == NULL ||
	    BN_bin2bn(CURVE_N, 32, n) == NULL || BN_copy(n1, n) == NULL ||
	    BN_sub_word(n1, 1) != 1 || BN_bin2bn(e_bytes, 32, e) == NULL)
		goto out;
	BN_set_flags(k, BN_FLG_CONSTTIME);
	BN_set_flags(t, BN_FLG_CONSTTIME);
	for (;;) {
		if (RAND_priv_bytes(rnd, sizeof(rnd)) != 1 ||
		    BN_bin2bn(rnd, sizeof(rnd), t) == NULL ||
		    BN_mod(k, t, n1, ctx) != 1 || BN_add_word(k, 1) != 1 ||
		    BN_bn2binpad(k, k_bytes, 32) != 32)
			goto out;
		sm2p256_base_mul(k_bytes, x1, y1);
		if (BN_bin2bn(x1, 32, t) == NULL ||
		    BN_mod_add(r, e, t, n, ctx) != 1)
			goto out;
		if (BN_is_zero(r))
			continue;
		if (BN_add(t, r, k) != 1)
			goto out;
		if (BN_cmp(t, n) == 0)
			continue;
		if (BN_mod_mul(t, r, key->d, n, ctx) != 1 ||
		    BN_mod_sub(t, k, t, n, ctx) != 1 ||
		    BN_mod_mul(s, key->one_plus_d_inv, t, n, ctx) != 1)
			goto out;
		if (!BN_is_zero(s))
			break;
	}
	sig = ECDSA_SIG_new();
	if (sig == NULL || ECDSA_SIG_set0(sig, r, s) != 1)
		goto out;
	r = s = NULL;  /* the signature owns them now */
	size = i2d_ECDSA_SIG(sig, NULL);
	if (size <= 0 || size > SM2P256_SIG_DER_MAX ||
	    i2d_ECDSA_SIG(sig, &p) != size)
		goto out;
	*derlen = (size_t)size;
	rc = 0;
out:
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(k_bytes, sizeof(k_bytes));
	OPENSSL_cleanse(x1, sizeof(x1));
	OPENSSL_cleanse(y1, sizeof(y1));
	if (t != NULL) {
		BN_clear(k);
		BN_clear(t);
	}
	BN_CTX_end(ctx);
	BN_CTX_free(ctx);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return rc;
}

void
sm2p256_key_z(const struct sm2p256_key *key, unsigned char z[32])
{
	memcpy(z, key->z, sizeof(key->z));
}
