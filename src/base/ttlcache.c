#include "base/ttlcache.h"

#include <string.h>

#include "base/alloc.h"
#include "base/clock.h"

struct slot_head {
	bool used;
	unsigned char keylen;
	int64_t at;
	unsigned char key[TTL_CACHE_KEY_MAX];
};

/* Slot size, the value aligned after the header. */
static size_t
slot_size(const struct ttl_cache *c)
{
	size_t v = (c->value_size + 15) & ~(size_t)15;

	return ((sizeof(struct slot_head) + 15) & ~(size_t)15) + v;
}

static unsigned char *
memory(struct ttl_cache *c)
{
	unsigned char *m = atomic_load_explicit(&c->mem, memory_order_acquire);

	if (m != NULL)
		return m;
	pthread_mutex_lock(&c->init_lock);
	m = atomic_load_explicit(&c->mem, memory_order_relaxed);
	if (m == NULL) {
		m = xcalloc(c->slots, slot_size(c));
		atomic_store_explicit(&c->mem, m, memory_order_release);
	}
	pthread_mutex_unlock(&c->init_lock);
	return m;
}

/* FNV-1a over the key. */
static unsigned
slot_of(const struct ttl_cache *c, const void *key, size_t keylen)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < keylen; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return (unsigned)(h ^ (h >> 32)) & (c->slots - 1);
}

static struct slot_head *
head_at(struct ttl_cache *c, unsigned i)
{
	return (struct slot_head *)(memory(c) + (size_t)i * slot_size(c));
}

static void *
value_of(struct ttl_cache *c, struct slot_head *h)
{
	(void)c;
	return (unsigned char *)h + ((sizeof(*h) + 15) & ~(size_t)15);
}

static pthread_mutex_t *
lock_of(struct ttl_cache *c, unsigned i)
{
	return &c->stripes[i % TTL_CACHE_STRIPES];
}

static bool
same_key(const struct slot_head *h, const void *key, size_t keylen)
{
	return h->used && h->keylen == keylen && memcmp(h->key, key, keylen) == 0;
}

bool
ttl_cache_get(struct ttl_cache *c, const void *key, size_t keylen, void *out)
{
	unsigned i = slot_of(c, key, keylen);
	struct slot_head *h;
	int64_t now = clock_now();
	bool hit = false;

	if (keylen > TTL_CACHE_KEY_MAX)
		return false;
	h = head_at(c, i);
	pthread_mutex_lock(lock_of(c, i));
	if (same_key(h, key, keylen)) {
		if (now - h->at >= 0 && now - h->at < c->ttl_seconds) {
			memcpy(out, value_of(c, h), c->value_size);
			hit = true;
		} else {
			h->used = false;
		}
	}
	pthread_mutex_unlock(lock_of(c, i));
	return hit;
}

uint64_t
ttl_cache_generation(struct ttl_cache *c)
{
	return atomic_load(&c->gen);
}

void
ttl_cache_put(struct ttl_cache *c, const void *key, size_t keylen,
    const void *value, uint64_t gen)
{
	unsigned i = slot_of(c, key, keylen);
	struct slot_head *h;

	if (keylen > TTL_CACHE_KEY_MAX)
		return;
	h = head_at(c, i);
	pthread_mutex_lock(lock_of(c, i));
	if (atomic_load(&c->gen) == gen) {
		h->used = true;
		h->keylen = (unsigned char)keylen;
		memcpy(h->key, key, keylen);
		h->at = clock_now();
		memcpy(value_of(c, h), value, c->value_size);
	}
	pthread_mutex_unlock(lock_of(c, i));
}

void
ttl_cache_update(struct ttl_cache *c, const void *key, size_t keylen,
    void (*fn)(void *value, void *arg), void *arg)
{
	unsigned i = slot_of(c, key, keylen);
	struct slot_head *h;

	if (keylen > TTL_CACHE_KEY_MAX)
		return;
	h = head_at(c, i);
	pthread_mutex_lock(lock_of(c, i));
	if (same_key(h, key, keylen))
		fn(value_of(c, h), arg);
	pthread_mutex_unlock(lock_of(c, i));
}

void
ttl_cache_forget(struct ttl_cache *c, const void *key, size_t keylen)
{
	unsigned i = slot_of(c, key, keylen);
	struct slot_head *h;

	atomic_fetch_add(&c->gen, 1);
	if (keylen > TTL_CACHE_KEY_MAX)
		return;
	h = head_at(c, i);
	pthread_mutex_lock(lock_of(c, i));
	if (same_key(h, key, keylen))
		h->used = false;
	pthread_mutex_unlock(lock_of(c, i));
}

void
ttl_cache_forget_if(struct ttl_cache *c,
    bool (*match)(const void *value, void *arg), void *arg)
{
	atomic_fetch_add(&c->gen, 1);
	for (unsigned i = 0; i < c->slots; i++) {
		struct slot_head *h = head_at(c, i);

		pthread_mutex_lock(lock_of(c, i));
		if (h->used && (match == NULL || match(value_of(c, h), arg)))
			h->used = false;
		pthread_mutex_unlock(lock_of(c, i));
	}
}
