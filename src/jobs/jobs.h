/* jobs.h - background work of `onetrip serve` (jobs/jobs.c).
 *
 * One thread runs the registered jobs, each at its own interval: the
 * indicators' facts (first, so that the scoreboard is ready soon after a
 * start), the deadline sweeper (warnings, supplement time-outs), the
 * document renderer, the outbox deliverer, the rating sweeper. With several servers on one PostgreSQL database each
 * job runs on the server holding its lease (job_leases, jobs.c), the work
 * inside takes transaction-scoped advisory locks (db_tx_lock) and claims,
 * and every effect is idempotent (unique keys), so a job run twice never
 * warns twice. */
#ifndef ONETRIP_JOBS_JOBS_H
#define ONETRIP_JOBS_JOBS_H

#include "base/err.h"
#include "service/platform/platform.h"

struct app;

/* A job's run() left work undone: the job thread runs it again as soon
 * as the other due jobs have had their turn, not after its interval. */
#define JOB_AGAIN 1

struct job {
	const char *name;
	int interval_ms;
	/* Does one round of work with a system actor; returns 0, JOB_AGAIN
	 * when it stopped with work left (a backlog worked off in slices),
	 * or -ERR_*. */
	int (*run)(struct ctx *c, struct err *e);
	/* Runs on every server, without a lease: its work is the process's
	 * own (a cache), and what it writes is idempotent. */
	bool every_server;
};

/* Starts the job thread. */
int jobs_start(struct app *app, struct err *e);
/* Asks the thread to stop and joins it. */
void jobs_stop(void);
/* Runs every job once, now, on the calling thread (CLI and tests). */
int jobs_run_once(struct app *app, struct err *e);

/* The jobs, each defined in its own module. */
extern const struct job job_deadline_sweeper;  /* jobs/sweeper.c */
extern const struct job job_document_renderer; /* jobs/renderer.c */
extern const struct job job_outbox;            /* jobs/outbox.c */
extern const struct job job_rating_sweeper;    /* jobs/rating.c */
extern const struct job job_indicator_facts;   /* jobs/indicators.c */

#endif
