// Retort's RevisionMap against real Alembic 1.8.1 (Debian's python3-alembic):
// many graphs x many version-table states x many targets. For each case
// alembic_reference.py runs Alembic's own upgrade/downgrade/stamp commands on
// an SQLite database and reports the steps and the version table after each
// one; Retort must produce the same steps in the same order, the same tables,
// and refuse exactly where Alembic refuses.
#include <gtest/gtest.h>

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "retort/revision_map.hpp"
#include "test_support.hpp"

namespace retort {
namespace {

using nlohmann::json;
using Rows = std::vector<std::string>;

struct GraphCase {
  std::string name;
  std::vector<RevisionNode> nodes;
};

void PrintTo(const GraphCase& graph, std::ostream* out) { *out << graph.name; }

RevisionNode rev(std::string id, Rows down = {}, Rows labels = {}, Rows depends_on = {}) {
  return {std::move(id), std::move(down), std::move(labels), std::move(depends_on), {}};
}

// Graphs that Alembic accepts. Ids share prefixes on purpose (ae10...).
std::vector<GraphCase> accepted_graphs() {
  return {
      {"linear",
       {rev("ae1027a6acf0"), rev("27c6a30d7c24", {"ae1027a6acf0"}), rev("1975ea83b712", {"27c6a30d7c24"}),
        rev("3b7f2d9c0e11", {"1975ea83b712"}), rev("ae10ffee0001", {"3b7f2d9c0e11"})}},
      {"branch_and_merge",
       {rev("b0000000base"), rev("b1000000trunk", {"b0000000base"}), rev("c1000000left", {"b1000000trunk"}),
        rev("c2000000right", {"b1000000trunk"}), rev("c1100000left2", {"c1000000left"}),
        rev("d0000000merge", {"c1100000left2", "c2000000right"}), rev("e0000000after", {"d0000000merge"})}},
      {"unmerged_branches",
       {rev("f0000000base"), rev("f1000000trunk", {"f0000000base"}), rev("f2000000one", {"f1000000trunk"}),
        rev("f2100000one2", {"f2000000one"}), rev("f3000000two", {"f1000000trunk"})}},
      {"labelled_independent_branches",
       {rev("aa000000a1", {}, {"alpha"}), rev("bb000000b1", {}, {"beta"}), rev("aa000000a2", {"aa000000a1"}),
        rev("bb000000b2", {"bb000000b1"}), rev("aa000000a3", {"aa000000a2"})}},
      {"labelled_branch_off_trunk",
       {rev("10000000root"), rev("20000000trunk", {"10000000root"}), rev("30000000trunk", {"20000000trunk"}),
        rev("21000000feat", {"20000000trunk"}, {"feature"}), rev("22000000feat", {"21000000feat"})}},
      {"depends_on_across_branches",
       {rev("aa111111a1", {}, {"alpha"}), rev("aa222222a2", {"aa111111a1"}), rev("bb111111b1", {}, {"beta"}),
        rev("aa333333a3", {"aa222222a2"}), rev("bb222222b2", {"bb111111b1"}, {}, {"aa222222a2"}),
        rev("bb333333b3", {"bb222222b2"}, {}, {"alpha"})}},
      {"depends_on_normalized",
       {rev("c0000000a1"), rev("c1000000a2", {"c0000000a1"}), rev("d0000000b1", {}, {}, {"c0000000a1"}),
        rev("d1000000b2", {"d0000000b1"}, {}, {"c0000000a1", "c1000000a2"}), rev("d2000000b3", {"d1000000b2"})}},
      {"merge_of_three",
       {rev("90000000base"), rev("91000000x", {"90000000base"}), rev("92000000y", {"90000000base"}),
        rev("93000000z", {"90000000base"}), rev("94000000merge", {"91000000x", "92000000y", "93000000z"}),
        rev("95000000after", {"94000000merge"})}},
      {"merge_of_two_bases",
       {rev("70000000one"), rev("71000000two"), rev("72000000merge", {"70000000one", "71000000two"}),
        rev("73000000top", {"72000000merge"})}},
      {"two_merges_in_a_row",
       {rev("50000000base"), rev("51000000x", {"50000000base"}), rev("52000000y1", {"51000000x"}),
        rev("53000000y2", {"51000000x"}), rev("54000000m1", {"52000000y1", "53000000y2"}),
        rev("55000000z1", {"54000000m1"}), rev("56000000z2", {"54000000m1"}),
        rev("57000000m2", {"55000000z1", "56000000z2"})}},
      {"labelled_branch_point",
       {rev("40000000base"), rev("41000000fork", {"40000000base"}, {"fork"}), rev("42000000a", {"41000000fork"}),
        rev("43000000b", {"41000000fork"}), rev("44000000a2", {"42000000a"})}},
      {"depends_on_label_and_merge",
       {rev("30000000a1", {}, {"app"}), rev("31000000a2", {"30000000a1"}), rev("32000000b1", {}, {"lib"}, {"app"}),
        rev("33000000b2", {"32000000b1"}), rev("34000000merge", {"31000000a2", "33000000b2"}),
        rev("35000000top", {"34000000merge"}, {}, {"33000000b2"})}},
      {"base_with_only_a_dependency",
       {rev("20000000core"), rev("21000000core2", {"20000000core"}), rev("22000000plugin", {}, {}, {"20000000core"}),
        rev("23000000plugin2", {"22000000plugin"})}},
      {"labelled_merge",
       {rev("60000000base"), rev("61000000l", {"60000000base"}, {"left"}), rev("62000000r", {"60000000base"}, {"right"}),
        rev("63000000l2", {"61000000l"}), rev("64000000merge", {"63000000l2", "62000000r"})}},
  };
}

// Random graphs (fixed seeds, so failures reproduce): each revision follows
// one or two earlier ones or starts a new base, some carry a branch label,
// some depend on an earlier revision or label.
std::vector<GraphCase> random_graphs() {
  std::vector<GraphCase> graphs;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    std::mt19937 random(seed);
    auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
    auto pick = [&](std::size_t below) { return static_cast<std::size_t>(random() % below); };
    GraphCase graph{fmt::format("random_{}", seed), {}};
    const std::size_t count = 6 + seed % 4;
    for (std::size_t i = 0; i < count; ++i) {
      RevisionNode node = rev(fmt::format("{:02x}{:06x}{}", i * 16 + seed, (i + 1) * 40503u * seed % 0xffffff, "r"));
      if (i > 0 && !chance(12)) {
        node.down_revisions.push_back(graph.nodes[i - 1 - pick(std::min<std::size_t>(i, 3))].id);
        if (i > 2 && chance(20)) {
          const std::string& other = graph.nodes[pick(i)].id;
          if (other != node.down_revisions.front()) node.down_revisions.push_back(other);
        }
      }
      if (chance(20)) node.branch_labels.push_back(fmt::format("lab{}", i));
      if (i > 1 && chance(20)) {
        const RevisionNode& target = graph.nodes[pick(i)];
        node.depends_on.push_back(!target.branch_labels.empty() && chance(50) ? target.branch_labels.front() : target.id);
      }
      graph.nodes.push_back(std::move(node));
    }
    graphs.push_back(std::move(graph));
  }
  return graphs;
}

// Graphs Alembic refuses to load (cycles, missing revisions, clashes).
std::vector<GraphCase> refused_graphs() {
  return {
      {"cycle", {rev("a0000001", {"c0000003"}), rev("b0000002", {"a0000001"}), rev("c0000003", {"b0000002"}),
                 rev("d0000004")}},
      {"cycle_beside_a_chain", {rev("a0000001"), rev("b0000002", {"a0000001"}), rev("c0000003", {"d0000004"}),
                                rev("d0000004", {"c0000003"})}},
      {"dependency_cycle", {rev("a0000001", {}, {}, {"b0000002"}), rev("b0000002", {"a0000001"})}},
      {"self_loop", {rev("a0000001", {"a0000001"})}},
      {"dependency_self_loop", {rev("a0000001", {}, {}, {"a0000001"})}},
      {"missing_down_revision", {rev("a0000001"), rev("b0000002", {"ffff0000"})}},
      {"label_used_twice", {rev("a0000001", {}, {"x1"}), rev("b0000002", {}, {"x1"})}},
      {"label_equals_an_id", {rev("a0000001"), rev("b0000002", {"a0000001"}, {"a0000001"})}},
      {"illegal_character", {rev("a0000001"), rev("b-000002", {"a0000001"})}},
  };
}

// Ancestry straight from the node list (independent of RevisionMap), to
// pick version-table states that are consistent.
std::set<std::string> ancestors_of(const std::vector<RevisionNode>& nodes, const std::string& id) {
  std::set<std::string> seen;
  std::vector<std::string> todo{id};
  while (!todo.empty()) {
    std::string current = todo.back();
    todo.pop_back();
    if (!seen.insert(current).second) continue;
    for (const RevisionNode& node : nodes)
      if (node.id == current) {
        todo.insert(todo.end(), node.down_revisions.begin(), node.down_revisions.end());
        todo.insert(todo.end(), node.depends_on.begin(), node.depends_on.end());
      }
  }
  return seen;
}

// The empty table, each single revision, and up to 8 pairs of revisions on
// different branches (the run time of the comparison grows with the states).
std::vector<Rows> table_states(const std::vector<RevisionNode>& nodes) {
  std::vector<Rows> states{{}};
  for (const RevisionNode& node : nodes) states.push_back({node.id});
  const std::size_t max_states = states.size() + 8;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    for (std::size_t j = i + 1; j < nodes.size() && states.size() < max_states; ++j) {
      const std::string &a = nodes[i].id, &b = nodes[j].id;
      if (!ancestors_of(nodes, a).contains(b) && !ancestors_of(nodes, b).contains(a)) states.push_back({a, b});
    }
  return states;
}

std::vector<std::string> targets_for(const std::vector<RevisionNode>& nodes) {
  std::vector<std::string> targets{"head", "heads", "base", "+1", "+2", "-1", "-2", "+0", "+9", "-9",
                                   "nosuchrev", "ae10", "zz"};
  std::set<std::string> labels;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string& id = nodes[i].id;
    targets.push_back(id);
    targets.push_back(id + "+1");
    targets.push_back(id + "-1");
    if (i < 3) {
      targets.push_back(id.substr(0, 6));
      targets.push_back(id + "+2");
    }
    labels.insert(nodes[i].branch_labels.begin(), nodes[i].branch_labels.end());
  }
  for (const std::string& label : labels) {
    for (const char* suffix : {"@head", "@heads", "@base", "@+1", "@+2", "@-1"}) targets.push_back(label + suffix);
    targets.push_back(label);
    targets.push_back(label + "@" + nodes.back().id);
    targets.push_back(label + "@" + nodes.front().id);
    targets.push_back(label + "@" + nodes.front().id + "+1");
    targets.push_back(label + "@" + nodes[1].id + "-1");
  }
  targets.push_back("nolabel@head");
  targets.push_back(nodes.front().id + "@head");  // a revision id used as a branch name
  targets.push_back(nodes.front().id.substr(0, 5) + "@+1");
  return targets;
}

