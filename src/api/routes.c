/* routes.c - every API route table, in match order.
 *
 * Each API module (src/api/<name>.c) exports
 * `const struct route api_<name>_routes[]` ending with a zeroed row, and adds
 * one declaration and one table line below. The first row with a matching
 * method and pattern wins. */
#include "http/http.h"

extern const struct route api_health_routes[];
extern const struct route api_metrics_routes[];
extern const struct route api_auth_routes[];
extern const struct route api_public_routes[];
extern const struct route api_users_routes[];
extern const struct route api_seals_routes[];
extern const struct route api_cases_routes[];
extern const struct route api_catalog_routes[];
extern const struct route api_hall_routes[];
extern const struct route api_guide_routes[];
extern const struct route api_files_routes[];
extern const struct route api_documents_routes[];
extern const struct route api_synonyms_routes[];
extern const struct route api_calendar_routes[];
extern const struct route api_notifications_routes[];
extern const struct route api_messages_routes[];
extern const struct route api_warnings_routes[];
extern const struct route api_work_routes[];
extern const struct route api_requests_routes[];
extern const struct route api_bundles_routes[];
extern const struct route api_credit_routes[];
extern const struct route api_ratings_routes[];
extern const struct route api_supervise_routes[];
extern const struct route api_indicators_routes[];
extern const struct route api_projects_routes[];
extern const struct route api_admin_routes[];
extern const struct route api_realname_routes[];

const struct route *const api_route_tables[] = {
	api_health_routes,
	api_metrics_routes,
	api_auth_routes,
	api_public_routes,
	api_users_routes,
	api_seals_routes,
	api_cases_routes,
	api_catalog_routes,
	api_hall_routes,
	api_bundles_routes,
	api_guide_routes,
	api_files_routes,
	api_documents_routes,
	api_synonyms_routes,
	api_calendar_routes,
	api_messages_routes,
	api_notifications_routes,
	api_warnings_routes,
	api_work_routes,
	api_requests_routes,
	api_credit_routes,
	api_ratings_routes,
	api_supervise_routes,
	api_indicators_routes,
	api_projects_routes,
	api_admin_routes,
	api_realname_routes,
	NULL,
};

/* The service guide (办事指南) changes when a department publishes a new
 * version of an item or bundle, rarely, and nobody is harmed by seeing the
 * previous one for a moment: with db.read_url these reads go to the
 * standby (docs/deploy.md, "Reads from the standby"). */
const char *const api_standby_routes[] = {
	"GET /api/guide/items",
	"GET /api/guide/items/:id",
	"GET /api/guide/themes",
	"GET /api/guide/types",
	"GET /api/guide/bundles",
	"GET /api/guide/bundles/:id",
	NULL,
};
