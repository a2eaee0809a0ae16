// retortc's source-level commands on real directories: revision, merge,
// heads, branches, history.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <regex>

#include "retortc_test_support.hpp"

namespace retort::test {
namespace {

using testing::HasSubstr;
namespace fs = std::filesystem;

class SourceCommands : public testing::Test {
 protected:
  RetortcResult retortc(const std::string& command, const std::string& arguments = "") {
    return run_retortc(command + " --directory " + dir.path().string() + " " + arguments);
  }
  std::vector<std::string> migration_files() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  TempDir dir;
};

TEST_F(SourceCommands, RevisionWritesAFreshFileOnTopOfTheHead) {
  auto result = retortc("revision", "-m \"Create users table\"");
  ASSERT_EQ(result.status, 0) << result.output;
  ASSERT_EQ(migration_files().size(), 1u);
  const std::string first = migration_files()[0];
  EXPECT_TRUE(std::regex_match(first, std::regex("[0-9a-f]{12}_create_users_table\\.cpp"))) << first;
  EXPECT_EQ(result.output, "  Generating " + (dir / first).string() + " ...  done\n");
  const std::string first_id = first.substr(0, 12);
  const auto content = read_file(dir / first);
  EXPECT_THAT(content, HasSubstr(".id = \"" + first_id + "\","));
  EXPECT_THAT(content, HasSubstr(".down_revision = retort::base,"));
  EXPECT_THAT(content, HasSubstr(".message = \"Create users table\","));

  result = retortc("revision", "-m \"add email\" --sql --rev-id b2");
  ASSERT_EQ(result.status, 0) << result.output;
  const auto sql = read_file(dir / "b2_add_email.sql");
  EXPECT_THAT(sql, HasSubstr("-- Revision ID: b2\n-- Revises: " + first_id + "\n-- Message: add email\n"));

  result = retortc("revision", "-m \"third\" --rev-id c3 --depends-on " + first_id);
  ASSERT_EQ(result.status, 0) << result.output;
  const auto third = read_file(dir / "c3_third.cpp");
  EXPECT_THAT(third, HasSubstr(".down_revision = \"b2\","));
  EXPECT_THAT(third, HasSubstr(".depends_on = \"" + first_id + "\","));

  // What the commands write compiles.
  result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;
}

TEST_F(SourceCommands, HeadsBranchesHistoryAndMerge) {
  ASSERT_EQ(retortc("revision", "-m first --rev-id a1").status, 0);
  ASSERT_EQ(retortc("revision", "-m second --rev-id b2").status, 0);
  EXPECT_EQ(retortc("heads").output, "b2 (head)\n");

  // Branching from a non-head needs --splice.
  auto result = retortc("revision", "-m fork --rev-id c3 --head a1");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("revision `a1` is not a head; pass --splice to start a new branch from it"));
  ASSERT_EQ(retortc("revision", "-m fork --rev-id c3 --head a1 --splice").status, 0) << result.output;

  result = retortc("heads");
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.output, HasSubstr("b2 (head)\n"));
  EXPECT_THAT(result.output, HasSubstr("c3 (head)\n"));

  result = retortc("branches");
  EXPECT_EQ(result.status, 0);
  EXPECT_THAT(result.output, HasSubstr("a1 (branchpoint)\n"));
  EXPECT_THAT(result.output, HasSubstr("   -> b2 (head)\n"));
  EXPECT_THAT(result.output, HasSubstr("   -> c3 (head)\n"));

  // Two heads: a plain `revision` refuses and says what to type.
  result = retortc("revision", "-m next");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("the migration set has 2 heads ("));
  EXPECT_THAT(result.output, HasSubstr("Pass --head <revision> (or --head <label>@head)"));
  EXPECT_THAT(result.output, HasSubstr("retortc merge --directory " + dir.path().string() + " -m \"merge heads\" heads"));
  // ... and the build fails until they are merged.
  EXPECT_EQ(compile_set(dir).status, 1);

  result = retortc("merge", "-m \"merge heads\" --rev-id d4 heads");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(result.output, "  Generating " + (dir / "d4_merge_heads.cpp").string() + " ...  done\n");
  EXPECT_EQ(retortc("heads").output, "d4 (head)\n");
  result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;

  result = retortc("history");
  EXPECT_EQ(result.status, 0);
  const std::regex expected(
      "(b2, c3|c3, b2) -> d4 \\(head\\) \\(mergepoint\\), merge heads\n"
      "(a1 -> b2, second\na1 -> c3, fork\n|a1 -> c3, fork\na1 -> b2, second\n)"
      "<base> -> a1 \\(branchpoint\\), first\n");
  EXPECT_TRUE(std::regex_match(result.output, expected)) << result.output;
}

