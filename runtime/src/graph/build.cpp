// Building the graph: validation, links, heads and bases, dependency
// normalisation, cycle detection and branch-label propagation, in the order
// Alembic's RevisionMap._revision_map does them. What is wrong is recorded
// as graph::Problem (problems.hpp) for the runtime and retortc alike.
#include <algorithm>
#include <fmt/format.h>

#include "graph.hpp"
#include "graph/problems.hpp"
#include "retort/registry.hpp"

namespace retort {

namespace {

using graph::Problem;
using graph::Rule;
using graph::Walker;
using Problems = std::vector<Problem>;

void append_unique(std::vector<int>& list, int value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::string joined(std::vector<std::string> ids, bool sorted) {
  if (sorted) std::sort(ids.begin(), ids.end());
  return fmt::format("{}", fmt::join(ids, ", "));
}

void validate_ids(const RevisionMap::Graph& g, Problems& problems) {
  for (int r = 0; r < g.size(); ++r) {
    const RevisionNode& node = g.nodes[static_cast<std::size_t>(r)];
    if (!graph::is_valid_revision_id(node.id)) {
      std::string illegal;
      for (char c : std::string_view("+-@"))
        if (node.id.find(c) != std::string::npos) illegal += (illegal.empty() ? "" : ", ") + std::string(1, c);
      std::string message =
          node.id.empty() ? "A revision has an empty id; give every migration a unique revision id"
          : !illegal.empty()
              ? fmt::format("Character(s) '{}' not allowed in revision identifier '{}'; revision ids may not "
                            "contain '@', '-' or '+' because targets use them (label@rev, rev+1, rev-1)",
                            illegal, node.id)
              : fmt::format("Revision identifier '{}' is malformed: a revision id is 1 to 32 characters of "
                            "[0-9A-Za-z_] (the version table's column holds 32)",
                            node.id);
      problems.push_back({Rule::malformed_id, {r}, node.id, std::move(message)});
    }
    if (std::find(node.down_revisions.begin(), node.down_revisions.end(), node.id) != node.down_revisions.end())
      problems.push_back({Rule::self_loop, {r, r}, node.id,
                          fmt::format("Self-loop is detected in revisions ({0}): revision {0} names itself as its "
                                      "down_revision; point it at the revision it follows",
                                      node.id)});
    if (std::find(node.depends_on.begin(), node.depends_on.end(), node.id) != node.depends_on.end())
      problems.push_back({Rule::dependency_self_loop, {r, r}, node.id,
                          fmt::format("Dependency self-loop is detected in revisions ({0}): revision {0} depends_on "
                                      "itself; remove it from depends_on",
                                      node.id)});
  }
}

void index_keys(RevisionMap::Graph& g, Problems& problems) {
  for (int r = 0; r < g.size(); ++r) {
    auto [it, inserted] = g.ids.emplace(g.id(r), r);
    if (!inserted)
      problems.push_back({Rule::duplicate_id, {r, it->second}, g.id(r),
                          fmt::format("Revision {} is present more than once; every migration needs a unique "
                                      "revision id (generate a new one for the copy)",
                                      g.id(r))});
  }
  g.keys.insert(g.ids.begin(), g.ids.end());
  for (int r = 0; r < g.size(); ++r) {
    for (const std::string& label : g.nodes[static_cast<std::size_t>(r)].branch_labels) {
      auto [it, inserted] = g.keys.emplace(label, r);
      const bool is_id = g.ids.contains(label);
      if (!is_id && (inserted || it->second == r)) continue;  // one revision may list a label twice
      problems.push_back({is_id ? Rule::label_is_id : Rule::duplicate_label, {r, it->second}, label,
                          fmt::format("Branch name '{}' in revision {} already used by revision {}; branch labels "
                                      "must be unique and differ from every revision id",
                                      label, g.id(r), g.id(it->second))});
    }
  }
}

void link(RevisionMap::Graph& g, Problems& problems) {
  for (int r = 0; r < g.size(); ++r) {
    const RevisionNode& node = g.nodes[static_cast<std::size_t>(r)];
    graph::Links& links = g.links[static_cast<std::size_t>(r)];
    for (const std::string& down : node.down_revisions) {
      auto found = g.ids.find(down);
      if (found == g.ids.end()) {
        problems.push_back({Rule::unknown_down_revision, {r}, down,
                            fmt::format("Revision {} referenced from {} is not present; fix the down_revision of {} "
                                        "or add the missing migration",
                                        down, node.id, node.id)});
        continue;
      }
      links.down.push_back(found->second);
    }
    for (const std::string& dependency : node.depends_on) {
      auto found = g.keys.find(dependency);
      if (found == g.keys.end()) {
        problems.push_back({Rule::unknown_dependency, {r}, dependency,
                            fmt::format("Revision {} depends_on '{}', which is neither a revision id nor a branch "
                                        "label; fix the depends_on of {}",
                                        node.id, dependency, node.id)});
        continue;
      }
      links.resolved_deps.push_back(found->second);
    }
    links.all_down = links.down;
    for (int dependency : links.resolved_deps) append_unique(links.all_down, dependency);
  }
  for (int r = 0; r < g.size(); ++r) {
    const graph::Links& links = g.at(r);
    for (int down : links.all_down) {
      graph::Links& parent = g.links[static_cast<std::size_t>(down)];
      append_unique(parent.all_next, r);
      if (std::find(links.down.begin(), links.down.end(), down) != links.down.end())
        append_unique(parent.next, r);
    }
  }
  for (int r = 0; r < g.size(); ++r) {
    const graph::Links& links = g.at(r);
    if (links.next.empty()) g.heads.push_back(r);
    if (links.all_next.empty()) g.real_heads.push_back(r);
    if (links.down.empty()) g.bases.push_back(r);
    if (links.down.empty() && g.nodes[static_cast<std::size_t>(r)].depends_on.empty())
      g.real_bases.push_back(r);
    if (links.down.empty())
      g.declared_labels_on_bases +=
          static_cast<int>(g.nodes[static_cast<std::size_t>(r)].branch_labels.size());
  }
}

// A dependency that an ancestor already declares is implied; Alembic drops
// it from the immediate down revisions used for ordering and the version table.
void normalize_dependencies(RevisionMap::Graph& g) {
  Walker walker(g);
  for (int r = 0; r < g.size(); ++r) {
    graph::Links& links = g.links[static_cast<std::size_t>(r)];
    std::vector<int> kept = links.resolved_deps;
    if (!kept.empty()) {
      const int self[] = {r};
      for (int ancestor : walker.ancestors(self, false)) {
        if (ancestor == r) continue;
        for (int implied : g.at(ancestor).resolved_deps)
          kept.erase(std::remove(kept.begin(), kept.end(), implied), kept.end());
      }
    }
    std::vector<int> unique;
    for (int dependency : kept) append_unique(unique, dependency);
    links.normalized_deps = unique;
    links.normalized_down = links.down;
    for (int dependency : unique) append_unique(links.normalized_down, dependency);
  }
}

// A cycle among `cut` through `parents` edges (down, or down and
// dependencies), as a closed walk starting at the smallest id; `cut` itself
// when none is found.
std::vector<int> cycle_in(const RevisionMap::Graph& g, std::vector<int> cut, bool dependencies) {
  std::sort(cut.begin(), cut.end(), [&](int a, int b) { return g.id(a) < g.id(b); });
  std::vector<char> in_cut(static_cast<std::size_t>(g.size())), state(in_cut.size());  // 1: on the path, 2: done
  for (int r : cut) in_cut[static_cast<std::size_t>(r)] = 1;
  auto parents = [&](int r) -> const std::vector<int>& { return dependencies ? g.at(r).all_down : g.at(r).down; };
  for (int start : cut) {
    if (state[static_cast<std::size_t>(start)]) continue;
    std::vector<std::pair<int, std::size_t>> path{{start, 0}};
    state[static_cast<std::size_t>(start)] = 1;
    while (!path.empty()) {
      auto& [r, next] = path.back();
      if (next == parents(r).size()) {
        state[static_cast<std::size_t>(r)] = 2;
        path.pop_back();
        continue;
      }
      const int p = parents(r)[next++];
      if (!in_cut[static_cast<std::size_t>(p)]) continue;
      if (state[static_cast<std::size_t>(p)] == 1) {
        std::vector<int> walk;
        bool on = false;
        for (const auto& step : path) {
          on = on || step.first == p;
          if (on) walk.push_back(step.first);
        }
        walk.push_back(p);
        return walk;
      }
      if (state[static_cast<std::size_t>(p)] == 0) {
        state[static_cast<std::size_t>(p)] = 1;
        path.push_back({p, 0});
      }
    }
  }
  return cut;
}

// Revisions not on a path from a base to a head are on a cycle (or behind one).
void detect_cycles(const RevisionMap::Graph& g, Problems& problems) {
  if (g.size() == 0) return;
  Walker walker(g);
  std::vector<int> all(static_cast<std::size_t>(g.size()));
  for (int r = 0; r < g.size(); ++r) all[static_cast<std::size_t>(r)] = r;
  auto unreachable = [&](const std::vector<int>& from_heads, const std::vector<int>& from_bases) {
    std::vector<char> down_reach(static_cast<std::size_t>(g.size())), up_reach(down_reach);
    for (int r : from_heads) down_reach[static_cast<std::size_t>(r)] = 1;
    for (int r : from_bases) up_reach[static_cast<std::size_t>(r)] = 1;
    std::vector<int> cut;
    for (int r = 0; r < g.size(); ++r)
      if (!down_reach[static_cast<std::size_t>(r)] || !up_reach[static_cast<std::size_t>(r)]) cut.push_back(r);
    return cut;
  };
  auto report = [&](bool dependencies, const std::vector<int>& cut, bool sorted) {
    std::vector<std::string> ids;
    for (int r : cut) ids.push_back(g.id(r));
    problems.push_back({dependencies ? Rule::dependency_cycle : Rule::cycle, cycle_in(g, cut, dependencies), "",
                        fmt::format("{} is detected in revisions ({}); a revision cannot be its own ancestor: fix "
                                    "the down_revision/depends_on of the revisions listed",
                                    dependencies ? "Dependency cycle" : "Cycle", joined(ids, sorted))});
  };
  if (g.heads.empty() || g.bases.empty()) return report(false, all, false);
  auto versioned_cut = unreachable(walker.ancestors(g.heads, false), walker.descendants(g.bases, false));
  if (!versioned_cut.empty()) return report(false, versioned_cut, true);

  if (g.real_heads.empty() || g.real_bases.empty()) return report(true, all, false);
  // all_down from the real heads, all_next from the real bases.
  std::vector<char> seen(static_cast<std::size_t>(g.size()));
  std::vector<int> todo(g.real_heads.begin(), g.real_heads.end()), from_heads;
  while (!todo.empty()) {
    int r = todo.back();
    todo.pop_back();
    if (seen[static_cast<std::size_t>(r)]++) continue;
    from_heads.push_back(r);
    for (int d : g.at(r).all_down) todo.push_back(d);
  }
  auto dependency_cut = unreachable(from_heads, walker.descendants(g.real_bases, true));
  if (!dependency_cut.empty()) report(true, dependency_cut, true);
}

// Alembic's _add_branches: a label covers every descendant, and on an
// unbranched line also the revisions below it down to the branch point.
void propagate_labels(RevisionMap::Graph& g) {
  Walker walker(g);
  auto add_labels = [&g](int r, const std::vector<std::string>& labels) {
    auto& target = g.links[static_cast<std::size_t>(r)].labels;
    for (const std::string& label : labels)
      if (std::find(target.begin(), target.end(), label) == target.end()) target.push_back(label);
  };
  for (int r = 0; r < g.size(); ++r) {
    const std::vector<std::string>& labels = g.nodes[static_cast<std::size_t>(r)].branch_labels;
    if (labels.empty()) continue;
    add_labels(r, labels);
    const int self[] = {r};
    std::vector<int> below = walker.descendants(self, false);
    for (int descendant : below) add_labels(descendant, labels);
    int parent = below.back();
    while (g.at(parent).all_next.size() <= 1 && g.at(parent).down.size() <= 1) {
      add_labels(parent, labels);
      if (g.at(parent).down.empty()) break;
      parent = g.at(parent).down.front();
    }
  }
}

void index_prefixes(RevisionMap::Graph& g) {
  int order = 0;
  for (int r = 0; r < g.size(); ++r)
    if (g.id(r).size() > 3) g.prefix_keys.push_back({g.id(r), r, order++});
  for (int r = 0; r < g.size(); ++r)
    for (const std::string& label : g.nodes[static_cast<std::size_t>(r)].branch_labels)
      if (label.size() > 3) g.prefix_keys.push_back({label, r, order++});
  std::sort(g.prefix_keys.begin(), g.prefix_keys.end(),
            [](const graph::PrefixKey& a, const graph::PrefixKey& b) { return a.key < b.key; });
}

// Builds the graph, recording what is wrong; links what it can, and looks
// for cycles only in a graph with nothing else wrong.
std::shared_ptr<RevisionMap::Graph> build(std::vector<RevisionNode> nodes, Problems& problems) {
  auto g = std::make_shared<RevisionMap::Graph>();
  g->nodes = std::move(nodes);
  g->links.resize(g->nodes.size());
  validate_ids(*g, problems);
  index_keys(*g, problems);
  link(*g, problems);
  if (!problems.empty()) return g;
  normalize_dependencies(*g);
  detect_cycles(*g, problems);
  return g;
}

}  // namespace

bool graph::is_valid_revision_id(std::string_view id) {
  return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

std::vector<Problem> graph::find_problems(std::vector<RevisionNode> nodes) {
  Problems problems;
  build(std::move(nodes), problems);
  return problems;
}

RevisionMap::RevisionMap(std::vector<RevisionNode> nodes) {
  Problems problems;
  auto g = build(std::move(nodes), problems);
  if (!problems.empty()) throw RevisionError(problems.front().message);
  propagate_labels(*g);
  index_prefixes(*g);
  graph_ = std::move(g);
}

RevisionMap RevisionMap::from_registry(const Registry& registry) {
  std::vector<RevisionNode> nodes;
  nodes.reserve(registry.migrations.size());
  auto strings = [](std::span<const std::string_view> views) {
    return std::vector<std::string>(views.begin(), views.end());
  };
  for (const Migration& migration : registry.migrations)
    nodes.push_back({std::string(migration.id), strings(migration.down_revisions),
                     strings(migration.branch_labels), strings(migration.depends_on),
                     std::string(migration.message)});
  return RevisionMap(std::move(nodes));
}

}  // namespace retort
