/* Unit tests for core/form: the field definitions of an item version's
 * electronic form (canonical form, every refusal with its field and
 * message) and the check of submitted values (required, types, lengths,
 * ranges, patterns, options, ID numbers), and the text of values. */
#include "unit.h"

#include <jansson.h>

#include "base/err.h"
#include "core/catalog.h"
#include "core/form.h"

static json_t *
J(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	assert_non_null(j);
	return j;
}

/* Checks defs text; returns 0 or the error, with e filled. */
static int
defs_rc(const char *text, json_t **canon, struct err *e)
{
	json_t *j = J(text);
	int rc;

	err_clear(e);
	rc = form_fields_check(j, canon, e);
	json_decref(j);
	return rc;
}

static const char *FOOD =
    "[{\"key\":\"operator\",\"label\":\"经营者名称\",\"type\":\"text\","
    "\"required\":true,\"max_length\":50},"
    "{\"key\":\"premises\",\"label\":\"经营场所\",\"type\":\"text\","
    "\"required\":true,\"min_length\":5,\"help\":\"与营业执照一致\"},"
    "{\"key\":\"format\",\"label\":\"主体业态\",\"type\":\"select\","
    "\"required\":true,\"options\":[\"食品销售经营者\",\"餐饮服务经营者\","
    "\"单位食堂\"]},"
    "{\"key\":\"scope\",\"label\":\"经营项目\",\"type\":\"multiselect\","
    "\"required\":true,\"options\":[\"预包装食品销售\",\"散装食品销售\","
    "\"热食类食品制售\"],\"max\":2},"
    "{\"key\":\"area\",\"label\":\"经营面积（平方米）\",\"type\":\"number\","
    "\"min\":1,\"max\":100000},"
    "{\"key\":\"legal_rep\",\"label\":\"法定代表人\",\"type\":\"text\","
    "\"pattern\":\"[^0-9]{2,20}\"},"
    "{\"key\":\"rep_idno\",\"label\":\"法定代表人身份证号码\",\"type\":\"idno\"},"
    "{\"key\":\"phone1\",\"label\":\"联系电话\",\"type\":\"mobile\",\"required\":true},"
    "{\"key\":\"code\",\"label\":\"统一社会信用代码\",\"type\":\"credit_code\"},"
    "{\"key\":\"opened\",\"label\":\"开业日期\",\"type\":\"date\"},"
    "{\"key\":\"note\",\"label\":\"备注\",\"type\":\"textarea\"},"
    "{\"key\":\"own\",\"label\":\"场所为自有产权\",\"type\":\"checkbox\"}]";

static void
definitions_canonical(void **state)
{
	struct err e;
	json_t *c = NULL, *d;

	(void)state;
	assert_int_equal(defs_rc(FOOD, &c, &e), 0);
	assert_int_equal(json_array_size(c), 12);
	d = json_array_get(c, 0);
	/* Every member present, defaults filled. */
	assert_string_equal(json_string_value(json_object_get(d, "key")),
	    "operator");
	assert_true(json_is_true(json_object_get(d, "required")));
	assert_int_equal(json_integer_value(json_object_get(d, "max_length")),
	    50);
	assert_int_equal(json_array_size(json_object_get(d, "options")), 0);
	assert_true(json_is_null(json_object_get(d, "min")));
	assert_string_equal(json_string_value(json_object_get(d, "pattern")), "");
	assert_string_equal(json_string_value(json_object_get(d, "help")), "");
	d = json_array_get(c, 4);
	assert_false(json_is_true(json_object_get(d, "required")));
	assert_int_equal(json_integer_value(json_object_get(d, "max")), 100000);
	json_decref(c);
	/* No fields. */
	assert_int_equal(form_fields_check(NULL, &c, &e), 0);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	assert_string_equal(form_type_label("multiselect"), "多选");
	assert_null(form_type_label("file"));
}

