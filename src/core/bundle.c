/* bundle.c - the pure rules of a 一件事 bundle (see bundle.h). */
#include "core/bundle.h"

#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "core/catalog.h"

#define SHAPE(field, ...) err_field(e, ERR_INVALID, field, "invalid_bundle", \
    __VA_ARGS__)

int
bundle_item_index(const struct bundle_def *d, const char *key)
{
	for (int i = 0; i < d->n_items; i++)
		if (strcmp(d->items[i].key, key) == 0)
			return i;
	return -1;
}

/* Keys: 1..23 bytes of [A-Za-z0-9_]. */
static bool
key_ok(const char *k)
{
	size_t n = k != NULL ? strlen(k) : 0;

	if (n == 0 || n >= BUNDLE_KEY_BYTES)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = k[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_'))
			return false;
	}
	return true;
}

static bool
text_ok(const char *s, size_t max_chars)
{
	size_t n;

	if (s == NULL || s[0] == '\0')
		return false;
	n = strlen(s);
	return utf8_valid(s, n) && utf8_chars(s, n) <= max_chars;
}

static int
parse_items(const json_t *arr, struct bundle_def *d, struct err *e)
{
	const char *afters[BUNDLE_MAX_ITEMS];
	char field[48];
	json_t *it;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return SHAPE("items", "一件事至少包含一个事项");
	if (json_array_size(arr) > BUNDLE_MAX_ITEMS)
		return SHAPE("items", "一件事最多包含 %d 个事项",
		    BUNDLE_MAX_ITEMS);
	(void)afters;
	json_array_foreach(arr, i, it) {
		struct bundle_item *x = &d->items[i];
		const char *key = json_string_value(json_object_get(it, "key"));
		const char *when = json_string_value(json_object_get(it,
		    "when"));
		json_t *id = json_object_get(it, "item_id");
		json_t *opt = json_object_get(it, "optional");

		snprintf(field, sizeof(field), "items[%zu]", i);
		if (!json_is_object(it) || !key_ok(key))
			return SHAPE(field, "事项须有代号 key（字母、数字或下划线）");
		if (bundle_item_index(d, key) >= 0)
			return SHAPE(field, "事项代号“%s”重复", key);
		if (!json_is_integer(id) || json_integer_value(id) <= 0)
			return SHAPE(field, "事项“%s”须指定 item_id", key);
		if (opt != NULL && !json_is_boolean(opt))
			return SHAPE(field, "optional 须为 true 或 false");
		memset(x, 0, sizeof(*x));
		snprintf(x->key, sizeof(x->key), "%s", key);
		x->item_id = json_integer_value(id);
		x->optional = json_is_true(opt);
		if (x->optional) {
			if (!key_ok(when))
				return SHAPE(field, "可选事项“%s”须指定由哪个"
				    "问题（when）决定", key);
			snprintf(x->when, sizeof(x->when), "%s", when);
		} else if (when != NULL && when[0] != '\0') {
			return SHAPE(field, "必办事项“%s”不能设置 when", key);
		}
		for (int k = 0; k < d->n_items; k++)
			if (d->items[k].item_id == x->item_id)
				return SHAPE(field, "同一事项不能重复列入");
		d->n_items++;
	}
	/* dependencies, now that every key is known */
	json_array_foreach(arr, i, it) {
		struct bundle_item *x = &d->items[i];
		json_t *after = json_object_get(it, "after"), *a;
		size_t k;

		snprintf(field, sizeof(field), "items[%zu].after", i);
		if (after == NULL || json_is_null(after))
			continue;
		if (!json_is_array(after) ||
		    json_array_size(after) > BUNDLE_MAX_ITEMS)
			return SHAPE(field, "after 须为事项代号数组");
		json_array_foreach(after, k, a) {
			const char *ak = json_string_value(a);
			int ix = ak != NULL ? bundle_item_index(d, ak) : -1;

			if (ix < 0)
				return SHAPE(field, "事项“%s”依赖的事项“%s”"
				    "不存在", x->key, ak != NULL ? ak : "");
			if (ix == (int)i)
				return err_field(e, ERR_UNPROCESSABLE, field,
				    "bundle_cycle", "事项“%s”不能依赖自身",
				    x->key);
			for (int m = 0; m < x->n_after; m++)
				if (x->after[m] == ix)
					return SHAPE(field, "依赖“%s”重复",
					    ak);
			x->after[x->n_after++] = ix;
		}
	}
	return 0;
}

