/* cmd_documents.c - `onetrip documents failed` and `onetrip documents retry
 * ID|--all`: the case documents the renderer gave up on (after repeated
 * failures) and putting them back in its queue; the running server renders
 * them within a few seconds (or `onetrip jobs run-once`). */
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
#include "service/records/records.h"

static void
documents_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip documents failed [--db URL] [--json]\n"
	    "      onetrip documents retry ID|--all [--db URL]\n"
	    "  failed  列出生成失败的文书（办件编号、文书种类、原因）\n"
	    "  retry   把生成失败的文书放回生成队列（--all：全部失败的文书）\n");
}

static void
print_failed(json_t *items)
{
	json_t *v;
	size_t i;

	printf("生成失败的文书 %zu 件\n", json_array_size(items));
	json_array_foreach(items, i, v) {
		const char *kind = json_string_value(json_object_get(v, "kind"));
		const char *label = document_kind_label(kind != NULL ? kind : "");

		printf("%" JSON_INTEGER_FORMAT "\t%s\t%s\t%s\t%s\n",
		    json_integer_value(json_object_get(v, "id")),
		    json_string_value(json_object_get(v, "case_no")),
		    label != NULL ? label : kind,
		    json_string_value(json_object_get(v, "doc_no")),
		    json_string_value(json_object_get(v, "error")));
	}
}

static int
retry_all(struct ctx *c, struct err *e)
{
	json_t *items = NULL, *v;
	size_t i;
	int n = 0, rc;

	rc = documents_failed(c, &items, e);
	json_array_foreach(items, i, v) {
		if (rc != 0)
			break;
		rc = document_retry(c, json_integer_value(json_object_get(v,
		    "id")), e);
		n += rc == 0;
	}
	json_decref(items);
	if (rc == 0)
		printf("已放回生成队列 %d 件\n", n);
	return rc;
}

int
cmd_documents(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_flag = NULL, *sub;
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	json_t *out = NULL;
	bool as_json = false, all = false;
	int ch, rc = CLI_FAIL;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_flag = optarg; break;
		case 'j': as_json = true; break;
		case 'a': all = true; break;
		case 'h':
			documents_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("documents", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		documents_usage(stderr);
		return CLI_USAGE;
	}
	sub = argv[optind];
	if (strcmp(sub, "failed") == 0 && optind + 1 != argc)
		return cli_bad_usage("documents", "多余的参数 %s",
		    argv[optind + 1]);
	if (strcmp(sub, "retry") == 0 && !(all ? optind + 1 == argc :
	    optind + 2 == argc && cli_all_digits(argv[optind + 1])))
		return cli_bad_usage("documents",
		    "用法：documents retry ID 或 documents retry --all");
	if (strcmp(sub, "failed") != 0 && strcmp(sub, "retry") != 0)
		return cli_bad_usage("documents", "未知的子命令 %s", sub);
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
	if (strcmp(sub, "failed") == 0) {
		if (documents_failed(&c, &out, &e) != 0) {
			cli_print_err("documents", &e);
			goto out;
		}
		if (as_json) {
			char *t = json_dumps(out, JSON_INDENT(2));

			printf("%s\n", t != NULL ? t : "[]");
			free(t);
		} else {
			print_failed(out);
		}
	} else if (all) {
		if (retry_all(&c, &e) != 0) {
			cli_print_err("documents", &e);
			goto out;
		}
	} else {
		int64_t id = strtoll(argv[optind + 1], NULL, 10);

		if (document_retry(&c, id, &e) != 0) {
			cli_print_err("documents", &e);
			goto out;
		}
		printf("文书 %" PRId64 " 已放回生成队列\n", id);
	}
	rc = CLI_OK;
out:
	json_decref(out);
	cli_close_app(&app);
	return rc;
}
