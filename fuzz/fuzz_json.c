/* libFuzzer: the JSON body parser and its limits (http/json_limits.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	json_t *j = NULL;
	struct err e;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (http_json_parse(s, size, &j, &e) == 0)
		json_decref(j);
	free(s);
	return 0;
}
