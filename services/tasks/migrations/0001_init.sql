-- Items. The columns carry every field queries filter or sort on; `body` holds
-- the whole Item message as JSON (notes, extensions and the rest), so a read is
-- one row. The light is never stored: it is derived from the clock on read.
CREATE TABLE items (
  id VARCHAR(96) NOT NULL PRIMARY KEY,
  source_kind TINYINT NOT NULL,
  source_document_id VARCHAR(64) NOT NULL DEFAULT '',
  source_event_id VARCHAR(64) NOT NULL DEFAULT '',
  leader_id VARCHAR(64) NOT NULL DEFAULT '',
  -- The matter the source document names first.
  matter_id VARCHAR(64) NOT NULL DEFAULT '',
  lead_unit_id VARCHAR(64) NOT NULL,
  content TEXT NOT NULL,
  -- 'D' date-only (deadline_date holds the local day) or 'I' instant.
  deadline_kind CHAR(1) NOT NULL,
  deadline_date DATE NULL,
  -- The deadline in force as a UTC instant: the end of the local day for a date.
  due_at DATETIME(6) NOT NULL,
  original_due_at DATETIME(6) NOT NULL,
  status TINYINT NOT NULL,
  referred_at DATETIME(6) NULL,
  parent_item_id VARCHAR(96) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  reported_complete_at DATETIME(6) NULL,
  closed_at DATETIME(6) NULL,
  revision BIGINT NOT NULL,
  body LONGTEXT NOT NULL,
  KEY items_by_due (due_at, id),
  KEY items_by_lead (lead_unit_id, due_at),
  KEY items_by_document (source_document_id),
  KEY items_by_leader (leader_id),
  KEY items_by_parent (parent_item_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The units of an item: its lead unit ('L') and each responsible unit ('R'),
-- so "the items of unit U" is an index lookup.
CREATE TABLE item_units (
  item_id VARCHAR(96) NOT NULL,
  unit_id VARCHAR(64) NOT NULL,
  role CHAR(1) NOT NULL,
  position INT NOT NULL,
  PRIMARY KEY (item_id, role, unit_id),
  KEY item_units_by_unit (unit_id, role, item_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
