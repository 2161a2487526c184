/* gen-cases.c - fills an onetrip database with synthetic cases for the
 * benchmarks (bench/lookup.sh).
 *
 *   gen-cases --db URL [--cases N] [--end YYYY-MM-DD] [--seed S]
 *   gen-cases --db URL --items N    (adds N published catalogue items)
 *   gen-cases --db URL --sql QUERY  (prints the rows, tab-separated)
 *   gen-cases --db URL --sample N   (prints N "case_no<TAB>idno" lines of
 *                                    random stored cases)
 *
 * URL is "sqlite:PATH" or "postgresql://...", a database on which
 * `onetrip demo` has run. It adds 26 departments to the demo's 34 (60 in
 * all), gives every department without a published item a few copies of
 * demo items, and inserts N cases (default 1,000,000) created over the
 * three years (1,095 days) before the end day (default 2026-09-29, not
 * included): fewer on weekends, departments of very different sizes,
 * applicants drawn from 300,000 people (valid ID numbers) and 50,000
 * enterprises (valid credit codes), case numbers in the real format
 * (implementation code, day, 4-digit sequence per item and day). Cases
 * whose life would end before the end day are closed (mostly done, some
 * rejected, denied or withdrawn); the rest are open in every queue, with
 * their deadline fields (accepted day, budget, due day, remaining days,
 * warning level) set as the deadline service would. The scoreboard's
 * case tallies (case_tally_day, case_tally_item) get what the case plan
 * would have added at each closure.
 *
 * Secondary indexes of cases are dropped during the load and rebuilt
 * after it; the statistics are then refreshed (ANALYZE; on PostgreSQL
 * VACUUM (ANALYZE)). Refuses to run on a database that already has
 * more cases than the demo's few hundred (whose numbers it skips). */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/idno.h"

#define DAYS 1095
#define PEOPLE 300000
#define FIRMS 50000
#define HALL_TZ (8 * 3600)
/* A case's id is year * CASE_ID_YEAR + n (service/case/numbers.c). */
#define CASE_ID_YEAR 10000000000LL

static sqlite3 *lite;
static PGconn *pg;

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("gen-cases: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- tiny database layer: statements built from our own values only ---- */

static void
exec_sql(const char *fmt, ...)
{
	char *sql;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (lite != NULL) {
		char *msg = NULL;

		if (sqlite3_exec(lite, sql, NULL, NULL, &msg) != SQLITE_OK)
			die("%s\n  in: %s", msg, sql);
	} else {
		PGresult *r = PQexec(pg, sql);

		if (PQresultStatus(r) != PGRES_COMMAND_OK &&
		    PQresultStatus(r) != PGRES_TUPLES_OK)
			die("%s  in: %s", PQerrorMessage(pg), sql);
		PQclear(r);
	}
	free(sql);
}

/* Rows of a query as strings: rows[r * ncol + c]; NULL as "". */
struct rows {
	int n, ncol;
	char **v;
};

static struct rows
query(const char *fmt, ...)
{
	struct rows out = { 0, 0, NULL };
	char *sql;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&sql, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (lite != NULL) {
		sqlite3_stmt *s;
		int rc, cap = 0;

		if (sqlite3_prepare_v2(lite, sql, -1, &s, NULL) != SQLITE_OK)
			die("%s\n  in: %s", sqlite3_errmsg(lite), sql);
		out.ncol = sqlite3_column_count(s);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			if (out.n == cap) {
				cap = cap > 0 ? cap * 2 : 256;
				out.v = realloc(out.v, sizeof(char *) *
				    (size_t)cap * (size_t)out.ncol);
			}
			for (int c = 0; c < out.ncol; c++) {
				const char *t = (const char *)
				    sqlite3_column_text(s, c);

				out.v[out.n * out.ncol + c] = strdup(t ? t : "");
			}
			out.n++;
		}
		if (rc != SQLITE_DONE)
			die("%s\n  in: %s", sqlite3_errmsg(lite), sql);
		sqlite3_finalize(s);
	} else {
		PGresult *r = PQexec(pg, sql);

		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			die("%s  in: %s", PQerrorMessage(pg), sql);
		out.n = PQntuples(r);
		out.ncol = PQnfields(r);
		out.v = malloc(sizeof(char *) * (size_t)(out.n * out.ncol + 1));
		for (int i = 0; i < out.n; i++)
			for (int c = 0; c < out.ncol; c++)
				out.v[i * out.ncol + c] =
				    strdup(PQgetvalue(r, i, c));
		PQclear(r);
	}
	free(sql);
	return out;
}

static void
rows_free(struct rows *r)
{
	for (int i = 0; i < r->n * r->ncol; i++)
		free(r->v[i]);
	free(r->v);
}

static int64_t
query_int(const char *sql)
{
	struct rows r = query("%s", sql);
	int64_t v = r.n > 0 ? strtoll(r.v[0], NULL, 10) : 0;

	rows_free(&r);
	return v;
}

/* ---- deterministic randomness (xorshift64*) ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static int
rndn(int n)
{
	return (int)(rnd() % (uint64_t)n);
}

static double
rndf(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* ---- dates: days since 1970-01-01 ---- */

static int64_t
day_of(const char *ymd)
{
	struct tm tm = { 0 };

	if (strptime(ymd, "%Y-%m-%d", &tm) == NULL)
		die("bad date %s", ymd);
	return (int64_t)timegm(&tm) / 86400;
}

