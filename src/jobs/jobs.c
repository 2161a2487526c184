/* jobs.c - the job thread of `onetrip serve`, and jobs_run_once().
 *
 * One thread runs every registered job at its own interval, first right
 * after start. It sleeps on a condition variable (monotonic clock), so
 * jobs_stop() wakes it and returns as soon as the running job finishes.
 * Jobs run with the system actor on the thread's own database
 * connection, closed when the thread ends.
 *
 * Leases: with several servers on one database, each job runs on the one
 * server holding its lease (service/platform/leases.c, jobs.lease_seconds).
 * The job thread takes (or renews) a job's lease right before each run; a
 * second thread, the keeper, renews every lease this server holds each
 * third of the lease, so a long run of one job does not let the others
 * lapse. A server without a job's lease asks again every LEASE_RETRY_MS
 * (at most), so when the holder dies another server runs the job within
 * the lease plus LEASE_RETRY_MS. A stopping server finishes its run, then
 * gives its leases back. Inside a run the services' own claims and
 * transaction locks still keep two runs from doing one thing twice (a
 * server that lost its lease in the middle of a run). jobs_run_once() (the
 * CLI) takes no lease.
 *
 * Stopping: jobs_stop() raises J.stopping, which every job's ctx points at
 * (ctx_stopping()); the long loops of the jobs check it between batches, so
 * the running job ends after the batch it is in (each batch committed) and
 * a stop takes at most one batch, not a whole pass over the cases. */
#include "jobs/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"
#include "docs/pdf.h"
#include "service/case/case.h"
#include "store/db.h"

static const struct job *const all_jobs[] = {
	&job_indicator_facts,
	&job_deadline_sweeper,
	&job_document_renderer,
	&job_outbox,
	&job_rating_sweeper,
};
#define N_JOBS (sizeof(all_jobs) / sizeof(all_jobs[0]))
#define LEASE_RETRY_MS 2000.0 /* a server without a lease asks this often */
#define HOLDER_MAX 300

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread, keeper;
	bool running, keeper_running;
	bool stop, keeper_stop;
	atomic_bool stopping;   /* J.stop for the jobs' loops (ctx->stop) */
	struct app *app;
	bool held[N_JOBS];      /* this server holds the job's lease */
	char holder[HOLDER_MAX];
	int lease_ms;
} J = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static double
mono_ms(void)
{
	return clock_mono_ms();
}

/* The CLOCK_MONOTONIC instant ms milliseconds from now (at least 1). */
static void
deadline_after(double ms, struct timespec *ts)
{
	long long ns;

	if (ms < 1)
		ms = 1;
	clock_gettime(CLOCK_MONOTONIC, ts);
	ns = (long long)(ms * 1e6) + ts->tv_nsec;
	ts->tv_sec += (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
}

static void
system_ctx(struct app *app, struct actor *a, struct ctx *c)
{
	actor_system(a, "system");
	memset(c, 0, sizeof(*c));
	c->db = app->db;
	c->cfg = &app->cfg;
	c->actor = a;
	c->client_ip = "";
	c->request_id = "";
	c->arena = NULL;
	c->stop = &J.stopping;
}

static int
run_job(struct app *app, const struct job *j, struct err *e)
{
	struct actor a;
	struct ctx c;
	int rc;

	system_ctx(app, &a, &c);
	err_clear(e);
	rc = j->run(&c, e);
	if (rc < 0)
		log_warn("job %s: %s", j->name, e->msg);
	return rc;
}

/* This server's name in job_leases: host name and process id. */
static void
holder_name(char *out, size_t n)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%s:%ld", host, (long)getpid());
}

/* Takes or renews the lease of job j; false when another server holds it
 * (or the database did not answer: the job then waits for the next try). */
static bool
lease_take(struct app *app, const struct job *j, const char *holder,
    int lease_ms, bool was_held)
{
	struct actor a;
	struct ctx c;
	struct err e;
	bool held = false;

	system_ctx(app, &a, &c);
	if (joblease_take(&c, j->name, holder, lease_ms, &held, &e) != 0) {
		log_warn("job %s: lease: %s", j->name, e.msg);
		return false;
	}
	if (held && !was_held)
		log_info("job %s: lease taken by %s", j->name, holder);
	else if (!held && was_held)
		log_warn("job %s: lease lost by %s", j->name, holder);
	return held;
}

static void
lease_release(struct app *app, const char *holder)
{
	struct actor a;
	struct ctx c;
	struct err e;

	system_ctx(app, &a, &c);
	if (joblease_release(&c, holder, &e) != 0)
		log_warn("jobs: releasing the leases: %s", e.msg);
}

