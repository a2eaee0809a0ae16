// The lint as a build step of a real CMake project (a copy of projects/
// consumer): findings print as compiler diagnostics at their file:line, a
// CONCURRENTLY statement in a transactional migration fails the build (and
// `migrate_check`) there, and LINT error|warn|off and LINT_SINCE change what
// the build does.
#include <gtest/gtest.h>

#include "build_support.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

constexpr const char* kIndexCustomers = R"cpp(#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "7d1e2f3a4b5c",
    .down_revision = "5e7a9b2c4d6f",
    .message = "index customers by email",
};

void upgrade(retort::Op& op) {
  op.create_index("ix_customers_email", "customers", {"email"});
}

void downgrade(retort::Op& op) { op.drop_index("ix_customers_email"); }
)cpp";

constexpr const char* kDropEmail = R"sql(-- Revision ID: 8e2f3a4b5c6d
-- Revises: 7d1e2f3a4b5c
-- Message: drop customers.email

-- retort:upgrade
ALTER TABLE customers DROP COLUMN email;

-- retort:downgrade
ALTER TABLE customers ADD COLUMN email VARCHAR(255);
)sql";

void set_lint_options(const fs::path& source, const std::string& options) {
  const fs::path lists = source / "CMakeLists.txt";
  std::string text = read_file(lists);
  const std::string call = "retort_add_migrations(shop_migrations DIRECTORY migrations INCLUDE_DIRECTORIES include";
  const std::size_t at = text.find(call);
  ASSERT_NE(at, std::string::npos) << text;
  const std::size_t end = text.find(')', at);
  text.replace(at, end - at, call + options);
  write_file(lists, text);
}

