-- 134_item_versions_published.sql - the catalogue's publication stamp
-- (service/stats/facts.c): the latest publication instant and how many
-- versions share it, read from this index on every indicator request
-- instead of scanning item_versions (whose elements make it large).
CREATE INDEX item_versions_published ON item_versions (published_at);
