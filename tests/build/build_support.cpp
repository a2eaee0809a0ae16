#include "build_support.hpp"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "test_support.hpp"

namespace retort::build_test {

fs::path Paths::retort_source() { return RETORT_TEST_SOURCE_DIR; }
fs::path Paths::projects() { return RETORT_TEST_PROJECTS_DIR; }
// CI installs the Debian package (scripts/package --install) and runs the
// build tests again with RETORT_TEST_INSTALLED_PREFIX=/usr: against it.
fs::path Paths::install_prefix() {
  const char* installed = std::getenv("RETORT_TEST_INSTALLED_PREFIX");
  return installed && *installed ? installed : RETORT_TEST_INSTALL_PREFIX;
}
fs::path Paths::build_dir() { return RETORT_TEST_BUILD_DIR; }
fs::path Paths::broken_graphs_build() { return RETORT_TEST_BROKEN_GRAPHS_BUILD; }
fs::path Paths::retortc() { return RETORT_TEST_RETORTC; }

CommandResult run(const std::string& command) {
  CommandResult result;
  result.command = command;
  result.status = retort::test::run_command(command, result.output);
  return result;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

CommandResult configure(const fs::path& source, const fs::path& build, const std::string& extra) {
  return run(shell_quote(RETORT_TEST_CMAKE) + " -S " + shell_quote(source.string()) + " -B " +
             shell_quote(build.string()) + " -G Ninja -DCMAKE_BUILD_TYPE=Debug" +
             " -DCMAKE_MAKE_PROGRAM=" + shell_quote(RETORT_TEST_MAKE_PROGRAM) +
             " -DCMAKE_CXX_COMPILER=" + shell_quote(RETORT_TEST_CXX_COMPILER) +
             " -DCMAKE_C_COMPILER=" + shell_quote(RETORT_TEST_C_COMPILER) +
             " -DCMAKE_PREFIX_PATH=" + shell_quote(Paths::install_prefix().string()) + " " + extra);
}

CommandResult build(const fs::path& build, const std::string& target, const std::string& native_options) {
  return run(shell_quote(RETORT_TEST_CMAKE) + " --build " + shell_quote(build.string()) +
             (target.empty() ? "" : " --target " + shell_quote(target)) +
             (native_options.empty() ? "" : " -- " + native_options));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

Position find_in_file(const fs::path& path, std::string_view needle) {
  std::string content = read_file(path);
  std::size_t offset = content.find(needle);
  if (offset == std::string::npos)
    throw std::runtime_error("'" + std::string(needle) + "' does not occur in " + path.string());
  Position position{1, 1};
  for (std::size_t i = 0; i < offset; ++i) {
    if (content[i] == '\n') {
      ++position.line;
      position.column = 1;
    } else {
      ++position.column;
    }
  }
  return position;
}

std::vector<Diagnostic> parse_diagnostics(std::string_view output) {
  static const std::regex line_pattern(R"(^(.+?):(\d+):(\d+): (error|warning|note): (.*)$)");
  std::vector<Diagnostic> diagnostics;
  std::istringstream lines{std::string(output)};
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (!std::regex_match(line, match, line_pattern)) continue;
    diagnostics.push_back({match[1], static_cast<unsigned>(std::stoul(match[2])),
                           static_cast<unsigned>(std::stoul(match[3])), match[4], match[5]});
  }
  return diagnostics;
}

::testing::AssertionResult has_diagnostic(const std::string& output, std::string_view severity,
                                          const fs::path& path, Position at,
                                          std::initializer_list<std::string_view> fragments) {
  for (const Diagnostic& diagnostic : parse_diagnostics(output)) {
    if (diagnostic.severity != severity || diagnostic.line != at.line) continue;
    if (at.column != 0 && diagnostic.column != at.column) continue;
    std::error_code ignored;
    if (!fs::equivalent(diagnostic.path, path, ignored)) continue;
    bool all = true;
    for (std::string_view fragment : fragments)
      all = all && diagnostic.message.find(fragment) != std::string::npos;
    if (all) return ::testing::AssertionSuccess();
  }
  std::string wanted;
  for (std::string_view fragment : fragments) wanted += " '" + std::string(fragment) + "'";
  return ::testing::AssertionFailure()
         << "no `" << path.string() << ":" << at.line << ":"
         << (at.column ? std::to_string(at.column) : std::string("*")) << ": " << severity
         << ":` diagnostic containing" << wanted << " in the build output:\n"
         << output;
}

}  // namespace retort::build_test
