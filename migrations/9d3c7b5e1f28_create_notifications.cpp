#include <retort/migration.hpp>

// Written in parallel with 4f2a9c1d7e3b (add webhook_events): both revise
// c4b9e2f7a013, and e1a8f4c2d6b7 merges the two heads again.
constexpr retort::Revision revision{
    .id = "9d3c7b5e1f28",
    .down_revision = "c4b9e2f7a013",
    .message = "create notifications",
};

void upgrade(retort::Op& op) {
  op.execute(R"sql(
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        message TEXT NOT NULL,
        is_read BOOLEAN NOT NULL DEFAULT FALSE,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
    ))sql");
  op.execute("CREATE INDEX ix_notifications_user_id ON notifications (user_id)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP INDEX ix_notifications_user_id");
  op.execute("DROP TABLE notifications");
}
