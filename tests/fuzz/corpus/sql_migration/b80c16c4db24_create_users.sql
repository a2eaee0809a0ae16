-- Revision ID: b80c16c4db24
-- Revises: base
-- Message: create users

-- retort:upgrade
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(100) NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX ix_users_email ON users (email);

-- retort:downgrade
DROP INDEX ix_users_email;
DROP TABLE users;
