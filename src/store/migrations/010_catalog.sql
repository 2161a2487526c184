-- 010_catalog.sql - the catalogue (实施清单) and the hall it is served in:
-- department stationing (三集中三到位), windows, staff at windows and their
-- change requests, items with versioned elements, withdrawal requests,
-- stored files, and a search text per item (core/catalog.h, service/catalog.c).
--
-- items.* besides the codes are copies of the current published version's
-- elements (item_versions.elements, JSON in the schema of core/catalog.c),
-- kept for list filters and indicators; the elements are the truth.
-- item_versions.status: draft -> submitted -> published | returned;
-- a published version becomes 'superseded' when a newer one is published.
-- Times are Unix seconds, dates 'YYYY-MM-DD'. User ids are users.id.

-- Stationing of each department in the hall.
--   full      成建制进驻: the department's staff sit at its windows
--   delegated 委托综合窗口受理: the comprehensive windows accept for it
--   none      not stationed; not_stationed_reason says why
ALTER TABLE departments ADD COLUMN stationing_mode TEXT NOT NULL DEFAULT 'none'
    CHECK (stationing_mode IN ('full', 'delegated', 'none'));
ALTER TABLE departments ADD COLUMN not_stationed_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN responsible_person TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN responsible_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN lead_office TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- Windows of the hall. kind: comprehensive 综合窗口, dedicated 专窗,
-- cannot_do 办不成事窗口, assist 帮办代办, consult 咨询.
CREATE TABLE windows (
	id {{ID}},
	number TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	kind TEXT NOT NULL DEFAULT 'dedicated'
	    CHECK (kind IN ('comprehensive', 'dedicated', 'cannot_do', 'assist',
	    'consult')),
	zone TEXT NOT NULL DEFAULT '',
	dept_id {{BIGINT}} REFERENCES departments (id),
	active INTEGER NOT NULL DEFAULT 1,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL
);

CREATE INDEX windows_dept ON windows (dept_id);
CREATE INDEX windows_kind ON windows (kind, active);

-- Stored files by content: blank forms, samples, uploaded materials.
-- The bytes live under var/files/<aa>/<sha256>.
CREATE TABLE files (
	sha256 TEXT PRIMARY KEY,
	size {{BIGINT}} NOT NULL,
	content_type TEXT NOT NULL,
	original_name TEXT NOT NULL DEFAULT '',
	created_at {{BIGINT}} NOT NULL,
	created_by {{BIGINT}} NOT NULL DEFAULT 0
);

-- One catalogue item. (impl_code, handle_code) is unique: sub-scenarios
-- (业务办理项) of one 实施编码 are separate items with their own handle_code.
CREATE TABLE items (
	id {{ID}},
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	basic_code TEXT NOT NULL,
	impl_code TEXT NOT NULL,
	handle_code TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	type TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft'
	    CHECK (status IN ('draft', 'published', 'withdrawn')),
	current_version_id {{BIGINT}},
	stationed INTEGER NOT NULL DEFAULT 1,
	online INTEGER NOT NULL DEFAULT 0,
	full_online INTEGER NOT NULL DEFAULT 0,
	online_level INTEGER NOT NULL DEFAULT 1,
	case_kind INTEGER NOT NULL DEFAULT 2,
	visits INTEGER NOT NULL DEFAULT 1,
	statutory_days INTEGER,
	promised_days INTEGER NOT NULL DEFAULT 0,
	window_authorised INTEGER NOT NULL DEFAULT 0,
	rongque INTEGER NOT NULL DEFAULT 0,
	commitment INTEGER NOT NULL DEFAULT 0,
	in_scope INTEGER NOT NULL DEFAULT 1,
	created_at {{BIGINT}} NOT NULL,
	updated_at {{BIGINT}} NOT NULL,
	UNIQUE (impl_code, handle_code)
);

CREATE INDEX items_dept ON items (dept_id, status);
CREATE INDEX items_status ON items (status, id);
CREATE INDEX items_basic_code ON items (basic_code);
CREATE INDEX items_type ON items (type, status);

