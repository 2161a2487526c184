-- 003_seals.sql - electronic approval seals (行政审批专用章) and their usage
-- ledger (service/seals.c, docs/sm2.c).
--
-- Each department has at most one active seal: an SM2 key pair whose
-- private key is a file of mode 0600 under <var>/keys/ (key_file) and whose
-- public key is kept here. A retired seal keeps its row (active = 0) so that
-- documents it signed can still be verified, hence a partial unique index
-- rather than a unique column.
--
-- seal_usage is the ledger every use of a seal writes: which document (kind
-- and reference), the SM3 digest of the signed bytes (hex), the SM2
-- signature (hex of DER), when, by whom, in which request. Rows are never
-- updated or deleted.

CREATE TABLE seals (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	name TEXT NOT NULL,
	public_key_pem TEXT NOT NULL,
	key_file TEXT NOT NULL UNIQUE,
	fingerprint TEXT NOT NULL,
	custodian TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	created_by {{BIGINT}},
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE UNIQUE INDEX seals_one_active ON seals (dept_id) WHERE active = 1;

CREATE TABLE seal_usage (
	id {{ID}},
	seal_id {{BIGINT}} NOT NULL REFERENCES seals (id),
	document_kind TEXT NOT NULL,
	document_ref TEXT NOT NULL,
	sm3 TEXT NOT NULL,
	signature TEXT NOT NULL,
	signed_at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}},
	actor_login TEXT NOT NULL DEFAULT '',
	request_id TEXT NOT NULL DEFAULT ''
);

CREATE INDEX seal_usage_seal ON seal_usage (seal_id, id);
CREATE INDEX seal_usage_document ON seal_usage (document_kind, document_ref);
CREATE INDEX seal_usage_sm3 ON seal_usage (sm3);
