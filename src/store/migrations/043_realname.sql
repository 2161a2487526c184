-- 043_realname.sql - real-name levels of applicant accounts (实名等级;
-- service/account/realname.c, docs/security.md "Real-name levels").
--
-- users.realname_level: 0 unverified (self-registered), 1 verified.
-- realname_method: 'window' (a clerk checked the ID card or business
-- licence), 'sms' (a code sent to the mobile of a walk-in case of that ID
-- number), 'provincial' (the provincial identity service), '' none.
-- realname_codes keeps only the SHA-256 of each one-time code.
--
-- Window registrations used to link the case to whatever account carried
-- the ID number; every existing account starts unverified, so those links
-- (a case not created by the linked account) are dropped, with the
-- certificates issued through them. Verification links them again.

ALTER TABLE users ADD COLUMN realname_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN realname_method TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN realname_at {{BIGINT}} NOT NULL DEFAULT 0;

CREATE TABLE realname_codes (
	id {{ID}},
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	mobile TEXT NOT NULL,
	code_hash TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	expires_at {{BIGINT}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at {{BIGINT}}
);
CREATE INDEX realname_codes_user ON realname_codes (user_id, id);

UPDATE certificates SET holder_user_id = NULL
WHERE holder_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases k
    WHERE k.id = certificates.case_id AND k.created_by = certificates.holder_user_id);
UPDATE cases SET applicant_id = NULL
WHERE applicant_id IS NOT NULL AND applicant_id <> created_by;
-- and the in-app messages about those cases that went to such accounts
DELETE FROM notifications
WHERE case_id IS NOT NULL
  AND user_id IN (SELECT id FROM users WHERE kind IN ('P', 'E'))
  AND NOT EXISTS (SELECT 1 FROM cases k
      WHERE k.id = notifications.case_id AND k.created_by = notifications.user_id);
