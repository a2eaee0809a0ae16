// The shared statement splitter (sql/split.hpp): what retortc records for a
// `.sql` migration and what the PostgreSQL backend queues.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "sql/split.hpp"

namespace retort::sqltext {
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
  const auto result =
      split("\n-- leading comment\nCREATE TABLE a (id int);\n\n  DROP TABLE b;\n", SqlDialect::postgresql, 10);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{"CREATE TABLE a (id int)", "DROP TABLE b"}));
  EXPECT_EQ(lines(result), (std::vector<unsigned>{12, 14}));
}

TEST(SqlSplit, KeepsSemicolonsInsideQuotesAndComments) {
  const auto result = split(
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
  const auto result = split(function + ";\nSELECT $$;$$, $1;\n");
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
  const auto result = split("CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END;\n" +
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
  const auto result = split(function + ";\nSELECT add(1, 2);");
  EXPECT_EQ(texts(result), (std::vector<std::string>{function, "SELECT add(1, 2)"}));
}

TEST(SqlSplit, ReportsUnterminatedConstructsWhereTheyStart) {
  auto result = split("SELECT 1;\nSELECT 'open;\n");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 2u);
  EXPECT_EQ(result.problems[0].column, 8u);
  EXPECT_NE(result.problems[0].message.find("unterminated string literal"), std::string::npos);

  result = split("SELECT $fn$ body;");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].message.find("$fn$"), std::string::npos);

  result = split("/* never closed");
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].column, 1u);
}

TEST(SqlSplit, DropsCommentOnlyPiecesAndKeepsAFinalStatementWithoutSemicolon) {
  const auto result = split("-- nothing here\n;\n/* nor here */;\nSELECT 2");
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
    const auto result = split(text, SqlDialect::postgresql, 5);
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


TEST(SqlSplit, CanonicalTextFoldsSpaceAndCommentsAndKeepsQuotedTextByteForByte) {
  const auto result = split("CREATE  TABLE t ( a int , -- note\n b text DEFAULT ' x  y ' ) ;\n"
                            "SELECT /* c */ \"Mixed  Name\" , $$ a  b $$");
  ASSERT_EQ(result.statements.size(), 2u);
  EXPECT_EQ(result.statements[0].canonical, "CREATE TABLE t(a int,b text DEFAULT ' x  y ')");
  EXPECT_EQ(result.statements[1].canonical, "SELECT \"Mixed  Name\",$$ a  b $$");
}

TEST(SqlSplit, SqliteFlavorReadsBacktickAndBracketNamesAndFlatComments) {
  auto result = split("SELECT `a;b`, [c;d] FROM t; /* x /* y */ SELECT 2;", SqlDialect::sqlite);
  EXPECT_TRUE(result.problems.empty());
  EXPECT_EQ(texts(result), (std::vector<std::string>{"SELECT `a;b`, [c;d] FROM t", "SELECT 2"}));

  // SQLite has no dollar quotes and no backslash escapes.
  result = split("SELECT $a; SELECT E'x\\'; SELECT 3", SqlDialect::sqlite);
  EXPECT_EQ(texts(result), (std::vector<std::string>{"SELECT $a", "SELECT E'x\\'", "SELECT 3"}));

  result = split("SELECT [open;", SqlDialect::sqlite);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_NE(result.problems[0].message.find("close it with ]"), std::string::npos);
}

TEST(SqlSplit, ReportsABodyNeverClosedAtItsBegin) {
  const auto result = split("SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON x\n  BEGIN SELECT 1;", SqlDialect::sqlite);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 3u);
  EXPECT_EQ(result.problems[0].column, 3u);
  EXPECT_NE(result.problems[0].message.find("never closed with END"), std::string::npos);
}

}  // namespace
}  // namespace retort::sqltext
