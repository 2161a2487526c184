/* cmd_jobs.c - `onetrip jobs run-once [--db URL] [--var DIR] [--now ISO]`:
 * runs every background job once, now, in this process (deadline sweeper,
 * document renderer, outbox delivery), as `onetrip serve` does every few
 * seconds. For cron-style operation, tests and demos. Exit 0 when every
 * job succeeded, 1 otherwise (the errors are printed). */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "base/config.h"
#include "base/clock.h"
#include "jobs/jobs.h"
#include "store/db.h"

static void
jobs_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip jobs run-once [--db URL] [--var DIR] [--now 时刻]\n"
	    "  立即执行一遍后台任务：办件期限检查与预警、文书生成、短信发送\n"
	    "  --db   数据库，默认取环境变量 ONETRIP_DB\n"
	    "  --var  数据目录，默认取配置项 var\n"
	    "  --now  把系统时钟设为指定时刻（演示和测试用，须带时区），\n"
	    "         例如 2026-09-28T09:00:00+08:00\n");
}

int
cmd_jobs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "var", required_argument, NULL, 'v' },
		{ "now", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_flag = NULL, *var = NULL, *now = NULL;
	struct app app;
	struct err e;
	int64_t t;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_flag = optarg; break;
		case 'v': var = optarg; break;
		case 'n': now = optarg; break;
		case 'h':
			jobs_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("jobs", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		jobs_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[optind], "run-once") != 0)
		return cli_bad_usage("jobs", "未知的子命令 %s", argv[optind]);
	if (optind + 1 != argc)
		return cli_bad_usage("jobs", "多余的参数 %s", argv[optind + 1]);
	if (now != NULL) {
		if (cli_parse_instant(now, &t) != 0)
			return cli_bad_usage("jobs", "--now 须为带时区的 ISO-8601 "
			    "时刻，例如 2026-09-28T09:00:00+08:00");
		clock_set_now(t);
	}
	if (var == NULL) {
		var = config_str("var");
		if (var == NULL || var[0] == '\0')
			var = "var";
	}
	if (cli_make_var_dirs(var) != CLI_OK)
		return CLI_FAIL;
	if (cli_open_app_var(&app, cli_db_url(db_flag), var, false) != CLI_OK)
		return CLI_FAIL;
	app.cfg.var_dir = var;
	err_clear(&e);
	rc = jobs_run_once(&app, &e);
	cli_close_app(&app);
	if (rc != 0) {
		cli_print_err("jobs", &e);
		return CLI_FAIL;
	}
	return CLI_OK;
}
