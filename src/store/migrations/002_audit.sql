-- 002_audit.sql - the append-only, hash-chained audit log (service/audit.c).
--
-- hash = hex(SM3(prev_hash || canonical record text)); audit_head holds the
-- last sequence number and hash. Appenders update audit_head first, which
-- serialises them (row lock on PostgreSQL, the write transaction on SQLite).
-- No code path updates or deletes audit_log rows.

CREATE TABLE audit_log (
	seq {{BIGINT}} PRIMARY KEY,
	at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0,
	actor_login TEXT NOT NULL DEFAULT '',
	actor_role TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	summary TEXT,
	client_ip TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);

CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq {{BIGINT}} NOT NULL,
	hash TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0,
    '0000000000000000000000000000000000000000000000000000000000000000');
