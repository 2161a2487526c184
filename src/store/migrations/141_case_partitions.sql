-- 141_case_partitions.sql - PostgreSQL: cases partitioned by year, so that
-- an old year can leave the live database for the archive
-- (docs/archive.md) without touching the others. SQLite keeps one table.
--
-- The partition key is the id, which carries the year: a case created on a
-- day of year Y (the hall's calendar, the day of its case number) gets
-- id = Y * 10^10 + n, n from the sequence cases_id_seq
-- (case_number_take, service/case/apply.c). The primary key (id) then
-- contains the partition key, the 18 foreign keys REFERENCES cases (id)
-- stay as they are, and a look-up by id reads one partition. Case numbers
-- and query codes stay unique through case_numbers (140): a partitioned
-- table's unique keys must contain the partition key, so here they become
-- plain indexes.
--
-- Partitions: cases_legacy for the ids given before this rule (below
-- 2020 * 10^10), one per year made by cases_add_year(Y) (here 2024 ...
-- 2030; docs/archive.md says when to add the next), and cases_default for
-- anything outside them. Few partitions on purpose: the inboxes and the
-- look-ups by number or ID number do not filter on the year, so every
-- partition costs each of them planning and one index descent; empty
-- years far ahead would be paid on every request. The table is rebuilt whatever its columns,
-- indexes and constraints are by now: indexes (partial ones too) are
-- re-created as they were, unique ones without UNIQUE, on the partitioned
-- table (and so on each partition); its own foreign keys and the foreign
-- keys of the other tables to it are dropped and added again.

-- @postgresql
CREATE FUNCTION cases_add_year(y int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	part text := 'cases_y' || y;
BEGIN
	IF y < 2020 OR y > 9999 THEN
		RAISE EXCEPTION 'cases_add_year: year % out of range', y;
	END IF;
	IF to_regclass(part) IS NULL THEN
		EXECUTE format('CREATE TABLE %I PARTITION OF cases FOR VALUES '
		    'FROM (%s) TO (%s)', part, y * 10000000000::bigint,
		    (y + 1) * 10000000000::bigint);
	END IF;
	RETURN part;
END
$$;

DO $$
DECLARE
	r record;
	idx text[] := '{}';
	own_fks text[] := '{}';
	ref_fks text[] := '{}';
	cols text;
	d text;
	y int;
	top bigint;
BEGIN
	FOR r IN SELECT conrelid::regclass::text AS tbl, conname,
	    pg_get_constraintdef(oid) AS def FROM pg_constraint
	    WHERE confrelid = 'cases'::regclass AND contype = 'f'
	    AND conrelid <> 'cases'::regclass ORDER BY 1, 2 LOOP
		ref_fks := ref_fks || format('ALTER TABLE %s ADD CONSTRAINT %I %s',
		    r.tbl, r.conname, r.def);
		EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl,
		    r.conname);
	END LOOP;
	FOR r IN SELECT conname, pg_get_constraintdef(oid) AS def
	    FROM pg_constraint WHERE conrelid = 'cases'::regclass
	    AND contype = 'f' ORDER BY conname LOOP
		own_fks := own_fks || format('ALTER TABLE cases ADD CONSTRAINT '
		    '%I %s', r.conname, r.def);
	END LOOP;
	FOR r IN SELECT i.indexname, i.indexdef, k.conname FROM pg_indexes i
	    LEFT JOIN pg_constraint k ON k.conrelid = 'cases'::regclass
	    AND k.conindid = format('%I', i.indexname)::regclass
	    WHERE i.schemaname = current_schema() AND i.tablename = 'cases'
	    AND i.indexname <> 'cases_pkey' ORDER BY i.indexname LOOP
		idx := idx || regexp_replace(regexp_replace(r.indexdef,
		    '^CREATE UNIQUE INDEX (\S+)_key ON', 'CREATE INDEX \1 ON'),
		    '^CREATE UNIQUE INDEX', 'CREATE INDEX');
		IF r.conname IS NOT NULL THEN
			EXECUTE format('ALTER TABLE cases DROP CONSTRAINT %I',
			    r.conname);
		ELSE
			EXECUTE format('DROP INDEX %I', r.indexname);
		END IF;
	END LOOP;
	SELECT string_agg(format('%I', attname), ', ' ORDER BY attnum)
	    INTO cols FROM pg_attribute WHERE attrelid = 'cases'::regclass
	    AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
	SELECT COALESCE(MAX(id % 10000000000), 0) INTO top FROM cases;

	ALTER TABLE cases RENAME TO cases_unpartitioned;
	ALTER INDEX cases_pkey RENAME TO cases_unpartitioned_pkey;
	CREATE TABLE cases (LIKE cases_unpartitioned INCLUDING DEFAULTS
	    INCLUDING GENERATED INCLUDING CONSTRAINTS) PARTITION BY RANGE (id);
	ALTER TABLE cases ADD CONSTRAINT cases_pkey PRIMARY KEY (id);
	CREATE TABLE cases_legacy PARTITION OF cases
	    FOR VALUES FROM (MINVALUE) TO (20200000000000);
	FOR y IN 2024..2030 LOOP
		PERFORM cases_add_year(y);
	END LOOP;
	CREATE TABLE cases_default PARTITION OF cases DEFAULT;
	EXECUTE format('INSERT INTO cases (%s) SELECT %s FROM '
	    'cases_unpartitioned', cols, cols);
	DROP TABLE cases_unpartitioned;

	-- n of the ids to come; rows inserted without an id (older code,
	-- tests) get n itself and land in cases_legacy.
	CREATE SEQUENCE cases_id_seq OWNED BY cases.id;
	IF top > 0 THEN
		PERFORM setval('cases_id_seq', top);
	END IF;
	ALTER TABLE cases ALTER COLUMN id SET DEFAULT nextval('cases_id_seq');

	FOREACH d IN ARRAY idx LOOP
		EXECUTE d;
	END LOOP;
	FOREACH d IN ARRAY own_fks LOOP
		EXECUTE d;
	END LOOP;
	FOREACH d IN ARRAY ref_fks LOOP
		EXECUTE d;
	END LOOP;
END
$$;

ANALYZE cases;
-- @end