static void
day_str(int64_t d, char out[11])
{
	time_t t = (time_t)(d * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int64_t
day_year(int64_t d)
{
	char ymd[11];

	day_str(d, ymd);
	return strtol(ymd, NULL, 10);
}

static int
weekday(int64_t d) /* 0 Monday .. 6 Sunday */
{
	return (int)((d + 3) % 7);
}

/* The n-th working day (Monday to Friday) after d. The public holidays
 * are ignored here: the fields only need to be plausible. */
static int64_t
add_working(int64_t d, int n)
{
	while (n > 0) {
		d++;
		if (weekday(d) < 5)
			n--;
	}
	return d;
}

/* Working days from a to b (negative when b is before a). */
static int
working_between(int64_t a, int64_t b)
{
	int n = 0;

	if (b >= a) {
		for (int64_t d = a + 1; d <= b; d++)
			n += weekday(d) < 5;
		return n;
	}
	for (int64_t d = b + 1; d <= a; d++)
		n -= weekday(d) < 5;
	return n;
}

/* ---- departments and items ---- */

static const char *extra_depts[26][2] = {
	{ "县司法局", "司法局" }, { "县财政局", "财政局" },
	{ "县统计局", "统计局" }, { "县审计局", "审计局" },
	{ "县气象局", "气象局" }, { "县人防办", "人防办" },
	{ "县档案馆", "档案馆" }, { "县乡村振兴局", "乡村振兴局" },
	{ "县科协", "科协" }, { "县供销社", "供销社" },
	{ "县粮食和物资储备局", "粮储局" }, { "县地震局", "地震局" },
	{ "县文物局", "文物局" }, { "县机关事务局", "机关事务局" },
	{ "县信访局", "信访局" }, { "县民宗局", "民宗局" },
	{ "县妇联", "妇联" }, { "县工商联", "工商联" },
	{ "县总工会", "总工会" }, { "县红十字会", "红十字会" },
	{ "县住房公积金管理中心", "公积金中心" },
	{ "县不动产登记中心", "不动产中心" }, { "县社保中心", "社保中心" },
	{ "县就业服务中心", "就业中心" }, { "县疾控中心", "疾控中心" },
	{ "县邮政管理局", "邮政管理局" },
};

#define ITEM_COLS "basic_code, handle_code, name, type, status, stationed, " \
	"online, full_online, online_level, case_kind, visits, statutory_days, " \
	"promised_days, window_authorised, rongque, commitment, in_scope, " \
	"created_at, updated_at"

static void
setup_catalogue(int64_t now)
{
	struct rows src, empty;
	int k = 0;

	for (int i = 0; i < 26; i++)
		exec_sql("INSERT INTO departments (name, short_name, kind, "
		    "created_at) SELECT '%s', '%s', 'government', %" PRId64
		    " WHERE NOT EXISTS (SELECT 1 FROM departments WHERE "
		    "name = '%s')", extra_depts[i][0], extra_depts[i][1], now,
		    extra_depts[i][0]);
	src = query("SELECT id, impl_code, current_version_id FROM items "
	    "WHERE status = 'published' AND current_version_id IS NOT NULL "
	    "ORDER BY id");
	if (src.n == 0)
		die("no published items: run `onetrip demo` first");
	empty = query("SELECT d.id FROM departments d WHERE NOT EXISTS "
	    "(SELECT 1 FROM items i WHERE i.dept_id = d.id AND "
	    "i.status = 'published') ORDER BY d.id");
	for (int d = 0; d < empty.n; d++) {
		int64_t dept = strtoll(empty.v[d], NULL, 10);

		for (int j = 0; j < 4; j++, k++) {
			const char *sid = src.v[(k % src.n) * 3];
			const char *impl = src.v[(k % src.n) * 3 + 1];
			const char *ver = src.v[(k % src.n) * 3 + 2];
			char nimpl[64];
			struct rows r;
			int64_t item, v;

			/* Same length and alphabet, unique per department. */
			snprintf(nimpl, sizeof(nimpl), "%.*sB%03" PRId64 "%d%s",
			    13, impl, dept % 1000, j, strlen(impl) > 18 ?
			    impl + 18 : "");
			r = query("INSERT INTO items (dept_id, impl_code, "
			    ITEM_COLS ") SELECT %" PRId64 ", '%s', " ITEM_COLS
			    " FROM items WHERE id = %s RETURNING id", dept,
			    nimpl, sid);
			item = strtoll(r.v[0], NULL, 10);
			rows_free(&r);
			r = query("INSERT INTO item_versions (item_id, "
			    "version_no, status, elements, created_at, "
			    "published_at) SELECT %" PRId64 ", 1, 'published', "
			    "elements, created_at, published_at FROM "
			    "item_versions WHERE id = %s RETURNING id", item,
			    ver);
			v = strtoll(r.v[0], NULL, 10);
			rows_free(&r);
			exec_sql("UPDATE items SET current_version_id = %" PRId64
			    " WHERE id = %" PRId64, v, item);
		}
	}
	rows_free(&empty);
	rows_free(&src);
}


/* ---- a province-sized catalogue (bench/indicators.sh) ----
 * n more published items spread over the departments, each a copy of a
 * demo item (its elements: what the indicators read) with 1 to 3 versions
 * published over the three years before the end day, each later version
 * copying another demo item, so that the indicators move over time. */
static void
add_items(int n, int64_t end)
{
	struct rows src, dep;
	int64_t first = end - DAYS;

	src = query("SELECT id, impl_code, current_version_id FROM items "
	    "WHERE status = 'published' AND current_version_id IS NOT NULL "
	    "AND impl_code NOT LIKE '_____________C%%' ORDER BY id");
	dep = query("SELECT id FROM departments ORDER BY id");
	if (src.n == 0 || dep.n == 0)
		die("no published items: run `onetrip demo` first");
	exec_sql("BEGIN");
	for (int k = 0; k < n; k++) {
		int nv = 1 + rndn(3), s0 = rndn(src.n);
		const char *dept = dep.v[k % dep.n];
		int64_t item = 0, v = 0, at = (first + rndn(DAYS / 3)) * 86400 -
		    HALL_TZ + 10 * 3600;
		char nimpl[64];
		struct rows r;

		snprintf(nimpl, sizeof(nimpl), "%.13sC%06d%s", src.v[s0 * 3 + 1],
		    k, strlen(src.v[s0 * 3 + 1]) > 20 ? src.v[s0 * 3 + 1] + 20 :
		    "");
		for (int j = 0; j < nv; j++) {
			int sj = (s0 + j * 7) % src.n;

			if (j == 0) {
				r = query("INSERT INTO items (dept_id, impl_code, "
				    ITEM_COLS ") SELECT %s, '%s', " ITEM_COLS
				    " FROM items WHERE id = %s RETURNING id",
				    dept, nimpl, src.v[sj * 3]);
				item = strtoll(r.v[0], NULL, 10);
				rows_free(&r);
			}
			r = query("INSERT INTO item_versions (item_id, "
			    "version_no, status, elements, created_at, "
			    "published_at) SELECT %" PRId64 ", %d, '%s', "
			    "elements, %" PRId64 ", %" PRId64 " FROM "
			    "item_versions WHERE id = %s RETURNING id", item,
			    j + 1, j + 1 < nv ? "superseded" : "published",
			    at, at, src.v[sj * 3 + 2]);
			v = strtoll(r.v[0], NULL, 10);
			rows_free(&r);
			at += (int64_t)(60 + rndn(300)) * 86400;
			if (at > (end - 1) * 86400 - HALL_TZ)
				at = (end - 1) * 86400 - HALL_TZ + j * 60;
		}
		exec_sql("UPDATE items SET current_version_id = %" PRId64
		    " WHERE id = %" PRId64, v, item);
		if (k % 2000 == 1999) {
			exec_sql("COMMIT");
			exec_sql("BEGIN");
		}
	}
	exec_sql("COMMIT");
	rows_free(&dep);
	rows_free(&src);
}

struct item {
	int64_t id, version_id, dept_id, window_id;
	char impl[48];
	int case_kind, promised, online, statutory;
	int dix; /* its department in the depts array */
	int seq; /* today's last case number */
	int owner; /* the item whose seq is shared (same impl_code) */
};

struct dept {
	int64_t id;
	double weight;
	int first, n; /* its items in the items array */
};

static struct item *items;
static int n_items;
static struct dept *depts;
static int n_depts;

static void
load_catalogue(void)
{
	struct rows r = query("SELECT i.id, i.current_version_id, i.dept_id, "
	    "COALESCE((SELECT MIN(w.window_id) FROM window_items w WHERE "
	    "w.item_id = i.id), 0), i.impl_code, i.case_kind, "
	    "i.promised_days, i.online, COALESCE(i.statutory_days, 0) FROM "
	    "items i WHERE i.status = "
	    "'published' AND i.current_version_id IS NOT NULL ORDER BY "
	    "i.dept_id, i.id");

	items = calloc((size_t)r.n, sizeof(*items));
	depts = calloc((size_t)r.n, sizeof(*depts));
	for (int i = 0; i < r.n; i++) {
		char **v = r.v + i * r.ncol;
		struct item *it = &items[n_items++];

		it->id = strtoll(v[0], NULL, 10);
		it->version_id = strtoll(v[1], NULL, 10);
		it->dept_id = strtoll(v[2], NULL, 10);
		it->window_id = strtoll(v[3], NULL, 10);
		snprintf(it->impl, sizeof(it->impl), "%s", v[4]);
		it->case_kind = atoi(v[5]);
		it->promised = atoi(v[6]);
		it->online = atoi(v[7]);
		it->statutory = atoi(v[8]);
		if (n_depts == 0 || depts[n_depts - 1].id != it->dept_id) {
			depts[n_depts].id = it->dept_id;
			depts[n_depts].first = i;
			n_depts++;
		}
		depts[n_depts - 1].n++;
		it->dix = n_depts - 1;
	}
	rows_free(&r);
	/* Sub-scenarios of one implementation code share its numbers. */
	for (int i = 0; i < n_items; i++) {
		items[i].owner = i;
		for (int j = 0; j < i; j++)
			if (strcmp(items[j].impl, items[i].impl) == 0) {
				items[i].owner = j;
				break;
			}
	}
	/* Departments of very different sizes: a few busy ones (market
	 * supervision, housing, social security), a long tail. */
	for (int d = 0; d < n_depts; d++)
		depts[d].weight = 1.0 / (1.0 + (double)((d * 37) % n_depts) *
		    0.35);
}

static struct item *
pick_item(double total)
{
	double x = rndf() * total;
	int d = 0;

	for (; d < n_depts - 1; d++) {
		x -= depts[d].weight;
		if (x < 0)
			break;
	}
	return &items[depts[d].first + rndn(depts[d].n)];
}

/* ---- applicants ---- */

static const char *surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄",
	"赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
	"罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹" };
static const char *given[] = { "伟", "芳", "娜", "秀英", "敏", "静", "丽",
	"强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
	"秀兰", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰",
	"志强", "海燕", "春梅", "建国", "小龙", "晓东" };
static const char *trades[] = { "商贸", "餐饮", "建材", "农业", "茶业",
	"物流", "电子", "建筑", "旅游", "矿业", "食品", "服装", "医药" };
static const char *credit_chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void
person(int i, char idno[19], char *name, size_t namesz)
{
	char d[11];
	int64_t birth = day_of("1950-01-01") + (i % 20000);

	day_str(birth, d);
	snprintf(idno, 19, "610929%.4s%.2s%.2s%03d", d, d + 5, d + 8,
	    100 + i / 20000);
	idno[17] = idno_person_check(idno);
	idno[18] = '\0';
	snprintf(name, namesz, "%s%s", surnames[(i * 7) % 30],
	    given[(i * 13 + i / 30) % 34]);
}

static void
firm(int i, char code[19], char *name, size_t namesz)
{
	char body[8];
	int v = i + 1000;

	for (int k = 6; k >= 0; k--) {
		body[k] = credit_chars[v % 31];
		v /= 31;
	}
	body[7] = '\0';
	snprintf(code, 19, "91610929MA%s", body);
	code[17] = idno_credit_code_check(code);
	code[18] = '\0';
	snprintf(name, namesz, "白河县%s%s%s有限公司", surnames[i % 30],
	    given[(i / 30) % 34], trades[(i / 7) % 13]);
}

/* ---- the cases ---- */

struct casegen {
	int64_t id; /* year * 10^10 + n, as service/case/numbers.c gives */
	char case_no[96];
	int64_t item_id, version_id, dept_id, window_id;
	char kind; /* 'P' or 'E' */
	char name[128], idno[19], mobile[12];
	const char *channel, *state, *mode;
	int64_t accepted_at, decided_at, closed_at, created_at, updated_at;
	char accepted_day[11], due_day[11];
	int budget, has_budget, remaining, has_remaining;
	const char *warn, *decision, *suspend_kind;
	int trips, version;
};

/* The life of one case created at time t (day cday) with the end day
 * end: everything before end happened, the rest is open. */
static void
life(struct casegen *g, const struct item *it, int64_t cday, int64_t t,
    int64_t end)
{
	int instant = it->case_kind == 1 || it->promised == 0;
	int64_t aday, cl;
	double x = rndf();

	g->mode = NULL;
	g->accepted_at = g->decided_at = g->closed_at = 0;
	g->accepted_day[0] = g->due_day[0] = '\0';
	g->has_budget = g->has_remaining = 0;
	g->warn = g->decision = g->suspend_kind = NULL;
	g->version = 1;
	/* Not accepted yet: the last two days' applications, mostly. */
	aday = g->channel[0] == 'w' ? cday : add_working(cday, rndn(2));
	if (aday >= end || (end - cday < 3 && x < 0.05)) {
		g->state = x < 0.02 ? "supplement" : "submitted";
		g->updated_at = t;
		return;
	}
	if (x < 0.02) {         /* 不予受理 */
		g->state = "rejected";
		g->closed_at = t + 3600 * (1 + rndn(30));
		g->updated_at = g->closed_at;
		g->version = 2;
		return;
	}
	g->mode = x < 0.95 ? "normal" : x < 0.98 ? "rongque" : "commitment";
	g->accepted_at = aday == cday ? t + 600 + rndn(3600) :
	    aday * 86400 - HALL_TZ + 9 * 3600 + rndn(8 * 3600);
	day_str(aday, g->accepted_day);
	g->budget = instant ? 0 : it->promised;
	g->has_budget = 1;
	day_str(add_working(aday, g->budget), g->due_day);
	g->version = 2;
	/* Closed after a share of the budget (a few late ones). */
	cl = instant ? aday : add_working(aday, (int)(g->budget *
	    (rndf() < 0.03 ? 1.3 : 0.2 + 0.7 * rndf())));
	if (cl < end) {
		double y = rndf();

		g->closed_at = cl * 86400 - HALL_TZ + 9 * 3600 +
		    rndn(8 * 3600);
		if (g->closed_at < g->accepted_at)
			g->closed_at = g->accepted_at + 1800;
		g->decided_at = g->closed_at - 600;
		g->updated_at = g->closed_at;
		g->version = 6;
		if (y < 0.03) {
			g->state = "denied";
			g->decision = "denied";
		} else if (y < 0.04) {
			g->state = "withdrawn";
			g->decided_at = 0;
		} else {
			g->state = "done";
			g->decision = "approved";
		}
		if (g->channel[0] == 'w')
			g->trips = 2;
		return;
	}
	/* Open after acceptance: where it is in the department. */
	{
		double y = rndf();
		int64_t due = add_working(aday, g->budget);

		g->state = y < 0.25 ? "accepted" : y < 0.60 ? "review" :
		    y < 0.80 ? "decide" : y < 0.94 ? "certify" : "suspended";
		g->version = y < 0.25 ? 2 : y < 0.60 ? 3 : y < 0.80 ? 4 :
		    y < 0.94 ? 5 : 4;
		g->updated_at = end * 86400 - HALL_TZ - 3600 * (1 + rndn(48));
		if (g->updated_at < g->accepted_at)
			g->updated_at = g->accepted_at;
		if (strcmp(g->state, "suspended") == 0) {
			g->warn = "paused";
			g->suspend_kind = "special";
			g->due_day[0] = '\0';
			return;
		}
		g->remaining = working_between(end, due);
		g->has_remaining = 1;
		g->warn = g->remaining < 0 ? "red" : g->remaining <= 2 ?
		    "yellow" : "green";
		if (strcmp(g->state, "certify") == 0) {
			g->decision = "approved";
			g->decided_at = g->updated_at;
		}
	}
}

/* SQLite: one prepared INSERT. PostgreSQL: COPY text rows. */
#define CASE_COLS "id, case_no, item_id, item_version_id, dept_id, window_id, " \
	"applicant_kind, applicant_name, applicant_idno, applicant_mobile, " \
	"channel, state, acceptance_mode, accepted_at, accepted_day, " \
	"budget_days, due_day, remaining_days, warn_level, decision, " \
	"decided_at, trips, suspend_kind, created_at, updated_at, closed_at, " \
	"version"

static sqlite3_stmt *ins;
static char *copybuf;
static size_t copylen, copycap;

static void
put_sqlite(const struct casegen *g)
{
	int k = 1;

#define T(v) sqlite3_bind_text(ins, k++, (v), -1, SQLITE_STATIC)
#define TN(v) ((v) != NULL && (v)[0] != '\0' ? T(v) : \
	sqlite3_bind_null(ins, k++))
#define I(v) sqlite3_bind_int64(ins, k++, (v))
#define IN(v, has) ((has) ? I(v) : sqlite3_bind_null(ins, k++))
	I(g->id); T(g->case_no); I(g->item_id); I(g->version_id); I(g->dept_id);
	IN(g->window_id, g->window_id > 0);
	sqlite3_bind_text(ins, k++, g->kind == 'E' ? "E" : "P", 1,
	    SQLITE_STATIC);
	T(g->name); T(g->idno); T(g->mobile); T(g->channel); T(g->state);
	TN(g->mode); IN(g->accepted_at, g->accepted_at > 0);
	TN(g->accepted_day); IN(g->budget, g->has_budget); TN(g->due_day);
	IN(g->remaining, g->has_remaining); TN(g->warn); TN(g->decision);
	IN(g->decided_at, g->decided_at > 0); I(g->trips);
	TN(g->suspend_kind); I(g->created_at); I(g->updated_at);
	IN(g->closed_at, g->closed_at > 0); I(g->version);
#undef T
#undef TN
#undef I
#undef IN
	if (sqlite3_step(ins) != SQLITE_DONE)
		die("insert: %s", sqlite3_errmsg(lite));
	sqlite3_reset(ins);
}

