-- 020_cases.sql - cases (办件) and everything that happens to them
-- (service/cases*.c): the case row, per-day case numbers, the timeline,
-- materials, trips, deliveries, extensions and 告知承诺 checks.
--
-- cases.state is a state code of core/workflow.c; version is bumped by
-- every state change (optimistic concurrency: UPDATE ... WHERE id = ? AND
-- version = ?). Dates are 'YYYY-MM-DD' in the hall's time zone, times Unix
-- seconds. accepted_day, budget_days and extension_days are the deadline
-- inputs; due_day, remaining_days and warn_level are derived by
-- service/deadlines.c (case_deadline_refresh) and are NULL before
-- acceptance. inbox_rank is the inbox sort key: the warning level as one
-- digit (red 0, yellow 1, green 2, paused 3, none 4) followed by the due
-- day, so that "most urgent first" is one index range.

CREATE TABLE cases (
	id {{ID}},
	case_no TEXT NOT NULL UNIQUE,
	item_id {{BIGINT}} NOT NULL REFERENCES items (id),
	item_version_id {{BIGINT}} NOT NULL REFERENCES item_versions (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	window_id {{BIGINT}} REFERENCES windows (id),
	applicant_id {{BIGINT}} REFERENCES users (id),
	applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('P', 'E')),
	applicant_name TEXT NOT NULL,
	applicant_idno TEXT NOT NULL,
	applicant_mobile TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL CHECK (channel IN ('online', 'window')),
	state TEXT NOT NULL,
	acceptance_mode TEXT
	    CHECK (acceptance_mode IN ('normal', 'rongque', 'commitment')),
	accepted_at {{BIGINT}},
	accepted_day TEXT,
	accepted_by {{BIGINT}},
	budget_days INTEGER,
	extension_days INTEGER NOT NULL DEFAULT 0,
	due_day TEXT,
	remaining_days INTEGER,
	warn_level TEXT,
	decision TEXT CHECK (decision IN ('approved', 'denied')),
	decision_reason TEXT,
	decided_at {{BIGINT}},
	handler_id {{BIGINT}},
	bundle_id {{BIGINT}},
	trips INTEGER NOT NULL DEFAULT 0,
	form TEXT NOT NULL DEFAULT '{}',
	commitment_text TEXT,
	supplement_due TEXT,
	supplement_requested_at {{BIGINT}},
	flagged INTEGER NOT NULL DEFAULT 0,
	check_status TEXT NOT NULL DEFAULT 'none'
	    CHECK (check_status IN ('none', 'pending', 'passed', 'false')),
	suspend_kind TEXT,
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	closed_at {{BIGINT}},
	version INTEGER NOT NULL DEFAULT 1,
	inbox_rank TEXT GENERATED ALWAYS AS ((CASE warn_level
	    WHEN 'red' THEN '0' WHEN 'yellow' THEN '1' WHEN 'green' THEN '2'
	    WHEN 'paused' THEN '3' ELSE '4' END) || COALESCE(due_day, ''))
	    STORED
);

-- Inbox of a department (approver queues, online acceptance) and of a
-- window (acceptance at the window, delivery): equality on the owner and the
-- state, then the keyset (inbox_rank, id).
CREATE INDEX cases_dept_inbox ON cases (dept_id, state, inbox_rank, id);
CREATE INDEX cases_window_inbox ON cases (window_id, state, inbox_rank, id);
-- Submitted cases waiting at any window that accepts their item.
CREATE INDEX cases_item_submitted ON cases (item_id, inbox_rank, id)
    WHERE state = 'submitted';
-- Open cases of a department ("all" queue, warnings).
CREATE INDEX cases_dept_open ON cases (dept_id, inbox_rank, id)
    WHERE closed_at IS NULL;
-- An applicant's own cases and the staff look-up by ID number, newest first.
CREATE INDEX cases_applicant ON cases (applicant_idno, id);
CREATE INDEX cases_bundle ON cases (bundle_id) WHERE bundle_id IS NOT NULL;

-- Case numbers without gaps: one counter per implementation code and day,
-- incremented in the transaction that inserts the case.
CREATE TABLE case_seq (
	key TEXT PRIMARY KEY,
	n INTEGER NOT NULL
);

-- The timeline: one row per action, never updated.
CREATE TABLE case_events (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT,
	note TEXT,
	data TEXT
);

CREATE INDEX case_events_case ON case_events (case_id, id);

-- Materials of a case, one per material of the item version (idx is the
-- 0-based position in the elements' materials array). status: provided,
-- missing (not given; 容缺 decided at acceptance), rongque (accepted as
-- 容缺, to be supplemented), flawed (listed in a 补正 notice).
CREATE TABLE case_materials (
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	necessity TEXT NOT NULL
	    CHECK (necessity IN ('required', 'optional', 'rongque')),
	status TEXT NOT NULL
	    CHECK (status IN ('provided', 'missing', 'rongque', 'flawed')),
	sha256 TEXT,
	content_type TEXT,
	reused_from TEXT,
	problem TEXT,
	updated_at {{BIGINT}} NOT NULL,
	PRIMARY KEY (case_id, idx)
);

-- In-person visits (跑动次数): walk-in registration, window pick-up and
-- visits the window records.
CREATE TABLE case_trips (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	at {{BIGINT}} NOT NULL,
	purpose TEXT NOT NULL,
	window_id {{BIGINT}},
	actor_id {{BIGINT}} NOT NULL DEFAULT 0
);

CREATE INDEX case_trips_case ON case_trips (case_id, id);

CREATE TABLE case_deliveries (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	method TEXT NOT NULL CHECK (method IN ('window', 'post', 'download')),
	tracking_no TEXT,
	at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0
);

CREATE INDEX case_deliveries_case ON case_deliveries (case_id);

-- Extensions of the time limit (延长审批): requested by the approver,
-- decided by the department administrator; at most one pending per case.
CREATE TABLE case_extensions (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	dept_id {{BIGINT}} NOT NULL,
	days INTEGER NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by {{BIGINT}} NOT NULL,
	requested_at {{BIGINT}} NOT NULL,
	decided_by {{BIGINT}},
	decided_at {{BIGINT}},
	decision_reason TEXT
);

CREATE INDEX case_extensions_case ON case_extensions (case_id, id);
CREATE INDEX case_extensions_dept ON case_extensions (dept_id, status, id);
CREATE UNIQUE INDEX case_extensions_pending ON case_extensions (case_id)
    WHERE status = 'pending';

-- 告知承诺 核查: after a decision on a commitment, the department checks
-- the commitment; a false one revokes the decision.
CREATE TABLE commitment_checks (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL UNIQUE REFERENCES cases (id),
	dept_id {{BIGINT}} NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'passed', 'false')),
	result TEXT,
	due_day TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	checked_by {{BIGINT}},
	checked_at {{BIGINT}}
);

CREATE INDEX commitment_checks_dept ON commitment_checks (dept_id, status,
    due_day, id);
