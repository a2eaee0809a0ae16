-- Revision ID: e7f8091a2b3c
-- Revises: base
-- Message: create accounts
-- Create Date: 2026-01-01 09:00:00 UTC
--
-- Ordinary prose is fine here, even with a colon: like this one.
-- See https://www.postgresql.org/docs/current/sql-createindex.html

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT);

-- retort:downgrade
DROP TABLE accounts;
