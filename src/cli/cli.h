/* cli.h - the `onetrip` sub-commands. main.c holds the one command table;
 * each command is `int cmd_<name>(int argc, char **argv)` where argv[0] is the
 * command name. Exit status: 0 ok, 1 failure, 2 usage. Every command accepts
 * --help; every command touching data accepts --db URL (default from
 * ONETRIP_DB, else sqlite:var/onetrip.db). */
#ifndef ONETRIP_CLI_CLI_H
#define ONETRIP_CLI_CLI_H

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);      /* user add | user passwd */
int cmd_backup(int argc, char **argv);
int cmd_audit(int argc, char **argv);     /* audit verify */
int cmd_calendar(int argc, char **argv);  /* calendar deadline DATE N */
int cmd_seal(int argc, char **argv);      /* seal create */
int cmd_jobs(int argc, char **argv);      /* jobs run-once */
int cmd_config(int argc, char **argv);    /* config show */
int cmd_documents(int argc, char **argv); /* documents failed | retry */
int cmd_outbox(int argc, char **argv);    /* outbox status | resend */
int cmd_indicators(int argc, char **argv); /* indicators facts */
int cmd_routes(int argc, char **argv);    /* routes */
int cmd_migrate_data(int argc, char **argv); /* migrate-data */

/* Shared helpers for commands (cli/common.c). */
struct app;
/* Resolves --db / ONETRIP_DB / default into out. */
const char *cli_db_url(const char *flag_value);
/* Opens the database and applies migrations; prints the error and returns
 * CLI_FAIL on failure. */
int cli_open_app(struct app *app, const char *db_url);
void cli_close_app(struct app *app);

#endif
