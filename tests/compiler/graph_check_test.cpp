// Every error and warning of `retortc compile`, from the real tool on real
// files: message text and `file:line:col`.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "retortc_test_support.hpp"

namespace retort::test {
namespace {

using testing::HasSubstr;

// Writes a file and returns its content, for position_of().
std::string put(const TempDir& dir, const std::string& name, const std::string& content) {
  write_file(dir / name, content);
  return content;
}

std::string at(const TempDir& dir, const std::string& name, const std::string& position) {
  return (dir / name).string() + ":" + position + ": ";
}

TEST(GraphCheck, UnknownDownRevisionSuggestsTheNearestId) {
  TempDir dir;
  put(dir, "a1b2c3_first.cpp", cpp_migration("\"a1b2c3\"", "retort::base", "\"first\""));
  const auto second = put(dir, "d4e5f6_second.cpp", cpp_migration("\"d4e5f6\"", "\"a1b2c4\"", "\"second\""));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output,
              HasSubstr(at(dir, "d4e5f6_second.cpp", position_of(second, "\"a1b2c4\"")) +
                        "error: `down_revision` names `a1b2c4`, but no migration in " + dir.path().string() +
                        " declares that revision; did you mean `a1b2c3`?"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1b2c3_first.cpp", "4:11") + "note: revision `a1b2c3` is declared here"));
  EXPECT_THAT(result.output, HasSubstr("retortc: 1 error in the migration set"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "testset_registry.cpp"));
}

TEST(GraphCheck, UnknownRevisesInSqlPointsAtTheListItem) {
  TempDir dir;
  put(dir, "a1_first.sql", sql_migration("a1", "base", "first"));
  put(dir, "b2_second.sql", sql_migration("b2", "a1, a2", "second"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_second.sql", "2:17") +
                                       "error: `-- Revises:` names `a2`, but no migration in " +
                                       dir.path().string() + " declares that revision; did you mean `a1`?"));
}

TEST(GraphCheck, DuplicateIdPointsAtBothFiles) {
  TempDir dir;
  put(dir, "a1_first.cpp", cpp_migration("\"a1\"", "retort::base", "\"first\""));
  put(dir, "a1_again.sql", sql_migration("a1", "base", "again"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  // Files are read in name order: a1_again.sql first.
  EXPECT_THAT(result.output,
              HasSubstr(at(dir, "a1_first.cpp", "4:11") +
                        "error: duplicate revision id `a1`; give one of the two files a new id (retortc revision "
                        "prints a fresh one)\n" +
                        at(dir, "a1_again.sql", "1:17") + "note: revision `a1` is also declared here"));
}

TEST(GraphCheck, CycleIsPrinted) {
  TempDir dir;
  put(dir, "base0_base.cpp", cpp_migration("\"base0\"", "retort::base", "\"base\""));
  const auto aaa = put(dir, "aaa_one.cpp", cpp_migration("\"aaa\"", "\"bbb\"", "\"one\""));
  const auto bbb = put(dir, "bbb_two.sql", sql_migration("bbb", "aaa", "two"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "aaa_one.cpp", position_of(aaa, "\"bbb\"")) +
                                       "error: the revision graph has a cycle: aaa -> bbb -> aaa"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "bbb_two.sql", "2:13") + "note: `bbb` revises `aaa` here"));
}

TEST(GraphCheck, SelfReferenceIsACycle) {
  TempDir dir;
  put(dir, "base0_base.cpp", cpp_migration("\"base0\"", "retort::base", "\"base\""));
  put(dir, "aaa_one.sql", sql_migration("aaa", "aaa", "one"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "aaa_one.sql", "2:13") +
                                       "error: the revision graph has a cycle: aaa -> aaa"));
}

TEST(GraphCheck, TwoUnlabelledHeadsPrintTheMergeCommand) {
  TempDir dir;
  put(dir, "a1_base.cpp", cpp_migration("\"a1\"", "retort::base", "\"base\""));
  put(dir, "b2_left.cpp", cpp_migration("\"b2\"", "\"a1\"", "\"left\""));
  put(dir, "c3_right.sql", sql_migration("c3", "a1", "right"));
  const auto result = compile_set(dir, "", "shop");
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output,
              HasSubstr(at(dir, "b2_left.cpp", "4:11") +
                        "error: the migration set has 2 heads (b2, c3) that are not distinct labelled branches; merge "
                        "them with `retortc merge --directory " + dir.path().string() +
                        " -m \"merge heads\" b2 c3` (or `shop-migrate merge heads -m \"merge heads\"`), or give each "
                        "branch its own branch label"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_left.cpp", "4:11") + "note: head `b2` (no branch label) is declared here"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "c3_right.sql", "1:17") + "note: head `c3` (no branch label) is declared here"));
}

TEST(GraphCheck, HeadsOfDistinctLabelledBranchesAreAllowed) {
  TempDir dir;
  put(dir, "a1_base.cpp", cpp_migration("\"a1\"", "retort::base", "\"base\""));
  put(dir, "b2_left.cpp", cpp_migration("\"b2\"", "\"a1\"", "\"left\"", "    .branch_labels = {\"left\"},\n"));
  put(dir, "c3_right.sql", sql_migration("c3", "a1", "right", "-- Branch Labels: right\n"));
  put(dir, "d4_more.sql", sql_migration("d4", "c3", "more"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;
}

// docs/retortc.md's recipe: an existing, unlabelled line plus a new labelled
// base (`revision --head base --branch-label billing`).
TEST(GraphCheck, AnUnlabelledMainLineBesideLabelledBranchesIsAllowed) {
  TempDir dir;
  put(dir, "a1_base.cpp", cpp_migration("\"a1\"", "retort::base", "\"base\""));
  put(dir, "b2_next.sql", sql_migration("b2", "a1", "next"));
  put(dir, "c3_billing.cpp", cpp_migration("\"c3\"", "retort::base", "\"billing\"", "    .branch_labels = \"billing\",\n"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;

  // A second unlabelled line is an unmerged branch again.
  put(dir, "d4_stray.sql", sql_migration("d4", "a1", "stray"));
  const auto stray = compile_set(dir);
  EXPECT_EQ(stray.status, 1);
  EXPECT_THAT(stray.output, HasSubstr("error: the migration set has 3 heads (b2, c3, d4)"));
}

TEST(GraphCheck, HeadsSharingOnlyAnAncestorLabelAreRejected) {
  TempDir dir;
  put(dir, "a1_base.cpp", cpp_migration("\"a1\"", "retort::base", "\"base\"", "    .branch_labels = \"main\",\n"));
  put(dir, "b2_left.cpp", cpp_migration("\"b2\"", "\"a1\"", "\"left\""));
  put(dir, "c3_right.sql", sql_migration("c3", "a1", "right"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("error: the migration set has 2 heads (b2, c3)"));
}

TEST(GraphCheck, TwoUnlabelledBasesAreRejected) {
  TempDir dir;
  put(dir, "a1_one.cpp", cpp_migration("\"a1\"", "retort::base", "\"one\""));
  put(dir, "b2_two.sql", sql_migration("b2", "", "two"));
  put(dir, "c3_merge.cpp", cpp_migration("\"c3\"", "{\"a1\", \"b2\"}", "\"merge\""));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output,
              HasSubstr(at(dir, "a1_one.cpp", "4:11") +
                        "error: the migration set has 2 bases (a1, b2) that are not distinct labelled branches"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_two.sql", "1:17") + "note: base `b2` (no branch label) is declared here"));

  put(dir, "a1_one.cpp", cpp_migration("\"a1\"", "retort::base", "\"one\"", "    .branch_labels = \"one\",\n"));
  put(dir, "b2_two.sql", sql_migration("b2", "", "two", "-- Branch Labels: two\n"));
  const auto labelled = compile_set(dir);
  EXPECT_EQ(labelled.status, 0) << labelled.output;
}

TEST(GraphCheck, UnknownDependsOn) {
  TempDir dir;
  put(dir, "a1_one.cpp", cpp_migration("\"a1\"", "retort::base", "\"one\"", "    .branch_labels = \"core\",\n"));
  const auto b2 = put(dir, "b2_two.cpp", cpp_migration("\"b2\"", "\"a1\"", "\"two\"", "    .depends_on = {\"core\", \"a7\"},\n"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_two.cpp", position_of(b2, "\"a7\"")) +
                                       "error: `depends_on` names `a7`, but no migration in " + dir.path().string() +
                                       " declares that revision or branch label; did you mean `a1`?"));
  EXPECT_THAT(result.output, testing::Not(HasSubstr("`core`")));
}

TEST(GraphCheck, MalformedIdAndEmptyMessage) {
  TempDir dir;
  const auto content = put(dir, "bad-id_x.cpp", cpp_migration("\"bad-id\"", "retort::base", "\"\""));
  const auto long_id = std::string(33, 'a');
  put(dir, long_id + ".sql", sql_migration(long_id, "bad-id", " "));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "bad-id_x.cpp", position_of(content, "\"bad-id\"")) +
                                       "error: malformed revision id `bad-id`: an id is 1 to 32 characters of "
                                       "[0-9A-Za-z_] (retortc revision generates 12 hex digits)"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "bad-id_x.cpp", position_of(content, "\"\",")) +
                                       "error: revision `bad-id` has an empty message"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, long_id + ".sql", "1:17") + "error: malformed revision id `" + long_id));
  EXPECT_THAT(result.output, HasSubstr(at(dir, long_id + ".sql", "3:12") +
                                       "error: empty `-- Message:`; say in a few words what this migration does"));
}

TEST(GraphCheck, MissingDownRevision) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .message = \"first\"};\n"
      "void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"y\"); }\n";
  put(dir, "a1_first.cpp", content);
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1_first.cpp", position_of(content, "revision{")) +
                                       "error: revision `a1` has no `.down_revision`; write `.down_revision = "
                                       "\"<previous revision id>\"`, or `.down_revision = retort::base` for a first "
                                       "revision"));
}

