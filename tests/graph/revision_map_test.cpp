// Unit tests of RevisionMap: construction errors, targets, messages, the
// version-table changes of each step, and speed on 10,000 revisions.
#include <gtest/gtest.h>

#include <chrono>
#include <fmt/format.h>

#include "retort/registry.hpp"
#include "retort/revision_map.hpp"

namespace retort {
namespace {

using Rows = std::vector<std::string>;

RevisionNode rev(std::string id, Rows down = {}, Rows labels = {}, Rows depends_on = {}) {
  return {std::move(id), std::move(down), std::move(labels), std::move(depends_on), "message of " + id};
}

std::string refusal(auto&& fn) {
  try {
    fn();
  } catch (const RevisionError& e) {
    return e.what();
  }
  return "(no error)";
}

Rows ids_of(const std::vector<MigrationStep>& steps) {
  Rows out;
  for (const MigrationStep& step : steps) out.push_back(step.revision);
  return out;
}

// base -> trunk -> {left, right} -> merge
RevisionMap diamond() {
  return RevisionMap({rev("1000base"), rev("2000trunk", {"1000base"}), rev("3000left", {"2000trunk"}),
                      rev("4000right", {"2000trunk"}), rev("5000merge", {"3000left", "4000right"})});
}

TEST(RevisionMapBuild, RefusesDuplicateIds) {
  std::string message = refusal([] { RevisionMap({rev("abcd1234"), rev("abcd1234")}); });
  EXPECT_NE(message.find("Revision abcd1234 is present more than once"), std::string::npos) << message;
}

TEST(RevisionMapBuild, RefusesUnknownDownRevisionNamingBoth) {
  std::string message = refusal([] { RevisionMap({rev("abcd1234"), rev("bcde2345", {"ffff9999"})}); });
  EXPECT_NE(message.find("Revision ffff9999 referenced from bcde2345 is not present"), std::string::npos) << message;
}

TEST(RevisionMapBuild, RefusesUnknownDependency) {
  std::string message = refusal([] { RevisionMap({rev("abcd1234"), rev("bcde2345", {}, {}, {"nolabel"})}); });
  EXPECT_NE(message.find("depends_on 'nolabel'"), std::string::npos) << message;
}

TEST(RevisionMapBuild, RefusesCyclesListingTheRevisionsOnThem) {
  std::string message = refusal([] {
    RevisionMap({rev("aaaa0001"), rev("bbbb0002", {"aaaa0001"}), rev("cccc0003", {"dddd0004"}), rev("dddd0004", {"cccc0003"})});
  });
  EXPECT_TRUE(message.starts_with("Cycle is detected in revisions (cccc0003, dddd0004)")) << message;
}

TEST(RevisionMapBuild, EmptyGraphHasNoHeadsAndUpgradesToNothing) {
  RevisionMap map({});
  EXPECT_TRUE(map.heads().empty());
  EXPECT_TRUE(map.upgrade_steps({}, "heads").empty());
  EXPECT_TRUE(map.upgrade_steps({}, "head").empty());
}

TEST(RevisionMapBuild, FromRegistryKeepsOrderAndLinks) {
  static constexpr std::string_view down_b[] = {"aaaa0001"};
  static constexpr std::string_view labels_a[] = {"core"};
  static const Migration migrations[] = {
      {"aaaa0001", {}, labels_a, {}, "first", "/src/a.sql", 1, "sha256:0", true, nullptr, nullptr, {}, {}},
      {"bbbb0002", down_b, {}, {}, "second", "/src/b.sql", 1, "sha256:1", true, nullptr, nullptr, {}, {}},
  };
  Registry registry{"app", "/src", migrations};
  RevisionMap map = RevisionMap::from_registry(registry);
  ASSERT_EQ(map.nodes().size(), 2u);
  EXPECT_EQ(map.get("bbbb0002").message, "second");
  EXPECT_EQ(map.heads(), Rows{"bbbb0002"});
  EXPECT_EQ(map.branch_labels("bbbb0002"), Rows{"core"});  // labels cover descendants
  EXPECT_EQ(map.resolve("core@head"), Rows{"bbbb0002"});
}

TEST(RevisionMapFacts, HeadsBasesBranchAndMergePoints) {
  RevisionMap map = diamond();
  EXPECT_EQ(map.heads(), Rows{"5000merge"});
  EXPECT_EQ(map.bases(), Rows{"1000base"});
  EXPECT_TRUE(map.is_branch_point("2000trunk"));
  EXPECT_TRUE(map.is_merge_point("5000merge"));
  EXPECT_TRUE(map.is_head("5000merge"));
  EXPECT_TRUE(map.is_base("1000base"));
  EXPECT_FALSE(map.is_head("3000left"));
  EXPECT_TRUE(map.is_real_head("5000merge"));
  RevisionMap with_dependency({rev("1000base"), rev("2000core", {"1000base"}), rev("3000plugin", {}, {}, {"2000core"})});
  EXPECT_TRUE(with_dependency.is_head("2000core"));  // nothing names it as down_revision
  EXPECT_FALSE(with_dependency.is_real_head("2000core"));  // but 3000plugin depends on it
  EXPECT_EQ(with_dependency.heads(), (Rows{"2000core", "3000plugin"}));
  EXPECT_EQ(with_dependency.real_heads(), Rows{"3000plugin"});
  EXPECT_EQ(map.next_revisions("2000trunk"), (Rows{"3000left", "4000right"}));
  EXPECT_EQ(map.branch_points(), Rows{"2000trunk"});
  EXPECT_NE(refusal([&] { map.get("nope"); }).find("No such revision 'nope'"), std::string::npos);
}

TEST(RevisionMapTargets, PrefixesLabelsAndRelativeForms) {
  RevisionMap map({rev("ae1027a6acf0", {}, {"core"}), rev("27c6a30d7c24", {"ae1027a6acf0"}),
                   rev("ae10ffee0001", {"27c6a30d7c24"})});
  EXPECT_EQ(map.resolve("27c6"), Rows{"27c6a30d7c24"});
  EXPECT_EQ(map.resolve("head"), Rows{"ae10ffee0001"});
  EXPECT_EQ(map.resolve("base"), Rows{});
  EXPECT_EQ(map.resolve("-1"), Rows{"27c6a30d7c24"});
  EXPECT_EQ(map.resolve("core@head"), Rows{"ae10ffee0001"});
  EXPECT_EQ(ids_of(map.upgrade_steps({}, "27c6a30d7c24+1")), (Rows{"ae1027a6acf0", "27c6a30d7c24", "ae10ffee0001"}));
  EXPECT_EQ(ids_of(map.upgrade_steps(Rows{"ae1027a6acf0"}, "+1")), Rows{"27c6a30d7c24"});
  EXPECT_EQ(ids_of(map.downgrade_steps(Rows{"ae10ffee0001"}, "core@-2")), (Rows{"ae10ffee0001", "27c6a30d7c24"}));
  // Like Alembic's `show`, resolve takes no step relative to the database.
  EXPECT_NE(refusal([&] { map.resolve("+1"); }).find("Can't locate revision identified by '+1'"), std::string::npos);
  EXPECT_EQ(map.resolve("current", Rows{"27c6a30d7c24"}), Rows{"27c6a30d7c24"});

  std::string ambiguous = refusal([&] { map.resolve("ae10"); });
  EXPECT_NE(ambiguous.find("Multiple revisions start with 'ae10'"), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("'ae1027a6acf0'"), std::string::npos) << ambiguous;
  EXPECT_NE(ambiguous.find("'ae10ffee0001'"), std::string::npos) << ambiguous;

  std::string unknown = refusal([&] { map.resolve("zz"); });
  EXPECT_NE(unknown.find("at least four characters"), std::string::npos) << unknown;
  std::string too_long = refusal([&] { map.upgrade_steps({}, std::string(5000, 'a') + "+1"); });
  EXPECT_NE(too_long.find("too long"), std::string::npos) << too_long;
}

TEST(RevisionMapTargets, HeadWithSeveralHeadsSaysWhichAndWhatToDo) {
  RevisionMap map({rev("1000base"), rev("2000left", {"1000base"}), rev("3000right", {"1000base"})});
  std::string message = refusal([&] { map.upgrade_steps({}, "head"); });
  EXPECT_TRUE(message.starts_with("Multiple head revisions are present for given argument 'head'")) << message;
  EXPECT_NE(message.find("2000left, 3000right"), std::string::npos) << message;
  EXPECT_NE(message.find("'heads'"), std::string::npos) << message;
  EXPECT_NE(message.find("merge"), std::string::npos) << message;
  EXPECT_EQ(ids_of(map.upgrade_steps({}, "heads")), (Rows{"1000base", "3000right", "2000left"}));
}

TEST(RevisionMapSteps, UpgradeRecordsTheVersionTableStatements) {
  RevisionMap map = diamond();
  std::vector<MigrationStep> steps = map.upgrade_steps({}, "heads");
  ASSERT_EQ(ids_of(steps), (Rows{"1000base", "2000trunk", "4000right", "3000left", "5000merge"}));
  using Kind = VersionTableChange::Kind;
  ASSERT_EQ(steps[0].changes.size(), 1u);
  EXPECT_EQ(steps[0].changes[0].kind, Kind::insert);
  EXPECT_EQ(steps[1].changes[0].kind, Kind::update);
  EXPECT_EQ(steps[1].changes[0].from, "1000base");
  EXPECT_EQ(steps[1].changes[0].to, "2000trunk");
  // The second branch off the branch point is a new row.
  EXPECT_EQ(steps[3].changes[0].kind, Kind::insert);
  EXPECT_EQ(steps[3].heads_after, (Rows{"4000right", "3000left"}));
  // The merge deletes one row and moves the other.
  ASSERT_EQ(steps[4].changes.size(), 2u);
  EXPECT_EQ(steps[4].changes[0].kind, Kind::remove);
  EXPECT_EQ(steps[4].changes[1].kind, Kind::update);
  EXPECT_EQ(steps[4].heads_after, Rows{"5000merge"});
  for (std::size_t i = 1; i < steps.size(); ++i) EXPECT_EQ(steps[i].heads_before, steps[i - 1].heads_after);
}

TEST(RevisionMapSteps, DowngradeRefusesNonAncestorTargets) {
  RevisionMap map({rev("1000base"), rev("2000left", {"1000base"}), rev("3000right", {"1000base"})});
  std::string message = refusal([&] { map.downgrade_steps(Rows{"2000left"}, "3000right"); });
  EXPECT_TRUE(message.starts_with("Destination 3000right is not a valid downgrade target from current head(s)"))
      << message;
  std::string below_base = refusal([&] { map.downgrade_steps(Rows{"2000left"}, "-3"); });
  EXPECT_TRUE(below_base.starts_with("Relative revision -3 didn't produce 3 migrations")) << below_base;
}

TEST(RevisionMapSteps, UnknownDatabaseRevisionIsRefusedBeforeAnything) {
  RevisionMap map = diamond();
  std::string message = refusal([&] { map.upgrade_steps(Rows{"9999future"}, "heads"); });
  EXPECT_NE(message.find("'9999future'"), std::string::npos) << message;
  EXPECT_NE(message.find("newer than this build"), std::string::npos) << message;
}

TEST(RevisionMapStamp, StampAndPurge) {
  RevisionMap map = diamond();
  EXPECT_EQ(map.stamp(Rows{"3000left"}, Rows{"4000right"}, false), (Rows{"3000left", "4000right"}));
  EXPECT_EQ(map.stamp(Rows{"3000left"}, Rows{"5000merge"}, false), Rows{"5000merge"});
  EXPECT_EQ(map.stamp(Rows{"5000merge"}, Rows{"2000trunk"}, false), Rows{"2000trunk"});
  EXPECT_EQ(map.stamp(Rows{"5000merge"}, Rows{"base"}, false), Rows{});
  EXPECT_EQ(map.stamp(Rows{"3000left"}, Rows{"1000base"}, true), Rows{"1000base"});
  StampResult result = map.stamp_changes(Rows{"3000left"}, Rows{"5000merge"}, false);
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].kind, VersionTableChange::Kind::update);
}

