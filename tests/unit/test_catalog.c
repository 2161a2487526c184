/* Unit tests for core/catalog: codes, parsing, every validation rule,
 * canonical output, diff, and the Baihe demo catalogue. */
#include "unit.h"

#include <stdio.h>

#include <jansson.h>

#include "base/embedded.h"
#include "base/err.h"
#include "base/idno.h"
#include "core/catalog.h"

/* A complete, valid item: 食品经营许可（变更）-like, 承诺件, Ⅳ级. */
static const char good_json[] =
    "{\"basic_code\":\"000104002002\","
    "\"impl_code\":\"91610929MA0BHE001T4000104002002\","
    "\"handle_code\":\"\",\"type\":\"01\",\"name\":\"食品经营许可（变更）\","
    "\"dept\":\"县市场监管局\",\"level\":4,"
    "\"legal_basis\":\"《中华人民共和国食品安全法》第三十五条\","
    "\"objects\":[1,2],\"conditions\":\"已取得食品经营许可证\","
    "\"materials\":["
    "{\"name\":\"变更申请书\",\"necessity\":\"required\",\"form\":\"both\","
    "\"kind\":\"original\",\"copies\":1,\"source\":\"online_form\","
    "\"blank_form\":null,\"sample\":null,\"notes\":\"\"},"
    "{\"name\":\"营业执照\",\"necessity\":\"required\",\"form\":\"electronic\","
    "\"kind\":\"original\",\"copies\":0,\"source\":\"licence_lib\"},"
    "{\"name\":\"场所平面图\",\"necessity\":\"optional\",\"form\":\"paper\","
    "\"kind\":\"copy\",\"copies\":1,\"source\":\"self\"}],"
    "\"statutory_days\":20,\"promised_days\":3,\"case_kind\":2,"
    "\"fee_charged\":false,\"fee_basis\":\"\",\"fee_items\":[],"
    "\"handling_forms\":[1,2,3,4],\"online_depth\":\"1^2^3^4^5^6\","
    "\"online_level\":4,\"visits\":0,\"visit_reason\":\"\","
    "\"stationed\":true,\"window_authorised\":false,\"rongque\":false,"
    "\"commitment\":true,\"high_risk\":false,"
    "\"result_name\":\"食品经营许可证\",\"result_type\":\"licence\","
    "\"delivery\":[\"window\",\"post\",\"e_licence\"],\"tongban\":\"none\","
    "\"consult_phone\":\"0915-7812185\",\"complaint_phone\":\"0915-12345\","
    "\"faq\":[{\"q\":\"可以网上办吗？\",\"a\":\"可以，全程网办。\"}],"
    "\"place\":\"白河县政务服务中心\",\"hours\":\"工作日\","
    "\"themes\":[\"permit\"]}";

static json_t *
good(void)
{
	json_error_t je;
	json_t *j = json_loads(good_json, 0, &je);

	if (j == NULL)
		fail_msg("good_json: %s at %d", je.text, je.position);
	return j;
}

static json_t *
material(json_t *j, size_t i)
{
	return json_array_get(json_object_get(j, "materials"), i);
}

/* Full check of j must fail with ERR_UNPROCESSABLE on field; consumes j.
 * The message must contain needle (when not NULL). */
static void
expect_rule(json_t *j, const char *field, const char *needle)
{
	struct err e;
	json_t *out = NULL;
	int rc;

	err_clear(&e);
	rc = catalog_check_json(j, false, &out, &e);
	if (rc != -ERR_UNPROCESSABLE || strcmp(e.field, field) != 0 ||
	    (needle != NULL && strstr(e.msg, needle) == NULL))
		fail_msg("expected %s (%s), got rc %d field '%s' msg '%s'",
		    field, needle ? needle : "", rc, e.field, e.msg);
	assert_null(out);
	json_decref(j);
}

/* Full check of j must pass; consumes j. */
static void
expect_ok(json_t *j)
{
	struct err e;
	json_t *out = NULL;
	int rc;

	err_clear(&e);
	rc = catalog_check_json(j, false, &out, &e);
	if (rc != 0)
		fail_msg("expected ok, got rc %d field '%s' msg '%s'", rc,
		    e.field, e.msg);
	assert_non_null(out);
	json_decref(out);
	json_decref(j);
}

