/*
 * Complete case lives over HTTP, driven by CLIENTS threads, each on one
 * keep-alive connection, as fast as the server answers, for SECONDS (or until
 * LIVES lives are done). A small C client, so that the load generator's own
 * CPU (it shares the machine's cores with the server) stays a small part of
 * the figure.
 *
 *   lives URL FLOW CLIENTS SECONDS [LIVES]
 *
 * FLOW "window": a 即办件 the comprehensive window may decide
 *   (建设项目环境影响登记表备案): apply (applicant, online) -> accept ->
 *   approve -> deliver (window01).
 * FLOW "instant": the same closed by the clerk in one request (accept with
 *   approve and deliver_method).
 * FLOW "dept": a department item (建筑工程施工许可证核发): apply -> accept ->
 *   forward -> pass -> approve -> deliver: stationed in the hall, so its
 *   window (zj_clerk, 住建专窗) accepts, forwards and delivers (by post);
 *   the department's approver (zj_sp) passes and approves.
 * LIVES_RATE=R (environment): the lives start at R per second in all, the
 *   k-th R/k seconds after the first (a steady load, as a hall sees it, not
 *   as fast as the server answers); a life that cannot start on time starts
 *   late, so lives/s below R says the server did not keep up.
 * The materials are uploaded once per applicant and reused by sha256.
 * Prints one JSON line: lives, seconds, lives/s, requests/s, errors and
 * p50/p99 latency per step (the same shape as bench/lives.mjs printed).
 *
 * The JSON of the answers is read by looking for the first "key": of the
 * keys it needs (id, version, state, token, sha256), which the server writes
 * before any nested object that could repeat them.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PASSWORD "Baihe@2024"
#define MAX_STEPS 8
#define MAX_MATERIALS 32
#define RESPONSE_MAX (1 << 20)

struct step {
	const char *name;
	const char *path_fmt; /* %ld: the case id */
	const char *body_fmt; /* %ld: the case version */
	const char *staff;    /* who takes the step; NULL: the flow's staff */
};

struct flow {
	const char *name;
	const char *item;
	const char *staff;
	struct step steps[MAX_STEPS];
};

static const struct flow FLOWS[] = {
	{ "window", "建设项目环境影响登记表备案", "window01", {
		{ "accept", "/api/cases/%ld/accept", "{\"mode\":\"normal\",\"version\":%ld}", NULL },
		{ "approve", "/api/cases/%ld/actions/approve", "{\"reason\":\"准予备案\",\"version\":%ld}", NULL },
		{ "deliver", "/api/cases/%ld/deliver", "{\"method\":\"download\",\"version\":%ld}", NULL },
	} },
	{ "instant", "建设项目环境影响登记表备案", "window01", {
		{ "accept+approve+deliver", "/api/cases/%ld/accept",
		  "{\"mode\":\"normal\",\"approve\":true,\"deliver_method\":\"download\",\"version\":%ld}", NULL },
	} },
	{ "dept", "建筑工程施工许可证核发", "zj_sp", {
		/* Stationed in the hall: its window (住建专窗) accepts, forwards
		 * and delivers it. */
		{ "accept", "/api/cases/%ld/accept", "{\"mode\":\"normal\",\"version\":%ld}", "zj_clerk" },
		{ "forward", "/api/cases/%ld/actions/forward", "{\"version\":%ld}", "zj_clerk" },
		{ "pass", "/api/cases/%ld/actions/pass", "{\"reason\":\"材料齐全，符合条件\",\"version\":%ld}", NULL },
		{ "approve", "/api/cases/%ld/actions/approve", "{\"reason\":\"准予许可\",\"version\":%ld}", NULL },
		{ "deliver", "/api/cases/%ld/deliver",
		  "{\"method\":\"post\",\"tracking_no\":\"SF1234567890\",\"version\":%ld}", "zj_clerk" },
	} },
};

static const char *const APPLICANTS[] = { "61092919900315001X", "610929198511080025" };
#define N_APPLICANTS 2

static struct sockaddr_in server_addr;
static char host_header[96];

