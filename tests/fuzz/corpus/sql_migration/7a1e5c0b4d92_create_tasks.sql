-- Revision ID: 7a1e5c0b4d92
-- Revises: 3f6d2a8c91e0
-- Message: create tasks

-- retort:upgrade
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    assignee_id INTEGER REFERENCES users (id),
    title VARCHAR(200) NOT NULL,
    description TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    estimated_hours INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_tasks_project_id ON tasks (project_id);
CREATE INDEX ix_tasks_assignee_id ON tasks (assignee_id);

-- retort:downgrade
DROP INDEX ix_tasks_assignee_id;
DROP INDEX ix_tasks_project_id;
DROP TABLE tasks;
