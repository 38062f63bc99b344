-- A liaison change's reason holds up to 2,000 characters (common/validation.h).
ALTER TABLE liaison_terms MODIFY reason VARCHAR(2000) NOT NULL DEFAULT '';