static void
copy_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(copybuf + copylen, copycap - copylen, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < copycap - copylen)
			break;
		copycap = copycap * 2 + 4096;
		copybuf = realloc(copybuf, copycap);
	}
	copylen += (size_t)n;
}

static void
copy_flush(void)
{
	if (copylen > 0 && PQputCopyData(pg, copybuf, (int)copylen) != 1)
		die("COPY: %s", PQerrorMessage(pg));
	copylen = 0;
}

static void
put_pg(const struct casegen *g)
{
	char a[24], dec[24], cl[24], rem[16], bud[16], win[24];

#define S(v) ((v) != NULL && (v)[0] != '\0' ? (v) : "\\N")
#define N(buf, v, has) (snprintf(buf, sizeof(buf), "%" PRId64, \
	(int64_t)(v)), (has) ? buf : "\\N")
	copy_add("%" PRId64 "\t%s\t%" PRId64 "\t%" PRId64 "\t%" PRId64
	    "\t%s\t%c\t%s\t%s\t"
	    "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%" PRId64
	    "\t%" PRId64 "\t%s\t%d\n", g->id, g->case_no, g->item_id,
	    g->version_id, g->dept_id, N(win, g->window_id, g->window_id > 0), g->kind,
	    g->name, g->idno, g->mobile, g->channel, g->state, S(g->mode),
	    N(a, g->accepted_at, g->accepted_at > 0), S(g->accepted_day),
	    N(bud, g->budget, g->has_budget), S(g->due_day),
	    N(rem, g->remaining, g->has_remaining), S(g->warn),
	    S(g->decision), N(dec, g->decided_at, g->decided_at > 0),
	    g->trips, S(g->suspend_kind), g->created_at, g->updated_at,
	    N(cl, g->closed_at, g->closed_at > 0), g->version);
