// The SQL migration header parser (retort_sqlsource); the splitter it uses
// is tested in tests/sql/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include "sql_source.hpp"

namespace retort::compiler {
namespace {

TEST(SqlMigration, AnUnknownHeaderFieldIsAnErrorWithTheNearestField) {
  const std::string content =
      "-- Revision ID: 4f2a9c1d7e3b\n"
      "-- Revises: base\n"
      "-- Message: add index\n"
      "--   transaction : false\n"
      "-- Dependencies: b80c16c4db24\n"
      "-- retort:upgrade\n"
      "CREATE INDEX CONCURRENTLY ix ON t (id);\n"
      "-- retort:downgrade\n"
      "DROP INDEX ix;\n";
  const auto source = parse_sql_migration(content, "/m/4f2a9c1d7e3b_add.sql");
  std::vector<std::string> errors;
  for (const auto& d : source.diagnostics)
    if (d.severity == Severity::error) errors.push_back(format_diagnostic(d));
  ASSERT_EQ(errors.size(), 2u) << testing::PrintToString(errors);
  EXPECT_THAT(errors[0], testing::StartsWith("/m/4f2a9c1d7e3b_add.sql:4:6: error: unknown header field "
                                             "`-- transaction:`; did you mean `-- Transactional:`? The header "
                                             "fields are Revision ID, Revises, Message, Branch Labels, Depends On, "
                                             "Transactional, Create Date;"));
  // Far from every field: no guess, the list.
  EXPECT_THAT(errors[1], testing::StartsWith("/m/4f2a9c1d7e3b_add.sql:5:4: error: unknown header field "
                                             "`-- Dependencies:`. The header fields are"));
  EXPECT_TRUE(source.transactional);  // the misspelled value was not taken
}

TEST(SqlMigration, ProseCommentsInTheHeaderAreNotFields) {
  const std::string content =
      "-- Revision ID: 4f2a9c1d7e3b\n"
      "-- Revises: base\n"
      "-- Message: add index\n"
      "-- Create Date: 2026-01-01 10:00:00 UTC\n"
      "--\n"
      "-- Builds the index without blocking writes: see below.\n"
      "-- https://www.postgresql.org/docs/current/sql-createindex.html\n"
      "-- 2026-01-02: reviewed\n"
      "-- a:b\n"
      "\n"
      "-- retort:upgrade\n"
      "CREATE INDEX ix ON t (id);\n"
      "-- retort:downgrade\n"
      "DROP INDEX ix;\n";
  const auto source = parse_sql_migration(content, "/m/4f2a9c1d7e3b_add.sql");
  EXPECT_TRUE(source.diagnostics.empty()) << format_diagnostic(source.diagnostics.at(0));
}

TEST(SqlMigration, ReadsHeaderFieldsWithLocations) {
  const std::string content =
      "-- Revision ID: 4f2a9c1d7e3b\n"
      "-- Revises: b80c16c4db24, 0f9e8d7c6b5a\n"
      "-- Message: add webhook_events\n"
      "-- Branch Labels: billing\n"
      "-- Depends On: 9c8b7a6d5e4f\n"
      "-- Transactional: false\n"
      "-- Create Date: 2026-01-01 (ignored)\n"
      "\n"
      "-- retort:upgrade\n"
      "CREATE TABLE webhook_events (id int);\n"
      "CREATE INDEX ix ON webhook_events (id);\n"
      "\n"
      "-- retort:downgrade\n"
      "DROP TABLE webhook_events;\n";
  const auto source = parse_sql_migration(content, "/m/4f2a9c1d7e3b_add.sql");
  EXPECT_TRUE(source.diagnostics.empty());
  ASSERT_TRUE(source.has_revision);
  EXPECT_EQ(source.id.value, "4f2a9c1d7e3b");
  EXPECT_EQ(source.id.line, 1u);
  EXPECT_EQ(source.id.column, 17u);
  EXPECT_EQ(source.revision_line, 1u);
  ASSERT_EQ(source.down_revisions.size(), 2u);
  EXPECT_EQ(source.down_revisions[0].value, "b80c16c4db24");
  EXPECT_EQ(source.down_revisions[0].column, 13u);
  EXPECT_EQ(source.down_revisions[1].value, "0f9e8d7c6b5a");
  EXPECT_EQ(source.down_revisions[1].line, 2u);
  EXPECT_EQ(source.down_revisions[1].column, 27u);
  EXPECT_EQ(source.message.value, "add webhook_events");
  ASSERT_EQ(source.branch_labels.size(), 1u);
  EXPECT_EQ(source.branch_labels[0].value, "billing");
  ASSERT_EQ(source.depends_on.size(), 1u);
  EXPECT_EQ(source.depends_on[0].value, "9c8b7a6d5e4f");
  EXPECT_FALSE(source.transactional);
  ASSERT_EQ(source.upgrade_sql.size(), 2u);
  EXPECT_EQ(source.upgrade_sql[0].text, "CREATE TABLE webhook_events (id int)");
  EXPECT_EQ(source.upgrade_sql[0].line, 10u);
  EXPECT_EQ(source.upgrade_sql[1].line, 11u);
  ASSERT_EQ(source.downgrade_sql.size(), 1u);
  EXPECT_EQ(source.downgrade_sql[0].line, 14u);
}

TEST(SqlMigration, BaseAndEmptyRevisesMeanAFirstRevision) {
  for (const std::string revises : {"base", ""}) {
    const auto source = parse_sql_migration(
        "-- Revision ID: a1\n-- Revises: " + revises + "\n-- Message: first\n-- retort:upgrade\nSELECT 1;\n"
        "-- retort:downgrade\nSELECT 2;\n",
        "/m/a1.sql");
    EXPECT_TRUE(source.diagnostics.empty());
    EXPECT_TRUE(source.down_revision_given);
    EXPECT_TRUE(source.down_revisions.empty());
  }
}

TEST(SqlMigration, CrlfFilesWithByteOrderMarkParseLikeLfFiles) {
  const std::string lf = "-- Revision ID: a1\n-- Revises: base\n-- Message: first\n-- retort:upgrade\nSELECT 1;\n"
                         "-- retort:downgrade\nSELECT 2;\n";
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const auto a = parse_sql_migration(lf, "/m/a1.sql");
  const auto b = parse_sql_migration("\xEF\xBB\xBF" + crlf, "/m/a1.sql");  // as Windows editors save it
  EXPECT_TRUE(b.diagnostics.empty());
  EXPECT_EQ(b.id.value, "a1");
  EXPECT_EQ(b.message.value, "first");
  ASSERT_EQ(b.upgrade_sql.size(), 1u);
  EXPECT_EQ(b.upgrade_sql[0].text, a.upgrade_sql[0].text);
  EXPECT_EQ(b.upgrade_sql[0].line, a.upgrade_sql[0].line);
}

TEST(SqlMigration, ReportsMissingAndRepeatedFieldsAndMissingUpgrade) {
  const auto source = parse_sql_migration("-- Revision ID: a1\n-- Revision ID: a2\n-- Message: x\n", "/m/a1.sql");
  std::vector<std::string> printed;
  for (const auto& diagnostic : source.diagnostics) printed.push_back(format_diagnostic(diagnostic));
  const std::vector<std::string> expected{
      "/m/a1.sql:2:1: error: header field `-- Revision ID:` is repeated; keep exactly one",
      "/m/a1.sql:1:1: note: first `-- Revision ID:` is here",
      "/m/a1.sql:1:1: error: missing header field `-- Revises:`; add `-- Revises: <previous revision id>` "
      "(`-- Revises: base` for a first revision)",
      "/m/a1.sql:1:1: error: missing `-- retort:upgrade` section; put the upgrade statements after a line "
      "`-- retort:upgrade`",
      "/m/a1.sql:1:1: warning: no `-- retort:downgrade` section; downgrading past this revision will not undo it "
      "(add `-- retort:downgrade` with the reverse statements)"};
  EXPECT_EQ(printed, expected);
}

TEST(SqlMigration, ReportsUnterminatedStringAtItsFileLine) {
  const auto source = parse_sql_migration(
      "-- Revision ID: a1\n-- Revises: base\n-- Message: x\n\n-- retort:upgrade\nSELECT 1;\nSELECT 'oops;\n",
      "/m/a1.sql");
  ASSERT_FALSE(source.diagnostics.empty());
  EXPECT_EQ(format_diagnostic(source.diagnostics[0]),
            "/m/a1.sql:7:8: error: unterminated string literal starting here; close it with '");
}

TEST(SqlMigration, RejectsStatementsBeforeTheUpgradeMarker) {
  const auto source = parse_sql_migration(
      "-- Revision ID: a1\n-- Revises: base\n-- Message: x\nCREATE TABLE t (id int);\n-- retort:upgrade\nSELECT 1;\n"
      "-- retort:downgrade\nSELECT 1;\n",
      "/m/a1.sql");
  ASSERT_EQ(source.diagnostics.size(), 1u);
  EXPECT_EQ(source.diagnostics[0].line, 4u);
  EXPECT_NE(source.diagnostics[0].message.find("before the `-- retort:upgrade` marker"), std::string::npos);
}

}  // namespace
}  // namespace retort::compiler