static void
set_int(json_t *j, const char *k, json_int_t v)
{
	json_object_set_new(j, k, json_integer(v));
}

static void
set_s(json_t *j, const char *k, const char *v)
{
	json_object_set_new(j, k, json_string(v));
}

static void
set_b(json_t *j, const char *k, bool v)
{
	json_object_set_new(j, k, json_boolean(v));
}

static void
set_forms(json_t *j, const char *forms)
{
	json_error_t je;

	json_object_set_new(j, "handling_forms", json_loads(forms, 0, &je));
}

/* ---- codes ---- */

static void
basic_code_is_twelve_digits_or_capitals(void **state)
{
	(void)state;
	assert_true(catalog_basic_code_valid("000104002000"));
	assert_true(catalog_basic_code_valid("61010400300A"));
	assert_false(catalog_basic_code_valid("00010400200"));
	assert_false(catalog_basic_code_valid("0001040020000"));
	assert_false(catalog_basic_code_valid("00010400200a"));
	assert_false(catalog_basic_code_valid("000104-02000"));
	assert_false(catalog_basic_code_valid(""));
	assert_false(catalog_basic_code_valid(NULL));
}

static void
impl_code_checks_credit_code_level_and_basic_code(void **state)
{
	char out[CATALOG_IMPL_CODE_LEN + 1];

	(void)state;
	assert_true(idno_credit_code_valid("91610929MA0BHE001T"));
	assert_int_equal(catalog_impl_code_build("91610929MA0BHE001T", 4,
	    "000104002000", out), 0);
	assert_string_equal(out, "91610929MA0BHE001T4000104002000");
	assert_int_equal(strlen(out), 31);
	assert_true(catalog_impl_code_valid(out, "000104002000"));
	assert_true(catalog_impl_code_valid(out, NULL));
	/* Basic code of another item. */
	assert_false(catalog_impl_code_valid(out, "000104002001"));
	/* Wrong check character of the credit code. */
	assert_false(catalog_impl_code_valid("91610929MA0BHE0014000104002000",
	    NULL));
	/* Level 0 and 8 are not levels. */
	assert_false(catalog_impl_code_valid("91610929MA0BHE001T0000104002000",
	    NULL));
	assert_false(catalog_impl_code_valid("91610929MA0BHE001T8000104002000",
	    NULL));
	assert_false(catalog_impl_code_valid("91610929MA0BHE001T400010400200",
	    NULL));
	/* The published example 11450721MB15580811|4|000104002000. */
	assert_true(catalog_impl_code_valid("11450721MB155808114000104002000",
	    "000104002000"));
	assert_int_equal(catalog_impl_code_build("91610929MA0BHE0014", 4,
	    "000104002000", out), -ERR_INVALID);
	assert_int_equal(catalog_impl_code_build("91610929MA0BHE001T", 9,
	    "000104002000", out), -ERR_INVALID);
	assert_int_equal(catalog_impl_code_build("91610929MA0BHE001T", 4,
	    "0001", out), -ERR_INVALID);
	assert_string_equal(out, "");
}

static void
depth_strings_parse_and_format(void **state)
{
	unsigned bits;
	char s[20];

	(void)state;
	assert_int_equal(catalog_depth_parse("3^4^5^6", &bits), 0);
	assert_int_equal(bits, (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6));
	catalog_depth_format(bits, s, sizeof(s));
	assert_string_equal(s, "3^4^5^6");
	assert_int_equal(catalog_depth_parse("", &bits), 0);
	assert_int_equal(bits, 0);
	assert_int_equal(catalog_depth_parse("6^1", &bits), 0);
	catalog_depth_format(bits, s, sizeof(s));
	assert_string_equal(s, "1^6");
	assert_int_equal(catalog_depth_parse("3^3", &bits), -1);
	assert_int_equal(catalog_depth_parse("9", &bits), -1);
	assert_int_equal(catalog_depth_parse("0", &bits), -1);
	assert_int_equal(catalog_depth_parse("3^", &bits), -1);
	assert_int_equal(catalog_depth_parse("3,4", &bits), -1);
	assert_int_equal(catalog_depth_parse("34", &bits), -1);
}

