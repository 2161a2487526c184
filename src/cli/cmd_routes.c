/* cmd_routes.c - `onetrip routes`: the HTTP route table, one line per route,
 * `METHOD /pattern who` with who the route's own access rule (anon, any, or
 * the role names). src/api/access.txt holds who may call each route in the
 * same form; tests/api/access.test.mjs compares the two with the answers
 * of a running server. */
#include "cli/cli.h"
#include "cli/common.h"

#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "service/platform/platform.h"

static void
print_access(unsigned access)
{
	unsigned bit;
	bool first = true;

	if (access == ACCESS_PUBLIC) {
		fputs("anon", stdout);
		return;
	}
	access &= ~ACCESS_LOGIN;
	if (access == 0) {
		fputs("any", stdout);
		return;
	}
	for (bit = 1; bit != 0 && bit < ACCESS_LOGIN; bit <<= 1) {
		if ((access & bit) == 0)
			continue;
		printf("%s%s", first ? "" : ",", role_name(bit));
		first = false;
	}
}

int
cmd_routes(int argc, char **argv)
{
	size_t t, i;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("用法: onetrip routes\n  列出全部 HTTP 接口：方法、路径和接口自身的"
		    "访问规则（anon 匿名, any 任一登录账号, 或角色名）。\n");
		return CLI_OK;
	}
	if (argc != 1)
		return cli_bad_usage("routes", "用法: onetrip routes");
	for (t = 0; api_route_tables[t] != NULL; t++) {
		const struct route *rt = api_route_tables[t];

		for (i = 0; rt[i].method != NULL; i++) {
			printf("%s %s ", rt[i].method, rt[i].pattern);
			print_access(rt[i].access);
			putchar('\n');
		}
	}
	return CLI_OK;
}
