-- 061_bundle_notice.sql - the one 受理通知书 of a 一件事 application is a
-- sealed document (service/records, kind bundle_accept_notice) issued by
-- the accepting window's department and kept with the first child case;
-- bundle_cases.notice_no is its number.

ALTER TABLE bundle_cases ADD COLUMN notice_doc_id {{BIGINT}};
