// Offline output is what online execution runs: the runtime's migrator
// writes the `--sql` script for a set of C++ migrations using every kind of
// operation; its statements equal, one by one, those the same migrations send
// to a live database, and psql / sqlite3 running the script reach the schema
// the online migrator reaches.
#include <gtest/gtest.h>

#include <fstream>

#include "migrator.hpp"
#include "ops_support.hpp"
#include "round_trip.hpp"
#include "retort/migration.hpp"
#include "retort/registry.hpp"
#include "sql_text.hpp"

namespace retort::test {
namespace {


void up_schema(Op& op) {
  op.create_table("users", Column("id", Integer).primary_key(), Column("email", String(255)).nullable(false),
                  Column("created_at", DateTime).server_default(sql("CURRENT_TIMESTAMP")));
  op.create_table("notifications", Column("id", Integer).primary_key(),
                  Column("user_id", Integer).references("users.id", {.ondelete = "CASCADE"}),
                  Column("message", Text).nullable(false), Column("read", Boolean).server_default(false),
                  CheckConstraint("length(message) > 0", {.name = "ck_notifications_message"}),
                  TableComment{"what users are told"});
  op.create_index("ix_notifications_unread", "notifications", {"user_id"}, {.where = "read = false"});
}

void down_schema(Op& op) {
  op.drop_index("ix_notifications_unread");
  op.drop_table("notifications");
  op.drop_table("users");
}

void up_data(Op& op) {
  op.bulk_insert("users", {"id", "email"}, {{1, "ada@example.com"}, {2, "o'brien@example.com"}});
  op.execute("INSERT INTO notifications (user_id, message) VALUES (?, ?)", {2, "it's ready; really"});
  op.add_column("users", Column("name", String(100)).nullable(true));
  op.execute("UPDATE users SET name = ? WHERE id = ?", {"Ada", 1});
}

void down_data(Op& op) {
  op.drop_column("users", "name");
  op.execute("DELETE FROM notifications");
  op.execute("DELETE FROM users");
}

void up_alter(Op& op) {
  op.batch_alter_table("users", [](BatchOp& batch) {
    batch.alter_column("name", {.new_column_name = "display_name"});
    batch.create_index("ix_users_display_name", {"display_name"});
  });
  if (op.dialect() == SqlDialect::postgresql) {
    op.alter_column("users", "display_name", {.type = Text, .server_default = "anonymous", .comment = "shown"});
    op.add_column("users", Column("mood", Enum("mood", {"happy", "sad"})));
    op.create_foreign_key("fk_users_self", "notifications", "users", {"user_id"}, {"id"}, {.not_valid = true});
    op.validate_constraint("fk_users_self", "notifications");
    op.autocommit_block([&] { op.create_index("ix_users_email", "users", {"email"}, {.concurrently = true}); });
  }
}

void down_alter(Op& op) {
  if (op.dialect() == SqlDialect::postgresql) {
    op.autocommit_block([&] { op.drop_index("ix_users_email", {.concurrently = true}); });
    op.drop_constraint("fk_users_self", "notifications");
    op.drop_column("users", "mood");
    op.drop_enum("mood");
    op.alter_column("users", "display_name",
                    {.type = String(100), .server_default = no_default, .comment = "", .existing_type = Text});
  }
  op.batch_alter_table("users", [](BatchOp& batch) {
    batch.drop_index("ix_users_display_name");
    batch.alter_column("display_name", {.new_column_name = "name"});
  });
}

constexpr std::string_view schema_id[] = {"schema1"};
constexpr std::string_view data_id[] = {"data2"};

constexpr Migration migrations[] = {
    {.id = "schema1", .message = "notifications", .source_path = __FILE__, .source_line = __LINE__,
     .checksum = "sha256:1", .transactional = true, .upgrade = up_schema, .downgrade = down_schema},
    {.id = "data2", .down_revisions = schema_id, .message = "seed users", .source_path = __FILE__,
     .source_line = __LINE__, .checksum = "sha256:2", .transactional = true, .upgrade = up_data,
     .downgrade = down_data},
    {.id = "alter3", .down_revisions = data_id, .message = "rename and more", .source_path = __FILE__,
     .source_line = __LINE__, .checksum = "sha256:3", .transactional = true, .upgrade = up_alter,
     .downgrade = down_alter},
};
constexpr Registry registry{"ops_offline", "/src/migrations", migrations};

class OfflineOnline : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
  detail::Migrator migrator() const { return detail::Migrator(registry, detail::VersionTable("retort_version", "")); }

