/* leases.c - job leases (platform.h): one server at a time runs each
 * background job. Times are the database's clock ({{DB_EPOCH_MS}}), so the
 * servers' own clocks (and their --now) do not matter. */
#include "service/platform/platform.h"

#include "store/db.h"

int
joblease_take(struct ctx *c, const char *job, const char *holder,
    int lease_ms, bool *held, struct err *e)
{
	int rc;

	*held = false;
	rc = db_exec(c->db, e, "INSERT INTO job_leases (name) VALUES (?) "
	    "ON CONFLICT (name) DO NOTHING", "s", job);
	if (rc != 0)
		return rc;
	/* One statement: renew our own lease, or take an expired one. */
	rc = db_exec(c->db, e, "UPDATE job_leases SET taken_at = CASE WHEN "
	    "holder = ? THEN taken_at ELSE {{DB_EPOCH_MS}} END, holder = ?, "
	    "expires_at = {{DB_EPOCH_MS}} + ? WHERE name = ? AND (holder = ? "
	    "OR expires_at <= {{DB_EPOCH_MS}})", "ssIss", holder, holder,
	    lease_ms, job, holder);
	if (rc != 0)
		return rc;
	*held = db_last_changes(c->db) == 1;
	return 0;
}

int
joblease_release(struct ctx *c, const char *holder, struct err *e)
{
	return db_exec(c->db, e, "UPDATE job_leases SET expires_at = 0 "
	    "WHERE holder = ?", "s", holder);
}

int
joblease_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items;

	items = db_query_json(c->db, e, "SELECT name, holder, expires_at - "
	    "{{DB_EPOCH_MS}} AS expires_in_ms, {{DB_EPOCH_MS}} - taken_at AS "
	    "held_ms FROM job_leases ORDER BY name", "");
	if (items == NULL)
		return err_rc(e);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
