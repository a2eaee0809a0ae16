-- Revision ID: b4c5d6e7f809
-- Revises: a3b4c5d6e7f8

-- retort:upgrade
CREATE TABLE refunds (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds;
