-- 031_rules.sql - the hall's rules (docs/rules.md).
--
-- documents.kind loses its CHECK list: the kinds are the table in
-- service/records/documents.c (kind_find refuses any other), so a new
-- notice (终止办理告知书, 延长审批期限告知书, 容缺受理承诺书, ...) needs no
-- schema change. SQLite cannot drop a CHECK in place: the table is copied
-- and re-created inside the migration's transaction; certificates refers to
-- it, so foreign keys are deferred until the commit (the rows come back
-- with the same ids before then).
--
-- applicant_credit: the platform's record of an applicant's false
-- commitment (告知承诺 核查 found false) or missed 容缺 promise; while a
-- record is not cleared (信用修复 by the hall) the applicant is not offered
-- 容缺受理 or 告知承诺 again (domain.md §4.1-4.2). One record per case and
-- kind.
--
-- case_reminders: reminders sent once per case and kind (the 容缺
-- supplement reminder N working days before the promised date).

-- @sqlite
PRAGMA defer_foreign_keys = ON;
CREATE TABLE documents_copy AS SELECT * FROM documents;
DROP TABLE documents;
CREATE TABLE documents (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id INTEGER NOT NULL REFERENCES cases (id),
	dept_id INTEGER NOT NULL REFERENCES departments (id),
	kind TEXT NOT NULL,
	doc_no TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'rendering', 'ready', 'failed')),
	content TEXT NOT NULL DEFAULT '{}',
	doc_date TEXT NOT NULL,
	verify_code TEXT NOT NULL UNIQUE,
	sha256 TEXT REFERENCES files (sha256),
	size INTEGER,
	sm3 TEXT,
	signature TEXT,
	seal_id INTEGER REFERENCES seals (id),
	seal_usage_id INTEGER REFERENCES seal_usage (id),
	attempts INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT '',
	next_try_at INTEGER NOT NULL DEFAULT 0,
	claimed_at INTEGER,
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	ready_at INTEGER
);
INSERT INTO documents SELECT * FROM documents_copy;
DROP TABLE documents_copy;
CREATE INDEX documents_case ON documents (case_id, id);
CREATE INDEX documents_pending ON documents (status, next_try_at, id);
CREATE INDEX documents_sm3 ON documents (sm3);
CREATE INDEX documents_sha256 ON documents (sha256);
-- @end
-- @postgresql
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_kind_check;
-- @end

CREATE TABLE applicant_credit (
	id {{ID}},
	applicant_idno TEXT NOT NULL,
	applicant_name TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL
	    CHECK (kind IN ('false_commitment', 'rongque_missed')),
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	note TEXT NOT NULL DEFAULT '',
	at {{BIGINT}} NOT NULL,
	cleared_at {{BIGINT}},
	cleared_by {{BIGINT}},
	clear_reason TEXT,
	UNIQUE (case_id, kind)
);

CREATE INDEX applicant_credit_idno ON applicant_credit (applicant_idno, id);

CREATE TABLE case_reminders (
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	at {{BIGINT}} NOT NULL,
	PRIMARY KEY (case_id, kind)
);
