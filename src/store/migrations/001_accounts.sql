-- 001_accounts.sql - departments, accounts and login sessions
-- (service/auth.c, service/users.c, service/session.c).
--
-- users.kind: 'P' person (login = 居民身份证号码, upper-case X),
-- 'E' enterprise (login = 统一社会信用代码), 'S' staff (login = user name,
-- lower-case). users.roles is a bit mask of enum role (service/ctx.h).
-- Times are Unix seconds. sessions keeps only the SHA-256 (hex) of a token.

CREATE TABLE departments (
	id {{ID}},
	name TEXT NOT NULL UNIQUE,
	short_name TEXT NOT NULL DEFAULT '',
	credit_code TEXT,
	kind TEXT NOT NULL DEFAULT 'government'
	    CHECK (kind IN ('government', 'institution', 'utility')),
	created_at {{BIGINT}} NOT NULL
);

CREATE TABLE users (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('P', 'E', 'S')),
	login {{TEXT_CI}} NOT NULL UNIQUE,
	name TEXT NOT NULL,
	mobile TEXT,
	password_hash TEXT NOT NULL,
	roles INTEGER NOT NULL DEFAULT 0,
	dept_id {{BIGINT}} REFERENCES departments (id),
	window_id {{BIGINT}},
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until {{BIGINT}} NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL
);

CREATE INDEX users_dept ON users (dept_id);
CREATE INDEX users_window ON users (window_id);
CREATE INDEX users_kind ON users (kind, id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	user_id {{BIGINT}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	last_seen_at {{BIGINT}} NOT NULL,
	expires_at {{BIGINT}} NOT NULL,
	client_ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
