// The SQL migration header parser and statement splitter (retort_sqlsource).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sql_source.hpp"

namespace retort::compiler {
namespace {

std::vector<std::string> texts(const SplitResult& result) {
  std::vector<std::string> out;
  for (const auto& statement : result.statements) out.push_back(statement.text);
  return out;
}

std::vector<unsigned> lines(const SplitResult& result) {
  std::vector<unsigned> out;
  for (const auto& statement : result.statements) out.push_back(statement.line);
  return out;
}

TEST(SqlSplit, SplitsAtSemicolonsWithLinesOfFirstSignificantCharacter) {
  const auto result = split_sql_statements("\n-- leading comment\nCREATE TABLE a (id int);\n\n  DROP TABLE b;\n", 10);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{"CREATE TABLE a (id int)", "DROP TABLE b"}));
  EXPECT_EQ(lines(result), (std::vector<unsigned>{12, 14}));
}

TEST(SqlSplit, KeepsSemicolonsInsideQuotesAndComments) {
  const auto result = split_sql_statements(
      "INSERT INTO t VALUES ('a;b', 'it''s;');\n"
      "SELECT \"odd;name\" FROM t; -- trailing; comment\n"
      "SELECT 1 /* a; /* nested; */ still comment; */ + 2;\n"
      "SELECT E'back\\';slash';\n");
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{"INSERT INTO t VALUES ('a;b', 'it''s;')",
                                                     "SELECT \"odd;name\" FROM t",
                                                     "SELECT 1 /* a; /* nested; */ still comment; */ + 2",
                                                     "SELECT E'back\\';slash'"}));
  EXPECT_EQ(lines(result), (std::vector<unsigned>{1, 2, 3, 4}));
}

TEST(SqlSplit, KeepsDollarQuotedBodiesWhole) {
  const std::string function =
      "CREATE FUNCTION f() RETURNS trigger AS $body$\n"
      "BEGIN\n"
      "  NEW.x := 'a;b'; -- $$ is not the end\n"
      "  RETURN NEW;\n"
      "END;\n"
      "$body$ LANGUAGE plpgsql";
  const auto result = split_sql_statements(function + ";\nSELECT $$;$$, $1;\n");
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{function, "SELECT $$;$$, $1"}));
  EXPECT_EQ(lines(result), (std::vector<unsigned>{1, 7}));
}

TEST(SqlSplit, KeepsSqliteTriggerBodiesWhole) {
  const std::string trigger =
      "CREATE TRIGGER touch AFTER UPDATE ON t\n"
      "BEGIN\n"
      "  UPDATE t SET n = CASE WHEN n > 1 THEN 0 ELSE n END WHERE id = NEW.id;\n"
      "  INSERT INTO log VALUES ('end;');\n"
      "END";
  const auto result = split_sql_statements("CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END;\n" +
                                           trigger + ";\nBEGIN;\nCOMMIT;\n");
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{"CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END",
                                                     trigger, "BEGIN", "COMMIT"}));
}

TEST(SqlSplit, KeepsBeginAtomicBodiesWhole) {
  const std::string function =
      "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE SQL\n"
      "BEGIN ATOMIC\n"
      "  SELECT a + b;\n"
      "END";
  const auto result = split_sql_statements(function + ";\nSELECT add(1, 2);");
  EXPECT_EQ(texts(result), (std::vector<std::string>{function, "SELECT add(1, 2)"}));
}

TEST(SqlSplit, ReportsUnterminatedConstructsWhereTheyStart) {
  auto result = split_sql_statements("SELECT 1;\nSELECT 'open;\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 2u);
  EXPECT_EQ(result.problems[0].column, 8u);
  EXPECT_NE(result.problems[0].message.find("unterminated string literal"), std::string::npos);

  result = split_sql_statements("SELECT $fn$ body;");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].message.find("$fn$"), std::string::npos);

  result = split_sql_statements("/* never closed");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].column, 1u);
}

TEST(SqlSplit, DropsCommentOnlyPiecesAndKeepsAFinalStatementWithoutSemicolon) {
  const auto result = split_sql_statements("-- nothing here\n;\n/* nor here */;\nSELECT 2");
  EXPECT_EQ(texts(result), (std::vector<std::string>{"SELECT 2"}));
  EXPECT_EQ(lines(result), (std::vector<unsigned>{4}));
}

// Random text made of the characters the splitter cares about: it must
// never crash or hang, and every statement must be a piece of the input on
// a line that exists.
TEST(SqlSplit, SurvivesArbitraryInput) {
  static constexpr char alphabet[] = "'\"$;-/*\\\nEeBbGIN ATOMICTRGEND()x1_\r\t";
  std::mt19937 random(20261121);
  for (int round = 0; round < 3000; ++round) {
    std::string text(random() % 120, ' ');
    for (auto& c : text) c = alphabet[random() % (sizeof alphabet - 1)];
    const auto result = split_sql_statements(text, 5);
    const auto line_count = static_cast<unsigned>(std::count(text.begin(), text.end(), '\n')) + 5;
    for (const auto& statement : result.statements) {
      EXPECT_FALSE(statement.text.empty());
      EXPECT_NE(text.find(statement.text), std::string::npos) << text;
      EXPECT_GE(statement.line, 5u);
      EXPECT_LE(statement.line, line_count);
    }
    for (const auto& problem : result.problems) EXPECT_LE(problem.line, line_count);
  }
}

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
