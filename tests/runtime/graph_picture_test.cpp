// `<name>-migrate graph`: the branchy test set drawn as DOT and Mermaid by
// the real binary (structure checked line by line, DOT fed to Graphviz),
// the database's state marked on SQLite and PostgreSQL, and a 1,000-revision
// graph collapsed into a readable one.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/graph_picture.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

std::string run_ok(const std::string& command) {
  std::string output;
  EXPECT_EQ(run_command(command, output), 0) << command << "\n" << output;
  return output;
}

std::string graph(const std::string& args) {
  return run_ok(fmt::format("(env -u DATABASE_URL {} graph {} 2>/dev/null)", BRANCHY_MIGRATE, args));
}

// Lines of `text` that match `pattern`, with the first group of each.
Strings matches(const std::string& text, const std::string& pattern) {
  Strings out;
  std::regex re(pattern);
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, re)) out.insert(m.size() > 1 ? m[1].str() : line);
  }
  return out;
}

// The DOT line declaring node `key`.
std::string dot_node(const std::string& dot, const std::string& key) {
  std::istringstream in(dot);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(fmt::format("  \"{}\" [", key), 0) == 0) return line;
  ADD_FAILURE() << "no node " << key << " in\n" << dot;
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(GraphPicture, BranchyDotDrawsEveryRoleAndGraphvizAcceptsIt) {
  const std::string dot = graph("");  // dot is the default
  EXPECT_EQ(dot, graph("--format dot"));
  ASSERT_EQ(dot.rfind("digraph revisions {\n", 0), 0u) << dot;
  EXPECT_EQ(matches(dot, R"re(  "(r_\w+)" \[.*)re"), (Strings{"r_a1", "r_b1", "r_c1", "r_m1", "r_x1", "r_x2"}));
  // Down-revision edges run parent -> child; depends_on is dashed, from the dependent.
  EXPECT_EQ(matches(dot, R"(  ("r_\w+" -> "r_\w+");)"),
            (Strings{R"("r_a1" -> "r_b1")", R"("r_a1" -> "r_c1")", R"("r_b1" -> "r_m1")", R"("r_c1" -> "r_m1")",
                     R"("r_x1" -> "r_x2")"}));
  EXPECT_EQ(matches(dot, R"(  ("r_\w+" -> "r_\w+") \[style=dashed.*label="depends on".*)"), Strings{R"("r_x2" -> "r_b1")"});

  EXPECT_TRUE(contains(dot_node(dot, "r_a1"), "(base, branch point)")) << dot;
  EXPECT_TRUE(contains(dot_node(dot, "r_a1"), "style=\"rounded,diagonals\""));
  EXPECT_TRUE(contains(dot_node(dot, "r_m1"), "(head, merge)"));
  EXPECT_TRUE(contains(dot_node(dot, "r_m1"), "shape=hexagon"));
  EXPECT_TRUE(contains(dot_node(dot, "r_m1"), "peripheries=2"));
  EXPECT_TRUE(contains(dot_node(dot, "r_x1"), "@extra"));
  EXPECT_TRUE(contains(dot_node(dot, "r_x2"), "peripheries=2"));
  EXPECT_FALSE(contains(dot_node(dot, "r_b1"), "peripheries")) << "b1 is no head";
  EXPECT_FALSE(contains(dot, "current")) << "no database given, nothing is current";

  TempDir dir;
  std::ofstream(dir / "g.dot") << dot;
  const std::string svg = run_ok(fmt::format("dot -Tsvg '{}'", (dir / "g.dot").string()));
  EXPECT_TRUE(contains(svg, "<svg")) << svg;
  const std::string direct = graph("--format svg");
  EXPECT_TRUE(contains(direct, "<svg") && contains(direct, "merge b1 and c1")) << direct;
}

TEST(GraphPicture, BranchyMermaid) {
  const std::string mm = graph("--format mermaid");
  ASSERT_EQ(mm.rfind("flowchart BT\n", 0), 0u) << mm;
  EXPECT_TRUE(contains(mm, "\n  r_a1([\"a1<br/>base a1<br/>(base, branch point)\"])\n")) << mm;  // a base: stadium
  EXPECT_TRUE(contains(mm, "\n  r_m1{{\"m1<br/>merge b1 and c1<br/>(head, merge)\"}}\n")) << mm;  // a merge: hexagon
  EXPECT_TRUE(contains(mm, "\n  r_x1([\"x1<br/>extra base x1<br/>@extra<br/>(base)\"])\n")) << mm;
  EXPECT_EQ(matches(mm, R"(  (r_\w+ --> r_\w+))"),
            (Strings{"r_a1 --> r_b1", "r_a1 --> r_c1", "r_b1 --> r_m1", "r_c1 --> r_m1", "r_x1 --> r_x2"}));
  EXPECT_EQ(matches(mm, R"(  (r_\w+ -\. depends on \.-> r_\w+))"), Strings{"r_x2 -. depends on .-> r_b1"});
  EXPECT_EQ(matches(mm, R"(  class (.*))"), (Strings{"r_a1 branchpoint", "r_m1 head", "r_x2 head"}));
}

