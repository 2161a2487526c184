/* main.c - placeholder until the command table lands. */
#include <stdio.h>

int
main(void)
{
	puts("onetrip");
	return 0;
}
