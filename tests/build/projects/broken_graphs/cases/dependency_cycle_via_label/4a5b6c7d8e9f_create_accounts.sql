-- Revision ID: 4a5b6c7d8e9f
-- Revises: base
-- Message: create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
