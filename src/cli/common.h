/* common.h - helpers shared by the command files of src/cli/ only. */
#ifndef ONETRIP_CLI_COMMON_H
#define ONETRIP_CLI_COMMON_H

#include "base/err.h"

/* Creates DIR and its sub-folders files/ and keys/ (mode 0700) if missing.
 * Prints the problem and returns CLI_FAIL on failure, else CLI_OK. */
int cli_make_var_dirs(const char *dir);
/* Prints "onetrip CMD: message" on stderr for a failed service call. */
void cli_print_err(const char *cmd, const struct err *e);
/* Prints the command's usage hint for bad usage and returns CLI_USAGE. */
int cli_bad_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
