/* idno.h - identifiers with check characters, and masking for lists.
 *   居民身份证号码 GB 11643-1999: 17 digits + check (0-9 or X), ISO 7064 MOD 11-2,
 *     with a valid birth date;
 *   统一社会信用代码 GB 32100-2015: 18 characters of 0-9 and A-Z without I O Z S V,
 *     the last a check character (MOD 31);
 *   mobile numbers: 11 digits starting with 1. */
#ifndef ONETRIP_BASE_IDNO_H
#define ONETRIP_BASE_IDNO_H

#include <stdbool.h>
#include <stddef.h>

bool idno_person_valid(const char *s);
bool idno_credit_code_valid(const char *s);
bool idno_mobile_valid(const char *s);
/* The check character a 17-digit prefix needs ('0'..'9' or 'X'), or 0. */
char idno_person_check(const char *first17);
/* The check character a 17-character credit-code prefix needs, or 0. */
char idno_credit_code_check(const char *first17);
/* Masks an ID number for lists: keep the first 6 and last 4 characters,
 * '*' in between ("610929********1234"). Works for credit codes and mobiles
 * (first 3, last 4). out needs at least strlen(in) + 1 bytes. */
void idno_mask(const char *in, char *out, size_t outsz);

#endif
