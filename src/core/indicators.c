#include "core/indicators.h"

#include <math.h>
#include <stdio.h>
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

#define EPS 1e-9

void
indicator_opts_default(struct indicator_opts *o)
{
	struct err e;

	memset(o, 0, sizeof(*o));
	o->formula = INDICATOR_TIME_MEAN;
	memcpy(o->targets, indicator_targets, sizeof(o->targets));
	(void)indicator_scope_parse("01,05,07-29", o, &e);
}

static int
two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int
indicator_scope_parse(const char *spec, struct indicator_opts *o,
    struct err *e)
{
	bool scope[100] = { false };
	const char *p = spec;
	int a, b, n = 0;

	if (spec == NULL)
		return err_set(e, ERR_INVALID, NULL, "事项类型范围不能为空");
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		a = two_digits(p);
		if (a < 0)
			goto bad;
		p += 2;
		b = a;
		if (*p == '-') {
			b = two_digits(p + 1);
			if (b < a)
				goto bad;
			p += 3;
		}
		for (int k = a; k <= b; k++)
			scope[k] = true;
		n++;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	if (n == 0)
		goto bad;
	memcpy(o->scope, scope, sizeof(scope));
	return 0;
bad:
	return err_set(e, ERR_INVALID, NULL,
	    "事项类型范围“%s”无效，应为两位代码或区间，以逗号分隔，如 01,05,07-29",
	    spec);
}

bool
indicator_in_scope(const struct indicator_opts *o, const char *type)
{
	int k;

	if (type == NULL || strlen(type) != 2)
		return false;
	k = two_digits(type);
	return k >= 0 && o->scope[k];
}

int
indicator_steps(int case_kind, bool window_authorised)
{
	return case_kind == 1 && window_authorised ? 2 : 4;
}

static void
fact_from_item(const struct catalog_item *it, struct indicator_fact *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->type, sizeof(f->type), "%s", it->type != NULL ? it->type : "");
	f->statutory_days = it->statutory_days > 0 ? it->statutory_days : -1;
	f->promised_days = it->promised_days;
	f->visits = it->visits;
	f->case_kind = it->case_kind;
	f->window_authorised = it->window_authorised;
	f->online = catalog_item_online(it);
	f->full_online = catalog_item_full_online(it);
	f->online_level = it->online_level;
	f->n_materials = it->n_materials;
	for (int i = 0; i < it->n_materials; i++)
		if (it->materials[i].necessity == NEC_REQUIRED)
			f->n_required++;
	f->steps = indicator_steps(it->case_kind, it->window_authorised);
	f->fee_charged = it->fee_charged;
}

int
indicator_fact_from_json(const json_t *elements, struct indicator_fact *f,
    struct err *e)
{
	struct catalog_item it;
	int rc;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(elements))
		return err_set(e, ERR_INVALID, NULL, "事项要素应为 JSON 对象");
	rc = catalog_parse(elements, &it, e);
	if (rc != 0)
		return rc;
	fact_from_item(&it, f);
	catalog_item_release(&it);
	return 0;
}

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

