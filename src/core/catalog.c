#include "core/catalog.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/idno.h"
#include "base/limits.h"
#include "base/utf8.h"
#include "core/form.h"

#define PLACE_CHARS 300   /* 办理地点 / 办理时间 */
#define URL_BYTES 500
#define PHONE_BYTES 40

/* ---- code tables ---------------------------------------------------- */

struct code_label {
	const char *code;
	const char *label;
};

static const struct code_label item_types[] = {
	{ "00", "行政权力事项" },
	{ "01", "行政许可" },
	{ "02", "行政处罚" },
	{ "03", "行政强制" },
	{ "04", "行政征收" },
	{ "05", "行政给付" },
	{ "06", "行政检查" },
	{ "07", "行政确认" },
	{ "08", "行政奖励" },
	{ "09", "行政裁决" },
	{ "10", "其他行政权力" },
	{ CATALOG_TYPE_FILING, "行政备案" },
	{ "20", "公共服务" },
	{ NULL, NULL }
};

/* 依申请六类 (01 05 07 08 09 10), 公共服务 (20) and 行政备案 (11); the
 * extension codes 12-19 (other powers) and 21-29 (public services) are
 * valid types and count too (catalog_type_in_scope). The indicators read
 * their scope from the setting indicators.scope_types (core/indicators.c). */
static const char *const scope_types[] = {
	"01", "05", "07", "08", "09", "10", CATALOG_TYPE_FILING, "20", NULL
};

/* Not applied for by anyone, or a dispute between parties: 告知承诺 has no
 * meaning there (国办发〔2020〕42号 covers certification on application). */
static const char *const no_commitment_types[] = {
	"00", "02", "03", "04", "06", "09", NULL
};

static const char *const level_labels[] = {
	"", "国家级", "省级", "市级", "县级", "乡镇（街道）级", "村（社区）级", "分级管理"
};

static const char *const online_level_labels[] = {
	"", "Ⅰ级（办事指南）", "Ⅱ级（网上收件）", "Ⅲ级（网上预审）", "Ⅳ级（全程网办）"
};

static const char *const depth_labels[] = {
	"", "互联网咨询", "互联网收件", "互联网预审", "互联网受理", "互联网办理",
	"互联网办理结果信息反馈", "互联网电子证照反馈", "其他"
};

struct theme {
	const char *code;
	const char *label;
	char audience; /* 'P' person, 'E' enterprise, 'B' both */
};

static const struct theme themes[] = {
	{ "birth", "生育收养", 'P' },
	{ "household", "户籍办理", 'P' },
	{ "education", "教育科研", 'P' },
	{ "employment", "就业创业", 'P' },
	{ "social_security", "社会保障", 'P' },
	{ "medical", "医疗卫生", 'P' },
	{ "marriage", "婚姻登记", 'P' },
	{ "housing", "住房保障", 'P' },
	{ "transport", "交通出行", 'P' },
	{ "retirement", "退休养老", 'P' },
	{ "veteran", "优待抚恤", 'P' },
	{ "disability", "残疾人服务", 'P' },
	{ "death", "死亡殡葬", 'P' },
	{ "culture", "文化体育", 'P' },
	{ "utilities", "水电气信", 'B' },
	{ "establish", "设立变更", 'E' },
	{ "permit", "准营准办", 'E' },
	{ "construction", "工程建设", 'E' },
	{ "tax", "纳税缴费", 'E' },
	{ "labour", "劳动用工", 'E' },
	{ "qualification", "资质认定", 'E' },
	{ "environment", "环境保护", 'E' },
	{ "safety", "安全生产", 'E' },
	{ "agriculture", "农林牧渔", 'E' },
	{ "trade", "商务贸易", 'E' },
	{ "cancel", "注销清算", 'E' },
	{ NULL, NULL, 0 }
};

static const struct code_label field_labels[] = {
	{ "basic_code", "基本编码" },
	{ "impl_code", "实施编码" },
	{ "handle_code", "业务办理项编码" },
	{ "type", "事项类型" },
	{ "name", "事项名称" },
	{ "dept", "实施主体" },
	{ "level", "行使层级" },
	{ "legal_basis", "设定依据" },
	{ "objects", "服务对象" },
	{ "conditions", "受理条件" },
	{ "materials", "申请材料" },
	{ "statutory_days", "法定办结时限" },
	{ "promised_days", "承诺办结时限" },
	{ "time_note", "时限说明" },
	{ "case_kind", "办件类型" },
	{ "fee_charged", "是否收费" },
	{ "fee_basis", "收费依据" },
	{ "fee_items", "收费项目" },
	{ "handling_forms", "办理形式" },
	{ "online_depth", "网上办理深度" },
	{ "online_level", "网办深度等级" },
	{ "online_url", "网上办理地址" },
	{ "visits", "到办事现场次数" },
	{ "visit_reason", "必须现场办理原因说明" },
	{ "stationed", "是否进驻政务大厅" },
	{ "window_authorised", "窗口审批决定权" },
	{ "rongque", "容缺受理" },
	{ "commitment", "告知承诺" },
	{ "high_risk", "高风险事项" },
	{ "result_name", "审批结果名称" },
	{ "result_type", "审批结果类型" },
	{ "delivery", "结果送达方式" },
	{ "tongban", "通办范围" },
	{ "consult_phone", "咨询电话" },
	{ "complaint_phone", "监督投诉电话" },
	{ "faq", "常见问题" },
	{ "place", "办理地点" },
	{ "hours", "办理时间" },
	{ "themes", "主题分类" },
	{ "form_fields", "电子表单字段" },
	{ NULL, NULL }
};

/* Words of the enumerations as they appear in JSON, index = enum value. */
static const char *const necessity_words[] = { "", "required", "optional", "rongque", NULL };
static const char *const form_words[] = { "", "paper", "electronic", "both", NULL };
static const char *const mkind_words[] = { "", "original", "copy",
    "original_and_copy", "original_or_copy", NULL };
static const char *const source_words[] = { "", "self", "government",
    "licence_lib", "online_form", "other", NULL };
static const char *const result_type_words[] = { "licence", "approval", "other", NULL };
static const char *const delivery_words[] = { "window", "post", "download", "e_licence", NULL };
static const char *const tongban_words[] = { "national", "cross_province",
    "cross_city", "cross_county", "none", NULL };

