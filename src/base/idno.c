/* idno.c - check characters of ID numbers and credit codes, mobile numbers,
 * masking.
 *
 * Inputs are exact: no trimming and no case folding here (a lower-case 'x'
 * in an ID number is invalid at this level; services upper-case first). */
#include "base/idno.h"

#include <string.h>

#include "base/clock.h"

#define IDNO_LEN 18

/* GB 11643-1999: weights W_i = 2^(17-i) mod 11 for the first 17 digits. */
static const int person_weights[17] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
};
/* Indexed by the weighted sum mod 11. */
static const char person_checks[] = "10X98765432";

/* GB 32100-2015: 31 characters (no I, O, Z, S, V), weights 3^(i-1) mod 31. */
static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int credit_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
credit_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(credit_alphabet, c);
	return p != NULL ? (int)(p - credit_alphabet) : -1;
}

static bool
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Digits s[0..n-1] as a number; s is known to be digits. */
static int
digits_value(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* The birth date YYYYMMDD must be a real calendar date, not before 1900 and
 * not after today (in the hall's time zone). */
static bool
birth_date_valid(const char *d)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	char today[11];
	int y, m, day, max, ty, tm, td;

	y = digits_value(d, 4);
	m = digits_value(d + 4, 2);
	day = digits_value(d + 6, 2);
	if (y < 1900 || m < 1 || m > 12 || day < 1)
		return false;
	max = mdays[m - 1];
	if (m == 2 && leap_year(y))
		max = 29;
	if (day > max)
		return false;

	clock_date(clock_now(), today);
	ty = digits_value(today, 4);
	tm = digits_value(today + 5, 2);
	td = digits_value(today + 8, 2);
	if (y != ty)
		return y < ty;
	if (m != tm)
		return m < tm;
	return day <= td;
}

char
idno_person_check(const char *first17)
{
	int sum = 0;

	if (first17 == NULL)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return 0;
		sum += (first17[i] - '0') * person_weights[i];
	}
	return person_checks[sum % 11];
}

bool
idno_person_valid(const char *s)
{
	char check;

	if (s == NULL || strlen(s) != IDNO_LEN)
		return false;
	check = idno_person_check(s);
	if (check == 0 || s[17] != check)
		return false;
	/* Region code: the first digit is a province group 1..9. */
	if (s[0] == '0')
		return false;
	return birth_date_valid(s + 6);
}

char
idno_credit_code_check(const char *first17)
{
	int sum = 0, v, c;

	if (first17 == NULL)
		return 0;
	for (int i = 0; i < 17; i++) {
		v = credit_value(first17[i]);
		if (v < 0)
			return 0;
		sum += v * credit_weights[i];
	}
	c = 31 - sum % 31;
	if (c == 31)
		c = 0;
	return credit_alphabet[c];
}

bool
idno_credit_code_valid(const char *s)
{
	char check;

	if (s == NULL || strlen(s) != IDNO_LEN)
		return false;
	check = idno_credit_code_check(s);
	return check != 0 && s[17] == check;
}

bool
idno_mobile_valid(const char *s)
{
	if (s == NULL || strlen(s) != 11 || s[0] != '1')
		return false;
	/* Mainland numbers: 13x..19x. */
	if (s[1] < '3' || s[1] > '9')
		return false;
	for (int i = 0; i < 11; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

void
idno_mask(const char *in, char *out, size_t outsz)
{
	size_t len, head, tail;

	if (out == NULL || outsz == 0)
		return;
	out[0] = '\0';
	if (in == NULL)
		return;
	len = strlen(in);
	if (len + 1 > outsz)
		return;
	if (len >= 15) {        /* ID numbers, credit codes */
		head = 6;
		tail = 4;
	} else if (len >= 11) { /* mobiles */
		head = 3;
		tail = 4;
	} else if (len >= 3) {
		head = 1;
		tail = 1;
	} else {
		head = 0;
		tail = 0;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = (i < head || i >= len - tail) ? in[i] : '*';
	out[len] = '\0';
}