TEST(RevisionMapHistory, NewestFirstWithRanges) {
  RevisionMap map = diamond();
  std::vector<std::string> all;
  for (const RevisionNode* node : map.history()) all.push_back(node->id);
  EXPECT_EQ(all, (Rows{"5000merge", "3000left", "4000right", "2000trunk", "1000base"}));
  std::vector<std::string> range;
  for (const RevisionNode* node : map.history("2000trunk", "3000left")) range.push_back(node->id);
  EXPECT_EQ(range, (Rows{"3000left", "2000trunk"}));
  std::string message = refusal([&] { map.history("3000left", "4000right"); });
  EXPECT_TRUE(message.starts_with("Requested range 3000left:4000right does not refer to ancestor/descendant "
                                  "revisions along the same branch"))
      << message;
}

// A service builds the map at every start; `current`/`heads` resolve on it.
TEST(RevisionMapSpeed, TenThousandRevisionsBuildAndWalkQuickly) {
  std::vector<RevisionNode> nodes;
  const int count = 10000;
  auto id = [](int i) { return fmt::format("{:012x}", 0x100000000000ULL + static_cast<unsigned long long>(i) * 7919); };
  for (int i = 0; i < count; ++i) {
    nodes.push_back(rev(id(i), i > 0 ? Rows{id(i - 1)} : Rows{}));
  }
  auto start = std::chrono::steady_clock::now();
  RevisionMap map(nodes);
  Rows at_head{id(count - 1)};
  EXPECT_TRUE(map.upgrade_steps(at_head, "heads").empty());
  EXPECT_EQ(map.resolve("head"), at_head);
  EXPECT_EQ(map.current_heads(at_head), at_head);
  EXPECT_EQ(map.upgrade_steps({}, "head").size(), static_cast<std::size_t>(count));
  EXPECT_EQ(map.downgrade_steps(at_head, "base").size(), static_cast<std::size_t>(count));
  EXPECT_EQ(map.history().size(), static_cast<std::size_t>(count));
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed, 2.0) << "build + no-op upgrade + full upgrade/downgrade/history of 10,000 revisions";
}

