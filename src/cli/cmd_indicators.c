/* cmd_indicators.c - `onetrip indicators facts [--db URL]`: writes the
 * indicator facts of every published item version that has none
 * (service/catalog/facts.c), the last step of loading a catalogue straight
 * into the database (a province importing its items), so that no request
 * of the scoreboard pays for reading the new versions' elements.
 * Versions published through the service have theirs already; running it
 * again writes nothing. */
#include "cli/cli.h"
#include "cli/common.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "service/catalog/catalog.h"

static void
indicators_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip indicators facts [--db URL]\n"
	    "  facts  为尚无指标要素的已发布事项版本写入要素（直接导入数据库的\n"
	    "         事项清单导入后执行；可重复执行）\n");
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int
cmd_indicators(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db_flag = NULL;
	struct timespec t0;
	struct app app;
	struct err e;
	int64_t written, skipped;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd': db_flag = optarg; break;
		case 'h':
			indicators_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("indicators", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		indicators_usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[optind], "facts") != 0)
		return cli_bad_usage("indicators", "未知的子命令 %s",
		    argv[optind]);
	if (optind + 1 != argc)
		return cli_bad_usage("indicators", "多余的参数 %s",
		    argv[optind + 1]);
	if (cli_open_app(&app, cli_db_url(db_flag)) != CLI_OK)
		return CLI_FAIL;
	err_clear(&e);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = catalog_facts_fill(app.db, &written, &skipped, &e);
	cli_close_app(&app);
	if (rc != 0) {
		cli_print_err("indicators", &e);
		return CLI_FAIL;
	}
	printf("已为 %lld 个事项版本写入指标要素，用时 %.2f 秒",
	    (long long)written, seconds_since(&t0));
	if (skipped > 0)
		printf("；%lld 个版本的要素无法解析，未计入", (long long)skipped);
	printf("\n");
	return CLI_OK;
}
