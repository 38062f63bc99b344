-- The registry's schema. Times are DATETIME(6) in UTC, always passed in by the
-- service from its clock. Names compare byte for byte (utf8mb4_bin).

CREATE TABLE units (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(200) COLLATE utf8mb4_bin NOT NULL,
  active BOOLEAN NOT NULL DEFAULT TRUE,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY units_by_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every name a unit is found by: its full name, the base name before a
-- parenthesised alias and the alias itself (政府办（效能办）, 政府办, 效能办).
CREATE TABLE unit_names (
  name VARCHAR(200) COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
  unit_id VARCHAR(64) NOT NULL,
  -- 'name', 'base' or 'alias'.
  kind VARCHAR(8) NOT NULL,
  KEY unit_names_by_unit (unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE people (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  name VARCHAR(100) COLLATE utf8mb4_bin NOT NULL,
  phone VARCHAR(64) NOT NULL DEFAULT '',
  -- NULL when the OA system uses the person id as the subject.
  oa_subject VARCHAR(200) NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY people_by_oa_subject (oa_subject),
  KEY people_by_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Current roles; grants and revocations are kept in the audit trail.
CREATE TABLE role_grants (
  person_id VARCHAR(64) NOT NULL,
  kind INT NOT NULL,
  -- '' except for the unit liaison role.
  unit_id VARCHAR(64) NOT NULL DEFAULT '',
  granted_at DATETIME(6) NOT NULL,
  PRIMARY KEY (person_id, kind, unit_id),
  KEY role_grants_by_kind (kind, unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every liaison term of a unit; at most one open (ended_at NULL) per unit.
CREATE TABLE liaison_terms (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  unit_id VARCHAR(64) NOT NULL,
  person_id VARCHAR(64) NOT NULL,
  phone VARCHAR(64) NOT NULL DEFAULT '',
  started_at DATETIME(6) NOT NULL,
  ended_at DATETIME(6) NULL,
  reason VARCHAR(1000) NOT NULL DEFAULT '',
  changed_by VARCHAR(200) NOT NULL DEFAULT '',
  open_unit_id VARCHAR(64) AS (IF(ended_at IS NULL, unit_id, NULL)) PERSISTENT,
  UNIQUE KEY liaison_terms_one_open (open_unit_id),
  KEY liaison_terms_by_unit (unit_id, started_at),
  KEY liaison_terms_by_person (person_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per change of the matter registry. content_sha256 is the digest of
-- the imported file (empty for other changes).
CREATE TABLE registry_versions (
  version BIGINT NOT NULL PRIMARY KEY,
  created_at DATETIME(6) NOT NULL,
  created_by VARCHAR(200) NOT NULL,
  source VARCHAR(64) NOT NULL,
  content_sha256 VARCHAR(64) NOT NULL DEFAULT '',
  matters_added INT NOT NULL DEFAULT 0,
  matters_changed INT NOT NULL DEFAULT 0,
  matters_retired INT NOT NULL DEFAULT 0,
  KEY registry_versions_by_time (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A matter's identity across versions: its leader and its order among the leader's rows.
CREATE TABLE matters (
  id VARCHAR(64) NOT NULL PRIMARY KEY,
  leader_id VARCHAR(64) NOT NULL,
  leader_order INT NOT NULL,
  created_version BIGINT NOT NULL,
  UNIQUE KEY matters_by_leader (leader_id, leader_order)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A state of a matter, valid in versions [valid_from_version, valid_to_version)
-- (valid_to_version NULL: still current). A retired matter has a retired state.
CREATE TABLE matter_states (
  state_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  matter_id VARCHAR(64) NOT NULL,
  valid_from_version BIGINT NOT NULL,
  valid_to_version BIGINT NULL,
  number INT NOT NULL,
  content TEXT NOT NULL,
  cycle INT NOT NULL,
  all_units BOOLEAN NOT NULL,
  supervising_leader_id VARCHAR(64) NOT NULL,
  retired BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE KEY matter_states_by_matter (matter_id, valid_from_version),
  KEY matter_states_by_version (valid_from_version, valid_to_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE matter_state_lead_units (
  state_id BIGINT NOT NULL,
  position INT NOT NULL,
  unit_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (state_id, position),
  KEY matter_state_lead_units_by_unit (unit_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE matter_state_office_liaisons (
  state_id BIGINT NOT NULL,
  position INT NOT NULL,
  person_id VARCHAR(64) NOT NULL,
  PRIMARY KEY (state_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE calendar_days (
  day DATE NOT NULL PRIMARY KEY,
  kind INT NOT NULL,
  name VARCHAR(100) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