static const char *
lookup(const struct code_label *t, const char *code)
{
	if (code == NULL)
		return NULL;
	for (; t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return t->label;
	return NULL;
}

static bool
in_list(const char *const *list, const char *s)
{
	if (s == NULL)
		return false;
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/* Index of s in a word list (skipping ""), or 0 when unknown. */
static int
word_index(const char *const *words, const char *s)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (words[i][0] != '\0' && strcmp(words[i], s) == 0)
			return i;
	return 0;
}

/* Two-digit extension codes 12..19 (行政权力) and 21..29 (公共服务). */
static bool
type_extension(const char *t)
{
	if (t == NULL || strlen(t) != 2 || t[0] < '1' || t[0] > '2' ||
	    t[1] < '0' || t[1] > '9')
		return false;
	return (t[0] == '1' && t[1] >= '2') || (t[0] == '2' && t[1] >= '1');
}

bool
catalog_type_known(const char *type)
{
	return lookup(item_types, type) != NULL || type_extension(type);
}

const char *
catalog_type_label(const char *type)
{
	const char *l = lookup(item_types, type);

	if (l != NULL)
		return l;
	if (type_extension(type))
		return type[0] == '1' ? "其他行政权力（扩展）" : "公共服务（扩展）";
	return "";
}

bool
catalog_type_in_scope(const char *type)
{
	return in_list(scope_types, type) || type_extension(type);
}

bool
catalog_type_commitment_excluded(const char *type)
{
	return in_list(no_commitment_types, type);
}

const char *
catalog_level_label(int level)
{
	return level >= 1 && level <= 7 ? level_labels[level] : "";
}

const char *
catalog_online_level_label(int level)
{
	return level >= 1 && level <= 4 ? online_level_labels[level] : "";
}

const char *
catalog_depth_label(int code)
{
	return code >= 1 && code <= 8 ? depth_labels[code] : "";
}

const char *
catalog_theme_label(const char *code)
{
	const struct theme *t;

	if (code == NULL)
		return "";
	for (t = themes; t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return t->label;
	return "";
}

char
catalog_theme_audience(const char *code)
{
	const struct theme *t;

	if (code == NULL)
		return 0;
	for (t = themes; t->code != NULL; t++)
		if (strcmp(t->code, code) == 0)
			return t->audience;
	return 0;
}

const char *
catalog_field_label(const char *field)
{
	const char *l = lookup(field_labels, field);

	return l != NULL ? l : "";
}

/* ---- codes ---------------------------------------------------------- */

static bool
upper_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

bool
catalog_basic_code_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != CATALOG_BASIC_CODE_LEN)
		return false;
	for (i = 0; i < CATALOG_BASIC_CODE_LEN; i++)
		if (!upper_alnum(s[i]))
			return false;
	return true;
}

/* Which part of an implementation code is wrong: 0 none, 1 length,
 * 2 credit code, 3 level digit, 4 basic code, 5 basic code mismatch. */
static int
impl_code_problem(const char *s, const char *basic_code)
{
	char credit[19];

	if (s == NULL || strlen(s) != CATALOG_IMPL_CODE_LEN)
		return 1;
	memcpy(credit, s, 18);
	credit[18] = '\0';
	if (!idno_credit_code_valid(credit))
		return 2;
	if (s[18] < '1' || s[18] > '7')
		return 3;
	if (!catalog_basic_code_valid(s + 19))
		return 4;
	if (basic_code != NULL && strcmp(s + 19, basic_code) != 0)
		return 5;
	return 0;
}

bool
catalog_impl_code_valid(const char *s, const char *basic_code)
{
	return impl_code_problem(s, basic_code) == 0;
}

int
catalog_impl_code_build(const char *credit_code, int level,
    const char *basic_code, char out[CATALOG_IMPL_CODE_LEN + 1])
{
	out[0] = '\0';
	if (credit_code == NULL || !idno_credit_code_valid(credit_code) ||
	    level < 1 || level > 7 || !catalog_basic_code_valid(basic_code))
		return -ERR_INVALID;
	snprintf(out, CATALOG_IMPL_CODE_LEN + 1, "%s%d%s", credit_code, level,
	    basic_code);
	return 0;
}

int
catalog_depth_parse(const char *s, unsigned *bits)
{
	unsigned b = 0;
	const char *p = s;

	*bits = 0;
	if (s == NULL || *s == '\0')
		return 0;
	for (;;) {
		if (*p < '1' || *p > '8')
			return -1;
		if (b & (1u << (*p - '0')))
			return -1; /* repeated code */
		b |= 1u << (*p - '0');
		p++;
		if (*p == '\0')
			break;
		if (*p != '^')
			return -1;
		p++;
	}
	*bits = b;
	return 0;
}

void
catalog_depth_format(unsigned bits, char *out, size_t outsz)
{
	size_t n = 0;
	int c;

	if (outsz == 0)
		return;
	out[0] = '\0';
	for (c = 1; c <= 8; c++) {
		if (!(bits & (1u << c)))
			continue;
		if (n > 0 && n + 1 < outsz)
			out[n++] = '^';
		if (n + 1 < outsz)
			out[n++] = (char)('0' + c);
	}
	out[n] = '\0';
}

#define DEPTH(n) (1u << (n))

bool
catalog_item_online(const struct catalog_item *it)
{
	return it->online_level >= 2 &&
	    (it->online_depth & (DEPTH(2) | DEPTH(3) | DEPTH(4) | DEPTH(5))) != 0;
}

bool
catalog_item_full_online(const struct catalog_item *it)
{
	return it->online_level == 4 && it->visits == 0 &&
	    (it->online_depth & (DEPTH(4) | DEPTH(5))) == (DEPTH(4) | DEPTH(5));
}

/* ---- life cycle ----------------------------------------------------- */

void
catalog_item_init(struct catalog_item *it)
{
	memset(it, 0, sizeof(*it));
	it->statutory_days = -2;
	it->promised_days = -2;
	it->visits = -1;
}

static void
material_release(struct catalog_material *m)
{
	free(m->name);
	free(m->blank_form);
	free(m->sample);
	free(m->notes);
}

void
catalog_item_release(struct catalog_item *it)
{
	int i;

	free(it->basic_code);
	free(it->impl_code);
	free(it->handle_code);
	free(it->type);
	free(it->name);
	free(it->dept);
	free(it->legal_basis);
	free(it->conditions);
	for (i = 0; i < it->n_materials; i++)
		material_release(&it->materials[i]);
	free(it->materials);
	free(it->time_note);
	free(it->fee_basis);
	for (i = 0; i < it->n_fee_items; i++) {
		free(it->fee_items[i].name);
		free(it->fee_items[i].standard);
		free(it->fee_items[i].reduce_basis);
	}
	free(it->fee_items);
	free(it->online_url);
	free(it->visit_reason);
	free(it->result_name);
	free(it->result_type);
	for (i = 0; i < it->n_delivery; i++)
		free(it->delivery[i]);
	free(it->tongban);
	free(it->consult_phone);
	free(it->complaint_phone);
	for (i = 0; i < it->n_faq; i++) {
		free(it->faq[i].q);
		free(it->faq[i].a);
	}
	free(it->faq);
	free(it->place);
	free(it->hours);
	for (i = 0; i < it->n_themes; i++)
		free(it->themes[i]);
	json_decref(it->form_fields);
	catalog_item_init(it);
}

/* ---- parsing -------------------------------------------------------- */

/* The JSON schema of the elements (every member optional for a draft):
 *
 * {
 *   "basic_code": "000104002000",   12 [0-9A-Z]
 *   "impl_code": "11610929016120006K4000104002000",  credit code + level + basic
 *   "handle_code": "",              业务办理项编码, <= 50 [0-9A-Za-z_-]
 *   "type": "01",                   see item_types; "11" = 行政备案
 *   "name": "...", "dept": "县市场监管局", "level": 4,
 *   "legal_basis": "...", "objects": [1, 2], "conditions": "...",
 *   "materials": [{"name", "necessity": "required|optional|rongque",
 *       "form": "paper|electronic|both",
 *       "kind": "original|copy|original_and_copy|original_or_copy",
 *       "copies": 1, "source": "self|government|licence_lib|online_form|other",
 *       "blank_form": sha256|null, "sample": sha256|null, "notes": ""}],
 *   "statutory_days": 20 | null, "promised_days": 5, "time_note": "",
 *   "case_kind": 1 | 2,
 *   "fee_charged": false, "fee_basis": "",
 *   "fee_items": [{"name", "standard", "reducible": false, "reduce_basis": ""}],
 *   "handling_forms": [1, 2, 3],
 *   "online_depth": "1^2^3^4^5^6", "online_level": 1..4, "online_url": "",
 *   "visits": 0, "visit_reason": "",
 *   "stationed": true, "window_authorised": false, "rongque": false,
 *   "commitment": false, "high_risk": false,
 *   "result_name": "...", "result_type": "licence|approval|other",
 *   "delivery": ["window", "post", "download", "e_licence"],
 *   "tongban": "national|cross_province|cross_city|cross_county|none",
 *   "consult_phone": "0915-...", "complaint_phone": "0915-...",
 *   "faq": [{"q", "a"}], "place": "...", "hours": "...",
 *   "themes": ["permit", ...],
 *   "form_fields": [{"key", "label", "type", ...}]   电子表单, core/form.h
 *       (written back only when not empty)
 * }
 */

