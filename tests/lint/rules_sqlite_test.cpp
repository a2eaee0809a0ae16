// The rules for sets that target SQLite: what SQLite's ALTER TABLE cannot
// do is an error at build time (on SQL statements and on C++ op calls the
// SQLite dialect refuses), and the destructive-change rules apply to what
// is sent to SQLite, once even when PostgreSQL is a target too.
#include <gtest/gtest.h>

#include "lint/rule.hpp"
#include "lint_support.hpp"

namespace retort::lint_test {
namespace {

using namespace retort;

unsigned g_line = 0;  // the line of the op call under test, set as it runs

constexpr const char* kBase = "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100), name TEXT);\n";

Options sqlite_only() {
  Options options;
  options.postgresql = false;
  return options;
}

Options both() { return Options{}; }

TEST(SqliteRules, WhatItsAlterTableCannotDoInAnSqlMigrationIsAnError) {
  const char* refused[] = {
      "ALTER TABLE users ALTER COLUMN email TYPE TEXT;",
      "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
      "ALTER TABLE users ALTER COLUMN email SET DEFAULT 'x';",
      "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);",
      "ALTER TABLE users DROP CONSTRAINT users_pkey;",
      "ALTER TABLE users ADD COLUMN code TEXT UNIQUE;",
      "ALTER TABLE users ADD COLUMN score INTEGER NOT NULL;",
      "ALTER TABLE users ADD COLUMN seen TIMESTAMP DEFAULT CURRENT_TIMESTAMP;",
  };
  for (const char* statement : refused) {
    MigrationSet set;
    set.sql("base", kBase).sql("change", std::string("-- the change\n") + statement + "\n");
    Result result = set.lint(sqlite_only());
    ASSERT_EQ(of_rule(result, "sqlite-unsupported").size(), 1u) << statement << "\n" << describe(result);
    const Finding finding = of_rule(result, "sqlite-unsupported")[0];
    EXPECT_EQ(finding.severity, lint::Severity::error);
    EXPECT_EQ(finding.line, 2u);
    EXPECT_NE(finding.message.find("SQLite cannot"), std::string::npos) << finding.message;
    EXPECT_TRUE(result.failed());
  }
}

TEST(SqliteRules, WhatItsAlterTableCanDoPasses) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change", "ALTER TABLE users ADD COLUMN score INTEGER NOT NULL DEFAULT 0;\n"
                     "ALTER TABLE users ADD COLUMN nickname TEXT;\n"
                     "ALTER TABLE users RENAME TO accounts;\n"
                     "CREATE TABLE fresh (id INTEGER PRIMARY KEY);\n"
                     "CREATE INDEX ix_accounts_email ON accounts (email);\n");
  Result result = set.lint(sqlite_only());
  EXPECT_TRUE(of_rule(result, "sqlite-unsupported").empty()) << describe(result);
}

TEST(SqliteRules, ItIsNotJudgedWhenSqliteIsNotATarget) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n");
  Options postgresql_only;
  postgresql_only.sqlite = false;
  EXPECT_TRUE(of_rule(set.lint(postgresql_only), "sqlite-unsupported").empty());
  EXPECT_EQ(of_rule(set.lint(both()), "sqlite-unsupported").size(), 1u);
}

void base(Op& op) {
  op.create_table("users", Column("id", Integer).primary_key(), Column("email", String(100)), Column("name", Text));
}

TEST(SqliteRules, AnOpCallTheSqliteDialectRefusesIsAnErrorAtItsLine) {
  MigrationSet set;
  set.cpp("base", base, "rules_sqlite_test.cpp").cpp("change", [](Op& op) {
    g_line = __LINE__ + 1;
    op.alter_column("users", "email", {.type = Text});
  }, "rules_sqlite_test.cpp");
  Result result = set.lint(both());
  ASSERT_EQ(of_rule(result, "sqlite-unsupported").size(), 1u) << describe(result);
  const Finding finding = of_rule(result, "sqlite-unsupported")[0];
  EXPECT_EQ(finding.line, g_line);
  EXPECT_EQ(finding.column, 5u);
  EXPECT_EQ(finding.path, test_file("rules_sqlite_test.cpp"));
  EXPECT_NE(finding.message.find("batch_alter_table"), std::string::npos) << finding.message;
  EXPECT_TRUE(result.failed());
}

