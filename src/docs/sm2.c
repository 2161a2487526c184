#include "docs/sm2.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "docs/sm2p256.h"
#include "docs/sm3.h"

/* Drains the OpenSSL error queue into one line for the log. */
static const char *
ssl_errstr(char *out, size_t outsz)
{
	unsigned long code = ERR_get_error();

	if (code == 0)
		snprintf(out, outsz, "unknown");
	else
		ERR_error_string_n(code, out, outsz);
	ERR_clear_error();
	return out;
}

static char *
bio_to_string(BIO *bio)
{
	char *mem = NULL, *s;
	long n = BIO_get_mem_data(bio, &mem);

	if (n < 0 || mem == NULL)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, mem, (size_t)n);
	s[n] = '\0';
	return s;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
sm2_keygen(const char *key_path, char **public_pem, struct err *e)
{
	EVP_PKEY_CTX *kctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *priv = NULL, *pub = NULL;
	char *mem = NULL, ebuf[256];
	long n;
	int fd = -1, rc = 0, created = 0;

	*public_pem = NULL;
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
	if (kctx == NULL || EVP_PKEY_keygen_init(kctx) != 1 ||
	    EVP_PKEY_generate(kctx, &pkey) != 1) {
		rc = err_internal(e, "sm2 keygen: %s",
		    ssl_errstr(ebuf, sizeof(ebuf)));
		goto out;
	}
	priv = BIO_new(BIO_s_mem());
	pub = BIO_new(BIO_s_mem());
	if (priv == NULL || pub == NULL ||
	    PEM_write_bio_PrivateKey(priv, pkey, NULL, NULL, 0, NULL,
	    NULL) != 1 || PEM_write_bio_PUBKEY(pub, pkey) != 1) {
		rc = err_internal(e, "sm2 pem: %s",
		    ssl_errstr(ebuf, sizeof(ebuf)));
		goto out;
	}
	fd = open(key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			rc = err_set(e, ERR_CONFLICT, "key_file_exists",
			    "密钥文件已存在，拒绝覆盖：%s", key_path);
		else
			rc = err_internal(e, "open %s: %s", key_path,
			    strerror(errno));
		goto out;
	}
	created = 1;
	/* The umask may have narrowed the mode; make sure it is exactly 0600. */
	n = BIO_get_mem_data(priv, &mem);
	if (fchmod(fd, 0600) != 0 || n <= 0 ||
	    write_all(fd, mem, (size_t)n) != 0 || fsync(fd) != 0) {
		rc = err_internal(e, "write %s: %s", key_path, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = err_internal(e, "close %s: %s", key_path, strerror(errno));
		goto out;
	}
	fd = -1;
	*public_pem = bio_to_string(pub);
	if (*public_pem == NULL)
		rc = err_internal(e, "out of memory");
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && created)
		unlink(key_path);
	BIO_free(priv);
	BIO_free(pub);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(kctx);
	return rc;
}

/* Reads a private key file of bounded size. */
static int
load_private(const char *key_path, EVP_PKEY **out, struct err *e)
{
	char data[SM2_KEY_FILE_MAX], ebuf[256];
	ssize_t n;
	size_t len = 0;
	BIO *bio = NULL;
	int fd, rc = 0;

	*out = NULL;
	fd = open(key_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOT_FOUND, "key_file_missing",
			    "印章密钥文件不存在：%s", key_path);
		return err_internal(e, "open %s: %s", key_path,
		    strerror(errno));
	}
	for (;;) {
		n = read(fd, data + len, sizeof(data) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = err_internal(e, "read %s: %s", key_path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(data)) {
			rc = err_internal(e, "%s: key file too large",
			    key_path);
			goto out;
		}
	}
	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL) {
		rc = err_internal(e, "out of memory");
		goto out;
	}
	*out = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (*out == NULL || !EVP_PKEY_is_a(*out, "SM2")) {
		rc = err_internal(e, "%s: not an SM2 private key: %s",
		    key_path, ssl_errstr(ebuf, sizeof(ebuf)));
		EVP_PKEY_free(*out);
		*out = NULL;
	}
out:
	OPENSSL_cleanse(data, sizeof(data));
	BIO_free(bio);
	close(fd);
	return rc;
}

