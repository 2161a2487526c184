/* common.h - helpers shared by the command files of src/cli/ only. */
#ifndef ONETRIP_CLI_COMMON_H
#define ONETRIP_CLI_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"

struct app;
struct db;

/* Like cli_open_app() with the data directory var (NULL: the setting) and
 * its audit key; create_key for the commands that set up a data directory
 * (init, demo, serve): they create and anchor the key when the database has
 * none. */
int cli_open_app_var(struct app *app, const char *db_url, const char *var,
    bool create_key);

/* Creates DIR and its sub-folders files/ and keys/ (mode 0700) if missing.
 * Prints the problem and returns CLI_FAIL on failure, else CLI_OK. */
int cli_make_var_dirs(const char *dir);
/* Prints "onetrip CMD: message" on stderr for a failed service call. */
void cli_print_err(const char *cmd, const struct err *e);
/* Prints the command's usage hint for bad usage and returns CLI_USAGE. */
int cli_bad_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Parses "YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|+HHMM)" (the --now flag) into
 * Unix seconds; -1 when malformed or not a real date. */
int cli_parse_instant(const char *s, int64_t *out);
/* True for a non-empty string of ASCII digits. */
bool cli_all_digits(const char *s);
/* Resolves a --dept argument (an id, or an exact name or short name) to a
 * department id; prints the problem and returns CLI_FAIL when there is
 * none, else CLI_OK. cmd names the command in messages. */
int cli_resolve_dept(const char *cmd, struct db *db, const char *arg,
    int64_t *out);

#endif
