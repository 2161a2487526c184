-- 060_bundles.sql - 一件事 bundles (service/bundle): definitions kept by the
-- hall admin in versions (draft -> submitted -> published, reviewed through
-- the one request queue), applications for a bundle (one form, one
-- material list, one acceptance, one number) and the child cases they
-- create (cases.bundle_id points to bundle_cases.id).
--
-- Statistics count a bundle once: a case with bundle_id set is a child of
-- bundle_cases.id, and the bundle's trips are in bundle_cases.trips (the
-- children record none of their own).

CREATE TABLE bundles (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	life_event TEXT NOT NULL CHECK (life_event IN ('P', 'E')),
	category TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'draft'
	    CHECK (status IN ('draft', 'published', 'retired')),
	current_version_id {{BIGINT}},
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL
);

-- definition: the JSON of core/bundle.h. A published version never
-- changes; at most one open (draft, submitted or returned) per bundle.
CREATE TABLE bundle_versions (
	id {{ID}},
	bundle_id {{BIGINT}} NOT NULL REFERENCES bundles (id),
	version_no INTEGER NOT NULL,
	status TEXT NOT NULL
	    CHECK (status IN ('draft', 'submitted', 'returned', 'published',
	    'superseded')),
	definition TEXT NOT NULL,
	change_note TEXT NOT NULL DEFAULT '',
	review_reason TEXT,
	request_id {{BIGINT}},
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	published_at {{BIGINT}},
	published_by {{BIGINT}},
	UNIQUE (bundle_id, version_no)
);

CREATE UNIQUE INDEX bundle_versions_open ON bundle_versions (bundle_id)
    WHERE status IN ('draft', 'submitted', 'returned');

-- Bundle numbers without gaps: one counter per day.
CREATE TABLE bundle_seq (
	key TEXT PRIMARY KEY,
	n INTEGER NOT NULL
);

-- One application for a bundle. state: submitted (待受理), supplement
-- (待补正), running (并联审批中), completed (全部办结，待出件), delivered
-- (已出件), ended (办结失败: a required child was denied or ended),
-- rejected (不予受理), withdrawn.
CREATE TABLE bundle_cases (
	id {{ID}},
	bundle_no TEXT NOT NULL UNIQUE,
	bundle_id {{BIGINT}} NOT NULL REFERENCES bundles (id),
	bundle_version_id {{BIGINT}} NOT NULL REFERENCES bundle_versions (id),
	applicant_id {{BIGINT}} REFERENCES users (id),
	applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('P', 'E')),
	applicant_name TEXT NOT NULL,
	applicant_idno TEXT NOT NULL,
	applicant_mobile TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL CHECK (channel IN ('online', 'window')),
	window_id {{BIGINT}},
	state TEXT NOT NULL
	    CHECK (state IN ('submitted', 'supplement', 'running', 'completed',
	    'delivered', 'ended', 'rejected', 'withdrawn')),
	answers TEXT NOT NULL DEFAULT '{}',
	form TEXT NOT NULL DEFAULT '{}',
	acceptance_mode TEXT,
	supplement_due TEXT,
	notice_no TEXT,
	accepted_at {{BIGINT}},
	accepted_day TEXT,
	accepted_by {{BIGINT}},
	limit_days INTEGER NOT NULL,
	outcome_reason TEXT,
	completed_at {{BIGINT}},
	delivered_at {{BIGINT}},
	delivery_method TEXT,
	closed_at {{BIGINT}},
	trips INTEGER NOT NULL DEFAULT 0,
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX bundle_cases_applicant ON bundle_cases (applicant_idno, id);
CREATE INDEX bundle_cases_state ON bundle_cases (state, id);

-- The combined material list of an application (idx: position in the
-- merged list), with the file handed in once for every item that needs it.
CREATE TABLE bundle_materials (
	bundle_case_id {{BIGINT}} NOT NULL REFERENCES bundle_cases (id),
	idx INTEGER NOT NULL,
	name TEXT NOT NULL,
	necessity TEXT NOT NULL
	    CHECK (necessity IN ('required', 'optional', 'rongque')),
	status TEXT NOT NULL
	    CHECK (status IN ('provided', 'missing', 'rongque', 'flawed')),
	sha256 TEXT,
	problem TEXT,
	uses INTEGER NOT NULL DEFAULT 1,
	PRIMARY KEY (bundle_case_id, idx)
);

-- The items of an application: one row per item of the definition.
-- state: skipped (optional, not chosen), waiting (for its dependencies or
-- for the acceptance), created (case_id is the child case).
CREATE TABLE bundle_children (
	bundle_case_id {{BIGINT}} NOT NULL REFERENCES bundle_cases (id),
	idx INTEGER NOT NULL,
	item_key TEXT NOT NULL,
	item_id {{BIGINT}} NOT NULL,
	item_name TEXT NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('skipped', 'waiting', 'created')),
	case_id {{BIGINT}} REFERENCES cases (id),
	budget_days INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (bundle_case_id, idx)
);

CREATE INDEX bundle_children_case ON bundle_children (case_id)
    WHERE case_id IS NOT NULL;

-- The bundle's own timeline (the children keep theirs in case_events).
CREATE TABLE bundle_events (
	id {{ID}},
	bundle_case_id {{BIGINT}} NOT NULL REFERENCES bundle_cases (id),
	at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	note TEXT,
	data TEXT
);

CREATE INDEX bundle_events_case ON bundle_events (bundle_case_id, id);
