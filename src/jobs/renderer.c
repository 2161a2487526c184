/* renderer.c - the background job that turns pending case documents into
 * sealed PDFs (service/documents.c does the work). */
#include "jobs/jobs.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "docs/pdf.h"
#include "service/records/records.h"
#include "store/db.h"

#define RENDER_BATCH 20      /* documents claimed per transaction round */
#define RENDER_SLICE_MS 2000 /* a backlog is drained in slices this long, so
                              * that the other jobs still get their turn */
#define RENDER_THREADS_MAX 4 /* threads sharing a backlog */
/* The niceness of the threads working a backlog. Documents are background
 * work: under a peak of requests the cores go to the requests first, and
 * the documents take what is left (at nice 10 a thread still gets about a
 * tenth of a core that requests keep busy), their backlog draining when
 * the peak passes. Measured with bench/docs.sh: window lives with the
 * renderer in the server 307 -> 392/s (means of three runs), the longest
 * wait for a document 3 -> 5 s (bench/README.md). */
#define RENDER_NICE 10

/* One thread's share of a backlog: the documents whose id % shards ==
 * shard, until the slice ends or the share is done. */
struct share {
	struct ctx c;
	int shard, shards;
	double until;
	int done, rc;
	bool more; /* the slice ended with the share not done */
	struct err e;
};

static void
drain(struct share *s)
{
	int done;

	do {
		done = 0;
		s->rc = documents_render_shard(&s->c, RENDER_BATCH, s->shard,
		    s->shards, &done, &s->e);
		s->done += done;
	} while (s->rc == 0 && done == RENDER_BATCH &&
	    clock_mono_ms() < s->until && !ctx_stopping(&s->c));
	s->more = s->rc == 0 && done == RENDER_BATCH;
}

static void *
helper_main(void *arg)
{
	struct share *s = arg;

	/* This thread only (Linux: a thread's niceness is its own); an
	 * unprivileged process could not raise it back, hence threads of
	 * their own for the backlog. */
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), RENDER_NICE) != 0)
		log_debug("renderer: niceness unchanged");
	drain(s);
	docs_thread_fonts_release();
	db_thread_done(s->c.db);
	return NULL;
}

static int
render_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > RENDER_THREADS_MAX ? RENDER_THREADS_MAX : (int)n;
}

static int
run(struct ctx *c, struct err *e)
{
	struct share sh[RENDER_THREADS_MAX];
	pthread_t t[RENDER_THREADS_MAX];
	double t0 = clock_mono_ms();
	bool started[RENDER_THREADS_MAX] = { false };
	int done = 0, total, n, rc;
	bool more = false;

	rc = documents_render_pending(c, RENDER_BATCH, &done, e);
	total = done;
	if (rc != 0 || done < RENDER_BATCH)
		goto out;
	/* A backlog (at peaks, hundreds of case lives a second make two or
	 * three documents each): the cores share it for the rest of the
	 * slice, a thread per core, each its own documents, at RENDER_NICE. */
	n = render_threads();
	for (int i = 0; i < n; i++) {
		sh[i] = (struct share){ .c = *c, .shard = i, .shards = n,
		    .until = t0 + RENDER_SLICE_MS };
		sh[i].c.arena = NULL;
		err_clear(&sh[i].e);
		started[i] = pthread_create(&t[i], NULL, helper_main,
		    &sh[i]) == 0;
	}
	/* A share whose thread did not start: this one works it. */
	for (int i = 0; i < n; i++)
		if (!started[i])
			drain(&sh[i]);
	for (int i = 0; i < n; i++)
		if (started[i])
			pthread_join(t[i], NULL);
	for (int i = 0; i < n; i++) {
		total += sh[i].done;
		more = more || sh[i].more;
		if (rc == 0 && sh[i].rc != 0) {
			rc = sh[i].rc;
			*e = sh[i].e;
		}
	}
out:
	if (total > 0)
		log_debug("renderer: %d document(s) ready", total);
	/* A backlog left at the end of the slice: the next one starts as
	 * soon as the other jobs have run (no interval's pause). */
	return rc == 0 && more && !ctx_stopping(c) ? JOB_AGAIN : rc;
}

const struct job job_document_renderer = { "document_renderer", 500, run, false };
