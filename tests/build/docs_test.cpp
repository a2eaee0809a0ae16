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
      std::string script = "set -ex\n";
      for (const std::string& command : commands_of(block)) script += command + "\n";
      write_file(dir / (scratch + ".sh"), script);
      CommandResult ran = run("cd " + shell_quote(project.string()) + " && " + reader_environment() + "bash " +
                              shell_quote((dir / (scratch + ".sh")).string()));
      // Later blocks build on this one's result.
      ASSERT_EQ(ran.status, 0) << where << "a command failed:\n" << ran.output;
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