json node_json(const RevisionNode& node) {
  return {{"id", node.id}, {"down", node.down_revisions}, {"labels", node.branch_labels}, {"depends_on", node.depends_on}};
}

json run_alembic(const json& request) {
  test::TempDir dir;
  {
    std::ofstream(dir / "request.json") << request.dump();
  }
  std::string output;
  // In a subshell: run_command adds its own 2>&1, and Alembic's warnings
  // must not end up in the JSON reply.
  std::string command = "(PYTHONHASHSEED=0 /usr/bin/python3 " RETORT_GRAPH_REFERENCE_SCRIPT " < " +
                        (dir / "request.json").string() + " > " + (dir / "reply.json").string() + " 2> " +
                        (dir / "stderr.txt").string() + ")";
  int status = test::run_command(command, output);
  std::ifstream stderr_file(dir / "stderr.txt");
  std::string stderr_text((std::istreambuf_iterator<char>(stderr_file)), {});
  if (status != 0) ADD_FAILURE() << "alembic_reference.py failed (" << status << "): " << stderr_text;
  std::ifstream reply(dir / "reply.json");
  return json::parse(reply);
}

Rows sorted(Rows rows) {
  std::sort(rows.begin(), rows.end());
  return rows;
}

std::string describe(const json& c) { return c.dump(); }