/* Parse context. The first error sticks: every get_*() returns at once
 * when rc is set, so the steps can run in a plain sequence. */
struct pctx {
	struct err *e;
	int rc;
	char path[32];
};

static int
oom(struct pctx *p)
{
	if (p->rc == 0)
		p->rc = err_internal(p->e, "out of memory");
	return p->rc;
}

static int
bad_type(struct pctx *p, const char *key, const char *what)
{
	char field[ERR_FIELD_MAX];
	const char *label = catalog_field_label(key);

	if (p->rc != 0)
		return p->rc;
	if (p->path[0] != '\0')
		snprintf(field, sizeof(field), "%s.%s", p->path, key);
	else
		snprintf(field, sizeof(field), "%s", key);
	p->rc = err_field(p->e, ERR_INVALID, field, "invalid_element",
	    "%s格式不正确：应为%s", label[0] != '\0' ? label : field, what);
	return p->rc;
}

static int
get_str(struct pctx *p, const json_t *o, const char *key, char **out)
{
	const json_t *v = json_object_get(o, key);
	const char *s = "";

	if (p->rc != 0)
		return p->rc;

	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v))
			return bad_type(p, key, "文本");
		s = json_string_value(v);
		if (strlen(s) != json_string_length(v))
			return bad_type(p, key, "不含空字符的文本");
	}
	*out = strdup(s);
	return *out != NULL ? 0 : oom(p);
}

/* Like get_str but NULL stays NULL (file ids). */
static int
get_opt_str(struct pctx *p, const json_t *o, const char *key, char **out)
{
	const json_t *v = json_object_get(o, key);

	if (p->rc != 0)
		return p->rc;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad_type(p, key, "文件标识或 null");
	if (json_string_value(v)[0] == '\0')
		return 0;
	*out = strdup(json_string_value(v));
	return *out != NULL ? 0 : oom(p);
}

/* Non-negative integers (every integer of the schema is); absent keeps
 * *out. null is allowed when null_value is not INT32_MIN and becomes
 * null_value. */
static int
get_int(struct pctx *p, const json_t *o, const char *key, int *out,
    int null_value)
{
	const json_t *v = json_object_get(o, key);
	json_int_t n;

	if (p->rc != 0)
		return p->rc;

	if (v == NULL)
		return 0;
	if (json_is_null(v) && null_value != INT32_MIN) {
		*out = null_value;
		return 0;
	}
	if (!json_is_integer(v))
		return bad_type(p, key, "整数");
	n = json_integer_value(v);
	if (n < 0 || n > 1000000)
		return bad_type(p, key, "非负整数");
	*out = (int)n;
	return 0;
}

static int
get_bool(struct pctx *p, const json_t *o, const char *key, bool *out)
{
	const json_t *v = json_object_get(o, key);

	if (p->rc != 0)
		return p->rc;

	*out = false;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad_type(p, key, "true 或 false");
	*out = json_is_true(v);
	return 0;
}

static int
get_enum(struct pctx *p, const json_t *o, const char *key,
    const char *const *words, int *out)
{
	const json_t *v = json_object_get(o, key);

	if (p->rc != 0)
		return p->rc;

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad_type(p, key, "规定的代码");
	*out = word_index(words, json_string_value(v));
	if (*out == 0)
		return bad_type(p, key, "规定的代码");
	return 0;
}

static int
get_int_list(struct pctx *p, const json_t *o, const char *key, int *out,
    int *n)
{
	const json_t *v = json_object_get(o, key), *x;
	size_t i;

	if (p->rc != 0)
		return p->rc;

	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > CATALOG_LIST_MAX)
		return bad_type(p, key, "不超过16项的整数列表");
	json_array_foreach(v, i, x) {
		if (!json_is_integer(x) || json_integer_value(x) < 0 ||
		    json_integer_value(x) > 99)
			return bad_type(p, key, "代码列表");
		out[(*n)++] = (int)json_integer_value(x);
	}
	return 0;
}

static int
get_str_list(struct pctx *p, const json_t *o, const char *key, char **out,
    int *n)
{
	const json_t *v = json_object_get(o, key), *x;
	size_t i;

	if (p->rc != 0)
		return p->rc;

	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > CATALOG_LIST_MAX)
		return bad_type(p, key, "不超过16项的代码列表");
	json_array_foreach(v, i, x) {
		if (!json_is_string(x) || json_string_length(x) > 64 ||
		    strlen(json_string_value(x)) != json_string_length(x))
			return bad_type(p, key, "代码列表");
		out[*n] = strdup(json_string_value(x));
		if (out[*n] == NULL)
			return oom(p);
		(*n)++;
	}
	return 0;
}

/* An array of objects: returns its size in *n (after checking the limit). */
static int
get_obj_array(struct pctx *p, const json_t *o, const char *key, size_t max,
    const json_t **arr, size_t *n)
{
	const json_t *v = json_object_get(o, key), *x;
	size_t i;

	if (p->rc != 0)
		return p->rc;

	*arr = NULL;
	*n = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad_type(p, key, "列表");
	if (json_array_size(v) > max) {
		p->rc = err_field(p->e, ERR_INVALID, key, "too_many",
		    "%s最多 %zu 项", catalog_field_label(key), max);
		return p->rc;
	}
	json_array_foreach(v, i, x)
		if (!json_is_object(x))
			return bad_type(p, key, "对象列表");
	*arr = v;
	*n = json_array_size(v);
	return 0;
}

static int
parse_material(struct pctx *p, const json_t *o, struct catalog_material *m)
{
	int v = 0;

	get_str(p, o, "name", &m->name);
	get_enum(p, o, "necessity", necessity_words, &v);
	m->necessity = (enum catalog_necessity)v;
	get_enum(p, o, "form", form_words, &v);
	m->form = (enum catalog_form)v;
	get_enum(p, o, "kind", mkind_words, &v);
	m->kind = (enum catalog_mkind)v;
	m->copies = 1;
	get_int(p, o, "copies", &m->copies, INT32_MIN);
	get_enum(p, o, "source", source_words, &v);
	m->source = (enum catalog_source)v;
	get_opt_str(p, o, "blank_form", &m->blank_form);
	get_opt_str(p, o, "sample", &m->sample);
	get_str(p, o, "notes", &m->notes);
	return p->rc;
}

static int
parse_depth(struct pctx *p, const json_t *o, struct catalog_item *it)
{
	const json_t *v = json_object_get(o, "online_depth");

	if (p->rc != 0)
		return p->rc;

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) ||
	    catalog_depth_parse(json_string_value(v), &it->online_depth) != 0)
		return bad_type(p, "online_depth",
		    "以“^”分隔、不重复的深度代码 1–8（如“3^4^5^6”）");
	return 0;
}

