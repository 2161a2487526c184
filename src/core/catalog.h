/* catalog.h - the elements of a catalogue item (实施清单 / 办事指南) and
 * their rules. Pure: no I/O, no clock.
 *
 * An item's elements travel as one JSON object (stored as TEXT in
 * item_versions.elements). catalog_parse() reads it into struct catalog_item
 * (unknown members are dropped, wrong JSON types are refused),
 * catalog_validate() applies every rule, catalog_to_json() writes the
 * canonical form back. The field names are the JSON member names; the full
 * schema is documented in catalog.c above catalog_parse().
 *
 * Conventions fixed here (see domain.md section 2):
 *   - time limits are in working days only (工作日); a statutory limit of
 *     null means "not set by law" (法律法规未规定);
 *   - 行政备案 has no national type code: it uses the local extension code
 *     "11" (CATALOG_TYPE_FILING);
 *   - 办件类型 follows GB/T 39046: 1 即办件, 2 承诺件. */
#ifndef ONETRIP_CORE_CATALOG_H
#define ONETRIP_CORE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/err.h"

#define CATALOG_BASIC_CODE_LEN 12
#define CATALOG_IMPL_CODE_LEN 31    /* credit code 18 + level 1 + basic 12 */
#define CATALOG_HANDLE_CODE_MAX 50  /* 业务办理项编码 */
#define CATALOG_MATERIALS_MAX 60
#define CATALOG_FEE_ITEMS_MAX 30
#define CATALOG_FAQ_MAX 50
#define CATALOG_LIST_MAX 16         /* short code lists: objects, forms ... */
#define CATALOG_DAYS_MAX 720        /* working days; longer is a typing error */
#define CATALOG_VISITS_MAX 9
#define CATALOG_COPIES_MAX 99
#define CATALOG_TYPE_FILING "11"    /* 行政备案: local extension code */

/* 材料必要性 */
enum catalog_necessity {
	NEC_REQUIRED = 1, /* "required" 必要 */
	NEC_OPTIONAL,     /* "optional" 非必要（视情形提交） */
	NEC_RONGQUE,      /* "rongque"  容缺可后补 */
};

/* 材料形式 */
enum catalog_form { FORM_PAPER = 1, FORM_ELECTRONIC, FORM_BOTH };

/* 材料类型 */
enum catalog_mkind {
	MKIND_ORIGINAL = 1,     /* "original" 原件 */
	MKIND_COPY,             /* "copy" 复印件 */
	MKIND_ORIGINAL_AND_COPY,/* "original_and_copy" 原件和复印件 */
	MKIND_ORIGINAL_OR_COPY, /* "original_or_copy" 原件或复印件 */
};

/* 来源渠道 */
enum catalog_source {
	SRC_SELF = 1,     /* "self" 申请人自备 */
	SRC_GOVERNMENT,   /* "government" 政府部门核发 */
	SRC_LICENCE_LIB,  /* "licence_lib" 电子证照库 */
	SRC_ONLINE_FORM,  /* "online_form" 在线填报 */
	SRC_OTHER,        /* "other" 其他 */
};

struct catalog_material {
	char *name;
	enum catalog_necessity necessity;
	enum catalog_form form;
	enum catalog_mkind kind;
	int copies;          /* 份数, 0..99 (0: electronic only or 1 implied) */
	enum catalog_source source;
	char *blank_form;    /* files.sha256 of the 空白表格, or NULL */
	char *sample;        /* files.sha256 of the 示例样表, or NULL */
	char *notes;         /* 填报须知 / 受理标准, may be "" */
};

struct catalog_fee_item {
	char *name;
	char *standard;      /* 收费标准, text ("每证 10 元") */
	bool reducible;      /* 是否允许减免 */
	char *reduce_basis;  /* 减免依据, "" when not reducible */
};

struct catalog_faq {
	char *q;
	char *a;
};

/* One item's elements. Strings are malloc'd and never NULL after a
 * successful parse (absent text becomes ""), except the file ids. */
struct catalog_item {
	char *basic_code;     /* 基本编码, 12 [0-9A-Z] */
	char *impl_code;      /* 实施编码, 31 */
	char *handle_code;    /* 业务办理项编码, "" or <= 50 */
	char *type;           /* 事项类型, "01" ... */
	char *name;
	char *dept;           /* 实施主体 (department name) */
	int level;            /* 行使层级 1..7 */
	char *legal_basis;    /* 设定依据 */
	int objects[CATALOG_LIST_MAX]; /* 服务对象 1..6 */
	int n_objects;
	char *conditions;     /* 受理条件 */
	struct catalog_material *materials;
	int n_materials;
	int statutory_days;   /* 法定办结时限 (working days), -1 = not set by law */
	int promised_days;    /* 承诺办结时限 (working days) */
	char *time_note;      /* 时限说明 */
	int case_kind;        /* 办件类型: 1 即办件, 2 承诺件 */
	bool fee_charged;
	char *fee_basis;
	struct catalog_fee_item *fee_items;
	int n_fee_items;
	int handling_forms[CATALOG_LIST_MAX]; /* 办理形式: 1 窗口 2 电脑端 3 移动端 4 快递申请 9 其他 */
	int n_handling_forms;
	unsigned online_depth;  /* 网上办理深度 bits: bit n set = code n (1..8) */
	int online_level;       /* 1..4 = Ⅰ..Ⅳ */
	char *online_url;
	int visits;             /* 到办事现场次数 */
	char *visit_reason;     /* 必须现场办理原因说明 */
	bool stationed;         /* 是否进驻政务大厅 (is_entry_center) */
	bool window_authorised; /* 窗口审批决定权 */
	bool rongque;           /* 容缺受理 */
	bool commitment;        /* 告知承诺 */
	bool high_risk;         /* 涉及国家安全、公共安全、生态环境、生命健康等高风险事项 */
	char *result_name;
	char *result_type;      /* "licence" 证照 | "approval" 批文 | "other" 其他 */
	char *delivery[CATALOG_LIST_MAX]; /* "window" "post" "download" "e_licence" */
	int n_delivery;
	char *tongban;          /* "national" "cross_province" "cross_city" "cross_county" "none" */
	char *consult_phone;
	char *complaint_phone;
	struct catalog_faq *faq;
	int n_faq;
	char *place;            /* 办理地点 */
	char *hours;            /* 办理时间 */
	char *themes[CATALOG_LIST_MAX]; /* theme codes, see catalog_theme_label() */
	int n_themes;
	json_t *form_fields;    /* 电子表单: canonical definitions (core/form.h),
	                         * an array, NULL only before parsing */
};

