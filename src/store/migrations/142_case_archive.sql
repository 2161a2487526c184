-- 142_case_archive.sql - PostgreSQL: archive_cases_year(Y) takes a year of
-- cases out of the live database (docs/archive.md).
--
-- A partition of cases cannot be detached while rows elsewhere refer to
-- it. The function moves, in one transaction, every row that refers by
-- foreign key to a case of the year (the timeline, materials, documents,
-- ratings, tickets ... and, in turn, what refers to those) into a schema
-- archive_cases_yY, tables of the same names, deletes them from the live
-- tables, then detaches cases_yY and moves it into that schema too. The
-- schema is then exported (pg_dump -n) and dropped by the operator.
-- It refuses a year with a case not closed yet. case_numbers keeps the
-- year's numbers, so that they are never given again; the audit records
-- have their own years (135).

-- @postgresql
CREATE FUNCTION archive_rows(archive text, tbl text, cond text, depth int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	r record;
BEGIN
	IF depth > 8 THEN
		RAISE EXCEPTION 'archive: references deeper than 8 tables at %', tbl;
	END IF;
	EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I (LIKE %I)', archive,
	    tbl, tbl);
	EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I WHERE %s', archive,
	    tbl, tbl, cond);
	FOR r IN SELECT k.conrelid::regclass::text AS child, a.attname AS col,
	    b.attname AS ref FROM pg_constraint k
	    JOIN pg_attribute a ON a.attrelid = k.conrelid
	    AND a.attnum = k.conkey[1]
	    JOIN pg_attribute b ON b.attrelid = k.confrelid
	    AND b.attnum = k.confkey[1]
	    WHERE k.contype = 'f' AND k.confrelid = tbl::regclass
	    AND k.conrelid <> k.confrelid AND k.conrelid <> 'cases'::regclass
	    AND k.conparentid = 0 ORDER BY 1, 2 LOOP
		PERFORM archive_rows(archive, r.child, format('%I IN (SELECT %I '
		    'FROM %I.%I)', r.col, r.ref, archive, tbl), depth + 1);
	END LOOP;
	EXECUTE format('DELETE FROM %I WHERE %s', tbl, cond);
END
$$;

CREATE FUNCTION archive_cases_year(y int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	part text := 'cases_y' || y;
	archive text := 'archive_cases_y' || y;
	lo bigint := y * 10000000000::bigint;
	hi bigint := (y + 1) * 10000000000::bigint;
	r record;
	open_cases bigint;
BEGIN
	IF to_regclass(part) IS NULL THEN
		RAISE EXCEPTION 'archive: no partition %', part;
	END IF;
	EXECUTE format('SELECT count(*) FROM %I WHERE closed_at IS NULL', part)
	    INTO open_cases;
	IF open_cases > 0 THEN
		RAISE EXCEPTION 'archive: % cases of % are not closed',
		    open_cases, y;
	END IF;
	EXECUTE format('CREATE SCHEMA %I', archive);
	FOR r IN SELECT k.conrelid::regclass::text AS child, a.attname AS col
	    FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid
	    AND a.attnum = k.conkey[1]
	    WHERE k.contype = 'f' AND k.confrelid = 'cases'::regclass
	    AND k.conparentid = 0 ORDER BY 1, 2 LOOP
		PERFORM archive_rows(archive, r.child, format('%I >= %s AND %I < %s',
		    r.col, lo, r.col, hi), 1);
	END LOOP;
	EXECUTE format('ALTER TABLE cases DETACH PARTITION %I', part);
	EXECUTE format('ALTER TABLE %I SET SCHEMA %I', part, archive);
	RETURN archive;
END
$$;
-- @end
