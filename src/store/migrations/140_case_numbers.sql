-- 140_case_numbers.sql - every case number and query code given, one row
-- each, written in the transaction that inserts the case
-- (case_number_take, service/case/apply.c).
--
-- On PostgreSQL `cases` is partitioned by year (141), and a partitioned
-- table's unique keys must contain the partition key: this table is what
-- keeps "a case number is never given twice" (and a query code never
-- shared) enforced by the database, across every year, even after a year of
-- cases has been archived. SQLite keeps the UNIQUE constraints of cases as
-- well; the same rows are written on both.

CREATE TABLE case_numbers (
	case_no TEXT PRIMARY KEY,
	query_code TEXT UNIQUE,
	case_id {{BIGINT}} NOT NULL
);

INSERT INTO case_numbers (case_no, query_code, case_id)
	SELECT case_no, query_code, id FROM cases;