static int
parse_questions(const json_t *arr, struct bundle_def *d, struct err *e)
{
	char field[48];
	json_t *q;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) ||
	    json_array_size(arr) > BUNDLE_MAX_QUESTIONS)
		return SHAPE("questions", "问题最多 %d 个",
		    BUNDLE_MAX_QUESTIONS);
	json_array_foreach(arr, i, q) {
		const char *key = json_string_value(json_object_get(q, "key"));
		const char *label = json_string_value(json_object_get(q,
		    "label"));

		snprintf(field, sizeof(field), "questions[%zu]", i);
		if (!key_ok(key) || !text_ok(label, 100))
			return SHAPE(field, "问题须有代号 key 和文字 label");
		for (int k = 0; k < d->n_questions; k++)
			if (strcmp(d->questions[k].key, key) == 0)
				return SHAPE(field, "问题代号“%s”重复", key);
		snprintf(d->questions[i].key, BUNDLE_KEY_BYTES, "%s", key);
		d->questions[i].label = label;
		d->n_questions++;
	}
	return 0;
}

static int
parse_fields(const json_t *arr, struct bundle_def *d, struct err *e)
{
	char field[48];
	json_t *f;
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > BUNDLE_MAX_FIELDS)
		return SHAPE("fields", "共用字段最多 %d 个", BUNDLE_MAX_FIELDS);
	json_array_foreach(arr, i, f) {
		struct bundle_field *x = &d->fields[i];
		const char *key = json_string_value(json_object_get(f, "key"));
		const char *label = json_string_value(json_object_get(f,
		    "label"));
		json_t *map = json_object_get(f, "map"), *v;
		const char *mk;

		snprintf(field, sizeof(field), "fields[%zu]", i);
		if (!key_ok(key) || !text_ok(label, 50))
			return SHAPE(field, "共用字段须有代号 key 和名称 label");
		for (int k = 0; k < d->n_fields; k++)
			if (strcmp(d->fields[k].key, key) == 0)
				return SHAPE(field, "字段代号“%s”重复", key);
		memset(x, 0, sizeof(*x));
		snprintf(x->key, sizeof(x->key), "%s", key);
		x->label = label;
		x->required = json_is_true(json_object_get(f, "required"));
		if (map != NULL && !json_is_null(map)) {
			if (!json_is_object(map))
				return SHAPE(field, "map 须为 {事项代号: 字段名}");
			json_object_foreach(map, mk, v) {
				if (bundle_item_index(d, mk) < 0)
					return SHAPE(field, "map 中的事项“%s”"
					    "不存在", mk);
				if (!text_ok(json_string_value(v), 64))
					return SHAPE(field, "map 中事项“%s”的"
					    "字段名不正确", mk);
			}
			x->map = map;
		}
		d->n_fields++;
	}
	return 0;
}

static int
parse_certificate(const json_t *c, struct bundle_def *d, struct err *e)
{
	const char *item, *name;
	json_t *rep, *r;
	size_t i;

	d->cert_item = -1;
	if (c == NULL || json_is_null(c))
		return 0;
	item = json_string_value(json_object_get(c, "item"));
	name = json_string_value(json_object_get(c, "name"));
	rep = json_object_get(c, "replaces");
	if (!json_is_object(c) || item == NULL ||
	    (d->cert_item = bundle_item_index(d, item)) < 0)
		return SHAPE("certificate", "综合许可证须指定发证事项 item");
	if (!text_ok(name, 50))
		return SHAPE("certificate", "综合许可证须有名称");
	if (!json_is_array(rep) || json_array_size(rep) == 0)
		return SHAPE("certificate", "综合许可证须列出其替代的许可");
	d->cert_name = name;
	json_array_foreach(rep, i, r) {
		int ix = json_is_string(r) ? bundle_item_index(d,
		    json_string_value(r)) : -1;

		if (ix < 0 || ix == d->cert_item)
			return SHAPE("certificate", "替代的许可须为本一件事的"
			    "其他事项");
		d->cert_replaces[ix] = true;
	}
	return 0;
}

