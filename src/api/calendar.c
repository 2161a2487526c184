/* calendar.c - the working-day calendar.
 *
 *   GET /api/calendar?year=2026 (public) -> {year, has_data, version,
 *       overrides:[{day, kind, name, weekday, source}], days:[{date, workday}]}
 *   GET /api/calendar/deadline?date=YYYY-MM-DD&n=N (public) -> {date, n,
 *       due_day, weekday, missing_years}   (as `onetrip calendar deadline`)
 *   PUT /api/calendar/:date (hall_admin) {kind:"off"|"work"|"normal", name}
 *       -> {day, kind, name, workday, version, recomputed}
 *   POST /api/calendar/years/:year (hall_admin) {text} -> {year, days,
 *       recomputed, version}: loads the year's schedule (format of
 *       data/holidays/YYYY.txt) and recomputes open deadlines
 * GET /api/calendar also gives remind_year: from November, the next year
 * whose holidays are not loaded (null otherwise). */
#include "http/http.h"

#include <string.h>

#include "core/deadline.h"
#include "service/case/case.h"

#define CALENDAR_BODY_MAX 2048
/* A year's schedule (about 40 lines, 2 KB) in one JSON string, which is
 * at most LIMIT_JSON_STRING bytes. */
#define CALENDAR_LOAD_BODY_MAX ((size_t)80 << 10)

static void
get_calendar(struct http_req *r, struct http_resp *w)
{
	json_t *out = NULL;
	struct err e;
	int64_t year;

	err_clear(&e);
	if (!http_query_int(r, "year", 1970, 2999, true,
	    "参数 year 应为四位年份，如 2026", &year, &e) ||
	    case_calendar_year(r->ctx, (int)year, &out, &e) != 0) {
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
	int64_t n;

	err_clear(&e);
	if (!http_query_int(r, "n", 0, DEADLINE_MAX_BUDGET, true,
	    "参数 n 应为 0 至 1000 的工作日数", &n, &e) ||
	    case_calendar_deadline(r->ctx, http_query(r, "date"), (int)n,
	    &out, &e) != 0) {
		http_error(w, &e);
		return;
	}
	http_json(w, 200, out);
}

static void
put_day(struct http_req *r, struct http_resp *w)
{
	const char *kind, *name;
	json_t *out = NULL;
	struct err e;

	err_clear(&e);
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "kind", 0, &kind, &e) ||
	    !http_body_str(r, "name", 0, &name, &e))
		goto fail;
	if (case_calendar_set(r->ctx, http_param(r, "date"), kind, name,
	    &out, &e) != 0)
		goto fail;
	http_json(w, 200, out);
	return;
fail:
	http_error(w, &e);
}

static void
post_year(struct http_req *r, struct http_resp *w)
{
	const char *text, *ys = http_param(r, "year");
	json_t *out = NULL;
	struct err e;
	int year = 0;

	err_clear(&e);
	for (const char *p = ys; p != NULL && *p != '\0'; p++)
		year = *p >= '0' && *p <= '9' && year < 100000 ?
		    year * 10 + (*p - '0') : -1;
	if (ys == NULL || strlen(ys) != 4 || year < 0) {
		err_field(&e, ERR_INVALID, "year", "bad_year",
		    "年份应为四位数字，如 2027");
		goto fail;
	}
	if (!http_body_object(r, &e) ||
	    !http_body_str(r, "text", 0, &text, &e))
		goto fail;
	if (case_calendar_load(r->ctx, year, text, &out, &e) != 0)
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
	{ "POST", "/api/calendar/years/:year", post_year, ROLE_HALL_ADMIN,
	    CALENDAR_LOAD_BODY_MAX },
	{ NULL, NULL, NULL, 0, 0 },
};
