/* form.c - field definitions of the electronic form and the check of
 * submitted values (core/form.h). */
#include "core/form.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idno.h"
#include "base/utf8.h"

static const struct {
	const char *code, *label;
} types[] = {
	{ "text", "单行文字" },
	{ "textarea", "多行文字" },
	{ "number", "数字" },
	{ "date", "日期" },
	{ "select", "下拉单选" },
	{ "multiselect", "多选" },
	{ "checkbox", "勾选" },
	{ "idno", "身份证号码" },
	{ "mobile", "手机号码" },
	{ "credit_code", "统一社会信用代码" },
	{ NULL, NULL }
};

/* Keys the apply page sends besides the fields. */
static const char *const reserved_keys[] = {
	"applicant_name", "phone", "address", "description", "delivery",
	"pledge", NULL
};

const char *
form_type_label(const char *type)
{
	for (int i = 0; type != NULL && types[i].code != NULL; i++)
		if (strcmp(types[i].code, type) == 0)
			return types[i].label;
	return NULL;
}

static bool
is(const char *type, const char *what)
{
	return strcmp(type, what) == 0;
}

static bool
has_options(const char *type)
{
	return is(type, "select") || is(type, "multiselect");
}

static bool
is_text(const char *type)
{
	return is(type, "text") || is(type, "textarea");
}

/* ---- definitions ---------------------------------------------------- */

static int
def_fail(struct err *e, size_t i, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
def_fail(struct err *e, size_t i, const char *member, const char *fmt, ...)
{
	char field[ERR_FIELD_MAX], msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(field, sizeof(field), "form_fields[%zu].%s", i, member);
	return err_field(e, ERR_UNPROCESSABLE, field, "invalid_form_field",
	    "表单字段 %zu：%s", i + 1, msg);
}

/* Plain text of at most max code points without control characters. */
static bool
text_ok(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s);

	if (!utf8_valid(s, n) || utf8_chars(s, n) > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7f || (c < 0x20 && !(multiline &&
		    (c == '\n' || c == '\r' || c == '\t'))))
			return false;
	}
	return true;
}

static bool
key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > FORM_KEY_MAX || k[0] < 'a' || k[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9')
		    || k[i] == '_'))
			return false;
	for (int i = 0; reserved_keys[i] != NULL; i++)
		if (strcmp(reserved_keys[i], k) == 0)
			return false;
	return true;
}

/* A string member: absent or null gives def. */
static int
get_text(const json_t *o, const char *member, const char *def,
    const char **out)
{
	const json_t *v = json_object_get(o, member);

	if (v == NULL || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_string(v) || strlen(json_string_value(v)) !=
	    json_string_length(v))
		return -1;
	*out = json_string_value(v);
	return 0;
}

/* A non-negative integer member: absent or null gives 0. */
static int
get_count(const json_t *o, const char *member, json_int_t max,
    json_int_t *out)
{
	const json_t *v = json_object_get(o, member);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max)
		return -1;
	*out = json_integer_value(v);
	return 0;
}

