-- Revision ID: 1a2b3c4d5e6f
-- Revises: base
-- Message: crlf endings

-- retort:upgrade
CREATE TABLE t (id INTEGER);
-- retort:downgrade
DROP TABLE t;
