#include "core/indicators.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"

const double indicator_targets[IND__COUNT] = {
	[IND_TIME_REDUCTION] = 70.0,
	[IND_MAX_ONE_TRIP] = 95.0,
	[IND_INSTANT] = 50.0,
	[IND_ONLINE] = 90.0,
	[IND_FULL_ONLINE] = 70.0,
};

static const char *const keys[IND__COUNT] = {
	"time_reduction", "max_one_trip", "instant", "online", "full_online"
};

static const char *const labels[IND__COUNT] = {
	"减时间比例", "“最多跑一次”事项占比", "即办事项占比", "网上可办率",
	"全程网办率"
};

int
indicators_formula_parse(const char *s)
{
	if (s == NULL)
		return -1;
	if (strcmp(s, "mean") == 0)
		return INDICATOR_TIME_MEAN;
	if (strcmp(s, "sum") == 0)
		return INDICATOR_TIME_SUM;
	return -1;
}

const char *
indicators_label(enum indicator_id id)
{
	return (int)id >= 0 && id < IND__COUNT ? labels[id] : "";
}

int
indicators_key_parse(const char *key)
{
	int k;

	for (k = 0; key != NULL && k < IND__COUNT; k++)
		if (strcmp(keys[k], key) == 0)
			return k;
	return -1;
}

int
indicators_item_status(const struct catalog_item *it, enum indicator_id id,
    const double *targets)
{
	if (targets == NULL)
		targets = indicator_targets;
	if (!catalog_type_in_scope(it->type))
		return -1;
	switch (id) {
	case IND_TIME_REDUCTION:
		if (it->statutory_days <= 0 || it->promised_days < 0 ||
		    it->promised_days > it->statutory_days)
			return -1;
		return 100.0 * (it->statutory_days - it->promised_days) /
		    it->statutory_days + 1e-9 >= targets[id] ? 1 : 0;
	case IND_MAX_ONE_TRIP:
		return it->visits >= 0 && it->visits <= 1;
	case IND_INSTANT:
		return it->case_kind == 1;
	case IND_ONLINE:
		return catalog_item_online(it);
	case IND_FULL_ONLINE:
		return catalog_item_full_online(it);
	default:
		return -1;
	}
}

int
indicators_compute(const json_t *items, enum indicator_time_formula f,
    const double *targets, struct indicator_set *out, struct err *e)
{
	struct catalog_item it;
	struct err pe;
	const json_t *x;
	double ratio_sum = 0;
	size_t i;
	int k;

	memset(out, 0, sizeof(*out));
	if (targets == NULL)
		targets = indicator_targets;
	for (k = 0; k < IND__COUNT; k++) {
		out->v[k].key = keys[k];
		out->v[k].label = labels[k];
		out->v[k].target = targets[k];
	}
	if (!json_is_array(items))
		return err_set(e, ERR_INVALID, NULL, "事项列表应为 JSON 数组");

	json_array_foreach(items, i, x) {
		out->items_total++;
		if (!json_is_object(x) || catalog_parse(x, &it, &pe) != 0) {
			out->items_skipped++;
			continue;
		}
		if (!catalog_type_in_scope(it.type)) {
			catalog_item_release(&it);
			continue;
		}
		out->items_in_scope++;
		for (k = 0; k < IND__COUNT; k++) {
			int st = indicators_item_status(&it, (enum indicator_id)k,
			    targets);

			if (st < 0)
				continue;
			if (k == IND_TIME_REDUCTION) {
				struct indicator *t = &out->v[k];

				t->items++;
				t->numerator += it.statutory_days -
				    it.promised_days;
				t->denominator += it.statutory_days;
				ratio_sum += (double)(it.statutory_days -
				    it.promised_days) / it.statutory_days;
			} else if (st == 1) {
				out->v[k].numerator++;
			}
		}
		catalog_item_release(&it);
	}

	for (k = 0; k < IND__COUNT; k++) {
		struct indicator *v = &out->v[k];

		if (k == IND_TIME_REDUCTION) {
			if (v->items > 0)
				v->percent = f == INDICATOR_TIME_SUM ?
				    100.0 * v->numerator / v->denominator :
				    100.0 * ratio_sum / v->items;
		} else {
			v->items = out->items_in_scope;
			v->denominator = out->items_in_scope;
			if (v->denominator > 0)
				v->percent = 100.0 * v->numerator /
				    v->denominator;
		}
		v->met = v->items > 0 && v->percent + 1e-9 >= v->target;
	}
	return 0;
}