#undef S
#undef N
	if (copylen > (1u << 20))
		copy_flush();
}


#define ADD(c) " " #c " = case_tally_day." #c " + excluded." #c
#define TALLY_DAY_UPSERT " ON CONFLICT (day, dept_id) DO UPDATE SET" \
	ADD(closed) "," ADD(approved) "," ADD(le_one_trip) "," \
	ADD(zero_trip) "," ADD(same_day) "," ADD(online) "," ADD(timed) "," \
	ADD(on_time) "," ADD(days_used) "," ADD(days_limit)
#define TALLY_ITEM_UPSERT " ON CONFLICT (month, item_id) DO UPDATE SET " \
	"closed = case_tally_item.closed + excluded.closed, over_one_trip = " \
	"case_tally_item.over_one_trip + excluded.over_one_trip, max_trips = " \
	"CASE WHEN excluded.max_trips > case_tally_item.max_trips THEN " \
	"excluded.max_trips ELSE case_tally_item.max_trips END"

/* ---- the scoreboard's tallies (service/case/tally.c) ----
 * What the case plan adds to case_tally_day and case_tally_item when a case
 * closes, summed here for the generated closures and written once after
 * the load. Working days count Monday to Friday (no public holidays, as
 * the deadline fields above); the generated cases have no materials and
 * no bundles. */