static void
labels_and_scope(void **state)
{
	(void)state;
	assert_string_equal(catalog_type_label("01"), "行政许可");
	assert_string_equal(catalog_type_label("11"), "行政备案");
	assert_string_equal(catalog_type_label("20"), "公共服务");
	assert_true(catalog_type_known("13"));
	assert_true(catalog_type_known("25"));
	assert_false(catalog_type_known("30"));
	assert_false(catalog_type_known("1"));
	assert_true(catalog_type_in_scope("05"));
	assert_true(catalog_type_in_scope("11"));
	assert_true(catalog_type_in_scope("20"));
	/* extension codes are valid types and count (12-19, 21-29) */
	assert_true(catalog_type_in_scope("12"));
	assert_true(catalog_type_in_scope("19"));
	assert_true(catalog_type_in_scope("21"));
	assert_true(catalog_type_in_scope("29"));
	assert_false(catalog_type_in_scope("02"));
	assert_false(catalog_type_in_scope("06"));
	assert_true(catalog_type_commitment_excluded("02"));
	assert_false(catalog_type_commitment_excluded("01"));
	assert_string_equal(catalog_level_label(4), "县级");
	assert_string_equal(catalog_online_level_label(4), "Ⅳ级（全程网办）");
	assert_string_equal(catalog_depth_label(3), "互联网预审");
	assert_string_equal(catalog_theme_label("birth"), "生育收养");
	assert_int_equal(catalog_theme_audience("permit"), 'E');
	assert_int_equal(catalog_theme_audience("nonesuch"), 0);
	assert_string_equal(catalog_field_label("promised_days"), "承诺办结时限");
}

/* ---- parsing ---- */

static void
good_item_validates_and_round_trips(void **state)
{
	struct catalog_item it;
	struct err e;
	json_t *j = good(), *out, *again;

	(void)state;
	assert_int_equal(catalog_parse(j, &it, &e), 0);
	assert_int_equal(it.n_materials, 3);
	assert_int_equal(it.materials[1].source, SRC_LICENCE_LIB);
	assert_int_equal(it.online_depth,
	    (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6));
	assert_true(catalog_item_online(&it));
	assert_true(catalog_item_full_online(&it));
	assert_int_equal(catalog_validate(&it, false, &e), 0);
	out = catalog_to_json(&it);
	catalog_item_release(&it);
	/* Canonical output parses back to the same canonical output. */
	assert_int_equal(catalog_parse(out, &it, &e), 0);
	again = catalog_to_json(&it);
	catalog_item_release(&it);
	assert_true(json_equal(out, again));
	/* Absent optional members become explicit defaults. */
	assert_true(json_is_null(json_object_get(material(out, 1), "blank_form")));
	assert_string_equal(json_string_value(json_object_get(material(out, 1),
	    "notes")), "");
	json_decref(again);
	json_decref(out);
	json_decref(j);
}

static void
unknown_members_are_dropped(void **state)
{
	struct err e;
	json_t *j = good(), *out = NULL;

	(void)state;
	set_s(j, "password", "x");
	assert_int_equal(catalog_check_json(j, false, &out, &e), 0);
	assert_null(json_object_get(out, "password"));
	json_decref(out);
	json_decref(j);
}

static void
wrong_json_types_are_invalid_with_their_path(void **state)
{
	struct err e;
	json_t *j, *out = NULL;

	(void)state;
	j = json_array();
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	json_decref(j);

	j = good();
	set_int(j, "name", 5);
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.msg, "事项名称"));
	json_decref(j);

	j = good();
	set_s(material(j, 2), "necessity", "sometimes");
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "materials[2].necessity");
	json_decref(j);

	j = good();
	set_s(j, "visits", "0");
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "visits");
	json_decref(j);

	j = good();
	set_s(j, "online_depth", "3^3");
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "online_depth");
	json_decref(j);

	/* Negative numbers are never meaningful (no sentinel values). */
	j = good();
	set_int(j, "promised_days", -1);
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "promised_days");
	json_decref(j);

	j = good();
	set_int(j, "stationed", 1);
	assert_int_equal(catalog_check_json(j, true, &out, &e), -ERR_INVALID);
	assert_string_equal(e.field, "stationed");
	json_decref(j);
	assert_null(out);
}

