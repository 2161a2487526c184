#include "base/cursor.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cursor_encode(const char *key, int64_t id, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s~%" PRId64, key != NULL ? key : "", id);
}

void
cursor_encode_int(int64_t key, int64_t id, char *out, size_t outsz)
{
	snprintf(out, outsz, "%" PRId64 "~%" PRId64, key, id);
}

bool
cursor_decode(const char *cursor, char *key, size_t keysz, int64_t *id)
{
	const char *tilde;
	size_t kl;
	char *end;
	long long v;

	*id = 0;
	key[0] = '\0';
	if (cursor == NULL || (tilde = strrchr(cursor, '~')) == NULL)
		return false;
	kl = (size_t)(tilde - cursor);
	if (kl >= keysz)
		return false;
	for (size_t i = 0; i < kl; i++)
		if (!((cursor[i] >= '0' && cursor[i] <= '9') ||
		    cursor[i] == '-'))
			return false;
	if (tilde[1] < '1' || tilde[1] > '9')
		return false;
	v = strtoll(tilde + 1, &end, 10);
	if (*end != '\0' || v <= 0 || v == LLONG_MAX)
		return false;
	memcpy(key, cursor, kl);
	key[kl] = '\0';
	*id = (int64_t)v;
	return true;
}

bool
cursor_decode_int(const char *cursor, int64_t *key, int64_t *id)
{
	char buf[CURSOR_MAX];
	char *end;
	long long v;

	if (!cursor_decode(cursor, buf, sizeof(buf), id) || buf[0] == '\0')
		return false;
	v = strtoll(buf, &end, 10);
	if (*end != '\0' || v == LLONG_MAX || v == LLONG_MIN)
		return false;
	*key = (int64_t)v;
	return true;
}