// Where a merge or unmerge happens while other branches' rows are present,
// Alembic picks which row to UPDATE (and which to DELETE or INSERT) in
// Python set order; any such choice is accepted: the same statement kinds
// in the same order, over the same revisions.
bool same_statements(const json& retort, const json& alembic) {
  if (retort == alembic) return true;
  if (retort.size() != alembic.size()) return false;
  std::multiset<std::string> retort_from, retort_to, alembic_from, alembic_to;
  for (std::size_t i = 0; i < retort.size(); ++i) {
    if (retort[i]["kind"] != alembic[i]["kind"]) return false;
    retort_from.insert(retort[i]["from"].get<std::string>());
    retort_to.insert(retort[i]["to"].get<std::string>());
    alembic_from.insert(alembic[i]["from"].get<std::string>());
    alembic_to.insert(alembic[i]["to"].get<std::string>());
  }
  return retort_from == alembic_from && retort_to == alembic_to;
}

json changes_json(const std::vector<VersionTableChange>& changes) {
  json out = json::array();
  for (const VersionTableChange& change : changes) {
    const char* kind = change.kind == VersionTableChange::Kind::insert   ? "insert"
                       : change.kind == VersionTableChange::Kind::remove ? "remove"
                                                                         : "update";
    out.push_back({{"kind", kind}, {"from", change.from}, {"to", change.to}});
  }
  return out;
}

