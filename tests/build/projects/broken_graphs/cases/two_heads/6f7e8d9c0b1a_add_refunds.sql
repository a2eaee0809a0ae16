-- Revision ID: 6f7e8d9c0b1a
-- Revises: 4d5e6f708192
-- Message: add refunds

-- retort:upgrade
CREATE TABLE refunds_6f7e8d9c0b1a (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds_6f7e8d9c0b1a;
