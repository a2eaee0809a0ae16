-- Revision ID: 5b7e9a3c2f14
-- Revises: e1a8f4c2d6b7
-- Message: create user_preferences

-- retort:upgrade
CREATE TABLE user_preferences (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    theme VARCHAR(20) NOT NULL DEFAULT 'light',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX idx_user_prefs_user_id ON user_preferences (user_id);

-- retort:downgrade
DROP INDEX idx_user_prefs_user_id;
DROP TABLE user_preferences;