int
bundle_def_parse(const json_t *j, struct bundle_def *d, struct err *e)
{
	const char *life;
	json_t *lim;
	int order[BUNDLE_MAX_ITEMS], cyc[BUNDLE_MAX_ITEMS + 1], nc = 0, rc;

	memset(d, 0, sizeof(*d));
	d->cert_item = -1;
	if (!json_is_object(j))
		return SHAPE("definition", "一件事定义须为对象");
	d->name = json_string_value(json_object_get(j, "name"));
	if (!text_ok(d->name, 50))
		return SHAPE("name", "请填写一件事名称（1 至 50 个字）");
	life = json_string_value(json_object_get(j, "life_event"));
	if (life == NULL || (strcmp(life, "P") != 0 && strcmp(life, "E") != 0))
		return SHAPE("life_event", "服务对象须为 P（个人）或 E（企业）");
	d->life_event = life[0];
	lim = json_object_get(j, "limit_days");
	if (!json_is_integer(lim) || json_integer_value(lim) < 1 ||
	    json_integer_value(lim) > BUNDLE_MAX_LIMIT)
		return SHAPE("limit_days", "总承诺时限须为 1 至 %d 个工作日",
		    BUNDLE_MAX_LIMIT);
	d->limit_days = (int)json_integer_value(lim);
	rc = parse_items(json_object_get(j, "items"), d, e);
	if (rc == 0)
		rc = parse_questions(json_object_get(j, "questions"), d, e);
	if (rc == 0)
		rc = parse_fields(json_object_get(j, "fields"), d, e);
	if (rc == 0)
		rc = parse_certificate(json_object_get(j, "certificate"), d, e);
	if (rc != 0)
		return rc;
	for (int i = 0; i < d->n_items; i++) {
		bool known = d->items[i].when[0] == '\0';

		for (int q = 0; q < d->n_questions && !known; q++)
			known = strcmp(d->questions[q].key,
			    d->items[i].when) == 0;
		if (!known)
			return SHAPE("items", "事项“%s”的问题“%s”不存在",
			    d->items[i].key, d->items[i].when);
	}
	if (!bundle_topo(d, order, cyc, &nc)) {
		char path[BUNDLE_KEY_BYTES * (BUNDLE_MAX_ITEMS + 1) * 2];
		size_t len = 0;

		path[0] = '\0';
		for (int k = 0; k < nc; k++)
			len += (size_t)snprintf(path + len, sizeof(path) - len,
			    "%s%s", k > 0 ? " → " : "", d->items[cyc[k]].key);
		return err_field(e, ERR_UNPROCESSABLE, "items", "bundle_cycle",
		    "事项依赖存在循环：%s", path);
	}
	return 0;
}

/* Depth-first search; colour 0 white, 1 on the stack, 2 done. */
static bool
dfs(const struct bundle_def *d, int i, int *colour, int *stack, int *depth,
    int *order, int *n_order, int *cycle, int *cycle_len)
{
	colour[i] = 1;
	stack[(*depth)++] = i;
	for (int k = 0; k < d->items[i].n_after; k++) {
		int j = d->items[i].after[k];

		if (colour[j] == 1) {
			int s = 0;

			while (stack[s] != j)
				s++;
			*cycle_len = 0;
			for (int m = s; m < *depth; m++)
				cycle[(*cycle_len)++] = stack[m];
			cycle[(*cycle_len)++] = j;
			return false;
		}
		if (colour[j] == 0 && !dfs(d, j, colour, stack, depth, order,
		    n_order, cycle, cycle_len))
			return false;
	}
	colour[i] = 2;
	(*depth)--;
	order[(*n_order)++] = i;  /* dependencies first */
	return true;
}

bool
bundle_topo(const struct bundle_def *d, int *order, int *cycle,
    int *cycle_len)
{
	int colour[BUNDLE_MAX_ITEMS] = { 0 }, stack[BUNDLE_MAX_ITEMS];
	int depth = 0, n = 0;

	*cycle_len = 0;
	for (int i = 0; i < d->n_items; i++)
		if (colour[i] == 0 && !dfs(d, i, colour, stack, &depth, order,
		    &n, cycle, cycle_len))
			return false;
	return true;
}

