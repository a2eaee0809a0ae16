#include "graph_check.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <queue>
#include <set>

#include "graph/problems.hpp"

namespace retort::compiler {

RevisionNode revision_node(const MigrationSource& source) {
  RevisionNode node{source.id.value, {}, {}, {}, source.message.value};
  for (const auto& down : source.down_revisions) node.down_revisions.push_back(down.value);
  for (const auto& label : source.branch_labels) node.branch_labels.push_back(label.value);
  for (const auto& dependency : source.depends_on) node.depends_on.push_back(dependency.value);
  return node;
}

namespace {

class GraphChecker {
 public:
  GraphChecker(const std::vector<MigrationSource>& sources, const GraphContext& context)
      : sources_(sources), context_(context) {}

  GraphCheckResult run() {
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (sources_[i].has_revision) check_fields(i);
    // A file whose revision could not be read (already diagnosed) would make
    // every reference to it look unknown: with one missing, only the rules
    // about ids and labels are reported.
    const bool all_read = std::all_of(sources_.begin(), sources_.end(),
                                      [](const MigrationSource& source) { return source.has_revision; });
    std::vector<RevisionNode> nodes;
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (!sources_[i].has_revision) continue;
      node_source_.push_back(i);
      nodes.push_back(revision_node(sources_[i]));
      if (!sources_[i].id.value.empty()) by_id_.emplace(sources_[i].id.value, i);
      for (const auto& label : sources_[i].branch_labels) label_owner_.emplace(label.value, i);
    }
    for (const graph::Problem& problem : graph::find_problems(std::move(nodes))) {
      const bool about_references = problem.rule == graph::Rule::unknown_down_revision ||
                                    problem.rule == graph::Rule::unknown_dependency;
      if (all_read || !about_references) report(problem);
    }
    if (all_read && count_errors(result_.diagnostics) == 0) {
      order_topologically();
      if (context_.require_single_head) {
        check_single_end(/*heads=*/true);
        check_single_end(/*heads=*/false);
      }
    }
    return std::move(result_);
  }

 private:
  void add(Severity severity, const std::string& path, unsigned line, unsigned column, std::string message) {
    result_.diagnostics.push_back({severity, path, line, column, std::move(message)});
  }
  void error_at(std::size_t source, const LocatedText& where, std::string message) {
    add(Severity::error, sources_[source].path, where.line, where.column, std::move(message));
  }
  void note_at(std::size_t source, const LocatedText& where, std::string message) {
    add(Severity::note, sources_[source].path, where.line, where.column, std::move(message));
  }
  LocatedText revision_location(std::size_t source) const {
    return {"", sources_[source].revision_line, sources_[source].revision_column};
  }
  bool is_sql(std::size_t source) const { return sources_[source].kind == SourceKind::sql; }
  std::string down_field_name(std::size_t source) const {
    return is_sql(source) ? "`-- Revises:`" : "`down_revision`";
  }
  // The entry of `list` that says `name` (the first, if several do).
  static const LocatedText* find(const std::vector<LocatedText>& list, const std::string& name) {
    for (const auto& entry : list)
      if (entry.value == name) return &entry;
    return nullptr;
  }

  // Fields of one file that are not about the graph.
  void check_fields(std::size_t i) {
    const auto& source = sources_[i];
    const bool message_written = !(is_sql(i) && source.message.line == 0);
    const bool message_blank = source.message.value.find_first_not_of(" \t") == std::string::npos;
    if (message_written && message_blank) {
      const LocatedText where = source.message.line ? source.message : revision_location(i);
      error_at(i, where,
               is_sql(i) ? "empty `-- Message:`; say in a few words what this migration does"
                         : "revision `" + source.id.value + "` has an empty message; say what it does: `.message = \"add webhook_events\"`");
    }
    if (!source.down_revision_given && !is_sql(i)) {
      error_at(i, revision_location(i),
               "revision `" + source.id.value +
                   "` has no `.down_revision`; write `.down_revision = \"<previous revision id>\"`, or "
                   "`.down_revision = retort::base` for a first revision");
    }
    const auto file_name = std::filesystem::path(source.path).filename().string();
    if (!source.id.value.empty() && !file_name.starts_with(source.id.value)) {
      add(Severity::warning, source.path, source.id.line, source.id.column,
          "file name `" + file_name + "` does not start with its revision id `" + source.id.value +
              "`; rename it to `" + source.id.value + "_<slug>" +
              std::filesystem::path(source.path).extension().string() + "` so the directory lists in order");
    }
  }

