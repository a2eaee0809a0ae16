// The guides' zero-downtime examples (../shared/seeds/), written with
// retort::Op as tests/ops/guides_test.cpp applies them, lint with exactly
// the findings they deserve: the concurrent index is clean, the backfill
// pattern warns only at the SET NOT NULL it still scans under lock, and
// the two-step rename warns only at the step that breaks the old release.
#include <gtest/gtest.h>

#include <vector>

#include "lint_support.hpp"

namespace retort::lint_test {
namespace {

using namespace retort;

constexpr const char* kSetup =
    "CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR(50) NOT NULL, first_name VARCHAR(255));\n"
    "CREATE TABLE tasks (id INTEGER PRIMARY KEY, status VARCHAR(50), description TEXT);\n";

Options only(bool postgresql) {
  Options options;
  options.postgresql = postgresql;
  options.sqlite = !postgresql;
  return options;
}

std::vector<std::string> rules_of(const Result& result) {
  std::vector<std::string> rules;
  for (const Finding& finding : result.findings) rules.push_back(finding.rule);
  return rules;
}

using Rules = std::vector<std::string>;

TEST(GuidesLint, TheConcurrentIndexIsClean) {
  MigrationSet set;
  set.sql("setup", kSetup).cpp("index", [](Op& op) {
    op.autocommit_block([&] { op.create_index("idx_users_email", "users", {"username"}, {.concurrently = true}); });
  }, "guides_lint_test.cpp");
  EXPECT_EQ(rules_of(set.lint(Options{})), Rules{}) << describe(set.lint(Options{}));
}

TEST(GuidesLint, AddBackfillThenNotNullWarnsAtTheSetNotNullOnPostgresql) {
  MigrationSet set;
  set.sql("setup", kSetup).cpp("email", [](Op& op) {
    op.add_column("users", Column("email", String(255)).nullable(true));
    op.execute("UPDATE users SET email = username || '@example.com' WHERE email IS NULL");
    op.alter_column("users", "email", {.nullable = false});
  }, "guides_lint_test.cpp");
  EXPECT_EQ(rules_of(set.lint(only(true))), Rules{"set-not-null-without-check"});
  // The same op on SQLite cannot run outside a batch: the build says so.
  EXPECT_EQ(rules_of(set.lint(only(false))), Rules{"sqlite-unsupported"});
}

TEST(GuidesLint, TheBackfillWithAValidatedCheckFirstIsClean) {
  MigrationSet set;
  set.sql("setup", kSetup)
      .cpp("email", [](Op& op) {
        op.add_column("users", Column("email", String(255)).nullable(true));
        op.execute("UPDATE users SET email = username || '@example.com' WHERE email IS NULL");
        op.execute("ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID");
      }, "guides_lint_test.cpp")
      .cpp("validate", [](Op& op) {
        op.validate_constraint("users_email_nn", "users");
        op.alter_column("users", "email", {.nullable = false});
      }, "guides_lint_test.cpp");
  EXPECT_EQ(rules_of(set.lint(only(true))), Rules{}) << describe(set.lint(only(true)));
}

TEST(GuidesLint, TheBatchVersionOnSqliteIsNotRefused) {
  MigrationSet set;
  set.sql("setup", kSetup).cpp("email", [](Op& op) {
    op.add_column("users", Column("email", String(255)).nullable(true));
    op.execute("UPDATE users SET email = username || '@example.com' WHERE email IS NULL");
    op.batch_alter_table("users", [](BatchOp& batch) { batch.alter_column("email", {.nullable = false}); });
  }, "guides_lint_test.cpp");
  EXPECT_EQ(rules_of(set.lint(only(false))), Rules{});
}

TEST(GuidesLint, TheTwoStepRenameWarnsOnlyWhereTheOldReleaseBreaks) {
  MigrationSet set;
  set.sql("setup", kSetup)
      .cpp("release_1", [](Op& op) {
        op.add_column("users", Column("full_name", String(255)));
        op.execute("UPDATE users SET full_name = first_name WHERE full_name IS NULL");
      }, "guides_lint_test.cpp")
      .cpp("release_2", [](Op& op) { op.drop_column("users", "first_name"); }, "guides_lint_test.cpp");
  for (bool postgresql : {true, false}) {
    const Result result = set.lint(only(postgresql));
    EXPECT_EQ(rules_of(result), Rules{"drop-column"}) << describe(result);
    EXPECT_EQ(result.findings.at(0).revision, "release_2");
  }
}

TEST(GuidesLint, TheGuidesDirectRenameIsWhatTheTwoStepsAvoid) {
  MigrationSet set;
  set.sql("setup", kSetup).cpp("rename", [](Op& op) {
    op.alter_column("tasks", "description", {.new_column_name = "details"});
  }, "guides_lint_test.cpp");
  EXPECT_EQ(rules_of(set.lint(Options{})), Rules{"rename-column"});
}

}  // namespace
}  // namespace retort::lint_test
