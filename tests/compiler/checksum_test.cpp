// Migration checksums cover what can change the schema: comments and layout
// may be edited after a migration ran, anything else may not.
#include <gtest/gtest.h>

#include <string>

#include "checksum.hpp"
#include "sql_source.hpp"

namespace retort::compiler {
namespace {

const std::string cpp_base =
    "#include <retort/migration.hpp>\n"
    "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"first\"};\n"
    "void upgrade(retort::Op& op) { op.execute(\"CREATE TABLE t (id INTEGER)\"); }\n"
    "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE t\"); }\n";

std::string with_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(CppChecksum, IgnoresCommentsWhitespaceAndLineEndings) {
  const std::string sum = cpp_checksum(cpp_base);
  EXPECT_TRUE(sum.starts_with("v2-sha256:")) << sum;
  EXPECT_EQ(sum.size(), std::string("v2-sha256:").size() + 64);
  EXPECT_EQ(cpp_checksum(with_crlf(cpp_base)), sum);
  EXPECT_EQ(cpp_checksum("// Adds table t.\n" + cpp_base + "/* trailing\n   block */\n"), sum);
  EXPECT_EQ(cpp_checksum(replaced(cpp_base, "void upgrade(retort::Op& op) {", "void upgrade(retort::Op &op)\n{\n  ")),
            sum);
}

TEST(CppChecksum, TracksTokensLiteralsAndDirectives) {
  const std::string sum = cpp_checksum(cpp_base);
  // Inside a literal, white space is data.
  EXPECT_NE(cpp_checksum(replaced(cpp_base, "CREATE TABLE t (id", "CREATE TABLE t  (id")), sum);
  EXPECT_NE(cpp_checksum(replaced(cpp_base, "INTEGER)", "BIGINT)")), sum);
  EXPECT_NE(cpp_checksum(replaced(cpp_base, ".message = \"first\"", ".message = \"first\", .transactional = false")),
            sum);
  // A directive ends at its line: joining the next line into it is a change.
  const std::string directive = "#define TABLE \"t\"\nint x = 1;\n";
  EXPECT_NE(cpp_checksum(directive), cpp_checksum("#define TABLE \"t\" int x = 1;\n"));
  EXPECT_EQ(cpp_checksum(directive), cpp_checksum("#define TABLE   \"t\"  // the table\n\nint x =\n 1;\n"));
}

std::string sql_sum(const std::string& content) {
  MigrationSource source = parse_sql_migration(content, "/src/a1.sql");
  return sql_checksum(source);
}

const std::string sql_base =
    "-- Revision ID: a1\n-- Revises: base\n-- Message: first\n"
    "-- retort:upgrade\nCREATE TABLE t (id INTEGER, name TEXT DEFAULT 'a  b');\n"
    "-- retort:downgrade\nDROP TABLE t;\n";

TEST(SqlChecksum, IgnoresCommentsAndWhitespaceOutsideLiterals) {
  const std::string sum = sql_sum(sql_base);
  EXPECT_TRUE(sum.starts_with("v2-sha256:")) << sum;
  EXPECT_EQ(sql_sum(with_crlf(sql_base)), sum);
  EXPECT_EQ(sql_sum("-- A note before the header.\n" + sql_base), sum);
  EXPECT_EQ(sql_sum(replaced(sql_base, "CREATE TABLE t (id INTEGER, name",
                             "-- the table\nCREATE   TABLE t(\n  id INTEGER /* key */ ,\n  name")),
            sum);
  EXPECT_EQ(sql_sum(replaced(sql_base, "DROP TABLE t;", "DROP TABLE t ; -- gone")), sum);
}

TEST(SqlChecksum, TracksStatementsLiteralsAndHeaderFields) {
  const std::string sum = sql_sum(sql_base);
  EXPECT_NE(sql_sum(replaced(sql_base, "'a  b'", "'a b'")), sum);
  EXPECT_NE(sql_sum(replaced(sql_base, "INTEGER", "BIGINT")), sum);
  EXPECT_NE(sql_sum(replaced(sql_base, "DROP TABLE t;", "DROP TABLE t CASCADE;")), sum);
  EXPECT_NE(sql_sum(replaced(sql_base, "-- Revises: base\n", "-- Revises: base\n-- Transactional: false\n")), sum);
  EXPECT_NE(sql_sum(replaced(sql_base, "-- Message: first", "-- Message: second")), sum);
  // A statement moved from the downgrade to the upgrade is a change.
  EXPECT_NE(sql_sum(replaced(sql_base, "-- retort:downgrade\nDROP TABLE t;\n", "DROP TABLE t;\n-- retort:downgrade\n")),
            sum);
  // Two words never fold into one.
  EXPECT_NE(sql_sum(replaced(sql_base, "DROP TABLE t;", "DROP TABLEt;")), sum);
}

TEST(LegacyChecksum, IsTheWholeFileWithLfLineEndings) {
  EXPECT_EQ(legacy_checksum(cpp_base), legacy_checksum(with_crlf(cpp_base)));
  EXPECT_NE(legacy_checksum(cpp_base), legacy_checksum(cpp_base + "// edited\n"));
  EXPECT_TRUE(legacy_checksum(cpp_base).starts_with("sha256:"));
}

}  // namespace
}  // namespace retort::compiler
