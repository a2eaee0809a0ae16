// Runs the real `retortc compile` on hostile migration files. Every case
// must end with an `error:` diagnostic naming the file and exit status 1:
// never a signal, an uncaught exception or a hang (`timeout` kills a hang,
// which shows up as status 137).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <string>

#include "test_support.hpp"

namespace {

using retort::test::run_command;
using retort::test::TempDir;

// A valid first revision, so that every failure is the hostile file's.
constexpr const char* kBaseRevision =
    "-- Revision ID: 0a0b0c0d0e0f\n-- Revises: base\n-- Message: base\n\n-- retort:upgrade\nSELECT 1;\n"
    "-- retort:downgrade\nSELECT 1;\n";

constexpr int kTimeLimitSeconds = 180;

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

struct Outcome {
  int status = -1;
  std::string output;
};

// Compiles a set holding the base revision and `content` as `file_name`.
Outcome compile_with(const TempDir& dir, const std::string& file_name, const std::string& content) {
  std::filesystem::create_directories(dir / "migrations");
  write_file(dir / "migrations" / "0a0b0c0d0e0f_base.sql", kBaseRevision);
  write_file(dir / "migrations" / file_name, content);
  Outcome outcome;
  const std::string command = "timeout -s KILL " + std::to_string(kTimeLimitSeconds) + " " RETORTC_PATH
                              " compile --name hostile --jobs 1 --directory '" + (dir / "migrations").string() +
                              "' --output-dir '" + (dir / "out").string() + "'";
  outcome.status = run_command(command, outcome.output);
  return outcome;
}

// The output, shortened for failure messages (garbage can be huge).
std::string excerpt(const std::string& output) {
  return output.size() <= 4000 ? output : output.substr(0, 2000) + "\n[...]\n" + output.substr(output.size() - 2000);
}

// Exit 1 with `<file>:LINE...: error:` in the output, and nothing that
// betrays a crash.
void expect_diagnostic(const Outcome& outcome, const std::string& file_name, const std::string& location = "") {
  EXPECT_EQ(outcome.status, 1) << "retortc must fail with status 1 (137 = killed after " << kTimeLimitSeconds
                               << " s, 128+N = signal N)\n"
                               << excerpt(outcome.output);
  const std::string expected = file_name + location;
  EXPECT_NE(outcome.output.find(expected), std::string::npos)
      << "no diagnostic at " << expected << ":\n" << excerpt(outcome.output);
  EXPECT_NE(outcome.output.find(": error: "), std::string::npos) << excerpt(outcome.output);
  for (const char* crash : {"terminate called", "Segmentation", "Stack dump", "AddressSanitizer", "runtime error:"})
    EXPECT_EQ(outcome.output.find(crash), std::string::npos) << "crash marker '" << crash << "':\n"
                                                             << excerpt(outcome.output);
}

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(byte(generator));
  return bytes;
}

std::string cpp_revision(const std::string& id, const std::string& message = "hostile") {
  return "#include <retort/migration.hpp>\n\nconstexpr retort::Revision revision{\n    .id = \"" + id +
         "\",\n    .down_revision = \"0a0b0c0d0e0f\",\n    .message = \"" + message +
         "\",\n};\n\nvoid upgrade(retort::Op& op) { op.execute(\"SELECT 1\"); }\n"
         "void downgrade(retort::Op& op) { op.execute(\"SELECT 1\"); }\n";
}

// The number of the line that text appended to `source` starts on.
std::size_t next_line_of(const std::string& source) {
  return static_cast<std::size_t>(std::count(source.begin(), source.end(), '\n')) + 1;
}

std::string sql_revision(const std::string& id, const std::string& body = "SELECT 1;\n") {
  return "-- Revision ID: " + id + "\n-- Revises: 0a0b0c0d0e0f\n-- Message: hostile\n\n-- retort:upgrade\n" + body;
}

TEST(HostileFiles, BinaryGarbageNamedCpp) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "1b1b1b1b1b1b_garbage.cpp", random_bytes(256 * 1024, 1)),
                    "1b1b1b1b1b1b_garbage.cpp:");
}

