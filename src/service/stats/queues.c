/* queues.c - queue depths and lags for GET /metrics: the document
 * backlog, the outbox backlog and its dead letters, the deadline warnings
 * raised, and how far behind the renderer and the outbox are (the age of
 * the oldest item waiting). Operational counts only: no case, no person. */
#include "service/stats/stats.h"

#include "base/clock.h"
#include "store/db.h"

int
stats_queues(struct ctx *c, struct stats_queues *q, struct err *e)
{
	struct db_stmt *s;
	int64_t now = clock_now();
	int rc;

	s = db_query(c->db, e, "SELECT "
	    "(SELECT COUNT(*) FROM documents WHERE status IN ('pending', 'rendering')), "
	    "(SELECT COUNT(*) FROM documents WHERE status = 'failed'), "
	    "(SELECT COALESCE(MIN(created_at), 0) FROM documents WHERE status IN ('pending', 'rendering')), "
	    "(SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL), "
	    "(SELECT COUNT(*) FROM outbox WHERE dead_at IS NOT NULL), "
	    "(SELECT COALESCE(MIN(next_attempt_at), 0) FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL), "
	    "(SELECT COUNT(*) FROM case_warnings)", "");
	if (s == NULL)
		return err_rc(e);
	rc = db_step(s, e);
	if (rc == DB_ROW) {
		q->documents_pending = db_col_int(s, 0);
		q->documents_failed = db_col_int(s, 1);
		q->renderer_lag_s = db_col_int(s, 2) > 0 ?
		    now - db_col_int(s, 2) : 0;
		q->outbox_pending = db_col_int(s, 3);
		q->outbox_dead = db_col_int(s, 4);
		q->outbox_lag_s = db_col_int(s, 5) > 0 && db_col_int(s, 5) < now ?
		    now - db_col_int(s, 5) : 0;
		q->warnings = db_col_int(s, 6);
		if (q->renderer_lag_s < 0)
			q->renderer_lag_s = 0;
	}
	db_finish(s);
	return rc < 0 ? rc : 0;
}
