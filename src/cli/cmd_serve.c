/* cmd_serve.c - `onetrip serve`: open and migrate the database, start the
 * HTTP server, wait for SIGTERM/SIGINT, stop gracefully. */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "docs/pdf.h"
#include "base/clock.h"
#include "base/config.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "demo/demo.h"
#include "store/db.h"

/* Default worker threads per core (SQLite, PostgreSQL) and at most. */
#define SERVE_THREADS_PER_CPU_SQLITE 8
#define SERVE_THREADS_PER_CPU_PG 2
#define SERVE_THREADS_MAX 64

static void
serve_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip serve [--listen HOST:PORT] [--db URL] [--var DIR]\n"
	    "                    [--static DIR] [--public-url URL] [--threads N]\n"
	    "                    [--secure-cookies] [--now 2026-09-28T09:00:00+08:00]\n"
	    "                    [--no-jobs]\n"
	    "  --listen   监听地址，默认 127.0.0.1:8080（端口 0 表示自动选择）\n"
	    "  --db       数据库，默认取配置项 db（sqlite:var/onetrip.db）\n"
	    "  --var      数据目录（上传文件、印章密钥），默认 var\n"
	    "  --static   前端页面目录，默认 web/dist\n"
	    "  --public-url  文书和二维码中使用的访问地址\n"
	    "  --now      把系统时钟设为指定时刻（演示和测试用，须带时区）\n"
	    "  --no-jobs  不运行后台任务（期限预警、文书生成、短信发送），\n"
	    "             可用 onetrip jobs run-once 手动执行\n"
	    "配置项 http.listen、var、http.static_dir、http.public_url、http.threads\n"
	    "分别作为对应参数的默认值（--config FILE、--set key=value）。就绪后输出一行\n"
	    "\"onetrip listening on http://HOST:PORT\"；收到 SIGTERM/SIGINT 后平稳退出。\n");
}

/* A command-line flag wins over the configuration (base/config.h); it is
 * recorded there, so that the settings page shows the value in effect and
 * that it came from the command line. */
static const char *
flag_or(const char *flag, const char *key)
{
	struct err e;

	err_clear(&e);
	if (flag != NULL && config_set(key, flag, &e) == 0)
		return config_str(key);
	return flag != NULL ? flag : config_str(key);
}

/* Lists the demo accounts of a SQLite database, so that `make run` shows
 * how to log in. Prints nothing when there are none. */
/* db.read_url: a second handle on the PostgreSQL standby for the routes
 * marked standby; nothing is migrated there (the primary's changes arrive
 * by replication). */
static int
open_read_db(struct app *app)
{
	const char *url = app->cfg.read_url;
	struct err e;

	if (url == NULL || url[0] == '\0')
		return CLI_OK;
	if (db_kind(app->db) != DB_POSTGRES ||
	    (strncmp(url, "postgresql://", 13) != 0 &&
	    strncmp(url, "postgres://", 11) != 0)) {
		fprintf(stderr, "onetrip serve: db.read_url 只用于 PostgreSQL "
		    "（主库 db 与只读库都须为 postgresql://…）\n");
		return CLI_FAIL;
	}
	err_clear(&e);
	if (db_open(&app->db_read, url, &e) != 0) {
		fprintf(stderr, "onetrip serve: 无法打开只读数据库 (db.read_url): "
		    "%s\n", e.msg);
		app->db_read = NULL;
		return CLI_FAIL;
	}
	fprintf(stderr, "onetrip serve: 公开的只读查询由 %s 应答\n",
	    db_url_safe(app->db_read));
	return CLI_OK;
}

static void
print_demo_accounts(struct db *db)
{
	struct err e;
	json_t *rows;
	size_t i;
	json_t *row;

	if (db_kind(db) != DB_SQLITE)
		return;
	err_clear(&e);
	rows = demo_accounts(db, &e);
	if (rows == NULL || json_array_size(rows) == 0) {
		json_decref(rows);
		return;
	}
	printf("演示账号（密码均为 %s）:\n", DEMO_PASSWORD);
	json_array_foreach(rows, i, row) {
		printf("  %-20s %s\n",
		    json_string_value(json_object_get(row, "login")),
		    json_string_value(json_object_get(row, "label")));
	}
	json_decref(rows);
}

