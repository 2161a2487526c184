-- 144_audit_head_trigger.sql - the head of an audit chain takes the hash of
-- its last record as that record is inserted, in the same statement: an
-- append is two statements (claim the number under the head's row lock,
-- insert the record) instead of three (service/platform/audit.c).
--
-- The head's hash follows a record only when the head names it (its seq is
-- the record's and it is the record's chain): the record the append has
-- just claimed. Rows inserted otherwise (onetrip migrate-data copies the
-- records and the heads in either order) leave the head as they find it.
-- What the chain stores and how `onetrip audit verify` checks it do not
-- change.

-- @sqlite
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
BEGIN
	UPDATE audit_head SET hash = NEW.hash
	    WHERE id = NEW.chain AND seq = NEW.seq;
END;
-- @end

-- @postgresql
CREATE FUNCTION audit_log_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE audit_head SET hash = NEW.hash
	    WHERE id = NEW.chain AND seq = NEW.seq;
	RETURN NULL;
END;
$$;
CREATE TRIGGER audit_log_head AFTER INSERT ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_head();
-- @end