int
bundle_choose(const struct bundle_def *d, const json_t *answers,
    bool *chosen, struct err *e)
{
	const char *k;
	json_t *v;

	if (answers != NULL && !json_is_null(answers)) {
		if (!json_is_object(answers))
			return err_field(e, ERR_INVALID, "answers", "bad_type",
			    "answers 须为对象");
		json_object_foreach((json_t *)answers, k, v) {
			bool known = false;

			for (int q = 0; q < d->n_questions; q++)
				known = known || strcmp(d->questions[q].key,
				    k) == 0;
			if (!known)
				return err_field(e, ERR_INVALID, "answers",
				    "unknown_question", "问题“%s”不存在", k);
			if (!json_is_boolean(v))
				return err_field(e, ERR_INVALID, "answers",
				    "bad_answer", "问题“%s”的回答须为是或否",
				    k);
		}
	}
	for (int i = 0; i < d->n_items; i++) {
		const struct bundle_item *x = &d->items[i];

		chosen[i] = !x->optional || (answers != NULL &&
		    json_is_true(json_object_get(answers, x->when)));
	}
	return 0;
}

int
bundle_item_weight(const struct bundle_item *it)
{
	return it->days > 0 ? it->days : 1;
}

int
bundle_sum_days(const struct bundle_def *d, const bool *chosen)
{
	int s = 0;

	for (int i = 0; i < d->n_items; i++)
		if (chosen[i])
			s += bundle_item_weight(&d->items[i]);
	return s;
}

/* finish[i]: the longest chosen path ending with item i (weights w). */
static int
longest_with(const struct bundle_def *d, const bool *chosen, const int *w,
    int *finish)
{
	int order[BUNDLE_MAX_ITEMS], cyc[BUNDLE_MAX_ITEMS + 1], nc, best = 0;

	if (!bundle_topo(d, order, cyc, &nc))
		return -1;
	for (int k = 0; k < d->n_items; k++) {
		int i = order[k], start = 0;

		finish[i] = 0;
		if (!chosen[i])
			continue;
		for (int m = 0; m < d->items[i].n_after; m++) {
			int j = d->items[i].after[m];

			if (chosen[j] && finish[j] > start)
				start = finish[j];
		}
		finish[i] = start + w[i];
		if (finish[i] > best)
			best = finish[i];
	}
	return best;
}

int
bundle_longest_path(const struct bundle_def *d, const bool *chosen)
{
	int w[BUNDLE_MAX_ITEMS], finish[BUNDLE_MAX_ITEMS];

	for (int i = 0; i < d->n_items; i++)
		w[i] = bundle_item_weight(&d->items[i]);
	return longest_with(d, chosen, w, finish);
}

int
bundle_check_limit(const struct bundle_def *d, bool *ideal, struct err *e)
{
	bool all[BUNDLE_MAX_ITEMS];
	int sum, lp;

	for (int i = 0; i < d->n_items; i++)
		all[i] = true;
	sum = bundle_sum_days(d, all);
	lp = bundle_longest_path(d, all);
	if (ideal != NULL)
		*ideal = d->limit_days <= lp;
	if (d->limit_days < 1)
		return err_field(e, ERR_UNPROCESSABLE, "limit_days",
		    "bad_limit", "总承诺时限至少 1 个工作日");
	if (d->n_items > 1 && d->limit_days >= sum)
		return err_field(e, ERR_UNPROCESSABLE, "limit_days",
		    "limit_not_shorter", "总承诺时限（%d 个工作日）须短于各事项"
		    "承诺时限之和（%d 个工作日）", d->limit_days, sum);
	if (d->limit_days > sum)
		return err_field(e, ERR_UNPROCESSABLE, "limit_days",
		    "limit_not_shorter", "总承诺时限不能超过事项承诺时限（%d 个"
		    "工作日）", sum);
	return 0;
}

void
bundle_budgets(const struct bundle_def *d, const bool *chosen, int *budgets)
{
	int w[BUNDLE_MAX_ITEMS], finish[BUNDLE_MAX_ITEMS];
	int lp, limit = d->limit_days;

	for (int i = 0; i < d->n_items; i++)
		w[i] = bundle_item_weight(&d->items[i]);
	lp = longest_with(d, chosen, w, finish);
	for (int i = 0; i < d->n_items; i++) {
		if (!chosen[i]) {
			budgets[i] = 0;
			continue;
		}
		if (lp <= 0 || limit >= lp)
			budgets[i] = w[i];
		else
			budgets[i] = (int)((int64_t)w[i] * limit / lp);
		if (budgets[i] < 1)
			budgets[i] = 1;
	}
}

