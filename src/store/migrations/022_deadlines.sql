-- 022_deadlines.sql - the working-day clock of cases, warnings and
-- notifications (service/deadlines.c, service/calendar_admin.c,
-- service/warnings.c, service/notify.c, jobs/sweeper.c, jobs/outbox.c).
--
-- calendar_overrides: the hall's edits on top of the embedded national
-- schedule (data/holidays). kind 'off' (rest day), 'work' (working weekend
-- day) or 'normal' (the day follows the plain weekday rule although the
-- national schedule says otherwise). calendar_version is bumped by every
-- edit; servers rebuild their cached calendar when it changes.
--
-- case_suspensions: the ledger of stopped clocks. start_day is the first day
-- not counted, end_day the last day not counted (the day before the clock
-- resumed), NULL while open. At most one open suspension per case.
--
-- case_warnings: one row per case and level, claimed by the sweeper with
-- ON CONFLICT DO NOTHING so that a warning is raised once, whichever server
-- runs the sweep. Never updated or deleted.
--
-- notifications: the in-app inbox. outbox: messages to other systems (SMS),
-- written in the transaction that caused them, delivered by jobs/outbox.c
-- with retries. overdue_explanations: 超期说明 of red cases.

CREATE TABLE calendar_overrides (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('off', 'work', 'normal')),
	name TEXT NOT NULL DEFAULT '',
	updated_by {{BIGINT}},
	updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE calendar_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL
);

INSERT INTO calendar_version (id, version, updated_at) VALUES (1, 1, 0);

CREATE TABLE case_suspensions (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	kind TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	start_day TEXT NOT NULL,
	end_day TEXT,
	result TEXT,
	started_by {{BIGINT}},
	ended_by {{BIGINT}},
	started_at {{BIGINT}} NOT NULL,
	ended_at {{BIGINT}}
);

CREATE INDEX case_suspensions_case ON case_suspensions (case_id, id);
CREATE UNIQUE INDEX case_suspensions_open ON case_suspensions (case_id)
    WHERE end_day IS NULL;

CREATE TABLE case_warnings (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	dept_id {{BIGINT}},
	level TEXT NOT NULL CHECK (level IN ('yellow', 'red',
	    'supplement_timeout', 'rongque_missed')),
	at {{BIGINT}} NOT NULL,
	UNIQUE (case_id, level)
);

CREATE INDEX case_warnings_dept ON case_warnings (dept_id, id);
CREATE INDEX case_warnings_level ON case_warnings (level, id);

CREATE TABLE notifications (
	id {{ID}},
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	case_id {{BIGINT}},
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	read_at {{BIGINT}}
);

CREATE INDEX notifications_user ON notifications (user_id, read_at, id);

CREATE TABLE outbox (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('sms')),
	recipient TEXT NOT NULL,
	payload TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at {{BIGINT}} NOT NULL,
	delivered_at {{BIGINT}},
	last_error TEXT
);

CREATE INDEX outbox_pending ON outbox (next_attempt_at, id)
    WHERE delivered_at IS NULL;

CREATE TABLE overdue_explanations (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	reason TEXT NOT NULL,
	measures TEXT NOT NULL,
	new_date TEXT NOT NULL,
	explained_by {{BIGINT}} REFERENCES users (id),
	at {{BIGINT}} NOT NULL
);

CREATE INDEX overdue_explanations_case ON overdue_explanations (case_id, id);
