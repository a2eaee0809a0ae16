// Running the real retortc on migration files written to a temp dir.
#pragma once

#include <string>

#include "test_support.hpp"

namespace retort::test {

struct RetortcResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

// Runs `retortc <arguments>` (arguments are passed to the shell as written).
RetortcResult run_retortc(const std::string& arguments);

// `retortc compile --name NAME --directory DIR --output-dir DIR/../out ...`.
RetortcResult compile_set(const TempDir& dir, const std::string& extra = "", const std::string& name = "testset");

void write_file(const std::filesystem::path& path, const std::string& content);
std::string read_file(const std::filesystem::path& path);

// "line:col" of the first occurrence of `needle` in `content` (1-based),
// plus `offset` characters; fails the test when absent.
std::string position_of(const std::string& content, const std::string& needle, int offset = 0);

// A C++ migration with the given fields written literally, e.g.
// cpp_migration("\"a1\"", "retort::base", "\"first\"").
std::string cpp_migration(const std::string& id, const std::string& down_revision, const std::string& message,
                          const std::string& extra_fields = "");

// An SQL migration; `revises` may be "" or "base".
std::string sql_migration(const std::string& id, const std::string& revises, const std::string& message,
                          const std::string& extra_header = "");

}  // namespace retort::test