void catalog_item_init(struct catalog_item *it);
/* Frees everything the item owns; it may be reused after catalog_item_init(). */
void catalog_item_release(struct catalog_item *it);

/* Reads elements from a JSON object into it (initialised by the call).
 * Wrong JSON types or unknown enum words: -ERR_INVALID with e->field set
 * (e.g. "materials[2].necessity"). Absent members take defaults (draft
 * friendly); catalog_validate() then decides what is missing. On failure the
 * item is released. */
int catalog_parse(const json_t *j, struct catalog_item *it, struct err *e);
/* The canonical JSON of the item (new reference, caller decrefs). */
json_t *catalog_to_json(const struct catalog_item *it);

/* Checks every rule. draft = true checks only the values that are present
 * (formats and lengths), for saving work in progress; draft = false is the
 * full check for submission and publication. Returns 0, or
 * -ERR_UNPROCESSABLE with a Chinese message and e->field naming the element. */
int catalog_validate(const struct catalog_item *it, bool draft, struct err *e);
/* Parse + full validation + canonical output in one step: *out gets the
 * canonical JSON (new reference) on success. */
int catalog_check_json(const json_t *j, bool draft, json_t **out,
    struct err *e);

/* Code checks. */
bool catalog_basic_code_valid(const char *s);
/* A 31-character 实施编码 whose parts are valid; when basic_code is not NULL
 * its last 12 characters must equal it. */
bool catalog_impl_code_valid(const char *s, const char *basic_code);
/* Builds credit_code + level + basic_code into out (32 bytes).
 * Returns 0, or -ERR_INVALID when a part is not valid. */
int catalog_impl_code_build(const char *credit_code, int level,
    const char *basic_code, char out[CATALOG_IMPL_CODE_LEN + 1]);

/* Labels ("" / NULL for unknown codes). */
const char *catalog_type_label(const char *type); /* "01" -> "行政许可" */
bool catalog_type_known(const char *type);
/* 依申请六类 + 公共服务 + 行政备案: the items the reform indicators count. */
bool catalog_type_in_scope(const char *type);
/* Types where 告知承诺 is never allowed (not applied for by citizens). */
bool catalog_type_commitment_excluded(const char *type);
const char *catalog_level_label(int level);          /* 4 -> "县级" */
const char *catalog_online_level_label(int level);   /* 4 -> "Ⅳ级（全程网办）" */
const char *catalog_depth_label(int code);           /* 4 -> "互联网受理" */
const char *catalog_theme_label(const char *code);   /* "birth" -> "生育收养" */
/* 'P' personal life event, 'E' enterprise, 'B' both, 0 unknown. */
char catalog_theme_audience(const char *code);
/* Chinese label of a top-level element name ("promised_days" -> "承诺办结时限"). */
const char *catalog_field_label(const char *field);

/* Depth string "3^4^5^6" <-> bits. Parse returns -1 on a malformed string. */
int catalog_depth_parse(const char *s, unsigned *bits);
/* Writes the caret form into out (at least 16 bytes). */
void catalog_depth_format(unsigned bits, char *out, size_t outsz);

/* Derived facts the service, search and indicators use. */
bool catalog_item_online(const struct catalog_item *it);      /* 网上可办 */
bool catalog_item_full_online(const struct catalog_item *it); /* 全程网办 */

/* Field-by-field changes between two element objects (either may be NULL,
 * meaning "nothing"): a JSON array of
 *   {"field": "promised_days", "label": "承诺办结时限", "change":
 *    "added"|"removed"|"changed", "old": ..., "new": ...}.
 * Materials, fee items and FAQ entries are matched by name/question and
 * reported one by one ("materials/身份证", label "申请材料：身份证").
 * New reference; never NULL unless out of memory. */
json_t *catalog_diff(const json_t *old_elements, const json_t *new_elements);

/* Restricting changes (进驻事项不得随意撤回, the notice): a new version
 * that takes the item out of the hall, lowers its online level, raises
 * its trips to the site or lengthens its promised limit needs the hall's
 * approval with a reason, like a withdrawal. Bits of the changes from
 * before to after (0: none; before NULL: a first publication, none). */
enum catalog_restriction {
	CATALOG_RESTRICT_UNSTATIONED = 1u << 0,
	CATALOG_RESTRICT_ONLINE_LEVEL = 1u << 1,
	CATALOG_RESTRICT_VISITS = 1u << 2,
	CATALOG_RESTRICT_PROMISED = 1u << 3,
};
unsigned catalog_restrictions(const struct catalog_item *before,
    const struct catalog_item *after);
/* The changes in Chinese, joined with "；" ("撤出政务大厅；承诺办结时限由 5
 * 个工作日延长为 10 个工作日"). */
void catalog_restrictions_text(unsigned bits,
    const struct catalog_item *before, const struct catalog_item *after,
    char *out, size_t outsz);

#endif
