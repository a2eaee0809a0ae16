#include <retort/migration.hpp>

using namespace retort;

constexpr Revision revision{
    .id = "a6c2d8e4f0b1",
    .down_revision = "5b7e9a3c2f14",
    .message = "add priority to tasks",
};

// A schema change and the data that goes with it: tasks already in progress
// start with a higher priority than pending ones.
void upgrade(Op& op) {
  op.add_column("tasks", Column("priority", Integer).nullable(false).server_default(1));
  op.execute("UPDATE tasks SET priority = ? WHERE status = ?", {2, "in_progress"});
  op.create_index("ix_tasks_status_priority", "tasks", {"status", "priority"});
}

void downgrade(Op& op) {
  op.drop_index("ix_tasks_status_priority");
  op.drop_column("tasks", "priority");
}
