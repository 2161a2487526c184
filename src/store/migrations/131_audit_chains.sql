-- 131_audit_chains.sql - the audit log as several hash chains appended side
-- by side (service/platform/audit.c), so that no single row serialises every
-- commit on PostgreSQL.
--
-- Each row of audit_head is the head of one chain: the sequence number and
-- hash of its last record, where its keyed part starts (key_from, a sequence
-- number) and the anchor that binds that start (042). Every record names its
-- chain; its prev_hash is the hash of the record before it in that chain
-- (genesis for the first). A thread of a server appends to one chain
-- (1 + its slot modulo the number of heads), so transactions of different
-- threads lock different head rows and their commits are flushed together.
-- Sequence numbers stay unique and in the order records were appended:
-- chain c takes the smallest number above every head's that is c modulo the
-- number of chains. The records before this migration are chain 1.
--
-- SQLite has a single writer, so it keeps the one chain (audit_head.id = 1);
-- PostgreSQL gets 8.

ALTER TABLE audit_log ADD COLUMN chain INTEGER NOT NULL DEFAULT 1;

-- @postgresql
ALTER TABLE audit_head DROP CONSTRAINT IF EXISTS audit_head_id_check;
ALTER TABLE audit_head ADD CONSTRAINT audit_head_chain_check
	CHECK (id BETWEEN 1 AND 64);
INSERT INTO audit_head (id, seq, hash)
	SELECT g, 0, '0000000000000000000000000000000000000000000000000000000000000000'
	FROM generate_series(2, 8) AS g;
CREATE INDEX audit_log_chain ON audit_log (chain, seq);
-- @end
