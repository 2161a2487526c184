/* main.c - the `onetrip` program: one table of sub-commands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
	{ "backup", cmd_backup, "在线备份数据库到文件：backup FILE" },
	{ "audit", cmd_audit, "校验审计日志哈希链：audit verify" },
	{ "calendar", cmd_calendar, "工作日计算：calendar deadline YYYY-MM-DD N" },
	{ "seal", cmd_seal, "电子印章：seal create --dept --custodian" },
	{ "jobs", cmd_jobs, "立即执行一遍后台任务：jobs run-once（期限预警、文书、短信）" },
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
	fprintf(f, "\n环境变量 ONETRIP_DB 为 --db 的默认值"
	    "（否则 sqlite:var/onetrip.db）。\n"
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

int
main(int argc, char **argv)
{
	const char *name;

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