  // The graph library's problem, at the file, line and column that say it.
  void report(const graph::Problem& problem) {
    using graph::Rule;
    auto source_of = [&](std::size_t k) { return node_source_[static_cast<std::size_t>(problem.revisions[k])]; };
    const std::size_t at = source_of(0);
    const MigrationSource& source = sources_[at];
    switch (problem.rule) {
      case Rule::malformed_id:
        return error_at(at, source.id,
                        "malformed revision id `" + source.id.value +
                            "`: an id is 1 to 32 characters of [0-9A-Za-z_] (retortc revision generates 12 hex digits)");
      case Rule::duplicate_id:
        if (problem.name.empty()) return;  // an empty id is reported as malformed
        error_at(at, source.id, "duplicate revision id `" + problem.name + "`; give one of the two files a new id "
                                "(retortc revision prints a fresh one)");
        return note_at(source_of(1), sources_[source_of(1)].id, "revision `" + problem.name + "` is also declared here");
      case Rule::label_is_id:
        return error_at(at, *find(source.branch_labels, problem.name),
                        "branch label `" + problem.name + "` is also a revision id; choose another label");
      case Rule::duplicate_label:
        error_at(at, *find(source.branch_labels, problem.name),
                 "branch label `" + problem.name + "` is already used by revision `" + sources_[source_of(1)].id.value +
                     "`; labels name one branch each");
        return note_at(source_of(1), *find(sources_[source_of(1)].branch_labels, problem.name),
                       "`" + problem.name + "` is declared here");
      case Rule::unknown_down_revision:
        return suggest(at, *find(source.down_revisions, problem.name), down_field_name(at), problem.name, false);
      case Rule::unknown_dependency:
        return suggest(at, *find(source.depends_on, problem.name),
                       is_sql(at) ? "`-- Depends On:`" : "`depends_on`", problem.name, true);
      case Rule::self_loop:
      case Rule::dependency_self_loop:
      case Rule::cycle:
      case Rule::dependency_cycle:
        return report_cycle(problem);
    }
  }

  // The entry of `from` that links it to `to`: a down revision, a
  // dependency by id, or a dependency by one of `to`'s branch labels.
  const LocatedText* edge(std::size_t from, std::size_t to) const {
    const MigrationSource& source = sources_[from];
    if (const auto* down = find(source.down_revisions, sources_[to].id.value)) return down;
    if (const auto* dependency = find(source.depends_on, sources_[to].id.value)) return dependency;
    for (const auto& label : sources_[to].branch_labels)
      if (const auto* dependency = find(source.depends_on, label.value)) return dependency;
    return nullptr;
  }