static void
draft_accepts_missing_elements_but_not_bad_ones(void **state)
{
	struct err e;
	json_t *j, *out = NULL;

	(void)state;
	j = json_pack("{s:s}", "name", "户外广告设施设置审批");
	assert_int_equal(catalog_check_json(j, true, &out, &e), 0);
	json_decref(out);
	/* The same object is far from complete. */
	assert_int_equal(catalog_check_json(j, false, &out, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.field, "basic_code");
	json_decref(j);
	/* A present but malformed value fails also in a draft. */
	j = json_pack("{s:s}", "basic_code", "12345");
	assert_int_equal(catalog_check_json(j, true, &out, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.field, "basic_code");
	json_decref(j);
}

/* ---- rules: codes and identity ---- */

static void
rule_codes(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_s(j, "basic_code", "00010400200");
	expect_rule(j, "basic_code", "12位");
	j = good(); set_s(j, "impl_code", "91610929MA0BHE001T400010400200");
	expect_rule(j, "impl_code", "31位");
	j = good(); set_s(j, "impl_code", "91610929MA0BHE00144000104002002");
	expect_rule(j, "impl_code", "统一社会信用代码");
	j = good(); set_s(j, "impl_code", "91610929MA0BHE001T9000104002002");
	expect_rule(j, "impl_code", "行使层级");
	j = good(); set_s(j, "impl_code", "91610929MA0BHE001T4000104002003");
	expect_rule(j, "impl_code", "与基本编码一致");
	j = good(); set_int(j, "level", 3);
	expect_rule(j, "impl_code", "与行使层级");
	j = good(); set_int(j, "level", 8);
	expect_rule(j, "level", "1–7");
	j = good(); set_s(j, "handle_code", "有中文");
	expect_rule(j, "handle_code", NULL);
	j = good();
	set_s(j, "handle_code", "123456789012345678901234567890123456789012345678901");
	expect_rule(j, "handle_code", "50");
	j = good(); set_s(j, "handle_code", "91610929MA0BHE001T4000104002002-01");
	expect_ok(j);
}

static void
rule_identity(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_s(j, "type", "30");
	expect_rule(j, "type", "GB/T 39046");
	j = good(); set_s(j, "type", "11");
	expect_ok(j);
	j = good(); set_s(j, "name", "");
	expect_rule(j, "name", "请填写事项名称");
	j = good();
	set_s(j, "name", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一");
	expect_rule(j, "name", "100");
	j = good(); set_s(j, "name", "名称\001");
	expect_rule(j, "name", "控制字符");
	j = good(); set_s(j, "dept", "");
	expect_rule(j, "dept", "实施主体");
	j = good(); set_s(j, "legal_basis", "");
	expect_rule(j, "legal_basis", "设定依据");
	j = good(); json_object_set_new(j, "objects", json_array());
	expect_rule(j, "objects", "服务对象");
	j = good(); json_object_set_new(j, "objects", json_pack("[i]", 7));
	expect_rule(j, "objects", "1–6");
	j = good(); json_object_set_new(j, "objects", json_pack("[ii]", 1, 1));
	expect_rule(j, "objects", "重复");
	j = good(); set_s(j, "conditions", "");
	expect_rule(j, "conditions", "受理条件");
}

static void
rule_materials(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_s(material(j, 1), "name", "");
	expect_rule(j, "materials[1].name", "材料名称");
	j = good(); set_s(material(j, 2), "name", "变更申请书");
	expect_rule(j, "materials[2].name", "重复");
	j = good(); json_object_del(material(j, 0), "form");
	expect_rule(j, "materials[0].form", "材料形式");
	j = good(); json_object_del(material(j, 0), "kind");
	expect_rule(j, "materials[0].kind", "材料类型");
	j = good(); json_object_del(material(j, 0), "source");
	expect_rule(j, "materials[0].source", "来源渠道");
	j = good(); json_object_del(material(j, 0), "necessity");
	expect_rule(j, "materials[0].necessity", "必要性");
	j = good(); set_int(material(j, 2), "copies", 100);
	expect_rule(j, "materials[2].copies", "0–99");
	j = good(); set_int(material(j, 2), "copies", 0);
	expect_rule(j, "materials[2].copies", "至少为1");
	j = good(); set_s(material(j, 0), "blank_form", "abc");
	expect_rule(j, "materials[0].blank_form", "空白表格");
	j = good(); set_s(material(j, 0), "sample",
	    "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
	expect_rule(j, "materials[0].sample", "示例样表");
	j = good(); set_s(material(j, 0), "sample",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	expect_ok(j);
	/* No materials at all is allowed (e.g. an ID card check only). */
	j = good(); json_object_set_new(j, "materials", json_array());
	expect_ok(j);
}

/* ---- rules: time limits ---- */

static void
rule_time_limits(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_int(j, "promised_days", 21);
	expect_rule(j, "promised_days", "承诺办结时限不得超过法定办结时限");
	j = good(); set_int(j, "promised_days", 20);
	expect_ok(j);
	j = good(); json_object_del(j, "promised_days");
	expect_rule(j, "promised_days", "请填写承诺办结时限");
	j = good(); json_object_del(j, "statutory_days");
	expect_rule(j, "statutory_days", "法定办结时限");
	/* null: not set by law; any promise within the maximum is fine. */
	j = good(); json_object_set_new(j, "statutory_days", json_null());
	set_int(j, "promised_days", 30);
	expect_ok(j);
	j = good(); set_int(j, "statutory_days", 721);
	expect_rule(j, "statutory_days", "720");
	/* 即办件 means promised 0, and promised 0 means 即办件. */
	j = good(); set_int(j, "case_kind", 1);
	expect_rule(j, "promised_days", "即办件");
	j = good(); set_int(j, "promised_days", 0);
	expect_rule(j, "promised_days", "承诺件");
	j = good(); set_int(j, "promised_days", 0); set_int(j, "case_kind", 1);
	expect_ok(j);
	j = good(); set_int(j, "case_kind", 3);
	expect_rule(j, "case_kind", "办件类型");
	j = good(); json_object_del(j, "case_kind");
	expect_rule(j, "case_kind", "办件类型");
}

/* ---- rules: fees ---- */

static void
rule_fees(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_b(j, "fee_charged", true);
	expect_rule(j, "fee_basis", "收费依据");
	j = good(); set_b(j, "fee_charged", true);
	set_s(j, "fee_basis", "《城市道路管理条例》第三十七条");
	expect_rule(j, "fee_items", "收费项目");
	j = good(); set_b(j, "fee_charged", true);
	set_s(j, "fee_basis", "《城市道路管理条例》第三十七条");
	json_object_set_new(j, "fee_items", json_pack("[{s:s,s:s,s:b}]",
	    "name", "挖掘修复费", "standard", "按面积", "reducible", 0));
	expect_ok(j);
	j = good(); set_b(j, "fee_charged", true);
	set_s(j, "fee_basis", "依据");
	json_object_set_new(j, "fee_items", json_pack("[{s:s,s:s,s:b}]",
	    "name", "占用费", "standard", "按面积", "reducible", 1));
	expect_rule(j, "fee_items[0].reduce_basis", "减免依据");
	j = good(); set_b(j, "fee_charged", true);
	set_s(j, "fee_basis", "依据");
	json_object_set_new(j, "fee_items", json_pack("[{s:s,s:s}]",
	    "name", "占用费", "standard", ""));
	expect_rule(j, "fee_items[0].standard", "收费标准");
	j = good();
	json_object_set_new(j, "fee_items", json_pack("[{s:s,s:s}]",
	    "name", "工本费", "standard", "10元"));
	expect_rule(j, "fee_items", "不收费事项");
}

/* ---- rules: online depth, visits, handling forms ---- */

static void
rule_online_and_visits(void **state)
{
	json_t *j;

	(void)state;
	/* Ⅳ requires 0 visits. */
	j = good(); set_int(j, "visits", 1); set_s(j, "visit_reason", "领证");
	expect_rule(j, "visits", "Ⅳ级（全程网办）事项到办事现场次数须为0");
	/* A visit needs its reason. */
	j = good(); set_int(j, "online_level", 3); set_int(j, "visits", 1);
	expect_rule(j, "visit_reason", "原因");
	j = good(); set_int(j, "online_level", 3); set_int(j, "visits", 1);
	set_s(j, "visit_reason", "需核验原件");
	expect_ok(j);
	/* 0 visits without full online handling requires mail (form 4). */
	j = good(); set_int(j, "online_level", 3); set_forms(j, "[1,2,3]");
	expect_rule(j, "handling_forms", "快递");
	j = good(); set_int(j, "online_level", 3);
	expect_ok(j);
	/* Ⅳ needs depth 4 and 5. */
	j = good(); set_s(j, "online_depth", "1^2^3^4^6");
	expect_rule(j, "online_depth", "互联网受理");
	/* Ⅲ needs 3 or 4. */
	j = good(); set_int(j, "online_level", 3); set_s(j, "online_depth", "1^2");
	expect_rule(j, "online_depth", "预审");
	/* Ⅱ needs 2 and nothing deeper. */
	j = good(); set_int(j, "online_level", 2); set_s(j, "online_depth", "1");
	expect_rule(j, "online_depth", "收件");
	j = good(); set_int(j, "online_level", 2);
	expect_rule(j, "online_level", "Ⅲ级或Ⅳ级");
	j = good(); set_int(j, "online_level", 2); set_s(j, "online_depth", "1^2");
	expect_ok(j);
	/* Ⅰ: no online handling depth, no online handling form. */
	j = good(); set_int(j, "online_level", 1);
	expect_rule(j, "online_level", "不能为Ⅰ级");
	j = good(); set_int(j, "online_level", 1); set_s(j, "online_depth", "1");
	expect_rule(j, "online_level", "不能为Ⅰ级");
	j = good(); set_int(j, "online_level", 1); set_s(j, "online_depth", "1");
	set_forms(j, "[1,4]");
	expect_ok(j);
	j = good(); set_int(j, "online_level", 1); set_s(j, "online_depth", "1");
	set_forms(j, "[1]"); set_int(j, "visits", 2); set_s(j, "visit_reason", "须本人到场");
	expect_ok(j);
	/* Online levels need an online handling form. */
	j = good(); set_forms(j, "[1,4]");
	expect_rule(j, "handling_forms", "电脑端或移动端");
	j = good(); set_forms(j, "[1,5]");
	expect_rule(j, "handling_forms", "办理形式代码");
	j = good(); set_forms(j, "[1,1,2]");
	expect_rule(j, "handling_forms", "重复");
	j = good(); set_forms(j, "[]");
	expect_rule(j, "handling_forms", "至少");
	j = good(); set_int(j, "online_level", 5);
	expect_rule(j, "online_level", "1–4");
	j = good(); set_int(j, "visits", 10);
	expect_rule(j, "visits", "0–9");
	j = good(); json_object_del(j, "visits");
	expect_rule(j, "visits", "请填写");
	j = good(); set_s(j, "online_url", "javascript:alert(1)");
	expect_rule(j, "online_url", "https://");
	j = good(); set_s(j, "online_url", "https://zwfw.example.cn/item/1");
	expect_ok(j);
}

/* ---- rules: 容缺, 告知承诺, result, delivery ---- */

static void
rule_rongque_and_commitment(void **state)
{
	json_t *j;

	(void)state;
	/* A 容缺可后补 material needs the item to allow 容缺. */
	j = good(); set_s(material(j, 2), "necessity", "rongque");
	expect_rule(j, "materials[2].necessity", "容缺");
	j = good(); set_s(material(j, 2), "necessity", "rongque");
	set_b(j, "rongque", true);
	expect_ok(j);
	/* 容缺 allowed but no material may be supplied later. */
	j = good(); set_b(j, "rongque", true);
	expect_rule(j, "rongque", "容缺可后补");
	/* 告知承诺 excluded for high-risk items and for excluded types. */
	j = good(); set_b(j, "high_risk", true);
	expect_rule(j, "commitment", "高风险");
	j = good(); set_b(j, "high_risk", true); set_b(j, "commitment", false);
	expect_ok(j);
	j = good(); set_s(j, "type", "02");
	expect_rule(j, "commitment", "行政处罚");
	j = good(); set_s(j, "type", "09");
	expect_rule(j, "commitment", "行政裁决");
	j = good(); set_s(j, "type", "20");
	expect_ok(j);
}

static void
rule_result_delivery_and_service(void **state)
{
	json_t *j;

	(void)state;
	j = good(); set_s(j, "result_name", "");
	expect_rule(j, "result_name", "审批结果名称");
	j = good(); set_s(j, "result_type", "paper");
	expect_rule(j, "result_type", "审批结果类型");
	j = good(); json_object_set_new(j, "delivery", json_array());
	expect_rule(j, "delivery", "送达方式");
	j = good(); json_object_set_new(j, "delivery", json_pack("[s]", "drone"));
	expect_rule(j, "delivery", "送达方式");
	j = good(); json_object_set_new(j, "delivery", json_pack("[ss]", "post", "post"));
	expect_rule(j, "delivery", "重复");
	/* 0 visits: the result cannot only be collected at the window. */
	j = good(); json_object_set_new(j, "delivery", json_pack("[s]", "window"));
	expect_rule(j, "delivery", "到办事现场次数为0");
	j = good(); set_s(j, "tongban", "galaxy");
	expect_rule(j, "tongban", "通办范围");
	j = good(); set_s(j, "tongban", "cross_province");
	expect_ok(j);
	j = good(); set_s(j, "consult_phone", "");
	expect_rule(j, "consult_phone", "咨询电话");
	j = good(); set_s(j, "consult_phone", "call me");
	expect_rule(j, "consult_phone", "格式");
	j = good(); set_s(j, "complaint_phone", "12");
	expect_rule(j, "complaint_phone", "格式");
	j = good(); set_s(j, "complaint_phone", "12345");
	expect_ok(j);
	j = good(); json_object_set_new(j, "faq", json_pack("[{s:s,s:s}]", "q", "问", "a", ""));
	expect_rule(j, "faq[0].a", "解答");
	j = good(); set_s(j, "place", "");
	expect_rule(j, "place", "办理地点");
	j = good(); set_s(j, "hours", "");
	expect_rule(j, "hours", "办理时间");
	j = good(); json_object_set_new(j, "themes", json_pack("[s]", "space"));
	expect_rule(j, "themes", "主题分类");
	j = good(); json_object_set_new(j, "themes", json_pack("[ss]", "birth", "birth"));
	expect_rule(j, "themes", "重复");
}

/* ---- diff ---- */

static const json_t *
diff_row(const json_t *d, const char *field)
{
	const json_t *x;
	size_t i;

	json_array_foreach(d, i, x)
		if (strcmp(json_string_value(json_object_get(x, "field")),
		    field) == 0)
			return x;
	return NULL;
}

static void
diff_reports_changed_fields_with_labels(void **state)
{
	json_t *a = good(), *b = good(), *d;
	const json_t *r;

	(void)state;
	d = catalog_diff(a, b);
	assert_int_equal(json_array_size(d), 0);
	json_decref(d);

	set_int(b, "promised_days", 1);
	set_s(material(b, 0), "notes", "须签字");
	json_array_remove(json_object_get(b, "materials"), 2);
	json_array_append_new(json_object_get(b, "materials"),
	    json_pack("{s:s}", "name", "授权委托书"));
	set_s(b, "legacy", "x");
	d = catalog_diff(a, b);
	assert_int_equal(json_array_size(d), 5);

	r = diff_row(d, "promised_days");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "label")),
	    "承诺办结时限");
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "changed");
	assert_int_equal(json_integer_value(json_object_get(r, "old")), 3);
	assert_int_equal(json_integer_value(json_object_get(r, "new")), 1);

	r = diff_row(d, "materials/变更申请书");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "label")),
	    "申请材料：变更申请书");
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "changed");
	r = diff_row(d, "materials/场所平面图");
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "removed");
	assert_true(json_is_null(json_object_get(r, "new")));
	r = diff_row(d, "materials/授权委托书");
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "added");
	r = diff_row(d, "legacy");
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "added");
	json_decref(d);

	/* From nothing: every member is "added". */
	d = catalog_diff(NULL, a);
	r = diff_row(d, "name");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "change")),
	    "added");
	assert_non_null(diff_row(d, "faq/可以网上办吗？"));
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

