// `--sql` scripts: their exact text, and that psql / sqlite3 run them into
// the same state as online execution.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "migrator.hpp"
#include "retort/error.hpp"
#include "retort/retort.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

detail::Migrator linear() { return detail::Migrator(kLinearRegistry, detail::VersionTable("retort_version", "")); }

TEST(OfflineScript, UpgradeFromBaseIsAlembicShaped) {
  std::string script = linear().upgrade_sql(SqlDialect::postgresql, "r2", TransactionMode::per_migration, {});
  EXPECT_EQ(script,
            "BEGIN;\n\n"
            "CREATE TABLE retort_version (\n"
            "    version_num VARCHAR(32) NOT NULL, \n"
            "    CONSTRAINT retort_version_pkc PRIMARY KEY (version_num)\n"
            ");\n\n"
            "-- Running upgrade  -> r1\n\n"
            "CREATE TABLE t_r1 (id INTEGER PRIMARY KEY);\n\n"
            "INSERT INTO retort_version (version_num) VALUES ('r1');\n\n"
            "COMMIT;\n\n"
            "BEGIN;\n\n"
            "-- Running upgrade r1 -> r2\n\n"
            "CREATE TABLE t_r2 (id INTEGER PRIMARY KEY, note VARCHAR(20));\n\n"
            "INSERT INTO t_r2 (id, note) VALUES (1, 'it''s r2');\n\n"
            "UPDATE retort_version SET version_num='r2' WHERE retort_version.version_num = 'r1';\n\n"
            "COMMIT;\n\n");
}

TEST(OfflineScript, SingleTransactionRangeAndDowngradeToBase) {
  std::string up = linear().upgrade_sql(SqlDialect::sqlite, "r1:r3", TransactionMode::whole_run, {});
  EXPECT_EQ(up,
            "BEGIN;\n\n"
            "-- Running upgrade r1 -> r2\n\n"
            "CREATE TABLE t_r2 (id INTEGER PRIMARY KEY, note VARCHAR(20));\n\n"
            "INSERT INTO t_r2 (id, note) VALUES (1, 'it''s r2');\n\n"
            "UPDATE retort_version SET version_num='r2' WHERE retort_version.version_num = 'r1';\n\n"
            "-- Running upgrade r2 -> r3\n\n"
            "CREATE TABLE t_r3 (id INTEGER PRIMARY KEY);\n\n"
            "UPDATE retort_version SET version_num='r3' WHERE retort_version.version_num = 'r2';\n\n"
            "COMMIT;\n\n");

  std::string down = linear().downgrade_sql(SqlDialect::postgresql, "r1:base", TransactionMode::per_migration, {});
  EXPECT_EQ(down,
            "BEGIN;\n\n"
            "-- Running downgrade r1 -> \n\n"
            "DROP TABLE t_r1;\n\n"
            "DELETE FROM retort_version WHERE retort_version.version_num = 'r1';\n\n"
            "COMMIT;\n\n"
            "DROP TABLE retort_version;\n\n");

  try {
    linear().downgrade_sql(SqlDialect::postgresql, "base", TransactionMode::per_migration, {});
    FAIL() << "downgrade --sql without a range";
  } catch (const RevisionError& e) {
    EXPECT_NE(std::string(e.what()).find("FROM:TO"), std::string::npos) << e.what();
  }
}

TEST(OfflineScript, NonTransactionalMigrationsStandOutsideBeginCommit) {
  detail::Migrator migrator(kConcurrentRegistry, detail::VersionTable("retort_version", ""));
  std::string script = migrator.upgrade_sql(SqlDialect::postgresql, "n1:n2", TransactionMode::whole_run, {});
  EXPECT_EQ(script,
            "-- Running upgrade n1 -> n2\n\n"
            "CREATE INDEX CONCURRENTLY ix_n1_email ON t_n1 (email);\n\n"
            "UPDATE retort_version SET version_num='n2' WHERE retort_version.version_num = 'n1';\n\n");
}

TEST(OfflineScript, StampScripts) {
  detail::Migrator migrator(kBranchyRegistry, detail::VersionTable("alembic_version", "ops"));
  EXPECT_EQ(migrator.stamp_sql(SqlDialect::postgresql, {"b1"}, {}),
            "BEGIN;\n\n"
            "CREATE TABLE ops.alembic_version (\n"
            "    version_num VARCHAR(32) NOT NULL, \n"
            "    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
            ");\n\n"
            "INSERT INTO ops.alembic_version (version_num) VALUES ('b1');\n\n"
            "COMMIT;\n\n");
  EXPECT_EQ(migrator.stamp_sql(SqlDialect::postgresql, {"b1:m1"}, {}),
            "BEGIN;\n\n"
            "UPDATE ops.alembic_version SET version_num='m1' WHERE alembic_version.version_num = 'b1';\n\n"
            "COMMIT;\n\n");
  EXPECT_THROW(migrator.stamp_sql(SqlDialect::postgresql, {"a1:b1", "x1:x2"}, {}), RevisionError);
}

class OfflineRun : public RuntimeTest {};

// The script, run by the database's own command-line client, leaves the
// database exactly where online execution does.
TEST_P(OfflineRun, ClientRunsTheScriptToTheSameState) {
  std::string script = linear().upgrade_sql(GetParam(), "head", TransactionMode::per_migration, {});
  TempDir dir;
  std::string path = (dir / "upgrade.sql").string();
  std::ofstream(path) << script;
  std::string command;
  if (postgres()) {
    command = fmt::format("psql -X -q -v ON_ERROR_STOP=1 -d '{}' -f '{}'", url(), path);
  } else {
    command = fmt::format("sqlite3 -bail '{}' < '{}'", url().substr(std::string("sqlite:///").size()), path);
  }
  std::string output;
  ASSERT_EQ(run_command(command, output), 0) << output;
  EXPECT_EQ(version_rows(), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
  EXPECT_TRUE(status(kLinearRegistry, url(), {}).at_head);

  std::string down = linear().downgrade_sql(GetParam(), "r3:r1", TransactionMode::per_migration, {});
  std::ofstream(path) << down;
  ASSERT_EQ(run_command(command, output), 0) << output;
  EXPECT_EQ(version_rows(), Strings{"r1"});
  EXPECT_EQ(revision_tables(), Strings{"r1"});
}

INSTANTIATE_TEST_SUITE_P(Dialects, OfflineRun, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite), dialect_name);

}  // namespace
}  // namespace retort::test
