-- 042_audit_key.sql - the audit chain gets a key kept outside the database
-- (service/platform/audit.c, <var>/keys/audit.key).
--
-- key_from: the first record whose hash is HMAC-SM3 with the key; 0 while the
-- chain has no key (every record so far, and every record of a database that
-- was created before this migration, stays plain SM3 and is verified as such).
-- key_anchor: HMAC-SM3(key, "onetrip-audit-anchor;" key_from ";" hash of the
-- record before it), written once when the key is created, so that neither
-- the start nor any earlier record can be changed without the key.

ALTER TABLE audit_head ADD COLUMN key_from {{BIGINT}} NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN key_anchor TEXT NOT NULL DEFAULT '';
