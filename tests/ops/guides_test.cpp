// The migrations of the guides users come from (../shared/seeds/), written
// with retort::Op. Each must give the same schema (and rows) as the
// equivalent hand-written SQL, and its downgrade must restore the catalog.
#include <gtest/gtest.h>

#include <functional>

#include "ops_support.hpp"
#include "retort/error.hpp"

namespace retort::test {
namespace {


const char* const setup_sql =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(50) NOT NULL, first_name VARCHAR(255));"
    "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT);"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, status VARCHAR(50), estimated_hours INTEGER, description TEXT);"
    "INSERT INTO users VALUES (1, 'ada', 'Ada'), (2, 'bob', 'Bob');"
    "INSERT INTO tasks VALUES (1, 'pending', 3, 'x'), (2, 'in_progress', 5, 'y'), (3, 'done', 1, 'z');";

class GuideTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
  bool postgres() const { return GetParam() == SqlDialect::postgresql; }

  // Runs the guide's C++ migration on one database and the hand-written SQL
  // on another; both end with the same schema and rows, and the C++
  // downgrade restores the first database's catalog.
  void check(const std::string& name, const std::function<void(Op&)>& upgrade,
             const std::function<void(Op&)>& downgrade, const std::string& hand_sql,
             const std::string& rows_sql = "") {
    auto with_op = TestDatabase::open(GetParam(), name + "_op");
    auto by_hand = TestDatabase::open(GetParam(), name + "_sql");
    with_op->db().execute(setup_sql);
    by_hand->db().execute(setup_sql);
    const std::string before = with_op->schema();

    upgrade(with_op->op());
    by_hand->db().execute(hand_sql);
    EXPECT_EQ(with_op->schema(), by_hand->schema()) << "statements run:\n" << statements(*with_op);
    EXPECT_NE(with_op->schema(), before);
    if (!rows_sql.empty()) EXPECT_EQ(with_op->rows(rows_sql), by_hand->rows(rows_sql));

    downgrade(with_op->op());
    EXPECT_EQ(with_op->schema(), before);
  }

  static std::string statements(TestDatabase& database) {
    std::string out;
    for (const auto& s : database.sink().statements) out += s.sql + ";\n";
    return out;
  }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, GuideTest, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

// op.add_column('projects', sa.Column('tags', sa.ARRAY(sa.String), nullable=True))
TEST_P(GuideTest, TagsArrayColumn) {
  if (!postgres()) {
    // SQLite has no arrays: the migration is refused before anything runs.
    auto database = TestDatabase::open(GetParam(), "tags_sqlite");
    database->db().execute(setup_sql);
    const std::string before = database->schema();
    try {
      database->op().add_column("projects", Column("tags", Array(String)).nullable(true));
      FAIL() << "SQLite must refuse an ARRAY column";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("SQLite has no ARRAY type; store the list as JSON"), std::string::npos)
          << e.what();
    }
    EXPECT_EQ(database->schema(), before);
    return;
  }
  check(
      "tags", [](Op& op) { op.add_column("projects", Column("tags", Array(String)).nullable(true)); },
      [](Op& op) { op.drop_column("projects", "tags"); }, "ALTER TABLE projects ADD COLUMN tags VARCHAR[]");
}

// op.create_table('notifications', id pk, user_id FK users.id, message Text NOT NULL,
// read Boolean (Python-side default), created_at DateTime server_default now());
// op.create_index('ix_notifications_user', 'notifications', ['user_id'])
TEST_P(GuideTest, NotificationsTableWithIndex) {
  const char* now = postgres() ? "now()" : "CURRENT_TIMESTAMP";
  check(
      "notifications",
      [&](Op& op) {
        op.create_table("notifications", Column("id", Integer).primary_key(),
                        Column("user_id", Integer).references("users.id"), Column("message", Text).nullable(false),
                        Column("read", Boolean), Column("created_at", DateTime).server_default(sql(now)));
        op.create_index("ix_notifications_user", "notifications", {"user_id"});
      },
      [](Op& op) { op.drop_table("notifications"); },
      postgres() ? "CREATE TABLE notifications (id SERIAL PRIMARY KEY, user_id INTEGER REFERENCES users (id), "
                   "message TEXT NOT NULL, read BOOLEAN, created_at TIMESTAMP DEFAULT now());"
                   "CREATE INDEX ix_notifications_user ON notifications (user_id)"
                 : "CREATE TABLE notifications (id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER REFERENCES users (id), "
                   "message TEXT NOT NULL, read BOOLEAN, created_at DATETIME DEFAULT (CURRENT_TIMESTAMP));"
                   "CREATE INDEX ix_notifications_user ON notifications (user_id)");
}

