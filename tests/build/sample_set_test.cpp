// The sample set (migrations/) builds, and breaking the down revision of any
// one of its files makes the build fail with a diagnostic on that line. Runs
// on a copy, never on the checkout.
#include <gtest/gtest.h>

#include <regex>

#include "build_support.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

// The first revision id (or `base`) on the file's down revision line: the
// `.down_revision =` field of a C++ file, `-- Revises:` of an SQL file.
struct DownRevision {
  std::size_t offset;  // of the id in the file
  std::string id;
};

DownRevision find_down_revision(const std::string& content) {
  static const std::regex field(R"((\.down_revision\s*=\s*\{?\s*"|-- Revises:[ \t]*)([0-9A-Za-z_]+))");
  std::smatch match;
  if (!std::regex_search(content, match, field)) return {std::string::npos, ""};
  return {static_cast<std::size_t>(match.position(2)), match[2]};
}

TEST(SampleSet, BreakingAnyDownRevisionFailsTheBuildOnThatLine) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  copy_tree(Paths::projects() / "consumer", source);
  fs::remove_all(source / "migrations");
  fs::create_directories(source / "migrations");
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(Paths::retort_source() / "migrations")) {
    std::string extension = entry.path().extension().string();
    if (extension != ".cpp" && extension != ".sql") continue;
    fs::copy_file(entry.path(), source / "migrations" / entry.path().filename());
    files.push_back(source / "migrations" / entry.path().filename());
  }
  ASSERT_GE(files.size(), 8u) << "the sample set has a revision per table";

  CommandResult configured = configure(source, build_dir);
  ASSERT_EQ(configured.status, 0) << configured.output;
  CommandResult built = build(build_dir);
  ASSERT_EQ(built.status, 0) << "the sample set must build as it is:\n" << built.output;
  CommandResult listed = run(shell_quote((build_dir / "list_revisions").string()));
  EXPECT_EQ(listed.status, 0);
  EXPECT_NE(listed.output.find("4f2a9c1d7e3b,9d3c7b5e1f28 merge"), std::string::npos)
      << "the sample set has a branch that is merged again:\n" << listed.output;

  const std::string unknown = "0badc0ffee00";
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    std::string original = read_file(file);
    DownRevision down = find_down_revision(original);
    ASSERT_NE(down.offset, std::string::npos) << "no down revision in " << file;
    std::string broken = original;
    broken.replace(down.offset, down.id.size(), unknown);
    write_file(file, broken);

    CommandResult failed = build(build_dir);
    EXPECT_NE(failed.status, 0) << failed.output;
    Position at = find_in_file(file, unknown);
    if (file.extension() == ".cpp") --at.column;  // the diagnostic points at the literal's quote
    EXPECT_TRUE(has_diagnostic(failed.output, "error", file, at, {unknown}));

    write_file(file, original);
  }
  CommandResult healed = build(build_dir);
  EXPECT_EQ(healed.status, 0) << healed.output;
}

}  // namespace
}  // namespace retort::build_test
