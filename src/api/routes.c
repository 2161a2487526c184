/* routes.c - every API route table, in match order.
 *
 * Each API module (src/api/<name>.c) exports
 * `const struct route api_<name>_routes[]` ending with a zeroed row, and adds
 * one declaration and one table line below. The first row with a matching
 * method and pattern wins. */
#include "http/http.h"

extern const struct route api_health_routes[];
extern const struct route api_auth_routes[];
extern const struct route api_users_routes[];

const struct route *const api_route_tables[] = {
	api_health_routes,
	api_auth_routes,
	api_users_routes,
	NULL,
};
