-- Revision ID: 6c7d8e9f0a1b
-- Revises: 4a5b6c7d8e9f
-- Depends On: billing
-- Message: add refunds

-- retort:upgrade
CREATE TABLE refunds (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds;