static void *
job_thread(void *arg)
{
	struct app *app = arg;
	double next[N_JOBS], retry_at[N_JOBS];
	double retry = J.lease_ms / 3.0 < LEASE_RETRY_MS ? J.lease_ms / 3.0 :
	    LEASE_RETRY_MS;
	struct err e;

	for (size_t i = 0; i < N_JOBS; i++)
		next[i] = retry_at[i] = 0;
	pthread_mutex_lock(&J.mu);
	while (!J.stop) {
		double now = mono_ms(), wake = now + 60000.0;
		struct timespec ts;

		for (size_t i = 0; i < N_JOBS && !J.stop; i++) {
			bool own = all_jobs[i]->every_server, held;

			if (now < (J.held[i] || own ? next[i] : retry_at[i]))
				continue;
			held = J.held[i];
			pthread_mutex_unlock(&J.mu);
			held = own || lease_take(app, all_jobs[i], J.holder,
			    J.lease_ms, held);
			if (held && mono_ms() >= next[i]) {
				int rc = run_job(app, all_jobs[i], &e);

				next[i] = mono_ms() + (rc == JOB_AGAIN ? 0 :
				    all_jobs[i]->interval_ms);
			}
			now = mono_ms();
			retry_at[i] = now + retry;
			pthread_mutex_lock(&J.mu);
			J.held[i] = held && !own; /* no lease to renew */
		}
		for (size_t i = 0; i < N_JOBS; i++) {
			double t = J.held[i] || all_jobs[i]->every_server ?
			    next[i] : retry_at[i];

			if (t < wake)
				wake = t;
		}
		if (J.stop)
			break;
		deadline_after(wake - mono_ms(), &ts);
		pthread_cond_timedwait(&J.cv, &J.mu, &ts);
	}
	pthread_mutex_unlock(&J.mu);
	/* The thread's calendar reference is released by its key destructor;
	 * the font map of the documents it rendered is released here. */
	docs_thread_fonts_release();
	db_thread_done(app->db);
	return NULL;
}

/* The keeper: renews the leases this server holds every third of the
 * lease, and gives them back when told to stop (after the job thread). */
static void *
keeper_thread(void *arg)
{
	struct app *app = arg;

	pthread_mutex_lock(&J.mu);
	while (!J.keeper_stop) {
		struct timespec ts;

		deadline_after(J.lease_ms / 3.0, &ts);
		pthread_cond_timedwait(&J.cv, &J.mu, &ts);
		if (J.keeper_stop)
			break;
		for (size_t i = 0; i < N_JOBS; i++) {
			bool held;

			if (!J.held[i])
				continue;
			pthread_mutex_unlock(&J.mu);
			held = lease_take(app, all_jobs[i], J.holder,
			    J.lease_ms, true);
			pthread_mutex_lock(&J.mu);
			/* The job thread may have renewed it meanwhile. */
			J.held[i] = J.held[i] && held;
		}
	}
	for (size_t i = 0; i < N_JOBS; i++)
		J.held[i] = false;
	pthread_mutex_unlock(&J.mu);
	lease_release(app, J.holder);
	db_thread_done(app->db);
	return NULL;
}

int
jobs_start(struct app *app, struct err *e)
{
	pthread_condattr_t ca;
	int rc;

	pthread_mutex_lock(&J.mu);
	if (J.running) {
		pthread_mutex_unlock(&J.mu);
		return err_internal(e, "jobs already running");
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_destroy(&J.cv);
	pthread_cond_init(&J.cv, &ca);
	pthread_condattr_destroy(&ca);
	J.stop = J.keeper_stop = false;
	atomic_store(&J.stopping, false);
	J.app = app;
	J.lease_ms = (int)config_int("jobs.lease_seconds") * 1000;
	holder_name(J.holder, sizeof(J.holder));
	for (size_t i = 0; i < N_JOBS; i++)
		J.held[i] = false;
	rc = pthread_create(&J.keeper, NULL, keeper_thread, app);
	if (rc != 0) {
		pthread_mutex_unlock(&J.mu);
		return err_internal(e, "pthread_create: %s", strerror(rc));
	}
	J.keeper_running = true;
	rc = pthread_create(&J.thread, NULL, job_thread, app);
	if (rc != 0) {
		J.keeper_stop = true;
		pthread_cond_broadcast(&J.cv);
		pthread_mutex_unlock(&J.mu);
		pthread_join(J.keeper, NULL);
		pthread_mutex_lock(&J.mu);
		J.keeper_running = false;
		pthread_mutex_unlock(&J.mu);
		return err_internal(e, "pthread_create: %s", strerror(rc));
	}
	J.running = true;
	pthread_mutex_unlock(&J.mu);
	log_info("jobs: started (%zu jobs)", N_JOBS);
	return 0;
}

void
jobs_stop(void)
{
	pthread_t t;

	pthread_mutex_lock(&J.mu);
	if (!J.running) {
		pthread_mutex_unlock(&J.mu);
		return;
	}
	J.stop = true;
	atomic_store(&J.stopping, true);
	pthread_cond_broadcast(&J.cv);
	t = J.thread;
	pthread_mutex_unlock(&J.mu);
	pthread_join(t, NULL);
	/* Only now that no job runs here: the keeper gives the leases back. */
	pthread_mutex_lock(&J.mu);
	J.keeper_stop = true;
	pthread_cond_broadcast(&J.cv);
	t = J.keeper;
	pthread_mutex_unlock(&J.mu);
	pthread_join(t, NULL);
	pthread_mutex_lock(&J.mu);
	J.running = J.keeper_running = false;
	J.app = NULL;
	pthread_mutex_unlock(&J.mu);
}

int
jobs_run_once(struct app *app, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; i < N_JOBS; i++) {
		struct err je;

		if (run_job(app, all_jobs[i], &je) < 0 && rc == 0) {
			*e = je;
			rc = -(int)(je.code != ERR_NONE ? je.code :
			    ERR_INTERNAL);
		}
	}
	return rc;
}