const char *
indicators_key(enum indicator_id id)
{
	return (int)id >= 0 && id < IND__COUNT ? keys[id] : "";
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

static bool
time_counted(const struct indicator_fact *f)
{
	return f->statutory_days > 0 && f->promised_days >= 0 &&
	    f->promised_days <= f->statutory_days;
}

int
indicators_fact_status(const struct indicator_fact *f, enum indicator_id id,
    const struct indicator_opts *o)
{
	if (!indicator_in_scope(o, f->type))
		return -1;
	switch (id) {
	case IND_TIME_REDUCTION:
		if (!time_counted(f))
			return -1;
		return 100.0 * (f->statutory_days - f->promised_days) /
		    f->statutory_days + EPS >= o->targets[id] ? 1 : 0;
	case IND_MAX_ONE_TRIP:
		return f->visits >= 0 && f->visits <= 1;
	case IND_INSTANT:
		return f->case_kind == 1 && f->window_authorised;
	case IND_ONLINE:
		return f->online;
	case IND_FULL_ONLINE:
		return f->full_online;
	default:
		return -1;
	}
}

int
indicators_item_status(const struct catalog_item *it, enum indicator_id id,
    const double *targets)
{
	struct indicator_opts o;
	struct indicator_fact f;

	indicator_opts_default(&o);
	if (targets != NULL)
		memcpy(o.targets, targets, sizeof(o.targets));
	fact_from_item(it, &f);
	return indicators_fact_status(&f, id, &o);
}

static void
set_init(struct indicator_set *out, const struct indicator_opts *o)
{
	memset(out, 0, sizeof(*out));
	for (int k = 0; k < IND__COUNT; k++) {
		out->v[k].key = keys[k];
		out->v[k].label = labels[k];
		out->v[k].target = o->targets[k];
	}
}

static void
set_add(struct indicator_set *out, const struct indicator_fact *f,
    const struct indicator_opts *o)
{
	if (!indicator_in_scope(o, f->type))
		return;
	out->items_in_scope++;
	for (int k = 0; k < IND__COUNT; k++) {
		int st = indicators_fact_status(f, (enum indicator_id)k, o);

		if (st < 0)
			continue;
		if (k == IND_TIME_REDUCTION) {
			struct indicator *t = &out->v[k];

			t->items++;
			t->numerator += f->statutory_days - f->promised_days;
			t->denominator += f->statutory_days;
			t->ratio_sum += (double)(f->statutory_days -
			    f->promised_days) / f->statutory_days;
		} else if (st == 1) {
			out->v[k].numerator++;
		}
	}
}

static void
set_finish(struct indicator_set *out, const struct indicator_opts *o)
{
	for (int k = 0; k < IND__COUNT; k++) {
		struct indicator *v = &out->v[k];

		if (k == IND_TIME_REDUCTION) {
			if (v->items > 0)
				v->percent = o->formula == INDICATOR_TIME_SUM ?
				    100.0 * v->numerator / v->denominator :
				    100.0 * v->ratio_sum / v->items;
		} else {
			v->items = out->items_in_scope;
			v->denominator = out->items_in_scope;
			if (v->denominator > 0)
				v->percent = 100.0 * v->numerator /
				    v->denominator;
		}
		v->met = v->items > 0 && v->percent + EPS >= v->target;
	}
}

void
indicators_compute_facts(const struct indicator_fact *f, size_t n,
    int64_t dept_id, const struct indicator_opts *o, struct indicator_set *out)
{
	set_init(out, o);
	for (size_t i = 0; i < n; i++) {
		if (dept_id != 0 && f[i].dept_id != dept_id)
			continue;
		out->items_total++;
		set_add(out, &f[i], o);
	}
	set_finish(out, o);
}

void
indicators_facts_at(const struct indicator_fact *f,
    const int64_t *published_at, size_t n, int64_t t,
    struct indicator_fact *out, size_t *n_out)
{
	size_t i = 0, j, best;

	*n_out = 0;
	while (i < n) {
		best = (size_t)-1;
		for (j = i; j < n && f[j].item_id == f[i].item_id; j++)
			if (published_at[j] <= t)
				best = j;
		if (best != (size_t)-1)
			out[(*n_out)++] = f[best];
		i = j;
	}
}

int
indicators_compute(const json_t *items, enum indicator_time_formula f,
    const double *targets, struct indicator_set *out, struct err *e)
{
	struct indicator_opts o;
	struct indicator_fact fact;
	struct err pe;
	const json_t *x;
	size_t i;

	indicator_opts_default(&o);
	o.formula = f;
	if (targets != NULL)
		memcpy(o.targets, targets, sizeof(o.targets));
	set_init(out, &o);
	if (!json_is_array(items))
		return err_set(e, ERR_INVALID, NULL, "事项列表应为 JSON 数组");
	json_array_foreach(items, i, x) {
		out->items_total++;
		if (indicator_fact_from_json(x, &fact, &pe) != 0) {
			out->items_skipped++;
			continue;
		}
		set_add(out, &fact, &o);
	}
	set_finish(out, &o);
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

/* ---- gap planner ----------------------------------------------------- */

/* A candidate while planning: what orders it, without its text (written
 * only for the candidates chosen, describe()). */
struct candidate {
	size_t fact;
	int effort;
	double gain;
};

static int
cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->effort != y->effort)
		return x->effort < y->effort ? -1 : 1;
	if (fabs(x->gain - y->gain) > EPS)
		return x->gain > y->gain ? -1 : 1;
	return x->fact < y->fact ? -1 : x->fact > y->fact;
}

/* The promised days that would make f meet time_reduction. */
static int
promised_target(const struct indicator_fact *f, const struct indicator_opts *o)
{
	return (int)floor(f->statutory_days *
	    (1.0 - o->targets[IND_TIME_REDUCTION] / 100.0) + EPS);
}

/* The change that makes f meet indicator id, its effort and gain in c;
 * false if none is proposed. */