TEST(GraphCheck, EntryPointsAndConstantnessAndCxxErrors) {
  TempDir dir;
  const std::string missing =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "void downgrade(retort::Op& op) { op.execute(\"y\"); }\n";
  const std::string wrong =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"b2\", .down_revision = \"a1\", .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op* op) {}\n";
  const std::string not_constant =
      "#include <retort/migration.hpp>\n"
      "const retort::Revision revision{.id = \"c3\", .down_revision = \"b2\", .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"y\"); }\n";
  const std::string broken =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"d4\", .down_revision = \"c3\", .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { undeclared_helper(op); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"y\"); }\n";
  put(dir, "a1_missing.cpp", missing);
  put(dir, "b2_wrong.cpp", wrong);
  put(dir, "c3_not_constant.cpp", not_constant);
  put(dir, "d4_broken.cpp", broken);
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1_missing.cpp", position_of(missing, "revision{")) +
                                       "error: no `void upgrade(retort::Op& op)` in this file"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_wrong.cpp", position_of(wrong, "downgrade")) +
                                       "error: `downgrade` has the type `void (retort::Op *)`; it must be "
                                       "`void downgrade(retort::Op& op)`"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "c3_not_constant.cpp", position_of(not_constant, "revision{")) +
                                       "error: `revision` is not a compile-time constant"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "d4_broken.cpp", position_of(broken, "undeclared_helper")) +
                                       "error: use of undeclared identifier 'undeclared_helper'"));
}