// Alembic's CommandError text must begin Retort's message (Retort adds what
// to do next); other Alembic failures (assertions) only need a refusal.
void expect_same_refusal(const json& alembic, const std::string& retort_message, const json& c) {
  std::string error = alembic["error"];
  const std::string prefix = "CommandError: ";
  // Alembic prints a list endpoint as a Python tuple, e.g. ('ae10ffee0001',).
  if (error.starts_with(prefix) && error.find("('") == std::string::npos) {
    std::string text = error.substr(prefix.size());
    // Which two overlapping targets Alembic names follows the iteration order
    // of a set of revision objects, which differs from run to run.
    if (text.starts_with("Requested revision ")) text = "Requested revision ";
    EXPECT_TRUE(retort_message.starts_with(text))
        << "case " << describe(c) << "\n  alembic: " << text << "\n  retort:  " << retort_message;
  }
}

class AlembicReference : public ::testing::Test {
 protected:
  void compare_graph(const GraphCase& graph, const json& cases, const json& reply);
};

void AlembicReference::compare_graph(const GraphCase& graph, const json& cases, const json& reply) {
  SCOPED_TRACE(graph.name);
  ASSERT_FALSE(reply.contains("refused")) << "Alembic refused the graph: " << reply["refused"];
  RevisionMap map(graph.nodes);
  const json& facts = reply["facts"];
  EXPECT_EQ(map.heads(), facts["heads"].get<Rows>());
  EXPECT_EQ(map.real_heads(), facts["real_heads"].get<Rows>());
  EXPECT_EQ(map.bases(), facts["bases"].get<Rows>());
  EXPECT_EQ(map.branch_points(), facts["branch_points"].get<Rows>());
  Rows history;
  for (const RevisionNode* node : map.history()) history.push_back(node->id);
  EXPECT_EQ(history, facts["history"].get<Rows>());
  for (auto& [id, labels] : facts["labels"].items())
    EXPECT_EQ(sorted(map.branch_labels(id)), labels.get<Rows>()) << "branch labels of " << id;

  const json& results = reply["results"];
  ASSERT_EQ(results.size(), cases.size());
  int compared = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    const json& expected = results[i];
    const std::string op = c["op"];
    // Retort gets the rows in the order Alembic read them from its table.
    Rows current = expected.contains("read_order") ? expected["read_order"].get<Rows>() : c.value("current", Rows{});
    try {
      if (op == "upgrade" || op == "downgrade") {
        std::vector<MigrationStep> steps = op == "upgrade" ? map.upgrade_steps(current, c["target"].get<std::string>())
                                                           : map.downgrade_steps(current, c["target"].get<std::string>());
        if (!expected["ok"]) {
          ADD_FAILURE() << "Alembic refuses, Retort does not: " << describe(c) << "\n  alembic: " << expected["error"];
          continue;
        }
        const json& want = expected["steps"];
        std::vector<std::string> got_order, want_order;
        for (const MigrationStep& s : steps) got_order.push_back(s.revision);
        for (const json& s : want) want_order.push_back(s["revision"]);
        EXPECT_EQ(got_order, want_order) << "step order of " << describe(c);
        if (got_order == want_order) {
          Rows before = sorted(current);
          for (std::size_t s = 0; s < steps.size(); ++s) {
            EXPECT_EQ(steps[s].upgrade, want[s]["upgrade"].get<bool>()) << describe(c);
            EXPECT_EQ(sorted(steps[s].heads_before), before) << "table before step " << s << " of " << describe(c);
            EXPECT_EQ(sorted(steps[s].heads_after), want[s]["heads_after"].get<Rows>())
                << "table after step " << steps[s].revision << " of " << describe(c);
            EXPECT_TRUE(same_statements(changes_json(steps[s].changes), want[s]["changes"]))
                << "version table statements of step " << steps[s].revision << " of " << describe(c)
                << "\n  retort:  " << changes_json(steps[s].changes) << "\n  alembic: " << want[s]["changes"];
            before = sorted(steps[s].heads_after);
          }
          EXPECT_EQ(before, sorted(expected["final"].get<Rows>())) << describe(c);
        }
      } else if (op == "stamp") {
        Rows targets = c["targets"];
        Rows table = map.stamp(current, targets, c.value("purge", false));
        if (!expected["ok"]) {
          ADD_FAILURE() << "Alembic refuses, Retort does not: " << describe(c) << "\n  alembic: " << expected["error"];
          continue;
        }
        EXPECT_EQ(sorted(table), expected["final"].get<Rows>()) << describe(c);
      } else if (op == "history") {
        Rows got;
        for (const RevisionNode* node : map.history(c["lower"].get<std::string>(), c["upper"].get<std::string>(), current))
          got.push_back(node->id);
        if (!expected["ok"]) {
          ADD_FAILURE() << "Alembic refuses, Retort does not: " << describe(c) << "\n  alembic: " << expected["error"];
          continue;
        }
        EXPECT_EQ(got, expected["revisions"].get<Rows>()) << describe(c);
      } else if (op == "resolve") {
        Rows got = map.resolve(c["target"].get<std::string>());
        if (!expected["ok"]) {
          ADD_FAILURE() << "Alembic refuses, Retort does not: " << describe(c) << "\n  alembic: " << expected["error"];
          continue;
        }
        EXPECT_EQ(got, expected["revisions"].get<Rows>()) << describe(c);
      } else if (op == "current") {
        Rows got = map.current_heads(current);
        EXPECT_EQ(sorted(got), expected["revisions"].get<Rows>()) << describe(c);
      }
    } catch (const RevisionError& e) {
      if (expected["ok"])
        ADD_FAILURE() << "Retort refuses, Alembic does not: " << describe(c) << "\n  retort: " << e.what();
      else
        expect_same_refusal(expected, e.what(), c);
    }
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(cases.size()));
}