TEST(RevisionMapSpeed, BranchyTenThousandWithMerges) {
  std::vector<RevisionNode> nodes;
  auto id = [](int i) { return fmt::format("{:012x}", 0x200000000000ULL + static_cast<unsigned long long>(i)); };
  // Trunk with a side revision every 50 that the next trunk revision merges.
  int i = 0;
  std::string previous;
  while (static_cast<int>(nodes.size()) < 10000) {
    std::string trunk = id(i++);
    if (previous.empty()) {
      nodes.push_back(rev(trunk));
    } else if (nodes.size() % 50 == 0) {
      std::string side = id(i++);
      nodes.push_back(rev(side, {previous}));
      nodes.push_back(rev(trunk, {previous}));
      std::string merged = id(i++);
      nodes.push_back(rev(merged, {trunk, side}));
      trunk = merged;
    } else {
      nodes.push_back(rev(trunk, {previous}));
    }
    previous = trunk;
  }
  auto start = std::chrono::steady_clock::now();
  RevisionMap map(nodes);
  Rows at_head{previous};
  EXPECT_TRUE(map.upgrade_steps(at_head, "head").empty());
  EXPECT_EQ(map.upgrade_steps({}, "head").size(), nodes.size());
  EXPECT_EQ(map.downgrade_steps(at_head, "base").size(), nodes.size());
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed, 3.0) << "branchy 10,000: build, no-op upgrade, full upgrade and downgrade";
}

