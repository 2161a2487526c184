/* common.c - what every command needs: the database URL, opening and
 * migrating the database, the var directory, error printing. */
#include "cli/cli.h"
#include "cli/common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app.h"
#include "base/config.h"
#include "service/hall/hall.h"
#include "service/platform/platform.h"
#include "service/rating/rating.h"
#include "service/records/records.h"
#include "store/db.h"

const char *
cli_db_url(const char *flag_value)
{
	if (flag_value != NULL && flag_value[0] != '\0')
		return flag_value;
	return config_str("db");
}

int
cli_open_app(struct app *app, const char *db_url)
{
	return cli_open_app_var(app, db_url, NULL, false);
}

int
cli_open_app_var(struct app *app, const char *db_url, const char *var,
    bool create_key)
{
	struct actor sys;
	struct ctx c;
	struct err e;
	int applied = 0;

	err_clear(&e);
	config_defaults(&app->cfg);
	app->cfg.db_url = db_url;
	if (var != NULL)
		app->cfg.var_dir = var;
	app->db = NULL;
	app->db_read = NULL;
	if (db_open(&app->db, db_url, &e) != 0) {
		fprintf(stderr, "onetrip: 无法打开数据库 %s: %s\n", db_url, e.msg);
		app->db = NULL;
		return CLI_FAIL;
	}
	if (db_migrate(app->db, &applied, &e) != 0) {
		fprintf(stderr, "onetrip: 数据库升级失败 (%s): %s\n",
		    db_url_safe(app->db), e.msg);
		db_close(app->db);
		app->db = NULL;
		return CLI_FAIL;
	}
	/* The audit chain's key (<var>/keys/audit.key), made by the commands
	 * that set up a data directory. */
	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = app->db;
	c.cfg = &app->cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	if (audit_key_setup(&c, app->cfg.var_dir, create_key, &e) != 0) {
		fprintf(stderr, "onetrip: %s\n", e.msg);
		db_close(app->db);
		app->db = NULL;
		return CLI_FAIL;
	}
	/* The rating's link on every 受理通知书 (records cannot call the
	 * rating domain above it). */
	documents_set_notice_link(rating_notice_link);
	return CLI_OK;
}

void
cli_close_app(struct app *app)
{
	if (app->db_read != NULL)
		db_close(app->db_read);
	app->db_read = NULL;
	if (app->db != NULL)
		db_close(app->db);
	app->db = NULL;
}

static int
make_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	fprintf(stderr, "onetrip: 无法创建目录 %s: %s\n", path,
	    strerror(errno));
	return -1;
}

int
cli_make_var_dirs(const char *dir)
{
	static const char *const subs[] = { "files", "keys" };
	char path[4096];

	if (dir == NULL || dir[0] == '\0' || strlen(dir) > 3000) {
		fprintf(stderr, "onetrip: 数据目录无效\n");
		return CLI_FAIL;
	}
	if (make_dir(dir, 0750) != 0)
		return CLI_FAIL;
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		if (make_dir(path, 0700) != 0)
			return CLI_FAIL;
	}
	return CLI_OK;
}

void
cli_print_err(const char *cmd, const struct err *e)
{
	fprintf(stderr, "onetrip %s: %s", cmd,
	    e->msg[0] != '\0' ? e->msg : "操作失败");
	if (e->field[0] != '\0')
		fprintf(stderr, "（字段 %s）", e->field);
	fputc('\n', stderr);
}

int
cli_bad_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "onetrip %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n（onetrip %s --help 查看用法）\n", cmd);
	return CLI_USAGE;
}

bool
cli_all_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int
cli_resolve_dept(const char *cmd, struct db *db, const char *arg,
    int64_t *out)
{
	struct actor sys;
	struct ctx c;
	struct err e;

	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	if (hall_department_resolve(&c, arg, out, &e) != 0) {
		if (e.code == ERR_NOT_FOUND)
			fprintf(stderr, "onetrip %s: %s\n", cmd, e.msg);
		else
			cli_print_err(cmd, &e);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|+HHMM)" into Unix seconds. */
int
cli_parse_instant(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
	const char *p;
	struct tm tm;
	int64_t t;
	int sign;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5 ||
	    n != 16)
		return -1;
	p = s + n;
	if (*p == ':') {
		if (sscanf(p, ":%2d%n", &sec, &n) != 1 || n != 3)
			return -1;
		p += n;
	}
	if (*p == 'Z' && p[1] == '\0') {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		sign = *p == '+' ? 1 : -1;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2)
			return -1;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 5) {
		sign = *p == '+' ? 1 : -1;
		if (sscanf(p + 1, "%2d%2d", &oh, &om) != 2)
			return -1;
	} else {
		return -1;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || oh > 14 || om > 59 ||
	    h < 0 || mi < 0 || sec < 0 || oh < 0 || om < 0)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	/* timegm normalises 31 February into March: refuse such dates. */
	if (tm.tm_mday != d || tm.tm_mon != mo - 1)
		return -1;
	*out = t - (int64_t)sign * (oh * 3600 + om * 60);
	return 0;
}
