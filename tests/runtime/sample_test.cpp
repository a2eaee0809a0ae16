// End to end with the compiled sample set (migrations/, built by retortc):
// the project-manager service and app_migrations-migrate, on SQLite and
// PostgreSQL. Expectations come from the registry itself.
#include <app_migrations.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "retort/retort.hpp"
#include "retort/revision_map.hpp"
#include "runtime_fixture.hpp"

namespace retort::test {
namespace {

class Sample : public RuntimeTest {
 protected:
  int run_service(std::string& output) {
    return run_command(fmt::format("DATABASE_URL='{}' {}", url(), PROJECT_MANAGER), output);
  }
  int migrate(const std::string& args, std::string& output) {
    return run_command(fmt::format("env -u DATABASE_URL {} --url '{}' {}", APP_MIGRATE, url(), args), output);
  }
  std::set<std::string> user_tables() {
    std::string sql = postgres() ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                                 : "SELECT name FROM sqlite_master WHERE type = 'table'";
    std::set<std::string> out;
    // Retort's own tables (retort_version and its bookkeeping) are not the set's.
    for (auto& row : db().query(sql).rows) {
      if (!row[0]->starts_with("retort_")) out.insert(*row[0]);
    }
    return out;
  }
};

TEST_P(Sample, ServiceMigratesAtStartupThenFindsItselfAtHead) {
  const Registry& registry = app_migrations::registry();
  RevisionMap map = RevisionMap::from_registry(registry);
  ASSERT_EQ(map.heads().size(), 1u);
  const std::string head = map.heads()[0];

  std::string output;
  ASSERT_EQ(run_service(output), 0) << output;
  for (const Migration& m : registry.migrations) {
    EXPECT_NE(output.find(fmt::format("-> {}, {}", m.id, m.message)), std::string::npos) << m.id << "\n" << output;
  }
  EXPECT_NE(output.find(fmt::format("applied {} migration(s), schema now at {}", registry.migrations.size(), head)),
            std::string::npos)
      << output;
  EXPECT_NE(output.find("serving 1 user(s), 1 project(s), 1 task(s)"), std::string::npos) << output;
  EXPECT_EQ(version_rows(), std::set<std::string>{head});
  for (const char* table : {"users", "projects", "tasks"}) EXPECT_TRUE(user_tables().count(table)) << table;

  ASSERT_EQ(run_service(output), 0) << output;
  EXPECT_NE(output.find(fmt::format("schema already at head ({})", head)), std::string::npos) << output;
  EXPECT_EQ(output.find("Running upgrade"), std::string::npos) << output;
  EXPECT_TRUE(status(registry, url(), {}).at_head);
}

TEST_P(Sample, MigrateCommandWalksTheSetDownAndUp) {
  std::string output;
  ASSERT_EQ(migrate("upgrade head", output), 0) << output;
  std::set<std::string> tables = user_tables();
  ASSERT_FALSE(tables.empty());
  ASSERT_EQ(migrate("current", output), 0) << output;
  EXPECT_EQ(output, fmt::format("{} (head)\n", RevisionMap::from_registry(app_migrations::registry()).heads()[0]));
  ASSERT_EQ(migrate("downgrade base", output), 0) << output;
  EXPECT_TRUE(user_tables().empty()) << output;
  EXPECT_TRUE(version_rows().empty());
  ASSERT_EQ(migrate("upgrade heads", output), 0) << output;
  EXPECT_EQ(user_tables(), tables);
  EXPECT_EQ(migrate("check", output), 0) << output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, Sample, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_name);

}  // namespace
}  // namespace retort::test
