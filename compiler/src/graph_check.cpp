#include "graph_check.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <queue>
#include <set>

namespace retort::compiler {

bool is_valid_revision_id(const std::string& id) {
  if (id.empty() || id.size() > 32) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

namespace {

class GraphChecker {
 public:
  GraphChecker(const std::vector<MigrationSource>& sources, const GraphContext& context)
      : sources_(sources), context_(context) {}

  GraphCheckResult run() {
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (sources_[i].has_revision) check_fields(i);
    index_ids();
    index_labels();
    // A file whose revision could not be read (already diagnosed) would make
    // every reference to it look unknown: check the graph only when all are read.
    const bool all_read = std::all_of(sources_.begin(), sources_.end(),
                                      [](const MigrationSource& source) { return source.has_revision; });
    if (!all_read) return std::move(result_);
    check_references();
    if (count_errors(result_.diagnostics) == 0 && order_topologically() && context_.require_single_head) {
      check_single_end(/*heads=*/true);
      check_single_end(/*heads=*/false);
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

  void check_fields(std::size_t i) {
    const auto& source = sources_[i];
    if (!is_valid_revision_id(source.id.value)) {
      error_at(i, source.id,
               "malformed revision id `" + source.id.value +
                   "`: an id is 1 to 32 characters of [0-9A-Za-z_] (retortc revision generates 12 hex digits)");
    }
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

  void index_ids() {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (!sources_[i].has_revision || sources_[i].id.value.empty()) continue;
      const auto& id = sources_[i].id.value;
      const auto [existing, inserted] = by_id_.emplace(id, i);
      if (!inserted) {
        error_at(i, sources_[i].id, "duplicate revision id `" + id + "`; give one of the two files a new id "
                                    "(retortc revision prints a fresh one)");
        note_at(existing->second, sources_[existing->second].id, "revision `" + id + "` is also declared here");
      }
    }
  }

  void index_labels() {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (!sources_[i].has_revision) continue;
      for (const auto& label : sources_[i].branch_labels) {
        if (by_id_.contains(label.value)) {
          error_at(i, label, "branch label `" + label.value + "` is also a revision id; choose another label");
          continue;
        }
        const auto [existing, inserted] = label_owner_.emplace(label.value, std::make_pair(i, label));
        if (!inserted && existing->second.first != i) {
          error_at(i, label, "branch label `" + label.value + "` is already used by revision `" +
                                 sources_[existing->second.first].id.value + "`; labels name one branch each");
          note_at(existing->second.first, existing->second.second, "`" + label.value + "` is declared here");
        }
      }
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

  void check_references() {
    for (std::size_t i = 0; i < sources_.size(); ++i) {
      if (!sources_[i].has_revision) continue;
      for (const auto& down : sources_[i].down_revisions)
        if (!by_id_.contains(down.value)) suggest(i, down, down_field_name(i), down.value, false);
      for (const auto& dependency : sources_[i].depends_on)
        if (!by_id_.contains(dependency.value) && !label_owner_.contains(dependency.value))
          suggest(i, dependency, is_sql(i) ? "`-- Depends On:`" : "`depends_on`", dependency.value, true);
    }
  }

  // Parents of a node: its down revisions and its id dependencies.
  std::vector<std::pair<std::size_t, const LocatedText*>> parents(std::size_t i) const {
    std::vector<std::pair<std::size_t, const LocatedText*>> result;
    for (const auto& down : sources_[i].down_revisions)
      if (auto it = by_id_.find(down.value); it != by_id_.end()) result.emplace_back(it->second, &down);
    for (const auto& dependency : sources_[i].depends_on)
      if (auto it = by_id_.find(dependency.value); it != by_id_.end()) result.emplace_back(it->second, &dependency);
    return result;
  }

  bool order_topologically() {
    std::map<std::size_t, std::vector<std::size_t>> children;
    std::map<std::size_t, std::size_t> pending_parents;
    for (const auto& [id, i] : by_id_) {
      pending_parents[i] += 0;
      for (const auto& [parent, where] : parents(i)) {
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
    if (result_.order.size() == by_id_.size()) return true;

    // Every node left has a parent that is left too: walk parents until one repeats.
    std::set<std::size_t> left;
    for (const auto& [i, count] : pending_parents)
      if (count > 0) left.insert(i);
    std::size_t start = *std::min_element(left.begin(), left.end(), [&](std::size_t a, std::size_t b) {
      return sources_[a].id.value < sources_[b].id.value;
    });
    std::vector<std::size_t> walk{start};
    std::vector<const LocatedText*> edges;
    std::map<std::size_t, std::size_t> position{{start, 0}};
    while (true) {
      const std::pair<std::size_t, const LocatedText*>* next = nullptr;
      const auto candidates = parents(walk.back());
      for (const auto& candidate : candidates)
        if (left.contains(candidate.first)) {
          next = &candidate;
          break;
        }
      if (!next) break;  // cannot happen: every node left has a parent left
      edges.push_back(next->second);
      const bool repeated = position.contains(next->first);
      if (!repeated) position[next->first] = walk.size();
      walk.push_back(next->first);
      if (repeated) break;
    }
    const std::size_t cycle_start = position.at(walk.back());
    std::string chain;
    for (std::size_t k = cycle_start; k < walk.size(); ++k)
      chain += (k > cycle_start ? " -> " : "") + sources_[walk[k]].id.value;
    const std::size_t first = walk[cycle_start];
    error_at(first, *edges[cycle_start],
             "the revision graph has a cycle: " + chain +
                 " (each arrow points from a revision to its down_revision/depends_on); break it by pointing one "
                 "of these at an older revision");
    for (std::size_t k = cycle_start + 1; k + 1 < walk.size(); ++k)
      note_at(walk[k], *edges[k], "`" + sources_[walk[k]].id.value + "` revises `" +
                                      sources_[walk[k + 1]].id.value + "` here");
    result_.order.clear();
    return false;
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
  std::map<std::string, std::size_t> by_id_;
  std::map<std::string, std::pair<std::size_t, LocatedText>> label_owner_;
  GraphCheckResult result_;
};

}  // namespace

GraphCheckResult check_migration_graph(const std::vector<MigrationSource>& sources, const GraphContext& context) {
  return GraphChecker(sources, context).run();
}

}  // namespace retort::compiler
