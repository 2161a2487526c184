/* Unit tests for core/bundle: the dependency graph and its cycle check,
 * optional items chosen by answers, the shared form mapped into each item,
 * the merged material list with the submissions it saves, the overall limit
 * against the sum and the longest path, and the step budgets. */
#include "unit.h"

#include <stdio.h>

#include <jansson.h>

#include "base/err.h"
#include "core/bundle.h"
#include "core/catalog.h"

/* 开办餐饮店: A 营业执照核验 (即办), B 食品经营许可 (5), C 招牌 (5),
 * D 消防检查 (5, after C), E 烟草 (10, optional: tobacco). */
static const char *const RESTAURANT =
    "{\"name\":\"开办餐饮店\",\"life_event\":\"E\",\"limit_days\":8,"
    "\"questions\":[{\"key\":\"tobacco\",\"label\":\"是否销售卷烟\"}],"
    "\"fields\":[{\"key\":\"shop\",\"label\":\"店铺名称\",\"required\":true,"
    "\"map\":{\"B\":\"经营者名称\"}},{\"key\":\"addr\",\"label\":\"经营场所\"}],"
    "\"items\":[{\"key\":\"A\",\"item_id\":1},{\"key\":\"B\",\"item_id\":2,"
    "\"after\":[\"A\"]},{\"key\":\"C\",\"item_id\":3},{\"key\":\"D\","
    "\"item_id\":4,\"after\":[\"C\"]},{\"key\":\"E\",\"item_id\":5,"
    "\"optional\":true,\"when\":\"tobacco\",\"after\":[\"A\"]}]}";

static void
load(const char *text, struct bundle_def *d, json_t **root)
{
	json_error_t je;
	struct err e;

	err_clear(&e);
	*root = json_loads(text, 0, &je);
	assert_non_null(*root);
	assert_int_equal(bundle_def_parse(*root, d, &e), 0);
	d->items[0].days = 0;
	d->items[1].days = 5;
	d->items[2].days = 5;
	d->items[3].days = 5;
	d->items[4].days = 10;
}

static int
parse_text(const char *text, struct err *e)
{
	struct bundle_def d;
	json_t *j = json_loads(text, 0, NULL);
	int rc;

	assert_non_null(j);
	err_clear(e);
	rc = bundle_def_parse(j, &d, e);
	json_decref(j);
	return rc;
}

static void
graph_and_cycles(void **state)
{
	struct bundle_def d;
	struct err e;
	json_t *root;
	int order[BUNDLE_MAX_ITEMS], cyc[BUNDLE_MAX_ITEMS + 1], nc, pos[5];

	(void)state;
	load(RESTAURANT, &d, &root);
	assert_int_equal(d.n_items, 5);
	assert_true(bundle_topo(&d, order, cyc, &nc));
	for (int k = 0; k < 5; k++)
		pos[order[k]] = k;
	assert_true(pos[0] < pos[1]);   /* A before B */
	assert_true(pos[2] < pos[3]);   /* C before D */
	assert_true(pos[0] < pos[4]);
	json_decref(root);

	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"P\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1,"
	    "\"after\":[\"C\"]},{\"key\":\"B\",\"item_id\":2,\"after\":"
	    "[\"A\"]},{\"key\":\"C\",\"item_id\":3,\"after\":[\"B\"]}]}", &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "bundle_cycle");
	assert_non_null(strstr(e.msg, "循环"));
	assert_non_null(strstr(e.msg, "A → C → B → A"));
	/* a self-dependency, an unknown dependency, duplicate keys */
	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"P\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1,"
	    "\"after\":[\"A\"]}]}", &e), -ERR_UNPROCESSABLE);
	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"P\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1,"
	    "\"after\":[\"Z\"]}]}", &e), -ERR_INVALID);
	assert_non_null(strstr(e.msg, "不存在"));
	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"P\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1},"
	    "{\"key\":\"A\",\"item_id\":2}]}", &e), -ERR_INVALID);
	/* optional items need a known question */
	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"P\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1,"
	    "\"optional\":true,\"when\":\"q\"}]}", &e), -ERR_INVALID);
	assert_int_equal(parse_text("{\"name\":\"x\",\"life_event\":\"X\","
	    "\"limit_days\":3,\"items\":[{\"key\":\"A\",\"item_id\":1}]}", &e),
	    -ERR_INVALID);
	assert_string_equal(e.field, "life_event");
}

