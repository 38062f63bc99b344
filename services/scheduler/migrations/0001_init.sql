-- Every deadline in the system, one per subject.
CREATE TABLE deadlines (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  subject_kind TINYINT NOT NULL,
  subject_id VARCHAR(191) NOT NULL,
  owner_unit_id VARCHAR(64) NOT NULL DEFAULT '',
  owner_person_id VARCHAR(64) NOT NULL DEFAULT '',
  rule VARCHAR(64) NOT NULL,
  -- The rule's inputs, a JSON object of strings.
  inputs_json TEXT NOT NULL,
  -- As given: 'D' date-only (deadline_date holds the local day) or 'I' instant.
  deadline_kind CHAR(1) NOT NULL,
  deadline_date DATE NULL,
  due_at DATETIME(6) NOT NULL,
  -- 1 pending, 2 met, 3 cancelled (duban.scheduler.v1.DeadlineState).
  state TINYINT NOT NULL,
  met_at DATETIME(6) NULL,
  label VARCHAR(512) NOT NULL DEFAULT '',
  revision BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY deadlines_by_subject (subject_kind, subject_id),
  KEY deadlines_by_due (due_at, id),
  KEY deadlines_by_owner (owner_unit_id, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The rungs of each deadline's ladder. `generation` is the deadline's revision
-- the rung was computed at: a moved deadline replaces its unfired rungs with a
-- new generation, while fired rungs stay as they were. Each row fires once.
CREATE TABLE ladder_rungs (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  deadline_id VARCHAR(64) NOT NULL,
  generation BIGINT NOT NULL,
  rung TINYINT NOT NULL,
  -- When the rung falls due: the logical time of its firing.
  due_at DATETIME(6) NOT NULL,
  -- The clock's time when it was fired; NULL until then.
  fired_at DATETIME(6) NULL,
  -- The outbox sequence of its RungFired event.
  event_seq BIGINT NULL,
  UNIQUE KEY ladder_rungs_once (deadline_id, rung, generation),
  KEY ladder_rungs_due (fired_at, due_at, id),
  KEY ladder_rungs_by_deadline (deadline_id, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