  // A cycle is a closed walk (first == last), each revision followed by the
  // one it revises or depends on.
  void report_cycle(const graph::Problem& problem) {
    std::vector<std::size_t> walk;
    for (int node : problem.revisions) walk.push_back(node_source_[static_cast<std::size_t>(node)]);
    std::vector<const LocatedText*> edges;
    for (std::size_t k = 0; k + 1 < walk.size(); ++k) edges.push_back(edge(walk[k], walk[k + 1]));
    const bool closed = walk.size() > 1 && walk.front() == walk.back() &&
                        std::all_of(edges.begin(), edges.end(), [](const LocatedText* e) { return e != nullptr; });
    if (!closed) {  // the library found the revisions but no walk: name them
      std::string ids;
      for (std::size_t i : walk) ids += (ids.empty() ? "" : ", ") + sources_[i].id.value;
      return error_at(walk.front(), sources_[walk.front()].id,
                      "the revision graph has a cycle among " + ids +
                          "; break it by pointing one of their down_revision/depends_on at an older revision");
    }
    std::string chain;
    for (std::size_t k = 0; k < walk.size(); ++k) chain += (k ? " -> " : "") + sources_[walk[k]].id.value;
    error_at(walk.front(), *edges.front(),
             "the revision graph has a cycle: " + chain +
                 " (each arrow points from a revision to its down_revision/depends_on); break it by pointing one "
                 "of these at an older revision");
    for (std::size_t k = 1; k + 1 < walk.size(); ++k) {
      const bool revises = find(sources_[walk[k]].down_revisions, sources_[walk[k + 1]].id.value) != nullptr;
      const std::string& written = edges[k]->value;
      note_at(walk[k], *edges[k],
              "`" + sources_[walk[k]].id.value + (revises ? "` revises `" : "` depends on `") + written + "`" +
                  (written == sources_[walk[k + 1]].id.value ? "" : " (revision `" + sources_[walk[k + 1]].id.value + "`)") +
                  " here");
    }
  }

  // "did you mean" for an unknown id: the nearest id by edit distance.
  void suggest(std::size_t source, const LocatedText& where, const std::string& what, const std::string& unknown,
               bool labels_allowed) {
    std::string best;
    std::size_t best_distance = static_cast<std::size_t>(-1);
    for (const auto& [id, index] : by_id_) {
      if (index == source) continue;  // a revision cannot revise itself
      const auto distance = edit_distance(unknown, id);
      if (distance < best_distance) best = id, best_distance = distance;
    }
    std::string message = what + " names `" + unknown + "`, but no migration in " + context_.directory +
                          " declares that revision" + (labels_allowed ? " or branch label" : "");
    if (best.empty()) {
      error_at(source, where, message + "; the set has no other revision, so use " +
                                  (is_sql(source) ? "`-- Revises: base`" : "`retort::base`"));
      return;
    }
    // A typo is a few characters away; a random id far away is only a hint.
    if (best_distance <= std::max<std::size_t>(2, unknown.size() / 3))
      error_at(source, where, message + "; did you mean `" + best + "`?");
    else
      error_at(source, where,
               message + ": the file that declared it may have been deleted, or not yet pulled (restore or pull "
                         "it); if the id was copied, the nearest existing id is `" +
                   best + "` (check the id you copied)");
    note_at(by_id_.at(best), sources_[by_id_.at(best)].id, "revision `" + best + "` is declared here");
  }

  // Parents of a node: its down revisions and dependencies, a label
  // standing for the revision that declares it.
  std::vector<std::size_t> parents(std::size_t i) const {
    std::vector<std::size_t> result;
    for (const auto& down : sources_[i].down_revisions) result.push_back(by_id_.at(down.value));
    for (const auto& dependency : sources_[i].depends_on) {
      auto it = by_id_.find(dependency.value);
      result.push_back(it != by_id_.end() ? it->second : label_owner_.at(dependency.value));
    }
    return result;
  }

  // The registry's order: bases first, ties broken by id. The graph has
  // been checked, so every reference resolves and there is no cycle.
  void order_topologically() {
    std::map<std::size_t, std::vector<std::size_t>> children;
    std::map<std::size_t, std::size_t> pending_parents;
    for (const auto& [id, i] : by_id_) {
      pending_parents[i] += 0;
      for (const auto parent : parents(i)) {
        children[parent].push_back(i);
        ++pending_parents[i];
      }
    }
    using Entry = std::pair<std::string, std::size_t>;  // smallest id first
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
    for (const auto& [i, count] : pending_parents)
      if (count == 0) ready.emplace(sources_[i].id.value, i);
    while (!ready.empty()) {
      const auto [id, i] = ready.top();
      ready.pop();
      result_.order.push_back(i);
      for (const auto child : children[i])
        if (--pending_parents[child] == 0) ready.emplace(sources_[child].id.value, child);
    }
  }

