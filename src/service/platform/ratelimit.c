/* ratelimit.c - how often one client may call a public route that looks
 * something up (the progress look-up, the password-recovery code).
 *
 * A fixed window per (bucket, key) held in the one TTL cache: the first call
 * of a window stores a counter that lives RATE_WINDOW_S seconds; each later
 * call of that window adds one. Per server: with several servers behind the
 * balancer a client gets at most that many times the limit, still far below
 * what guessing codes needs. */
#include "service/platform/platform.h"

#include <stdio.h>
#include <string.h>

#include "base/ttlcache.h"

#define RATE_WINDOW_S 60

struct rate_slot {
	int count;
};

static struct ttl_cache rate_cache = TTL_CACHE_INIT("rate_limit", 1024,
    sizeof(struct rate_slot), RATE_WINDOW_S);

static void
bump(void *value, void *arg)
{
	struct rate_slot *s = value;
	int *out = arg;

	s->count++;
	*out = s->count;
}

int
platform_rate_take(const char *bucket, const char *key, int limit,
    struct err *e)
{
	char k[TTL_CACHE_KEY_MAX];
	struct rate_slot slot;
	int n = 0;
	int len;

	len = snprintf(k, sizeof(k), "%s|%s", bucket, key != NULL ? key : "");
	if (len < 0)
		return err_internal(e, "rate limit key");
	if ((size_t)len >= sizeof(k))
		len = (int)sizeof(k) - 1;
	if (ttl_cache_get(&rate_cache, k, (size_t)len, &slot)) {
		ttl_cache_update(&rate_cache, k, (size_t)len, bump, &n);
		if (n == 0)
			n = slot.count + 1;
	} else {
		slot.count = 1;
		n = 1;
		ttl_cache_put(&rate_cache, k, (size_t)len, &slot,
		    ttl_cache_generation(&rate_cache));
	}
	if (n > limit)
		return err_set(e, ERR_LOCKED, "rate_limited",
		    "操作过于频繁，请一分钟后再试");
	return 0;
}