TEST(HostileFiles, BinaryGarbageNamedSql) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "2c2c2c2c2c2c_garbage.sql", random_bytes(256 * 1024, 2)),
                    "2c2c2c2c2c2c_garbage.sql:");
}

// 40 MB of statements, then an unterminated string on the last line: the
// diagnostic must come back with the exact line number.
TEST(HostileFiles, HugeSqlFileReportsTheRightLine) {
  std::string body;
  const std::string statement = "INSERT INTO big_table (id, payload) VALUES (1, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');\n";
  const std::size_t count = 40'000'000 / statement.size();
  body.reserve(count * statement.size() + 64);
  for (std::size_t i = 0; i < count; ++i) body += statement;
  body += "INSERT INTO big_table VALUES (2, 'never closed);\n";
  const std::size_t last_line = 6 + count;  // five header lines and the marker come first
  TempDir dir;
  expect_diagnostic(compile_with(dir, "3d3d3d3d3d3d_huge.sql", sql_revision("3d3d3d3d3d3d", body)),
                    "3d3d3d3d3d3d_huge.sql:", std::to_string(last_line) + ":");
}

// 10 MB of declarations, then a revision that is not a constant: the
// diagnostic must come back with the exact line number.
TEST(HostileFiles, HugeCppFileReportsTheRightLine) {
  std::string source = "#include <retort/migration.hpp>\n";
  const std::size_t count = 160'000;
  for (std::size_t i = 0; i < count; ++i)
    source += "static int filler_" + std::to_string(i) + " = 0;  // padding padding padding padding\n";
  source += "const char* runtime_id();\nconstexpr retort::Revision revision{.id = runtime_id(), .down_revision = "
            "\"0a0b0c0d0e0f\", .message = \"huge\"};\n";
  source += "void upgrade(retort::Op&) {}\nvoid downgrade(retort::Op&) {}\n";
  const std::size_t revision_line = count + 3;
  TempDir dir;
  expect_diagnostic(compile_with(dir, "4e4e4e4e4e4e_huge.cpp", source), "4e4e4e4e4e4e_huge.cpp:",
                    std::to_string(revision_line) + ":");
}

TEST(HostileFiles, TenThousandNestedParenthesesInCpp) {
  std::string source = cpp_revision("5f5f5f5f5f5f");
  const std::size_t line = next_line_of(source);
  source += "int deep = " + std::string(10'000, '(') + "1" + std::string(10'000, ')') + ";\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "5f5f5f5f5f5f_nested.cpp", source),
                    "5f5f5f5f5f5f_nested.cpp:" + std::to_string(line) + ":");
}

TEST(HostileFiles, TenThousandNestedBracesInCpp) {
  std::string source = cpp_revision("6a6a6a6a6a6a");
  const std::size_t line = next_line_of(source);
  source += "void deep() " + std::string(10'000, '{') + std::string(10'000, '}') + "\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "6a6a6a6a6a6a_nested.cpp", source),
                    "6a6a6a6a6a6a_nested.cpp:" + std::to_string(line) + ":");
}