  // Runs an offline script with the dialect's own command-line client.
  void run_script(TestDatabase& database, const std::string& script, const TempDir& dir) {
    std::string path = (dir / "script.sql").string();
    std::ofstream(path) << script;
    std::string command = GetParam() == SqlDialect::postgresql
                              ? "psql -q -v ON_ERROR_STOP=1 -d '" + database.client_target() + "' -f " + path
                              : "sqlite3 -bail '" + database.client_target() + "' < " + path;
    std::string output;
    ASSERT_EQ(run_command(command, output), 0) << output << "\nscript:\n" << script;
  }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, OfflineOnline, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

TEST_P(OfflineOnline, ScriptStatementsEqualTheStatementsRunOnlineOneByOne) {
  std::string script = migrator().upgrade_sql(GetParam(), "head", TransactionMode::per_migration, {});
  auto database = TestDatabase::open(GetParam(), "offline_statements");
  up_schema(database->op());
  up_data(database->op());
  up_alter(database->op());
  std::vector<std::string> online;
  for (const auto& statement : database->sink().statements) {
    online.push_back(statement.params.empty() ? statement.sql
                                              : detail::inline_parameters(statement.sql, statement.params, GetParam()));
  }
  EXPECT_EQ(operation_statements(script), online) << script;
}

TEST_P(OfflineOnline, ScriptRunByTheClientReachesTheOnlineSchemaBothWays) {
  auto online = TestDatabase::open(GetParam(), "offline_online");
  auto scripted = TestDatabase::open(GetParam(), "offline_scripted");
  detail::Migrator m = migrator();
  m.upgrade(online->db(), "head", TransactionMode::per_migration, {});

  TempDir dir;
  run_script(*scripted, m.upgrade_sql(GetParam(), "head", TransactionMode::per_migration, {}), dir);
  EXPECT_EQ(scripted->schema(), online->schema());
  EXPECT_EQ(scripted->rows("SELECT id, email, display_name FROM users ORDER BY id"),
            online->rows("SELECT id, email, display_name FROM users ORDER BY id"));

  m.downgrade(online->db(), "base", TransactionMode::per_migration, {});
  run_script(*scripted, m.downgrade_sql(GetParam(), "head:base", TransactionMode::per_migration, {}), dir);
  // As with Alembic, an offline downgrade to base also drops the version
  // table, which the online downgrade keeps (empty).
  EXPECT_EQ(scripted->schema(), "");
  EXPECT_EQ(without_version_table(online->schema()), "");
}

void up_reads_rows(Op& op) {
  for (ResultRow row : op.connection().query("SELECT id FROM users")) {
    op.execute("UPDATE users SET email = lower(email) WHERE id = ?", {row.integer(0)});
  }
}

constexpr Migration reading_migrations[] = {
    {.id = "reads4", .message = "lower-case emails", .source_path = "/src/migrations/reads4_lower_emails.cpp",
     .source_line = 3, .checksum = "sha256:4", .transactional = true, .upgrade = up_reads_rows,
     .downgrade = up_reads_rows},
};
constexpr Registry reading_registry{"ops_reading", "/src/migrations", reading_migrations};

void up_refused_on_sqlite(Op& op) {
  op.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, code TEXT)");
  op.alter_column("accounts", "code", {.nullable = false});
}
constexpr unsigned refused_line = __LINE__ - 2;

constexpr Migration refused_migrations[] = {
    {.id = "refused5", .message = "code required", .source_path = "/src/migrations/refused5_code_required.cpp",
     .source_line = 3, .checksum = "sha256:5", .transactional = true, .upgrade = up_refused_on_sqlite,
     .downgrade = up_refused_on_sqlite},
};
constexpr Registry refused_registry{"ops_refused", "/src/migrations", refused_migrations};

TEST(OperationErrors, ARefusedOperationFailsTheMigrationWithRevisionLineAndRemedy) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "refused");
  detail::Migrator m(refused_registry, detail::VersionTable("retort_version", ""));
  try {
    m.upgrade(database->db(), "head", TransactionMode::per_migration, {});
    FAIL() << "the migration must fail";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("refused5"), std::string::npos) << message;
    EXPECT_EQ(message.rfind("/src/migrations/refused5_code_required.cpp:" + std::to_string(refused_line) + ": error: ",
                            0),
              0u)
        << message;
    EXPECT_NE(message.find("op.alter_column(\"accounts\", \"code\") at line " + std::to_string(refused_line)),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("op.batch_alter_table(\"accounts\""), std::string::npos) << message;
  }
  // The transaction was rolled back: the CREATE TABLE before the refusal is gone.
  EXPECT_EQ(database->value("SELECT count(*) FROM sqlite_master WHERE name = 'accounts'"), "0");
}

// Offline, the refusal points at the op's line too, as the text says.
TEST(OperationErrors, ARefusedOperationOfflineNamesTheOpsLine) {
  detail::Migrator m(refused_registry, detail::VersionTable("retort_version", ""));
  try {
    m.upgrade_sql(SqlDialect::sqlite, "head", TransactionMode::per_migration, {});
    FAIL() << "the script must be refused";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind("/src/migrations/refused5_code_required.cpp:" + std::to_string(refused_line) + ": error: ",
                            0),
              0u)
        << message;
    EXPECT_NE(message.find("at line " + std::to_string(refused_line)), std::string::npos) << message;
  }
}

TEST(OfflineDataMigration, ReadingRowsOfflineIsAnErrorNamingTheRevision) {
  detail::Migrator m(reading_registry, detail::VersionTable("retort_version", ""));
  try {
    m.upgrade_sql(SqlDialect::sqlite, "head", TransactionMode::per_migration, {});
    FAIL() << "reading rows offline must fail";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("reads4"), std::string::npos) << message;
    EXPECT_NE(message.find("/src/migrations/reads4_lower_emails.cpp"), std::string::npos) << message;
    EXPECT_NE(message.find("SELECT id FROM users"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace retort::test
