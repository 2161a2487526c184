/* compress.c - gzip (zlib) and brotli response bodies for clients that
 * accept them: JSON compressed per response at a fast level, static files
 * compressed once at the highest useful level and kept in one table keyed
 * by path, size and modification time (hashed assets never change). */
#include "http/http_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <brotli/encode.h>
#include <zlib.h>

#define COMPRESS_MIN 1024                 /* smaller bodies gain nothing */
#define STATIC_MAX ((size_t)8 << 20)      /* larger static files go as they are */
#define TABLE_SLOTS 512
#define TABLE_BYTES ((size_t)64 << 20)    /* compressed bytes kept at most */

bool
http_compressible(const char *ctype)
{
	return ctype != NULL && (strncmp(ctype, "text/", 5) == 0 ||
	    strncmp(ctype, "application/json", 16) == 0 ||
	    strncmp(ctype, "application/javascript", 22) == 0 ||
	    strncmp(ctype, "image/svg+xml", 13) == 0);
}

enum http_encoding
http_pick_encoding(const char *accept)
{
	const char *p;

	if (accept == NULL)
		return ENC_IDENTITY;
	/* Tokens only; a q=0 refusal is rare enough to be taken as no. */
	p = strstr(accept, "br");
	if (p != NULL && (p == accept || p[-1] == ' ' || p[-1] == ',') &&
	    strncmp(p + 2, ";q=0", 4) != 0)
		return ENC_BR;
	p = strstr(accept, "gzip");
	if (p != NULL && strncmp(p + 4, ";q=0", 4) != 0)
		return ENC_GZIP;
	return ENC_IDENTITY;
}

/* Compresses in into a new malloc'd buffer; NULL when it would not shrink. */
void *
http_compress(enum http_encoding enc, const void *in, size_t len, bool best,
    size_t *outlen)
{
	unsigned char *out;
	size_t cap;

	if (len < COMPRESS_MIN)
		return NULL;
	if (enc == ENC_BR) {
		cap = BrotliEncoderMaxCompressedSize(len);
		if (cap == 0 || (out = malloc(cap)) == NULL)
			return NULL;
		*outlen = cap;
		if (BrotliEncoderCompress(best ? 11 : 4, BROTLI_DEFAULT_WINDOW,
		    BROTLI_MODE_TEXT, len, in, outlen, out) != BROTLI_TRUE ||
		    *outlen >= len) {
			free(out);
			return NULL;
		}
		return out;
	}
	if (enc == ENC_GZIP) {
		z_stream z;

		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, best ? 9 : 5, Z_DEFLATED, 31, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		cap = deflateBound(&z, len);
		out = malloc(cap);
		if (out == NULL) {
			deflateEnd(&z);
			return NULL;
		}
		z.next_in = (unsigned char *)(uintptr_t)in;
		z.avail_in = (uInt)len;
		z.next_out = out;
		z.avail_out = (uInt)cap;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END || z.total_out >= len) {
			deflateEnd(&z);
			free(out);
			return NULL;
		}
		*outlen = z.total_out;
		deflateEnd(&z);
		return out;
	}
	return NULL;
}

struct entry {
	char *path;
	uint64_t size;
	int64_t mtime_ns;
	enum http_encoding enc;
	void *data;                /* NULL: does not shrink */
	size_t len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry table[TABLE_SLOTS];
static size_t nentries, table_bytes;

/* The compressed form of an open static file, as a copy the caller frees;
 * NULL when not worth it. Computed once per (path, size, mtime, enc). */
void *
http_static_compressed(const char *path, int fd, uint64_t size,
    enum http_encoding enc, size_t *outlen)
{
	struct stat st;
	int64_t mt;
	void *raw, *z, *copy = NULL;
	size_t zlen = 0;

	if (size < COMPRESS_MIN || size > STATIC_MAX || fstat(fd, &st) != 0)
		return NULL;
	mt = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nentries; i++) {
		struct entry *en = &table[i];

		if (en->enc == enc && en->size == size && en->mtime_ns == mt &&
		    strcmp(en->path, path) == 0) {
			if (en->data != NULL && (copy = malloc(en->len)) != NULL) {
				memcpy(copy, en->data, en->len);
				*outlen = en->len;
			}
			pthread_mutex_unlock(&lock);
			return copy;
		}
	}
	pthread_mutex_unlock(&lock);
	raw = malloc((size_t)size);
	if (raw == NULL)
		return NULL;
	if (pread(fd, raw, (size_t)size, 0) != (ssize_t)size) {
		free(raw);
		return NULL;
	}
	z = http_compress(enc, raw, (size_t)size, true, &zlen);
	free(raw);
	pthread_mutex_lock(&lock);
	if (nentries < TABLE_SLOTS && table_bytes + zlen <= TABLE_BYTES) {
		struct entry *en = &table[nentries];

		en->path = strdup(path);
		if (en->path != NULL) {
			en->size = size;
			en->mtime_ns = mt;
			en->enc = enc;
			en->data = z;
			en->len = zlen;
			table_bytes += zlen;
			nentries++;
			if (z != NULL && (copy = malloc(zlen)) != NULL) {
				memcpy(copy, z, zlen);
				*outlen = zlen;
			}
			z = NULL;
		}
	}
	pthread_mutex_unlock(&lock);
	if (z != NULL) {
		copy = z;
		*outlen = zlen;
	}
	return copy;
}
