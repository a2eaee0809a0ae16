-- Revision ID: 1a2b3c4d5e6f
-- Revises: base
-- Message: create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