/* ---- the demo catalogue ---- */

static json_t *
load_embedded(const char *path)
{
	const struct embedded_file *f = embedded_find(path);
	json_error_t je;
	json_t *j;

	if (f != NULL)
		j = json_loadb(f->data, f->len, 0, &je);
	else
		j = json_load_file(path, 0, &je); /* run from the repository root */
	if (j == NULL)
		fail_msg("%s: %s line %d", path, je.text, je.line);
	return j;
}

static void
demo_catalogue_items_all_validate(void **state)
{
	json_t *doc = load_embedded("data/catalog/items.json");
	json_t *deps = load_embedded("data/demo/departments.json");
	json_t *items = json_object_get(doc, "items"), *x, *out, *seen;
	json_t *dept_names = json_object();
	const char *dept, *credit;
	struct err e;
	char key[96];
	size_t i, k;
	int with_rongque = 0, with_commitment = 0, with_fee = 0, licence_lib = 0;
	int authorised = 0;

	(void)state;
	assert_true(json_array_size(items) >= 130);
	seen = json_object();
	json_array_foreach(items, i, x) {
		const json_t *m;

		out = NULL;
		if (catalog_check_json(x, false, &out, &e) != 0)
			fail_msg("item %zu %s: %s (%s)", i, json_string_value(
			    json_object_get(x, "name")), e.msg, e.field);
		/* The file is already in canonical form. */
		if (!json_equal(out, x))
			fail_msg("item %zu is not canonical", i);
		json_decref(out);
		/* Department known, implementation code built from its code. */
		dept = json_string_value(json_object_get(x, "dept"));
		credit = NULL;
		json_array_foreach(json_object_get(deps, "departments"), k, m)
			if (strcmp(json_string_value(json_object_get(m, "name")),
			    dept) == 0)
				credit = json_string_value(json_object_get(m,
				    "credit_code"));
		if (credit == NULL)
			fail_msg("item %zu: unknown department %s", i, dept);
		assert_memory_equal(json_string_value(json_object_get(x,
		    "impl_code")), credit, 18);
		json_object_set_new(dept_names, dept, json_true());
		/* (impl_code, handle_code) is unique, as in the items table. */
		snprintf(key, sizeof(key), "%s|%s",
		    json_string_value(json_object_get(x, "impl_code")),
		    json_string_value(json_object_get(x, "handle_code")));
		assert_null(json_object_get(seen, key));
		json_object_set_new(seen, key, json_true());
		with_rongque += json_is_true(json_object_get(x, "rongque"));
		with_commitment += json_is_true(json_object_get(x, "commitment"));
		with_fee += json_is_true(json_object_get(x, "fee_charged"));
		authorised += json_is_true(json_object_get(x, "window_authorised"));
		json_array_foreach(json_object_get(x, "materials"), k, m)
			licence_lib += strcmp(json_string_value(json_object_get(m,
			    "source")), "licence_lib") == 0;
	}
	assert_true(json_object_size(dept_names) >= 22);
	assert_true(with_rongque >= 5);
	assert_true(with_commitment >= 5);
	assert_true(with_fee >= 2);
	assert_true(authorised >= 20);
	assert_true(licence_lib >= 50);
	json_decref(seen);
	json_decref(dept_names);
	json_decref(deps);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basic_code_is_twelve_digits_or_capitals),
		cmocka_unit_test(impl_code_checks_credit_code_level_and_basic_code),
		cmocka_unit_test(depth_strings_parse_and_format),
		cmocka_unit_test(labels_and_scope),
		cmocka_unit_test(good_item_validates_and_round_trips),
		cmocka_unit_test(unknown_members_are_dropped),
		cmocka_unit_test(wrong_json_types_are_invalid_with_their_path),
		cmocka_unit_test(draft_accepts_missing_elements_but_not_bad_ones),
		cmocka_unit_test(rule_codes),
		cmocka_unit_test(rule_identity),
		cmocka_unit_test(rule_materials),
		cmocka_unit_test(rule_time_limits),
		cmocka_unit_test(rule_fees),
		cmocka_unit_test(rule_online_and_visits),
		cmocka_unit_test(rule_rongque_and_commitment),
		cmocka_unit_test(rule_result_delivery_and_service),
		cmocka_unit_test(diff_reports_changed_fields_with_labels),
		cmocka_unit_test(demo_catalogue_items_all_validate),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
