#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "3f6d2a8c91e0",
    .down_revision = "b80c16c4db24",
    .message = "create projects",
};

void upgrade(retort::Op& op) {
  op.execute(R"sql(
    CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        owner_id INTEGER NOT NULL REFERENCES users (id),
        name VARCHAR(200) NOT NULL,
        description TEXT,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
    ))sql");
  op.execute("CREATE INDEX ix_projects_owner_id ON projects (owner_id)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP INDEX ix_projects_owner_id");
  op.execute("DROP TABLE projects");
}
