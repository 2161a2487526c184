/* main.c - the `onetrip` program: one table of sub-commands. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/config.h"
#include "cli/cli.h"
#include "service/bundle/bundle.h"
#include "service/case/case.h"
#include "service/catalog/catalog.h"
#include "service/hall/hall.h"
#include "service/rating/rating.h"
#include "service/supervise/supervise.h"

#ifndef ONETRIP_VERSION
#define ONETRIP_VERSION "dev"
#endif

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "serve", cmd_serve, "启动 HTTP 服务（--listen --db --var --static --now）" },
	{ "migrate", cmd_migrate, "升级数据库结构" },
	{ "init", cmd_init, "创建数据库结构和数据目录" },
	{ "demo", cmd_demo, "载入白河县演示数据（部门、账号、事项；可重复执行）" },
	{ "user", cmd_user, "管理工作人员账号：user add | user passwd" },
	{ "migrate-data", cmd_migrate_data, "县迁入市、省：migrate-data --from sqlite:文件 --to postgresql://..." },
	{ "backup", cmd_backup, "在线备份数据库到文件：backup FILE" },
	{ "audit", cmd_audit, "校验审计日志哈希链：audit verify" },
	{ "calendar", cmd_calendar, "工作日计算：calendar deadline YYYY-MM-DD N" },
	{ "seal", cmd_seal, "电子印章：seal create --dept --custodian" },
	{ "config", cmd_config, "列出全部配置项：config show [--markdown]" },
	{ "routes", cmd_routes, "列出全部 HTTP 接口及其访问规则" },
	{ "jobs", cmd_jobs, "立即执行一遍后台任务：jobs run-once（期限预警、文书、短信）" },
	{ "documents", cmd_documents, "生成失败的文书：documents failed | documents retry ID|--all" },
	{ "indicators", cmd_indicators, "改革指标：indicators facts（直接导入事项清单后写入指标要素）" },
	{ "outbox", cmd_outbox, "发件箱（短信、好差评上报）：outbox status | outbox resend ID" },
	{ "version", cmd_version, "显示版本" },
	{ "help", cmd_help, "显示本帮助" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f, "用法: onetrip <命令> [参数]   （onetrip <命令> --help 查看命令帮助）\n\n命令:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n配置: --config FILE（key = value 行）和 --set key=value 可用于任何命令，\n"
	    "后者优先；onetrip config show 列出全部配置项及其默认值。\n"
	    "退出码: 0 成功, 1 失败, 2 用法错误。\n");
}

static int
cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	usage(stdout);
	return CLI_OK;
}

static int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("onetrip %s\n", ONETRIP_VERSION);
	return CLI_OK;
}

/* Takes --config FILE and --set key=value out of argv, wherever they stand,
 * and applies them: the file first, then every --set in order. */
static int
take_config_args(int *argc, char **argv)
{
	const char *file = NULL;
	const char *sets[64];
	int nsets = 0, i, out = 1;
	struct err e;

	for (i = 1; i < *argc; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		bool is_file;

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		is_file = strcmp(a, "--config") == 0 ||
		    strncmp(a, "--config=", 9) == 0;
		if (!is_file && strcmp(a, "--set") != 0 &&
		    strncmp(a, "--set=", 6) != 0) {
			argv[out++] = argv[i];
			continue;
		}
		if (strchr(a, '=') != NULL)
			v = strchr(a, '=') + 1;
		else if (i + 1 < *argc)
			v = argv[++i];
		if (v == NULL) {
			fprintf(stderr, "onetrip: %s 需要一个值\n", a);
			return CLI_USAGE;
		}
		if (is_file)
			file = v;
		else if (nsets < (int)(sizeof(sets) / sizeof(sets[0])))
			sets[nsets++] = v;
		else {
			fprintf(stderr, "onetrip: --set 过多\n");
			return CLI_USAGE;
		}
	}
	argv[out] = NULL;
	*argc = out;
	err_clear(&e);
	if (file != NULL && config_load_file(file, &e) != 0) {
		fprintf(stderr, "onetrip: %s\n", e.msg);
		return CLI_USAGE;
	}
	for (i = 0; i < nsets; i++) {
		if (config_set_arg(sets[i], &e) != 0) {
			fprintf(stderr, "onetrip: %s\n", e.msg);
			return CLI_USAGE;
		}
	}
	return CLI_OK;
}

int
main(int argc, char **argv)
{
	const char *name;
	int rc;

	alloc_init();
	/* The request queue's kinds and calendar (service/platform). */
	hall_requests_register();
	catalog_requests_register();
	case_requests_register();
	bundle_register();
	rating_requests_register();
	supervise_requests_register();
	rc = take_config_args(&argc, argv);
	if (rc != CLI_OK)
		return rc;

	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		name = "help";
	else if (strcmp(name, "--version") == 0)
		name = "version";
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "onetrip: 未知命令 \"%s\"\n\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
