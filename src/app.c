#include "app.h"

#include <string.h>

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->db_url = "sqlite:var/onetrip.db";
	cfg->listen = "127.0.0.1:8080";
	cfg->var_dir = "var";
	cfg->static_dir = "web/dist";
	cfg->public_url = "http://127.0.0.1:8080";
	cfg->session_idle_s = 30 * 60;
	cfg->session_absolute_s = 12 * 60 * 60;
	cfg->login_max_failures = 5;
	cfg->login_lock_s = 15 * 60;
}
