/* cases_rules.c - the pure parts of cases: numbers, cursors, ranks,
 * labels and the material check of a normal acceptance. */
#include "service/case/case.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "core/catalog.h"

int
case_no_format(const char *impl_code, const char *day, int64_t seq,
    char out[CASE_NO_MAX], struct err *e)
{
	int32_t d;
	int y, m, dd;

	out[0] = '\0';
	if (impl_code == NULL || strlen(impl_code) != CATALOG_IMPL_CODE_LEN)
		return err_internal(e, "case number: bad implementation code");
	for (size_t i = 0; i < CATALOG_IMPL_CODE_LEN; i++) {
		char ch = impl_code[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')))
			return err_set(e, ERR_INVALID, NULL,
			    "实施编码格式不正确");
	}
	if (calendar_day_parse(day, &d, e) != 0)
		return -ERR_INVALID;
	if (seq < 1 || seq > 99999)
		return err_set(e, ERR_INVALID, NULL, "办件流水号超出范围");
	calendar_day_to_ymd(d, &y, &m, &dd);
	snprintf(out, CASE_NO_MAX, "%s%04d%02d%02d%04" PRId64, impl_code, y, m,
	    dd, seq);
	return 0;
}

void
case_rank(const char *warn_level, const char *due_day, char out[16])
{
	char digit = '4';

	if (warn_level != NULL) {
		if (strcmp(warn_level, "red") == 0)
			digit = '0';
		else if (strcmp(warn_level, "yellow") == 0)
			digit = '1';
		else if (strcmp(warn_level, "green") == 0)
			digit = '2';
		else if (strcmp(warn_level, "paused") == 0)
			digit = '3';
	}
	snprintf(out, 16, "%c%s", digit, due_day != NULL ? due_day : "");
}

const char *
case_delivery_label(const char *method)
{
	if (method == NULL)
		return NULL;
	if (strcmp(method, "window") == 0)
		return "窗口领取";
	if (strcmp(method, "post") == 0)
		return "邮寄送达";
	if (strcmp(method, "download") == 0)
		return "网上下载";
	return NULL;
}

const char *
case_mode_label(const char *mode)
{
	if (mode == NULL)
		return NULL;
	if (strcmp(mode, "normal") == 0)
		return "正常受理";
	if (strcmp(mode, "rongque") == 0)
		return "容缺受理";
	if (strcmp(mode, "commitment") == 0)
		return "告知承诺受理";
	return NULL;
}

int
case_missing_required(const int *necessity, const bool *provided, int n,
    int *blocking)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		if ((necessity[i] == NEC_REQUIRED ||
		    necessity[i] == NEC_RONGQUE) && !provided[i])
			blocking[k++] = i;
	return k;
}
