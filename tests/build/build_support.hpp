// Helpers of the build tests: configure and build real CMake projects with
// Ninja, and find compiler-style diagnostics in what the build printed.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace retort::build_test {

namespace fs = std::filesystem;

// Locations of this build, passed in by tests/build/CMakeLists.txt.
struct Paths {
  static fs::path retort_source();      // the Retort checkout
  static fs::path projects();           // tests/build/projects
  static fs::path install_prefix();     // the installed Retort consumers find (see the .cpp)
  static fs::path build_dir();          // this build tree (cpack reads it)
  static fs::path broken_graphs_build();  // the build tree the configure fixture made
  static fs::path retortc();            // retortc of this build
};

struct CommandResult {
  int status = -1;
  std::string command;
  std::string output;  // stdout and stderr
};

CommandResult run(const std::string& command);
std::string shell_quote(const std::string& text);

// `cmake -S source -B build -G Ninja` with this build's compiler and the
// install prefix on CMAKE_PREFIX_PATH, plus `extra` (already quoted).
CommandResult configure(const fs::path& source, const fs::path& build, const std::string& extra = "");
// `cmake --build build [--target target] [-- native_options]`.
CommandResult build(const fs::path& build, const std::string& target = "",
                    const std::string& native_options = "");

std::string read_file(const fs::path& path);
void write_file(const fs::path& path, std::string_view content);
void copy_tree(const fs::path& from, const fs::path& to);

// 1-based line and column of the first occurrence of `needle` in a file.
struct Position {
  unsigned line = 0;
  unsigned column = 0;
};
Position find_in_file(const fs::path& path, std::string_view needle);

struct Diagnostic {
  std::string path;
  unsigned line = 0;
  unsigned column = 0;
  std::string severity;  // error, warning, note
  std::string message;
};
// Every `path:line:col: severity: message` line of a build's output.
std::vector<Diagnostic> parse_diagnostics(std::string_view output);

// Success when `output` holds a diagnostic of `severity` at path:line:column
// (column 0 accepts any column) whose message contains every fragment.
::testing::AssertionResult has_diagnostic(const std::string& output, std::string_view severity,
                                          const fs::path& path, Position at,
                                          std::initializer_list<std::string_view> fragments);

}  // namespace retort::build_test