static bool
pattern_compiles(const char *pattern)
{
	char full[FORM_PATTERN_BYTES + 8];
	regex_t re;

	snprintf(full, sizeof(full), "^(%s)$", pattern);
	if (regcomp(&re, full, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	regfree(&re);
	return true;
}

static int
check_options(const json_t *o, size_t i, const char *type, json_t *def,
    struct err *e)
{
	const json_t *opts = json_object_get(o, "options"), *x;
	json_t *canon = json_array();
	size_t k;

	json_object_set_new(def, "options", canon);
	if (!has_options(type)) {
		if (opts != NULL && !json_is_null(opts) &&
		    (!json_is_array(opts) || json_array_size(opts) > 0))
			return def_fail(e, i, "options", "只有下拉单选和多选字段有选项");
		return 0;
	}
	if (!json_is_array(opts) || json_array_size(opts) == 0)
		return def_fail(e, i, "options", "请填写选项");
	if (json_array_size(opts) > FORM_OPTIONS_MAX)
		return def_fail(e, i, "options", "选项不能超过 %d 个",
		    FORM_OPTIONS_MAX);
	json_array_foreach(opts, k, x) {
		const char *s = json_string_value(x);
		const json_t *y;
		size_t m;

		if (s == NULL || s[0] == '\0' || strlen(s) !=
		    json_string_length(x) || !text_ok(s, FORM_OPTION_CHARS, false))
			return def_fail(e, i, "options", "选项 %zu 应为不超过 "
			    "%d 个字的文字", k + 1, FORM_OPTION_CHARS);
		json_array_foreach(canon, m, y)
			if (strcmp(json_string_value(y), s) == 0)
				return def_fail(e, i, "options", "选项“%s”重复",
				    s);
		json_array_append_new(canon, json_string(s));
	}
	return 0;
}

/* min/max: numbers for a number field, counts for a multiselect. */
static int
check_range(const json_t *o, size_t i, const char *type, json_t *def,
    struct err *e)
{
	const json_t *lo = json_object_get(o, "min"), *hi = json_object_get(o,
	    "max");
	bool number = is(type, "number"), multi = is(type, "multiselect");

	if (lo != NULL && json_is_null(lo))
		lo = NULL;
	if (hi != NULL && json_is_null(hi))
		hi = NULL;
	if (!number && !multi) {
		if (lo != NULL || hi != NULL)
			return def_fail(e, i, "min",
			    "只有数字和多选字段可以设定范围");
	} else {
		if ((lo != NULL && !json_is_number(lo)) ||
		    (hi != NULL && !json_is_number(hi)))
			return def_fail(e, i, "min", "范围应为数字");
		if (lo != NULL && hi != NULL &&
		    json_number_value(lo) > json_number_value(hi))
			return def_fail(e, i, "max", "最大值不能小于最小值");
		if (multi && ((lo != NULL && (!json_is_integer(lo) ||
		    json_integer_value(lo) < 0)) || (hi != NULL &&
		    (!json_is_integer(hi) || json_integer_value(hi) < 1))))
			return def_fail(e, i, "min", "多选的选择个数应为正整数");
		if ((lo != NULL && fabs(json_number_value(lo)) > 1e15) ||
		    (hi != NULL && fabs(json_number_value(hi)) > 1e15))
			return def_fail(e, i, "min", "范围超出可表示的数值");
	}
	json_object_set_new(def, "min", lo != NULL ? json_deep_copy(lo) :
	    json_null());
	json_object_set_new(def, "max", hi != NULL ? json_deep_copy(hi) :
	    json_null());
	return 0;
}

static int
check_lengths(const json_t *o, size_t i, const char *type, json_t *def,
    struct err *e)
{
	json_int_t lo, hi;
	const char *pattern;
	json_int_t cap = is(type, "textarea") ? FORM_TEXTAREA_CHARS :
	    FORM_TEXT_CHARS;

	if (get_count(o, "min_length", cap, &lo) != 0 ||
	    get_count(o, "max_length", cap, &hi) != 0)
		return def_fail(e, i, "max_length", "字数限制应为 0–%lld 的整数",
		    (long long)cap);
	if (!is_text(type) && (lo != 0 || hi != 0))
		return def_fail(e, i, "max_length", "只有文字字段可以限制字数");
	if (hi != 0 && lo > hi)
		return def_fail(e, i, "max_length", "最多字数不能少于最少字数");
	if (get_text(o, "pattern", "", &pattern) != 0)
		return def_fail(e, i, "pattern", "格式规则应为文字");
	if (pattern[0] != '\0') {
		if (!is_text(type))
			return def_fail(e, i, "pattern",
			    "只有文字字段可以设定格式规则");
		if (strlen(pattern) > FORM_PATTERN_BYTES ||
		    !text_ok(pattern, FORM_PATTERN_BYTES, false))
			return def_fail(e, i, "pattern", "格式规则不能超过 %d 个字符",
			    FORM_PATTERN_BYTES);
		if (!pattern_compiles(pattern))
			return def_fail(e, i, "pattern",
			    "格式规则不是有效的正则表达式");
	}
	json_object_set_new(def, "min_length", json_integer(lo));
	json_object_set_new(def, "max_length", json_integer(hi));
	json_object_set_new(def, "pattern", json_string(pattern));
	return 0;
}

static int
check_def(const json_t *o, size_t i, const json_t *done, json_t **out,
    struct err *e)
{
	const char *key, *label, *type, *help;
	const json_t *req = json_object_get(o, "required"), *x;
	json_t *def;
	size_t k;
	int rc;

	*out = NULL;
	if (!json_is_object(o))
		return def_fail(e, i, "key", "应为对象");
	if (get_text(o, "key", "", &key) != 0 || !key_ok(key))
		return def_fail(e, i, "key", "字段标识应为小写字母开头、由小写字母、"
		    "数字和下划线组成的 1–%d 个字符，且不能是 applicant_name、"
		    "phone、address、description、delivery、pledge", FORM_KEY_MAX);
	json_array_foreach(done, k, x)
		if (strcmp(json_string_value(json_object_get(x, "key")), key) == 0)
			return def_fail(e, i, "key", "字段标识“%s”重复", key);
	if (get_text(o, "label", "", &label) != 0 || label[0] == '\0' ||
	    !text_ok(label, FORM_LABEL_CHARS, false))
		return def_fail(e, i, "label", "请填写不超过 %d 个字的字段名称",
		    FORM_LABEL_CHARS);
	json_array_foreach(done, k, x)
		if (strcmp(json_string_value(json_object_get(x, "label")),
		    label) == 0)
			return def_fail(e, i, "label", "字段名称“%s”重复", label);
	if (get_text(o, "type", "", &type) != 0 || form_type_label(type) == NULL)
		return def_fail(e, i, "type", "字段类型不正确");
	if (req != NULL && !json_is_null(req) && !json_is_boolean(req))
		return def_fail(e, i, "required", "是否必填应为是或否");
	if (get_text(o, "help", "", &help) != 0 ||
	    !text_ok(help, FORM_HELP_CHARS, true))
		return def_fail(e, i, "help", "填写说明不能超过 %d 个字",
		    FORM_HELP_CHARS);
	def = json_object();
	json_object_set_new(def, "key", json_string(key));
	json_object_set_new(def, "label", json_string(label));
	json_object_set_new(def, "type", json_string(type));
	json_object_set_new(def, "required", json_boolean(json_is_true(req)));
	rc = check_options(o, i, type, def, e);
	if (rc == 0)
		rc = check_lengths(o, i, type, def, e);
	if (rc == 0)
		rc = check_range(o, i, type, def, e);
	json_object_set_new(def, "help", json_string(help));
	if (rc != 0) {
		json_decref(def);
		return rc;
	}
	*out = def;
	return 0;
}

int
form_fields_check(const json_t *defs, json_t **out, struct err *e)
{
	json_t *canon, *def;
	const json_t *o;
	size_t i;
	int rc;

	*out = NULL;
	canon = json_array();
	if (defs == NULL || json_is_null(defs)) {
		*out = canon;
		return 0;
	}
	if (!json_is_array(defs)) {
		json_decref(canon);
		return err_field(e, ERR_UNPROCESSABLE, "form_fields",
		    "invalid_form_field", "表单字段应为数组");
	}
	if (json_array_size(defs) > FORM_FIELDS_MAX) {
		json_decref(canon);
		return err_field(e, ERR_UNPROCESSABLE, "form_fields",
		    "invalid_form_field", "表单字段不能超过 %d 个",
		    FORM_FIELDS_MAX);
	}
	json_array_foreach(defs, i, o) {
		rc = check_def(o, i, canon, &def, e);
		if (rc != 0) {
			json_decref(canon);
			return rc;
		}
		json_array_append_new(canon, def);
	}
	*out = canon;
	return 0;
}

/* ---- values --------------------------------------------------------- */

static int
val_fail(struct err *e, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
val_fail(struct err *e, const char *key, const char *fmt, ...)
{
	char field[ERR_FIELD_MAX], msg[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(field, sizeof(field), "form.%s", key);
	return err_field(e, ERR_UNPROCESSABLE, field, "invalid_form_value",
	    "%s", msg);
}

static bool
empty(const json_t *v)
{
	return v == NULL || json_is_null(v) ||
	    (json_is_string(v) && json_string_length(v) == 0) ||
	    (json_is_array(v) && json_array_size(v) == 0);
}

static bool
date_ok(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return false;
	return true;
}

static bool
in_options(const json_t *def, const char *s)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(def, "options"), i, x)
		if (strcmp(json_string_value(x), s) == 0)
			return true;
	return false;
}

static bool
pattern_matches(const char *pattern, const char *s)
{
	char full[FORM_PATTERN_BYTES + 8];
	regex_t re;
	bool ok;

	snprintf(full, sizeof(full), "^(%s)$", pattern);
	if (regcomp(&re, full, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static int
check_text_value(const json_t *def, const char *key, const char *label,
    const char *type, const char *s, struct err *e)
{
	json_int_t lo = json_integer_value(json_object_get(def, "min_length"));
	json_int_t hi = json_integer_value(json_object_get(def, "max_length"));
	const char *pattern = json_string_value(json_object_get(def, "pattern"));
	size_t cap = is(type, "textarea") ? FORM_TEXTAREA_CHARS :
	    FORM_TEXT_CHARS, n;

	if (!utf8_valid(s, strlen(s)))
		return val_fail(e, key, "“%s”含有无效字符", label);
	if (!text_ok(s, (size_t)-1, is(type, "textarea")))
		return val_fail(e, key, "“%s”含有控制字符%s", label,
		    is(type, "textarea") ? "" : "或换行");
	n = utf8_strlen(s);
	if (hi == 0 || (size_t)hi > cap)
		hi = (json_int_t)cap;
	if ((size_t)hi < n)
		return val_fail(e, key, "“%s”不能超过 %lld 个字", label,
		    (long long)hi);
	if (lo > 0 && n < (size_t)lo)
		return val_fail(e, key, "“%s”不能少于 %lld 个字", label,
		    (long long)lo);
	if (pattern != NULL && pattern[0] != '\0' && !pattern_matches(pattern, s))
		return val_fail(e, key, "“%s”格式不正确", label);
	return 0;
}

static int
check_number(const json_t *def, const char *key, const char *label,
    const json_t *v, json_t **norm, struct err *e)
{
	const json_t *lo = json_object_get(def, "min"), *hi = json_object_get(
	    def, "max");
	double x;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;

		x = strtod(s, &end);
		if (s[0] == '\0' || isspace((unsigned char)s[0]) || *end != '\0'
		    || !isfinite(x))
			return val_fail(e, key, "“%s”应为数字", label);
	} else if (json_is_number(v)) {
		x = json_number_value(v);
	} else {
		return val_fail(e, key, "“%s”应为数字", label);
	}
	if (!isfinite(x) || fabs(x) > 1e15)
		return val_fail(e, key, "“%s”超出可填写的范围", label);
	if (json_is_number(lo) && x < json_number_value(lo))
		return val_fail(e, key, "“%s”不能小于 %g", label,
		    json_number_value(lo));
	if (json_is_number(hi) && x > json_number_value(hi))
		return val_fail(e, key, "“%s”不能大于 %g", label,
		    json_number_value(hi));
	*norm = x == (double)(json_int_t)x ? json_integer((json_int_t)x) :
	    json_real(x);
	return 0;
}

static int
check_multi(const json_t *def, const char *key, const char *label,
    const json_t *v, struct err *e)
{
	const json_t *lo = json_object_get(def, "min"), *hi = json_object_get(
	    def, "max"), *x, *y;
	size_t i, k, n;

	if (!json_is_array(v))
		return val_fail(e, key, "“%s”应为选项列表", label);
	n = json_array_size(v);
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);

		if (s == NULL || !in_options(def, s))
			return val_fail(e, key, "“%s”的选项“%.60s”不在可选范围内",
			    label, s != NULL ? s : "");
		for (k = 0; k < i; k++) {
			y = json_array_get(v, k);
			if (strcmp(json_string_value(y), s) == 0)
				return val_fail(e, key, "“%s”的选项“%s”重复", label,
				    s);
		}
	}
	if (json_is_integer(lo) && (json_int_t)n < json_integer_value(lo))
		return val_fail(e, key, "“%s”至少选择 %lld 项", label,
		    (long long)json_integer_value(lo));
	if (json_is_integer(hi) && (json_int_t)n > json_integer_value(hi))
		return val_fail(e, key, "“%s”最多选择 %lld 项", label,
		    (long long)json_integer_value(hi));
	return 0;
}

/* One value that is present and not empty. *norm: the stored value. */
static int
check_value(const json_t *def, const json_t *v, json_t **norm, struct err *e)
{
	const char *key = json_string_value(json_object_get(def, "key"));
	const char *label = json_string_value(json_object_get(def, "label"));
	const char *type = json_string_value(json_object_get(def, "type"));
	const char *s = json_string_value(v);
	int rc;

	*norm = NULL;
	if (is(type, "number"))
		return check_number(def, key, label, v, norm, e);
	if (is(type, "checkbox")) {
		if (!json_is_boolean(v))
			return val_fail(e, key, "“%s”应为是或否", label);
		*norm = json_boolean(json_is_true(v));
		return 0;
	}
	if (is(type, "multiselect")) {
		rc = check_multi(def, key, label, v, e);
		if (rc == 0)
			*norm = json_deep_copy(v);
		return rc;
	}
	if (s == NULL || strlen(s) != json_string_length(v))
		return val_fail(e, key, "“%s”应为文字", label);
	if (is_text(type))
		rc = check_text_value(def, key, label, type, s, e);
	else if (is(type, "date"))
		rc = date_ok(s) ? 0 : val_fail(e, key,
		    "“%s”应为有效日期（如 2026-09-29）", label);
	else if (is(type, "select"))
		rc = in_options(def, s) ? 0 : val_fail(e, key,
		    "“%s”的选项“%.60s”不在可选范围内", label, s);
	else if (is(type, "idno"))
		rc = idno_person_valid(s) ? 0 : val_fail(e, key,
		    "“%s”不是有效的居民身份证号码", label);
	else if (is(type, "mobile"))
		rc = idno_mobile_valid(s) ? 0 : val_fail(e, key,
		    "“%s”应为 11 位手机号码", label);
	else if (is(type, "credit_code"))
		rc = idno_credit_code_valid(s) ? 0 : val_fail(e, key,
		    "“%s”不是有效的统一社会信用代码", label);
	else
		rc = val_fail(e, key, "“%s”的类型不正确", label);
	if (rc == 0)
		*norm = json_string(s);
	return rc;
}

int
form_values_check(const json_t *defs, const json_t *values, bool required,
    json_t **out, struct err *e)
{
	const json_t *def;
	json_t *res, *norm;
	size_t i;
	int rc;

	*out = NULL;
	if (values != NULL && !json_is_null(values) && !json_is_object(values))
		return err_field(e, ERR_UNPROCESSABLE, "form", "invalid_form_value",
		    "申请表应为对象");
	res = json_object();
	json_array_foreach(defs, i, def) {
		const char *key = json_string_value(json_object_get(def, "key"));
		const char *label = json_string_value(json_object_get(def,
		    "label"));
		const char *type = json_string_value(json_object_get(def, "type"));
		const json_t *v = json_is_object(values) ?
		    json_object_get(values, key) : NULL;
		bool must = required && json_is_true(json_object_get(def,
		    "required"));

		if (key == NULL || label == NULL || type == NULL) {
			json_decref(res);
			return err_internal(e, "form definition not canonical");
		}
		if (empty(v) || (must && is(type, "checkbox") && json_is_false(v))) {
			if (must) {
				json_decref(res);
				return val_fail(e, key, has_options(type) ?
				    "请选择“%s”" : is(type, "checkbox") ?
				    "请勾选“%s”" : "“%s”不能为空", label);
			}
			continue;
		}
		rc = check_value(def, v, &norm, e);
		if (rc != 0) {
			json_decref(res);
			return rc;
		}
		json_object_set_new(res, key, norm);
	}
	*out = res;
	return 0;
}

bool
form_fields_has(const json_t *defs, const char *key)
{
	const json_t *def;
	size_t i;

	json_array_foreach(defs, i, def) {
		const char *k = json_string_value(json_object_get(def, "key"));

		if (k != NULL && strcmp(k, key) == 0)
			return true;
	}
	return false;
}

char *
form_value_text(const json_t *def, const json_t *value)
{
	const char *type = json_string_value(json_object_get(def, "type"));
	char buf[64];

	(void)type;
	if (value == NULL || json_is_null(value))
		return NULL;
	if (json_is_string(value))
		return strdup(json_string_value(value));
	if (json_is_boolean(value))
		return strdup(json_is_true(value) ? "是" : "否");
	if (json_is_integer(value)) {
		snprintf(buf, sizeof(buf), "%lld",
		    (long long)json_integer_value(value));
		return strdup(buf);
	}
	if (json_is_real(value)) {
		snprintf(buf, sizeof(buf), "%.10g", json_real_value(value));
		return strdup(buf);
	}
	if (json_is_array(value)) {
		size_t cap = 1, i;
		const json_t *x;
		char *s;

		json_array_foreach(value, i, x)
			cap += json_string_length(x) + 3;
		s = malloc(cap);
		if (s == NULL)
			return NULL;
		s[0] = '\0';
		json_array_foreach(value, i, x) {
			if (!json_is_string(x))
				continue;
			if (s[0] != '\0')
				strcat(s, "、");
			strcat(s, json_string_value(x));
		}
		return s;
	}
	return NULL;
}

const char *
form_pledge_text(void)
{
	return "本人（本单位）郑重承诺：本申请表所填写的信息和所提交的材料真实、"
	    "准确、完整、有效，复印件与原件一致，电子证照库调取的证照为本人"
	    "（本单位）所有；如有虚假，愿意承担相应的法律责任，并同意将失信"
	    "信息记入信用记录。";
}