static void
definitions_refused(void **state)
{
	static const struct {
		const char *defs, *field, *msg;
	} bad[] = {
		{ "{}", "form_fields", "应为数组" },
		{ "[{\"key\":\"Place\",\"label\":\"a\",\"type\":\"text\"}]",
		  "form_fields[0].key", "字段标识" },
		{ "[{\"key\":\"phone\",\"label\":\"a\",\"type\":\"text\"}]",
		  "form_fields[0].key", "字段标识" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\"},"
		  "{\"key\":\"a\",\"label\":\"乙\",\"type\":\"text\"}]",
		  "form_fields[1].key", "重复" },
		{ "[{\"key\":\"a\",\"label\":\"\",\"type\":\"text\"}]",
		  "form_fields[0].label", "字段名称" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"file\"}]",
		  "form_fields[0].type", "字段类型" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"select\"}]",
		  "form_fields[0].options", "请填写选项" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"select\","
		  "\"options\":[\"x\",\"x\"]}]", "form_fields[0].options", "重复" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\","
		  "\"options\":[\"x\"]}]", "form_fields[0].options", "只有" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"number\","
		  "\"min\":5,\"max\":1}]", "form_fields[0].max", "最大值" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\","
		  "\"min_length\":9,\"max_length\":3}]",
		  "form_fields[0].max_length", "最多字数" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\","
		  "\"max_length\":100000}]", "form_fields[0].max_length", "字数" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\","
		  "\"pattern\":\"[a-\"}]", "form_fields[0].pattern", "正则" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"date\","
		  "\"pattern\":\"x\"}]", "form_fields[0].pattern", "只有文字" },
		{ "[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"text\","
		  "\"required\":\"yes\"}]", "form_fields[0].required", "是否必填" },
	};
	struct err e;
	json_t *c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = NULL;
		assert_int_equal(defs_rc(bad[i].defs, &c, &e),
		    -ERR_UNPROCESSABLE);
		assert_null(c);
		assert_string_equal(e.field, bad[i].field);
		if (strstr(e.msg, bad[i].msg) == NULL)
			fail_msg("%zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].msg);
	}
	/* Too many fields. */
	{
		json_t *a = json_array();
		char key[16];

		for (int i = 0; i <= FORM_FIELDS_MAX; i++) {
			snprintf(key, sizeof(key), "f%d", i);
			json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "key",
			    key, "label", key, "type", "text"));
		}
		assert_int_equal(form_fields_check(a, &c, &e), -ERR_UNPROCESSABLE);
		assert_non_null(strstr(e.msg, "不能超过"));
		json_decref(a);
	}
}

/* Checks values against FOOD. */
static int
values_rc(const char *vals, bool required, json_t **out, struct err *e)
{
	json_t *defs = NULL, *v = J(vals);
	int rc;

	assert_int_equal(defs_rc(FOOD, &defs, e), 0);
	err_clear(e);
	*out = NULL;
	rc = form_values_check(defs, v, required, out, e);
	json_decref(v);
	json_decref(defs);
	return rc;
}

#define GOOD "\"operator\":\"白河县秦岭餐饮有限公司\"," \
    "\"premises\":\"白河县城关镇解放路18号\",\"format\":\"餐饮服务经营者\"," \
    "\"scope\":[\"热食类食品制售\",\"预包装食品销售\"],\"phone1\":\"13991500001\""

static void
values_good(void **state)
{
	struct err e;
	json_t *out;

	(void)state;
	assert_int_equal(values_rc("{" GOOD ",\"area\":\"85.5\","
	    "\"rep_idno\":\"610929199001010013\",\"code\":\"91610929MA70Y8K211\","
	    "\"opened\":\"2024-02-29\",\"own\":true,\"legal_rep\":\"王秦岭\","
	    "\"other\":\"kept by the caller\"}", true, &out, &e), 0);
	/* Numbers given as text become numbers; members outside the
	 * definitions are not in the result. */
	assert_true(json_is_real(json_object_get(out, "area")));
	assert_null(json_object_get(out, "other"));
	assert_int_equal(json_array_size(json_object_get(out, "scope")), 2);
	{
		json_t *defs = NULL;
		char *t;

		assert_int_equal(defs_rc(FOOD, &defs, &e), 0);
		t = form_value_text(json_array_get(defs, 3),
		    json_object_get(out, "scope"));
		assert_string_equal(t, "热食类食品制售、预包装食品销售");
		free(t);
		t = form_value_text(json_array_get(defs, 11),
		    json_object_get(out, "own"));
		assert_string_equal(t, "是");
		free(t);
		t = form_value_text(json_array_get(defs, 4),
		    json_object_get(out, "area"));
		assert_string_equal(t, "85.5");
		free(t);
		assert_null(form_value_text(json_array_get(defs, 9), NULL));
		assert_true(form_fields_has(defs, "premises"));
		assert_false(form_fields_has(defs, "phone"));
		json_decref(defs);
	}
	json_decref(out);
	/* At the window only what is given is checked. */
	assert_int_equal(values_rc("{\"premises\":\"白河县城关镇解放路18号\"}",
	    false, &out, &e), 0);
	json_decref(out);
	assert_true(strlen(form_pledge_text()) > 60);
}

