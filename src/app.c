#include "app.h"

#include <string.h>

#include "base/config.h"

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->db_url = config_str("db");
	cfg->listen = config_str("http.listen");
	cfg->var_dir = config_str("var");
	cfg->static_dir = config_str("http.static_dir");
	cfg->public_url = config_str("http.public_url");
	if (cfg->public_url[0] == '\0')
		cfg->public_url = "http://127.0.0.1:8080";
	cfg->secure_cookies = config_bool("http.secure_cookies");
	cfg->session_idle_s = (int)config_int("session.idle_seconds");
	cfg->session_absolute_s = (int)config_int("session.absolute_seconds");
	cfg->login_max_failures = (int)config_int("login.max_failures");
	cfg->login_lock_s = (int)config_int("login.lock_seconds");
}
