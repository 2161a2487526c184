/* metrics.c - GET /metrics in the Prometheus text format (version 0.0.4):
 * the transport's per-route counts and latency histograms, and the queue
 * depths and lags of service/stats. Public like /healthz, and like it kept
 * off the public site by the nginx configuration (docs/deploy.md). */
#include "http/http.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "service/stats/stats.h"

static void
get_metrics(struct http_req *r, struct http_resp *w)
{
	struct stats_queues q;
	struct buf b;
	struct err e;
	char text[1536];
	size_t len;
	int n;

	memset(&q, 0, sizeof(q));
	err_clear(&e);
	if (stats_queues(r->ctx, &q, &e) != 0) {
		http_error(w, &e);
		return;
	}
	buf_init(&b, 0);
	n = snprintf(text, sizeof(text),
	    "# HELP onetrip_documents_backlog Documents waiting to be rendered (pending or rendering).\n"
	    "# TYPE onetrip_documents_backlog gauge\nonetrip_documents_backlog %lld\n"
	    "# HELP onetrip_documents_failed Documents that failed to render.\n"
	    "# TYPE onetrip_documents_failed gauge\nonetrip_documents_failed %lld\n"
	    "# HELP onetrip_outbox_backlog Outbox messages neither delivered nor dead.\n"
	    "# TYPE onetrip_outbox_backlog gauge\nonetrip_outbox_backlog %lld\n"
	    "# HELP onetrip_outbox_dead Outbox messages given up (dead letters).\n"
	    "# TYPE onetrip_outbox_dead gauge\nonetrip_outbox_dead %lld\n"
	    "# HELP onetrip_warnings_pending Deadline warnings raised on cases.\n"
	    "# TYPE onetrip_warnings_pending gauge\nonetrip_warnings_pending %lld\n"
	    "# HELP onetrip_job_lag_seconds Age of the oldest item a job has still to handle.\n"
	    "# TYPE onetrip_job_lag_seconds gauge\n"
	    "onetrip_job_lag_seconds{job=\"renderer\"} %lld\n"
	    "onetrip_job_lag_seconds{job=\"outbox\"} %lld\n",
	    (long long)q.documents_pending, (long long)q.documents_failed,
	    (long long)q.outbox_pending, (long long)q.outbox_dead,
	    (long long)q.warnings, (long long)q.renderer_lag_s,
	    (long long)q.outbox_lag_s);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    buf_append(&b, text, (size_t)n) != 0 ||
	    http_metrics_write(&b) != 0) {
		buf_release(&b);
		err_internal(&e, "metrics do not fit");
		http_error(w, &e);
		return;
	}
	len = b.len;
	http_bytes(w, 200, "text/plain; version=0.0.4; charset=utf-8",
	    buf_detach(&b, NULL), len, true);
}

const struct route api_metrics_routes[] = {
	{ "GET", "/metrics", get_metrics, ACCESS_PUBLIC, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
