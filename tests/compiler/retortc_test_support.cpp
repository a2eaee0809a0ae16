#include "retortc_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace retort::test {

RetortcResult run_retortc(const std::string& arguments) {
  RetortcResult result;
  result.status = run_command(std::string(RETORTC_PATH) + " " + arguments, result.output);
  return result;
}

RetortcResult compile_set(const TempDir& dir, const std::string& extra, const std::string& name) {
  return run_retortc("compile --name " + name + " --directory " + dir.path().string() + " --output-dir " +
                     (dir.path() / "out").string() + " " + extra);
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string position_of(const std::string& content, const std::string& needle, int offset) {
  const auto at = content.find(needle);
  EXPECT_NE(at, std::string::npos) << "`" << needle << "` not in the test file";
  if (at == std::string::npos) return "?:?";
  const auto target = at + offset;
  unsigned line = 1, column = 1;
  for (std::size_t i = 0; i < target; ++i) {
    if (content[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

std::string cpp_migration(const std::string& id, const std::string& down_revision, const std::string& message,
                          const std::string& extra_fields) {
  return "#include <retort/migration.hpp>\n"
         "\n"
         "constexpr retort::Revision revision{\n"
         "    .id = " + id + ",\n"
         "    .down_revision = " + down_revision + ",\n"
         "    .message = " + message + ",\n" +
         extra_fields +
         "};\n"
         "\n"
         "void upgrade(retort::Op& op) { op.execute(\"CREATE TABLE t (id int)\"); }\n"
         "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE t\"); }\n";
}

std::string sql_migration(const std::string& id, const std::string& revises, const std::string& message,
                          const std::string& extra_header) {
  return "-- Revision ID: " + id + "\n-- Revises: " + revises + "\n-- Message: " + message + "\n" + extra_header +
         "\n-- retort:upgrade\nCREATE TABLE t (id int);\n\n-- retort:downgrade\nDROP TABLE t;\n";
}

}  // namespace retort::test
