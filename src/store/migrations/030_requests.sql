-- 030_requests.sql - the one request -> approve queue
-- (service/platform/requests.c).
--
-- Every change that needs someone else's approval is one row: staff
-- changes (kind 'staff_change', subject a user), item withdrawals
-- ('item_withdrawal', subject an item), restricting item drafts and, later,
-- rectifications and tickets. kind is a key of the descriptors registered at
-- start-up; payload is the kind's own JSON object. pending_key keeps one
-- pending request per subject and purpose (unique while pending).
-- due_date is the day by which a decision is due (working days from the
-- request); the sweeper sets overdue_at once when it passes undecided.
-- The rows of the two earlier queues are copied here and their tables
-- dropped; payload.legacy_id keeps the old id.

CREATE TABLE requests (
	id {{ID}},
	kind TEXT NOT NULL,
	dept_id {{BIGINT}} REFERENCES departments (id),
	subject_type TEXT NOT NULL,
	subject_id {{BIGINT}} NOT NULL,
	subject_label TEXT NOT NULL DEFAULT '',
	pending_key TEXT NOT NULL,
	payload TEXT NOT NULL DEFAULT '{}',
	reason TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending'
	    CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
	requested_by {{BIGINT}} NOT NULL,
	requested_at {{BIGINT}} NOT NULL,
	due_date TEXT NOT NULL,
	overdue_at {{BIGINT}},
	decided_by {{BIGINT}},
	decided_at {{BIGINT}},
	decision_comment TEXT
);

CREATE INDEX requests_kind_status ON requests (kind, status, id);
CREATE INDEX requests_dept_status ON requests (dept_id, status, id);
CREATE INDEX requests_subject ON requests (subject_type, subject_id);
CREATE INDEX requests_due ON requests (status, due_date);
CREATE UNIQUE INDEX requests_one_pending ON requests (pending_key)
    WHERE status = 'pending';

-- @sqlite
INSERT INTO requests (kind, dept_id, subject_type, subject_id, subject_label,
    pending_key, payload, reason, status, requested_by, requested_at,
    due_date, decided_by, decided_at, decision_comment)
SELECT 'staff_change', r.dept_id, 'user', r.user_id, u.name,
    'staff:' || r.user_id,
    json_object('kind', r.kind, 'from_window_id', r.from_window_id,
        'to_window_id', r.to_window_id, 'user_name', u.name, 'login',
        u.login, 'legacy_id', r.id),
    r.reason, r.status, r.requested_by, r.requested_at,
    date(r.requested_at, 'unixepoch', '+8 hours', '+7 days'),
    r.decided_by, r.decided_at, r.decision_reason
FROM staff_change_requests r JOIN users u ON u.id = r.user_id ORDER BY r.id;

INSERT INTO requests (kind, dept_id, subject_type, subject_id, subject_label,
    pending_key, payload, reason, status, requested_by, requested_at,
    due_date, decided_by, decided_at, decision_comment)
SELECT 'item_withdrawal', i.dept_id, 'item', w.item_id, i.name,
    'withdrawal:' || w.item_id || ':' || w.scope,
    json_object('scope', w.scope, 'item_name', i.name, 'impl_code',
        i.impl_code, 'legacy_id', w.id),
    w.reason, w.status, w.requested_by, w.requested_at,
    date(w.requested_at, 'unixepoch', '+8 hours', '+7 days'),
    w.decided_by, w.decided_at, w.decision_reason
FROM item_withdrawal_requests w JOIN items i ON i.id = w.item_id ORDER BY w.id;
-- @end

-- @postgresql
INSERT INTO requests (kind, dept_id, subject_type, subject_id, subject_label,
    pending_key, payload, reason, status, requested_by, requested_at,
    due_date, decided_by, decided_at, decision_comment)
SELECT 'staff_change', r.dept_id, 'user', r.user_id, u.name,
    'staff:' || r.user_id,
    json_build_object('kind', r.kind, 'from_window_id', r.from_window_id,
        'to_window_id', r.to_window_id, 'user_name', u.name, 'login',
        u.login, 'legacy_id', r.id)::text,
    r.reason, r.status, r.requested_by, r.requested_at,
    to_char(to_timestamp(r.requested_at) AT TIME ZONE 'UTC' +
        interval '8 hours' + interval '7 days', 'YYYY-MM-DD'),
    r.decided_by, r.decided_at, r.decision_reason
FROM staff_change_requests r JOIN users u ON u.id = r.user_id ORDER BY r.id;

INSERT INTO requests (kind, dept_id, subject_type, subject_id, subject_label,
    pending_key, payload, reason, status, requested_by, requested_at,
    due_date, decided_by, decided_at, decision_comment)
SELECT 'item_withdrawal', i.dept_id, 'item', w.item_id, i.name,
    'withdrawal:' || w.item_id || ':' || w.scope,
    json_build_object('scope', w.scope, 'item_name', i.name, 'impl_code',
        i.impl_code, 'legacy_id', w.id)::text,
    w.reason, w.status, w.requested_by, w.requested_at,
    to_char(to_timestamp(w.requested_at) AT TIME ZONE 'UTC' +
        interval '8 hours' + interval '7 days', 'YYYY-MM-DD'),
    w.decided_by, w.decided_at, w.decision_reason
FROM item_withdrawal_requests w JOIN items i ON i.id = w.item_id ORDER BY w.id;
-- @end

DROP TABLE staff_change_requests;
DROP TABLE item_withdrawal_requests;
