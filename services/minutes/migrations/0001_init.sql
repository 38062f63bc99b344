-- Dispatch events and their documents. Each row keeps the full message in
-- `body` (serialized protobuf) plus the columns that are filtered, ordered or
-- kept unique.
CREATE TABLE dispatch_events (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  leader_id VARCHAR(64) NOT NULL,
  kind INT NOT NULL,
  held_at DATETIME(6) NOT NULL,
  held_on DATE NOT NULL,
  drafting_unit_id VARCHAR(64) NOT NULL,
  recorded_at DATETIME(6) NOT NULL,
  body LONGBLOB NOT NULL,
  KEY dispatch_events_by_leader (leader_id, held_at, id),
  KEY dispatch_events_by_time (held_at, id),
  KEY dispatch_events_by_drafter (drafting_unit_id, held_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE documents (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  event_id VARCHAR(64) NOT NULL,
  leader_id VARCHAR(64) NOT NULL,
  drafting_unit_id VARCHAR(64) NOT NULL,
  kind INT NOT NULL,
  state INT NOT NULL,
  -- Set when the document has a number: unique per prefix and year.
  number_prefix VARCHAR(128) NULL,
  number_year INT NULL,
  number_serial INT NULL,
  revision BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  body LONGBLOB NOT NULL,
  UNIQUE KEY documents_one_per_event (event_id),
  UNIQUE KEY documents_number (number_prefix, number_year, number_serial),
  KEY documents_by_leader (leader_id, created_at, id),
  KEY documents_by_drafter (drafting_unit_id, created_at, id),
  KEY documents_by_time (created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
