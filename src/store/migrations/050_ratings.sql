-- 050_ratings.sql - 好差评 (service/rating/): ratings of cases, the loop of
-- every bad rating, its steps and its stage warnings.
--
-- ratings: one row per rating; (case_id, assess_number) is unique, so a
-- case has at most a first rating (1) and one follow-up (2) even when two
-- requests race. level 5 非常满意 .. 1 非常不满意; bad = level <= 2. dims is
-- a JSON array of dimension codes (core/rating.h), channel a GB/T 39046
-- code. excluded = 1 once an appeal (误评/恶意差评) was accepted: the rating
-- stays, but no longer counts in the satisfaction figures.
--
-- rating_loops: one per bad rating; stage is a core/rating.h stage name,
-- due_day the current stage's deadline (working days from its start),
-- warn_level its last computed level. rating_loop_steps is the history
-- shown on the pages (each step is also an audit record). The sweeper
-- raises each stage warning once (rating_loop_warnings, unique key).
--
-- rating_token_keys: the key that signs the window QR tokens, created on
-- first use.

CREATE TABLE ratings (
	id {{ID}},
	case_id {{BIGINT}} NOT NULL REFERENCES cases (id),
	assess_number INTEGER NOT NULL CHECK (assess_number IN (1, 2)),
	step TEXT NOT NULL CHECK (step IN ('accept', 'result')),
	level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	bad INTEGER NOT NULL DEFAULT 0,
	dims TEXT NOT NULL DEFAULT '[]',
	text TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL,
	anonymous INTEGER NOT NULL DEFAULT 0,
	is_default INTEGER NOT NULL DEFAULT 0,
	excluded INTEGER NOT NULL DEFAULT 0,
	item_id {{BIGINT}} NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	window_id {{BIGINT}},
	staff_id {{BIGINT}},
	rater_id {{BIGINT}},
	created_at {{BIGINT}} NOT NULL,
	day TEXT NOT NULL,
	UNIQUE (case_id, assess_number)
);

CREATE INDEX ratings_rater ON ratings (rater_id, id);
CREATE INDEX ratings_dept ON ratings (dept_id, day);
CREATE INDEX ratings_day ON ratings (day, id);

CREATE TABLE rating_loops (
	id {{ID}},
	rating_id {{BIGINT}} NOT NULL UNIQUE REFERENCES ratings (id),
	case_id {{BIGINT}} NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	stage TEXT NOT NULL,
	stage_started_day TEXT NOT NULL,
	due_day TEXT,
	warn_level TEXT NOT NULL DEFAULT 'green',
	verify_result TEXT,
	claim_kind TEXT,
	claim_request_id {{BIGINT}},
	rectify_kind TEXT,
	measures TEXT,
	rectify_due TEXT,
	extension_days INTEGER NOT NULL DEFAULT 0,
	extension_request_id {{BIGINT}},
	feedback_text TEXT,
	revisit_contacted INTEGER,
	revisit_reachable INTEGER,
	revisit_satisfaction INTEGER,
	revisit_note TEXT,
	sent_back INTEGER NOT NULL DEFAULT 0,
	outcome TEXT,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	closed_at {{BIGINT}},
	version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX rating_loops_stage ON rating_loops (stage, dept_id, id);
CREATE INDEX rating_loops_due ON rating_loops (due_day) WHERE closed_at IS NULL;

CREATE TABLE rating_loop_steps (
	id {{ID}},
	loop_id {{BIGINT}} NOT NULL REFERENCES rating_loops (id),
	stage TEXT NOT NULL,
	action TEXT NOT NULL,
	actor_id {{BIGINT}} NOT NULL DEFAULT 0,
	actor_name TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '{}',
	at {{BIGINT}} NOT NULL
);

CREATE INDEX rating_loop_steps_loop ON rating_loop_steps (loop_id, id);

CREATE TABLE rating_loop_warnings (
	id {{ID}},
	loop_id {{BIGINT}} NOT NULL REFERENCES rating_loops (id),
	stage TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('yellow', 'red')),
	sent_back INTEGER NOT NULL DEFAULT 0,
	at {{BIGINT}} NOT NULL,
	UNIQUE (loop_id, stage, sent_back, level)
);

CREATE TABLE rating_token_keys (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	key_hex TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL
);