TEST(GraphPicture, SvgWithoutGraphvizSaysHowToGetIt) {
  std::string output;
  EXPECT_EQ(run_command(fmt::format("env -u DATABASE_URL PATH=/nonexistent {} graph --format svg", BRANCHY_MIGRATE), output), 1);
  EXPECT_TRUE(contains(output, "apt-get install graphviz")) << output;
  EXPECT_TRUE(contains(output, "--format mermaid")) << output;
}

class GraphPictureOn : public RuntimeTest {};

TEST_P(GraphPictureOn, MarksCurrentAndPendingRevisions) {
  std::string output;
  ASSERT_EQ(run_command(fmt::format("env -u DATABASE_URL {} --url '{}' upgrade b1", BRANCHY_MIGRATE, url()), output), 0)
      << output;
  ASSERT_EQ(version_rows(), Strings{"b1"});
  const std::string dot = graph(fmt::format("--url '{}'", url()));
  EXPECT_TRUE(contains(dot_node(dot, "r_b1"), "(current)")) << dot;
  EXPECT_TRUE(contains(dot_node(dot, "r_b1"), "fillcolor=\"palegreen\""));
  for (const char* pending : {"r_c1", "r_m1", "r_x1", "r_x2"}) {
    EXPECT_TRUE(contains(dot_node(dot, pending), "pending")) << pending << "\n" << dot;
    EXPECT_TRUE(contains(dot_node(dot, pending), "dashed")) << pending;
  }
  EXPECT_FALSE(contains(dot_node(dot, "r_a1"), "pending")) << "a1 is applied";
  EXPECT_FALSE(contains(dot_node(dot, "r_a1"), "current"));

  const std::string mm = graph(fmt::format("--url '{}' --format mermaid", url()));
  EXPECT_EQ(matches(mm, R"(  class (r_\w+) current)"), Strings{"r_b1"});
  EXPECT_EQ(matches(mm, R"(  class (r_\w+) pending)"), (Strings{"r_c1", "r_m1", "r_x1", "r_x2"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, GraphPictureOn, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_name);

// r0 .. r999 in a line, with a second branch off r500 (one revision, s1).
RevisionMap long_graph() {
  std::vector<RevisionNode> nodes;
  for (int i = 0; i < 1000; ++i) {
    RevisionNode node{fmt::format("r{}", i), {}, {}, {}, fmt::format("step {}", i)};
    if (i > 0) node.down_revisions = {fmt::format("r{}", i - 1)};
    nodes.push_back(node);
  }
  nodes.push_back(RevisionNode{"s1", {"r500"}, {}, {}, "side"});
  return RevisionMap(std::move(nodes));
}

TEST(GraphPicture, LongRunsCollapseIntoOneNodeWithACountUnlessExpanded) {
  const RevisionMap map = long_graph();
  const std::string dot = cli::render_graph(map, cli::PictureFormat::dot, {}, false);
  // r0 (base), r1..r499, r500 (branch point), r501..r998, r999 and s1 (heads).
  EXPECT_EQ(matches(dot, R"re(  "(\w+)" \[.*)re"), (Strings{"r_r0", "run_r1", "r_r500", "run_r501", "r_r999", "r_s1"}));
  EXPECT_TRUE(contains(dot_node(dot, "run_r1"), "499 revisions\\nr1 .. r499")) << dot;
  EXPECT_TRUE(contains(dot_node(dot, "run_r501"), "498 revisions\\nr501 .. r998"));
  EXPECT_EQ(matches(dot, R"(  ("\w+" -> "\w+");)"),
            (Strings{R"("r_r0" -> "run_r1")", R"("run_r1" -> "r_r500")", R"("r_r500" -> "run_r501")",
                     R"("run_r501" -> "r_r999")", R"("r_r500" -> "r_s1")"}));

  const std::string expanded = cli::render_graph(map, cli::PictureFormat::mermaid, {}, true);
  EXPECT_EQ(matches(expanded, R"(  (r_\w+)[\[\(\{].*)").size(), 1001u);
  EXPECT_FALSE(contains(expanded, "revisions<br/>"));

  // The database's state splits runs: applied up to r300 (current), the rest pending.
  cli::GraphMarks marks{true, {"r300"}, {}};
  for (int i = 301; i < 1000; ++i) marks.pending.insert(fmt::format("r{}", i));
  marks.pending.insert("s1");
  const std::string marked = cli::render_graph(map, cli::PictureFormat::mermaid, marks, false);
  EXPECT_TRUE(contains(marked, "run_r1[[\"299 revisions<br/>r1 .. r299\"]]")) << marked;
  EXPECT_TRUE(contains(marked, "run_r301[[\"199 revisions<br/>r301 .. r499<br/>(pending)\"]]")) << marked;
  EXPECT_EQ(matches(marked, R"(  class (\w+) current)"), Strings{"r_r300"});

  // A short run stays drawn revision by revision.
  const RevisionMap short_map({{"a", {}, {}, {}, ""}, {"b", {"a"}, {}, {}, ""}, {"c", {"b"}, {}, {}, ""}, {"d", {"c"}, {}, {}, ""}});
  EXPECT_EQ(matches(cli::render_graph(short_map, cli::PictureFormat::dot, {}, false), R"re(  "(\w+)" \[.*)re"),
            (Strings{"r_a", "r_b", "r_c", "r_d"}));
}

}  // namespace
}  // namespace retort::test
