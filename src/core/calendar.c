#include "core/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/embedded.h"

#define YEAR_BITS (CALENDAR_YEAR_MAX - CALENDAR_YEAR_MIN + 1)

struct calendar {
	struct calendar_override *ov; /* sorted by day, unique */
	size_t n;
	size_t cap;
	/* Years whose whole schedule was loaded (a year text, or
	 * calendar_mark_year), as distinct from single edits. */
	unsigned char loaded[(YEAR_BITS + 7) / 8];
};

/* ---- day numbers ---- */

/* Floor division and modulo for possibly negative a (b > 0). */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b) != 0 && (a < 0))
		q--;
	return q;
}

static int64_t
floormod(int64_t a, int64_t b)
{
	return a - floordiv(a, b) * b;
}

/* days_from_civil (H. Hinnant), proleptic Gregorian. */
int32_t
calendar_day_from_ymd(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floordiv(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t mp = (m + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int32_t)(era * 146097 + doe - 719468);
}

void
calendar_day_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = floordiv(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;

	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool
calendar_ymd_valid(int y, int m, int d)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int max;

	if (m < 1 || m > 12 || d < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && is_leap(y))
		max = 29;
	return d <= max;
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* True when s is short printable ASCII, safe to repeat in a message. */
static bool
echoable(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= 16 || s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

int
calendar_day_parse(const char *s, int32_t *out, struct err *e)
{
	int y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		goto bad;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX || m < 0 || d < 0)
		goto bad;
	if (!calendar_ymd_valid(y, m, d))
		goto bad;
	*out = calendar_day_from_ymd(y, m, d);
	return 0;
bad:
	if (s != NULL && echoable(s))
		return err_field(e, ERR_INVALID, "date", "invalid_date",
		    "日期“%s”无效，应为 YYYY-MM-DD 格式的有效日期", s);
	return err_field(e, ERR_INVALID, "date", "invalid_date",
	    "日期无效，应为 YYYY-MM-DD 格式的有效日期");
}

char *
calendar_day_format(int32_t day, char out[11])
{
	int y, m, d;

	calendar_day_to_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999) {
		snprintf(out, 11, "%s", "0000-00-00");
		return out;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
	return out;
}

int
calendar_weekday(int32_t day)
{
	/* Day 0, 1970-01-01, was a Thursday (ISO 4). */
	return (int)floormod((int64_t)day + 3, 7) + 1;
}

const char *
calendar_weekday_label(int32_t day)
{
	static const char *const names[7] = {
		"星期一", "星期二", "星期三", "星期四", "星期五", "星期六",
		"星期日"
	};

	return names[calendar_weekday(day) - 1];
}

/* ---- the calendar ---- */

struct calendar *
calendar_new(void)
{
	return calloc(1, sizeof(struct calendar));
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	free(cal->ov);
	free(cal);
}

size_t
calendar_lower_bound(const struct calendar *cal, int32_t day)
{
	size_t lo = 0, hi;

	if (cal == NULL)
		return 0;
	hi = cal->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->ov[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct calendar_override *
calendar_get(const struct calendar *cal, int32_t day)
{
	size_t i;

	if (cal == NULL)
		return NULL;
	i = calendar_lower_bound(cal, day);
	if (i < cal->n && cal->ov[i].day == day)
		return &cal->ov[i];
	return NULL;
}

size_t
calendar_count(const struct calendar *cal)
{
	return cal == NULL ? 0 : cal->n;
}

const struct calendar_override *
calendar_at(const struct calendar *cal, size_t i)
{
	if (cal == NULL || i >= cal->n)
		return NULL;
	return &cal->ov[i];
}

void
calendar_mark_year(struct calendar *cal, int y)
{
	if (cal == NULL || y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX)
		return;
	cal->loaded[(y - CALENDAR_YEAR_MIN) / 8] |=
	    (unsigned char)(1u << ((y - CALENDAR_YEAR_MIN) % 8));
}

bool
calendar_has_year(const struct calendar *cal, int y)
{
	if (cal == NULL || y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX)
		return false;
	return (cal->loaded[(y - CALENDAR_YEAR_MIN) / 8] >>
	    ((y - CALENDAR_YEAR_MIN) % 8)) & 1u;
}

int
calendar_missing_years(const struct calendar *cal, int32_t from, int32_t to,
    int *years, int max)
{
	int y1, y2, m, d, n = 0;

	calendar_day_to_ymd(from, &y1, &m, &d);
	calendar_day_to_ymd(to < from ? from : to, &y2, &m, &d);
	for (int y = y1; y <= y2; y++) {
		if (calendar_has_year(cal, y))
			continue;
		if (years != NULL && n < max)
			years[n] = y;
		n++;
	}
	return n;
}

int
calendar_remind_year(const struct calendar *cal, int32_t today)
{
	int y, m, d;

	calendar_day_to_ymd(today, &y, &m, &d);
	if (m < CALENDAR_REMIND_MONTH || y + 1 > CALENDAR_YEAR_MAX ||
	    calendar_has_year(cal, y + 1))
		return 0;
	return y + 1;
}

static bool
weekend(int32_t day)
{
	return calendar_weekday(day) >= 6;
}

/* Checks an override name: 1..CALENDAR_NAME_CHARS code points of valid,
 * shortest-form UTF-8, no control characters. */
static bool
name_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;

	if (s == NULL || *p == '\0')
		return false;
	while (*p != '\0') {
		unsigned c = *p;
		unsigned cp;
		int extra;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			p++;
			chars++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (int i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += extra + 1;
		chars++;
	}
	return chars <= CALENDAR_NAME_CHARS;
}

/* Inserts or replaces; the arguments are already validated. */
static int
put(struct calendar *cal, int32_t day, enum calendar_kind kind,
    const char *name, struct err *e)
{
	size_t i = calendar_lower_bound(cal, day);
	struct calendar_override *o;

	if (i >= cal->n || cal->ov[i].day != day) {
		if (cal->n >= CALENDAR_MAX_OVERRIDES)
			return err_set(e, ERR_UNPROCESSABLE, "calendar_full",
			    "节假日调整记录过多（上限 %d 条）",
			    CALENDAR_MAX_OVERRIDES);
		if (cal->n == cal->cap) {
			size_t ncap = cal->cap ? cal->cap * 2 : 64;
			struct calendar_override *nov;

			nov = realloc(cal->ov, ncap * sizeof(*nov));
			if (nov == NULL)
				return err_set(e, ERR_INTERNAL, NULL,
				    "内存不足");
			cal->ov = nov;
			cal->cap = ncap;
		}
		memmove(&cal->ov[i + 1], &cal->ov[i],
		    (cal->n - i) * sizeof(cal->ov[0]));
		cal->n++;
	}
	o = &cal->ov[i];
	o->day = day;
	o->kind = kind;
	snprintf(o->name, sizeof(o->name), "%s", name);
	return 0;
}

/* Common checks for an override; line > 0 prefixes messages. */
static int
check_override(int32_t day, enum calendar_kind kind, const char *name,
    int line, struct err *e)
{
	char ds[11], where[32] = "";

	if (line > 0)
		snprintf(where, sizeof(where), "第 %d 行：", line);
	calendar_day_format(day, ds);
	if (kind != CALENDAR_OFF && kind != CALENDAR_WORK)
		return err_field(e, ERR_INVALID, "kind", "invalid_calendar",
		    "%s类型无效，应为 off（放假）或 work（调休上班）", where);
	if (!name_valid(name))
		return err_field(e, ERR_INVALID, "name", "invalid_calendar",
		    "%s名称应为 1 至 %d 个字符", where, CALENDAR_NAME_CHARS);
	if (kind == CALENDAR_WORK && !weekend(day))
		return err_field(e, ERR_UNPROCESSABLE, "kind",
		    "invalid_calendar",
		    "%s%s 是%s，本来就是工作日，不能设为调休上班", where, ds,
		    calendar_weekday_label(day));
	return 0;
}

int
calendar_set(struct calendar *cal, int32_t day, enum calendar_kind kind,
    const char *name, struct err *e)
{
	int y, m, d, rc;

	calendar_day_to_ymd(day, &y, &m, &d);
	if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX)
		return err_field(e, ERR_INVALID, "date", "invalid_date",
		    "日期超出范围（%d—%d 年）", CALENDAR_YEAR_MIN,
		    CALENDAR_YEAR_MAX);
	rc = check_override(day, kind, name, 0, e);
	if (rc != 0)
		return rc;
	return put(cal, day, kind, name, e);
}

int
calendar_unset(struct calendar *cal, int32_t day, struct err *e)
{
	size_t i = calendar_lower_bound(cal, day);
	char ds[11];

	if (i >= cal->n || cal->ov[i].day != day)
		return err_set(e, ERR_NOT_FOUND, NULL,
		    "%s 没有节假日调整记录", calendar_day_format(day, ds));
	memmove(&cal->ov[i], &cal->ov[i + 1],
	    (cal->n - i - 1) * sizeof(cal->ov[0]));
	cal->n--;
	return 0;
}

/* One parsed line, before it is applied. */
struct pending {
	struct calendar_override o;
	int line;
};

static int
pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->o.day != y->o.day)
		return x->o.day < y->o.day ? -1 : 1;
	return x->line < y->line ? -1 : (x->line > y->line);
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parses one line (NUL-terminated, comment already removed, trimmed). */
static int
parse_line(char *s, int line, struct pending *p, struct err *e)
{
	char *date = s, *kind, *name, *q;
	struct err de;
	int rc;

	q = s;
	while (*q != '\0' && !is_space(*q))
		q++;
	if (*q == '\0')
		goto fields;
	*q++ = '\0';
	while (is_space(*q))
		q++;
	kind = q;
	while (*q != '\0' && !is_space(*q))
		q++;
	if (*q == '\0')
		goto fields;
	*q++ = '\0';
	while (is_space(*q))
		q++;
	name = q;

	if (calendar_day_parse(date, &p->o.day, &de) != 0)
		return err_set(e, ERR_INVALID, "invalid_calendar",
		    "第 %d 行：%s", line, de.msg);
	if (strcmp(kind, "off") == 0)
		p->o.kind = CALENDAR_OFF;
	else if (strcmp(kind, "work") == 0)
		p->o.kind = CALENDAR_WORK;
	else
		return err_set(e, ERR_INVALID, "invalid_calendar",
		    "第 %d 行：类型应为 off（放假）或 work（调休上班）", line);
	rc = check_override(p->o.day, p->o.kind, name, line, e);
	if (rc != 0)
		return rc;
	snprintf(p->o.name, sizeof(p->o.name), "%s", name);
	p->line = line;
	return 0;
fields:
	return err_set(e, ERR_INVALID, "invalid_calendar",
	    "第 %d 行：应为“日期 off|work 名称”三项", line);
}

int
calendar_load_text(struct calendar *cal, const char *text, struct err *e)
{
	struct pending *pend = NULL;
	size_t np = 0, cap = 0, len;
	const char *p, *nl;
	char buf[CALENDAR_LINE_MAX + 1], ds[11];
	int line = 0, rc = 0;
	struct err local;

	if (e == NULL)
		e = &local;
	len = strlen(text);
	if (len > CALENDAR_TEXT_MAX)
		return err_set(e, ERR_TOO_LARGE, "invalid_calendar",
		    "节假日文件过大（上限 %zu 字节）", CALENDAR_TEXT_MAX);
	for (p = text; *p != '\0'; p = nl) {
		size_t ll;
		char *s, *end, *hash;

		line++;
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		ll = (size_t)(nl - p);
		if (*nl == '\n')
			nl++;
		if (ll > CALENDAR_LINE_MAX) {
			rc = err_set(e, ERR_INVALID, "invalid_calendar",
			    "第 %d 行：过长（上限 %d 字节）", line,
			    CALENDAR_LINE_MAX);
			goto out;
		}
		memcpy(buf, p, ll);
		buf[ll] = '\0';
		hash = strchr(buf, '#');
		if (hash != NULL)
			*hash = '\0';
		s = buf;
		while (is_space(*s))
			s++;
		end = s + strlen(s);
		while (end > s && is_space(end[-1]))
			*--end = '\0';
		if (*s == '\0')
			continue;
		if (np == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct pending *n2;

			if (ncap > CALENDAR_MAX_OVERRIDES)
				ncap = CALENDAR_MAX_OVERRIDES;
			if (np >= ncap) {
				rc = err_set(e, ERR_UNPROCESSABLE,
				    "calendar_full",
				    "节假日调整记录过多（上限 %d 条）",
				    CALENDAR_MAX_OVERRIDES);
				goto out;
			}
			n2 = realloc(pend, ncap * sizeof(*n2));
			if (n2 == NULL) {
				rc = err_set(e, ERR_INTERNAL, NULL, "内存不足");
				goto out;
			}
			pend = n2;
			cap = ncap;
		}
		rc = parse_line(s, line, &pend[np], e);
		if (rc != 0)
			goto out;
		np++;
	}
	if (np > 0)
		qsort(pend, np, sizeof(*pend), pending_cmp);
	for (size_t i = 1; i < np; i++) {
		if (pend[i].o.day == pend[i - 1].o.day) {
			rc = err_set(e, ERR_INVALID, "invalid_calendar",
			    "第 %d 行：日期 %s 与第 %d 行重复", pend[i].line,
			    calendar_day_format(pend[i].o.day, ds),
			    pend[i - 1].line);
			goto out;
		}
	}
	/* Check the capacity first so that the load is all or nothing. */
	{
		size_t fresh = 0;

		for (size_t i = 0; i < np; i++)
			if (calendar_get(cal, pend[i].o.day) == NULL)
				fresh++;
		if (cal->n + fresh > CALENDAR_MAX_OVERRIDES) {
			rc = err_set(e, ERR_UNPROCESSABLE, "calendar_full",
			    "节假日调整记录过多（上限 %d 条）",
			    CALENDAR_MAX_OVERRIDES);
			goto out;
		}
		if (cal->n + fresh > cal->cap) {
			size_t ncap = cal->n + fresh;
			struct calendar_override *nov;

			nov = realloc(cal->ov, ncap * sizeof(*nov));
			if (nov == NULL) {
				rc = err_set(e, ERR_INTERNAL, NULL, "内存不足");
				goto out;
			}
			cal->ov = nov;
			cal->cap = ncap;
		}
	}
	for (size_t i = 0; i < np; i++) {
		int y, m, d;

		rc = put(cal, pend[i].o.day, pend[i].o.kind, pend[i].o.name,
		    e);
		if (rc != 0)
			goto out; /* unreachable: capacity reserved above */
		calendar_day_to_ymd(pend[i].o.day, &y, &m, &d);
		calendar_mark_year(cal, y);
	}
out:
	free(pend);
	return rc;
}

/* Puts "path " in front of e->msg (messages are short: nothing is cut in
 * practice, and a cut keeps the string terminated). */
static void
prefix_msg(struct err *e, const char *path)
{
	size_t pl = strlen(path), ml = strlen(e->msg);

	if (pl + 2 >= sizeof(e->msg))
		return;
	if (pl + 1 + ml >= sizeof(e->msg))
		ml = sizeof(e->msg) - pl - 2;
	memmove(e->msg + pl + 1, e->msg, ml);
	e->msg[pl + 1 + ml] = '\0';
	memcpy(e->msg, path, pl);
	e->msg[pl] = ' ';
}

int
calendar_load_embedded(struct calendar *cal, struct err *e)
{
	static const char prefix[] = "data/holidays/";
	const struct embedded_file *f;
	int rc, loaded = 0;

	for (f = embedded_files; f->path != NULL; f++) {
		size_t pl = strlen(f->path);

		if (strncmp(f->path, prefix, sizeof(prefix) - 1) != 0 ||
		    pl < 4 || strcmp(f->path + pl - 4, ".txt") != 0)
			continue;
		rc = calendar_load_text(cal, f->data, e);
		if (rc != 0) {
			/* Prefix the file so a bad data file is easy to find. */
			if (e != NULL)
				prefix_msg(e, f->path);
			return rc;
		}
		loaded++;
	}
	if (loaded == 0)
		return err_set(e, ERR_INTERNAL, NULL,
		    "程序中没有节假日数据（data/holidays）");
	return 0;
}

bool
calendar_is_workday(const struct calendar *cal, int32_t day)
{
	const struct calendar_override *o = calendar_get(cal, day);

	if (o != NULL)
		return o->kind == CALENDAR_WORK;
	return !weekend(day);
}

int32_t
calendar_add_workdays(const struct calendar *cal, int32_t start, int n)
{
	int64_t day = start;
	int step = n < 0 ? -1 : 1;
	int left;

	/* Clamp before negating: -INT_MIN does not exist. */
	if (n < -CALENDAR_MAX_WORKDAYS || n > CALENDAR_MAX_WORKDAYS)
		left = CALENDAR_MAX_WORKDAYS;
	else
		left = n < 0 ? -n : n;
	while (left > 0) {
		day += step;
		if (calendar_is_workday(cal, (int32_t)day))
			left--;
	}
	return (int32_t)day;
}

/* Mondays-to-Fridays in [4, x) where day 4 (1970-01-05) is a Monday;
 * negative for x < 4, so differences count any range. */
static int64_t
weekdays_before(int64_t x)
{
	int64_t t = x - 4;
	int64_t w = floordiv(t, 7);
	int64_t r = t - w * 7;

	return w * 5 + (r < 5 ? r : 5);
}

int
calendar_workdays_between(const struct calendar *cal, int32_t a, int32_t b)
{
	int64_t count;
	size_t i;

	if (a == b)
		return 0;
	if (b < a)
		return -calendar_workdays_between(cal, b, a);
	count = weekdays_before((int64_t)b + 1) - weekdays_before((int64_t)a + 1);
	if (cal != NULL) {
		for (i = calendar_lower_bound(cal, a + 1);
		    i < cal->n && cal->ov[i].day <= b; i++) {
			bool we = weekend(cal->ov[i].day);

			if (cal->ov[i].kind == CALENDAR_OFF && !we)
				count--;
			else if (cal->ov[i].kind == CALENDAR_WORK && we)
				count++;
		}
	}
	return (int)count;
}