// `<name>-migrate merge heads -m ...` reaches retortc as below: the -I the
// wrapper adds before the user's words takes one value, not `heads` too.
TEST_F(SourceCommands, IncludeFlagsTakeOneValueEach) {
  ASSERT_EQ(retortc("revision", "-m first --rev-id a1").status, 0);
  ASSERT_EQ(retortc("revision", "-m second --rev-id b2").status, 0);
  ASSERT_EQ(retortc("revision", "-m fork --rev-id c3 --head a1 --splice").status, 0);
  auto result = run_retortc("merge --via shop-migrate --directory " + dir.path().string() + " -I" +
                            dir.path().string() + " -I " + dir.path().string() +
                            " -DX=1 heads -m \"merge heads\" --rev-id d4");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_EQ(retortc("heads").output, "d4 (head)\n");
}

// Run by a wrapper (`--via NAME`), the help names it and hides the flags it supplies.
TEST_F(SourceCommands, HelpThroughAWrapperShowsOnlyTheUsersOptions) {
  auto result = run_retortc("revision --via shop-migrate --directory " + dir.path().string() + " -I/x --help");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("shop-migrate revision"));
  EXPECT_THAT(result.output, HasSubstr("--message"));
  EXPECT_THAT(result.output, testing::Not(HasSubstr("--directory")));
  EXPECT_THAT(result.output, testing::Not(HasSubstr("--include")));
  EXPECT_THAT(result.output, testing::Not(HasSubstr("--via")));
  // Without a wrapper, retortc's own help lists them.
  EXPECT_THAT(run_retortc("revision --help").output, HasSubstr("--directory"));
}

TEST_F(SourceCommands, AutogenerateSaysToWriteTheMigrationByHand) {
  for (const std::string arguments : {"--autogenerate -m \"add users\"", "--autogenerate"}) {
    auto result = run_retortc("revision --via shop-migrate --directory " + dir.path().string() + " " + arguments);
    EXPECT_EQ(result.status, 2) << result.output;
    EXPECT_THAT(result.output, HasSubstr("--autogenerate is not supported yet"));
    EXPECT_THAT(result.output, HasSubstr("planned"));
    EXPECT_THAT(result.output, HasSubstr("`shop-migrate revision -m \"what it does\"`"));
    EXPECT_THAT(result.output, testing::Not(HasSubstr("not expected")));
    EXPECT_TRUE(migration_files().empty());
  }
}

TEST_F(SourceCommands, MergeNeedsTwoRevisions) {
  ASSERT_EQ(retortc("revision", "-m first --rev-id a1").status, 0);
  const auto result = retortc("merge", "-m nothing heads");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("nothing to merge: heads resolve to 1 revision(s) (a1)"));
}

TEST_F(SourceCommands, RevisionRefusesBadIdsAndBrokenSets) {
  ASSERT_EQ(retortc("revision", "-m first --rev-id a1").status, 0);
  auto result = retortc("revision", "-m again --rev-id a1");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("revision id `a1` already exists"));
  result = retortc("revision", "-m bad --rev-id bad-id");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("malformed revision id `bad-id`"));

  write_file(dir / "b2_broken.sql", sql_migration("b2", "zz", "broken"));
  result = retortc("heads");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr((dir / "b2_broken.sql").string() + ":2:13: error: `-- Revises:` names `zz`"));
}

TEST_F(SourceCommands, UsageErrorsExitWithStatusTwo) {
  auto result = run_retortc("compile --directory " + dir.path().string());
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.output, HasSubstr("--name is required"));
  result = run_retortc("frobnicate");
  EXPECT_EQ(result.status, 2);
  result = run_retortc("revision --directory " + (dir / "missing").string() + " -m x");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("migration directory " + (dir / "missing").string() + " does not exist"));
  EXPECT_EQ(run_retortc("--help").status, 0);
}

TEST_F(SourceCommands, LabelledBranchFromBase) {
  ASSERT_EQ(retortc("revision", "-m first --rev-id a1").status, 0);
  auto result = retortc("revision", "-m other --rev-id x1 --head base");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("a second base needs its own branch"));
  ASSERT_EQ(retortc("revision", "-m \"main line\" --rev-id a2 --branch-label main").status, 0);
  ASSERT_EQ(retortc("revision", "-m other --rev-id x1 --head base --branch-label other").status, 0);
  ASSERT_EQ(retortc("revision", "-m \"other two\" --rev-id x2 --head other@head").status, 0);
  EXPECT_THAT(read_file(dir / "x2_other_two.cpp"), HasSubstr(".down_revision = \"x1\","));
  // Two labelled bases and heads: a valid set.
  result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;
}

}  // namespace
}  // namespace retort::test
