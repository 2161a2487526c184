-- 021_documents.sql - uploads, case documents (notices, decisions,
-- certificates) and the certificate library (service/files.c,
-- service/documents.c, service/certificates.c, jobs/renderer.c).
--
-- uploads: which user uploaded which stored file. files (010) is shared and
-- deduplicated by content; an applicant may only reference files recorded
-- here for them (or certificates issued to them), so that the same bytes
-- uploaded by two people never leak from one to the other.
--
-- documents: one row per notice, decision or certificate of a case. A case
-- action inserts it 'pending' in its own transaction, with its number
-- (doc_no) and a random public verification code; the renderer claims it
-- ('rendering', so that two servers never render one twice), renders the
-- PDF, stores it in files (sha256), signs the exact bytes with the
-- department's seal (sm3, signature, seal_id, seal_usage_id) and marks it
-- 'ready'. A document whose department has no seal stays 'pending' with an
-- error and a later next_try_at; after repeated failures it becomes
-- 'failed'. content is JSON: what the text needs beyond the case row.
-- doc_date ('YYYY-MM-DD') is fixed at enqueue time, so the PDF rendered
-- again is the same bytes.
--
-- document_seq: document numbers without gaps, one counter per number
-- prefix (e.g. "白审受字") and year, incremented in the enqueuing
-- transaction (INSERT ... ON CONFLICT DO UPDATE SET n = n + 1).
--
-- certificates: the applicant's certificate library (电子证照), one row per
-- certificate document once ready; valid = 0 after revocation.

CREATE TABLE uploads (
	id {{ID}},
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	sha256 TEXT NOT NULL REFERENCES files (sha256),
	name TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	UNIQUE (user_id, sha256)
);

CREATE INDEX uploads_sha256 ON uploads (sha256);

CREATE TABLE document_seq (
	prefix TEXT NOT NULL,
	year INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (prefix, year)
);

CREATE TABLE documents (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	kind TEXT NOT NULL CHECK (kind IN ('accept_notice', 'reject_notice',
	    'supplement_notice', 'rongque_notice', 'commitment',
	    'approval_decision', 'denial_decision', 'certificate')),
	doc_no TEXT NOT NULL UNIQUE,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'rendering', 'ready', 'failed')),
	content TEXT NOT NULL DEFAULT '{}',
	doc_date TEXT NOT NULL,
	verify_code TEXT NOT NULL UNIQUE,
	sha256 TEXT REFERENCES files (sha256),
	size {{BIGINT}},
	sm3 TEXT,
	signature TEXT,
	seal_id {{BIGINT}} REFERENCES seals (id),
	seal_usage_id {{BIGINT}} REFERENCES seal_usage (id),
	attempts INTEGER NOT NULL DEFAULT 0,
	error TEXT NOT NULL DEFAULT '',
	next_try_at {{BIGINT}} NOT NULL DEFAULT 0,
	claimed_at {{BIGINT}},
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	ready_at {{BIGINT}}
);

CREATE INDEX documents_case ON documents (case_id, id);
CREATE INDEX documents_pending ON documents (status, next_try_at, id);
CREATE INDEX documents_sm3 ON documents (sm3);
CREATE INDEX documents_sha256 ON documents (sha256);

CREATE TABLE certificates (
	id {{ID}},
	holder_user_id {{BIGINT}} REFERENCES users (id),
	holder_idno TEXT NOT NULL DEFAULT '',
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	document_id {{BIGINT}} NOT NULL UNIQUE REFERENCES documents (id),
	name TEXT NOT NULL,
	issued_at {{BIGINT}} NOT NULL,
	valid INTEGER NOT NULL DEFAULT 1 CHECK (valid IN (0, 1)),
	revoked_at {{BIGINT}}
);

CREATE INDEX certificates_holder ON certificates (holder_user_id, id);
CREATE INDEX certificates_case ON certificates (case_id);