  // Labels a head (or base) carries: its own and those of its ancestors
  // (descendants for a base) along down_revision links.
  std::set<std::string> carried_labels(std::size_t start, bool towards_ancestors) const {
    std::set<std::string> labels;
    std::vector<std::size_t> stack{start};
    std::set<std::size_t> seen;
    while (!stack.empty()) {
      const auto i = stack.back();
      stack.pop_back();
      if (!seen.insert(i).second) continue;
      for (const auto& label : sources_[i].branch_labels) labels.insert(label.value);
      if (towards_ancestors) {
        for (const auto& down : sources_[i].down_revisions)
          if (auto it = by_id_.find(down.value); it != by_id_.end()) stack.push_back(it->second);
      } else {
        for (const auto& [id, j] : by_id_)
          for (const auto& down : sources_[j].down_revisions)
            if (down.value == sources_[i].id.value) stack.push_back(j);
      }
    }
    return labels;
  }

  void check_single_end(bool heads) {
    std::set<std::string> referenced;
    for (const auto& [id, i] : by_id_)
      for (const auto& down : sources_[i].down_revisions) referenced.insert(down.value);
    std::vector<std::size_t> ends;
    for (const auto i : result_.order) {
      const bool is_end = heads ? !referenced.contains(sources_[i].id.value) : sources_[i].down_revisions.empty();
      if (is_end) ends.push_back(i);
    }
    if (ends.size() < 2) return;

    // Every end but one (the main line, which may predate the labelled
    // branches: labelling it would edit applied migrations) needs a label
    // no other end carries.
    std::vector<std::set<std::string>> labels;
    for (const auto i : ends) labels.push_back(carried_labels(i, heads));
    std::size_t without_own_label = 0;
    for (std::size_t a = 0; a < ends.size(); ++a) {
      std::set<std::string> own = labels[a];
      for (std::size_t b = 0; b < ends.size(); ++b)
        if (b != a)
          for (const auto& label : labels[b]) own.erase(label);
      if (own.empty()) ++without_own_label;
    }
    if (without_own_label <= 1) return;

    std::string ids;
    for (const auto i : ends) ids += (ids.empty() ? "" : ", ") + sources_[i].id.value;
    const std::size_t first = ends.front();
    if (heads) {
      std::string merge_ids;
      for (const auto i : ends) merge_ids += " " + sources_[i].id.value;
      error_at(first, sources_[first].id,
               "the migration set has " + std::to_string(ends.size()) + " heads (" + ids +
                   ") that are not distinct labelled branches; merge them with `retortc merge --directory " +
                   context_.directory + " -m \"merge heads\"" + merge_ids + "` (or `" + context_.set_name +
                   "-migrate merge heads -m \"merge heads\"`), or give each branch its own branch label");
    } else {
      error_at(first, sources_[first].id,
               "the migration set has " + std::to_string(ends.size()) + " bases (" + ids +
                   ") that are not distinct labelled branches; point all but one `down_revision` at an existing "
                   "revision, or give each independent branch its own branch label");
    }
    for (std::size_t k = 0; k < ends.size(); ++k)
      note_at(ends[k], sources_[ends[k]].id,
              std::string(heads ? "head" : "base") + " `" + sources_[ends[k]].id.value + "`" +
                  (labels[k].empty() ? " (no branch label)" : "") + " is declared here");
  }

  const std::vector<MigrationSource>& sources_;
  const GraphContext& context_;
  std::vector<std::size_t> node_source_;  // the graph library's node index -> source index
  std::map<std::string, std::size_t> by_id_;
  std::map<std::string, std::size_t> label_owner_;  // the first revision to declare it
  GraphCheckResult result_;
};

}  // namespace

GraphCheckResult check_migration_graph(const std::vector<MigrationSource>& sources, const GraphContext& context) {
  return GraphChecker(sources, context).run();
}

}  // namespace retort::compiler
