-- 040_login_throttle.sql - login throttling (service/account/auth.c).
--
-- One row per (scope, key): scope 'pair' is a login at one source address
-- (key "login|address"), 'login' a login from every address, 'addr' one
-- source address across every login. Logins are the normalised text the
-- user typed, so an unknown login is throttled exactly like a known one.
-- failures counts attempts evaluated since window_start (claimed before the
-- password is checked, in the same statement that checks the limit);
-- blocked_until delays further attempts; strikes grows the delay; total
-- counts every failed attempt (failures are counted, not each audited).

CREATE TABLE login_throttle (
	scope TEXT NOT NULL CHECK (scope IN ('pair', 'login', 'addr')),
	key TEXT NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0,
	window_start {{BIGINT}} NOT NULL DEFAULT 0,
	blocked_until {{BIGINT}} NOT NULL DEFAULT 0,
	strikes INTEGER NOT NULL DEFAULT 0,
	total {{BIGINT}} NOT NULL DEFAULT 0,
	updated_at {{BIGINT}} NOT NULL DEFAULT 0,
	PRIMARY KEY (scope, key)
);
