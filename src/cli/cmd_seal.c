/* cmd_seal.c - `onetrip seal create`: makes a department's electronic
 * approval seal (key pair under <var>/keys/, row in seals). */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app.h"
#include "service/platform/platform.h"
#include "service/records/records.h"
#include "store/db.h"

static void
seal_help(FILE *f)
{
	fprintf(f, "用法: onetrip seal create --dept ID|名称 --custodian 姓名 "
	    "[--db URL] [--var DIR]\n"
	    "  为部门刻制电子行政审批专用章（SM2 密钥对）。私钥写入\n"
	    "  DIR/keys/seal-<部门编号>.pem（权限 0600，已存在则拒绝覆盖），\n"
	    "  公钥及其 SM3 指纹登记在数据库中。每个部门只能有一枚启用中的印章。\n"
	    "  --custodian 为印章保管人。\n");
}

int
cmd_seal(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dept", required_argument, NULL, 'D' },
		{ "custodian", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "var", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dept_s = NULL, *custodian = NULL, *db = NULL, *var = NULL;
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	json_t *seal = NULL;
	int64_t dept = 0;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			dept_s = optarg;
			break;
		case 'c':
			custodian = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'v':
			var = optarg;
			break;
		case 'h':
			seal_help(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("seal", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_bad_usage("seal", "缺少子命令（create）");
	if (strcmp(argv[optind], "create") != 0)
		return cli_bad_usage("seal", "未知的子命令 %s", argv[optind]);
	if (optind + 1 != argc)
		return cli_bad_usage("seal", "多余的参数 %s", argv[optind + 1]);
	if (dept_s == NULL || dept_s[0] == '\0')
		return cli_bad_usage("seal", "缺少 --dept");
	if (custodian == NULL || custodian[0] == '\0')
		return cli_bad_usage("seal", "缺少 --custodian");

	if (cli_open_app_var(&app, cli_db_url(db), var, false) != CLI_OK)
		return CLI_FAIL;
	if (var != NULL)
		app.cfg.var_dir = var;
	rc = CLI_FAIL;
	if (cli_resolve_dept("seal", app.db, dept_s, &dept) != CLI_OK)
		goto out;
	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = app.db;
	c.cfg = &app.cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	if (seal_create(&c, dept, custodian, &seal, &e) != 0) {
		cli_print_err("seal", &e);
		goto out;
	}
	printf("已刻制电子印章：%s（编号 %" JSON_INTEGER_FORMAT "）\n"
	    "保管人：%s\n私钥文件：%s\n公钥指纹（SM3）：%s\n",
	    json_string_value(json_object_get(seal, "name")),
	    json_integer_value(json_object_get(seal, "id")),
	    json_string_value(json_object_get(seal, "custodian")),
	    json_string_value(json_object_get(seal, "key_path")),
	    json_string_value(json_object_get(seal, "fingerprint")));
	rc = CLI_OK;
out:
	json_decref(seal);
	cli_close_app(&app);
	return rc;
}