/* The parse steps in order; the first error sticks in p->rc. */
static int
parse_all(struct pctx *p, const json_t *j, struct catalog_item *it)
{
	const json_t *arr;
	size_t i, n;

	get_str(p, j, "basic_code", &it->basic_code);
	get_str(p, j, "impl_code", &it->impl_code);
	get_str(p, j, "handle_code", &it->handle_code);
	get_str(p, j, "type", &it->type);
	get_str(p, j, "name", &it->name);
	get_str(p, j, "dept", &it->dept);
	get_int(p, j, "level", &it->level, INT32_MIN);
	get_str(p, j, "legal_basis", &it->legal_basis);
	get_int_list(p, j, "objects", it->objects, &it->n_objects);
	get_str(p, j, "conditions", &it->conditions);

	get_obj_array(p, j, "materials", CATALOG_MATERIALS_MAX, &arr, &n);
	if (p->rc != 0)
		return p->rc;
	if (n > 0) {
		it->materials = calloc(n, sizeof(*it->materials));
		if (it->materials == NULL)
			return oom(p);
	}
	for (i = 0; i < n && p->rc == 0; i++) {
		snprintf(p->path, sizeof(p->path), "materials[%zu]", i);
		it->n_materials++;
		parse_material(p, json_array_get(arr, i), &it->materials[i]);
	}
	p->path[0] = '\0';

	get_int(p, j, "statutory_days", &it->statutory_days, -1);
	get_int(p, j, "promised_days", &it->promised_days, INT32_MIN);
	get_str(p, j, "time_note", &it->time_note);
	get_int(p, j, "case_kind", &it->case_kind, INT32_MIN);
	get_bool(p, j, "fee_charged", &it->fee_charged);
	get_str(p, j, "fee_basis", &it->fee_basis);

	get_obj_array(p, j, "fee_items", CATALOG_FEE_ITEMS_MAX, &arr, &n);
	if (p->rc != 0)
		return p->rc;
	if (n > 0) {
		it->fee_items = calloc(n, sizeof(*it->fee_items));
		if (it->fee_items == NULL)
			return oom(p);
	}
	for (i = 0; i < n && p->rc == 0; i++) {
		const json_t *o = json_array_get(arr, i);
		struct catalog_fee_item *f = &it->fee_items[i];

		snprintf(p->path, sizeof(p->path), "fee_items[%zu]", i);
		it->n_fee_items++;
		get_str(p, o, "name", &f->name);
		get_str(p, o, "standard", &f->standard);
		get_bool(p, o, "reducible", &f->reducible);
		get_str(p, o, "reduce_basis", &f->reduce_basis);
	}
	p->path[0] = '\0';

	get_int_list(p, j, "handling_forms", it->handling_forms,
	    &it->n_handling_forms);
	parse_depth(p, j, it);
	get_int(p, j, "online_level", &it->online_level, INT32_MIN);
	get_str(p, j, "online_url", &it->online_url);
	get_int(p, j, "visits", &it->visits, INT32_MIN);
	get_str(p, j, "visit_reason", &it->visit_reason);
	get_bool(p, j, "stationed", &it->stationed);
	get_bool(p, j, "window_authorised", &it->window_authorised);
	get_bool(p, j, "rongque", &it->rongque);
	get_bool(p, j, "commitment", &it->commitment);
	get_bool(p, j, "high_risk", &it->high_risk);
	get_str(p, j, "result_name", &it->result_name);
	get_str(p, j, "result_type", &it->result_type);
	get_str_list(p, j, "delivery", it->delivery, &it->n_delivery);
	get_str(p, j, "tongban", &it->tongban);
	get_str(p, j, "consult_phone", &it->consult_phone);
	get_str(p, j, "complaint_phone", &it->complaint_phone);

	get_obj_array(p, j, "faq", CATALOG_FAQ_MAX, &arr, &n);
	if (p->rc != 0)
		return p->rc;
	if (n > 0) {
		it->faq = calloc(n, sizeof(*it->faq));
		if (it->faq == NULL)
			return oom(p);
	}
	for (i = 0; i < n && p->rc == 0; i++) {
		const json_t *o = json_array_get(arr, i);

		snprintf(p->path, sizeof(p->path), "faq[%zu]", i);
		it->n_faq++;
		get_str(p, o, "q", &it->faq[i].q);
		get_str(p, o, "a", &it->faq[i].a);
	}
	p->path[0] = '\0';

	get_str(p, j, "place", &it->place);
	get_str(p, j, "hours", &it->hours);
	get_str_list(p, j, "themes", it->themes, &it->n_themes);
	if (p->rc == 0)
		p->rc = form_fields_check(json_object_get(j, "form_fields"),
		    &it->form_fields, p->e);
	return p->rc;
}

int
catalog_parse(const json_t *j, struct catalog_item *it, struct err *e)
{
	struct pctx p;
	int rc;

	catalog_item_init(it);
	memset(&p, 0, sizeof(p));
	p.e = e;
	if (!json_is_object(j))
		return err_set(e, ERR_INVALID, "invalid_element",
		    "事项要素应为 JSON 对象");
	rc = parse_all(&p, j, it);
	if (rc != 0)
		catalog_item_release(it);
	return rc;
}

/* ---- serialisation -------------------------------------------------- */

static void
set_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, json_string(s != NULL ? s : ""));
}

