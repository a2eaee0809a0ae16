-- Revision ID: 6e5d4c3b2a19
-- Revises: 2b3c4d5e6f70
-- Message: add refunds

-- retort:upgrade
CREATE TABLE refunds_6e5d4c3b2a19 (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds_6e5d4c3b2a19;
