#include <retort/migration.hpp>

using namespace retort;

// Written in parallel with 4f2a9c1d7e3b (add webhook_events): both revise
// c4b9e2f7a013, and e1a8f4c2d6b7 merges the two heads again.
constexpr Revision revision{
    .id = "9d3c7b5e1f28",
    .down_revision = "c4b9e2f7a013",
    .message = "create notifications",
};

// The operations API: Retort renders each call for the database it runs on.
void upgrade(Op& op) {
  op.create_table("notifications",
                  Column("id", Integer).primary_key(),
                  Column("user_id", Integer).nullable(false).references("users.id"),
                  Column("message", Text).nullable(false),
                  Column("is_read", Boolean).nullable(false).server_default(false),
                  Column("created_at", DateTime).nullable(false).server_default(sql("CURRENT_TIMESTAMP")));
  op.create_index("ix_notifications_user_id", "notifications", {"user_id"});
}

void downgrade(Op& op) {
  op.drop_index("ix_notifications_user_id");
  op.drop_table("notifications");
}
