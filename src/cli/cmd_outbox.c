/* cmd_outbox.c - `onetrip outbox status [--status S] [--kind K]` and
 * `onetrip outbox resend ID`: what waits in the outbox (SMS and uploads to
 * the provincial 好差评 system), what failed and why, and putting a failed
 * or dead message back in the queue. */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "base/config.h"
#include "service/platform/platform.h"
#include "store/db.h"

static void
outbox_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip outbox status [--status waiting|failed|dead|delivered]"
	    " [--kind sms|upload] [--db URL] [--json]\n"
	    "      onetrip outbox resend ID [--db URL]\n"
	    "  status  列出发件箱：待发送、失败重试中、死信（默认列出全部未送达）\n"
	    "  resend  把失败或死信的消息重新放回发送队列\n");
}

static void
print_status(json_t *out)
{
	json_t *cnt = json_object_get(out, "counts"), *v;
	size_t i;

	printf("待发送 %" JSON_INTEGER_FORMAT "，失败重试中 %" JSON_INTEGER_FORMAT
	    "，死信 %" JSON_INTEGER_FORMAT "，已送达 %" JSON_INTEGER_FORMAT "\n",
	    json_integer_value(json_object_get(cnt, "waiting")),
	    json_integer_value(json_object_get(cnt, "failed")),
	    json_integer_value(json_object_get(cnt, "dead")),
	    json_integer_value(json_object_get(cnt, "delivered")));
	json_array_foreach(json_object_get(out, "items"), i, v) {
		const char *err = json_string_value(json_object_get(v,
		    "last_error"));

		printf("%" JSON_INTEGER_FORMAT "\t%s\t%s\t%s\t尝试 %"
		    JSON_INTEGER_FORMAT " 次\t%s\n",
		    json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "kind")),
		    json_string_value(json_object_get(v, "status")),
		    json_string_value(json_object_get(v, "idem_key")),
		    json_integer_value(json_object_get(v, "attempts")),
		    err != NULL ? err : "");
	}
}

int
cmd_outbox(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "status", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_flag = NULL, *status = NULL, *kind = NULL, *sub;
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	json_t *out = NULL;
	bool as_json = false;
	int ch, rc = CLI_FAIL;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_flag = optarg; break;
		case 's': status = optarg; break;
		case 'k': kind = optarg; break;
		case 'j': as_json = true; break;
		case 'h':
			outbox_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("outbox", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		outbox_usage(stderr);
		return CLI_USAGE;
	}
	sub = argv[optind];
	if (strcmp(sub, "status") == 0 && optind + 1 != argc)
		return cli_bad_usage("outbox", "多余的参数 %s", argv[optind + 1]);
	if (strcmp(sub, "resend") == 0 && (optind + 2 != argc ||
	    !cli_all_digits(argv[optind + 1])))
		return cli_bad_usage("outbox", "用法：outbox resend ID");
	if (strcmp(sub, "status") != 0 && strcmp(sub, "resend") != 0)
		return cli_bad_usage("outbox", "未知的子命令 %s", sub);
	if (cli_open_app(&app, cli_db_url(db_flag)) != CLI_OK)
		return CLI_FAIL;
	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = app.db;
	c.cfg = &app.cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	if (strcmp(sub, "status") == 0) {
		if (outbox_status(&c, kind, status, 0, 200, &out, &e) != 0) {
			cli_print_err("outbox", &e);
			goto out;
		}
		if (as_json) {
			char *t = json_dumps(out, JSON_INDENT(2));

			printf("%s\n", t != NULL ? t : "{}");
			free(t);
		} else {
			print_status(out);
		}
	} else {
		int64_t id = strtoll(argv[optind + 1], NULL, 10);

		if (outbox_resend(&c, id, &e) != 0) {
			cli_print_err("outbox", &e);
			goto out;
		}
		printf("消息 %" PRId64 " 已放回发送队列\n", id);
	}
	rc = CLI_OK;
out:
	json_decref(out);
	cli_close_app(&app);
	return rc;
}
