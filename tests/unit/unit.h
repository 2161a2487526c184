/* unit.h - what every C unit test includes: cmocka and its prerequisites. */
#ifndef ONETRIP_TESTS_UNIT_H
#define ONETRIP_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#endif