CREATE TABLE item_versions (
	id {{ID}},
	item_id {{BIGINT}} NOT NULL REFERENCES items (id),
	version_no INTEGER NOT NULL,
	status TEXT NOT NULL DEFAULT 'draft'
	    CHECK (status IN ('draft', 'submitted', 'published', 'returned',
	    'superseded')),
	elements TEXT NOT NULL,
	change_note TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}} NOT NULL DEFAULT 0,
	created_at {{BIGINT}} NOT NULL,
	submitted_by {{BIGINT}},
	submitted_at {{BIGINT}},
	reviewed_by {{BIGINT}},
	reviewed_at {{BIGINT}},
	review_reason TEXT,
	published_at {{BIGINT}},
	UNIQUE (item_id, version_no)
);

CREATE INDEX item_versions_status ON item_versions (status, submitted_at);
-- At most one version in progress per item: concurrent editors conflict.
CREATE UNIQUE INDEX item_versions_open ON item_versions (item_id)
    WHERE status IN ('draft', 'submitted', 'returned');

-- Windows an item can be accepted at.
CREATE TABLE window_items (
	window_id {{BIGINT}} NOT NULL REFERENCES windows (id),
	item_id {{BIGINT}} NOT NULL REFERENCES items (id),
	PRIMARY KEY (window_id, item_id)
);

CREATE INDEX window_items_item ON window_items (item_id);

-- Requests to withdraw an item from the hall or from online handling
-- (进驻事项不得随意撤回): the hall administration decides.
CREATE TABLE item_withdrawal_requests (
	id {{ID}},
	item_id {{BIGINT}} NOT NULL REFERENCES items (id),
	scope TEXT NOT NULL CHECK (scope IN ('hall', 'online')),
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by {{BIGINT}} NOT NULL,
	requested_at {{BIGINT}} NOT NULL,
	decided_by {{BIGINT}},
	decided_at {{BIGINT}},
	decision_reason TEXT
);

CREATE INDEX item_withdrawal_item ON item_withdrawal_requests (item_id);
CREATE INDEX item_withdrawal_status ON item_withdrawal_requests (status,
    requested_at);
CREATE UNIQUE INDEX item_withdrawal_pending ON item_withdrawal_requests
    (item_id, scope) WHERE status = 'pending';

-- Who sits at which window (进驻大厅工作人员保持相对稳定).
CREATE TABLE staff_assignments (
	id {{ID}},
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	window_id {{BIGINT}} REFERENCES windows (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	since TEXT NOT NULL,
	until TEXT,
	active INTEGER NOT NULL DEFAULT 1,
	created_at {{BIGINT}} NOT NULL
);

CREATE INDEX staff_assignments_window ON staff_assignments (window_id, active);
CREATE INDEX staff_assignments_dept ON staff_assignments (dept_id, active);
CREATE UNIQUE INDEX staff_assignments_one_active ON staff_assignments (user_id)
    WHERE active = 1;

-- Changes of stationed staff go through a request (确需调整的应按程序申请).
CREATE TABLE staff_change_requests (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('move', 'remove', 'add')),
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	from_window_id {{BIGINT}} REFERENCES windows (id),
	to_window_id {{BIGINT}} REFERENCES windows (id),
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'approved', 'rejected')),
	requested_by {{BIGINT}} NOT NULL,
	requested_at {{BIGINT}} NOT NULL,
	decided_by {{BIGINT}},
	decided_at {{BIGINT}},
	decision_reason TEXT
);

CREATE INDEX staff_change_status ON staff_change_requests (status,
    requested_at);
CREATE INDEX staff_change_dept ON staff_change_requests (dept_id, status);
CREATE UNIQUE INDEX staff_change_pending ON staff_change_requests (user_id)
    WHERE status = 'pending';

-- Flattened searchable text of each published item (name, codes, department,
-- materials, themes); full-text indexes are added by a later migration.
CREATE TABLE item_search (
	item_id {{BIGINT}} PRIMARY KEY REFERENCES items (id),
	text TEXT NOT NULL
);
