-- 100_applicant.sql - the applicant's side: the short query code of a case
-- (办件查询码, printed in messages and asked by the public progress look-up
-- together with the mobile number or name) and password recovery by an SMS
-- code to the registered mobile (service/account/reset.c).
--
-- Cases created before this migration have no query code; they are looked
-- up by their case number.

ALTER TABLE cases ADD COLUMN query_code TEXT;
CREATE UNIQUE INDEX cases_query_code ON cases (query_code);

CREATE TABLE password_resets (
	id {{ID}},
	user_id {{BIGINT}} NOT NULL REFERENCES users (id),
	code_hash TEXT NOT NULL,
	created_at {{BIGINT}} NOT NULL,
	expires_at {{BIGINT}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	used_at {{BIGINT}}
);
CREATE INDEX password_resets_user ON password_resets (user_id, id);