static double
round2(double x)
{
	return round(x * 100.0) / 100.0;
}

json_t *
indicators_to_json(const struct indicator_set *s)
{
	json_t *o, *a, *v;
	int k;

	o = json_object();
	a = json_array();
	if (o == NULL || a == NULL) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	json_object_set_new(o, "items_total", json_integer(s->items_total));
	json_object_set_new(o, "items_in_scope",
	    json_integer(s->items_in_scope));
	json_object_set_new(o, "items_skipped", json_integer(s->items_skipped));
	for (k = 0; k < IND__COUNT; k++) {
		const struct indicator *x = &s->v[k];

		v = json_object();
		json_object_set_new(v, "key", json_string(x->key));
		json_object_set_new(v, "label", json_string(x->label));
		json_object_set_new(v, "numerator", json_integer(
		    (json_int_t)llround(x->numerator)));
		json_object_set_new(v, "denominator", json_integer(
		    (json_int_t)llround(x->denominator)));
		json_object_set_new(v, "items", json_integer(x->items));
		json_object_set_new(v, "percent", json_real(round2(x->percent)));
		json_object_set_new(v, "target", json_real(x->target));
		json_object_set_new(v, "met", json_boolean(x->met));
		json_array_append_new(a, v);
	}
	json_object_set_new(o, "indicators", a);
	return o;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *
indicators_report(const json_t *items, enum indicator_time_formula f,
    const double *targets, struct err *e)
{
	struct indicator_set s;
	const char **names = NULL;
	json_t *out = NULL, *groups = NULL, *depts, *g, *x, *sub = NULL;
	const char *name;
	size_t i, n = 0;

	if (indicators_compute(items, f, targets, &s, e) != 0)
		return NULL;
	out = json_object();
	groups = json_object();   /* dept name -> array of elements */
	depts = json_array();
	if (out == NULL || groups == NULL || depts == NULL) {
		json_decref(depts);
		goto oom;
	}
	json_object_set_new(out, "formula",
	    json_string(f == INDICATOR_TIME_SUM ? "sum" : "mean"));
	json_object_set_new(out, "overall", indicators_to_json(&s));
	json_object_set_new(out, "departments", depts);

	json_array_foreach(items, i, x) {
		name = json_string_value(json_object_get(x, "dept"));
		if (name == NULL || name[0] == '\0')
			name = "（未注明实施主体）";
		g = json_object_get(groups, name);
		if (g == NULL) {
			g = json_array();
			if (g == NULL || json_object_set_new(groups, name, g) != 0)
				goto oom;
		}
		json_array_append(g, x);
	}
	names = calloc(json_object_size(groups) + 1, sizeof(*names));
	if (names == NULL)
		goto oom;
	json_object_foreach(groups, name, g)
		names[n++] = name;
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		const json_t *id;

		g = json_object_get(groups, names[i]);
		if (indicators_compute(g, f, targets, &s, e) != 0)
			goto fail;
		sub = indicators_to_json(&s);
		if (sub == NULL)
			goto oom;
		json_object_set_new(sub, "dept", json_string(names[i]));
		id = json_object_get(json_array_get(g, 0), "dept_id");
		if (json_is_integer(id))
			json_object_set(sub, "dept_id", (json_t *)id);
		json_array_append_new(depts, sub);
		sub = NULL;
	}
	free(names);
	json_decref(groups);
	return out;
oom:
	err_internal(e, "out of memory");
fail:
	free(names);
	json_decref(groups);
	json_decref(out);
	return NULL;
}
