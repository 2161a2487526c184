/* cmd_admin.c - administration commands: migrate, init, user, backup,
 * audit. */
#include "cli/cli.h"
#include "cli/common.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app.h"
#include "base/clock.h"
#include "base/limits.h"
#include "service/platform/platform.h"
#include "service/account/account.h"
#include "store/db.h"

/* Options every data command shares: --db and --help, plus an optional
 * --var. Returns -1 to go on, else the exit status. */
struct common_opts {
	const char *db;
	const char *var;
};

static int
parse_simple(const char *cmd, int argc, char **argv, bool with_var,
    struct common_opts *o, void (*help)(FILE *))
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "var", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->db = optarg;
			break;
		case 'v':
			if (!with_var)
				return cli_bad_usage(cmd, "不支持参数 --var");
			o->var = optarg;
			break;
		case 'h':
			help(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage(cmd, "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	return -1;
}

/* ---- migrate ---------------------------------------------------------- */

static void
migrate_help(FILE *f)
{
	fprintf(f, "用法: onetrip migrate [--db URL]\n"
	    "  执行尚未执行的数据库结构升级。\n");
}

int
cmd_migrate(int argc, char **argv)
{
	struct common_opts o;
	struct app app;
	struct err e;
	int rc, applied = 0;

	rc = parse_simple("migrate", argc, argv, false, &o, migrate_help);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cli_bad_usage("migrate", "多余的参数 %s", argv[optind]);
	err_clear(&e);
	config_defaults(&app.cfg);
	app.cfg.db_url = cli_db_url(o.db);
	if (db_open(&app.db, app.cfg.db_url, &e) != 0) {
		fprintf(stderr, "onetrip migrate: 无法打开数据库 %s: %s\n",
		    app.cfg.db_url, e.msg);
		return CLI_FAIL;
	}
	if (db_migrate(app.db, &applied, &e) != 0) {
		cli_print_err("migrate", &e);
		db_close(app.db);
		return CLI_FAIL;
	}
	printf("数据库 %s: 执行了 %d 个升级\n", db_url_safe(app.db), applied);
	db_close(app.db);
	return CLI_OK;
}

/* ---- init ------------------------------------------------------------- */

static void
init_help(FILE *f)
{
	fprintf(f, "用法: onetrip init [--db URL] [--var DIR]\n"
	    "  创建（或升级）数据库结构，并创建数据目录 DIR（默认 var）及其\n"
	    "  files/、keys/ 子目录。\n");
}

int
cmd_init(int argc, char **argv)
{
	struct common_opts o;
	struct app app;
	int rc;

	rc = parse_simple("init", argc, argv, true, &o, init_help);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return cli_bad_usage("init", "多余的参数 %s", argv[optind]);
	if (cli_make_var_dirs(o.var != NULL ? o.var : "var") != CLI_OK)
		return CLI_FAIL;
	if (cli_open_app_var(&app, cli_db_url(o.db),
	    o.var != NULL ? o.var : "var", true) != CLI_OK)
		return CLI_FAIL;
	printf("已初始化: 数据库 %s，数据目录 %s\n", db_url_safe(app.db),
	    o.var != NULL ? o.var : "var");
	cli_close_app(&app);
	return CLI_OK;
}

/* ---- backup ----------------------------------------------------------- */

static void
backup_help(FILE *f)
{
	fprintf(f, "用法: onetrip backup FILE [--db URL]\n"
	    "  把 SQLite 数据库在线备份到 FILE（服务运行时也可执行）。\n"
	    "  PostgreSQL 请使用 pg_dump。\n");
}

int
cmd_backup(int argc, char **argv)
{
	struct common_opts o;
	struct app app;
	struct err e;
	const char *dest;
	int rc;

	rc = parse_simple("backup", argc, argv, false, &o, backup_help);
	if (rc >= 0)
		return rc;
	if (argc - optind != 1)
		return cli_bad_usage("backup", "需要一个目标文件 FILE");
	dest = argv[optind];
	if (dest[0] == '\0')
		return cli_bad_usage("backup", "目标文件名为空");
	if (cli_open_app(&app, cli_db_url(o.db)) != CLI_OK)
		return CLI_FAIL;
	if (db_kind(app.db) == DB_POSTGRES) {
		fprintf(stderr, "onetrip backup: PostgreSQL 数据库请用 pg_dump "
		    "备份，例如\n  pg_dump --format=custom --file=%s '<数据库 URL>'\n"
		    "（或使用连续归档/物理备份）。\n", dest);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	err_clear(&e);
	if (db_backup_to(app.db, dest, &e) != 0) {
		cli_print_err("backup", &e);
		cli_close_app(&app);
		return CLI_FAIL;
	}
	printf("已备份到 %s\n", dest);
	cli_close_app(&app);
	return CLI_OK;
}

/* ---- audit ------------------------------------------------------------ */

static void
audit_help(FILE *f)
{
	fprintf(f, "用法: onetrip audit verify [--db URL] [--var DIR]\n"
	    "  用 DIR/keys/audit.key 的密钥重新计算审计日志的 HMAC-SM3 链（启用\n"
	    "  密钥之前的记录为 SM3 链，由密钥锚点固定）。链完整时输出\n"
	    "  \"audit chain intact: N records\" 并返回 0；否则输出\n"
	    "  \"audit chain broken at record N (时间, 操作)\" 并返回 1（有多条链时\n"
	    "  加上链号: \"(时间, 操作, chain C)\"）。\n");
}

int
cmd_audit(int argc, char **argv)
{
	struct common_opts o;
	struct audit_check r;
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	char when[17];
	int rc;

	rc = parse_simple("audit", argc, argv, true, &o, audit_help);
	if (rc >= 0)
		return rc;
	if (argc - optind != 1 || strcmp(argv[optind], "verify") != 0)
		return cli_bad_usage("audit", "用法: onetrip audit verify "
		    "[--db URL] [--var DIR]");
	if (cli_open_app_var(&app, cli_db_url(o.db), o.var, false) != CLI_OK)
		return CLI_FAIL;
	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = app.db;
	c.cfg = &app.cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	rc = audit_check_chain(&c, &r, &e);
	cli_close_app(&app);
	if (rc == 0) {
		printf("audit chain intact: %" PRId64 " records\n", r.checked);
		if (r.key_from == 0)
			fprintf(stderr, "onetrip audit: 审计链尚未使用密钥"
			    "（SM3 链）\n");
		else if (r.key_from > 1 && r.keyed)
			fprintf(stderr, "onetrip audit: 第 1–%" PRId64 " 条为启用"
			    "密钥前的 SM3 记录，由密钥锚点固定；第 %" PRId64
			    " 条起为 HMAC-SM3\n", r.key_from - 1, r.key_from);
		return CLI_OK;
	}
	if (rc == -ERR_CONFLICT && r.bad_seq > 0) {
		/* With several chains (PostgreSQL) the chain too. */
		char chain[32] = "";

		if (r.chains > 1)
			snprintf(chain, sizeof(chain), ", chain %" PRId64,
			    r.bad_chain);
		if (r.bad_at > 0) {
			clock_datetime(r.bad_at, when);
			printf("audit chain broken at record %" PRId64
			    " (%s, %s%s)\n", r.bad_seq, when, r.bad_action,
			    chain);
		} else if (r.chains > 1) {
			printf("audit chain broken at record %" PRId64
			    " (chain %" PRId64 ")\n", r.bad_seq, r.bad_chain);
		} else {
			printf("audit chain broken at record %" PRId64 "\n",
			    r.bad_seq);
		}
		fprintf(stderr, "onetrip audit: %s\n", e.msg);
		return CLI_FAIL;
	}
	cli_print_err("audit", &e);
	return CLI_FAIL;
}

/* ---- user ------------------------------------------------------------- */

static void
user_help(FILE *f)
{
	fprintf(f,
	    "用法: onetrip user add --login L --name N --roles clerk,approver\n"
	    "                       --dept ID|名称 [--window ID] [--mobile M]\n"
	    "                       [--password P] [--db URL]\n"
	    "      onetrip user passwd --login L [--password P] [--db URL]\n"
	    "  角色: clerk 窗口人员, approver 审批人员, dept_admin 部门管理员,\n"
	    "        hall_admin 大厅管理员, supervisor 督查人员, sysadmin 系统管理员\n"
	    "  未给出 --password 时从标准输入读取（终端上不回显）。\n");
}

/* Reads a password line from stdin; without echo when it is a terminal.
 * Returns 0, or -1 on end of input or a line that is too long. */
static int
read_password(const char *prompt, char *out, size_t outsz)
{
	struct termios old, noecho;
	bool tty = isatty(STDIN_FILENO) != 0;
	bool restored = true;
	size_t n;
	char *p;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) == 0) {
			noecho = old;
			noecho.c_lflag &= ~(tcflag_t)ECHO;
			noecho.c_lflag |= ECHONL;
			if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho) == 0)
				restored = false;
		}
	}
	p = fgets(out, (int)outsz, stdin);
	if (!restored)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (p == NULL)
		return -1;
	n = strlen(out);
	if (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	else if (n + 1 >= outsz)
		return -1;
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	return 0;
}

