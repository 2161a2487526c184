-- 071_supervise_filters.sql - the supervision desk filters tickets and
-- notices by window and item as it filters cases (docs/supervision.md).
--
-- sv_tickets.item_id / window_id: the item and window a ticket is about,
-- taken when it opens from its case (the case's item and window), a leader's
-- sitting (its window and item) or a 体外循环 gap (its item); NULL when the
-- ticket is about neither. sv_notices.item_id / window_id: the item and
-- window a notice names (optional when it is issued).
ALTER TABLE sv_tickets ADD COLUMN item_id {{BIGINT}} REFERENCES items (id);
ALTER TABLE sv_tickets ADD COLUMN window_id {{BIGINT}} REFERENCES windows (id);
ALTER TABLE sv_notices ADD COLUMN item_id {{BIGINT}} REFERENCES items (id);
ALTER TABLE sv_notices ADD COLUMN window_id {{BIGINT}} REFERENCES windows (id);

UPDATE sv_tickets SET item_id = (SELECT k.item_id FROM cases k WHERE k.id =
    sv_tickets.case_id), window_id = (SELECT k.window_id FROM cases k WHERE
    k.id = sv_tickets.case_id) WHERE case_id IS NOT NULL;
UPDATE sv_tickets SET item_id = (SELECT s.item_id FROM sv_sittings s WHERE
    s.id = sv_tickets.ref_id), window_id = (SELECT s.window_id FROM
    sv_sittings s WHERE s.id = sv_tickets.ref_id) WHERE ref_type = 'sitting';
UPDATE sv_tickets SET item_id = (SELECT v.item_id FROM sv_volumes v WHERE
    v.id = sv_tickets.ref_id) WHERE ref_type = 'volume';

CREATE INDEX sv_tickets_item ON sv_tickets (item_id, id);
CREATE INDEX sv_tickets_window ON sv_tickets (window_id, id);
