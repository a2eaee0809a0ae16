-- Revision ID: 4f2a9c1d7e3b
-- Revises: c4b9e2f7a013
-- Message: add webhook_events

-- retort:upgrade
-- Outgoing webhook audit, one row per delivery attempt.
CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    event_type VARCHAR(100) NOT NULL,
    target_url VARCHAR(2048) NOT NULL,
    payload TEXT NOT NULL,
    status_code INTEGER,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_webhook_events_user_id ON webhook_events (user_id);
CREATE INDEX ix_webhook_events_created_at ON webhook_events (created_at);

-- retort:downgrade
DROP INDEX ix_webhook_events_created_at;
DROP INDEX ix_webhook_events_user_id;
DROP TABLE webhook_events;
