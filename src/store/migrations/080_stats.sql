-- 080_stats.sql - the reform's scoreboard (service/stats/): facts of every
-- published item version for the indicators at any date, the case tallies
-- kept by the case plan at closure, the reform tasks of 白政办发〔2024〕1号
-- with their progress, and the quarterly work ledger (优化办理流程工作台账).
-- Times are Unix seconds, dates 'YYYY-MM-DD' in the hall's time zone.

-- What one published item version counts for (core/indicators.h struct
-- indicator_fact), read once from its elements. The version in force at a
-- date is the item's latest with published_at before the end of that date.
CREATE TABLE item_version_facts (
	version_id {{BIGINT}} PRIMARY KEY,
	item_id {{BIGINT}} NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	type TEXT NOT NULL,
	published_at {{BIGINT}} NOT NULL,
	statutory_days INTEGER NOT NULL,
	promised_days INTEGER NOT NULL,
	visits INTEGER NOT NULL,
	case_kind INTEGER NOT NULL,
	window_authorised INTEGER NOT NULL,
	online INTEGER NOT NULL,
	full_online INTEGER NOT NULL,
	online_level INTEGER NOT NULL,
	n_materials INTEGER NOT NULL,
	n_required INTEGER NOT NULL,
	steps INTEGER NOT NULL,
	fee_charged INTEGER NOT NULL
);

CREATE INDEX item_version_facts_item ON item_version_facts (item_id,
    published_at);

-- Closed cases per closing day and department, written by the case plan in
-- the transaction that closes the case (service/case/tally.c). A 一件事
-- bundle counts once in the shares: only the first of its cases to close
-- enters closed..days_limit; every bundled case adds to bundle_cases.
CREATE TABLE case_tally_day (
	day TEXT NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	closed INTEGER NOT NULL DEFAULT 0,
	approved INTEGER NOT NULL DEFAULT 0,
	le_one_trip INTEGER NOT NULL DEFAULT 0,
	zero_trip INTEGER NOT NULL DEFAULT 0,
	same_day INTEGER NOT NULL DEFAULT 0,
	online INTEGER NOT NULL DEFAULT 0,
	timed INTEGER NOT NULL DEFAULT 0,
	on_time INTEGER NOT NULL DEFAULT 0,
	days_used {{BIGINT}} NOT NULL DEFAULT 0,
	days_limit {{BIGINT}} NOT NULL DEFAULT 0,
	materials {{BIGINT}} NOT NULL DEFAULT 0,
	materials_reused {{BIGINT}} NOT NULL DEFAULT 0,
	bundle_cases INTEGER NOT NULL DEFAULT 0,
	bundles INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, dept_id)
);

-- Closed cases per month and item: the items whose cases needed more trips
-- than the item declares (discrepancies).
CREATE TABLE case_tally_item (
	month TEXT NOT NULL,
	item_id {{BIGINT}} NOT NULL,
	dept_id {{BIGINT}} NOT NULL,
	closed INTEGER NOT NULL DEFAULT 0,
	over_one_trip INTEGER NOT NULL DEFAULT 0,
	max_trips INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (month, item_id)
);

CREATE INDEX case_tally_item_over ON case_tally_item (month, over_one_trip);

-- The notice's measures (重点任务). area: 1 深化改革优流程, 2 推进协同优流程,
-- 3 创新机制优流程. term: june 6月底前, december 12月底前, ongoing 长期坚持;
-- due_day is the end of the term (NULL for ongoing). A department takes
-- part when its name is in lead_units or participants, or participants
-- says 各有关部门 / 县级有关部门 (every government department).
CREATE TABLE reform_tasks (
	id {{ID}},
	code TEXT NOT NULL UNIQUE,
	area INTEGER NOT NULL CHECK (area IN (1, 2, 3)),
	title TEXT NOT NULL,
	content TEXT NOT NULL,
	lead_units TEXT NOT NULL,
	participants TEXT NOT NULL,
	term TEXT NOT NULL CHECK (term IN ('june', 'december', 'ongoing')),
	due_day TEXT,
	deliverable TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	done_at {{BIGINT}},
	created_at {{BIGINT}} NOT NULL
);

-- Progress a department records on a task, with its evidence.
CREATE TABLE reform_task_progress (
	id {{ID}},
	task_id {{BIGINT}} NOT NULL REFERENCES reform_tasks (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	note TEXT NOT NULL,
	evidence TEXT NOT NULL DEFAULT '',
	done INTEGER NOT NULL DEFAULT 0,
	created_by {{BIGINT}} NOT NULL,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX reform_task_progress_task ON reform_task_progress (task_id, id);

-- One department's ledger for one quarter. status: draft -> submitted ->
-- accepted | returned (-> submitted again). due_day: the 23rd (setting
-- ledger.due_day) of the quarter's last month; late = submitted after it
-- or still not submitted when it passed; reminded_day: the last day a
-- reminder went out.
CREATE TABLE ledgers (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	year INTEGER NOT NULL,
	quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
	status TEXT NOT NULL DEFAULT 'draft'
	    CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
	due_day TEXT NOT NULL,
	late INTEGER NOT NULL DEFAULT 0,
	reminded_day TEXT,
	submitted_at {{BIGINT}},
	submitted_by {{BIGINT}},
	reviewed_at {{BIGINT}},
	reviewed_by {{BIGINT}},
	review_note TEXT,
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	UNIQUE (dept_id, year, quarter)
);

CREATE INDEX ledgers_quarter ON ledgers (year, quarter, status);

-- The ledger's rows in the attachment's columns: 所属领域 (area), 牵头单位,
-- 参与单位, 成果形式, 工作计划 (this quarter), 进展情况, 备注.
CREATE TABLE ledger_rows (
	id {{ID}},
	ledger_id {{BIGINT}} NOT NULL REFERENCES ledgers (id),
	seq INTEGER NOT NULL,
	area INTEGER NOT NULL CHECK (area IN (1, 2, 3)),
	task_id {{BIGINT}},
	lead_unit TEXT NOT NULL DEFAULT '',
	participants TEXT NOT NULL DEFAULT '',
	deliverable TEXT NOT NULL DEFAULT '',
	plan TEXT NOT NULL DEFAULT '',
	progress TEXT NOT NULL DEFAULT '',
	remarks TEXT NOT NULL DEFAULT '',
	UNIQUE (ledger_id, seq)
);
