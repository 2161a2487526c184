-- 092_project_event_files.sql - the attachments a department files with
-- its opinion on a joint event (site photos, inspection reports): stored
-- files (var/files, by SHA-256) attached to one event by one department.
CREATE TABLE project_event_files (
	event_id {{BIGINT}} NOT NULL REFERENCES project_events (id),
	dept_id {{BIGINT}} NOT NULL REFERENCES departments (id),
	sha256 TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	content_type TEXT NOT NULL DEFAULT '',
	size {{BIGINT}} NOT NULL DEFAULT 0,
	uploaded_by {{BIGINT}} NOT NULL DEFAULT 0,
	uploaded_at {{BIGINT}} NOT NULL,
	PRIMARY KEY (event_id, dept_id, sha256)
);