int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "var", required_argument, NULL, 'v' },
		{ "static", required_argument, NULL, 's' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "threads", required_argument, NULL, 't' },
		{ "secure-cookies", no_argument, NULL, 'S' },
		{ "now", required_argument, NULL, 'n' },
		{ "no-jobs", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = NULL, *db_flag = NULL, *var = NULL, *stat_dir = NULL;
	const char *public_url = NULL, *now = NULL;
	char public_buf[300], host[256];
	struct server_opts so;
	struct http_hooks hooks;
	char tmp_dir[4096];
	long ncpu;
	struct server *srv = NULL;
	struct app app;
	struct stat st;
	struct err e;
	sigset_t set;
	unsigned threads = 0;
	bool secure = false, no_jobs = false;
	int64_t now_t = 0;
	const char *colon;
	int ch, sig = 0;
	char *end;
	long lv;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'd': db_flag = optarg; break;
		case 'v': var = optarg; break;
		case 's': stat_dir = optarg; break;
		case 'u': public_url = optarg; break;
		case 'S': secure = true; break;
		case 'n': now = optarg; break;
		case 'J': no_jobs = true; break;
		case 't':
			lv = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || lv < 1 || lv > 256)
				return cli_bad_usage("serve", "--threads 须为 1-256");
			threads = (unsigned)lv;
			break;
		case 'h':
			serve_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("serve", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_bad_usage("serve", "多余的参数 %s", argv[optind]);
	listen = flag_or(listen, "http.listen");
	var = flag_or(var, "var");
	stat_dir = flag_or(stat_dir, "http.static_dir");
	public_url = flag_or(public_url, "http.public_url");
	if (public_url[0] == '\0')
		public_url = NULL;
	secure = secure || config_bool("http.secure_cookies");
	if (threads == 0)
		threads = (unsigned)config_int("http.threads");
	colon = strrchr(listen, ':');
	if (colon == NULL || colon == listen || colon[1] == '\0' ||
	    (size_t)(colon - listen) >= sizeof(host))
		return cli_bad_usage("serve", "--listen 须为 HOST:PORT");
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	if (now != NULL) {
		if (cli_parse_instant(now, &now_t) != 0)
			return cli_bad_usage("serve", "--now 须为带时区的 ISO-8601 "
			    "时刻，例如 2026-09-28T09:00:00+08:00");
		clock_set_now(now_t);
	}
	/* Block the signals before any thread exists (and before the
	 * migrations, so an early SIGTERM still ends in a graceful stop):
	 * every worker inherits the mask and only sigwait() below receives
	 * them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cli_make_var_dirs(var) != CLI_OK)
		return CLI_FAIL;
	if (cli_open_app_var(&app, flag_or(db_flag, "db"), var, true) !=
	    CLI_OK)
		return CLI_FAIL;
	if (open_read_db(&app) != CLI_OK) {
		cli_close_app(&app);
		return CLI_FAIL;
	}
	app.cfg.listen = listen;
	app.cfg.var_dir = var;
	app.cfg.secure_cookies = secure;
	if (stat(stat_dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		app.cfg.static_dir = stat_dir;
	} else {
		fprintf(stderr, "onetrip serve: 前端目录 %s 不存在，只提供接口\n",
		    stat_dir);
		app.cfg.static_dir = NULL;
	}
	if (public_url != NULL)
		app.cfg.public_url = public_url;

	if (threads == 0) {
		/* Handlers wait on the database. On SQLite more threads
		 * than cores keep the cores busy while others wait for the
		 * writer, and more waiting transactions share a commit; on
		 * PostgreSQL each thread is a server process on the same
		 * cores, and more of them queue on the same row locks
		 * (bench/README.md §3). */
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		threads = (ncpu > 0 ? (unsigned)ncpu : 1) *
		    (db_kind(app.db) == DB_SQLITE ?
		    SERVE_THREADS_PER_CPU_SQLITE : SERVE_THREADS_PER_CPU_PG);
		if (threads > SERVE_THREADS_MAX)
			threads = SERVE_THREADS_MAX;
	}
	memset(&so, 0, sizeof(so));
	so.listen = listen;
	so.static_dir = app.cfg.static_dir;
	so.threads = threads;
	so.per_ip_conns = (unsigned)config_int("http.max_conns_per_ip");
	so.header_deadline_s = (unsigned)config_int("http.header_timeout_s");
	so.body_min_rate = (unsigned)config_int("http.body_min_rate");
	so.spool_bytes = (size_t)config_int("http.body_spool_kb") << 10;
	so.body_memory = (size_t)config_int("http.body_memory_mb") << 20;
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/tmp", var);
	so.tmp_dir = tmp_dir;
	app_http_hooks(&app, &hooks);
	err_clear(&e);
	if (server_start(&srv, &hooks, &so, &e) != 0) {
		fprintf(stderr, "onetrip serve: 无法在 %s 启动服务: %s\n", listen,
		    e.msg);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	if (public_url == NULL) {
		/* Nobody can know a port-0 address before the line below is
		 * printed, so no request reads public_url while it changes. */
		snprintf(public_buf, sizeof(public_buf), "http://%s:%u", host,
		    server_port(srv));
		app.cfg.public_url = public_buf;
	}
	server_set_public_url(srv, app.cfg.public_url);
	if (server_set_device_url(srv, config_str("devices.url")) != 0) {
		fprintf(stderr, "onetrip serve: devices.url 只能是 "
		    "http://127.0.0.1:端口 或 http://localhost:端口（窗口本机的"
		    "外设服务），现为“%s”\n", config_str("devices.url"));
		server_stop(srv);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	if (!no_jobs && jobs_start(&app, &e) != 0) {
		fprintf(stderr, "onetrip serve: 无法启动后台任务: %s\n", e.msg);
		server_stop(srv);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	printf("onetrip listening on http://%s:%u\n", host, server_port(srv));
	print_demo_accounts(app.db);
	fflush(stdout);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "onetrip serve: 收到信号 %d，正在停止\n", sig);
	jobs_stop();
	server_stop(srv);
	cli_close_app(&app);
	/* Every thread that rendered has ended: fontconfig's and cairo's
	 * caches go too, so that leak checks see a clean exit. */
	docs_fonts_release();
	return CLI_OK;
}