static json_t *
int_array(const int *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static json_t *
str_array(char *const *v, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static const char *
word(const char *const *words, int i)
{
	return i > 0 ? words[i] : "";
}

json_t *
catalog_to_json(const struct catalog_item *it)
{
	json_t *o, *a, *m;
	char depth[20];
	int i;

	o = json_object();
	if (o == NULL)
		return NULL;
	set_str(o, "basic_code", it->basic_code);
	set_str(o, "impl_code", it->impl_code);
	set_str(o, "handle_code", it->handle_code);
	set_str(o, "type", it->type);
	set_str(o, "name", it->name);
	set_str(o, "dept", it->dept);
	json_object_set_new(o, "level", json_integer(it->level));
	set_str(o, "legal_basis", it->legal_basis);
	json_object_set_new(o, "objects", int_array(it->objects, it->n_objects));
	set_str(o, "conditions", it->conditions);
	a = json_array();
	for (i = 0; i < it->n_materials; i++) {
		const struct catalog_material *x = &it->materials[i];

		m = json_object();
		set_str(m, "name", x->name);
		set_str(m, "necessity", word(necessity_words, x->necessity));
		set_str(m, "form", word(form_words, x->form));
		set_str(m, "kind", word(mkind_words, x->kind));
		json_object_set_new(m, "copies", json_integer(x->copies));
		set_str(m, "source", word(source_words, x->source));
		json_object_set_new(m, "blank_form", x->blank_form != NULL ?
		    json_string(x->blank_form) : json_null());
		json_object_set_new(m, "sample", x->sample != NULL ?
		    json_string(x->sample) : json_null());
		set_str(m, "notes", x->notes);
		json_array_append_new(a, m);
	}
	json_object_set_new(o, "materials", a);
	if (it->statutory_days >= 0)
		json_object_set_new(o, "statutory_days",
		    json_integer(it->statutory_days));
	else if (it->statutory_days == -1)
		json_object_set_new(o, "statutory_days", json_null());
	if (it->promised_days != -2)
		json_object_set_new(o, "promised_days",
		    json_integer(it->promised_days));
	set_str(o, "time_note", it->time_note);
	json_object_set_new(o, "case_kind", json_integer(it->case_kind));
	json_object_set_new(o, "fee_charged", json_boolean(it->fee_charged));
	set_str(o, "fee_basis", it->fee_basis);
	a = json_array();
	for (i = 0; i < it->n_fee_items; i++) {
		const struct catalog_fee_item *f = &it->fee_items[i];

		m = json_object();
		set_str(m, "name", f->name);
		set_str(m, "standard", f->standard);
		json_object_set_new(m, "reducible", json_boolean(f->reducible));
		set_str(m, "reduce_basis", f->reduce_basis);
		json_array_append_new(a, m);
	}
	json_object_set_new(o, "fee_items", a);
	json_object_set_new(o, "handling_forms",
	    int_array(it->handling_forms, it->n_handling_forms));
	catalog_depth_format(it->online_depth, depth, sizeof(depth));
	set_str(o, "online_depth", depth);
	json_object_set_new(o, "online_level", json_integer(it->online_level));
	set_str(o, "online_url", it->online_url);
	if (it->visits >= 0)
		json_object_set_new(o, "visits", json_integer(it->visits));
	set_str(o, "visit_reason", it->visit_reason);
	json_object_set_new(o, "stationed", json_boolean(it->stationed));
	json_object_set_new(o, "window_authorised",
	    json_boolean(it->window_authorised));
	json_object_set_new(o, "rongque", json_boolean(it->rongque));
	json_object_set_new(o, "commitment", json_boolean(it->commitment));
	json_object_set_new(o, "high_risk", json_boolean(it->high_risk));
	set_str(o, "result_name", it->result_name);
	set_str(o, "result_type", it->result_type);
	json_object_set_new(o, "delivery", str_array(it->delivery,
	    it->n_delivery));
	set_str(o, "tongban", it->tongban);
	set_str(o, "consult_phone", it->consult_phone);
	set_str(o, "complaint_phone", it->complaint_phone);
	a = json_array();
	for (i = 0; i < it->n_faq; i++) {
		m = json_object();
		set_str(m, "q", it->faq[i].q);
		set_str(m, "a", it->faq[i].a);
		json_array_append_new(a, m);
	}
	json_object_set_new(o, "faq", a);
	set_str(o, "place", it->place);
	set_str(o, "hours", it->hours);
	json_object_set_new(o, "themes", str_array(it->themes, it->n_themes));
	if (it->form_fields != NULL && json_array_size(it->form_fields) > 0)
		json_object_set(o, "form_fields", it->form_fields);
	return o;
}

/* ---- validation ----------------------------------------------------- */

/* Validation context; like parsing, the first failure sticks. */
struct vctx {
	struct err *e;
	bool draft;
	int rc;
};

static int
fail(struct vctx *v, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct vctx *v, const char *field, const char *fmt, ...)
{
	char msg[ERR_MSG_MAX];
	va_list ap;

	if (v->rc != 0)
		return v->rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->rc = err_field(v->e, ERR_UNPROCESSABLE, field, "invalid_element",
	    "%s", msg);
	return v->rc;
}

/* Text: required unless a draft, at most max code points, no control
 * characters other than tab and line breaks. */
static int
check_text(struct vctx *v, const char *field, const char *label,
    const char *s, bool required, size_t max)
{
	size_t n;
	const unsigned char *p;

	if (s == NULL || s[0] == '\0') {
		if (required && !v->draft)
			return fail(v, field, "请填写%s", label);
		return 0;
	}
	n = utf8_strlen(s);
	if (n == (size_t)-1)
		return fail(v, field, "%s含有无效字符", label);
	if (n > max)
		return fail(v, field, "%s不能超过 %zu 个字", label, max);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			return fail(v, field, "%s含有控制字符", label);
	return 0;
}

static bool
file_id_valid(const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return false;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool
phone_valid(const char *s)
{
	size_t i, digits = 0, n = strlen(s);

	if (n < 5 || n > PHONE_BYTES)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (strchr("-+() ", s[i]) == NULL)
			return false;
	}
	return digits >= 5;
}

static bool
has_int(const int *v, int n, int x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool
has_str(char *const *v, int n, const char *x)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], x) == 0)
			return true;
	return false;
}

/* Duplicates in a code list: index of the first repeat, or -1. */
static int
int_dup(const int *v, int n)
{
	int i, k;

	for (i = 1; i < n; i++)
		for (k = 0; k < i; k++)
			if (v[i] == v[k])
				return i;
	return -1;
}

static int
str_dup(char *const *v, int n)
{
	int i, k;

	for (i = 1; i < n; i++)
		for (k = 0; k < i; k++)
			if (strcmp(v[i], v[k]) == 0)
				return i;
	return -1;
}

static int
check_codes(struct vctx *v, const struct catalog_item *it)
{
	const char *p;
	int prob;

	if (it->basic_code[0] == '\0') {
		if (!v->draft)
			return fail(v, "basic_code", "请填写基本编码");
	} else if (!catalog_basic_code_valid(it->basic_code)) {
		return fail(v, "basic_code",
		    "基本编码须为12位数字或大写字母（如 000104002000）");
	}
	if (it->impl_code[0] == '\0') {
		if (!v->draft)
			return fail(v, "impl_code", "请填写实施编码");
	} else {
		prob = impl_code_problem(it->impl_code,
		    catalog_basic_code_valid(it->basic_code) ?
		    it->basic_code : NULL);
		switch (prob) {
		case 0:
			break;
		case 1:
			return fail(v, "impl_code", "实施编码须为31位：18位统一社会信用代码＋1位行使层级＋12位基本编码");
		case 2:
			return fail(v, "impl_code", "实施编码前18位不是有效的统一社会信用代码（校验位不正确）");
		case 3:
			return fail(v, "impl_code", "实施编码第19位行使层级须为1–7");
		case 4:
			return fail(v, "impl_code", "实施编码后12位不是有效的基本编码");
		default:
			return fail(v, "impl_code", "实施编码后12位须与基本编码一致");
		}
		if (it->level >= 1 && it->level <= 7 &&
		    it->impl_code[18] != '0' + it->level)
			return fail(v, "impl_code", "实施编码第19位须与行使层级（%d）一致", it->level);
	}
	if (strlen(it->handle_code) > CATALOG_HANDLE_CODE_MAX)
		return fail(v, "handle_code", "业务办理项编码不能超过50位");
	for (p = it->handle_code; *p != '\0'; p++)
		if (!upper_alnum(*p) && !(*p >= 'a' && *p <= 'z') &&
		    *p != '-' && *p != '_')
			return fail(v, "handle_code", "业务办理项编码只能包含字母、数字、“-”和“_”");
	return 0;
}

static int
check_identity(struct vctx *v, const struct catalog_item *it)
{
	int i;

	if (it->type[0] == '\0') {
		if (!v->draft)
			return fail(v, "type", "请选择事项类型");
	} else if (!catalog_type_known(it->type)) {
		return fail(v, "type", "事项类型代码“%.8s”不在 GB/T 39046 代码集中", it->type);
	}
	if (check_text(v, "name", "事项名称", it->name, true,
	    LIMIT_NAME_CHARS) != 0 ||
	    check_text(v, "dept", "实施主体", it->dept, true,
	    LIMIT_NAME_CHARS) != 0)
		return v->rc;
	if (it->level == 0) {
		if (!v->draft)
			return fail(v, "level", "请选择行使层级");
	} else if (it->level < 1 || it->level > 7) {
		return fail(v, "level", "行使层级须为1–7（1国家级 … 4县级 … 7分级管理）");
	}
	if (check_text(v, "legal_basis", "设定依据", it->legal_basis,
	    true, LIMIT_TEXT_CHARS) != 0)
		return v->rc;
	if (it->n_objects == 0 && !v->draft)
		return fail(v, "objects", "请至少选择一类服务对象");
	for (i = 0; i < it->n_objects; i++)
		if (it->objects[i] < 1 || it->objects[i] > 6)
			return fail(v, "objects", "服务对象代码须为1–6（自然人、企业法人、事业法人、社会组织法人、行政机关、其他组织）");
	if (int_dup(it->objects, it->n_objects) >= 0)
		return fail(v, "objects", "服务对象重复");
	return check_text(v, "conditions", "受理条件", it->conditions, true,
	    LIMIT_TEXT_CHARS);
}