static int
get_password(const char *flag, char *out, size_t outsz)
{
	char again[LIMIT_PASSWORD_BYTES + 2];

	if (flag != NULL) {
		if (strlen(flag) >= outsz) {
			fprintf(stderr, "onetrip user: 密码过长\n");
			return CLI_FAIL;
		}
		snprintf(out, outsz, "%s", flag);
		return CLI_OK;
	}
	if (read_password("新密码: ", out, outsz) != 0) {
		fprintf(stderr, "onetrip user: 未读到密码（或密码过长）\n");
		return CLI_FAIL;
	}
	if (isatty(STDIN_FILENO)) {
		if (read_password("再次输入: ", again, sizeof(again)) != 0 ||
		    strcmp(out, again) != 0) {
			fprintf(stderr, "onetrip user: 两次输入的密码不一致\n");
			return CLI_FAIL;
		}
	}
	return CLI_OK;
}

static int
parse_roles(const char *arg, unsigned *out)
{
	char tmp[256], *tok, *save = NULL;
	unsigned bit;

	*out = 0;
	if (strlen(arg) >= sizeof(tmp))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", arg);
	for (tok = strtok_r(tmp, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		bit = role_parse(tok);
		if (bit == 0 || (bit & ROLE_STAFF_ANY) == 0)
			return -1;
		*out |= bit;
	}
	return *out != 0 ? 0 : -1;
}

int
cmd_user(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "login", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "roles", required_argument, NULL, 'r' },
		{ "dept", required_argument, NULL, 'D' },
		{ "window", required_argument, NULL, 'w' },
		{ "mobile", required_argument, NULL, 'm' },
		{ "password", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *login = NULL, *name = NULL, *roles_s = NULL, *dept_s = NULL;
	const char *window_s = NULL, *mobile = NULL, *pw_flag = NULL;
	const char *db_flag = NULL, *sub;
	char password[LIMIT_PASSWORD_BYTES + 2];
	struct actor sys;
	struct app app;
	struct ctx c;
	struct err e;
	unsigned roles = 0;
	int64_t dept = 0, window = 0;
	bool add;
	int ch, rc;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l': login = optarg; break;
		case 'n': name = optarg; break;
		case 'r': roles_s = optarg; break;
		case 'D': dept_s = optarg; break;
		case 'w': window_s = optarg; break;
		case 'm': mobile = optarg; break;
		case 'p': pw_flag = optarg; break;
		case 'd': db_flag = optarg; break;
		case 'h':
			user_help(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage("user", "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_bad_usage("user", "需要子命令 add 或 passwd");
	sub = argv[optind];
	if (strcmp(sub, "add") == 0)
		add = true;
	else if (strcmp(sub, "passwd") == 0)
		add = false;
	else
		return cli_bad_usage("user", "未知子命令 %s", sub);
	if (login == NULL || login[0] == '\0')
		return cli_bad_usage("user", "缺少 --login");
	if (add) {
		if (name == NULL || name[0] == '\0')
			return cli_bad_usage("user", "缺少 --name");
		if (roles_s == NULL || parse_roles(roles_s, &roles) != 0)
			return cli_bad_usage("user", "--roles 须为逗号分隔的工作人员"
			    "角色，如 clerk,approver");
		if (dept_s == NULL || dept_s[0] == '\0')
			return cli_bad_usage("user", "缺少 --dept");
		if (window_s != NULL) {
			if (!cli_all_digits(window_s) || strlen(window_s) > 18)
				return cli_bad_usage("user", "--window 须为编号");
			window = strtoll(window_s, NULL, 10);
		}
	} else if (name != NULL || roles_s != NULL || dept_s != NULL ||
	    window_s != NULL || mobile != NULL) {
		return cli_bad_usage("user", "user passwd 只接受 --login、"
		    "--password 和 --db");
	}
	if (get_password(pw_flag, password, sizeof(password)) != CLI_OK)
		return CLI_FAIL;
	if (cli_open_app(&app, cli_db_url(db_flag)) != CLI_OK)
		return CLI_FAIL;
	rc = CLI_FAIL;
	if (add && cli_resolve_dept("user", app.db, dept_s, &dept) != CLI_OK)
		goto out;
	actor_system(&sys, "cli");
	memset(&c, 0, sizeof(c));
	c.db = app.db;
	c.cfg = &app.cfg;
	c.actor = &sys;
	c.client_ip = "";
	c.request_id = "";
	err_clear(&e);
	if (add) {
		if (user_add_staff(&c, login, name, mobile, roles, dept, window,
		    password, &e) != 0) {
			cli_print_err("user", &e);
			goto out;
		}
		printf("已创建工作人员账号 %s\n", login);
	} else {
		if (user_set_password(&c, login, NULL, password, &e) != 0) {
			cli_print_err("user", &e);
			goto out;
		}
		printf("已重设 %s 的密码\n", login);
	}
	rc = CLI_OK;
out:
	explicit_bzero(password, sizeof(password));
	cli_close_app(&app);
	return rc;
}
