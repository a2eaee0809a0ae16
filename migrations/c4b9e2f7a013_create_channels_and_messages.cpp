#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "c4b9e2f7a013",
    .down_revision = "7a1e5c0b4d92",
    .message = "create channels and messages",
};

// Channels belong to a project; messages to a channel. Listing a channel
// reads its newest messages first, hence the composite index.
static void create_channels(retort::Op& op) {
  op.execute(R"sql(
    CREATE TABLE channels (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects (id),
        name VARCHAR(100) NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
    ))sql");
  op.execute("CREATE UNIQUE INDEX ix_channels_project_id_name ON channels (project_id, name)");
}

static void create_messages(retort::Op& op) {
  op.execute(R"sql(
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL REFERENCES channels (id),
        author_id INTEGER NOT NULL REFERENCES users (id),
        body TEXT NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
    ))sql");
  op.execute("CREATE INDEX ix_messages_channel_id_created_at ON messages (channel_id, created_at)");
}

void upgrade(retort::Op& op) {
  create_channels(op);
  create_messages(op);
}

void downgrade(retort::Op& op) {
  op.execute("DROP INDEX ix_messages_channel_id_created_at");
  op.execute("DROP TABLE messages");
  op.execute("DROP INDEX ix_channels_project_id_name");
  op.execute("DROP TABLE channels");
}