static void
answers_choose_optional_items(void **state)
{
	struct bundle_def d;
	bool chosen[BUNDLE_MAX_ITEMS];
	struct err e;
	json_t *root, *a;

	(void)state;
	load(RESTAURANT, &d, &root);
	err_clear(&e);
	assert_int_equal(bundle_choose(&d, NULL, chosen, &e), 0);
	assert_true(chosen[0] && chosen[1] && chosen[2] && chosen[3]);
	assert_false(chosen[4]);
	a = json_pack("{s:b}", "tobacco", 1);
	assert_int_equal(bundle_choose(&d, a, chosen, &e), 0);
	assert_true(chosen[4]);
	json_decref(a);
	a = json_pack("{s:b}", "tobacco", 0);
	assert_int_equal(bundle_choose(&d, a, chosen, &e), 0);
	assert_false(chosen[4]);
	json_decref(a);
	a = json_pack("{s:s}", "tobacco", "yes");
	assert_int_equal(bundle_choose(&d, a, chosen, &e), -ERR_INVALID);
	json_decref(a);
	a = json_pack("{s:b}", "alcohol", 1);
	assert_int_equal(bundle_choose(&d, a, chosen, &e), -ERR_INVALID);
	assert_string_equal(e.key, "unknown_question");
	json_decref(a);
	json_decref(root);
}

