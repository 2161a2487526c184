/* jobs.c - the job thread of `onetrip serve`, and jobs_run_once().
 *
 * One thread runs every registered job at its own interval, first right
 * after start. It sleeps on a condition variable (monotonic clock), so
 * jobs_stop() wakes it and returns as soon as the running job finishes.
 * Jobs run with the system actor on the thread's own database
 * connection, closed when the thread ends. */
#include "jobs/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "base/clock.h"
#include "base/log.h"
#include "docs/pdf.h"
#include "service/case/case.h"
#include "store/db.h"

static const struct job *const all_jobs[] = {
	&job_deadline_sweeper,
	&job_document_renderer,
	&job_outbox,
	&job_rating_sweeper,
};
#define N_JOBS (sizeof(all_jobs) / sizeof(all_jobs[0]))

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running;
	bool stop;
	struct app *app;
} J = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false,
	false, NULL };

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

static int
run_job(struct app *app, const struct job *j, struct err *e)
{
	struct actor a;
	struct ctx c;
	int rc;

	actor_system(&a, "system");
	memset(&c, 0, sizeof(c));
	c.db = app->db;
	c.cfg = &app->cfg;
	c.actor = &a;
	c.client_ip = "";
	c.request_id = "";
	c.arena = NULL;
	err_clear(e);
	rc = j->run(&c, e);
	if (rc != 0)
		log_warn("job %s: %s", j->name, e->msg);
	return rc;
}

static void *
job_thread(void *arg)
{
	struct app *app = arg;
	double next[N_JOBS];
	struct err e;

	for (size_t i = 0; i < N_JOBS; i++)
		next[i] = 0;
	pthread_mutex_lock(&J.mu);
	while (!J.stop) {
		double now = mono_ms(), wake = now + 60000.0;
		struct timespec ts;

		for (size_t i = 0; i < N_JOBS && !J.stop; i++) {
			if (now < next[i])
				continue;
			pthread_mutex_unlock(&J.mu);
			run_job(app, all_jobs[i], &e);
			pthread_mutex_lock(&J.mu);
			now = mono_ms();
			next[i] = now + all_jobs[i]->interval_ms;
		}
		for (size_t i = 0; i < N_JOBS; i++)
			if (next[i] < wake)
				wake = next[i];
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
	J.stop = false;
	J.app = app;
	rc = pthread_create(&J.thread, NULL, job_thread, app);
	if (rc != 0) {
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
	pthread_cond_broadcast(&J.cv);
	t = J.thread;
	pthread_mutex_unlock(&J.mu);
	pthread_join(t, NULL);
	pthread_mutex_lock(&J.mu);
	J.running = false;
	J.app = NULL;
	pthread_mutex_unlock(&J.mu);
}

int
jobs_run_once(struct app *app, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; i < N_JOBS; i++) {
		struct err je;

		if (run_job(app, all_jobs[i], &je) != 0 && rc == 0) {
			*e = je;
			rc = -(int)(je.code != ERR_NONE ? je.code :
			    ERR_INTERNAL);
		}
	}
	return rc;
}
