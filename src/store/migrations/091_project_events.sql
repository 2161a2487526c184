-- 091_project_events.sql - joint events of construction projects (联合踏勘,
-- 联合评审, 联合审图, 联合验收): scheduled by a lead department for a project
-- (or one case of it), the departments invited (each sends a person and
-- records its opinion with attachments), the cases whose clocks pause while
-- the event runs, the joint opinion sealed as one PDF with every
-- participating department's seal, and the rectification items of a joint
-- acceptance tracked to closure.
--
-- status: scheduled (opinions being recorded) -> sealed (the joint opinion
-- issued), or cancelled. outcome: passed, rectify, failed (core/project.h).
-- paused_day/resumed_day: the days the involved cases' clocks stopped and
-- resumed (the project clock does not count them either).
CREATE TABLE project_events (
	id {{ID}},
	project_id {{BIGINT}} NOT NULL REFERENCES projects (id),
	kind TEXT NOT NULL
	    CHECK (kind IN ('site', 'review', 'drawing', 'acceptance')),
	lead_dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	case_id {{BIGINT}} REFERENCES cases (id),
	day TEXT NOT NULL,
	place TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'scheduled'
	    CHECK (status IN ('scheduled', 'sealed', 'cancelled')),
	outcome TEXT CHECK (outcome IN ('passed', 'rectify', 'failed')),
	conclusion TEXT,
	paused_day TEXT,
	resumed_day TEXT,
	doc_no TEXT UNIQUE,
	pdf_sha256 TEXT,
	pdf_sm3 TEXT,
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	sealed_at {{BIGINT}},
	sealed_by {{BIGINT}},
	version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX project_events_project ON project_events (project_id, id);

-- One row per participating department (the lead included).
CREATE TABLE project_event_depts (
	event_id {{BIGINT}} NOT NULL REFERENCES project_events (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	person TEXT NOT NULL DEFAULT '',
	opinion TEXT CHECK (opinion IN ('agree', 'rectify', 'disagree')),
	comment TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '[]',
	answered_by {{BIGINT}},
	answered_at {{BIGINT}},
	signature TEXT,
	PRIMARY KEY (event_id, dept_id)
);

-- The cases whose clocks the event stops (paused: the pause was opened by
-- the event, so sealing resumes it).
CREATE TABLE project_event_cases (
	event_id {{BIGINT}} NOT NULL REFERENCES project_events (id),
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	paused INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (event_id, case_id)
);

-- Rectification items (整改事项) a department raised; status open ->
-- submitted (the owner reports it done, with evidence) -> closed (the
-- department confirms), or back to open.
CREATE TABLE project_rectifications (
	id {{ID}},
	event_id {{BIGINT}} NOT NULL REFERENCES project_events (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	item TEXT NOT NULL,
	due_day TEXT,
	status TEXT NOT NULL DEFAULT 'open'
	    CHECK (status IN ('open', 'submitted', 'closed')),
	report TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '[]',
	note TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	submitted_at {{BIGINT}},
	closed_at {{BIGINT}},
	closed_by {{BIGINT}}
);

CREATE INDEX project_rectifications_event ON project_rectifications
    (event_id, id);
