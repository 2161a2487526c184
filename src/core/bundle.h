/* bundle.h - the pure rules of a 一件事 bundle (高效办成一件事):
 * several departments' items applied for once, accepted once, approved in
 * parallel and finished within one promised limit.
 *
 * A definition (JSON, kept by the hall admin, versioned and published):
 *
 *   {"name":"开办餐饮店", "life_event":"E"|"P", "category":"开办企业",
 *    "summary":"...", "limit_days":8, "handout":"综合窗口统一出件",
 *    "questions":[{"key":"tobacco","label":"是否销售卷烟、雪茄烟"}],
 *    "fields":[{"key":"shop_name","label":"店铺名称","required":true,
 *               "map":{"B":"店铺名称"}}],
 *    "items":[{"key":"A","item_id":12,"optional":false,"when":"",
 *              "after":["B"]}],
 *    "certificate":{"item":"F","name":"行业综合许可证","replaces":["A","B"]}}
 *
 * - items form a dependency graph (after: the items whose approval this one
 *   waits for); it must be acyclic. An item without after starts at
 *   acceptance, in parallel with the others;
 * - an optional item runs only when the applicant answers its question
 *   ("when") with yes; a dependency on an item not chosen is dropped;
 * - one form: a shared field is asked once and copied into every item's
 *   form under the item's own name for it (map), or under its key;
 * - one material list: materials of the chosen items with the same name are
 *   submitted once (the strongest necessity wins); the list reports how
 *   many submissions that saves (减材料);
 * - one limit in working days: at least 1, below the sum of the items'
 *   promised days (即办件 count 1), ideally not above the longest path;
 *   each child gets a step budget scaled so that every path fits the limit.
 *
 * Item facts (promised days, material names and necessities) are filled in
 * by the caller after parsing; names are borrowed, never freed here. */
#ifndef ONETRIP_CORE_BUNDLE_H
#define ONETRIP_CORE_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/err.h"

#define BUNDLE_MAX_ITEMS 16
#define BUNDLE_MAX_QUESTIONS 8
#define BUNDLE_MAX_FIELDS 16
#define BUNDLE_ITEM_MATS 32
#define BUNDLE_MAX_MATS (BUNDLE_MAX_ITEMS * BUNDLE_ITEM_MATS)
#define BUNDLE_KEY_BYTES 24
#define BUNDLE_MAX_LIMIT 1000

struct bundle_item {
	char key[BUNDLE_KEY_BYTES];
	int64_t item_id;
	bool optional;
	char when[BUNDLE_KEY_BYTES];   /* question key ("" for required items) */
	int n_after;
	int after[BUNDLE_MAX_ITEMS];   /* indices of the items waited for */
	/* facts, filled by the caller */
	int days;                      /* promised working days, 0: 即办件 */
	int n_mats;
	const char *mat[BUNDLE_ITEM_MATS];
	int mat_nec[BUNDLE_ITEM_MATS]; /* enum catalog_necessity */
};

struct bundle_question {
	char key[BUNDLE_KEY_BYTES];
	const char *label;
};

struct bundle_field {
	char key[BUNDLE_KEY_BYTES];
	const char *label;
	bool required;
	const json_t *map;             /* {item key: form key}, may be NULL */
};

struct bundle_def {
	const char *name;
	char life_event;               /* 'P' or 'E' */
	int limit_days;
	int n_items;
	struct bundle_item items[BUNDLE_MAX_ITEMS];
	int n_questions;
	struct bundle_question questions[BUNDLE_MAX_QUESTIONS];
	int n_fields;
	struct bundle_field fields[BUNDLE_MAX_FIELDS];
	int cert_item;                 /* item issuing the combined licence, -1 */
	const char *cert_name;
	bool cert_replaces[BUNDLE_MAX_ITEMS];
};

/* One entry of the combined material list. */
struct bundle_mat {
	const char *name;
	int necessity;                 /* the strongest of its uses */
	int n_uses;
	int use_item[BUNDLE_MAX_ITEMS];
	int use_idx[BUNDLE_MAX_ITEMS];
};

