-- 070_supervise.sql - supervision (service/supervise): problem tickets
-- (问题处置协同) and their timeline, 亲商助企日 events, 督查通报 notices to
-- departments and their answers, leaders' sittings and walk-throughs
-- (一把手坐窗口、走流程), monthly volumes reported for the 体外循环 check,
-- evidence uploaded for the assessment (评估验收) and the assessments.
--
-- sv_tickets: one problem. source says where it came from; (ref_type,
-- ref_id) what it is about ("case" 12, "sitting" 3, "qinshang" 2,
-- "volume" 5, "rating" 9, "project" 4); auto_key makes an automatic ticket
-- (stalled case, volume gap) once per key. The responsible departments are
-- sv_ticket_depts (the lead one has lead = 1). level is the escalation
-- reached once promised_day has passed (0: none; 1..n the bodies of the
-- setting supervise.escalation_path). status: open -> answered (the
-- department gave reason and measures) -> resolved (result given) ->
-- closed (the reporter rated it, or the supervisor closed it).
CREATE TABLE sv_tickets (
	id {{ID}},
	source TEXT NOT NULL CHECK (source IN ('qinshang', 'complaint',
	    'walkthrough', 'steward', 'stalled', 'overdue', 'volume_gap',
	    'project', 'rating', 'other')),
	ref_type TEXT NOT NULL DEFAULT '',
	ref_id {{BIGINT}} NOT NULL DEFAULT 0,
	case_id {{BIGINT}} REFERENCES cases (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	title TEXT NOT NULL,
	problem TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	measures TEXT NOT NULL DEFAULT '',
	promised_day TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open'
	    CHECK (status IN ('open', 'answered', 'resolved', 'closed')),
	level INTEGER NOT NULL DEFAULT 0,
	escalated_at {{BIGINT}},
	result TEXT,
	resolved_at {{BIGINT}},
	rating INTEGER CHECK (rating BETWEEN 1 AND 5),
	rating_comment TEXT,
	closed_at {{BIGINT}},
	reporter_id {{BIGINT}} REFERENCES users (id),
	reporter_name TEXT NOT NULL DEFAULT '',
	auto_key TEXT,
	opened_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL
);

CREATE INDEX sv_tickets_status ON sv_tickets (status, promised_day, id);
CREATE INDEX sv_tickets_dept ON sv_tickets (dept_id, status, id);
CREATE INDEX sv_tickets_ref ON sv_tickets (ref_type, ref_id);
CREATE INDEX sv_tickets_reporter ON sv_tickets (reporter_id, id);
CREATE UNIQUE INDEX sv_tickets_auto ON sv_tickets (auto_key)
    WHERE auto_key IS NOT NULL;

CREATE TABLE sv_ticket_depts (
	ticket_id {{BIGINT}} NOT NULL REFERENCES sv_tickets (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	lead INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (ticket_id, dept_id)
);

CREATE INDEX sv_ticket_depts_dept ON sv_ticket_depts (dept_id, ticket_id);

-- The ticket's timeline: one row per action, never updated.
CREATE TABLE sv_ticket_events (
	id {{ID}},
	ticket_id {{BIGINT}} NOT NULL REFERENCES sv_tickets (id),
	at {{BIGINT}} NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT ''
);

CREATE INDEX sv_ticket_events_ticket ON sv_ticket_events (ticket_id, id);

-- 亲商助企日: the day, who hosted it, the enterprises met (JSON array of
-- names); the problems raised are tickets with ref ("qinshang", id).
CREATE TABLE sv_qinshang_days (
	id {{ID}},
	day TEXT NOT NULL,
	host TEXT NOT NULL,
	enterprises TEXT NOT NULL DEFAULT '[]',
	notes TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX sv_qinshang_day ON sv_qinshang_days (day, id);

-- 督查通报: one notice to one or more departments (sv_notice_depts, each
-- with its own answer and review). A published notice (通报批评) has its
-- sealed PDF in documents-style columns: the stored file, its SM3 digest
-- and the SM2 signature of the issuing office's seal.
CREATE TABLE sv_notices (
	id {{ID}},
	notice_no TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	finding TEXT NOT NULL,
	basis TEXT NOT NULL,
	rectification TEXT NOT NULL,
	deadline_day TEXT NOT NULL,
	assessment_id {{BIGINT}},
	issued_by {{BIGINT}} NOT NULL DEFAULT 0,
	issued_at {{BIGINT}} NOT NULL,
	published_at {{BIGINT}},
	pdf_sha256 TEXT REFERENCES files (sha256),
	pdf_sm3 TEXT,
	pdf_signature TEXT,
	seal_dept_id {{BIGINT}}
);

CREATE TABLE sv_notice_depts (
	notice_id {{BIGINT}} NOT NULL REFERENCES sv_notices (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	status TEXT NOT NULL DEFAULT 'issued'
	    CHECK (status IN ('issued', 'answered', 'returned', 'accepted')),
	measures TEXT NOT NULL DEFAULT '',
	evidence TEXT NOT NULL DEFAULT '[]',
	answered_by {{BIGINT}},
	answered_at {{BIGINT}},
	review_comment TEXT NOT NULL DEFAULT '',
	reviewed_by {{BIGINT}},
	reviewed_at {{BIGINT}},
	rounds INTEGER NOT NULL DEFAULT 0,
	overdue_at {{BIGINT}},
	PRIMARY KEY (notice_id, dept_id)
);

CREATE INDEX sv_notice_depts_dept ON sv_notice_depts (dept_id, status);

-- 一把手坐窗口、走流程: kind 'sitting' (at a window) or 'walkthrough' (an
-- item tried as an applicant would: the steps, minutes and trips it took).
CREATE TABLE sv_sittings (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('sitting', 'walkthrough')),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	leader_name TEXT NOT NULL,
	leader_title TEXT NOT NULL,
	day TEXT NOT NULL,
	window_id {{BIGINT}} REFERENCES windows (id),
	item_id {{BIGINT}} REFERENCES items (id),
	steps TEXT NOT NULL DEFAULT '',
	minutes INTEGER,
	trips INTEGER,
	findings TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX sv_sittings_dept ON sv_sittings (dept_id, day);

-- Monthly volume per item as the department reports it (or a CSV
-- import), compared with the cases the platform holds (体外循环).
CREATE TABLE sv_volumes (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	item_id {{BIGINT}} NOT NULL REFERENCES items (id),
	month TEXT NOT NULL,
	volume INTEGER NOT NULL CHECK (volume >= 0),
	source TEXT NOT NULL DEFAULT 'report' CHECK (source IN ('report', 'csv')),
	reported_by {{BIGINT}} NOT NULL DEFAULT 0,
	reported_at {{BIGINT}} NOT NULL,
	UNIQUE (item_id, month)
);

CREATE INDEX sv_volumes_month ON sv_volumes (month, dept_id);

-- Evidence a department uploads for measures the platform cannot see
-- (进驻方案 signed by the head, responsible person named ...); the
-- supervisor accepts or rejects it (accepted: 1, rejected: 0, not yet: NULL).
CREATE TABLE sv_evidence (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	measure TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	sha256 TEXT REFERENCES files (sha256),
	accepted INTEGER,
	uploaded_by {{BIGINT}} NOT NULL DEFAULT 0,
	uploaded_at {{BIGINT}} NOT NULL,
	reviewed_by {{BIGINT}},
	reviewed_at {{BIGINT}}
);

CREATE INDEX sv_evidence_dept ON sv_evidence (dept_id, measure, id);

-- An assessment of one department: the checklist as computed (JSON), the
-- score, and the notice its findings became (if any).
CREATE TABLE sv_assessments (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	period TEXT NOT NULL,
	score REAL NOT NULL,
	checks TEXT NOT NULL,
	notice_id {{BIGINT}},
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX sv_assessments_dept ON sv_assessments (dept_id, id);
