-- Revision ID: 4d5e6f708192
-- Revision ID: 4d5e6f708193
-- Revises: base
-- Message: twice
-- Transactional: maybe
SELECT 'before the marker';
-- retort:upgrade
SELECT 1;
-- retort:upgrade
SELECT 2;
-- retort:downgrade
-- retort:downgrade
