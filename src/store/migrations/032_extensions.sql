-- 032_extensions.sql - extensions within 行政许可法 §42 (docs/rules.md).
--
-- case_extensions records the legal basis given for a limit other than the
-- 20 (or 45 joint) working days of §42, the due day before and after the
-- extension, and whether the original due day had already passed when the
-- extension was approved (late).
--
-- cases.overdue_day: the due day a case missed before it was extended. An
-- extension granted after the due date does not clear the overdue record:
-- the case keeps showing as overdue (warn_level red while open) and closes
-- as not on time.
ALTER TABLE case_extensions ADD COLUMN basis TEXT;
ALTER TABLE case_extensions ADD COLUMN original_due TEXT;
ALTER TABLE case_extensions ADD COLUMN extended_due TEXT;
ALTER TABLE case_extensions ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN overdue_day TEXT;
