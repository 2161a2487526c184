/* cmd_migrate_data.c - `onetrip migrate-data --from sqlite:FILE --to
 * postgresql://... [--from-var DIR] [--to-var DIR]`: a county moving to the
 * province's database. Both databases are brought to this program's schema,
 * every row is copied (store/copy.c: one transaction on each side, ids and
 * sequences kept, an empty target only), then the files of the county's
 * data folder (uploaded files, documents, the seal keys and any other key
 * kept there) are copied into the target's folder, modes kept. The
 * database files and logs of the source folder are not copied. Then
 * `onetrip audit verify` on the target must pass (docs/deploy.md). */
#include "cli/cli.h"
#include "cli/common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "base/config.h"
#include "store/db.h"

#define CMD "migrate-data"

static void
migrate_data_usage(FILE *f)
{
	fprintf(f,
	    "用法: onetrip migrate-data --from sqlite:文件 --to postgresql://...\n"
	    "                           [--from-var 目录] [--to-var 目录]\n"
	    "  把一个县的 SQLite 数据库连同数据目录整体迁入 PostgreSQL（市、省部署）：\n"
	    "  全部表和记录（编号不变）、上传文件和文书、印章密钥；审计哈希链在目标库\n"
	    "  仍可校验（onetrip audit verify）。目标库须为空库；迁移期间县服务器应停止。\n"
	    "  --from-var  源数据目录，默认取配置项 var\n"
	    "  --to-var    目标数据目录（各服务器共用），默认取配置项 var；\n"
	    "              与源目录相同时不复制文件\n");
}

/* Database files and logs of the source folder stay behind. */
static bool
skipped(const char *name)
{
	static const char *const ends[] = { ".db", ".db-wal", ".db-shm",
		".log", ".tmp" };
	size_t n = strlen(name);

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return true;
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t k = strlen(ends[i]);

		if (n >= k && strcmp(name + n - k, ends[i]) == 0)
			return true;
	}
	return false;
}

static int
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out, rc = 0;
	ssize_t r;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode & 07777);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		ssize_t off = 0;

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -1;
			break;
		}
		while (off < r) {
			ssize_t w = write(out, buf + off, (size_t)(r - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = -1;
				break;
			}
			off += w;
		}
		if (rc != 0)
			break;
	}
	if (fchmod(out, mode & 07777) != 0 || fsync(out) != 0)
		rc = -1;
	if (close(out) != 0)
		rc = -1;
	close(in);
	return rc;
}

/* Copies the tree under from into to; counts the files. */
static int
copy_tree(const char *from, const char *to, int depth, int64_t *files)
{
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	if (depth > 16)
		return -1;
	dir = opendir(from);
	if (dir == NULL)
		return errno == ENOENT && depth == 0 ? 0 : -1;
	if (mkdir(to, 0700) != 0 && errno != EEXIST) {
		closedir(dir);
		return -1;
	}
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		char a[PATH_MAX], b[PATH_MAX];
		struct stat st;

		if (skipped(d->d_name))
			continue;
		if ((size_t)snprintf(a, sizeof(a), "%s/%s", from, d->d_name) >=
		    sizeof(a) || (size_t)snprintf(b, sizeof(b), "%s/%s", to,
		    d->d_name) >= sizeof(b) || lstat(a, &st) != 0) {
			rc = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = copy_tree(a, b, depth + 1, files);
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file(a, b, st.st_mode);
			if (rc != 0)
				fprintf(stderr, "onetrip %s: %s: %s\n", CMD, a,
				    strerror(errno));
			(*files)++;
		}
	}
	closedir(dir);
	return rc;
}

static int
open_migrated(const char *url, struct db **db)
{
	struct err e;
	int applied = 0;

	err_clear(&e);
	if (db_open(db, url, &e) != 0) {
		fprintf(stderr, "onetrip %s: 无法打开数据库 %s: %s\n", CMD, url,
		    e.msg);
		*db = NULL;
		return CLI_FAIL;
	}
	if (db_migrate(*db, &applied, &e) != 0) {
		fprintf(stderr, "onetrip %s: 数据库升级失败 (%s): %s\n", CMD,
		    db_url_safe(*db), e.msg);
		db_close(*db);
		*db = NULL;
		return CLI_FAIL;
	}
	return CLI_OK;
}

int
cmd_migrate_data(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "from-var", required_argument, NULL, 'F' },
		{ "to-var", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *from_var = NULL, *to_var = NULL;
	char rf[PATH_MAX], rt[PATH_MAX];
	struct db *src = NULL, *dst = NULL;
	int64_t rows = 0, files = 0;
	int ch, tables = 0, rc = CLI_FAIL;
	struct err e;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'F': from_var = optarg; break;
		case 'T': to_var = optarg; break;
		case 'h':
			migrate_data_usage(stdout);
			return CLI_OK;
		default:
			return cli_bad_usage(CMD, "无法识别的参数 %s",
			    argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_bad_usage(CMD, "多余的参数 %s", argv[optind]);
	if (from == NULL || to == NULL)
		return cli_bad_usage(CMD, "须给出 --from 和 --to");
	if (strncmp(from, "sqlite:", 7) != 0 ||
	    (strncmp(to, "postgresql://", 13) != 0 &&
	    strncmp(to, "postgres://", 11) != 0))
		return cli_bad_usage(CMD, "只能从 sqlite:文件 迁移到 "
		    "postgresql://...");
	if (from_var == NULL)
		from_var = config_str("var");
	if (to_var == NULL)
		to_var = config_str("var");
	if (open_migrated(from, &src) != CLI_OK ||
	    open_migrated(to, &dst) != CLI_OK)
		goto out;
	err_clear(&e);
	if (db_copy_all(src, dst, &tables, &rows, &e) != 0) {
		cli_print_err(CMD, &e);
		goto out;
	}
	printf("已迁移 %d 张表、%" PRId64 " 条记录到 %s\n", tables, rows,
	    db_url_safe(dst));
	if (realpath(from_var, rf) != NULL && realpath(to_var, rt) != NULL &&
	    strcmp(rf, rt) == 0) {
		printf("数据目录相同（%s），未复制文件\n", rf);
		rc = CLI_OK;
		goto out;
	}
	if (copy_tree(from_var, to_var, 0, &files) != 0) {
		fprintf(stderr, "onetrip %s: 复制数据目录 %s 到 %s 失败: %s\n",
		    CMD, from_var, to_var, strerror(errno));
		goto out;
	}
	printf("已复制数据目录的 %" PRId64 " 个文件到 %s\n", files, to_var);
	rc = CLI_OK;
out:
	if (src != NULL)
		db_close(src);
	if (dst != NULL)
		db_close(dst);
	return rc;
}
