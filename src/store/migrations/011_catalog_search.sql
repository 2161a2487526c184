-- 011_catalog_search.sql - full-text search over item_search.text
-- (service/catalog.c, items_query()).
--
-- SQLite: an external-content FTS5 table with the trigram tokenizer, kept in
-- step with item_search by triggers. Trigrams cannot match terms shorter
-- than three characters (餐饮, 社保): the service uses LIKE for those.
-- PostgreSQL: pg_trgm and a GIN trigram index, which serves ILIKE '%term%'.

-- @sqlite
CREATE VIRTUAL TABLE item_search_fts USING fts5(text, content='item_search',
    content_rowid='item_id', tokenize='trigram');
CREATE TRIGGER item_search_ai AFTER INSERT ON item_search
BEGIN
	INSERT INTO item_search_fts (rowid, text) VALUES (new.item_id, new.text);
END;
CREATE TRIGGER item_search_ad AFTER DELETE ON item_search
BEGIN
	INSERT INTO item_search_fts (item_search_fts, rowid, text)
	    VALUES ('delete', old.item_id, old.text);
END;
CREATE TRIGGER item_search_au AFTER UPDATE ON item_search
BEGIN
	INSERT INTO item_search_fts (item_search_fts, rowid, text)
	    VALUES ('delete', old.item_id, old.text);
	INSERT INTO item_search_fts (rowid, text) VALUES (new.item_id, new.text);
END;
INSERT INTO item_search_fts (item_search_fts) VALUES ('rebuild');
-- @end

-- @postgresql
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX item_search_trgm ON item_search USING gin (text gin_trgm_ops);
-- @end

-- Filter columns copied from the current elements (like the others of
-- items): objects_mask has bit n set for 服务对象 code n (1 自然人,
-- 2 企业法人 ...); themes is ",code,code," for LIKE '%,code,%'.
ALTER TABLE items ADD COLUMN objects_mask INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN themes TEXT NOT NULL DEFAULT '';
