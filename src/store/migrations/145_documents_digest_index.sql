-- 145_documents_digest_index.sql - the digests of a document are indexed
-- once it has them.
--
-- A document is written pending, without its file's sha256 and SM3 digest;
-- the renderer fills both when it is sealed. Indexed whole, every pending
-- document put a NULL entry into each index and the renderer moved it (on
-- SQLite about 6 us more per document written, inside the writer's lock;
-- bench/README.md §3). The look-ups by digest (verification by SM3, a
-- certificate's file by sha256, the files foreign key) compare with =,
-- which both databases know implies IS NOT NULL, so they use these.
DROP INDEX documents_sm3;
DROP INDEX documents_sha256;
CREATE INDEX documents_sm3 ON documents (sm3) WHERE sm3 IS NOT NULL;
CREATE INDEX documents_sha256 ON documents (sha256) WHERE sha256 IS NOT NULL;
