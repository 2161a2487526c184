/* cmd_config.c - `onetrip config show [--markdown]`: every setting, its
 * current value (after --config and --set) and where its default comes
 * from. The Markdown form is docs/configuration.md. */
#include "cli/cli.h"
#include "cli/common.h"

#include <stdio.h>
#include <string.h>

#include "base/config.h"

static const char *
type_name(enum config_type t)
{
	switch (t) {
	case CONFIG_INT: return "整数";
	case CONFIG_BOOL: return "0/1";
	case CONFIG_STR: return "文本";
	}
	return "?";
}

static void
show_markdown(void)
{
	size_t i;

	printf("# 配置项 / Settings\n\n"
	    "由 `onetrip config show --markdown` 生成。配置文件每行 `key = value`，"
	    "`#` 开头为注释；用 `onetrip --config FILE …` 读入，`--set key=value` "
	    "优先于文件。\n\n"
	    "| 配置项 | 类型 | 默认值 | 范围 | 说明与依据 |\n"
	    "| --- | --- | --- | --- | --- |\n");
	for (i = 0; i < config_count(); i++) {
		const struct config_key *k = config_key_at(i);
		char range[64] = "";

		if (k->type == CONFIG_INT)
			snprintf(range, sizeof(range), "%lld–%lld",
			    (long long)k->min, (long long)k->max);
		printf("| `%s` | %s | `%s` | %s | %s |\n", k->key,
		    type_name(k->type), k->def, range, k->doc);
	}
}

int
cmd_config(int argc, char **argv)
{
	size_t i;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("用法: onetrip [--config FILE] [--set key=value] config show "
		    "[--markdown]\n  列出全部配置项的当前值、默认值和依据。\n");
		return CLI_OK;
	}
	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return cli_bad_usage("config", "用法: config show [--markdown]");
	if (argc == 3 && strcmp(argv[2], "--markdown") == 0) {
		show_markdown();
		return CLI_OK;
	}
	if (argc != 2)
		return cli_bad_usage("config", "多余的参数 %s", argv[2]);
	for (i = 0; i < config_count(); i++) {
		const struct config_key *k = config_key_at(i);

		printf("%s = %s\n    # %s（默认 %s）\n", k->key,
		    config_value_at(i), k->doc, k->def);
	}
	return CLI_OK;
}
