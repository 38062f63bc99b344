-- Supervision cases (one per subject) and the notices sent to unit liaisons.
-- Each row keeps the full message in `body` plus the columns that are
-- filtered, ordered or kept unique.
CREATE TABLE cases (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  subject_kind INT NOT NULL,
  subject_id VARCHAR(190) NOT NULL,
  unit_id VARCHAR(64) NOT NULL,
  state INT NOT NULL,
  referred TINYINT NOT NULL,
  opened_at DATETIME(6) NOT NULL,
  closed_at DATETIME(6) NULL,
  body LONGBLOB NOT NULL,
  UNIQUE KEY cases_one_per_subject (subject_kind, subject_id),
  KEY cases_by_unit (unit_id, opened_at, id),
  KEY cases_by_time (opened_at, id),
  KEY cases_by_state (state, opened_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notices (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  kind INT NOT NULL,
  subject_kind INT NOT NULL,
  subject_id VARCHAR(190) NOT NULL,
  unit_id VARCHAR(64) NOT NULL,
  case_id VARCHAR(64) NULL,
  at DATETIME(6) NOT NULL,
  body LONGBLOB NOT NULL,
  KEY notices_by_unit (unit_id, at, id),
  KEY notices_by_time (at, id),
  KEY notices_by_subject (subject_kind, subject_id, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
