-- 041_catalog_files.sql - catalogue files (service/catalog/files.c): the
-- blank forms and samples a department uploads for its items. Only a file
-- listed here can be named as a material's blank_form or sample and served
-- anonymously by GET /api/guide/items/:id/files/:sha256; an applicant's
-- upload (table uploads) is never registered here.

CREATE TABLE catalog_files (
	sha256 TEXT PRIMARY KEY REFERENCES files (sha256),
	dept_id {{BIGINT}},
	name TEXT NOT NULL DEFAULT '',
	created_by {{BIGINT}} NOT NULL,
	created_at {{BIGINT}} NOT NULL
);
