-- Submitted reports, one per lead unit and period; the full message in `body`.
CREATE TABLE reports (
  unit_id VARCHAR(64) NOT NULL,
  period_id CHAR(9) NOT NULL,
  id VARCHAR(64) NOT NULL,
  submitted_at DATETIME(6) NOT NULL,
  late TINYINT NOT NULL,
  body LONGBLOB NOT NULL,
  PRIMARY KEY (unit_id, period_id),
  UNIQUE KEY reports_id (id),
  KEY reports_period (period_id, unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Submitted office digests, one per period.
CREATE TABLE digests (
  period_id CHAR(9) NOT NULL PRIMARY KEY,
  id VARCHAR(64) NOT NULL,
  submitted_at DATETIME(6) NOT NULL,
  late TINYINT NOT NULL,
  body LONGBLOB NOT NULL,
  UNIQUE KEY digests_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Issued monthly analyses, one per month.
CREATE TABLE analyses (
  month CHAR(7) NOT NULL PRIMARY KEY,
  id VARCHAR(64) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  body LONGBLOB NOT NULL,
  UNIQUE KEY analyses_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
