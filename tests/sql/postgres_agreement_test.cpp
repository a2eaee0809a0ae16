// The splitter against PostgreSQL's own parser (libpg_query, the server's
// grammar as a library): on text PostgreSQL accepts, both cut the same
// statements.
#include <gtest/gtest.h>
#include <pg_query.h>

#include <string>
#include <vector>

#include "sql/split.hpp"

namespace retort::sqltext {
namespace {

std::vector<std::string> postgres_statements(const std::string& text) {
  PgQuerySplitResult result = pg_query_split_with_parser(text.c_str());
  std::vector<std::string> statements;
  if (result.error) {
    ADD_FAILURE() << "PostgreSQL does not accept the test input: " << result.error->message << "\n" << text;
  } else {
    for (int i = 0; i < result.n_stmts; ++i) {
      std::string piece = text.substr(result.stmts[i]->stmt_location, result.stmts[i]->stmt_len);
      // libpg_query keeps the white space and comments before a statement.
      const auto first = split(piece).statements;
      if (!first.empty()) statements.push_back(first.front().text);
    }
  }
  pg_query_free_split_result(result);
  return statements;
}

std::vector<std::string> ours(const std::string& text) {
  std::vector<std::string> statements;
  const auto result = split(text);
  EXPECT_TRUE(result.problems.empty()) << text;
  for (const auto& statement : result.statements) statements.push_back(statement.text);
  return statements;
}

class Agreement : public testing::TestWithParam<const char*> {};

TEST_P(Agreement, SameStatementsAsPostgresql) {
  const std::string text = GetParam();
  const auto expected = postgres_statements(text);
  EXPECT_EQ(ours(text), expected) << text;
  EXPECT_GE(expected.size(), 2u) << "each case should hold more than one statement";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Agreement,
    testing::Values(
        "SELECT 'a;b'; SELECT 'it''s; ok'",
        "SELECT E'back\\';slash'; SELECT e'\\\\'; SELECT 2",
        "SELECT 'x\\'; SELECT 3",
        "SELECT \"odd;name\"\"x\" FROM t; SELECT 1",
        "SELECT 1 /* a; /* nested; */ still; */ + 2; SELECT 3 -- c; d\n; SELECT 4",
        "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT $tag$ $$ ; $tag$",
        "SELECT $1; PREPARE p AS SELECT $1::int; SELECT a$b FROM t",
        "CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a + b; "
        "SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; END; SELECT add(1, 2)",
        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 1",
        "SELECT U&'d\\0061t;a'; SELECT B'101', X'1F'; SELECT 1",
        "CREATE TABLE \"Order\" (id int, \"select\" text DEFAULT ';'); CREATE INDEX ON \"Order\" (id)"));

}  // namespace
}  // namespace retort::sqltext
