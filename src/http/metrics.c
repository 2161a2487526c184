/* metrics.c - per-route request counts and latency histograms, and the
 * transport's own counters, in the Prometheus text format (GET /metrics,
 * api/metrics.c). A route is counted under its pattern, never its path, so
 * the series stay few; static files and unmatched requests have one
 * series each. One mutex: an increment is a few adds. */
#include "http/http_internal.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define METRICS_SLOTS 1024
#define NBUCKETS 12

static const double bucket_le[NBUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
};

struct series {
	const char *method;
	const char *pattern;
	unsigned long long by_class[6];   /* 1xx..5xx at 1..5 */
	unsigned long long buckets[NBUCKETS];
	unsigned long long count;
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series table[METRICS_SLOTS];
static size_t nseries;
static atomic_ullong counters[HTTP_COUNTER_MAX];

void
http_metrics_count(enum http_counter c, unsigned long long n)
{
	atomic_fetch_add(&counters[c], n);
}

void
http_metrics_record(const char *method, const char *pattern, int status,
    double seconds)
{
	struct series *s = NULL;
	int cls = status / 100;

	pthread_mutex_lock(&lock);
	/* Patterns are the route table's own strings: compare pointers. */
	for (size_t i = 0; i < nseries; i++)
		if (table[i].pattern == pattern &&
		    strcmp(table[i].method, method) == 0) {
			s = &table[i];
			break;
		}
	if (s == NULL && nseries < METRICS_SLOTS) {
		s = &table[nseries++];
		s->method = strcmp(method, "GET") == 0 ? "GET" :
		    strcmp(method, "HEAD") == 0 ? "HEAD" :
		    strcmp(method, "POST") == 0 ? "POST" :
		    strcmp(method, "PUT") == 0 ? "PUT" :
		    strcmp(method, "PATCH") == 0 ? "PATCH" :
		    strcmp(method, "DELETE") == 0 ? "DELETE" : "OTHER";
		s->pattern = pattern;
	}
	if (s != NULL) {
		s->by_class[cls >= 1 && cls <= 5 ? cls : 0]++;
		for (int b = 0; b < NBUCKETS; b++)
			if (seconds <= bucket_le[b])
				s->buckets[b]++;
		s->count++;
		s->sum += seconds;
	}
	pthread_mutex_unlock(&lock);
}

static int
put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
put(struct buf *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return buf_append(b, line, (size_t)n < sizeof(line) ? (size_t)n :
	    sizeof(line) - 1);
}

int
http_metrics_write(struct buf *b)
{
	static const char *const cname[HTTP_COUNTER_MAX] = {
		[HTTP_CUT_HEAD] = "onetrip_http_cut_head_deadline_total",
		[HTTP_CUT_BODY] = "onetrip_http_cut_slow_body_total",
		[HTTP_BODY_SPOOLED] = "onetrip_http_bodies_spooled_total",
		[HTTP_BODY_BUDGET] = "onetrip_http_body_budget_refused_total",
	};
	int rc = 0;

	rc |= put(b, "# HELP onetrip_http_requests_total Requests answered, by route pattern and status class.\n"
	    "# TYPE onetrip_http_requests_total counter\n");
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nseries; i++)
		for (int c = 1; c <= 5; c++)
			if (table[i].by_class[c] > 0)
				rc |= put(b, "onetrip_http_requests_total{method=\"%s\",route=\"%s\",code=\"%dxx\"} %llu\n",
				    table[i].method, table[i].pattern, c,
				    table[i].by_class[c]);
	rc |= put(b, "# HELP onetrip_http_request_duration_seconds Time from the request line to the response, by route pattern.\n"
	    "# TYPE onetrip_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < nseries; i++) {
		const struct series *s = &table[i];

		for (int k = 0; k < NBUCKETS; k++)
			rc |= put(b, "onetrip_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
			    s->method, s->pattern, bucket_le[k], s->buckets[k]);
		rc |= put(b, "onetrip_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n"
		    "onetrip_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
		    "onetrip_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
		    s->method, s->pattern, s->count, s->method, s->pattern,
		    s->sum, s->method, s->pattern, s->count);
	}
	pthread_mutex_unlock(&lock);
	for (int c = 0; c < HTTP_COUNTER_MAX; c++)
		rc |= put(b, "# TYPE %s counter\n%s %llu\n", cname[c], cname[c],
		    atomic_load(&counters[c]));
	return rc != 0 ? -1 : 0;
}
