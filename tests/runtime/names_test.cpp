// Retort's own tables (version, history, lease) and their schema under any
// name: reserved words and mixed case, on both databases, checked in the
// catalog under exactly the name given.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "retort/retort.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {


struct Names {
  const char* version_table;
  const char* history_table;
};

class OwnTableNames : public RuntimeTest {
 protected:
  UpgradeOptions options(const Names& names, LockMode lock) {
    UpgradeOptions options;
    options.retry_for = std::chrono::milliseconds(0);
    options.version_table = names.version_table;
    options.safety.history_table = names.history_table;
    options.safety.lock_mode = lock;
    return options;
  }

  // Tables of the database with exactly this name (case kept).
  bool has_table(const std::string& schema, const std::string& name) {
    std::vector<detail::Value> params{name};
    if (!postgres())
      return db().query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", params).rows.size() == 1;
    params.insert(params.begin(), schema);
    return db().query("SELECT 1 FROM pg_tables WHERE schemaname = ? AND tablename = ?", params).rows.size() == 1;
  }

  std::string quoted(const std::string& name) { return "\"" + name + "\""; }

  void round_trip(const Names& names, LockMode lock, const std::string& schema = "") {
    UpgradeOptions opts = options(names, lock);
    opts.version_table_schema = schema;
    const std::string in = schema.empty() ? (postgres() ? "public" : "") : schema;
    const std::string prefix = schema.empty() ? "" : quoted(schema) + ".";

    upgrade(kLinearRegistry, url(), "head", opts);
    EXPECT_TRUE(has_table(in, names.version_table));
    EXPECT_TRUE(has_table(in, names.history_table));
    EXPECT_EQ(version_rows(prefix + quoted(names.version_table)), (std::set<std::string>{"r3"}));
    const auto applied = db().query(fmt::format("SELECT count(*) FROM {}{}", prefix, quoted(names.history_table)));
    EXPECT_EQ(applied.rows.at(0).at(0).value_or(""), "3");
    EXPECT_TRUE(status(kLinearRegistry, url(), opts).at_head);

    downgrade(kLinearRegistry, url(), "base", opts);
    EXPECT_TRUE(version_rows(prefix + quoted(names.version_table)).empty());
    EXPECT_TRUE(revision_tables().empty());
  }
};

TEST_P(OwnTableNames, ReservedWords) { round_trip({"order", "select"}, LockMode::automatic); }

TEST_P(OwnTableNames, MixedCaseAndSpaces) { round_trip({"MyVersions", "History Log"}, LockMode::automatic); }

// The lease table lives beside the version table, in its schema.
TEST_P(OwnTableNames, LeaseLockWithReservedNames) { round_trip({"table", "user"}, LockMode::lease); }

TEST_P(OwnTableNames, SchemaNamedWithAReservedWordOrMixedCase) {
  if (!postgres()) GTEST_SKIP() << "SQLite has no schemas";
  db().execute("CREATE SCHEMA \"order\"");
  db().execute("CREATE SCHEMA \"Ops Team\"");
  round_trip({"order", "select"}, LockMode::automatic, "order");
  round_trip({"MyVersions", "History"}, LockMode::lease, "Ops Team");
  EXPECT_TRUE(has_table("Ops Team", "retort_lock"));
}

// The bug as a new user met it: `--version-table order` on SQLite.
TEST_P(OwnTableNames, CommandLineVersionTableOrder) {
  std::string output;
  const int status = run_command(
      fmt::format("env -u DATABASE_URL {} --url '{}' --version-table order upgrade head", LINEAR_MIGRATE, url()),
      output);
  EXPECT_EQ(status, 0) << output;
  EXPECT_EQ(version_rows("\"order\""), (std::set<std::string>{"r3"}));
  output.clear();
  EXPECT_EQ(run_command(fmt::format("env -u DATABASE_URL {} --url '{}' --version-table order current", LINEAR_MIGRATE,
                                    url()),
                        output),
            0)
      << output;
  EXPECT_NE(output.find("r3"), std::string::npos) << output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, OwnTableNames, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_name);

}  // namespace
}  // namespace retort::test
