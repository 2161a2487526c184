/* form.h - the electronic form (电子表单) of an item version: the field
 * definitions the catalogue editor writes and the check of the values an
 * applicant submits. Pure: no I/O, no clock.
 *
 * Definitions travel in the item's elements as "form_fields", a JSON array
 * (item versions are immutable once published, so the fields belong to the
 * version):
 *
 *   [{"key": "place", "label": "经营场所", "type": "text", "required": true,
 *     "options": [], "min_length": 0, "max_length": 100, "min": null,
 *     "max": null, "pattern": "", "help": "与营业执照登记住所一致"}]
 *
 *   key      [a-z][a-z0-9_]{0,31}, unique, not one of the keys the apply
 *            page itself sends (applicant_name, phone, address,
 *            description, delivery, pledge)
 *   type     text textarea number date select multiselect checkbox idno
 *            mobile credit_code
 *   options  select/multiselect only: 1..FORM_OPTIONS_MAX distinct texts
 *   min_length/max_length  text/textarea: code points (0: no bound)
 *   min/max  number: the range (null: no bound); multiselect: how many
 *   pattern  text/textarea: a POSIX extended regular expression the whole
 *            value must match ("" none)
 *
 * Values are one flat JSON object keyed by field key: text types a string,
 * number a JSON number, date "YYYY-MM-DD", select a string, multiselect an
 * array of strings, checkbox true/false. A required checkbox must be true.
 * Members of the object that are not fields are left to the caller. */
#ifndef ONETRIP_CORE_FORM_H
#define ONETRIP_CORE_FORM_H

#include <stdbool.h>

#include <jansson.h>

#include "base/err.h"

#define FORM_FIELDS_MAX 40
#define FORM_KEY_MAX 32
#define FORM_LABEL_CHARS 30
#define FORM_HELP_CHARS 200
#define FORM_OPTIONS_MAX 50
#define FORM_OPTION_CHARS 50
#define FORM_PATTERN_BYTES 200
#define FORM_TEXT_CHARS 200       /* a text value, unless max_length says less */
#define FORM_TEXTAREA_CHARS 2000  /* a textarea value */

/* The Chinese label of a type ("select" -> "下拉单选"), NULL when unknown. */
const char *form_type_label(const char *type);

/* Checks a definition array (NULL or JSON null: no fields) and writes its
 * canonical form (every member present, in the order above) to *out (new
 * reference; an empty array for no fields). -ERR_UNPROCESSABLE with
 * e->field "form_fields[i].member" and a Chinese message on the first
 * fault. */
int form_fields_check(const json_t *defs, json_t **out, struct err *e);

/* Checks values against canonical definitions. required = false checks
 * only the values given (the window, where the paper 申请书 is signed).
 * On success *out gets the normalised values of the defined fields (new
 * reference; absent optional fields are left out; numbers given as text
 * become numbers). On the first fault -ERR_UNPROCESSABLE with e->field
 * "form.<key>", key "invalid_form_value" and a message that names the
 * field's label ("“经营场所”不能为空"). */
int form_values_check(const json_t *defs, const json_t *values,
    bool required, json_t **out, struct err *e);

/* Does the canonical definition array define key? */
bool form_fields_has(const json_t *defs, const char *key);

/* The value of one field as text for documents and lists, written to a
 * new string (caller frees): multiselect joined by "、", checkbox "是"/"否",
 * numbers without trailing zeros. NULL when the value is absent. */
char *form_value_text(const json_t *def, const json_t *value);

/* The applicant's commitment (申请人承诺) shown beside the unticked box on
 * the apply page and kept with the case when it is ticked. */
const char *form_pledge_text(void);

#endif
