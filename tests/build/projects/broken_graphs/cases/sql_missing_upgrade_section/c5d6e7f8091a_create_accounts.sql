-- Revision ID: c5d6e7f8091a
-- Revises: base
-- Message: create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
