-- Revision ID: 2b3c4d5e6f70
-- Revises: 1a2b3c4d5e6f, 9f8e7d6c5b4a
-- Message: functions, triggers, quoting
-- Branch Labels: audit, reporting
-- Depends On: 0123456789ab
-- Transactional: false

-- retort:upgrade
CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN NEW.updated_at := now(); RETURN NEW; END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER touch_rows AFTER UPDATE ON rows FOR EACH ROW BEGIN UPDATE rows SET n = n + 1; END;
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE SQL BEGIN ATOMIC SELECT a + b; END;
INSERT INTO notes VALUES ('it''s; fine', E'escaped \' ; quote', "odd;name", $$ ; $$);
/* a /* nested */ comment; */ SELECT 1;
CREATE INDEX CONCURRENTLY ix_rows_n ON rows (n);

-- retort:downgrade
DROP INDEX CONCURRENTLY ix_rows_n;
DROP FUNCTION add(int, int);
DROP TRIGGER touch_rows;
DROP FUNCTION touch();
