/* calendar.c - the working-day calendar.
 *
 *   GET /api/calendar?year=2026 (public) -> {year, has_data, version,
 *       overrides:[{day, kind, name, weekday, source}], days:[{date, workday}]}
 *   GET /api/calendar/deadline?date=YYYY-MM-DD&n=N (public) -> {date, n,
 *       due_day, weekday, missing_years}   (as `onetrip calendar deadline`)
 *   PUT /api/calendar/:date (hall_admin) {kind:"off"|"work"|"normal", name}
 *       -> {day, kind, name, workday, version, recomputed} */
#include "http/http.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "service/calendar_admin.h"

#define CALENDAR_BODY_MAX 2048

/* Required decimal query argument in [lo, hi]. */
static bool
query_int(struct http_req *r, const char *name, long lo, long hi,
    const char *msg, long *out, struct err *e)
{
	const char *v = http_query(r, name);
	char *end;
	long n;

	if (v == NULL || v[0] < '0' || v[0] > '9' || strlen(v) > 9)
		goto bad;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		goto bad;
	*out = n;
	return true;
bad:
	err_field(e, ERR_INVALID, name, NULL, "%s", msg);
	return false;
}

static void
get_calendar(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	long year;

	err_clear(&e);
	if (!query_int(r, "year", 1970, 2999, "参数 year 应为四位年份，如 2026",
	    &year, &e) || calendar_admin_year(&r->ctx, (int)year, &out,
	    &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
get_deadline(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	long n;

	err_clear(&e);
	if (!query_int(r, "n", 0, DEADLINE_MAX_BUDGET,
	    "参数 n 应为 0 至 1000 的工作日数", &n, &e) ||
	    calendar_admin_deadline(&r->ctx, http_query(r, "date"), (int)n,
	    &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static bool
body_str(json_t *j, const char *name, const char **out, struct err *e)
{
	json_t *v = json_object_get(j, name);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return true;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		err_field(e, ERR_INVALID, name, "bad_type",
		    "字段 %s 须为字符串", name);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

static void
put_day(struct http_req *r, struct http_resp *w)
{
	const char *kind, *name;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (r->json == NULL || !json_is_object(r->json)) {
		err_set(&e, ERR_INVALID, "bad_json", "请求内容须为 JSON 对象");
		goto fail;
	}
	if (!body_str(r->json, "kind", &kind, &e) ||
	    !body_str(r->json, "name", &name, &e))
		goto fail;
	if (calendar_admin_set(&r->ctx, http_param(r, "date"), kind, name,
	    &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

const struct route api_calendar_routes[] = {
	{ "GET", "/api/calendar", get_calendar, ACCESS_PUBLIC, 0 },
	{ "GET", "/api/calendar/deadline", get_deadline, ACCESS_PUBLIC, 0 },
	{ "PUT", "/api/calendar/:date", put_day, ROLE_HALL_ADMIN,
	    CALENDAR_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
