-- 051_outbox_upload.sql - the outbox carries uploads to the provincial
-- 好差评 system as well as SMS (service/platform/outbox.c, jobs/outbox.c).
--
-- kind 'upload': recipient is the target ("rating"), payload the JSON body
-- of the interface (domain.md §1.4), idem_key the idempotency key sent with
-- every attempt (unique: one row per record). dead_at is set when a message
-- failed outbox.max_attempts times (dead letter); `onetrip outbox resend`
-- puts it back in the queue.

-- @sqlite
CREATE TABLE outbox_new (
	id {{ID}},
	kind TEXT NOT NULL CHECK (kind IN ('sms', 'upload')),
	recipient TEXT NOT NULL,
	payload TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at {{BIGINT}} NOT NULL,
	delivered_at {{BIGINT}},
	last_error TEXT,
	idem_key TEXT,
	dead_at {{BIGINT}}
);
INSERT INTO outbox_new (id, kind, recipient, payload, created_at, attempts,
    next_attempt_at, delivered_at, last_error)
SELECT id, kind, recipient, payload, created_at, attempts, next_attempt_at,
    delivered_at, last_error FROM outbox ORDER BY id;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
-- @end

-- @postgresql
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('sms', 'upload'));
ALTER TABLE outbox ADD COLUMN idem_key TEXT;
ALTER TABLE outbox ADD COLUMN dead_at {{BIGINT}};
DROP INDEX outbox_pending;
-- @end

CREATE INDEX outbox_pending ON outbox (next_attempt_at, id)
    WHERE delivered_at IS NULL AND dead_at IS NULL;
CREATE UNIQUE INDEX outbox_idem ON outbox (idem_key)
    WHERE idem_key IS NOT NULL;
CREATE INDEX outbox_kind ON outbox (kind, id);
