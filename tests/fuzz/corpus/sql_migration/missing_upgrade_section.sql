-- Revision ID: d6e7f8091a2b
-- Revises: c5d6e7f8091a
-- Message: add refunds

CREATE TABLE refunds (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds;