// op.alter_column('tasks', 'estimated_hours', type_=sa.Float(), existing_type=sa.Integer())
// (SQLite: inside batch_alter_table, which recreates the table)
TEST_P(GuideTest, IntegerToFloatTypeChange) {
  auto upgrade = [&](Op& op) {
    if (postgres()) {
      op.alter_column("tasks", "estimated_hours", {.type = Float, .existing_type = Integer});
    } else {
      op.batch_alter_table("tasks", [](BatchOp& batch) {
        batch.alter_column("estimated_hours", {.type = Float, .existing_type = Integer});
      });
    }
  };
  auto downgrade = [&](Op& op) {
    if (postgres()) {
      op.alter_column("tasks", "estimated_hours", {.type = Integer, .existing_type = Float});
    } else {
      op.batch_alter_table("tasks", [](BatchOp& batch) {
        batch.alter_column("estimated_hours", {.type = Integer, .existing_type = Float});
      });
    }
  };
  check("float", upgrade, downgrade,
        postgres() ? "ALTER TABLE tasks ALTER COLUMN estimated_hours TYPE FLOAT"
                   : "CREATE TABLE new_tasks (id INTEGER PRIMARY KEY, status VARCHAR(50), estimated_hours FLOAT, "
                     "description TEXT);"
                     "INSERT INTO new_tasks SELECT id, status, CAST(estimated_hours AS FLOAT), description FROM tasks;"
                     "DROP TABLE tasks; ALTER TABLE new_tasks RENAME TO tasks",
        "SELECT id, estimated_hours FROM tasks ORDER BY id");
}

// add_column email nullable, UPDATE to backfill, alter_column nullable=False
TEST_P(GuideTest, AddBackfillThenNotNull) {
  auto upgrade = [&](Op& op) {
    op.add_column("users", Column("email", String(255)).nullable(true));
    op.execute("UPDATE users SET email = username || '@example.com' WHERE email IS NULL");
    if (postgres()) {
      op.alter_column("users", "email", {.nullable = false});
    } else {
      op.batch_alter_table("users", [](BatchOp& batch) { batch.alter_column("email", {.nullable = false}); });
    }
  };
  check("backfill", upgrade, [](Op& op) { op.drop_column("users", "email"); },
        postgres() ? "ALTER TABLE users ADD COLUMN email VARCHAR(255);"
                     "UPDATE users SET email = username || '@example.com' WHERE email IS NULL;"
                     "ALTER TABLE users ALTER COLUMN email SET NOT NULL"
                   : "CREATE TABLE new_users (id INTEGER PRIMARY KEY, username VARCHAR(50) NOT NULL, "
                     "first_name VARCHAR(255), email VARCHAR(255) NOT NULL);"
                     "INSERT INTO new_users SELECT id, username, first_name, username || '@example.com' FROM users;"
                     "DROP TABLE users; ALTER TABLE new_users RENAME TO users",
        "SELECT id, email FROM users ORDER BY id");
}

// Two-step rename: migration 1 adds full_name and copies, migration 2 drops
// first_name; and the guide's direct rename (description -> details).
TEST_P(GuideTest, TwoStepRename) {
  auto upgrade = [](Op& op) {
    op.add_column("users", Column("full_name", String(255)));
    op.execute("UPDATE users SET full_name = first_name");
    op.drop_column("users", "first_name");
    op.alter_column("tasks", "description", {.new_column_name = "details"});
  };
  auto downgrade = [](Op& op) {
    op.alter_column("tasks", "details", {.new_column_name = "description"});
    op.add_column("users", Column("first_name", String(255)));
    op.execute("UPDATE users SET first_name = full_name");
    op.drop_column("users", "full_name");
  };
  check("rename", upgrade, downgrade,
        "ALTER TABLE users ADD COLUMN full_name VARCHAR(255);"
        "UPDATE users SET full_name = first_name;"
        "ALTER TABLE users DROP COLUMN first_name;"
        "ALTER TABLE tasks RENAME COLUMN description TO details",
        "SELECT id, full_name FROM users ORDER BY id");
}

// op.execute("CREATE INDEX CONCURRENTLY idx_users_email ON users(email)") /
// op.drop_index('idx_users_email'), with the operation instead of raw SQL.
TEST_P(GuideTest, ConcurrentIndex) {
  auto upgrade = [](Op& op) {
    op.autocommit_block([&] { op.create_index("idx_users_email", "users", {"username"}, {.concurrently = true}); });
  };
  check("concurrent", upgrade, [](Op& op) { op.drop_index("idx_users_email", "users"); },
        postgres() ? "CREATE INDEX CONCURRENTLY idx_users_email ON users(username)"
                   : "CREATE INDEX idx_users_email ON users(username)");
}

