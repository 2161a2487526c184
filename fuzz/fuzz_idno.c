/* libFuzzer: the ID-number, credit-code and mobile checks (base/idno.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/idno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	(void)idno_person_valid(s);
	(void)idno_credit_code_valid(s);
	(void)idno_mobile_valid(s);
	free(s);
	return 0;
}
