/* me_extra.c - mobile and window of the acting account, cached. */
#include "service/account/account.h"

#include <stdio.h>
#include <string.h>

#include "base/ttlcache.h"
#include "store/db.h"

/* Keyed by user and window: a clerk's session may move to another window. */
#define ME_SLOTS 256

struct me_key {
	int64_t user_id, window_id;
};

static struct ttl_cache me_cache = TTL_CACHE_INIT("me_extra", ME_SLOTS,
    sizeof(struct me_extra), ME_EXTRA_TTL);

void
me_extra_cache_clear(void)
{
	ttl_cache_forget_if(&me_cache, NULL, NULL);
}

int
me_extra_get(struct ctx *c, struct me_extra *x, struct err *e)
{
	const struct actor *a = c->actor;
	struct me_key k;
	struct db_stmt *s;
	uint64_t gen;
	int rc;

	memset(x, 0, sizeof(*x));
	if (a == NULL || a->user_id <= 0)
		return 0;
	memset(&k, 0, sizeof(k));
	k.user_id = a->user_id;
	k.window_id = a->window_id;
	if (ttl_cache_get(&me_cache, &k, sizeof(k), x))
		return 0;
	gen = ttl_cache_generation(&me_cache);
	s = db_query(c->db, e, "SELECT u.mobile, w.name, w.number FROM users u "
	    "LEFT JOIN windows w ON w.id = ? WHERE u.id = ?", "ii",
	    a->window_id, a->user_id);
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		snprintf(x->mobile, sizeof(x->mobile), "%s", db_col_text(s, 0));
		snprintf(x->window_name, sizeof(x->window_name), "%s",
		    db_col_text(s, 1));
		snprintf(x->window_number, sizeof(x->window_number), "%s",
		    db_col_text(s, 2));
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	ttl_cache_put(&me_cache, &k, sizeof(k), x, gen);
	return 0;
}
