// A database that real Alembic (/usr/bin/alembic, psycopg2) migrated is taken
// over by configuring the version table as alembic_version: no stamp, and
// Alembic still reads the table afterwards.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <functional>

#include "alembic_project.hpp"
#include "retort/retort.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

class AlembicTakeover : public RuntimeTest {};

TEST_P(AlembicTakeover, RetortContinuesWhereAlembicStopped) {
  TempDir project;
  std::string alembic = write_alembic_project(project.path(), url(), kLinearRegistry);
  std::string output;
  ASSERT_EQ(run_command(alembic + " upgrade r2", output), 0) << output;
  ASSERT_EQ(version_rows("alembic_version"), Strings{"r2"});

  UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(0);
  options.version_table = "alembic_version";
  UpgradeResult result = upgrade(kLinearRegistry, url(), "head", options);
  ASSERT_EQ(result.applied.size(), 1u);
  EXPECT_EQ(result.applied[0].revision, "r3");
  EXPECT_EQ(result.heads_before, std::vector<std::string>{"r2"});
  EXPECT_EQ(version_rows("alembic_version"), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
  EXPECT_FALSE(table_exists("retort_version"));

  // Alembic reads the table Retort wrote, and can walk back down with it.
  ASSERT_EQ(run_command(alembic + " current", output), 0) << output;
  EXPECT_NE(output.find("r3 (head)"), std::string::npos) << output;
  ASSERT_EQ(run_command(alembic + " downgrade r1", output), 0) << output;
  EXPECT_EQ(status(kLinearRegistry, url(), options).pending, (std::vector<std::string>{"r2", "r3"}));
}

// Without --version-table alembic_version, Retort would start from base.
TEST_P(AlembicTakeover, AlembicDatabaseWithoutTheFlagIsRefusedBeforeAnythingIsTouched) {
  TempDir project;
  std::string alembic = write_alembic_project(project.path(), url(), kLinearRegistry);
  std::string output;
  ASSERT_EQ(run_command(alembic + " upgrade r2", output), 0) << output;

  UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(0);
  for (auto call : {std::function<void()>([&] { upgrade(kLinearRegistry, url(), "head", options); }),
                    std::function<void()>([&] { status(kLinearRegistry, url(), options); })}) {
    try {
      call();
      ADD_FAILURE() << "an Alembic database was used without its version table";
    } catch (const Error& e) {
      std::string message = e.what();
      EXPECT_NE(message.find("has no version table retort_version, but it has Alembic's alembic_version (at r2)"),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("pass --version-table alembic_version"), std::string::npos) << message;
    }
  }
  EXPECT_FALSE(table_exists("retort_version"));
  EXPECT_FALSE(table_exists("retort_history"));
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2"}));
  EXPECT_EQ(version_rows("alembic_version"), Strings{"r2"});
}

INSTANTIATE_TEST_SUITE_P(Dialects, AlembicTakeover,
                         ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite), dialect_name);

}  // namespace
}  // namespace retort::test