static int
check_materials(struct vctx *v, const struct catalog_item *it)
{
	char f[ERR_FIELD_MAX];
	int i, k;

	for (i = 0; i < it->n_materials; i++) {
		const struct catalog_material *m = &it->materials[i];

		snprintf(f, sizeof(f), "materials[%d].name", i);
		if (check_text(v, f, "材料名称", m->name, true,
		    LIMIT_NAME_CHARS) != 0)
			return v->rc;
		for (k = 0; k < i; k++)
			if (m->name[0] != '\0' &&
			    strcmp(m->name, it->materials[k].name) == 0)
				return fail(v, f, "申请材料“%s”重复", m->name);
		if (!v->draft) {
			snprintf(f, sizeof(f), "materials[%d].necessity", i);
			if (m->necessity == 0)
				return fail(v, f, "请选择材料“%s”的必要性", m->name);
			snprintf(f, sizeof(f), "materials[%d].form", i);
			if (m->form == 0)
				return fail(v, f, "请选择材料“%s”的材料形式", m->name);
			snprintf(f, sizeof(f), "materials[%d].kind", i);
			if (m->kind == 0)
				return fail(v, f, "请选择材料“%s”的材料类型", m->name);
			snprintf(f, sizeof(f), "materials[%d].source", i);
			if (m->source == 0)
				return fail(v, f, "请选择材料“%s”的来源渠道", m->name);
		}
		snprintf(f, sizeof(f), "materials[%d].copies", i);
		if (m->copies < 0 || m->copies > CATALOG_COPIES_MAX)
			return fail(v, f, "材料份数须为0–99");
		if (m->form == FORM_PAPER && m->copies == 0 && !v->draft)
			return fail(v, f, "纸质材料“%s”的份数至少为1", m->name);
		snprintf(f, sizeof(f), "materials[%d].blank_form", i);
		if (m->blank_form != NULL && !file_id_valid(m->blank_form))
			return fail(v, f, "空白表格文件标识无效");
		snprintf(f, sizeof(f), "materials[%d].sample", i);
		if (m->sample != NULL && !file_id_valid(m->sample))
			return fail(v, f, "示例样表文件标识无效");
		snprintf(f, sizeof(f), "materials[%d].notes", i);
		if (check_text(v, f, "材料说明", m->notes, false,
		    LIMIT_TEXT_CHARS) != 0)
			return v->rc;
	}
	return 0;
}

static int
check_time(struct vctx *v, const struct catalog_item *it)
{
	if (it->statutory_days == -2 && !v->draft)
		return fail(v, "statutory_days", "请填写法定办结时限（法律法规未规定时填 null）");
	if (it->statutory_days < -2 || it->statutory_days > CATALOG_DAYS_MAX)
		return fail(v, "statutory_days", "法定办结时限须为0–%d个工作日", CATALOG_DAYS_MAX);
	if (it->promised_days == -2) {
		if (!v->draft)
			return fail(v, "promised_days", "请填写承诺办结时限");
	} else if (it->promised_days < 0 || it->promised_days > CATALOG_DAYS_MAX) {
		return fail(v, "promised_days", "承诺办结时限须为0–%d个工作日", CATALOG_DAYS_MAX);
	}
	if (it->statutory_days >= 0 && it->promised_days >= 0 &&
	    it->promised_days > it->statutory_days)
		return fail(v, "promised_days", "承诺办结时限不得超过法定办结时限（%d个工作日）", it->statutory_days);
	if (it->case_kind == 0) {
		if (!v->draft)
			return fail(v, "case_kind", "请选择办件类型（即办件或承诺件）");
		return 0;
	}
	if (it->case_kind != 1 && it->case_kind != 2)
		return fail(v, "case_kind", "办件类型须为1（即办件）或2（承诺件）");
	if (it->case_kind == 1 && it->promised_days > 0)
		return fail(v, "promised_days", "即办件的承诺办结时限应为0个工作日（当场办结）");
	if (it->case_kind == 2 && it->promised_days == 0)
		return fail(v, "promised_days", "承诺件的承诺办结时限至少为1个工作日；当场办结的事项请选择即办件");
	return check_text(v, "time_note", "时限说明", it->time_note, false,
	    LIMIT_TEXT_CHARS);
}

static int
check_fees(struct vctx *v, const struct catalog_item *it)
{
	char f[ERR_FIELD_MAX];
	int i;

	if (check_text(v, "fee_basis", "收费依据", it->fee_basis,
	    false, LIMIT_TEXT_CHARS) != 0)
		return v->rc;
	if (!v->draft && it->fee_charged) {
		if (it->fee_basis[0] == '\0')
			return fail(v, "fee_basis", "收费事项须填写收费依据");
		if (it->n_fee_items == 0)
			return fail(v, "fee_items", "收费事项须至少列明一个收费项目");
	}
	if (!v->draft && !it->fee_charged && it->n_fee_items > 0)
		return fail(v, "fee_items", "不收费事项不应填写收费项目");
	for (i = 0; i < it->n_fee_items; i++) {
		const struct catalog_fee_item *x = &it->fee_items[i];

		snprintf(f, sizeof(f), "fee_items[%d].name", i);
		if (check_text(v, f, "收费项目名称", x->name, true,
		    LIMIT_NAME_CHARS) != 0)
			return v->rc;
		snprintf(f, sizeof(f), "fee_items[%d].standard", i);
		if (check_text(v, f, "收费标准", x->standard, true,
		    PLACE_CHARS) != 0)
			return v->rc;
		snprintf(f, sizeof(f), "fee_items[%d].reduce_basis", i);
		if (check_text(v, f, "减免依据", x->reduce_basis,
		    x->reducible, LIMIT_TEXT_CHARS) != 0)
			return v->rc;
	}
	return 0;
}

