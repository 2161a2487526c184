/* cmd_demo.c - `onetrip demo`: schema, var directories and the Baihe demo
 * dataset. Idempotent: a second run changes nothing. */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "service/platform/platform.h"
#include "demo/demo.h"
#include "store/db.h"

static void
demo_help(FILE *f)
{
	fprintf(f, "用法: onetrip demo [--db URL] [--var DIR]\n"
	    "  创建数据库结构和数据目录（默认 var），载入白河县演示数据：\n"
	    "  部门、公共服务企业、演示账号（密码均为 %s）和事项目录。\n"
	    "  可重复执行，已有的数据保持不变。\n", DEMO_PASSWORD);
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "var", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_flag = NULL, *var = "var";
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	int64_t ndept = -1, nusers = -1, naudit = -1;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_flag = optarg; break;
		case 'v': var = optarg; break;
		case 'h':
			demo_help(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("demo", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_bad_usage("demo", "多余的参数 %s", argv[optind]);
	if (cli_make_var_dirs(var) != CLI_OK)
		return CLI_FAIL;
	if (cli_open_app_var(&app, cli_db_url(db_flag), var, true) != CLI_OK)
		return CLI_FAIL;
	app.cfg.var_dir = var;
	actor_system(&sys, "demo");
	memset(&c, 0, sizeof(c));
	c.db = app.db;
	c.cfg = &app.cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	rc = demo_load(&c, &e);
	if (rc != 0) {
		cli_print_err("demo", &e);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	if (demo_counts(&c, &ndept, &nusers, &naudit, &e) == 0)
		printf("演示数据已就绪: 部门 %" PRId64 " 个, 账号 %" PRId64 " 个, "
		    "审计记录 %" PRId64 " 条\n", ndept, nusers, naudit);
	cli_close_app(&app);
	return CLI_OK;
}
