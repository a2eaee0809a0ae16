#include <retort/migration.hpp>

// Merges the two heads, and adds what needed both of them: a view of what
// a user should look at (unread notifications and failed webhook deliveries).
constexpr retort::Revision revision{
    .id = "e1a8f4c2d6b7",
    .down_revision = {"4f2a9c1d7e3b", "9d3c7b5e1f28"},
    .message = "merge webhook_events and notifications",
};

void upgrade(retort::Op& op) {
  op.execute(R"sql(
    CREATE VIEW user_alerts AS
        SELECT user_id, 'notification' AS kind, message AS detail, created_at
        FROM notifications
        WHERE is_read = FALSE
        UNION ALL
        SELECT user_id, 'webhook_failure' AS kind, event_type AS detail, created_at
        FROM webhook_events
        WHERE status_code >= 400)sql");
}

void downgrade(retort::Op& op) {
  op.execute("DROP VIEW user_alerts");
}
