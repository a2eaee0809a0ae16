-- Revision ID: 2c3d4e5f6071
-- Revises: 1b2c3d4e5f6
-- Message: add refunds

-- retort:upgrade
CREATE TABLE refunds_2c3d4e5f6071 (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds_2c3d4e5f6071;