static void
limits_paths_and_budgets(void **state)
{
	struct bundle_def d;
	bool chosen[BUNDLE_MAX_ITEMS], ideal = false;
	int b[BUNDLE_MAX_ITEMS];
	struct err e;
	json_t *root, *a;

	(void)state;
	load(RESTAURANT, &d, &root);
	err_clear(&e);
	a = json_pack("{s:b}", "tobacco", 1);
	assert_int_equal(bundle_choose(&d, a, chosen, &e), 0);
	json_decref(a);
	/* weights 1,5,5,5,10: sum 26, paths A-B 6, C-D 10, A-E 11 */
	assert_int_equal(bundle_sum_days(&d, chosen), 26);
	assert_int_equal(bundle_longest_path(&d, chosen), 11);
	assert_int_equal(bundle_check_limit(&d, &ideal, &e), 0);
	assert_true(ideal);
	/* budgets scaled by 8/11, each at least 1; every path within 8 */
	bundle_budgets(&d, chosen, b);
	assert_int_equal(b[0], 1);
	assert_int_equal(b[1], 3);
	assert_int_equal(b[3], 3);
	assert_int_equal(b[4], 7);
	assert_true(b[0] + b[1] <= 8);
	assert_true(b[2] + b[3] <= 8);
	assert_true(b[0] + b[4] <= 8);
	/* without tobacco the longest path is C-D (10) */
	chosen[4] = false;
	assert_int_equal(bundle_longest_path(&d, chosen), 10);
	bundle_budgets(&d, chosen, b);
	assert_int_equal(b[4], 0);
	/* the limit must be shorter than the sum */
	d.limit_days = 26;
	assert_int_equal(bundle_check_limit(&d, &ideal, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.key, "limit_not_shorter");
	d.limit_days = 20;
	assert_int_equal(bundle_check_limit(&d, &ideal, &e), 0);
	assert_false(ideal);   /* above the longest path: allowed, not ideal */
	bundle_budgets(&d, chosen, b);
	assert_int_equal(b[1], 5);  /* the limit leaves room: promised days */
	json_decref(root);
}

static void
materials_merge_and_form_maps(void **state)
{
	struct bundle_def d;
	struct bundle_mat m[BUNDLE_MAX_MATS];
	bool chosen[BUNDLE_MAX_ITEMS];
	int n, subs = 0, saved = 0;
	struct err e;
	json_t *root, *form, *f;

	(void)state;
	load(RESTAURANT, &d, &root);
	err_clear(&e);
	assert_int_equal(bundle_choose(&d, NULL, chosen, &e), 0);
	d.items[0].n_mats = 2;
	d.items[0].mat[0] = "营业执照";
	d.items[0].mat_nec[0] = NEC_REQUIRED;
	d.items[0].mat[1] = "法定代表人身份证明";
	d.items[0].mat_nec[1] = NEC_OPTIONAL;
	d.items[1].n_mats = 3;
	d.items[1].mat[0] = "食品经营许可申请书";
	d.items[1].mat_nec[0] = NEC_REQUIRED;
	d.items[1].mat[1] = "营业执照";
	d.items[1].mat_nec[1] = NEC_REQUIRED;
	d.items[1].mat[2] = "法定代表人身份证明";
	d.items[1].mat_nec[2] = NEC_RONGQUE;
	d.items[3].n_mats = 1;
	d.items[3].mat[0] = "营业执照";
	d.items[3].mat_nec[0] = NEC_REQUIRED;
	d.items[4].n_mats = 1;        /* not chosen: not listed */
	d.items[4].mat[0] = "烟草专卖零售许可证申请表";
	d.items[4].mat_nec[0] = NEC_REQUIRED;
	n = bundle_merge_materials(&d, chosen, m, BUNDLE_MAX_MATS, &subs,
	    &saved);
	assert_int_equal(n, 3);
	assert_int_equal(subs, 6);
	assert_int_equal(saved, 3);
	assert_string_equal(m[0].name, "营业执照");
	assert_int_equal(m[0].n_uses, 3);
	assert_int_equal(m[0].use_item[2], 3);
	assert_int_equal(m[0].use_idx[2], 0);
	/* the strongest necessity wins: optional + rongque = rongque */
	assert_string_equal(m[1].name, "法定代表人身份证明");
	assert_int_equal(m[1].necessity, NEC_RONGQUE);

	/* the form: asked once, mapped into B under its own name */
	form = json_pack("{s:s, s:s}", "shop", "秦岭小馆", "addr", "城关镇");
	assert_int_equal(bundle_form_check(&d, form, &e), 0);
	f = bundle_map_form(&d, 1, form);
	assert_string_equal(json_string_value(json_object_get(f, "经营者名称")),
	    "秦岭小馆");
	assert_string_equal(json_string_value(json_object_get(f, "addr")),
	    "城关镇");
	assert_null(json_object_get(f, "shop"));
	json_decref(f);
	f = bundle_map_form(&d, 0, form);
	assert_string_equal(json_string_value(json_object_get(f, "shop")),
	    "秦岭小馆");
	json_decref(f);
	json_object_del(form, "shop");
	assert_int_equal(bundle_form_check(&d, form, &e), -ERR_INVALID);
	assert_string_equal(e.field, "form.shop");
	assert_non_null(strstr(e.msg, "店铺名称"));
	json_decref(form);
	json_decref(root);
}

static void
ready_waits_and_outcome(void **state)
{
	struct bundle_def d;
	bool ready[BUNDLE_MAX_ITEMS];
	int st[BUNDLE_MAX_ITEMS], waits[BUNDLE_MAX_ITEMS], failed;
	json_t *root;

	(void)state;
	load(RESTAURANT, &d, &root);
	st[0] = BUNDLE_CHILD_RUNNING;
	st[1] = BUNDLE_CHILD_WAITING;
	st[2] = BUNDLE_CHILD_APPROVED;
	st[3] = BUNDLE_CHILD_WAITING;
	st[4] = BUNDLE_CHILD_SKIPPED;
	assert_int_equal(bundle_ready(&d, st, ready), 1);
	assert_true(ready[3]);
	assert_false(ready[1]);
	assert_int_equal(bundle_waits_for(&d, st, 1, waits), 1);
	assert_int_equal(waits[0], 0);
	assert_int_equal(bundle_outcome(&d, st, &failed),
	    BUNDLE_OUTCOME_RUNNING);
	st[0] = st[1] = st[3] = BUNDLE_CHILD_APPROVED;
	assert_int_equal(bundle_outcome(&d, st, &failed),
	    BUNDLE_OUTCOME_COMPLETED);
	st[3] = BUNDLE_CHILD_FAILED;
	assert_int_equal(bundle_outcome(&d, st, &failed),
	    BUNDLE_OUTCOME_ENDED);
	assert_int_equal(failed, 3);
	json_decref(root);
}

static void
combined_certificate(void **state)
{
	struct err e;

	(void)state;
	assert_int_equal(parse_text("{\"name\":\"一业一证\",\"life_event\":\"E\","
	    "\"limit_days\":5,\"items\":[{\"key\":\"A\",\"item_id\":1},"
	    "{\"key\":\"B\",\"item_id\":2},{\"key\":\"L\",\"item_id\":3,"
	    "\"after\":[\"A\",\"B\"]}],\"certificate\":{\"item\":\"L\","
	    "\"name\":\"行业综合许可证\",\"replaces\":[\"A\",\"B\"]}}", &e), 0);
	assert_int_equal(parse_text("{\"name\":\"一业一证\",\"life_event\":\"E\","
	    "\"limit_days\":5,\"items\":[{\"key\":\"A\",\"item_id\":1}],"
	    "\"certificate\":{\"item\":\"A\",\"name\":\"证\",\"replaces\":"
	    "[\"A\"]}}", &e), -ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(graph_and_cycles),
		cmocka_unit_test(answers_choose_optional_items),
		cmocka_unit_test(limits_paths_and_budgets),
		cmocka_unit_test(materials_merge_and_form_maps),
		cmocka_unit_test(ready_waits_and_outcome),
		cmocka_unit_test(combined_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
