/* cmd_calendar.c - `onetrip calendar`: working-day arithmetic on the
 * command line.
 *
 *   onetrip calendar deadline YYYY-MM-DD N [--db URL]
 *       prints the due date of N working days counted from acceptance on
 *       that date (working day 1 = the first working day after it);
 *   onetrip calendar show YYYY [--db URL]
 *       lists the year's holidays and 调休 working days;
 *   onetrip calendar load YYYY FILE [--db URL]
 *       loads the year's schedule (the State Council's notice, in the
 *       format of data/holidays/YYYY.txt) into the database's calendar and
 *       recomputes the open cases' deadlines (case_calendar_load()).
 *
 * The embedded national schedule (data/holidays) is always used. With --db
 * (or ONETRIP_DB), the hall's own edits in the calendar_overrides table
 * (day TEXT 'YYYY-MM-DD', kind TEXT 'off'|'work', name TEXT) are applied on
 * top; a database without that table (older schema) adds nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "cli/cli.h"
#include "core/calendar.h"
#include "core/deadline.h"
#include "service/platform/platform.h"
#include "service/case/case.h"
#include "store/db.h"

static void
usage(FILE *f)
{
	fputs("用法：onetrip calendar deadline YYYY-MM-DD N [--db URL]\n"
	    "      按工作日计算办结期限：自受理日的次一工作日起算第 N 个工作日\n"
	    "      onetrip calendar show YYYY [--db URL]\n"
	    "      列出该年的法定节假日和调休上班日\n"
	    "      onetrip calendar load YYYY FILE --db URL\n"
	    "      载入该年的全年节假日安排（格式同 data/holidays/YYYY.txt），"
	    "并重算在办件的办结时限\n"
	    "Usage: onetrip calendar deadline YYYY-MM-DD N [--db URL]\n"
	    "       onetrip calendar show YYYY [--db URL]\n"
	    "       onetrip calendar load YYYY FILE --db URL\n", f);
}

static int
bad_usage(const char *msg)
{
	if (msg != NULL)
		fprintf(stderr, "onetrip calendar: %s\n", msg);
	usage(stderr);
	return CLI_USAGE;
}

/* Parses a decimal integer in [lo, hi]; only digits allowed. */
static int
parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL || s[0] < '0' || s[0] > '9' || strlen(s) > 9)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The calendar: the embedded years, plus, with --db, the hall's edits as
 * the server sees them (the same builder the deadline service uses). */
static int
load(struct calendar **out, const char *db_url)
{
	struct calendar *cal;
	struct actor system;
	struct ctx c;
	struct db *db = NULL;
	struct err e;

	*out = NULL;
	err_clear(&e);
	if (db_url == NULL || db_url[0] == '\0') {
		cal = calendar_new();
		if (cal == NULL) {
			fputs("onetrip calendar: 内存不足\n", stderr);
			return CLI_FAIL;
		}
		if (calendar_load_embedded(cal, &e) != 0) {
			fprintf(stderr, "onetrip calendar: %s\n", e.msg);
			calendar_free(cal);
			return CLI_FAIL;
		}
		*out = cal;
		return CLI_OK;
	}
	if (strncmp(db_url, "sqlite:", 7) == 0 && access(db_url + 7, F_OK) != 0) {
		fprintf(stderr, "onetrip calendar: 数据库文件不存在：%s\n",
		    db_url + 7);
		return CLI_FAIL;
	}
	if (db_open(&db, db_url, &e) != 0) {
		fprintf(stderr, "onetrip calendar: 无法打开数据库：%s\n", e.msg);
		return CLI_FAIL;
	}
	actor_system(&system, "cli");
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.actor = &system;
	c.client_ip = "";
	c.request_id = "";
	if (case_calendar_build(&c, out, &e) != 0) {
		fprintf(stderr, "onetrip calendar: 无法读取工作日历：%s\n", e.msg);
		db_close(db);
		return CLI_FAIL;
	}
	db_close(db);
	return CLI_OK;
}

static void
warn_years(const struct calendar *cal, int32_t from, int32_t to)
{
	int y1, y2, m, d;

	calendar_day_to_ymd(from, &y1, &m, &d);
	calendar_day_to_ymd(to, &y2, &m, &d);
	for (int y = y1; y <= y2; y++)
		if (!calendar_has_year(cal, y))
			fprintf(stderr, "onetrip calendar: 注意：%d 年的节假日安排"
			    "尚未录入，只按周六、周日休息计算\n", y);
}

static int
do_deadline(const char *date, const char *n_arg, const char *db_url)
{
	struct calendar *cal = NULL;
	struct err e;
	int32_t accepted, due;
	long n;
	char ds[11];
	int rc;

	if (calendar_day_parse(date, &accepted, &e) != 0)
		return bad_usage(e.msg);
	if (parse_int(n_arg, 0, DEADLINE_MAX_BUDGET, &n) != 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "工作日数 N 应为 0 至 %d 的整数",
		    DEADLINE_MAX_BUDGET);
		return bad_usage(msg);
	}
	rc = load(&cal, db_url);
	if (rc != CLI_OK)
		return rc;
	if (deadline_compute(cal, accepted, (int)n, NULL, 0, 0, &due,
	    &e) != 0) {
		fprintf(stderr, "onetrip calendar: %s\n", e.msg);
		calendar_free(cal);
		return CLI_FAIL;
	}
	warn_years(cal, accepted, due);
	printf("%s\n", calendar_day_format(due, ds));
	calendar_free(cal);
	return CLI_OK;
}