TEST(HostileFiles, TenThousandNestedTemplatesInCpp) {
  std::string source = cpp_revision("7b7b7b7b7b7b");
  source += "template <class T> struct Box { T value; };\nusing Deep = ";
  for (int i = 0; i < 10'000; ++i) source += "Box<";
  source += "int" + std::string(10'000, '>') + ";\nDeep deep_value{};\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "7b7b7b7b7b7b_nested.cpp", source), "7b7b7b7b7b7b_nested.cpp:");
}

TEST(HostileFiles, TenThousandNestedCommentsInSql) {
  std::string body;
  for (int i = 0; i < 10'000; ++i) body += "/* ";
  body += "SELECT 1;";
  for (int i = 0; i < 9'999; ++i) body += " */";  // one short: the outermost comment never closes
  body += "\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "8c8c8c8c8c8c_nested.sql", sql_revision("8c8c8c8c8c8c", body)),
                    "8c8c8c8c8c8c_nested.sql:6:");
}

TEST(HostileFiles, UnterminatedStringInCpp) {
  std::string source = cpp_revision("9d9d9d9d9d9d");
  source.replace(source.find("\"hostile\""), 9, "\"never closed,\n");
  TempDir dir;
  expect_diagnostic(compile_with(dir, "9d9d9d9d9d9d_unterminated.cpp", source), "9d9d9d9d9d9d_unterminated.cpp:6:");
}

TEST(HostileFiles, UnterminatedCommentInCpp) {
  const std::string source = cpp_revision("0e0e0e0e0e0e") + "/* this comment never ends\nvoid more();\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "0e0e0e0e0e0e_unterminated.cpp", source), "0e0e0e0e0e0e_unterminated.cpp:");
}

TEST(HostileFiles, UnterminatedRawStringInCpp) {
  const std::string source = cpp_revision("1f1f1f1f1f1f") + "const char* text = R\"sql(SELECT 1;\n";
  TempDir dir;
  expect_diagnostic(compile_with(dir, "1f1f1f1f1f1f_unterminated.cpp", source), "1f1f1f1f1f1f_unterminated.cpp:");
}

TEST(HostileFiles, UnterminatedQuotesAndCommentInSql) {
  for (const std::string body : {"SELECT 'open;\n", "SELECT $tag$ open;\n", "SELECT \"open;\n", "/* open\n"}) {
    TempDir dir;
    expect_diagnostic(compile_with(dir, "2a2a2a2a2a2a_unterminated.sql", sql_revision("2a2a2a2a2a2a", body)),
                      "2a2a2a2a2a2a_unterminated.sql:6:");
  }
}

TEST(HostileFiles, NulBytesInCppRevisionId) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "3b3b3b3b3b3b_nul.cpp", cpp_revision(std::string("3b3b\0" "3b3b3b3b", 12))),
                    "3b3b3b3b3b3b_nul.cpp:4:");
}

TEST(HostileFiles, NulBytesInSqlHeader) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "4c4c4c4c4c4c_nul.sql", sql_revision(std::string("4c4c\0" "4c4c4c4c", 12))),
                    "4c4c4c4c4c4c_nul.sql:1:");
}

TEST(HostileFiles, InvalidUtf8InCppRevisionId) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "5d5d5d5d5d5d_utf8.cpp", cpp_revision("5d5d\xff\xfe\xc3\x28")),
                    "5d5d5d5d5d5d_utf8.cpp:4:");
}

TEST(HostileFiles, InvalidUtf8InSqlRevisionId) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "6e6e6e6e6e6e_utf8.sql", sql_revision("6e6e\xff\xfe\xc3\x28")),
                    "6e6e6e6e6e6e_utf8.sql:1:");
}

TEST(HostileFiles, ThousandCharacterRevisionIdInCpp) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "7f7f7f7f7f7f_long.cpp", cpp_revision(std::string(1000, 'a'))),
                    "7f7f7f7f7f7f_long.cpp:4:");
}

TEST(HostileFiles, ThousandCharacterRevisionIdInSql) {
  TempDir dir;
  expect_diagnostic(compile_with(dir, "8a8a8a8a8a8a_long.sql", sql_revision(std::string(1000, 'b'))),
                    "8a8a8a8a8a8a_long.sql:1:");
}

TEST(HostileFiles, ThousandCharacterDownRevisionInSql) {
  std::string content = sql_revision("9b9b9b9b9b9b");
  content.replace(content.find("0a0b0c0d0e0f"), 12, std::string(1000, 'c'));
  TempDir dir;
  expect_diagnostic(compile_with(dir, "9b9b9b9b9b9b_long.sql", content), "9b9b9b9b9b9b_long.sql:2:");
}

TEST(HostileFiles, ThousandCommaSeparatedParentsInSql) {
  std::string parents;
  for (int i = 0; i < 1000; ++i) parents += (i ? "," : "") + std::to_string(100000000000 + i);
  std::string content = sql_revision("0c0c0c0c0c0c");
  content.replace(content.find("0a0b0c0d0e0f"), 12, parents);
  TempDir dir;
  expect_diagnostic(compile_with(dir, "0c0c0c0c0c0c_parents.sql", content), "0c0c0c0c0c0c_parents.sql:2:");
}

}  // namespace
