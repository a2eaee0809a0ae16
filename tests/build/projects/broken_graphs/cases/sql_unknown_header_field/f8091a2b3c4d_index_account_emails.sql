-- Revision ID: f8091a2b3c4d
-- Revises: e7f8091a2b3c
-- Message: index account emails
-- Transaction: false
-- Depend On: e7f8091a2b3c

-- retort:upgrade
CREATE INDEX CONCURRENTLY ix_accounts_email ON accounts (email);

-- retort:downgrade
DROP INDEX CONCURRENTLY ix_accounts_email;