/* Sets up an SM3 digest-verify with the default SM2 ID. */
static EVP_MD_CTX *
verify_ctx_for(EVP_PKEY *pkey)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;

	if (md == NULL)
		return NULL;
	if (EVP_DigestVerifyInit_ex(md, &pctx, "SM3", NULL, NULL, pkey,
	    NULL) != 1 || EVP_PKEY_CTX_set1_id(pctx, SM2_DEFAULT_ID,
	    strlen(SM2_DEFAULT_ID)) <= 0) {
		EVP_MD_CTX_free(md);
		return NULL;
	}
	return md;
}

/* Signing keys once read and prepared, by path, while the file is the same
 * (device, inode, size and modification time): parsing the PEM cost more
 * than the signature itself. A key in use by a signature outlives its
 * replacement in the cache (refs, under key_cache_mu). */
#define KEY_CACHE_MAX 256

struct sm2_signer {
	struct sm2p256_key *key;
	unsigned refs;
};

static struct key_entry {
	char *path;
	struct stat st;
	struct sm2_signer *signer;
} key_cache[KEY_CACHE_MAX];
static size_t key_cache_n;
static pthread_mutex_t key_cache_mu = PTHREAD_MUTEX_INITIALIZER;

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Drops one reference; key_cache_mu held. */
static void
signer_unref_locked(struct sm2_signer *s)
{
	if (s != NULL && --s->refs == 0) {
		sm2p256_key_free(s->key);
		free(s);
	}
}

static void
signer_release(struct sm2_signer *s)
{
	pthread_mutex_lock(&key_cache_mu);
	signer_unref_locked(s);
	pthread_mutex_unlock(&key_cache_mu);
}

/* Reads and prepares the key at key_path (one reference for the caller). */
static int
signer_load(const char *key_path, struct sm2_signer **out, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	char ebuf[256];
	int rc;

	*out = NULL;
	rc = load_private(key_path, &pkey, e);
	if (rc != 0)
		return rc;
	*out = calloc(1, sizeof(**out));
	if (*out == NULL) {
		rc = err_internal(e, "out of memory");
	} else if (sm2p256_key_new(pkey, &(*out)->key) != 0) {
		rc = err_internal(e, "%s: sm2 key: %s", key_path,
		    ssl_errstr(ebuf, sizeof(ebuf)));
		free(*out);
		*out = NULL;
	} else {
		(*out)->refs = 1;
	}
	EVP_PKEY_free(pkey);
	return rc;
}

static int
signing_key(const char *key_path, struct sm2_signer **out, struct err *e)
{
	struct stat st;
	struct key_entry *k = NULL;
	int rc;

	*out = NULL;
	if (stat(key_path, &st) != 0)
		return signer_load(key_path, out, e);
	pthread_mutex_lock(&key_cache_mu);
	for (size_t i = 0; i < key_cache_n; i++)
		if (strcmp(key_cache[i].path, key_path) == 0) {
			k = &key_cache[i];
			break;
		}
	if (k != NULL && k->signer != NULL && same_file(&k->st, &st)) {
		*out = k->signer;
		(*out)->refs++;
		pthread_mutex_unlock(&key_cache_mu);
		return 0;
	}
	pthread_mutex_unlock(&key_cache_mu);
	rc = signer_load(key_path, out, e);
	if (rc != 0)
		return rc;
	pthread_mutex_lock(&key_cache_mu);
	if (k == NULL && key_cache_n < KEY_CACHE_MAX) {
		char *p = strdup(key_path);

		if (p != NULL) {
			k = &key_cache[key_cache_n++];
			k->path = p;
			k->signer = NULL;
		}
	}
	if (k != NULL) {
		signer_unref_locked(k->signer);
		k->signer = *out;
		k->signer->refs++;
		k->st = st;
	}
	pthread_mutex_unlock(&key_cache_mu);
	return 0;
}

void
sm2_cache_release(void)
{
	pthread_mutex_lock(&key_cache_mu);
	for (size_t i = 0; i < key_cache_n; i++) {
		free(key_cache[i].path);
		signer_unref_locked(key_cache[i].signer);
	}
	key_cache_n = 0;
	pthread_mutex_unlock(&key_cache_mu);
}

/* The signature of e = SM3(Z || M) by docs/sm2p256.c (k·G without
 * OpenSSL 3.0's generic ladder), as hex; sm2_verify() checks it with
 * OpenSSL. */
