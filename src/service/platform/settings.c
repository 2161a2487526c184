/* settings.c - the one configuration as the settings page shows it.
 *
 * Read-only: settings change in the configuration file (--config) or on the
 * command line (--set key=value) and take effect when the server restarts;
 * there is no second store of settings. The hall admin and the sysadmin
 * read them; secrets never leave the server. */
#include "service/platform/platform.h"

#include <string.h>

#include "base/config.h"

#define SETTING_SHOWN_MAX 600
#define SETTING_HIDDEN "（保密，不显示）"

/* The legal or local source a description ends with: the text of its last
 * full-width parenthesis "（…）", or "". */
static json_t *
basis_of(const char *doc)
{
	static const char open[] = "（", close[] = "）";
	size_t n = strlen(doc), cl = sizeof(close) - 1;
	const char *p, *last = NULL;

	if (n < cl || strcmp(doc + n - cl, close) != 0)
		return json_string("");
	for (p = strstr(doc, open); p != NULL; p = strstr(p + 1, open))
		last = p;
	if (last == NULL)
		return json_string("");
	last += sizeof(open) - 1;
	return json_stringn(last, (size_t)(doc + n - cl - last));
}

static bool
is_rule(const char *key)
{
	return strncmp(key, "rules.", 6) == 0 ||
	    strcmp(key, "case.supplement_timeout_days") == 0;
}

static json_t *
shown(const char *key, const char *value)
{
	char buf[SETTING_SHOWN_MAX];

	if (config_key_secret(key))
		return json_string(value[0] != '\0' ? SETTING_HIDDEN : "");
	config_redact(value, buf, sizeof(buf));
	return json_string(buf);
}

int
settings_list(struct ctx *c, json_t **out, struct err *e)
{
	json_t *items;

	*out = NULL;
	if (c->actor == NULL || c->actor->kind == ACTOR_NONE)
		return err_set(e, ERR_UNAUTHENTICATED, NULL, "请先登录");
	if (c->actor->kind != ACTOR_SYSTEM && (c->actor->kind != ACTOR_STAFF ||
	    !actor_has(c->actor, ROLE_HALL_ADMIN | ROLE_SYSADMIN)))
		return err_set(e, ERR_FORBIDDEN, NULL,
		    "只有大厅管理员和系统管理员可以查看系统设置");
	items = json_array();
	for (size_t i = 0; i < config_count(); i++) {
		const struct config_key *k = config_key_at(i);
		const char *dot = strchr(k->key, '.');

		json_array_append_new(items, json_pack("{s:s, s:s%, s:o, s:o, "
		    "s:s, s:s, s:o, s:b, s:b}",
		    "key", k->key,
		    "group", k->key, dot != NULL ? (size_t)(dot - k->key) :
		    strlen(k->key),
		    "value", shown(k->key, config_value_at(i)),
		    "default", shown(k->key, k->def),
		    "source", config_source_name(config_source_at(i)),
		    "doc", k->doc,
		    "basis", basis_of(k->doc),
		    "rule", is_rule(k->key),
		    "secret", config_key_secret(k->key)));
	}
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
