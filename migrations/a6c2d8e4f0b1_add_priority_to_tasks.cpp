#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "a6c2d8e4f0b1",
    .down_revision = "5b7e9a3c2f14",
    .message = "add priority to tasks",
};

// A schema change and the data that goes with it: tasks already in progress
// start with a higher priority than pending ones.
void upgrade(retort::Op& op) {
  op.execute("ALTER TABLE tasks ADD COLUMN priority INTEGER NOT NULL DEFAULT 1");
  op.execute("UPDATE tasks SET priority = 2 WHERE status = 'in_progress'");
  op.execute("CREATE INDEX ix_tasks_status_priority ON tasks (status, priority)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP INDEX ix_tasks_status_priority");
  op.execute("ALTER TABLE tasks DROP COLUMN priority");
}
