// `upgrade --sql` scripts carry the linter's findings as comments directly
// above the statements that break a rule.
#include <gtest/gtest.h>

#include "lint/annotator.hpp"
#include "lint_support.hpp"
#include "migrator.hpp"

#ifdef APP_MIGRATE
#include "test_support.hpp"
#endif

namespace retort::lint_test {
namespace {

std::string annotated(const Registry& registry, std::string_view range = "heads",
                      SqlDialect dialect = SqlDialect::postgresql) {
  detail::Migrator migrator(registry, detail::VersionTable("retort_version", ""));
  auto annotator = lint::annotator_for(dialect);
  return migrator.upgrade_sql(dialect, range, TransactionMode::per_migration, {}, annotator.get());
}

// The text right above `statement` in `script`, up to the blank line before it.
std::string comments_above(const std::string& script, const std::string& statement) {
  const std::size_t at = script.find("\n" + statement);
  if (at == std::string::npos) return "(statement not in script)";
  const std::size_t blank = script.rfind("\n\n", at);
  return script.substr(blank + 2, at + 1 - (blank + 2));
}

constexpr const char* kBase = "CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);\n";

TEST(AnnotatedScript, RiskyStatementsAreCommentedWithTheRuleAndSafeOnesAreNot) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change", "ALTER TABLE users DROP COLUMN name;\n"
                     "CREATE INDEX CONCURRENTLY ix_users_id ON users (id);\n"
                     "-- retort:allow drop-table: users moved to accounts in release 3\n"
                     "DROP TABLE users;\n");
  const std::string script = annotated(set.registry());
  EXPECT_EQ(comments_above(script, "CREATE TABLE users"), "") << script;
  EXPECT_EQ(comments_above(script, "ALTER TABLE users DROP COLUMN name;"),
            "-- retort-lint: warning [drop-column]: DROP COLUMN users.name: code of the running release that still "
            "reads or writes it fails at once\n")
      << script;
  EXPECT_NE(comments_above(script, "CREATE INDEX CONCURRENTLY").find("-- retort-lint: error "
                                                                     "[non-transactional-in-transaction]: "),
            std::string::npos)
      << script;
  EXPECT_EQ(comments_above(script, "DROP TABLE users;"),
            "-- retort-lint: allowed [drop-table]: users moved to accounts in release 3\n")
      << script;
  EXPECT_EQ(comments_above(script, "INSERT INTO retort_version"), "") << "version-table statements are Retort's";
}

TEST(AnnotatedScript, ATableCreatedInTheSameMigrationIsNew) {
  MigrationSet set;
  set.sql("base", std::string(kBase) + "CREATE INDEX ix_users_email ON users (email);\n");
  const std::string script = annotated(set.registry());
  EXPECT_EQ(script.find("retort-lint"), std::string::npos) << script;
}

TEST(AnnotatedScript, ARangeJudgesTablesItDidNotSeeCreatedAsExisting) {
  MigrationSet set;
  set.sql("base", kBase).sql("index", "CREATE INDEX ix_users_email ON users (email);\n");
  EXPECT_NE(comments_above(annotated(set.registry(), "base:heads"), "CREATE INDEX ix_users_email")
                .find("[add-index-non-concurrently]"),
            std::string::npos);
}

TEST(AnnotatedScript, AnSqliteScriptCarriesSqlitesRules) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change", "CREATE INDEX ix_users_email ON users (email);\nALTER TABLE users DROP COLUMN name;\n");
  const std::string script = annotated(set.registry(), "heads", SqlDialect::sqlite);
  EXPECT_EQ(comments_above(script, "CREATE INDEX ix_users_email"), "") << "SQLite has no CONCURRENTLY:\n" << script;
  EXPECT_NE(comments_above(script, "ALTER TABLE users DROP COLUMN name;").find("[drop-column]"), std::string::npos)
      << script;
}

void drop_a_column_with_a_line_break_in_its_name(Op& op) {
  op.drop_column("users", "name\nDROP TABLE users; --");
}

TEST(AnnotatedScript, ALineBreakInAnIdentifierCannotEndTheComment) {
  MigrationSet set;
  set.sql("base", kBase).cpp("change", drop_a_column_with_a_line_break_in_its_name, "annotate_test.cpp");
  const std::string script = annotated(set.registry());
  EXPECT_NE(script.find("-- retort-lint: warning [drop-column]: DROP COLUMN users.name DROP TABLE users; --"),
            std::string::npos)
      << script;
  EXPECT_EQ(script.find("\nDROP TABLE users; --"), script.find("\nDROP TABLE users; --\""))
      << "only the quoted identifier of the statement itself may hold the line break:\n"
      << script;
}

#ifdef APP_MIGRATE
TEST(AnnotatedScript, TheSampleSetsUpgradeSqlShowsItsOneWarning) {
  std::string script;
  ASSERT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " upgrade --sql --dialect postgresql head 2>/dev/null",
                                      script),
            0);
  EXPECT_EQ(comments_above(script, "CREATE INDEX ix_tasks_status_priority"),
            "-- retort-lint: warning [add-index-non-concurrently]: CREATE INDEX ix_tasks_status_priority on existing "
            "table tasks without CONCURRENTLY blocks writes to it (SHARE lock) until the index is built\n")
      << script;
  std::size_t count = 0;
  for (std::size_t at = script.find("retort-lint"); at != std::string::npos; at = script.find("retort-lint", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << script;

  std::string sqlite;
  ASSERT_EQ(
      retort::test::run_command(std::string(APP_MIGRATE) + " upgrade --sql --dialect sqlite head 2>/dev/null", sqlite),
      0);
  EXPECT_EQ(sqlite.find("retort-lint"), std::string::npos) << "nothing in it breaks SQLite's rules:\n" << sqlite;
}
#endif

}  // namespace
}  // namespace retort::lint_test