json cases_for(const GraphCase& graph) {
  json cases = json::array();
  const std::vector<Rows> states = table_states(graph.nodes);
  const std::vector<std::string> targets = targets_for(graph.nodes);
  for (const Rows& state : states)
    for (const std::string& target : targets) {
      cases.push_back({{"op", "upgrade"}, {"current", state}, {"target", target}});
      cases.push_back({{"op", "downgrade"}, {"current", state}, {"target", target}});
    }
  std::vector<Rows> stamp_targets{{"heads"}, {"base"}, {"head"}};
  for (const RevisionNode& node : graph.nodes) stamp_targets.push_back({node.id});
  for (const Rows& state : states) {
    if (state.size() == 2) stamp_targets.push_back(state);
    for (const Rows& stamp : stamp_targets) {
      cases.push_back({{"op", "stamp"}, {"current", state}, {"targets", stamp}, {"purge", false}});
      if (state.size() == 1) cases.push_back({{"op", "stamp"}, {"current", state}, {"targets", stamp}, {"purge", true}});
    }
  }
  std::vector<std::string> lowers{"base", "current", "-1", ""}, uppers{"heads", "head", "current", "+1", ""};
  for (const RevisionNode& node : graph.nodes) {
    lowers.push_back(node.id);
    uppers.push_back(node.id);
  }
  for (const std::string& target : targets)
    if (target.find('@') != std::string::npos) {
      lowers.push_back(target);
      uppers.push_back(target);
    }
  for (const Rows& state : {Rows{}, Rows{graph.nodes.back().id}, Rows{graph.nodes[1].id}})
    for (const std::string& lower : lowers)
      for (const std::string& upper : uppers)
        cases.push_back({{"op", "history"}, {"current", state}, {"lower", lower}, {"upper", upper}});
  for (const std::string& target : targets) cases.push_back({{"op", "resolve"}, {"target", target}});
  for (const Rows& state : states) cases.push_back({{"op", "current"}, {"current", state}});
  return cases;
}

