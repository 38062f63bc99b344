-- Issued circulars, one per month. The full message is kept in `body`.
CREATE TABLE circulars (
  month CHAR(7) NOT NULL PRIMARY KEY,
  id VARCHAR(64) NOT NULL,
  state INT NOT NULL,
  issued_at DATETIME(6) NULL,
  body LONGBLOB NOT NULL,
  UNIQUE KEY circulars_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