// Two long independent branches: every downgrade step must check the
// other branch's row without walking its whole history again.
TEST(RevisionMapSpeed, TwoLongBranchesDowngradeToBase) {
  std::vector<RevisionNode> nodes;
  auto id = [](char branch, int i) { return fmt::format("{}{:011x}", branch, i); };
  for (char branch : {'a', 'b'})
    for (int i = 0; i < 5000; ++i)
      nodes.push_back(rev(id(branch, i), i > 0 ? Rows{id(branch, i - 1)} : Rows{},
                          i == 0 ? Rows{std::string(1, branch) + "_line"} : Rows{}));
  auto start = std::chrono::steady_clock::now();
  RevisionMap map(nodes);
  Rows heads{id('a', 4999), id('b', 4999)};
  EXPECT_EQ(map.heads(), heads);
  std::vector<MigrationStep> down = map.downgrade_steps(heads, "base");
  ASSERT_EQ(down.size(), nodes.size());
  EXPECT_TRUE(down.back().heads_after.empty());
  EXPECT_EQ(map.upgrade_steps({}, "heads").size(), nodes.size());
  EXPECT_EQ(map.upgrade_steps(Rows{id('a', 4999)}, "b_line@head").size(), 5000u);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed, 2.0) << "two branches of 5,000: build, downgrade base, upgrade heads, label@head";
}

}  // namespace
}  // namespace retort