// One test per graph (one Alembic process each), so CTest runs them in parallel.
class AlembicReferenceGraph : public AlembicReference, public ::testing::WithParamInterface<GraphCase> {};

TEST_P(AlembicReferenceGraph, StepsTablesAndRefusalsMatchAlembic) {
  const GraphCase& graph = GetParam();
  json nodes = json::array();
  for (const RevisionNode& node : graph.nodes) nodes.push_back(node_json(node));
  json cases = cases_for(graph);
  json reply = run_alembic({{"graphs", {{{"nodes", nodes}, {"cases", cases}}}}});
  ASSERT_EQ(reply["graphs"].size(), 1u);
  compare_graph(graph, cases, reply["graphs"][0]);
  // The comparison must actually have exercised a large space.
  EXPECT_GT(cases.size(), 500u);
}

INSTANTIATE_TEST_SUITE_P(Graphs, AlembicReferenceGraph, ::testing::ValuesIn(accepted_graphs()),
                         [](const ::testing::TestParamInfo<GraphCase>& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(RandomGraphs, AlembicReferenceGraph, ::testing::ValuesIn(random_graphs()),
                         [](const ::testing::TestParamInfo<GraphCase>& info) { return info.param.name; });

TEST_F(AlembicReference, GraphsAlembicRefusesAreRefused) {
  std::vector<GraphCase> graphs = refused_graphs();
  json request = {{"graphs", json::array()}};
  for (const GraphCase& graph : graphs) {
    json nodes = json::array();
    for (const RevisionNode& node : graph.nodes) nodes.push_back(node_json(node));
    request["graphs"].push_back({{"nodes", nodes}, {"cases", json::array()}});
  }
  json reply = run_alembic(request);
  ASSERT_EQ(reply["graphs"].size(), graphs.size());
  for (std::size_t g = 0; g < graphs.size(); ++g) {
    SCOPED_TRACE(graphs[g].name);
    const json& alembic = reply["graphs"][g];
    EXPECT_TRUE(alembic.contains("refused")) << "Alembic accepted the graph";
    try {
      RevisionMap map(graphs[g].nodes);
      ADD_FAILURE() << "Retort accepted a graph Alembic refuses: " << alembic.value("refused", "");
    } catch (const RevisionError& e) {
      std::string message = e.what();
      std::string refused = alembic.value("refused", "");
      // Where Alembic's message is a sentence (not a KeyError), Retort's starts with it.
      if (auto colon = refused.find(": "); colon != std::string::npos && !refused.starts_with("KeyError")) {
        std::string text = refused.substr(colon + 2);
        // Which of two revisions sharing a label Alembic names first follows Python's set order.
        if (text.starts_with("Branch name")) text = text.substr(0, text.find(" in revision"));
        EXPECT_TRUE(message.starts_with(text)) << "alembic: " << text << "\nretort:  " << message;
      }
    }
  }
}

}  // namespace
}  // namespace retort
