-- Revision ID: 1c0ffee1d2e3
-- Revises: base
-- Message: create customers

-- retort:upgrade
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);

-- retort:downgrade
DROP TABLE customers;
