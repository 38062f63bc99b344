-- The scheduler's revision of the draft deadline whose instant the event's
-- draft_due_at shows (0: the instant computed when the event was recorded).
-- A move from the scheduler is applied only when its revision is higher, so
-- a late or repeated delivery never takes the instant back.
ALTER TABLE dispatch_events ADD COLUMN draft_due_revision BIGINT NOT NULL DEFAULT 0;
