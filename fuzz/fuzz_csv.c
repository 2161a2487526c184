/* libFuzzer: CSV import (docs/csv.c, as catalogue import reads a file).
 *
 * Every record handed to the importer must be what csv.h promises: at most
 * the field limit, each field NUL-terminated, valid UTF-8 and within the
 * length limit, lines counting up. And what the exporter writes must read
 * back as the same fields (csv_write_row, then csv_parse). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "docs/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_FIELDS 16
#define FUZZ_FIELD_LEN 256
#define FUZZ_ROWS 64

struct seen {
	size_t last_line;
	size_t rows;
	/* The first record, kept for the write/read round trip. */
	char *first[FUZZ_FIELDS];
	size_t nfirst;
	bool have_first;
};

static int
check_row(void *arg, size_t line, char **f, size_t n, struct err *e)
{
	struct seen *s = arg;

	(void)e;
	if (n == 0 || n > FUZZ_FIELDS || (line <= s->last_line && s->rows > 0))
		abort();
	s->last_line = line;
	s->rows++;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(f[i]);

		if (len > FUZZ_FIELD_LEN || !utf8_valid(f[i], len))
			abort();
	}
	if (!s->have_first) {
		for (size_t i = 0; i < n; i++)
			s->first[i] = strdup(f[i]);
		s->nfirst = n;
		s->have_first = true;
	}
	return 0;
}

struct again {
	const struct seen *want;
	size_t rows;
};

static int
compare_row(void *arg, size_t line, char **f, size_t n, struct err *e)
{
	struct again *a = arg;

	(void)line;
	(void)e;
	a->rows++;
	if (n != a->want->nfirst)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i], a->want->first[i]) != 0)
			abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct csv_limits lim = { FUZZ_FIELDS, FUZZ_FIELD_LEN,
	    FUZZ_ROWS };
	struct seen s;
	struct err e;
	int rc;

	memset(&s, 0, sizeof(s));
	err_clear(&e);
	rc = csv_parse((const char *)data, size, &lim, check_row, &s, &e);
	if (rc != 0 && rc != -ERR_INVALID && rc != -ERR_TOO_LARGE)
		abort();
	if (rc != 0 && (e.msg[0] == '\0' || !utf8_valid(e.msg,
	    strlen(e.msg))))
		abort();
	if (s.have_first) {
		struct buf b;
		struct again a = { &s, 0 };

		/* A record of only one empty field is a blank line: skipped
		 * on reading, so nothing to compare. */
		bool blank = s.nfirst == 1 && s.first[0][0] == '\0';

		/* As the exports write it: the byte order mark first. */
		buf_init(&b, 1 << 20);
		if (csv_write_bom(&b) != 0)
			abort();
		if (csv_write_row(&b, (const char *const *)s.first,
		    s.nfirst) != 0)
			abort();
		err_clear(&e);
		if (csv_parse(b.data, b.len, &lim, compare_row, &a, &e) != 0)
			abort();
		if (a.rows != (blank ? 0u : 1u))
			abort();
		buf_release(&b);
	}
	for (size_t i = 0; i < s.nfirst; i++)
		free(s.first[i]);
	return 0;
}