/* State of a child as the rules see it. */
enum bundle_child_state {
	BUNDLE_CHILD_SKIPPED = 0,      /* optional, not chosen */
	BUNDLE_CHILD_WAITING,          /* chosen, waits for its dependencies */
	BUNDLE_CHILD_RUNNING,          /* its case is open */
	BUNDLE_CHILD_APPROVED,         /* 准予 (certify or done) */
	BUNDLE_CHILD_FAILED,           /* denied, terminated, withdrawn, ... */
};

enum bundle_outcome {
	BUNDLE_OUTCOME_RUNNING = 0,
	BUNDLE_OUTCOME_COMPLETED,      /* every chosen child approved */
	BUNDLE_OUTCOME_ENDED,          /* a chosen child failed */
};

/* Parses and checks a definition (shape, keys unique, dependencies known,
 * no cycle, limit 1..BUNDLE_MAX_LIMIT). Strings other than keys are
 * borrowed from j. -ERR_INVALID for the shape, -ERR_UNPROCESSABLE for a
 * cycle ("事项依赖存在循环：A → B → A"). */
int bundle_def_parse(const json_t *j, struct bundle_def *d, struct err *e);

/* A topological order of the items into order[] (n_items entries); false
 * when there is a cycle, with cycle[] holding it (first == last) and
 * *cycle_len its length. */
bool bundle_topo(const struct bundle_def *d, int *order, int *cycle,
    int *cycle_len);

/* Which items the answers choose: required items always, an optional item
 * when answers[when] is true. -ERR_INVALID for an unknown question or a
 * value that is not true/false. answers may be NULL. */
int bundle_choose(const struct bundle_def *d, const json_t *answers,
    bool *chosen, struct err *e);

/* Working days of an item on a path (即办件 count 1). */
int bundle_item_weight(const struct bundle_item *it);
/* Sum of the chosen items' weights and the longest dependency path. */
int bundle_sum_days(const struct bundle_def *d, const bool *chosen);
int bundle_longest_path(const struct bundle_def *d, const bool *chosen);

/* Checks the overall limit against every item chosen: 1..sum (strictly
 * below the sum when there are two items or more). *ideal (may be NULL)
 * tells whether it is within the longest path. -ERR_UNPROCESSABLE. */
int bundle_check_limit(const struct bundle_def *d, bool *ideal,
    struct err *e);

/* Step budgets of the chosen items: each item's weight scaled down by
 * limit / longest path (never below 1), so that the budgets along any
 * path add up to at most the limit when the limit allows one day per item.
 * budgets[i] = 0 for items not chosen. */
void bundle_budgets(const struct bundle_def *d, const bool *chosen,
    int *budgets);

/* The combined material list of the chosen items, in item order; returns
 * how many entries (<= max); *submissions is how many the items list
 * separately and *saved how many submissions the merge saves. */
int bundle_merge_materials(const struct bundle_def *d, const bool *chosen,
    struct bundle_mat *out, int max, int *submissions, int *saved);

/* The form of item i from the shared form: every defined field present in
 * form, under the item's mapped name. New reference (an object). */
json_t *bundle_map_form(const struct bundle_def *d, int i,
    const json_t *form);
/* Required shared fields missing from form: -ERR_INVALID naming the
 * first ("请填写“店铺名称”"). */
int bundle_form_check(const struct bundle_def *d, const json_t *form,
    struct err *e);

/* Which waiting children may start now: chosen, waiting, and every chosen
 * dependency approved. Returns how many. */
int bundle_ready(const struct bundle_def *d, const int *state, bool *ready);
/* The chosen dependencies of item i that are not approved yet, into
 * waits[] (indices); returns how many. */
int bundle_waits_for(const struct bundle_def *d, const int *state, int i,
    int *waits);
/* The bundle's outcome from its children's states (skipped ones ignored);
 * *failed (may be NULL) is the first failed child or -1. */
enum bundle_outcome bundle_outcome(const struct bundle_def *d,
    const int *state, int *failed);

/* Item index by key, -1 when unknown. */
int bundle_item_index(const struct bundle_def *d, const char *key);

#endif
