/* outbox.c - job_outbox: delivers the outbox (service/platform/outbox.c).
 *
 * SMS: there is no SMS gateway yet; a message is delivered by appending one
 * JSON line to <var>/sms-outbox.log.
 * Uploads (好差评 records for the provincial system): an HTTP POST of the
 * JSON payload to the setting rating.upload_url with libcurl, the header
 * Idempotency-Key and a time-out of outbox.timeout_seconds; any 2xx answer
 * is delivery. Without a URL the record is appended to
 * <var>/rating-upload.log instead.
 *
 * The job only calls service functions: outbox_claim() leases a batch,
 * each message is delivered outside any transaction, outbox_mark() records
 * the outcome (retry with growing back-off, dead letter after
 * outbox.max_attempts). A crash between delivery and mark redelivers the
 * same key after the lease. A stopping server (ctx_stopping()) delivers no
 * further message of its batch and gives the rest back (outbox_release):
 * the next server to run sends them at once, not after the lease. */
#include "jobs/jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "app.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/log.h"

#define OUTBOX_BATCH 20
#define OUTBOX_ERR_MAX 512

/* Appends text and a newline to path with one write, then syncs. */
static int
append_line(const char *path, char *text, char *err, size_t errlen)
{
	size_t len, off = 0;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	/* The terminating NUL becomes the newline: one write per line. */
	len = strlen(text);
	text[len++] = '\n';
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "write %s: %s", path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		snprintf(err, errlen, "sync %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int
deliver_sms(const char *var, const struct outbox_msg *m, char *err,
    size_t errlen)
{
	json_t *payload, *line;
	const char *body = NULL;
	char *text = NULL, path[4096], at[11];
	int64_t now = clock_now();
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/sms-outbox.log", var) >=
	    sizeof(path)) {
		snprintf(err, errlen, "var path too long");
		return -1;
	}
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
	rc = append_line(path, text, err, errlen);
	free(text);
	return rc;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The answer's body is not needed: count and drop it. */
static size_t
drop_body(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

static int
post_json(const char *url, const struct outbox_msg *m, char *err,
    size_t errlen)
{
	char ebuf[CURL_ERROR_SIZE], keyh[300];
	struct curl_slist *h = NULL;
	long status = 0, timeout;
	CURLcode cc;
	CURL *curl;
	int rc = -1;

	pthread_once(&curl_once, curl_init_once);
	curl = curl_easy_init();
	if (curl == NULL) {
		snprintf(err, errlen, "curl_easy_init failed");
		return -1;
	}
	snprintf(keyh, sizeof(keyh), "Idempotency-Key: %s", m->idem_key);
	h = curl_slist_append(h, "Content-Type: application/json; "
	    "charset=utf-8");
	h = curl_slist_append(h, keyh);
	timeout = (long)config_int("outbox.timeout_seconds");
	ebuf[0] = '\0';
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, m->payload);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(m->payload));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, drop_body);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "onetrip-outbox");
	cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", ebuf[0] != '\0' ? ebuf :
		    curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "HTTP %ld", status);
		goto out;
	}
	rc = 0;
out:
	curl_slist_free_all(h);
	curl_easy_cleanup(curl);
	return rc;
}

static int
deliver_upload(const char *var, const struct outbox_msg *m, char *err,
    size_t errlen)
{
	const char *url = config_str("rating.upload_url");
	char path[4096], *text;
	int rc;

	if (url != NULL && url[0] != '\0')
		return post_json(url, m, err, errlen);
	if ((size_t)snprintf(path, sizeof(path), "%s/rating-upload.log", var)
	    >= sizeof(path)) {
		snprintf(err, errlen, "var path too long");
		return -1;
	}
	text = malloc(strlen(m->payload) + 2);
	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	strcpy(text, m->payload);
	rc = append_line(path, text, err, errlen);
	free(text);
	return rc;
}

static int
outbox_run(struct ctx *c, struct err *e)
{
	struct outbox_msg m[OUTBOX_BATCH];
	char why[OUTBOX_ERR_MAX];
	const char *var;
	size_t n = 0, i;
	int rc, failed = 0, lease;

	var = c->cfg != NULL && c->cfg->var_dir != NULL ? c->cfg->var_dir :
	    "var";
	/* Long enough for the whole batch to time out once. */
	lease = (int)config_int("outbox.timeout_seconds") * OUTBOX_BATCH + 60;
	rc = outbox_claim(c, NULL, lease, m, OUTBOX_BATCH, &n, e);
	if (rc != 0)
		return rc;
	for (i = 0; i < n && !ctx_stopping(c); i++) {
		struct err me;
		bool dead = false;
		int d;

		why[0] = '\0';
		if (strcmp(m[i].kind, "upload") == 0)
			d = deliver_upload(var, &m[i], why, sizeof(why));
		else
			d = deliver_sms(var, &m[i], why, sizeof(why));
		err_clear(&me);
		if (outbox_mark(c, &m[i], d == 0 ? NULL : why, &dead, &me) != 0)
			log_warn("outbox: message %" PRId64 " not marked: %s",
			    m[i].id, me.msg);
		if (d != 0) {
			failed++;
			log_warn("outbox: %s %" PRId64 " not delivered (attempt "
			    "%d)%s: %s", m[i].kind, m[i].id, m[i].attempts,
			    dead ? ", dead letter" : "", why);
		}
	}
	if (i < n) {
		struct err re;

		err_clear(&re);
		if (outbox_release(c, m + i, n - i, &re) != 0)
			log_warn("outbox: %zu message(s) not given back, sent "
			    "after their lease: %s", n - i, re.msg);
	}
	outbox_msgs_free(m, n);
	if (failed > 0)
		return err_set(e, ERR_BUSY, "outbox_failed",
		    "%d 条消息发送失败，将稍后重试", failed);
	return 0;
}

const struct job job_outbox = { "outbox", 2000, outbox_run, false };
