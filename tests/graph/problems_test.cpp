// graph::find_problems: each rule, the revisions it names, in the order
// retortc maps them to file:line. The runtime's wording of the same
// problems is in revision_map_test.cpp.
#include <gtest/gtest.h>

#include "graph/problems.hpp"

namespace retort::graph {
namespace {

using Rows = std::vector<std::string>;

RevisionNode rev(std::string id, Rows down = {}, Rows labels = {}, Rows depends_on = {}) {
  return {std::move(id), std::move(down), std::move(labels), std::move(depends_on), "m"};
}

// "rule name: ids" for each problem, to compare whole lists at once.
Rows summary(const std::vector<RevisionNode>& nodes) {
  static const char* const rules[] = {"malformed_id",          "self_loop",    "dependency_self_loop",
                                      "duplicate_id",          "label_is_id",  "duplicate_label",
                                      "unknown_down_revision", "unknown_dependency", "cycle",
                                      "dependency_cycle"};
  Rows out;
  for (const Problem& problem : find_problems(nodes)) {
    std::string line = std::string(rules[static_cast<int>(problem.rule)]) + " " + problem.name + ":";
    for (int r : problem.revisions) line += " " + nodes[static_cast<std::size_t>(r)].id + "#" + std::to_string(r);
    out.push_back(line);
    EXPECT_FALSE(problem.message.empty()) << line;
  }
  return out;
}

TEST(GraphProblems, AHealthyGraphHasNone) {
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"a1"}, {"core"}), rev("c3", {"b2"}, {}, {"core"})}), Rows{});
}

TEST(GraphProblems, OneIdRuleForEveryCaller) {
  EXPECT_TRUE(is_valid_revision_id("a1b2c3d4e5f6"));
  EXPECT_TRUE(is_valid_revision_id("Add_Users_2"));
  EXPECT_TRUE(is_valid_revision_id(std::string(32, 'f')));
  for (std::string bad : {std::string(), std::string(33, 'f'), std::string("a-b"), std::string("a@b"),
                          std::string("a+1"), std::string("a:b"), std::string("a.b"), std::string("a b")})
    EXPECT_FALSE(is_valid_revision_id(bad)) << bad;
  EXPECT_EQ(summary({rev("ok"), rev("a.b", {"ok"}), rev("", {"ok"})}),
            (Rows{"malformed_id a.b: a.b#1", "malformed_id : #2"}));
}

TEST(GraphProblems, DuplicatesNameTheLaterRevisionFirst) {
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"a1"}), rev("a1", {"b2"})}), Rows{"duplicate_id a1: a1#2 a1#0"});
}

TEST(GraphProblems, LabelsAreUniqueAndNeverIds) {
  EXPECT_EQ(summary({rev("a1", {}, {"core"}), rev("b2", {"a1"}, {"core", "a1"}), rev("c3", {"b2"}, {"x", "x"})}),
            (Rows{"duplicate_label core: b2#1 a1#0", "label_is_id a1: b2#1 a1#0"}));
}

TEST(GraphProblems, EveryUnknownReferenceIsReported) {
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"zz"}), rev("c3", {"a1"}, {}, {"nolabel", "a1"})}),
            (Rows{"unknown_down_revision zz: b2#1", "unknown_dependency nolabel: c3#2"}));
}

TEST(GraphProblems, SelfLoopsAreOneRevisionWalks) {
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"b2"}), rev("c3", {"a1"}, {}, {"c3"})}),
            (Rows{"self_loop b2: b2#1 b2#1", "dependency_self_loop c3: c3#2 c3#2"}));
}

TEST(GraphProblems, ACycleIsAClosedWalkFromItsSmallestId) {
  // d4 is behind the cycle, not on it.
  EXPECT_EQ(summary({rev("a1"), rev("c3", {"b2"}), rev("b2", {"c3"}), rev("d4", {"b2"})}),
            Rows{"cycle : b2#2 c3#1 b2#2"});
  // No base at all: every revision is suspect, the walk is still the cycle.
  EXPECT_EQ(summary({rev("x9", {"y8"}), rev("y8", {"x9"})}), Rows{"cycle : x9#0 y8#1 x9#0"});
}

TEST(GraphProblems, ADependencyCycleThroughABranchLabel) {
  // c3 depends on the label `left`, which b2 declares, and b2 revises c3.
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"c3"}, {"left"}), rev("c3", {"a1"}, {}, {"left"})}),
            Rows{"dependency_cycle : b2#1 c3#2 b2#1"});
}

TEST(GraphProblems, CyclesAreLookedForOnlyInAnOtherwiseSoundGraph) {
  EXPECT_EQ(summary({rev("a1"), rev("b2", {"c3"}), rev("c3", {"b2"}), rev("d4", {"zz"})}),
            Rows{"unknown_down_revision zz: d4#3"});
}

}  // namespace
}  // namespace retort::graph
