-- Revision ID: 1b2c3d4e5f60
-- Revises: base
-- Message: create accounts

-- retort:upgrade
CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);

-- retort:downgrade
DROP TABLE accounts;
