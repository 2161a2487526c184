-- 004_audit_guard.sql - the audit log is append-only in the database too:
-- any UPDATE or DELETE of an audit record is refused, whoever attempts it.
-- (The application has no such path; this guards against everything else
-- that connects with the application's credentials.)

-- @sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
-- @end

-- @postgresql
CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit records are append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
-- @end
