-- 101_messages.sql - the applicant's messages at every step of a case
-- (service/case/messages.c): the hall's edits of the message templates
-- (a kind without a row uses the default text) and the applicant's choice
-- of channels (in-app always; SMS unless switched off).

CREATE TABLE message_templates (
	kind TEXT PRIMARY KEY,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	sms TEXT NOT NULL DEFAULT '',
	updated_by {{BIGINT}},
	updated_at {{BIGINT}} NOT NULL
);

ALTER TABLE users ADD COLUMN notify_sms INTEGER NOT NULL DEFAULT 1;
