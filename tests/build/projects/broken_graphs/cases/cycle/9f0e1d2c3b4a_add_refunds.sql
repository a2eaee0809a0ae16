-- Revision ID: 9f0e1d2c3b4a
-- Revises: 9b8a7f6e5d4c
-- Message: add refunds

-- retort:upgrade
CREATE TABLE refunds_9f0e1d2c3b4a (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds_9f0e1d2c3b4a;
