-- 130_job_leases.sql - one lease per background job (jobs/jobs.c,
-- service/platform/leases.c): with several servers on one database the
-- server named in holder runs the job until expires_at (milliseconds of the
-- database's clock); it renews the lease while it lives, another server
-- takes it once it has expired. A row is added by the first server that
-- asks for a job.

CREATE TABLE job_leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL DEFAULT '',
	expires_at {{BIGINT}} NOT NULL DEFAULT 0,
	taken_at {{BIGINT}} NOT NULL DEFAULT 0
);