static int
sign_e(const struct sm2_signer *signer, const unsigned char e[SM3_DIGEST_LEN],
    char **sig_hex, struct err *err)
{
	unsigned char sig[SM2P256_SIG_DER_MAX];
	size_t siglen = 0;
	char ebuf[256];

	if (sm2p256_sign_digest(signer->key, e, sig, &siglen) != 0)
		return err_internal(err, "sm2 sign: %s",
		    ssl_errstr(ebuf, sizeof(ebuf)));
	*sig_hex = malloc(2 * siglen + 1);
	if (*sig_hex == NULL)
		return err_internal(err, "out of memory");
	hex_encode(sig, siglen, *sig_hex);
	return 0;
}

int
sm2_sign(const char *key_path, const void *data, size_t len, char **sig_hex,
    struct err *e)
{
	struct sm2_signer *signer = NULL;
	unsigned char z[SM3_DIGEST_LEN];
	struct sm3_msg m;
	int rc;

	*sig_hex = NULL;
	rc = signing_key(key_path, &signer, e);
	if (rc != 0)
		return rc;
	sm2p256_key_z(signer->key, z);
	m = (struct sm3_msg){ .prefix = z, .prefix_len = sizeof(z),
	    .data = data, .len = len };
	if (sm3_many(&m, 1) != 0)
		rc = err_internal(e, "sm3 unavailable");
	else
		rc = sign_e(signer, m.digest, sig_hex, e);
	signer_release(signer);
	return rc;
}

int
sm2_public_pem(const char *key_path, char **public_pem, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	BIO *pub = NULL;
	int rc;

	*public_pem = NULL;
	rc = load_private(key_path, &pkey, e);
	if (rc != 0)
		return rc;
	pub = BIO_new(BIO_s_mem());
	if (pub == NULL || PEM_write_bio_PUBKEY(pub, pkey) != 1) {
		rc = err_internal(e, "sm2 public pem");
		goto out;
	}
	*public_pem = bio_to_string(pub);
	if (*public_pem == NULL)
		rc = err_internal(e, "out of memory");
out:
	BIO_free(pub);
	EVP_PKEY_free(pkey);
	return rc;
}

int
sm2_verify(const char *public_pem, const void *data, size_t len,
    const char *sig_hex, struct err *e)
{
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = NULL;
	BIO *bio = NULL;
	unsigned char sig[128];
	long siglen;
	char ebuf[256];
	int rc = 0;

	siglen = hex_decode(sig_hex, sig, sizeof(sig));
	if (siglen <= 0)
		return err_set(e, ERR_UNPROCESSABLE, "bad_signature",
		    "签名格式无效");
	bio = BIO_new_mem_buf(public_pem, -1);
	if (bio != NULL)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (pkey == NULL || !EVP_PKEY_is_a(pkey, "SM2")) {
		ssl_errstr(ebuf, sizeof(ebuf));
		rc = err_set(e, ERR_INVALID, "bad_public_key",
		    "印章公钥无效");
		goto out;
	}
	md = verify_ctx_for(pkey);
	if (md == NULL) {
		rc = err_internal(e, "sm2 verify init: %s",
		    ssl_errstr(ebuf, sizeof(ebuf)));
		goto out;
	}
	if (EVP_DigestVerify(md, sig, (size_t)siglen, data, len) != 1) {
		ERR_clear_error();
		rc = err_set(e, ERR_UNPROCESSABLE, "bad_signature",
		    "签名验证失败：文件内容与签章不符");
	}
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	BIO_free(bio);
	return rc;
}

int
sm2_signer_get(const char *key_path, struct sm2_signer **out, struct err *e)
{
	return signing_key(key_path, out, e);
}

void
sm2_signer_z(const struct sm2_signer *s, unsigned char z[SM3_DIGEST_LEN])
{
	sm2p256_key_z(s->key, z);
}

int
sm2_signer_sign_digest(const struct sm2_signer *s,
    const unsigned char digest[SM3_DIGEST_LEN], char **sig_hex,
    struct err *e)
{
	*sig_hex = NULL;
	return sign_e(s, digest, sig_hex, e);
}

void
sm2_signer_put(struct sm2_signer *s)
{
	if (s != NULL)
		signer_release(s);
}
