/* outbox.c - job_outbox: delivers queued messages (SMS).
 *
 * There is no SMS gateway yet: a message is delivered by appending one JSON
 * line to <var>/sms-outbox.log. Delivery is at least once: a batch is
 * claimed (attempts + 1, next attempt pushed past a lease) in one
 * transaction, written outside it, then marked delivered; a crash in
 * between redelivers after the lease. A failed write is retried with
 * exponential back-off (30 s doubling, at most 6 h) and its error kept. */
#include "jobs/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/db.h"

#define OUTBOX_BATCH 100
#define OUTBOX_LEASE_S 120
#define OUTBOX_BACKOFF_S 30
#define OUTBOX_BACKOFF_MAX_S (6 * 3600)
#define OUTBOX_LOCK INT64_C(0x6f6e657472690223)

struct msg {
	int64_t id;
	int attempts;
	char *recipient;
	char *payload;
};

struct claim_tx {
	struct msg *m;
	size_t n;
	int64_t now;
};

static void
msgs_free(struct msg *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].recipient);
		free(m[i].payload);
	}
}

static int
claim_fn(struct db *db, void *arg, struct err *e)
{
	struct claim_tx *t = arg;
	struct db_stmt *s;
	int rc;

	msgs_free(t->m, t->n); /* a retried transaction starts over */
	t->n = 0;
	rc = db_tx_lock(db, OUTBOX_LOCK, e);
	if (rc != 0)
		return rc;
	s = db_query(db, e, "SELECT id, attempts, recipient, payload FROM outbox "
	    "WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY "
	    "next_attempt_at, id LIMIT ?", "iI", t->now, OUTBOX_BATCH);
	if (s == NULL)
		return e->code != ERR_NONE ? -(int)e->code : -ERR_INTERNAL;
	while ((rc = db_step(s, e)) == DB_ROW) {
		struct msg *m = &t->m[t->n];

		m->id = db_col_int(s, 0);
		m->attempts = (int)db_col_int(s, 1) + 1;
		m->recipient = strdup(db_col_text(s, 2));
		m->payload = strdup(db_col_text(s, 3));
		t->n++;
		if (m->recipient == NULL || m->payload == NULL) {
			db_finish(s);
			return err_internal(e, "outbox: out of memory");
		}
	}
	db_finish(s);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < t->n; i++) {
		rc = db_exec(db, e, "UPDATE outbox SET attempts = ?, "
		    "next_attempt_at = ? WHERE id = ?", "Iii", t->m[i].attempts,
		    t->now + OUTBOX_LEASE_S, t->m[i].id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Appends one line for m to the log; 0 or -1 with errno's text in err. */
static int
write_line(const char *path, const struct msg *m, int64_t now, char *err,
    size_t errlen)
{
	json_t *payload, *line;
	const char *body = NULL;
	char *text = NULL;
	char at[11];
	size_t len, off = 0;
	int fd, rc = -1;

	payload = json_loads(m->payload, 0, NULL);
	clock_date(now, at);
	if (payload != NULL)
		body = json_string_value(json_object_get(payload, "text"));
	line = json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)m->id,
	    "to", m->recipient, "text", body != NULL ? body : "", "date", at,
	    "at", (json_int_t)now);
	json_decref(payload);
	if (line != NULL)
		text = json_dumps(line, JSON_COMPACT);
	json_decref(line);
	if (text == NULL) {
		snprintf(err, errlen, "cannot encode message");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "open sms-outbox.log: %s", strerror(errno));
		goto out;
	}
	/* The terminating NUL becomes the newline: one write per line. */
	len = strlen(text);
	text[len++] = '\n';
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "write sms-outbox.log: %s",
			    strerror(errno));
			close(fd);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "sync sms-outbox.log: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

static int64_t
backoff(int attempts)
{
	int64_t d = OUTBOX_BACKOFF_S;

	for (int i = 1; i < attempts && d < OUTBOX_BACKOFF_MAX_S; i++)
		d *= 2;
	return d < OUTBOX_BACKOFF_MAX_S ? d : OUTBOX_BACKOFF_MAX_S;
}

struct mark_tx {
	const struct msg *m;
	const char *error; /* NULL: delivered */
	int64_t now;
};

static int
mark_fn(struct db *db, void *arg, struct err *e)
{
	struct mark_tx *t = arg;

	if (t->error == NULL)
		return db_exec(db, e, "UPDATE outbox SET delivered_at = ?, "
		    "last_error = NULL WHERE id = ?", "ii", t->now, t->m->id);
	return db_exec(db, e, "UPDATE outbox SET last_error = ?, "
	    "next_attempt_at = ? WHERE id = ? AND delivered_at IS NULL", "sii",
	    t->error, t->now + backoff(t->m->attempts), t->m->id);
}

static int
outbox_run(struct ctx *c, struct err *e)
{
	struct msg m[OUTBOX_BATCH];
	struct claim_tx t;
	char path[4096], why[512];
	const char *var;
	int rc, failed = 0;

	var = c->cfg != NULL && c->cfg->var_dir != NULL ? c->cfg->var_dir :
	    "var";
	if ((size_t)snprintf(path, sizeof(path), "%s/sms-outbox.log", var) >=
	    sizeof(path))
		return err_internal(e, "outbox: var path too long");
	memset(m, 0, sizeof(m));
	t.m = m;
	t.n = 0;
	t.now = clock_now();
	rc = db_tx(c->db, claim_fn, &t, e);
	if (rc != 0) {
		msgs_free(m, t.n);
		return rc;
	}
	for (size_t i = 0; i < t.n; i++) {
		struct mark_tx mt = { &m[i], NULL, clock_now() };
		struct err me;

		if (write_line(path, &m[i], mt.now, why, sizeof(why)) != 0) {
			mt.error = why;
			failed++;
			log_warn("outbox: message %" PRId64 " not delivered "
			    "(attempt %d): %s", m[i].id, m[i].attempts, why);
		}
		err_clear(&me);
		if (db_tx(c->db, mark_fn, &mt, &me) != 0)
			log_warn("outbox: message %" PRId64 " not marked: %s",
			    m[i].id, me.msg);
	}
	msgs_free(m, t.n);
	if (failed > 0)
		return err_set(e, ERR_BUSY, "outbox_failed",
		    "%d 条短信发送失败，将稍后重试", failed);
	return 0;
}

const struct job job_outbox = { "outbox", 5000, outbox_run };
