-- When each item was open and which unit led it: a lead unit owes a report
-- for every period in which it led an item open at some moment.
CREATE TABLE item_spans (
  item_id VARCHAR(191) NOT NULL,
  opened_at DATETIME(6) NOT NULL,
  lead_unit_id VARCHAR(64) NOT NULL,
  -- NULL while the item is open.
  closed_at DATETIME(6) NULL,
  PRIMARY KEY (item_id, opened_at),
  KEY item_spans_by_time (opened_at, closed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How far the scheduler has generated each recurring series of cut-offs:
-- "periods" holds the next period id, "dispatch_cycles" the next month.
CREATE TABLE generation_marks (
  series VARCHAR(64) NOT NULL PRIMARY KEY,
  next_key VARCHAR(32) NOT NULL,
  updated_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