static int
do_show(const char *year, const char *db_url)
{
	struct calendar *cal = NULL;
	int32_t first, last;
	long y;
	size_t i;
	int rc;

	if (parse_int(year, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &y) != 0 ||
	    strlen(year) != 4)
		return bad_usage("年份应为四位数字，如 2026");
	rc = load(&cal, db_url);
	if (rc != CLI_OK)
		return rc;
	first = calendar_day_from_ymd((int)y, 1, 1);
	last = calendar_day_from_ymd((int)y, 12, 31);
	if (!calendar_has_year(cal, (int)y)) {
		fprintf(stderr, "onetrip calendar: %ld 年的节假日安排尚未录入，"
		    "只按周六、周日休息计算\n", y);
		calendar_free(cal);
		return CLI_OK;
	}
	printf("%ld 年法定节假日与调休上班日：\n", y);
	for (i = calendar_lower_bound(cal, first); i < calendar_count(cal);
	    i++) {
		const struct calendar_override *o = calendar_at(cal, i);
		char ds[11];

		if (o->day > last)
			break;
		printf("%s %s %s %s\n", calendar_day_format(o->day, ds),
		    calendar_weekday_label(o->day),
		    o->kind == CALENDAR_OFF ? "放假" : "上班", o->name);
	}
	calendar_free(cal);
	return CLI_OK;
}

static int
do_load(const char *year, const char *file, const char *db_url)
{
	struct actor system;
	struct ctx c;
	struct db *db = NULL;
	struct err e;
	json_t *out = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	long y;
	int rc = CLI_FAIL;

	if (parse_int(year, CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX, &y) != 0 ||
	    strlen(year) != 4)
		return bad_usage("年份应为四位数字，如 2027");
	if (db_url == NULL || db_url[0] == '\0')
		return bad_usage("载入节假日安排需要 --db（或 ONETRIP_DB）");
	f = fopen(file, "rb");
	if (f == NULL) {
		fprintf(stderr, "onetrip calendar: 无法读取 %s：%s\n", file,
		    strerror(errno));
		return CLI_FAIL;
	}
	text = malloc(CALENDAR_TEXT_MAX + 2);
	if (text != NULL)
		len = fread(text, 1, CALENDAR_TEXT_MAX + 1, f);
	fclose(f);
	if (text == NULL) {
		fputs("onetrip calendar: 内存不足\n", stderr);
		return CLI_FAIL;
	}
	text[len] = '\0';
	if (len > CALENDAR_TEXT_MAX || strlen(text) != len) {
		fprintf(stderr, "onetrip calendar: %s 不是节假日安排文本\n", file);
		goto out;
	}
	err_clear(&e);
	if (strncmp(db_url, "sqlite:", 7) == 0 && access(db_url + 7, F_OK) != 0) {
		fprintf(stderr, "onetrip calendar: 数据库文件不存在：%s\n",
		    db_url + 7);
		goto out;
	}
	if (db_open(&db, db_url, &e) != 0) {
		fprintf(stderr, "onetrip calendar: 无法打开数据库：%s\n", e.msg);
		goto out;
	}
	actor_system(&system, "cli");
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.actor = &system;
	c.client_ip = "";
	c.request_id = "";
	if (case_calendar_load(&c, (int)y, text, &out, &e) != 0) {
		fprintf(stderr, "onetrip calendar: %s\n", e.msg);
		goto out;
	}
	printf("已载入 %ld 年节假日安排 %lld 天，重新计算在办件 %lld 件\n", y,
	    (long long)json_integer_value(json_object_get(out, "days")),
	    (long long)json_integer_value(json_object_get(out, "recomputed")));
	rc = CLI_OK;
out:
	json_decref(out);
	if (db != NULL)
		db_close(db);
	free(text);
	return rc;
}

int
cmd_calendar(int argc, char **argv)
{
	const char *pos[3] = { NULL, NULL, NULL };
	const char *db_url = getenv("ONETRIP_DB");
	int npos = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return CLI_OK;
		} else if (strcmp(a, "--db") == 0) {
			if (i + 1 >= argc)
				return bad_usage("--db 需要一个参数");
			db_url = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			db_url = a + 5;
		} else if (a[0] == '-' && a[1] == '-') {
			return bad_usage("未知选项");
		} else {
			if (npos >= 3)
				return bad_usage("参数过多");
			pos[npos++] = a;
		}
	}
	if (npos == 0)
		return bad_usage(NULL);
	if (strcmp(pos[0], "deadline") == 0) {
		if (npos != 3)
			return bad_usage("需要受理日期和工作日数");
		return do_deadline(pos[1], pos[2], db_url);
	}
	if (strcmp(pos[0], "show") == 0) {
		if (npos != 2)
			return bad_usage("需要年份");
		return do_show(pos[1], db_url);
	}
	if (strcmp(pos[0], "load") == 0) {
		if (npos != 3)
			return bad_usage("需要年份和安排文件");
		return do_load(pos[1], pos[2], db_url);
	}
	return bad_usage("未知的子命令");
}