// op.create_table('user_preferences', id BigInteger pk, user_id String(100) NOT NULL,
// theme String(20) (Python-side default), created_at DateTime(timezone=True) server_default now());
// op.create_index('idx_user_prefs_user_id', ...); downgrade drops the index, then the table
TEST_P(GuideTest, UserPreferencesTable) {
  const char* now = postgres() ? "now()" : "CURRENT_TIMESTAMP";
  check(
      "preferences",
      [&](Op& op) {
        op.create_table("user_preferences", Column("id", BigInteger).primary_key(),
                        Column("user_id", String(100)).nullable(false), Column("theme", String(20)),
                        Column("created_at", DateTime(with_timezone)).server_default(sql(now)));
        op.create_index("idx_user_prefs_user_id", "user_preferences", {"user_id"});
      },
      [](Op& op) {
        op.drop_index("idx_user_prefs_user_id");
        op.drop_table("user_preferences");
      },
      postgres() ? "CREATE TABLE user_preferences (id BIGSERIAL PRIMARY KEY, user_id VARCHAR(100) NOT NULL, "
                   "theme VARCHAR(20), created_at TIMESTAMPTZ DEFAULT now());"
                   "CREATE INDEX idx_user_prefs_user_id ON user_preferences (user_id)"
                 : "CREATE TABLE user_preferences (id INTEGER NOT NULL PRIMARY KEY, user_id VARCHAR(100) NOT NULL, "
                   "theme VARCHAR(20), created_at DATETIME DEFAULT (CURRENT_TIMESTAMP));"
                   "CREATE INDEX idx_user_prefs_user_id ON user_preferences (user_id)");
}

// op.create_table('metrics', time DateTime(timezone=True) primary key, value Float)
TEST_P(GuideTest, MetricsTableWithATimestampKey) {
  check(
      "metrics",
      [](Op& op) {
        op.create_table("metrics", Column("time", DateTime(with_timezone)).primary_key(), Column("value", Float));
      },
      [](Op& op) { op.drop_table("metrics"); },
      postgres() ? "CREATE TABLE metrics (time TIMESTAMP WITH TIME ZONE PRIMARY KEY, value DOUBLE PRECISION)"
                 : "CREATE TABLE metrics (time DATETIME NOT NULL PRIMARY KEY, value FLOAT)");
}

// The data migration: add priority, read the rows and write each back,
// then make it NOT NULL.
TEST_P(GuideTest, DataMigrationReadingAndWritingRows) {
  auto upgrade = [&](Op& op) {
    op.add_column("tasks", Column("priority", Integer).nullable(true));
    Connection connection = op.connection();
    for (ResultRow row : connection.query("SELECT id, status FROM tasks ORDER BY id")) {
      int priority = row.text("status") == "pending" ? 1 : row.text("status") == "in_progress" ? 2 : 3;
      connection.execute("UPDATE tasks SET priority = ? WHERE id = ?", {priority, row.integer("id")});
    }
    if (postgres()) {
      op.alter_column("tasks", "priority", {.nullable = false});
    } else {
      op.batch_alter_table("tasks", [](BatchOp& batch) { batch.alter_column("priority", {.nullable = false}); });
    }
  };
  check("data", upgrade, [](Op& op) { op.drop_column("tasks", "priority"); },
        postgres() ? "ALTER TABLE tasks ADD COLUMN priority INTEGER;"
                     "UPDATE tasks SET priority = 1 WHERE status = 'pending';"
                     "UPDATE tasks SET priority = 2 WHERE status = 'in_progress';"
                     "UPDATE tasks SET priority = 3 WHERE priority IS NULL;"
                     "ALTER TABLE tasks ALTER COLUMN priority SET NOT NULL"
                   : "CREATE TABLE new_tasks (id INTEGER PRIMARY KEY, status VARCHAR(50), estimated_hours INTEGER, "
                     "description TEXT, priority INTEGER NOT NULL);"
                     "INSERT INTO new_tasks SELECT id, status, estimated_hours, description, "
                     "CASE status WHEN 'pending' THEN 1 WHEN 'in_progress' THEN 2 ELSE 3 END FROM tasks;"
                     "DROP TABLE tasks; ALTER TABLE new_tasks RENAME TO tasks",
        "SELECT id, priority FROM tasks ORDER BY id");
}

}  // namespace
}  // namespace retort::test