struct conn {
	int fd;
	char *buf; /* the last answer's body, NUL-terminated */
	size_t len, cap;
	int status;
};

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void conn_open(struct conn *c)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&server_addr, sizeof server_addr) != 0)
		die("connect: %s", strerror(errno));
	int one = 1;
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!c->buf) {
		c->cap = RESPONSE_MAX;
		c->buf = malloc(c->cap + 1);
		if (!c->buf)
			die("out of memory");
	}
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("send: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* Reads one answer: headers, then Content-Length bytes of body. */
static void read_answer(struct conn *c)
{
	size_t have = 0;
	char *hdr_end = NULL;
	for (;;) {
		if (have >= c->cap)
			die("answer larger than %zu bytes", c->cap);
		ssize_t r = recv(c->fd, c->buf + have, c->cap - have, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("recv: %s", r == 0 ? "connection closed" : strerror(errno));
		have += (size_t)r;
		c->buf[have] = '\0';
		if (!hdr_end && (hdr_end = strstr(c->buf, "\r\n\r\n")) != NULL)
			hdr_end += 4;
		if (hdr_end) {
			const char *cl = strcasestr(c->buf, "\r\nContent-Length:");
			if (!cl || cl > hdr_end)
				die("answer without Content-Length");
			size_t body_len = strtoul(cl + 17, NULL, 10);
			size_t head_len = (size_t)(hdr_end - c->buf);
			if (have >= head_len + body_len) {
				if (have > head_len + body_len)
					die("more than one answer received");
				c->status = atoi(c->buf + 9);
				memmove(c->buf, hdr_end, body_len);
				c->buf[body_len] = '\0';
				c->len = body_len;
				return;
			}
		}
	}
}

static void request(struct conn *c, const char *method, const char *path, const char *token,
		    const char *ctype, const char *body, size_t body_len)
{
	char head[1024];
	int n = snprintf(head, sizeof head,
			 "%s %s HTTP/1.1\r\nHost: %s\r\n%s%s%s"
			 "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n",
			 method, path, host_header, token ? "Authorization: Bearer " : "",
			 token ? token : "", token ? "\r\n" : "", ctype ? ctype : "application/json",
			 body_len);
	if (n < 0 || (size_t)n >= sizeof head)
		die("request head too long");
	send_all(c->fd, head, (size_t)n);
	if (body_len)
		send_all(c->fd, body, body_len);
	read_answer(c);
}

/* The string value of the first "key": in the JSON text, copied to out. */
static bool json_string(const char *json, const char *key, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	const char *p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	const char *e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= cap)
		return false;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
	return true;
}

static long json_long(const char *json, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);
	const char *p = strstr(json, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

static void login(struct conn *c, const char *who, char *token, size_t cap)
{
	char body[256];
	int n = snprintf(body, sizeof body,
			 "{\"login\":\"%s\",\"password\":\"" PASSWORD "\",\"client\":\"api\"}", who);
	request(c, "POST", "/api/auth/login", NULL, NULL, body, (size_t)n);
	if (c->status != 200 || !json_string(c->buf, "token", token, cap))
		die("login %s: %d %s", who, c->status, c->buf);
}

static void url_encode(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s && o + 4 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", ch);
	}
	out[o] = '\0';
}

/* The item's id (the search hit whose name is exactly NAME) and the number of
 * its materials. */
static long find_item(struct conn *c, const char *token, const char *name, int *materials)
{
	char q[512], path[640];
	url_encode(name, q, sizeof q);
	snprintf(path, sizeof path, "/api/guide/items?q=%s&limit=50", q);
	request(c, "GET", path, token, NULL, "", 0);
	char want[256];
	snprintf(want, sizeof want, "\"name\":\"%s\"", name);
	const char *hit = strstr(c->buf, want);
	if (c->status != 200 || !hit)
		die("item %s: %d %s", name, c->status, c->buf);
	/* The hit's object starts at the last "{\"id\":" before its name. */
	long id = -1;
	for (const char *p = c->buf; (p = strstr(p, "{\"id\":")) != NULL && p < hit; p++)
		id = strtol(p + 6, NULL, 10);
	if (id < 0)
		die("item %s: no id", name);
	snprintf(path, sizeof path, "/api/guide/items/%ld", id);
	request(c, "GET", path, token, NULL, "", 0);
	const char *m = strstr(c->buf, "\"materials\":[");
	if (c->status != 200 || !m)
		die("item %ld: %d", id, c->status);
	/* Count the material objects: each has a "necessity" key. */
	int n = 0;
	const char *end = strstr(m, "}]");
	for (const char *p = m; (p = strstr(p, "\"necessity\":")) != NULL && (!end || p < end); p++)
		n++;
	*materials = n;
	return id;
}

struct applicant {
	char token[128];
	char materials_json[MAX_MATERIALS * 100 + 8];
};

static void upload_materials(struct conn *c, struct applicant *a, int n, int tag)
{
	size_t o = 0;
	o += (size_t)snprintf(a->materials_json + o, sizeof a->materials_json - o, "[");
	for (int i = 0; i < n && i < MAX_MATERIALS; i++) {
		char body[128], sha[80];
		int len = snprintf(body, sizeof body, "%%PDF-1.4\n%% bench %d %d %ld\n%%%%EOF\n", tag, i,
				   (long)random());
		request(c, "POST", "/api/uploads?name=m.pdf", a->token, "application/pdf", body,
			(size_t)len);
		if (c->status != 201 || !json_string(c->buf, "sha256", sha, sizeof sha))
			die("upload: %d %s", c->status, c->buf);
		o += (size_t)snprintf(a->materials_json + o, sizeof a->materials_json - o,
				      "%s{\"index\":%d,\"sha256\":\"%s\"}", i ? "," : "", i, sha);
	}
	snprintf(a->materials_json + o, sizeof a->materials_json - o, "]");
}

/* Latencies of one step, per client thread. */
struct samples {
	double *v;
	size_t n, cap;
};

static void sample_add(struct samples *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = ms;
}

static const struct flow *flow;
static int n_steps;
static long item_id;
static struct applicant applicants[N_APPLICANTS];
static char staff_token[128];
static char window_token[128]; /* of the steps with their own staff */
static atomic_bool stop_flag;
static atomic_long lives_started, lives_done, requests_done, errors;
static long max_lives;
static double pace_rate, pace_t0; /* LIVES_RATE; when the first life starts */
static pthread_mutex_t first_error_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_error[400];

struct client {
	pthread_t thread;
	int k;
	struct conn conn;
	struct samples lat[MAX_STEPS + 1]; /* [0] apply, then the steps */
};

static void note_error(const char *step, const struct conn *c)
{
	atomic_fetch_add(&errors, 1);
	pthread_mutex_lock(&first_error_lock);
	if (!first_error[0])
		snprintf(first_error, sizeof first_error, "%s: %d %.300s", step, c->status, c->buf);
	pthread_mutex_unlock(&first_error_lock);
}

static bool timed(struct client *cl, int slot, const char *step, const char *path,
		  const char *token, const char *body, int want)
{
	double t = now_ms();
	request(&cl->conn, "POST", path, token, NULL, body, strlen(body));
	sample_add(&cl->lat[slot], now_ms() - t);
	atomic_fetch_add(&requests_done, 1);
	if (cl->conn.status != want) {
		note_error(step, &cl->conn);
		return false;
	}
	return true;
}

/* Sleeps until the nth life's start (LIVES_RATE); false when the run ends
 * first. */
static bool pace_wait(long nth)
{
	double at = pace_t0 + (double)nth * 1000.0 / pace_rate;

	for (;;) {
		double left = at - now_ms();
		if (left <= 0)
			return true;
		if (atomic_load(&stop_flag))
			return false;
		if (left > 50)
			left = 50; /* look at stop_flag now and then */
		struct timespec ts = { 0, (long)(left * 1e6) };
		nanosleep(&ts, NULL);
	}
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	const struct applicant *a = &applicants[cl->k % N_APPLICANTS];
	char body[MAX_MATERIALS * 100 + 256], path[128];
	while (!atomic_load(&stop_flag)) {
		long nth = atomic_fetch_add(&lives_started, 1);
		if (max_lives > 0 && nth >= max_lives)
			break;
		if (pace_rate > 0 && !pace_wait(nth))
			break;
		snprintf(body, sizeof body,
			 "{\"item_id\":%ld,\"form\":{\"note\":\"bench %d\"},\"materials\":%s}", item_id,
			 cl->k, a->materials_json);
		if (!timed(cl, 0, "apply", "/api/cases", a->token, body, 201))
			continue;
		long id = json_long(cl->conn.buf, "id");
		bool ok = true;
		for (int s = 0; s < n_steps && ok; s++) {
			const struct step *st = &flow->steps[s];
			snprintf(path, sizeof path, st->path_fmt, id);
			snprintf(body, sizeof body, st->body_fmt, json_long(cl->conn.buf, "version"));
			ok = timed(cl, s + 1, st->name, path,
			    st->staff != NULL ? window_token : staff_token, body, 200);
		}
		if (!ok)
			continue;
		char state[32] = "";
		json_string(cl->conn.buf, "state", state, sizeof state);
		if (strcmp(state, "done") == 0) {
			atomic_fetch_add(&lives_done, 1);
		} else {
			atomic_fetch_add(&errors, 1);
			pthread_mutex_lock(&first_error_lock);
			if (!first_error[0])
				snprintf(first_error, sizeof first_error, "life ended in state %s", state);
			pthread_mutex_unlock(&first_error_lock);
		}
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double percentile(struct samples *s, double p)
{
	if (s->n == 0)
		return 0;
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	size_t i = (size_t)(p * (double)s->n);
	return s->v[i < s->n ? i : s->n - 1];
}

static void json_escape_print(const char *s)
{
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf(" ");
		else
			putchar(*s);
	}
}

int main(int argc, char **argv)
{
	if (argc < 5)
		die("usage: lives URL window|instant|dept CLIENTS SECONDS [LIVES]");
	const char *url = argv[1];
	for (size_t i = 0; i < sizeof FLOWS / sizeof FLOWS[0]; i++)
		if (strcmp(FLOWS[i].name, argv[2]) == 0)
			flow = &FLOWS[i];
	if (!flow)
		die("unknown flow %s", argv[2]);
	int clients = atoi(argv[3]);
	double seconds = atof(argv[4]);
	max_lives = argc > 5 ? atol(argv[5]) : 0;
	if (clients < 1 || clients > 1024)
		die("CLIENTS: 1..1024");
	while (n_steps < MAX_STEPS && flow->steps[n_steps].name)
		n_steps++;

	char host[64];
	int port;
	if (sscanf(url, "http://%63[^:]:%d", host, &port) != 2)
		die("URL: http://HOST:PORT");
	server_addr.sin_family = AF_INET;
	server_addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &server_addr.sin_addr) != 1)
		die("HOST must be an IPv4 address");
	snprintf(host_header, sizeof host_header, "%s:%d", host, port);
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());

	struct conn setup = { 0 };
	conn_open(&setup);
	for (int i = 0; i < N_APPLICANTS; i++)
		login(&setup, APPLICANTS[i], applicants[i].token, sizeof applicants[i].token);
	login(&setup, flow->staff, staff_token, sizeof staff_token);
	for (int s = 0; s < MAX_STEPS && flow->steps[s].name != NULL; s++)
		if (flow->steps[s].staff != NULL)
			login(&setup, flow->steps[s].staff, window_token, sizeof window_token);
	int materials = 0;
	item_id = find_item(&setup, applicants[0].token, flow->item, &materials);
	for (int i = 0; i < N_APPLICANTS; i++)
		upload_materials(&setup, &applicants[i], materials, i);
	close(setup.fd);

	/* LIVES_READY=FILE: the logins (a password hash each) and uploads
	 * done, say so by creating FILE and wait until it is removed, so
	 * that the caller's CPU figures count the lives only. */
	const char *ready = getenv("LIVES_READY");
	if (ready != NULL && ready[0] != '\0') {
		FILE *f = fopen(ready, "w");
		if (f == NULL)
			die("LIVES_READY: cannot create %s", ready);
		fclose(f);
		while (access(ready, F_OK) == 0)
			usleep(5000);
	}

	struct client *cls = calloc((size_t)clients, sizeof *cls);
	if (!cls)
		die("out of memory");
	const char *rate = getenv("LIVES_RATE");
	if (rate != NULL && rate[0] != '\0') {
		pace_rate = atof(rate);
		if (pace_rate <= 0 || pace_rate > 1e6)
			die("LIVES_RATE: lives per second, above 0");
	}
	double t0 = now_ms();
	pace_t0 = t0;
	for (int k = 0; k < clients; k++) {
		cls[k].k = k;
		conn_open(&cls[k].conn);
		if (pthread_create(&cls[k].thread, NULL, client_main, &cls[k]) != 0)
			die("pthread_create");
	}
	if (seconds > 0) {
		struct timespec ts = { (time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9) };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		atomic_store(&stop_flag, true);
	}
	for (int k = 0; k < clients; k++)
		pthread_join(cls[k].thread, NULL);
	double secs = (now_ms() - t0) / 1000;

	printf("{\"flow\":\"%s\",\"item\":\"%s\",\"clients\":%d,\"rate\":%.1f,\"lives\":%ld,\"seconds\":%.2f,"
	       "\"lives_per_s\":%.1f,\"requests_per_s\":%.0f,\"errors\":%ld,\"first_error\":",
	       flow->name, flow->item, clients, pace_rate, atomic_load(&lives_done), secs,
	       (double)atomic_load(&lives_done) / secs, (double)atomic_load(&requests_done) / secs,
	       atomic_load(&errors));
	if (first_error[0]) {
		putchar('"');
		json_escape_print(first_error);
		putchar('"');
	} else {
		printf("null");
	}
	printf(",\"steps\":{");
	for (int s = 0; s <= n_steps; s++) {
		struct samples all = { 0 };
		for (int k = 0; k < clients; k++)
			for (size_t i = 0; i < cls[k].lat[s].n; i++)
				sample_add(&all, cls[k].lat[s].v[i]);
		printf("%s\"%s\":{\"p50_ms\":%.2f,\"p99_ms\":%.2f}", s ? "," : "",
		       s == 0 ? "apply" : flow->steps[s - 1].name, percentile(&all, 0.5),
		       percentile(&all, 0.99));
		free(all.v);
	}
	printf("}}\n");
	for (int k = 0; k < clients; k++) {
		close(cls[k].conn.fd);
		free(cls[k].conn.buf);
		for (int s = 0; s <= MAX_STEPS; s++)
			free(cls[k].lat[s].v);
	}
	free(cls);
	return 0;
}
