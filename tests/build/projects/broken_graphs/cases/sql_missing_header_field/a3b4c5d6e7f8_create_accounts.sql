-- Revision ID: a3b4c5d6e7f8
-- Revises: base
-- Message: create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