static void
values_refused(void **state)
{
	static const struct {
		const char *vals, *field, *msg;
	} bad[] = {
		{ "{}", "form.operator", "“经营者名称”不能为空" },
		{ "{" GOOD ",\"operator\":\"\"}", "form.operator", "不能为空" },
		{ "{" GOOD ",\"format\":null}", "form.format", "请选择“主体业态”" },
		{ "{" GOOD ",\"scope\":[]}", "form.scope", "请选择“经营项目”" },
		{ "{" GOOD ",\"premises\":\"解放路\"}", "form.premises",
		  "“经营场所”不能少于 5 个字" },
		{ "{" GOOD ",\"operator\":\"一二三四五六七八九十一二三四五六七八九十"
		  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一\"}",
		  "form.operator", "不能超过 50 个字" },
		{ "{" GOOD ",\"operator\":\"a\\nb\"}", "form.operator", "控制字符" },
		{ "{" GOOD ",\"format\":\"小吃店\"}", "form.format",
		  "不在可选范围内" },
		{ "{" GOOD ",\"scope\":[\"预包装食品销售\",\"预包装食品销售\"]}",
		  "form.scope", "重复" },
		{ "{" GOOD ",\"scope\":[\"预包装食品销售\",\"散装食品销售\","
		  "\"热食类食品制售\"]}", "form.scope", "最多选择 2 项" },
		{ "{" GOOD ",\"scope\":\"预包装食品销售\"}", "form.scope",
		  "应为选项列表" },
		{ "{" GOOD ",\"area\":0}", "form.area", "不能小于 1" },
		{ "{" GOOD ",\"area\":\"12平方\"}", "form.area", "应为数字" },
		{ "{" GOOD ",\"area\":true}", "form.area", "应为数字" },
		{ "{" GOOD ",\"legal_rep\":\"王2\"}", "form.legal_rep", "格式不正确" },
		{ "{" GOOD ",\"rep_idno\":\"610929199001010010\"}", "form.rep_idno",
		  "居民身份证号码" },
		{ "{" GOOD ",\"phone1\":\"0915-7812185\"}", "form.phone1",
		  "11 位手机号码" },
		{ "{" GOOD ",\"code\":\"91610929MA70Y8K212\"}", "form.code",
		  "统一社会信用代码" },
		{ "{" GOOD ",\"opened\":\"2023-02-29\"}", "form.opened", "有效日期" },
		{ "{" GOOD ",\"opened\":\"2024/01/01\"}", "form.opened", "有效日期" },
		{ "{" GOOD ",\"own\":\"是\"}", "form.own", "应为是或否" },
		{ "{" GOOD ",\"premises\":5}", "form.premises", "应为文字" },
		{ "[]", "form", "应为对象" },
	};
	struct err e;
	json_t *out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(values_rc(bad[i].vals, true, &out, &e),
		    -ERR_UNPROCESSABLE);
		assert_null(out);
		assert_string_equal(e.field, bad[i].field);
		if (strstr(e.msg, bad[i].msg) == NULL)
			fail_msg("%zu: \"%s\" lacks \"%s\"", i, e.msg, bad[i].msg);
	}
	/* The window: a wrong value given is still refused. */
	assert_int_equal(values_rc("{\"phone1\":\"123\"}", false, &out, &e),
	    -ERR_UNPROCESSABLE);
	assert_string_equal(e.field, "form.phone1");
}

static void
elements_carry_fields(void **state)
{
	struct catalog_item it;
	struct err e;
	json_t *j, *back, *d;

	(void)state;
	j = json_pack("{s:s, s:o}", "name", "食品经营许可（新办）",
	    "form_fields", J(FOOD));
	assert_int_equal(catalog_parse(j, &it, &e), 0);
	assert_int_equal(json_array_size(it.form_fields), 12);
	back = catalog_to_json(&it);
	assert_int_equal(json_array_size(json_object_get(back,
	    "form_fields")), 12);
	json_decref(back);
	catalog_item_release(&it);
	json_decref(j);
	/* A bad definition refuses the elements. */
	j = J("{\"form_fields\":[{\"key\":\"a\",\"label\":\"甲\",\"type\":\"x\"}]}");
	assert_int_equal(catalog_parse(j, &it, &e), -ERR_UNPROCESSABLE);
	assert_string_equal(e.field, "form_fields[0].type");
	json_decref(j);
	/* Elements without fields keep their canonical form. */
	j = J("{\"name\":\"x\"}");
	assert_int_equal(catalog_parse(j, &it, &e), 0);
	back = catalog_to_json(&it);
	assert_null(json_object_get(back, "form_fields"));
	json_decref(back);
	catalog_item_release(&it);
	json_decref(j);
	/* The diff reports fields one by one. */
	j = J("{\"form_fields\":[{\"key\":\"a\",\"label\":\"甲\"}]}");
	back = J("{\"form_fields\":[{\"key\":\"a\",\"label\":\"乙\"},"
	    "{\"key\":\"b\",\"label\":\"丙\"}]}");
	d = catalog_diff(j, back);
	assert_int_equal(json_array_size(d), 2);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(d, 0), "field")), "form_fields/a");
	json_decref(d);
	json_decref(back);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(definitions_canonical),
		cmocka_unit_test(definitions_refused),
		cmocka_unit_test(values_good),
		cmocka_unit_test(values_refused),
		cmocka_unit_test(elements_carry_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