TEST(GraphCheck, SqlHeaderProblems) {
  TempDir dir;
  put(dir, "a1_first.sql", "-- Revision ID: a1\n-- Revises: base\n-- Revises: base\n-- Message: m\nSELECT 1;\n");
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1_first.sql", "3:1") +
                                       "error: header field `-- Revises:` is repeated; keep exactly one\n" +
                                       at(dir, "a1_first.sql", "2:1") + "note: first `-- Revises:` is here"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1_first.sql", "5:1") + "error: SQL before the `-- retort:upgrade` marker"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "a1_first.sql", "1:1") + "error: missing `-- retort:upgrade` section"));

  put(dir, "a1_first.sql", "-- Revision ID: a1\n-- Message: m\n-- retort:upgrade\nSELECT 1;\n");
  const auto missing = compile_set(dir);
  EXPECT_EQ(missing.status, 1);
  EXPECT_THAT(missing.output, HasSubstr(at(dir, "a1_first.sql", "1:1") + "error: missing header field `-- Revises:`"));
}

TEST(GraphCheck, WarningsDoNotFailTheBuild) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op&) {}\n";
  put(dir, "first.cpp", content);
  put(dir, "b2_second.sql", "-- Revision ID: b2\n-- Revises: a1\n-- Message: m\n-- retort:upgrade\nSELECT 1;\n");
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr(at(dir, "first.cpp", position_of(content, "\"a1\"")) +
                                       "warning: file name `first.cpp` does not start with its revision id `a1`; "
                                       "rename it to `a1_<slug>.cpp`"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "first.cpp", position_of(content, "downgrade")) +
                                       "warning: `downgrade` does nothing"));
  EXPECT_THAT(result.output, HasSubstr(at(dir, "b2_second.sql", "4:1") + "warning: no `-- retort:downgrade` section"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "testset_registry.cpp"));
}

}  // namespace
}  // namespace retort::test