enum { TD_CLOSED, TD_APPROVED, TD_LE1, TD_ZERO, TD_SAME, TD_ONLINE,
    TD_TIMED, TD_ONTIME, TD_USED, TD_LIMIT, TD__N };

struct titem {
	int closed, over, max;
};

static int64_t *tday;       /* [(day - tfirst) * n_depts + dix][TD__N] */
static struct titem *tmon;  /* [month index * n_items + item] */
static int64_t tfirst;
static int tdays, tmonth0, tmonths;

static int
month_of(int64_t d)
{
	time_t t = (time_t)(d * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static void
tally_init(int64_t first, int64_t end)
{
	tfirst = first;
	tdays = (int)(end - first) + 4;
	tmonth0 = month_of(first);
	tmonths = month_of(end + 4) - tmonth0 + 1;
	tday = calloc((size_t)tdays * (size_t)n_depts * TD__N, sizeof(*tday));
	tmon = calloc((size_t)tmonths * (size_t)n_items, sizeof(*tmon));
	if (tday == NULL || tmon == NULL)
		die("out of memory");
}

static void
tally_case(const struct casegen *g, const struct item *it, int64_t cday)
{
	int64_t cl = (g->closed_at + HALL_TZ) / 86400, *t;
	struct titem *m;
	char day[11];

	if (g->closed_at <= 0 || cl < tfirst || cl >= tfirst + tdays)
		return;
	t = &tday[((cl - tfirst) * n_depts + it->dix) * TD__N];
	t[TD_CLOSED]++;
	t[TD_APPROVED] += g->decision != NULL &&
	    strcmp(g->decision, "approved") == 0;
	t[TD_LE1] += g->trips <= 1;
	t[TD_ZERO] += g->trips == 0;
	t[TD_SAME] += cl == cday;
	t[TD_ONLINE] += g->channel[0] == 'o';
	if (g->accepted_day[0] != '\0' && it->statutory > 0) {
		int used = working_between(day_of(g->accepted_day), cl);

		t[TD_TIMED]++;
		t[TD_USED] += used > 0 ? used : 0;
		t[TD_LIMIT] += it->statutory;
		day_str(cl, day);
		t[TD_ONTIME] += g->due_day[0] == '\0' ||
		    strcmp(day, g->due_day) <= 0;
	}
	m = &tmon[(month_of(cl) - tmonth0) * n_items + (it - items)];
	m->closed++;
	m->over += g->trips > 1;
	if (g->trips > m->max)
		m->max = g->trips;
}

/* Adds the sums to the tallies (the demo may have some already). */
static void
tally_write(void)
{
	char *sql = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rows = 0;

#define FLUSH(tail) do { \
	if (rows > 0) { fputs(tail, f); fclose(f); exec_sql("%s", sql); \
	    free(sql); rows = 0; } } while (0)
	for (int d = 0; d < tdays; d++)
		for (int k = 0; k < n_depts; k++) {
			const int64_t *t = &tday[((int64_t)d * n_depts + k) *
			    TD__N];
			char day[11];

			if (t[TD_CLOSED] == 0)
				continue;
			if (rows == 0) {
				f = open_memstream(&sql, &len);
				fputs("INSERT INTO case_tally_day (day, dept_id, "
				    "closed, approved, le_one_trip, zero_trip, "
				    "same_day, online, timed, on_time, days_used, "
				    "days_limit) VALUES ", f);
			}
			day_str(tfirst + d, day);
			fprintf(f, "%s('%s', %" PRId64, rows ? ", " : "", day,
			    depts[k].id);
			for (int j = 0; j < TD__N; j++)
				fprintf(f, ", %" PRId64, t[j]);
			fputc(')', f);
			if (++rows == 500)
				FLUSH(TALLY_DAY_UPSERT);
		}
	FLUSH(TALLY_DAY_UPSERT);
	for (int mo = 0; mo < tmonths; mo++)
		for (int i = 0; i < n_items; i++) {
			const struct titem *m = &tmon[mo * n_items + i];
			int ym = tmonth0 + mo;

			if (m->closed == 0)
				continue;
			if (rows == 0) {
				f = open_memstream(&sql, &len);
				fputs("INSERT INTO case_tally_item (month, item_id, "
				    "dept_id, closed, over_one_trip, max_trips) "
				    "VALUES ", f);
			}
			fprintf(f, "%s('%04d-%02d', %" PRId64 ", %" PRId64
			    ", %d, %d, %d)", rows ? ", " : "", ym / 12,
			    ym % 12 + 1, items[i].id, items[i].dept_id,
			    m->closed, m->over, m->max);
			if (++rows == 500)
				FLUSH(TALLY_ITEM_UPSERT);
		}
	FLUSH(TALLY_ITEM_UPSERT);
#undef FLUSH
	free(tday);
	free(tmon);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Secondary indexes of cases (not the constraints'), to drop and rebuild. */
static struct rows
case_indexes(void)
{
	if (lite != NULL)
		return query("SELECT name, sql FROM sqlite_master WHERE "
		    "type = 'index' AND tbl_name = 'cases' AND sql IS NOT NULL");
	/* cases is partitioned (migration 141): the definition says
	 * "ON ONLY", which would build the parent's index alone. */
	return query("SELECT i.indexname, replace(i.indexdef, ' ON ONLY ', "
	    "' ON ') FROM pg_indexes i WHERE i.tablename = 'cases' AND NOT "
	    "EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = "
	    "i.indexname)");
}

int
main(int argc, char **argv)
{
	const char *url = NULL, *end_s = "2026-09-29";
	long n = 1000000, done = 0;
	int64_t end, first, n0, now = (int64_t)time(NULL);
	double wsum = 0, total_w = 0;
	struct rows idx;
	struct timespec t0, t1;
	char first_s[11];
	int sample = 0, add = 0;
	struct rows taken;
	const char *sql = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			url = argv[++i];
		else if (strcmp(argv[i], "--cases") == 0 && i + 1 < argc)
			n = atol(argv[++i]);
		else if (strcmp(argv[i], "--end") == 0 && i + 1 < argc)
			end_s = argv[++i];
		else if (strcmp(argv[i], "--sql") == 0 && i + 1 < argc)
			sql = argv[++i];
		else if (strcmp(argv[i], "--items") == 0 && i + 1 < argc)
			add = atoi(argv[++i]);
		else if (strcmp(argv[i], "--sample") == 0 && i + 1 < argc)
			sample = atoi(argv[++i]);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			rng_state ^= strtoull(argv[++i], NULL, 10) * 0x2545F4914F6CDD1DULL;
		else {
			fprintf(stderr, "usage: gen-cases --db URL [--cases N] "
			    "[--end YYYY-MM-DD] [--seed S] | --items N | "
			    "--sql Q | --sample N\n");
			return 2;
		}
	}
	if (url == NULL)
		url = getenv("ONETRIP_DB");
	if (url == NULL || n <= 0)
		die("--db URL and a positive --cases are required");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (strncmp(url, "sqlite:", 7) == 0) {
		if (sqlite3_open(url + 7, &lite) != SQLITE_OK)
			die("%s: %s", url, sqlite3_errmsg(lite));
		sqlite3_busy_timeout(lite, 10000);
		/* A bulk load: a crash means starting again, so no fsync per
		 * batch; the final checkpoint makes it durable. */
		exec_sql("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; "
		    "PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY; "
		    "PRAGMA foreign_keys = ON");
	} else {
		pg = PQconnectdb(url);
		if (PQstatus(pg) != CONNECTION_OK)
			die("%s", PQerrorMessage(pg));
		exec_sql("SET client_min_messages = warning; "
		    "SET synchronous_commit = off; "
		    "SET maintenance_work_mem = '512MB'");
	}
	if (sql != NULL) {
		/* A query for the benchmark scripts: rows tab-separated. */
		struct rows r = query("%s", sql);

		for (int i = 0; i < r.n; i++)
			for (int c = 0; c < r.ncol; c++)
				printf("%s%c", r.v[i * r.ncol + c],
				    c + 1 < r.ncol ? '\t' : '\n');
		rows_free(&r);
		return 0;
	}
	if (sample > 0) {
		/* N cases spread over the table: "case_no<TAB>idno" lines.
		 * The ids of a year are one range (year * 10^10 + n): a
		 * random point in the sum of the ranges, then the first id
		 * from it. */
		struct rows y = query("SELECT MIN(id), MAX(id) FROM cases "
		    "GROUP BY id / %lld ORDER BY 1", (long long)CASE_ID_YEAR);
		struct rows r;
		uint64_t span = 0;

		for (int k = 0; k < y.n; k++)
			span += (uint64_t)(strtoll(y.v[k * 2 + 1], NULL, 10) -
			    strtoll(y.v[k * 2], NULL, 10) + 1);
		for (int i = 0; i < sample && span > 0; i++) {
			uint64_t at = rnd() % span;
			int64_t from = 0;

			for (int k = 0; k < y.n; k++) {
				int64_t lo = strtoll(y.v[k * 2], NULL, 10);
				uint64_t len = (uint64_t)(strtoll(y.v[k * 2 +
				    1], NULL, 10) - lo + 1);

				if (at < len) {
					from = lo + (int64_t)at;
					break;
				}
				at -= len;
			}
			r = query("SELECT case_no, applicant_idno FROM cases "
			    "WHERE id >= %" PRId64 " ORDER BY id LIMIT 1",
			    from);
			if (r.n > 0)
				printf("%s\t%s\n", r.v[0], r.v[1]);
			rows_free(&r);
		}
		rows_free(&y);
		return 0;
	}
	if (add > 0) {
		/* Catalogue items only (no cases): bench/indicators.sh. */
		add_items(add, day_of(end_s));
		exec_sql("ANALYZE");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("added %d published items in %.1f s\n", add,
		    (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		return 0;
	}
	/* The demo's own cases (a few hundred) may stay: the generated case
	 * numbers skip theirs. */
	if (query_int("SELECT COUNT(*) FROM cases") > 10000)
		die("the database already has generated cases");
	taken = query("SELECT case_no FROM cases ORDER BY case_no");
	n0 = query_int("SELECT COALESCE(MAX(id % 10000000000), 0) FROM cases");
	qsort(taken.v, (size_t)taken.n, sizeof(char *), cmp_str);
	exec_sql("BEGIN");
	setup_catalogue(now);
	load_catalogue();
	exec_sql("COMMIT");
	if (n_depts < 60)
		fprintf(stderr, "gen-cases: warning: only %d departments with "
		    "items\n", n_depts);

	end = day_of(end_s);
	first = end - DAYS;
	for (int64_t d = first; d < end; d++)
		total_w += weekday(d) < 5 ? 1.0 : 0.12;
	for (int d = 0; d < n_depts; d++)
		wsum += depts[d].weight;
	tally_init(first, end);

	idx = case_indexes();
	exec_sql("BEGIN");
	/* A year's partition, as the hall would have added it
	 * (docs/archive.md), for every year generated. */
	for (int64_t y = day_year(first); pg != NULL && y <= day_year(end - 1);
	    y++) {
		struct rows r = query("SELECT cases_add_year(%" PRId64 ")", y);

		rows_free(&r);
	}
	for (int i = 0; i < idx.n; i++)
		exec_sql("DROP INDEX %s", idx.v[i * 2]);
	if (lite != NULL) {
		if (sqlite3_prepare_v2(lite, "INSERT INTO cases (" CASE_COLS
		    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &ins, NULL) !=
		    SQLITE_OK)
			die("%s", sqlite3_errmsg(lite));
	} else {
		PGresult *r = PQexec(pg, "COPY cases (" CASE_COLS
		    ") FROM STDIN");

		if (PQresultStatus(r) != PGRES_COPY_IN)
			die("COPY: %s", PQerrorMessage(pg));
		PQclear(r);
	}

	{
		double carry = 0;

		for (int64_t d = first; d < end && done < n; d++) {
			double want = (double)n * (weekday(d) < 5 ? 1.0 :
			    0.12) / total_w + carry;
			long today = d == end - 1 ? n - done : (long)want;
			char ymd[11], compact[9];

			carry = want - (double)today;
			if (today > n - done)
				today = n - done;
			day_str(d, ymd);
			snprintf(compact, sizeof(compact), "%.4s%.2s%.2s", ymd,
			    ymd + 5, ymd + 8);
			for (int i = 0; i < n_items; i++)
				items[i].seq = 0;
			for (long j = 0; j < today; j++) {
				struct item *it = pick_item(wsum);
				struct item *ow = &items[it->owner];
				struct casegen g;
				int a;

				memset(&g, 0, sizeof(g));
				g.id = day_year(d) * CASE_ID_YEAR + n0 + done +
				    1;
				do {
					const char *key = g.case_no;

					ow->seq++;
					snprintf(g.case_no, sizeof(g.case_no),
					    "%s%s%04d", it->impl, compact,
					    ow->seq);
					if (taken.n == 0 || bsearch(&key,
					    taken.v, (size_t)taken.n,
					    sizeof(char *), cmp_str) == NULL)
						break;
				} while (1);
				g.item_id = it->id;
				g.version_id = it->version_id;
				g.dept_id = it->dept_id;
				g.channel = it->window_id > 0 &&
				    (!it->online || rndf() < 0.6) ?
				    "window" : "online";
				g.window_id = g.channel[0] == 'w' ?
				    it->window_id : 0;
				g.trips = g.channel[0] == 'w' ? 1 : 0;
				a = rndn(PEOPLE + FIRMS);
				if (a < PEOPLE) {
					g.kind = 'P';
					person(a, g.idno, g.name,
					    sizeof(g.name));
				} else {
					g.kind = 'E';
					firm(a - PEOPLE, g.idno, g.name,
					    sizeof(g.name));
				}
				snprintf(g.mobile, sizeof(g.mobile),
				    "139%08d", a % 100000000);
				g.created_at = d * 86400 - HALL_TZ +
				    (weekday(d) < 5 ? 8 * 3600 + 1800 +
				    rndn(9 * 3600) : rndn(86400));
				life(&g, it, d, g.created_at, end);
				tally_case(&g, it, d);
				if (lite != NULL)
					put_sqlite(&g);
				else
					put_pg(&g);
				done++;
				if (lite != NULL && done % 200000 == 0) {
					exec_sql("COMMIT");
					exec_sql("BEGIN");
				}
			}
		}
	}
	if (lite != NULL) {
		sqlite3_finalize(ins);
	} else {
		PGresult *r;

		copy_flush();
		if (PQputCopyEnd(pg, NULL) != 1)
			die("COPY end: %s", PQerrorMessage(pg));
		r = PQgetResult(pg);
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			die("COPY: %s", PQerrorMessage(pg));
		PQclear(r);
	}
	/* Their numbers, as case_number_take registers them; PostgreSQL's
	 * sequence goes on after the last n. */
	exec_sql("INSERT INTO case_numbers (case_no, case_id) SELECT case_no, "
	    "id FROM cases WHERE id %% %lld > %" PRId64, (long long)CASE_ID_YEAR,
	    n0);
	if (pg != NULL) {
		struct rows r = query("SELECT setval('cases_id_seq', %" PRId64
		    ")", n0 + (int64_t)done);

		rows_free(&r);
	}
	exec_sql("COMMIT");
	exec_sql("BEGIN");
	tally_write();
	exec_sql("COMMIT");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "gen-cases: %ld cases in %.1f s; rebuilding %d "
	    "indexes\n", done, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, idx.n);
	for (int i = 0; i < idx.n; i++)
		exec_sql("%s", idx.v[i * 2 + 1]);
	rows_free(&idx);
	rows_free(&taken);
	/* PostgreSQL: VACUUM too, as autovacuum would soon after such a
	 * load: it sets the visibility map (index-only scans) and the hint
	 * bits, which the first readers would otherwise write. */
	exec_sql(lite != NULL ? "ANALYZE" : "VACUUM (ANALYZE)");
	if (lite != NULL) {
		exec_sql("PRAGMA wal_checkpoint(TRUNCATE)");
		sqlite3_close(lite);
	} else {
		PQfinish(pg);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	day_str(first, first_s);
	printf("generated %ld cases over %d departments and %d items, "
	    "%s to %s (excluded), in %.1f s\n", done, n_depts, n_items,
	    first_s, end_s, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
