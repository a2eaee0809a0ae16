// Every code block of README.md and docs/*.md, checked as its marker says
// (doc_blocks.hpp): migrations and files go into a scratch project, which
// starts as the sample set under a default CMakeLists.txt, and compile with
// retortc; fragments compile inside an upgrade(); command sequences run in
// the project with an installed Retort. A block a reader would copy (C++,
// CMake, SQL, shell) without a marker fails the page: nothing rots unseen.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <iostream>

#include "build_support.hpp"
#include "doc_blocks.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

constexpr const char* kDefaultProject =
    "cmake_minimum_required(VERSION 3.25)\n"
    "project(app CXX)\n"
    "find_package(Retort CONFIG REQUIRED)\n"
    "retort_add_migrations(app_migrations DIRECTORY migrations)\n";

std::vector<std::string> pages() {
  std::vector<std::string> found;
  const fs::path docs = Paths::retort_source() / "docs";
  if (fs::is_directory(docs))
    for (const auto& entry : fs::directory_iterator(docs))
      if (entry.path().extension() == ".md") found.push_back("docs/" + entry.path().filename().string());
  std::sort(found.begin(), found.end());
  found.insert(found.begin(), "README.md");
  return found;
}

// retortc over one migration directory: ids, graph, C++ semantics, SQL headers.
CommandResult compile_set(const fs::path& directory, const fs::path& output) {
  return run(shell_quote(Paths::retortc().string()) + " compile --name doc_check --directory " +
             shell_quote(directory.string()) + " --output-dir " + shell_quote(output.string()) + " -I " +
             shell_quote((Paths::retort_source() / "runtime" / "include").string()));
}

std::string as_migration(const std::string& statements) {
  return "#include <retort/migration.hpp>\n"
         "constexpr retort::Revision revision{.id = \"docfragment\", .down_revision = retort::base,\n"
         "                                    .message = \"a documentation fragment\"};\n"
         "void upgrade(retort::Op& op) {\n" +
         statements +
         "}\n"
         "void downgrade([[maybe_unused]] retort::Op& op) {}\n";
}

// The environment a reader's shell has after installing Retort.
std::string reader_environment() {
  const std::string prefix = Paths::install_prefix().string();
  return "env -u DATABASE_URL CMAKE_PREFIX_PATH=" + shell_quote(prefix) + " CMAKE_GENERATOR=Ninja CMAKE_BUILD_TYPE=Debug" +
         " CXX=" + shell_quote(RETORT_TEST_CXX_COMPILER) + " CC=" + shell_quote(RETORT_TEST_C_COMPILER) +
         " PATH=" + shell_quote(prefix + "/bin") + ":\"$PATH\" ";
}

// The line a run block's script echoes before its command i.
std::string cut_line(size_t i) { return "@@ doc-test command " + std::to_string(i) + " @@"; }

// What each of `count` commands printed, from the script's whole output,
// and how many of them started (the last one that did is the one that
// failed, when the script did).
struct Printed {
  std::vector<std::string> by_command;
  size_t started = 0;
};
Printed cut(const std::string& output, size_t count) {
  Printed printed{std::vector<std::string>(count), 0};
  for (size_t i = 0; i < count; ++i) {
    const auto start = output.find(cut_line(i) + "\n");
    if (start == std::string::npos) break;
    const auto from = start + cut_line(i).size() + 1;
    const auto next = i + 1 < count ? output.find(cut_line(i + 1) + "\n", from) : std::string::npos;
    printed.by_command[i] = output.substr(from, next == std::string::npos ? std::string::npos : next - from);
    printed.started = i + 1;
  }
  return printed;
}

class Docs : public ::testing::TestWithParam<std::string> {};

TEST_P(Docs, EveryCodeBlockCompilesOrRunsAsWritten) {
  const std::string page = GetParam();
  retort::test::TempDir dir;
  const fs::path project = dir / "project";
  fs::create_directories(project / "migrations");
  for (const auto& entry : fs::directory_iterator(Paths::retort_source() / "migrations")) {
    const auto extension = entry.path().extension();
    if (extension == ".cpp" || extension == ".sql")
      fs::copy_file(entry.path(), project / "migrations" / entry.path().filename());
  }
  write_file(project / "CMakeLists.txt", kDefaultProject);

  unsigned tested = 0;
  unsigned skipped = 0;
  for (const DocBlock& block : read_doc_blocks(Paths::retort_source() / page)) {
    const std::string where = page + ":" + std::to_string(block.line) + ": ";
    const std::string scratch = "block" + std::to_string(block.line);
    if (block.kind.empty()) {
      EXPECT_FALSE(needs_marker(block.info))
          << where << "a ```" << block.info << " block without a <!-- doc-test: ... --> marker";
    } else if (block.kind == "skip") {
      EXPECT_FALSE(block.argument.empty()) << where << "`skip` needs the reason the block cannot run";
      ++skipped;
    } else if (block.kind == "file") {
      ASSERT_FALSE(block.argument.empty()) << where << "`file` needs the file's path";
      write_file(project / block.argument, block.text);
      if (block.argument.starts_with("migrations/")) {
        CommandResult compiled = compile_set(project / "migrations", dir / scratch);
        EXPECT_EQ(compiled.status, 0) << where << "with this file the page's migration set does not compile:\n"
                                      << compiled.output;
      }
      ++tested;
    } else if (block.kind == "fragment") {
      write_file(dir / scratch / "set" / "docfragment_example.cpp", as_migration(block.text));
      CommandResult compiled = compile_set(dir / scratch / "set", dir / scratch / "out");
      EXPECT_EQ(compiled.status, 0) << where << "the fragment does not compile in an upgrade():\n" << compiled.output;
      ++tested;
    } else if (block.kind == "run") {
      // One script, so that a block's `cd` and exports carry on; a line
      // before each command cuts what each printed.
      const std::vector<DocCommand> commands = commands_of(block);
      ASSERT_FALSE(commands.empty()) << where << "a `run` block without a command";
      std::string script = "set -e\n";
      for (size_t i = 0; i < commands.size(); ++i)
        script += "echo " + shell_quote(cut_line(i)) + "\n" + commands[i].text + "\n";
      write_file(dir / (scratch + ".sh"), script);
      CommandResult ran = run("cd " + shell_quote(project.string()) + " && " + reader_environment() + "bash " +
                              shell_quote((dir / (scratch + ".sh")).string()) + " 2>&1");
      const Printed printed = cut(ran.output, commands.size());
      // Later blocks build on this one's result.
      const size_t last = printed.started == 0 ? 0 : printed.started - 1;
      ASSERT_EQ(ran.status, 0) << where << "`" << commands[last].text << "` failed:\n" << printed.by_command[last];
      for (size_t i = 0; i < commands.size(); ++i) {
        const std::string missing = missing_shown_line(commands[i], printed.by_command[i], project.string());
        EXPECT_EQ(missing, "") << where << "`" << commands[i].text << "` no longer prints the line shown:\n  "
                               << missing << "\nIt printed:\n" << printed.by_command[i];
      }
      ++tested;
    } else {
      ADD_FAILURE() << where << "unknown marker `" << block.kind << "` (file, fragment, run or skip)";
    }
  }
  std::cout << page << ": " << tested << " blocks checked, " << skipped << " skipped\n";
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name;
  for (char c : info.param.substr(0, info.param.size() - 3))
    name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Pages, Docs, ::testing::ValuesIn(pages()), test_name);

}  // namespace
}  // namespace retort::build_test