static bool
propose(const struct indicator_fact *f, enum indicator_id id,
    const struct indicator_opts *o, struct candidate *c)
{
	int p, lv;

	c->gain = 1;
	switch (id) {
	case IND_TIME_REDUCTION:
		p = promised_target(f, o);
		if (p >= f->promised_days)
			return false;
		c->effort = 1;
		c->gain = o->formula == INDICATOR_TIME_SUM ?
		    (double)(f->promised_days - p) :
		    (double)(f->promised_days - p) / f->statutory_days;
		return true;
	case IND_MAX_ONE_TRIP:
		c->effort = f->visits - 1;
		return true;
	case IND_INSTANT:
		c->effort = f->case_kind == 1 ? 1 : 1 + !f->window_authorised +
		    (f->promised_days > 1);
		return true;
	case IND_ONLINE:
		c->effort = 1;
		return true;
	case IND_FULL_ONLINE:
		lv = f->online_level >= 1 && f->online_level <= 4 ?
		    f->online_level : 1;
		c->effort = (4 - lv) + (f->visits > 0 ? 1 : 0);
		if (c->effort == 0)
			c->effort = 1; /* depth codes 4 and 5 missing */
		return true;
	default:
		return false;
	}
}

/* The proposed change, in Chinese, into what (propose() said there is one). */
static void
describe(const struct indicator_fact *f, enum indicator_id id,
    const struct indicator_opts *o, char *what, size_t size)
{
	int lv;

	switch (id) {
	case IND_TIME_REDUCTION:
		snprintf(what, size, "承诺时限由 %d 个工作日压缩至 %d 个工作日"
		    "（法定 %d）", f->promised_days, promised_target(f, o),
		    f->statutory_days);
		break;
	case IND_MAX_ONE_TRIP:
		snprintf(what, size, "到办事现场次数由 %d 次减至 1 次",
		    f->visits);
		break;
	case IND_INSTANT:
		if (f->case_kind == 1)
			snprintf(what, size, "授予窗口审批决定权");
		else
			snprintf(what, size, "承诺件（%d 个工作日）改为即办件%s",
			    f->promised_days, f->window_authorised ? "" :
			    "，并授予窗口审批决定权");
		break;
	case IND_ONLINE:
		snprintf(what, size,
		    "网上办理深度提升至Ⅱ级以上（开通互联网收件或预审）");
		break;
	case IND_FULL_ONLINE:
		lv = f->online_level >= 1 && f->online_level <= 4 ?
		    f->online_level : 1;
		snprintf(what, size, "网办深度由%s级提升至Ⅳ级（互联网受理和办理）%s",
		    lv == 1 ? "Ⅰ" : lv == 2 ? "Ⅱ" : lv == 3 ? "Ⅲ" : "Ⅳ",
		    f->visits > 0 ? "，到现场次数减为 0" : "");
		break;
	default:
		what[0] = '\0';
	}
}

void
indicators_plan_gap(const struct indicator_fact *f, size_t n,
    int64_t dept_id, enum indicator_id id, const struct indicator_opts *o,
    struct indicator_change *out, size_t max, size_t *n_out, double *needed,
    bool *reachable)
{
	struct candidate *cand;
	struct indicator_set s;
	double gap, got = 0;
	size_t nc = 0, i;

	*n_out = 0;
	*needed = 0;
	*reachable = true;
	indicators_compute_facts(f, n, dept_id, o, &s);
	if (s.v[id].met || s.v[id].items == 0)
		return;
	if (id == IND_TIME_REDUCTION)
		gap = o->formula == INDICATOR_TIME_SUM ?
		    o->targets[id] / 100.0 * s.v[id].denominator -
		    s.v[id].numerator :
		    o->targets[id] / 100.0 * s.v[id].items - s.v[id].ratio_sum;
	else
		gap = ceil(o->targets[id] / 100.0 * s.v[id].denominator - EPS) -
		    s.v[id].numerator;
	*needed = gap;
	cand = malloc((n > 0 ? n : 1) * sizeof(*cand));
	if (cand == NULL) {
		*reachable = false;
		return;
	}
	for (i = 0; i < n; i++) {
		if (dept_id != 0 && f[i].dept_id != dept_id)
			continue;
		if (indicators_fact_status(&f[i], id, o) != 0)
			continue;
		if (propose(&f[i], id, o, &cand[nc])) {
			cand[nc].fact = i;
			nc++;
		}
	}
	if (id == IND_TIME_REDUCTION) /* the biggest gain first */
		for (i = 0; i < nc; i++)
			cand[i].effort = 1;
	qsort(cand, nc, sizeof(*cand), cmp_candidate);
	for (i = 0; i < nc && got + EPS < gap; i++) {
		got += cand[i].gain;
		if (*n_out < max) {
			struct indicator_change *c = &out[(*n_out)++];

			c->fact = cand[i].fact;
			c->effort = cand[i].effort;
			c->gain = cand[i].gain;
			describe(&f[cand[i].fact], id, o, c->what,
			    sizeof(c->what));
		}
	}
	*reachable = got + EPS >= gap;
	free(cand);
}
