/* me_extra.c - mobile and window of the acting account, cached. */
#include "service/account/account.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "store/db.h"

/* Direct-mapped on the user id; an entry also remembers the window it was
 * read for, since a clerk's session may move to another window. */
#define ME_SLOTS 256

struct me_entry {
	int64_t user_id;
	int64_t window_id;
	int64_t at;
	struct me_extra x;
};

static struct me_entry me_cache[ME_SLOTS];
static pthread_mutex_t me_lock = PTHREAD_MUTEX_INITIALIZER;

void
me_extra_cache_clear(void)
{
	pthread_mutex_lock(&me_lock);
	memset(me_cache, 0, sizeof(me_cache));
	pthread_mutex_unlock(&me_lock);
}

int
me_extra_get(struct ctx *c, struct me_extra *x, struct err *e)
{
	const struct actor *a = c->actor;
	struct me_entry *m;
	struct db_stmt *s;
	int64_t now = clock_now();
	bool hit = false;
	int rc;

	memset(x, 0, sizeof(*x));
	if (a == NULL || a->user_id <= 0)
		return 0;
	m = &me_cache[(uint64_t)a->user_id % ME_SLOTS];
	pthread_mutex_lock(&me_lock);
	if (m->user_id == a->user_id && m->window_id == a->window_id &&
	    now - m->at >= 0 && now - m->at < ME_EXTRA_TTL) {
		*x = m->x;
		hit = true;
	}
	pthread_mutex_unlock(&me_lock);
	if (hit)
		return 0;

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
	pthread_mutex_lock(&me_lock);
	m->user_id = a->user_id;
	m->window_id = a->window_id;
	m->at = now;
	m->x = *x;
	pthread_mutex_unlock(&me_lock);
	return 0;
}