static int
check_online(struct vctx *v, const struct catalog_item *it)
{
	unsigned d = it->online_depth;
	bool web;
	int i;

	if (it->n_handling_forms == 0 && !v->draft)
		return fail(v, "handling_forms", "请至少选择一种办理形式");
	for (i = 0; i < it->n_handling_forms; i++) {
		int x = it->handling_forms[i];

		if (x != 1 && x != 2 && x != 3 && x != 4 && x != 9)
			return fail(v, "handling_forms", "办理形式代码须为1窗口、2电脑端、3移动端、4快递申请或9其他");
	}
	if (int_dup(it->handling_forms, it->n_handling_forms) >= 0)
		return fail(v, "handling_forms", "办理形式重复");
	if (it->online_level == 0) {
		if (!v->draft)
			return fail(v, "online_level", "请选择网办深度等级（Ⅰ–Ⅳ级）");
	} else if (it->online_level < 1 || it->online_level > 4) {
		return fail(v, "online_level", "网办深度等级须为1–4（Ⅰ–Ⅳ级）");
	}
	if (it->online_url[0] != '\0' &&
	    ((strncmp(it->online_url, "https://", 8) != 0 &&
	    strncmp(it->online_url, "http://", 7) != 0) ||
	    strlen(it->online_url) > URL_BYTES ||
	    strpbrk(it->online_url, " \t\r\n\"<>") != NULL))
		return fail(v, "online_url", "网上办理地址须为 http:// 或 https:// 开头的网址");
	if (it->visits < -1 || it->visits > CATALOG_VISITS_MAX)
		return fail(v, "visits", "到办事现场次数须为0–%d", CATALOG_VISITS_MAX);
	if (check_text(v, "visit_reason", "必须现场办理原因说明",
	    it->visit_reason, false, LIMIT_TEXT_CHARS) != 0)
		return v->rc;
	if (v->draft)
		return 0;

	if (it->visits == -1)
		return fail(v, "visits", "请填写到办事现场次数");
	if (it->visits > 0 && it->visit_reason[0] == '\0')
		return fail(v, "visit_reason", "到办事现场次数不为0时须说明必须现场办理的原因");

	/* Depth codes against the level (see catalog.h / domain.md 2.4). */
	switch (it->online_level) {
	case 1:
		if (d & (DEPTH(2) | DEPTH(3) | DEPTH(4) | DEPTH(5)))
			return fail(v, "online_level", "网上办理深度含收件、预审、受理或办理时，网办深度等级不能为Ⅰ级");
		break;
	case 2:
		if (!(d & DEPTH(2)))
			return fail(v, "online_depth", "Ⅱ级事项的网上办理深度须包含“互联网收件”（2）");
		if (d & (DEPTH(3) | DEPTH(4) | DEPTH(5)))
			return fail(v, "online_level", "网上办理深度含预审、受理或办理时，网办深度等级应为Ⅲ级或Ⅳ级");
		break;
	case 3:
		if (!(d & (DEPTH(3) | DEPTH(4))))
			return fail(v, "online_depth", "Ⅲ级事项的网上办理深度须包含“互联网预审”（3）或“互联网受理”（4）");
		break;
	case 4:
		if ((d & (DEPTH(4) | DEPTH(5))) != (DEPTH(4) | DEPTH(5)))
			return fail(v, "online_depth", "Ⅳ级（全程网办）事项的网上办理深度须包含“互联网受理”（4）和“互联网办理”（5）");
		if (it->visits != 0)
			return fail(v, "visits", "Ⅳ级（全程网办）事项到办事现场次数须为0");
		break;
	}
	web = has_int(it->handling_forms, it->n_handling_forms, 2) ||
	    has_int(it->handling_forms, it->n_handling_forms, 3);
	if (it->online_level >= 2 && !web)
		return fail(v, "handling_forms", "可网上办理的事项，办理形式须包含电脑端或移动端网上办理");
	if (it->online_level == 1 && web)
		return fail(v, "online_level", "办理形式含网上办理时，网办深度等级不能为Ⅰ级");
	if (it->visits == 0 && it->online_level != 4 &&
	    !has_int(it->handling_forms, it->n_handling_forms, 4))
		return fail(v, "handling_forms", "到办事现场次数为0但非全程网办的事项，办理形式须包含快递申请（邮寄）");
	return 0;
}

static int
check_handling(struct vctx *v, const struct catalog_item *it)
{
	int i;
	bool remote;

	/* 容缺 and 告知承诺. */
	for (i = 0; i < it->n_materials && !v->draft; i++)
		if (it->materials[i].necessity == NEC_RONGQUE && !it->rongque) {
			char f[ERR_FIELD_MAX];

			snprintf(f, sizeof(f), "materials[%d].necessity", i);
			return fail(v, f, "材料“%s”标为容缺可后补，但事项未开通容缺受理", it->materials[i].name);
		}
	if (!v->draft && it->rongque) {
		for (i = 0; i < it->n_materials; i++)
			if (it->materials[i].necessity == NEC_RONGQUE)
				break;
		if (i == it->n_materials)
			return fail(v, "rongque", "开通容缺受理的事项须至少标明一项“容缺可后补”材料");
	}
	if (!v->draft && it->commitment) {
		if (catalog_type_commitment_excluded(it->type))
			return fail(v, "commitment", "“%s”类事项不适用告知承诺制", catalog_type_label(it->type));
		if (it->high_risk)
			return fail(v, "commitment", "涉及国家安全、公共安全、生态环境保护和直接关系人身健康、生命财产安全的高风险事项不适用告知承诺制");
	}

	/* Result and its delivery. */
	if (check_text(v, "result_name", "审批结果名称", it->result_name,
	    true, LIMIT_NAME_CHARS) != 0)
		return v->rc;
	if (it->result_type[0] == '\0') {
		if (!v->draft)
			return fail(v, "result_type", "请选择审批结果类型");
	} else if (!in_list(result_type_words, it->result_type)) {
		return fail(v, "result_type", "审批结果类型须为证照、批文或其他");
	}
	if (it->n_delivery == 0 && !v->draft)
		return fail(v, "delivery", "请至少选择一种结果送达方式");
	for (i = 0; i < it->n_delivery; i++)
		if (!in_list(delivery_words, it->delivery[i]))
			return fail(v, "delivery", "结果送达方式须为窗口领取、邮寄、网上下载或电子证照");
	if (str_dup(it->delivery, it->n_delivery) >= 0)
		return fail(v, "delivery", "结果送达方式重复");
	remote = has_str(it->delivery, it->n_delivery, "post") ||
	    has_str(it->delivery, it->n_delivery, "download") ||
	    has_str(it->delivery, it->n_delivery, "e_licence");
	if (!v->draft && it->visits == 0 && !remote)
		return fail(v, "delivery", "到办事现场次数为0的事项，结果送达方式须包含邮寄、网上下载或电子证照");

	if (it->tongban[0] == '\0') {
		if (!v->draft)
			return fail(v, "tongban", "请选择通办范围");
	} else if (!in_list(tongban_words, it->tongban)) {
		return fail(v, "tongban", "通办范围须为全国通办、跨省通办、跨市通办、跨县通办或不通办");
	}
	return 0;
}

static int
check_service(struct vctx *v, const struct catalog_item *it)
{
	char f[ERR_FIELD_MAX];
	int i;

	if (it->consult_phone[0] == '\0') {
		if (!v->draft)
			return fail(v, "consult_phone", "请填写咨询电话");
	} else if (!phone_valid(it->consult_phone)) {
		return fail(v, "consult_phone", "咨询电话格式不正确（如 0915-7812345）");
	}
	if (it->complaint_phone[0] == '\0') {
		if (!v->draft)
			return fail(v, "complaint_phone", "请填写监督投诉电话");
	} else if (!phone_valid(it->complaint_phone)) {
		return fail(v, "complaint_phone", "监督投诉电话格式不正确（如 0915-12345）");
	}
	for (i = 0; i < it->n_faq; i++) {
		snprintf(f, sizeof(f), "faq[%d].q", i);
		if (check_text(v, f, "常见问题", it->faq[i].q, true,
		    PLACE_CHARS) != 0)
			return v->rc;
		snprintf(f, sizeof(f), "faq[%d].a", i);
		if (check_text(v, f, "问题解答", it->faq[i].a, true,
		    LIMIT_TEXT_CHARS) != 0)
			return v->rc;
	}
	if (check_text(v, "place", "办理地点", it->place, true,
	    PLACE_CHARS) != 0 ||
	    check_text(v, "hours", "办理时间", it->hours, true,
	    PLACE_CHARS) != 0)
		return v->rc;
	for (i = 0; i < it->n_themes; i++)
		if (catalog_theme_audience(it->themes[i]) == 0)
			return fail(v, "themes", "主题分类“%.32s”不存在", it->themes[i]);
	if (str_dup(it->themes, it->n_themes) >= 0)
		return fail(v, "themes", "主题分类重复");
	return 0;
}