static int
nec_rank(int nec)
{
	return nec == NEC_REQUIRED ? 3 : nec == NEC_RONGQUE ? 2 : 1;
}

int
bundle_merge_materials(const struct bundle_def *d, const bool *chosen,
    struct bundle_mat *out, int max, int *submissions, int *saved)
{
	int n = 0, total = 0;

	for (int i = 0; i < d->n_items; i++) {
		const struct bundle_item *x = &d->items[i];

		if (!chosen[i])
			continue;
		for (int k = 0; k < x->n_mats; k++) {
			int m;

			if (x->mat[k] == NULL)
				continue;
			total++;
			for (m = 0; m < n; m++)
				if (strcmp(out[m].name, x->mat[k]) == 0)
					break;
			if (m == n) {
				if (n >= max)
					continue;
				memset(&out[n], 0, sizeof(out[n]));
				out[n].name = x->mat[k];
				out[n].necessity = x->mat_nec[k];
				n++;
			} else if (nec_rank(x->mat_nec[k]) >
			    nec_rank(out[m].necessity)) {
				out[m].necessity = x->mat_nec[k];
			}
			if (out[m].n_uses < BUNDLE_MAX_ITEMS) {
				out[m].use_item[out[m].n_uses] = i;
				out[m].use_idx[out[m].n_uses] = k;
				out[m].n_uses++;
			}
		}
	}
	if (submissions != NULL)
		*submissions = total;
	if (saved != NULL)
		*saved = total - n;
	return n;
}

json_t *
bundle_map_form(const struct bundle_def *d, int i, const json_t *form)
{
	json_t *o = json_object();

	for (int f = 0; f < d->n_fields; f++) {
		const struct bundle_field *x = &d->fields[f];
		json_t *v = json_object_get(form, x->key);
		const char *to = x->map != NULL ? json_string_value(
		    json_object_get(x->map, d->items[i].key)) : NULL;

		if (v == NULL || json_is_null(v))
			continue;
		json_object_set(o, to != NULL ? to : x->key, v);
	}
	return o;
}

int
bundle_form_check(const struct bundle_def *d, const json_t *form,
    struct err *e)
{
	char field[48];

	if (form != NULL && !json_is_null(form) && !json_is_object(form))
		return err_field(e, ERR_INVALID, "form", "bad_type",
		    "申请表 form 须为对象");
	for (int f = 0; f < d->n_fields; f++) {
		json_t *v = json_object_get(form, d->fields[f].key);

		if (!d->fields[f].required)
			continue;
		if (v == NULL || json_is_null(v) || (json_is_string(v) &&
		    json_string_length(v) == 0)) {
			snprintf(field, sizeof(field), "form.%s",
			    d->fields[f].key);
			return err_field(e, ERR_INVALID, field, "required",
			    "请填写“%s”", d->fields[f].label);
		}
	}
	return 0;
}

int
bundle_waits_for(const struct bundle_def *d, const int *state, int i,
    int *waits)
{
	int n = 0;

	for (int k = 0; k < d->items[i].n_after; k++) {
		int j = d->items[i].after[k];

		if (state[j] != BUNDLE_CHILD_SKIPPED &&
		    state[j] != BUNDLE_CHILD_APPROVED)
			waits[n++] = j;
	}
	return n;
}

int
bundle_ready(const struct bundle_def *d, const int *state, bool *ready)
{
	int waits[BUNDLE_MAX_ITEMS], n = 0;

	for (int i = 0; i < d->n_items; i++) {
		ready[i] = state[i] == BUNDLE_CHILD_WAITING &&
		    bundle_waits_for(d, state, i, waits) == 0;
		if (ready[i])
			n++;
	}
	return n;
}

enum bundle_outcome
bundle_outcome(const struct bundle_def *d, const int *state, int *failed)
{
	bool all = true;

	if (failed != NULL)
		*failed = -1;
	for (int i = 0; i < d->n_items; i++) {
		if (state[i] == BUNDLE_CHILD_FAILED) {
			if (failed != NULL)
				*failed = i;
			return BUNDLE_OUTCOME_ENDED;
		}
		if (state[i] != BUNDLE_CHILD_SKIPPED &&
		    state[i] != BUNDLE_CHILD_APPROVED)
			all = false;
	}
	return all ? BUNDLE_OUTCOME_COMPLETED : BUNDLE_OUTCOME_RUNNING;
}