TEST(SqliteRules, TheSameChangeInABatchIsNotRefused) {
  MigrationSet set;
  set.cpp("base", base, "rules_sqlite_test.cpp").cpp("change", [](Op& op) {
    op.batch_alter_table("users", [](BatchOp& batch) { batch.alter_column("email", {.type = Text}); });
  }, "rules_sqlite_test.cpp");
  Result result = set.lint(sqlite_only());
  EXPECT_TRUE(of_rule(result, "sqlite-unsupported").empty()) << describe(result);
  // Offline, the batch cannot read the table it recreates: said, not hidden,
  // whether or not PostgreSQL is a target too.
  for (const Options& options : {sqlite_only(), both()}) {
    Result result = set.lint(options);
    ASSERT_EQ(result.skipped.size(), 1u) << describe(result);
    EXPECT_NE(result.skipped[0].message.find("linted for SQLite only up to"), std::string::npos)
        << result.skipped[0].message;
  }
}

TEST(SqliteRules, ARefusedOpCallCanBeAllowedLikeAnyFinding) {
  MigrationSet set;
  set.cpp("base", base, "rules_sqlite_test.cpp").cpp("change", [](Op& op) {
    // retort:allow sqlite-unsupported: this set's SQLite copy is rebuilt from scratch, never migrated
    op.alter_column("users", "email", {.type = Text});
  }, "rules_sqlite_test.cpp");
  Result result = set.lint(both());
  EXPECT_TRUE(result.findings.empty()) << describe(result);
  ASSERT_EQ(result.suppressed.size(), 1u);
  EXPECT_EQ(result.suppressed[0].rule, "sqlite-unsupported");
}

TEST(SqliteRules, AnErrorOfTheOpItselfIsNotCalledSqlites) {
  MigrationSet set;
  set.cpp("base", base, "rules_sqlite_test.cpp").cpp("change", [](Op& op) {
    op.create_foreign_key("fk", "users", "users", {"id"}, {"id"}, {.match = "PARTIAL"});
  }, "rules_sqlite_test.cpp");
  Result result = set.lint(both());
  EXPECT_TRUE(result.findings.empty()) << describe(result);
  ASSERT_EQ(result.skipped.size(), 1u) << "noted once, by the PostgreSQL rendering";
  EXPECT_NE(result.skipped[0].message.find("PARTIAL"), std::string::npos) << result.skipped[0].message;
}

TEST(SqliteRules, DestructiveChangesAreReportedOnceForEitherTarget) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change", "ALTER TABLE users DROP COLUMN name;\n"
                     "ALTER TABLE users RENAME COLUMN email TO mail;\n"
                     "-- retort:allow drop-table: replaced by accounts in release 7\n"
                     "DROP TABLE users;\n");
  for (const Options& options : {sqlite_only(), both()}) {
    Result result = set.lint(options);
    EXPECT_EQ(of_rule(result, "drop-column").size(), 1u) << describe(result);
    EXPECT_EQ(of_rule(result, "rename-column").size(), 1u) << describe(result);
    EXPECT_TRUE(of_rule(result, "drop-table").empty()) << describe(result);
    ASSERT_EQ(result.suppressed.size(), 1u);
    EXPECT_EQ(result.suppressed[0].suppressed_reason, "replaced by accounts in release 7");
    EXPECT_EQ(result.revisions_checked, 2u);
  }
}

TEST(SqliteRules, PostgresqlOnlyRulesDoNotApplyToSqlite) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "CREATE INDEX ix_users_name ON users (name);\n");
  EXPECT_TRUE(set.lint(sqlite_only()).findings.empty()) << "SQLite has no CONCURRENTLY";
}

}  // namespace
}  // namespace retort::lint_test
