/* ttlcache.h - the one in-process cache of the program.
 *
 * A fixed number of slots, direct-mapped on a hash of the key, each holding
 * a copy of a fixed-size value for at most ttl_seconds: bounded by
 * construction, no allocation after the first use, a hit costs a hash, one
 * striped mutex and a copy. A value older than its TTL is read again from
 * the database, so a change made by another server shows within the TTL;
 * changes made here call ttl_cache_forget*() at once.
 *
 * A cache is a static variable, initialised with TTL_CACHE_INIT:
 *
 *   static struct ttl_cache dept_names = TTL_CACHE_INIT("dept_names", 64,
 *       sizeof(struct dept_name), 60);
 *
 * Lost updates: a reader that loaded a value from the database must not put
 * it after a forget that happened meanwhile (a logout). Take
 * ttl_cache_generation() before reading and pass it to ttl_cache_put(),
 * which then stores nothing if any forget came in between. */
#ifndef ONETRIP_BASE_TTLCACHE_H
#define ONETRIP_BASE_TTLCACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TTL_CACHE_KEY_MAX 72
#define TTL_CACHE_STRIPES 32

struct ttl_cache {
	const char *name;
	unsigned slots;          /* a power of two */
	size_t value_size;
	int ttl_seconds;
	/* private */
	_Atomic(unsigned char *) mem;
	pthread_mutex_t init_lock;
	pthread_mutex_t stripes[TTL_CACHE_STRIPES];
	atomic_uint_fast64_t gen;
};

#define TTL_CACHE_M_ PTHREAD_MUTEX_INITIALIZER
#define TTL_CACHE_M8_ TTL_CACHE_M_, TTL_CACHE_M_, TTL_CACHE_M_, TTL_CACHE_M_, \
	TTL_CACHE_M_, TTL_CACHE_M_, TTL_CACHE_M_, TTL_CACHE_M_
#define TTL_CACHE_INIT(name_, slots_, value_size_, ttl_) { \
	(name_), (slots_), (value_size_), (ttl_), NULL, TTL_CACHE_M_, \
	{ TTL_CACHE_M8_, TTL_CACHE_M8_, TTL_CACHE_M8_, TTL_CACHE_M8_ }, 0 }

/* Copies the value of key into out when present and younger than the TTL. */
bool ttl_cache_get(struct ttl_cache *c, const void *key, size_t keylen,
    void *out);
/* The current generation (see above). */
uint64_t ttl_cache_generation(struct ttl_cache *c);
/* Stores a copy of value under key, unless a forget happened since gen. */
void ttl_cache_put(struct ttl_cache *c, const void *key, size_t keylen,
    const void *value, uint64_t gen);
/* Changes the cached value of key in place, if it is there (fn runs under
 * the slot's lock and must be short). */
void ttl_cache_update(struct ttl_cache *c, const void *key, size_t keylen,
    void (*fn)(void *value, void *arg), void *arg);
/* Drops key. */
void ttl_cache_forget(struct ttl_cache *c, const void *key, size_t keylen);
/* Drops every value for which match(value, arg) is true; every value when
 * match is NULL. */
void ttl_cache_forget_if(struct ttl_cache *c,
    bool (*match)(const void *value, void *arg), void *arg);

#endif