TEST(LintBuild, FindingsAreWarningsAtTheirLineAndConcurrentlyInATransactionFailsTheBuild) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  copy_tree(Paths::projects() / "consumer", source);
  const fs::path index_file = source / "migrations" / "7d1e2f3a4b5c_index_customers.cpp";
  const fs::path drop_file = source / "migrations" / "8e2f3a4b5c6d_drop_customers_email.sql";
  write_file(index_file, kIndexCustomers);
  write_file(drop_file, kDropEmail);
  ASSERT_EQ(configure(source, build_dir).status, 0);

  CommandResult warned = build(build_dir);
  ASSERT_EQ(warned.status, 0) << warned.output;
  EXPECT_TRUE(has_diagnostic(warned.output, "warning", index_file, find_in_file(index_file, "op.create_index"),
                             {"CREATE INDEX ix_customers_email on existing table customers without CONCURRENTLY",
                              "[retort-lint: add-index-non-concurrently]"}));
  EXPECT_TRUE(has_diagnostic(warned.output, "note", index_file, find_in_file(index_file, "op.create_index"),
                             {"op.autocommit_block", ".concurrently = true"}));
  EXPECT_TRUE(has_diagnostic(warned.output, "warning", drop_file, find_in_file(drop_file, "ALTER TABLE customers DROP"),
                             {"DROP COLUMN customers.email", "[retort-lint: drop-column]"}));

  // CONCURRENTLY inside the migration's transaction: the build fails there.
  std::string concurrent = kIndexCustomers;
  concurrent.replace(concurrent.find("{\"email\"});"), 11, "{\"email\"}, {.concurrently = true});");
  write_file(index_file, concurrent);
  CommandResult checked = build(build_dir, "migrate_check");  // CI's check target lints too
  EXPECT_NE(checked.status, 0) << checked.output;
  EXPECT_TRUE(has_diagnostic(checked.output, "error", index_file, find_in_file(index_file, "op.create_index"),
                             {"[retort-lint: non-transactional-in-transaction]"}));
  CommandResult failed = build(build_dir);
  EXPECT_NE(failed.status, 0) << failed.output;
  EXPECT_TRUE(has_diagnostic(failed.output, "error", index_file, find_in_file(index_file, "op.create_index"),
                             {"CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                              "[retort-lint: non-transactional-in-transaction]"}));
  EXPECT_TRUE(has_diagnostic(failed.output, "note", index_file, find_in_file(index_file, "op.create_index"),
                             {".transactional = false", "-- Transactional: false"}));

  // The fix the note names: the build passes, and the index no longer warns.
  std::string fixed = concurrent;
  const std::string message_line = "    .message = \"index customers by email\",\n";
  fixed.replace(fixed.find(message_line) + message_line.size(), 0, "    .transactional = false,\n");
  write_file(index_file, fixed);
  CommandResult healed = build(build_dir);
  ASSERT_EQ(healed.status, 0) << healed.output;
  EXPECT_EQ(healed.output.find("add-index-non-concurrently"), std::string::npos) << healed.output;
  EXPECT_NE(healed.output.find("[retort-lint: drop-column]"), std::string::npos) << healed.output;

  // The same in SQL: CONCURRENTLY fails until `-- Transactional: false`.
  std::string sql = kDropEmail;
  sql.replace(sql.find("ALTER TABLE customers DROP COLUMN email;"), 40,
              "CREATE INDEX CONCURRENTLY ix_customers_id ON customers (id);");
  write_file(drop_file, sql);
  CommandResult sql_failed = build(build_dir);
  EXPECT_NE(sql_failed.status, 0) << sql_failed.output;
  EXPECT_TRUE(has_diagnostic(sql_failed.output, "error", drop_file, find_in_file(drop_file, "CREATE INDEX"),
                             {"[retort-lint: non-transactional-in-transaction]"}));
  sql.replace(sql.find("-- Message:"), 0, "-- Transactional: false\n");
  write_file(drop_file, sql);
  CommandResult sql_healed = build(build_dir);
  EXPECT_EQ(sql_healed.status, 0) << sql_healed.output;
}

TEST(LintBuild, LintErrorLintSinceAndLintOff) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  copy_tree(Paths::projects() / "consumer", source);
  const fs::path index_file = source / "migrations" / "7d1e2f3a4b5c_index_customers.cpp";
  write_file(index_file, kIndexCustomers);
  ASSERT_NO_FATAL_FAILURE(set_lint_options(source, " LINT error DIALECTS postgresql sqlite"));
  ASSERT_EQ(configure(source, build_dir).status, 0);

  CommandResult strict = build(build_dir);
  EXPECT_NE(strict.status, 0) << strict.output;
  EXPECT_TRUE(has_diagnostic(strict.output, "error", index_file, find_in_file(index_file, "op.create_index"),
                             {"[retort-lint: add-index-non-concurrently]"}));

  // Revisions before LINT_SINCE are deployed history: not judged.
  write_file(source / "migrations" / "8e2f3a4b5c6d_later.sql",
             "-- Revision ID: 8e2f3a4b5c6d\n-- Revises: 7d1e2f3a4b5c\n-- Message: later\n\n-- retort:upgrade\n"
             "CREATE TABLE notes (id INTEGER PRIMARY KEY);\n\n-- retort:downgrade\nDROP TABLE notes;\n");
  ASSERT_NO_FATAL_FAILURE(set_lint_options(source, " LINT error LINT_SINCE 8e2f3a4b5c6d"));
  CommandResult since = build(build_dir);
  EXPECT_EQ(since.status, 0) << since.output;
  EXPECT_EQ(since.output.find("retort-lint"), std::string::npos) << since.output;

  // An allow comment with its reason, then LINT off: neither reports.
  ASSERT_NO_FATAL_FAILURE(set_lint_options(source, " LINT error"));
  std::string allowed = kIndexCustomers;
  allowed.replace(allowed.find("  op.create_index"), 0,
                  "  // retort:allow add-index-non-concurrently: customers is empty until the launch\n");
  write_file(index_file, allowed);
  CommandResult allowed_build = build(build_dir);
  EXPECT_EQ(allowed_build.status, 0) << allowed_build.output;
  EXPECT_EQ(allowed_build.output.find(": error:"), std::string::npos) << allowed_build.output;

  write_file(index_file, kIndexCustomers);
  ASSERT_NO_FATAL_FAILURE(set_lint_options(source, " LINT off"));
  CommandResult off = build(build_dir);
  EXPECT_EQ(off.status, 0) << off.output;
  EXPECT_EQ(off.output.find("retort-lint"), std::string::npos) << off.output;

  ASSERT_NO_FATAL_FAILURE(set_lint_options(source, " LINT sometimes"));
  CommandResult bad = build(build_dir);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("LINT must be error, warn or off,"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace retort::build_test
