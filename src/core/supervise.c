/* supervise.c - pure rules of supervision (core/supervise.h). */
#include "core/supervise.h"

#include <math.h>
#include <string.h>

#include "base/err.h"

int
supervise_idle_workdays(const struct calendar *cal, int32_t last_step,
    int32_t today)
{
	if (today <= last_step)
		return 0;
	return calendar_workdays_between(cal, last_step, today);
}

bool
supervise_is_stalled(const struct calendar *cal, int32_t last_step,
    int32_t today, int threshold)
{
	if (threshold <= 0)
		return false;
	return supervise_idle_workdays(cal, last_step, today) >= threshold;
}

/* True when s starts with the separator sep. */
static size_t
sep_len(const char *s)
{
	static const char arrow[] = "\xe2\x86\x92";  /* → */
	static const char comma[] = "\xef\xbc\x8c";  /* ， */

	if (*s == ',')
		return 1;
	if (strncmp(s, arrow, 3) == 0 || strncmp(s, comma, 3) == 0)
		return 3;
	return 0;
}

int
supervise_path_parse(const char *text, struct supervise_path *p,
    struct err *e)
{
	const char *s = text != NULL ? text : "";

	memset(p, 0, sizeof(*p));
	while (*s != '\0') {
		const char *start, *end;
		size_t n;

		while (*s == ' ' || sep_len(s) > 0)
			s += *s == ' ' ? 1 : sep_len(s);
		if (*s == '\0')
			break;
		start = s;
		while (*s != '\0' && sep_len(s) == 0)
			s++;
		end = s;
		while (end > start && end[-1] == ' ')
			end--;
		n = (size_t)(end - start);
		if (n == 0)
			continue;
		if (p->n >= SUPERVISE_MAX_LEVELS)
			return err_set(e, ERR_INVALID, "path_too_long",
			    "升级路径最多 %d 级", SUPERVISE_MAX_LEVELS);
		if (n >= SUPERVISE_BODY_MAX)
			return err_set(e, ERR_INVALID, "body_too_long",
			    "升级路径中的单位名称过长");
		memcpy(p->body[p->n], start, n);
		p->body[p->n][n] = '\0';
		p->n++;
	}
	if (p->n == 0)
		return err_set(e, ERR_INVALID, "path_empty",
		    "升级路径至少应包含一个单位");
	return 0;
}

int
supervise_escalation_level(const struct calendar *cal, int32_t promised,
    int32_t today, int step, int levels)
{
	int late, level;

	if (levels <= 0 || today <= promised)
		return 0;
	if (step <= 0)
		step = 1;
	late = calendar_workdays_between(cal, promised, today);
	if (late <= 0)
		return 0;  /* only rest days have passed */
	level = 1 + (late - 1) / step;
	return level > levels ? levels : level;
}

double
supervise_score(struct supervise_check *checks, int n)
{
	double points = 0, total = 0;

	for (int i = 0; i < n; i++) {
		struct supervise_check *c = &checks[i];

		c->points = 0;
		if (c->weight < 0)
			c->weight = 0;
		total += c->weight;
		if (c->has_ratio) {
			double r = c->ratio < 0 ? 0 : c->ratio;
			double t = c->target > 0 ? c->target : 1.0;
			double f = r >= t ? 1.0 : r / t;

			c->points = c->weight * f;
			c->state = r >= t ? SV_CHECK_MET : r > 0 ?
			    SV_CHECK_PARTIAL : SV_CHECK_UNMET;
		} else if (c->evidence > 0) {
			c->points = c->weight;
			c->state = SV_CHECK_MET;
		} else {
			c->state = c->evidence == 0 ? SV_CHECK_UNMET :
			    SV_CHECK_UNKNOWN;
		}
		points += c->points;
	}
	if (total <= 0)
		return 0;
	return round(points * 1000.0 / total) / 10.0;
}

bool
supervise_check_is_finding(const struct supervise_check *c)
{
	return c->state != SV_CHECK_MET;
}

bool
supervise_volume_gap(int64_t reported, int64_t platform,
    int threshold_percent, int64_t min_abs, double *gap_percent)
{
	int64_t gap = reported - platform;
	double pct = 0;

	if (reported > 0)
		pct = (double)gap * 100.0 / (double)reported;
	if (gap_percent != NULL)
		*gap_percent = round(pct * 10.0) / 10.0;
	if (reported <= 0 || gap <= 0)
		return false;
	if (min_abs < 1)
		min_abs = 1;
	return pct > threshold_percent && gap >= min_abs;
}

bool
supervise_quick_case(int64_t created_at, int64_t decided_at, int64_t creator,
    int64_t decider, int minutes)
{
	if (creator <= 0 || creator != decider || minutes <= 0)
		return false;
	if (decided_at < created_at)
		return false;
	return decided_at - created_at <= (int64_t)minutes * 60;
}

char *
supervise_quarter(int32_t day, char out[8])
{
	int y, m, d;
	unsigned yy, q;

	calendar_day_to_ymd(day, &y, &m, &d);
	yy = (unsigned)(y < 0 ? 0 : y) % 10000u;
	q = (unsigned)((m - 1) / 3 + 1) % 10u;
	out[0] = (char)('0' + yy / 1000);
	out[1] = (char)('0' + yy / 100 % 10);
	out[2] = (char)('0' + yy / 10 % 10);
	out[3] = (char)('0' + yy % 10);
	out[4] = '-';
	out[5] = 'Q';
	out[6] = (char)('0' + q);
	out[7] = '\0';
	return out;
}

int
supervise_quarter_range(const char *quarter, int32_t *first, int32_t *last,
    struct err *e)
{
	int y = 0, q;

	if (quarter == NULL || strlen(quarter) != 7 || quarter[4] != '-' ||
	    quarter[5] != 'Q' || quarter[6] < '1' || quarter[6] > '4')
		return err_set(e, ERR_INVALID, "bad_quarter",
		    "季度格式应为 YYYY-Qn，如 2026-Q4");
	for (int i = 0; i < 4; i++) {
		if (quarter[i] < '0' || quarter[i] > '9')
			return err_set(e, ERR_INVALID, "bad_quarter",
			    "季度格式应为 YYYY-Qn，如 2026-Q4");
		y = y * 10 + (quarter[i] - '0');
	}
	q = quarter[6] - '0';
	*first = calendar_day_from_ymd(y, (q - 1) * 3 + 1, 1);
	*last = (q == 4 ? calendar_day_from_ymd(y + 1, 1, 1) :
	    calendar_day_from_ymd(y, q * 3 + 1, 1)) - 1;
	return 0;
}
