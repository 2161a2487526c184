-- 135_audit_partitions.sql - PostgreSQL: the audit records partitioned by
-- year (declarative partitioning on audit_log.at, the hall's years: a year
-- starts at 00:00 +08:00), so that an old year can be detached for the
-- archive (docs/archive.md) without touching the others. SQLite keeps one
-- table.
--
-- A partitioned table's unique keys must contain the partition key: the
-- primary key becomes (seq, at). seq stays unique by construction (the
-- audit service hands the numbers out under the head rows' locks, and
-- `onetrip audit verify` checks that they follow each other). Nothing
-- refers to audit_log by foreign key.
--
-- One partition per year 2020-2040 (audit_log_y2020 ...) and a default
-- partition for anything outside them. The table is rebuilt whatever its
-- columns and indexes are by now: every index is re-created as it was, on
-- the partitioned table (and so on each partition), with the guard
-- triggers of 004.

-- @postgresql
DO $$
DECLARE
	r record;
	defs text[] := '{}';
	d text;
	y int;
BEGIN
	FOR r IN SELECT indexname, indexdef FROM pg_indexes
	    WHERE schemaname = current_schema() AND tablename = 'audit_log'
	    AND indexname <> 'audit_log_pkey' ORDER BY indexname LOOP
		defs := defs || r.indexdef;
		EXECUTE format('DROP INDEX %I', r.indexname);
	END LOOP;
	ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
	ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
	CREATE TABLE audit_log (LIKE audit_log_unpartitioned INCLUDING DEFAULTS)
	    PARTITION BY RANGE (at);
	ALTER TABLE audit_log ADD CONSTRAINT audit_log_pkey
	    PRIMARY KEY (seq, at);
	FOR y IN 2020..2040 LOOP
		EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES '
		    'FROM (%s) TO (%s)', 'audit_log_y' || y,
		    extract(epoch FROM make_date(y, 1, 1)::timestamp)::bigint
		    - 8 * 3600,
		    extract(epoch FROM make_date(y + 1, 1, 1)::timestamp)::bigint
		    - 8 * 3600);
	END LOOP;
	CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
	INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned;
	DROP TABLE audit_log_unpartitioned;
	FOREACH d IN ARRAY defs LOOP
		EXECUTE d;
	END LOOP;
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
-- @end