namespace retort::test {
namespace {

// A far-away id is more often a deleted or unpulled file than a typo.
TEST(GraphCheck, AFarAwayIdIsOnlyOfferedAsTheNearest) {
  TempDir dir;
  write_file(dir / "a1b2c3d4e5f6_first.cpp", cpp_migration("\"a1b2c3d4e5f6\"", "retort::base", "\"first\""));
  write_file(dir / "0f9e8d7c6b5a_second.sql", sql_migration("0f9e8d7c6b5a", "77aa88bb99cc", "second"));
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, testing::HasSubstr((dir / "0f9e8d7c6b5a_second.sql").string() +
                                                ":2:13: error: `-- Revises:` names `77aa88bb99cc`, but no migration "
                                                "in " + dir.path().string() + " declares that revision: the file that "
                                                "declared it may have been deleted, or not yet pulled (restore or "
                                                "pull it); if the id was copied, the nearest existing id is "
                                                "`a1b2c3d4e5f6` (check the id you copied)"));
}

}  // namespace
}  // namespace retort::test

namespace retort::test {
namespace {

TEST(GraphCheck, BranchLabelsAreUniqueAndNotIds) {
  TempDir dir;
  const auto first = cpp_migration("\"a1\"", "retort::base", "\"first\"", "    .branch_labels = \"core\",\n");
  write_file(dir / "a1_first.cpp", first);
  const auto second = cpp_migration("\"b2\"", "\"a1\"", "\"second\"", "    .branch_labels = {\"core\", \"a1\"},\n");
  write_file(dir / "b2_second.cpp", second);
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output,
              testing::HasSubstr((dir / "b2_second.cpp").string() + ":" + position_of(second, "\"core\"") +
                                 ": error: branch label `core` is already used by revision `a1`; labels name one "
                                 "branch each\n" + (dir / "a1_first.cpp").string() + ":" + position_of(first, "\"core\"") +
                                 ": note: `core` is declared here"));
  EXPECT_THAT(result.output,
              testing::HasSubstr((dir / "b2_second.cpp").string() + ":" + position_of(second, "\"a1\"}") +
                                 ": error: branch label `a1` is also a revision id; choose another label"));
}

TEST(GraphCheck, StaticEntryPointsCannotBeReachedFromTheRegistry) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "static void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"y\"); }\n";
  write_file(dir / "a1_first.cpp", content);
  const auto result = compile_set(dir);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, testing::HasSubstr((dir / "a1_first.cpp").string() + ":" +
                                                position_of(content, "upgrade") +
                                                ": error: `upgrade` is static; remove `static`: the generated "
                                                "registry calls it from another translation unit"));
}

}  // namespace
}  // namespace retort::test
