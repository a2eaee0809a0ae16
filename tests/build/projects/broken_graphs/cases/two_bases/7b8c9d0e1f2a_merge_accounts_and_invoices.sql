-- Revision ID: 7b8c9d0e1f2a
-- Revises: 5e6f708192a3, 6a7b8c9d0e1f
-- Message: merge accounts and invoices

-- retort:upgrade
CREATE TABLE refunds_7b8c9d0e1f2a (id INTEGER PRIMARY KEY);

-- retort:downgrade
DROP TABLE refunds_7b8c9d0e1f2a;
