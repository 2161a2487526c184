/* demo.h - the Baihe County demo dataset (service/demo.c): departments and
 * utility companies from data/demo/departments.json, the demo accounts, and
 * whatever further loaders are listed in demo.c's demo_loaders[].
 *
 * Everything is created through the same service functions the API uses, by
 * the system actor, so it is audited. Loading is idempotent: what exists
 * (by department name or login) is left alone, so a second run changes
 * nothing and appends no audit record. */
#ifndef ONETRIP_DEMO_DEMO_H
#define ONETRIP_DEMO_DEMO_H

#include <jansson.h>

#include "base/err.h"
#include "service/platform/platform.h"

struct db;

#define DEMO_PASSWORD "Baihe@2024"
#define DEMO_DEPARTMENTS_FILE "data/demo/departments.json"

/* Loads everything; c->actor should be a system actor. */
int demo_load(struct ctx *c, struct err *e);
/* What the database holds now, for the summary `onetrip demo` prints. */
int demo_counts(struct ctx *c, int64_t *departments, int64_t *users,
    int64_t *audit_records, struct err *e);

/* One step of demo_load(): departments and accounts. Exposed for tests. */
int demo_load_departments(struct ctx *c, struct err *e);
int demo_load_accounts(struct ctx *c, struct err *e);
/* rating_demo.c: closed cases rated over six months, bad ratings' loops at
 * every stage. */
int demo_load_ratings(struct ctx *c, struct err *e);
/* Supervision demo data (demo/supervise_demo.c); skipped once any ticket
 * exists. */
int demo_load_supervise(struct ctx *c, struct err *e);

/* Quarterly ledgers (demo/stats_demo.c): the previous quarter's accepted,
 * the current quarter's of 县住建局 submitted; skipped once any exists. */
int demo_load_stats(struct ctx *c, struct err *e);

/* The 一件事 bundles (src/demo/bundle_demo.c): approvers of the
 * departments and utility companies they need, the 一业一证 licence item,
 * the bundles published. */
int demo_load_bundles(struct ctx *c, struct err *e);

/* Construction projects (src/demo/project_demo.c): approvers, stewards,
 * owners, the stage items and bundles, the stage lists, three projects. */
int demo_load_projects(struct ctx *c, struct err *e);
/* 明确责任人员 (demo/catalog_demo.c): departments with published items get
 * one of their staff accounts as responsible person; last, after every
 * loader that adds accounts. */
int demo_load_responsible(struct ctx *c, struct err *e);
/* Approver accounts {login, name, mobile, dept} that are not there yet
 * (bundle_demo.c; used by the bundle and project demo data). */
int demo_add_approvers(struct ctx *c, const json_t *list, struct err *e);

/* The demo accounts present in the database, in a fixed order, as a new
 * JSON array of {"login", "label"} (label: role and department in
 * Chinese). An empty array when there are none; NULL on error. */
json_t *demo_accounts(struct db *db, struct err *e);

#endif
