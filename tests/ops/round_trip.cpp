#include "round_trip.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "migrator.hpp"
#include "sql_text.hpp"

namespace retort::test {


std::vector<std::string> operation_statements(const std::string& script) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < script.size()) {
    std::size_t end = script.find("\n\n", start);
    if (end == std::string::npos) end = script.size();
    std::string chunk = script.substr(start, end - start);
    start = end + 2;
    if (chunk.empty() || chunk.starts_with("--") || chunk == "BEGIN;" || chunk == "COMMIT;" ||
        chunk.find("retort_version") != std::string::npos) {
      continue;
    }
    if (chunk.ends_with(";")) chunk.pop_back();
    out.push_back(chunk);
  }
  return out;
}

void expect_lines(const std::string& schema, const std::vector<std::string>& expected) {
  for (const auto& line : expected) {
    EXPECT_NE(schema.find(line + "\n"), std::string::npos) << "missing line: " << line << "\nschema:\n" << schema;
  }
}

std::string without_version_table(const std::string& schema) {
  std::string kept;
  std::size_t start = 0;
  while (start < schema.size()) {
    std::size_t end = schema.find('\n', start);
    std::string line = schema.substr(start, end - start);
    if (line.find("retort_version") == std::string::npos) kept += line + "\n";
    start = end + 1;
  }
  return kept;
}

namespace {

std::vector<std::string> online_statements(RecordingSink& sink, SqlDialect dialect) {
  std::vector<std::string> out;
  for (const auto& statement : sink.statements) {
    out.push_back(statement.params.empty() ? statement.sql
                                           : detail::inline_parameters(statement.sql, statement.params, dialect));
  }
  sink.statements.clear();
  return out;
}

void run_script(SqlDialect dialect, TestDatabase& database, const std::string& script) {
  TempDir dir;
  std::string path = (dir / "script.sql").string();
  std::ofstream(path) << script;
  std::string command = dialect == SqlDialect::postgresql
                            ? "psql -q -v ON_ERROR_STOP=1 -d '" + database.client_target() + "' -f " + path
                            : "sqlite3 -bail '" + database.client_target() + "' < " + path;
  std::string output;
  ASSERT_EQ(run_command(command, output), 0) << output << "\nscript:\n" << script;
}

}  // namespace

std::string expect_round_trip(SqlDialect dialect, MigrationFn upgrade, MigrationFn downgrade, const std::string& hint) {
  auto online = TestDatabase::open(dialect, hint + "_online");
  auto scripted = TestDatabase::open(dialect, hint + "_scripted");
  if (!online || !scripted) return {};
  const Migration migrations[] = {{.id = "round1", .message = hint, .source_path = "/src/migrations/round1.cpp",
                                   .source_line = 1, .checksum = "sha256:1", .transactional = true,
                                   .upgrade = upgrade, .downgrade = downgrade}};
  const Registry registry{"ops_round_trip", "/src/migrations", migrations};
  detail::Migrator migrator(registry, detail::VersionTable("retort_version", ""));
  const std::string empty = online->schema();

  upgrade(online->op());
  const std::string upgraded = online->schema();
  std::string up_script = migrator.upgrade_sql(dialect, "head", TransactionMode::per_migration, {});
  EXPECT_EQ(operation_statements(up_script), online_statements(online->sink(), dialect)) << up_script;
  run_script(dialect, *scripted, up_script);
  EXPECT_EQ(without_version_table(scripted->schema()), upgraded);

  downgrade(online->op());
  EXPECT_EQ(online->schema(), empty) << "the online downgrade leaves a different catalog";
  std::string down_script = migrator.downgrade_sql(dialect, "head:base", TransactionMode::per_migration, {});
  EXPECT_EQ(operation_statements(down_script), online_statements(online->sink(), dialect)) << down_script;
  run_script(dialect, *scripted, down_script);
  EXPECT_EQ(scripted->schema(), empty) << "the offline downgrade leaves a different catalog";
  return upgraded;
}

}  // namespace retort::test