int
catalog_validate(const struct catalog_item *it, bool draft, struct err *e)
{
	struct vctx v;

	v.e = e;
	v.draft = draft;
	v.rc = 0;
	check_codes(&v, it);
	check_identity(&v, it);
	check_materials(&v, it);
	check_time(&v, it);
	check_fees(&v, it);
	check_online(&v, it);
	check_handling(&v, it);
	check_service(&v, it);
	return v.rc;
}

int
catalog_check_json(const json_t *j, bool draft, json_t **out, struct err *e)
{
	struct catalog_item it;
	int rc;

	*out = NULL;
	rc = catalog_parse(j, &it, e);
	if (rc != 0)
		return rc;
	rc = catalog_validate(&it, draft, e);
	if (rc == 0) {
		*out = catalog_to_json(&it);
		if (*out == NULL)
			rc = err_internal(e, "out of memory");
	}
	catalog_item_release(&it);
	return rc;
}

/* ---- diff ----------------------------------------------------------- */

static void
diff_add(json_t *out, const char *field, const char *label, const json_t *a,
    const json_t *b)
{
	json_t *row;
	const char *change;

	if (a == NULL && b == NULL)
		return;
	if (a != NULL && b != NULL && json_equal((json_t *)a, (json_t *)b))
		return;
	change = a == NULL ? "added" : b == NULL ? "removed" : "changed";
	row = json_object();
	json_object_set_new(row, "field", json_string(field));
	json_object_set_new(row, "label", json_string(label));
	json_object_set_new(row, "change", json_string(change));
	json_object_set_new(row, "old", a != NULL ? json_deep_copy(a) :
	    json_null());
	json_object_set_new(row, "new", b != NULL ? json_deep_copy(b) :
	    json_null());
	json_array_append_new(out, row);
}

/* The element of arr whose member key equals name, or NULL. */
static const json_t *
find_by(const json_t *arr, const char *key, const char *name)
{
	const json_t *x;
	size_t i;

	json_array_foreach(arr, i, x) {
		const char *s = json_string_value(json_object_get(x, key));

		if (s != NULL && strcmp(s, name) == 0)
			return x;
	}
	return NULL;
}

/* Lists of named objects: report each entry by its name. Falls back to a
 * whole-list comparison when the lists are not lists of named objects. */
static void
diff_named(json_t *out, const char *field, const char *key, const json_t *a,
    const json_t *b)
{
	const char *label = catalog_field_label(field);
	const json_t *x, *lists[2] = { a, b };
	char fbuf[512], lbuf[512];
	size_t i;
	int side;

	for (side = 0; side < 2; side++) {
		if (lists[side] == NULL || json_is_null(lists[side]))
			continue;
		if (!json_is_array(lists[side]))
			goto whole;
		json_array_foreach(lists[side], i, x)
			if (json_string_value(json_object_get(x, key)) == NULL)
				goto whole;
	}
	/* Old entries in old order (changed/removed), then the added ones. */
	if (a != NULL && json_is_array(a))
		json_array_foreach(a, i, x) {
			const char *name = json_string_value(json_object_get(x, key));
			const json_t *y = b != NULL && json_is_array(b) ?
			    find_by(b, key, name) : NULL;

			snprintf(fbuf, sizeof(fbuf), "%s/%s", field, name);
			snprintf(lbuf, sizeof(lbuf), "%s：%s", label, name);
			diff_add(out, fbuf, lbuf, x, y);
		}
	if (b != NULL && json_is_array(b))
		json_array_foreach(b, i, x) {
			const char *name = json_string_value(json_object_get(x, key));

			if (a != NULL && json_is_array(a) && find_by(a, key, name))
				continue;
			snprintf(fbuf, sizeof(fbuf), "%s/%s", field, name);
			snprintf(lbuf, sizeof(lbuf), "%s：%s", label, name);
			diff_add(out, fbuf, lbuf, NULL, x);
		}
	return;
whole:
	diff_add(out, field, label, a, b);
}

json_t *
catalog_diff(const json_t *old_elements, const json_t *new_elements)
{
	const struct code_label *f;
	const json_t *a, *b, *objs[2];
	const char *key;
	json_t *out, *val;
	int side;

	out = json_array();
	if (out == NULL)
		return NULL;
	objs[0] = json_is_object(old_elements) ? old_elements : NULL;
	objs[1] = json_is_object(new_elements) ? new_elements : NULL;
	for (f = field_labels; f->code != NULL; f++) {
		a = objs[0] != NULL ? json_object_get(objs[0], f->code) : NULL;
		b = objs[1] != NULL ? json_object_get(objs[1], f->code) : NULL;
		if (strcmp(f->code, "form_fields") == 0)
			diff_named(out, f->code, "key", a, b);
		else if (strcmp(f->code, "materials") == 0 ||
		    strcmp(f->code, "fee_items") == 0)
			diff_named(out, f->code, "name", a, b);
		else if (strcmp(f->code, "faq") == 0)
			diff_named(out, f->code, "q", a, b);
		else
			diff_add(out, f->code, f->label, a, b);
	}
	/* Members outside the schema (older versions): compared as they are. */
	for (side = 0; side < 2; side++) {
		if (objs[side] == NULL)
			continue;
		json_object_foreach((json_t *)objs[side], key, val) {
			if (lookup(field_labels, key) != NULL)
				continue;
			if (side == 1 && objs[0] != NULL &&
			    json_object_get(objs[0], key) != NULL)
				continue; /* already reported from the old side */
			a = objs[0] != NULL ? json_object_get(objs[0], key) : NULL;
			b = objs[1] != NULL ? json_object_get(objs[1], key) : NULL;
			diff_add(out, key, key, a, b);
		}
	}
	return out;
}

unsigned
catalog_restrictions(const struct catalog_item *b,
    const struct catalog_item *a)
{
	unsigned r = 0;

	if (b == NULL || a == NULL)
		return 0;
	if (b->stationed && !a->stationed)
		r |= CATALOG_RESTRICT_UNSTATIONED;
	if (a->online_level < b->online_level)
		r |= CATALOG_RESTRICT_ONLINE_LEVEL;
	if (a->visits > b->visits)
		r |= CATALOG_RESTRICT_VISITS;
	if (a->promised_days > b->promised_days)
		r |= CATALOG_RESTRICT_PROMISED;
	return r;
}

void
catalog_restrictions_text(unsigned bits, const struct catalog_item *b,
    const struct catalog_item *a, char *out, size_t outsz)
{
	size_t len = 0;
	int w;

#define PUT(...) do { \
	w = snprintf(out + len, outsz - len, "%s", len > 0 ? "；" : ""); \
	if (w > 0 && (size_t)w < outsz - len) len += (size_t)w; \
	w = snprintf(out + len, outsz - len, __VA_ARGS__); \
	if (w > 0 && (size_t)w < outsz - len) len += (size_t)w; \
} while (0)
	if (outsz == 0)
		return;
	out[0] = '\0';
	if (b == NULL || a == NULL)
		return;
	if (bits & CATALOG_RESTRICT_UNSTATIONED)
		PUT("撤出政务大厅");
	if (bits & CATALOG_RESTRICT_ONLINE_LEVEL)
		PUT("网上办理深度由%s降为%s",
		    catalog_online_level_label(b->online_level),
		    catalog_online_level_label(a->online_level));
	if (bits & CATALOG_RESTRICT_VISITS)
		PUT("到现场次数由 %d 次增为 %d 次", b->visits, a->visits);
	if (bits & CATALOG_RESTRICT_PROMISED)
		PUT("承诺办结时限由 %d 个工作日延长为 %d 个工作日",
		    b->promised_days, a->promised_days);
#undef PUT
}
