-- The Watch feed: every change a subscriber may see, numbered in commit order.
-- watch_sequence holds the last number handed out; a writer locks its row
-- until commit, so numbers become visible in order and a reader that resumes
-- after number N never misses a row committed later with a smaller number.
CREATE TABLE watch_sequence (
  id INT NOT NULL PRIMARY KEY,
  last_seq BIGINT NOT NULL
) ENGINE=InnoDB;

INSERT INTO watch_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE watch_feed (
  seq BIGINT NOT NULL PRIMARY KEY,
  unit_id VARCHAR(64) NOT NULL,
  at DATETIME(6) NOT NULL,
  body LONGBLOB NOT NULL,
  KEY watch_feed_by_unit (unit_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Items supervision has seen in ItemChanged events, so that a unit is told of
-- a new item once.
CREATE TABLE seen_items (
  item_id VARCHAR(190) NOT NULL PRIMARY KEY,
  first_seen_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
