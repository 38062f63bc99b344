-- When an item stopped being open: the first of reported complete, split and
-- closed (NULL while open), so "open at some moment in (from, to]" is a range
-- condition on created_at and open_ended_at.
ALTER TABLE items ADD COLUMN open_ended_at DATETIME(6) NULL AFTER closed_at;
UPDATE items SET open_ended_at = LEAST(COALESCE(reported_complete_at, closed_at),
                                      COALESCE(closed_at, reported_complete_at));
CREATE INDEX items_by_lead_open ON items (lead_unit_id, created_at, open_ended_at);
