// The public RevisionMap: Alembic's commands (ScriptDirectory._upgrade_revs,
// _downgrade_revs, _stamp_revs, walk_revisions) over the graph walker, with
// errors worded as Alembic's _catch_revision_errors words them.
#include <algorithm>
#include <fmt/format.h>

#include "graph.hpp"

namespace retort {

namespace {

using graph::kBaseMark;
using graph::kNone;
using graph::Walker;

std::string comma(std::span<const std::string> items) { return fmt::format("{}", fmt::join(items, ", ")); }

std::string replace_all(std::string text, std::string_view key, std::string_view value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
  return text;
}

// How a command words the errors of the graph walk (Alembic's
// ScriptDirectory._catch_revision_errors arguments).
struct Wording {
  std::string ancestor =
      "Requested range {start}:{end} does not refer to ancestor/descendant revisions along the "
      "same branch";
  std::string multiple_heads =
      "Multiple head revisions are present for given argument '{head_arg}'; please specify a "
      "specific target revision, '<branchname>@{head_arg}' to narrow to a specific head, or "
      "'heads' for all heads";
  std::optional<std::string> start;
  std::optional<std::string> end;
};

template <class Fn>
auto worded(const Wording& wording, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const graph::RangeNotAncestor& e) {
    std::string message = replace_all(wording.ancestor, "{start}", wording.start.value_or(e.lower));
    throw RevisionError(replace_all(message, "{end}", wording.end.value_or(e.upper)) +
                        "; check the current revisions with `current` and the graph with `history`");
  } catch (const graph::MultipleHeadsFailure& e) {
    std::string message = replace_all(wording.multiple_heads, "{head_arg}", wording.end.value_or(e.argument));
    throw RevisionError(fmt::format("{} (heads: {}; or merge them into one with `merge`)", message, comma(e.heads)));
  } catch (const graph::ResolutionFailure& e) {
    throw RevisionError(fmt::format("Can't locate revision identified by '{}': {}", e.argument, e.what()));
  }
}

graph::Walker::Idents table_of(std::span<const std::string> current) {
  graph::Walker::Idents rows;
  for (const std::string& row : current)
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
  return rows;
}

// The version table as revision indices; a row this graph does not know
// means the database is ahead of (or foreign to) this migration set.
graph::HeadMaintainer load_table(const RevisionMap::Graph& g, std::span<const std::string> current,
                               std::vector<VersionTableChange>* log) {
  graph::HeadMaintainer table;
  table.log = log;
  table.graph = &g;
  for (const std::string& row : table_of(current)) {
    auto found = g.ids.find(row);
    if (found == g.ids.end())
      throw RevisionError(fmt::format(
          "Can't locate revision identified by '{}': the version table holds a revision this "
          "migration set does not have (is the database newer than this build?); deploy the "
          "code that has it, or `stamp` the database to a revision of this set",
          row));
    table.rows.push_back(found->second);
  }
  return table;
}

std::vector<std::string> names(const RevisionMap::Graph& g, std::span<const int> revs) {
  std::vector<std::string> out;
  out.reserve(revs.size());
  for (int r : revs) out.push_back(g.id(r));
  return out;
}

}  // namespace

const std::vector<RevisionNode>& RevisionMap::nodes() const { return graph_->nodes; }

bool RevisionMap::contains(std::string_view id) const { return graph_->ids.contains(std::string(id)); }

const RevisionNode& RevisionMap::get(std::string_view id) const {
  auto found = graph_->ids.find(std::string(id));
  if (found == graph_->ids.end())
    throw RevisionError(fmt::format(
        "No such revision '{}'; give a full revision id from `history` (or a target such as "
        "head, base or a unique prefix where a target is accepted)",
        id));
  return graph_->nodes[static_cast<std::size_t>(found->second)];
}

std::vector<std::string> RevisionMap::heads() const { return names(*graph_, graph_->heads); }
std::vector<std::string> RevisionMap::real_heads() const { return names(*graph_, graph_->real_heads); }
std::vector<std::string> RevisionMap::bases() const { return names(*graph_, graph_->bases); }

bool RevisionMap::is_head(std::string_view id) const {
  return graph_->at(graph_->ids.at(get(id).id)).next.empty();
}
bool RevisionMap::is_real_head(std::string_view id) const {
  return graph_->at(graph_->ids.at(get(id).id)).all_next.empty();
}
bool RevisionMap::is_base(std::string_view id) const { return get(id).down_revisions.empty(); }
bool RevisionMap::is_branch_point(std::string_view id) const {
  return graph_->at(graph_->ids.at(get(id).id)).next.size() > 1;
}
bool RevisionMap::is_merge_point(std::string_view id) const { return get(id).down_revisions.size() > 1; }
std::vector<std::string> RevisionMap::next_revisions(std::string_view id) const {
  return names(*graph_, graph_->at(graph_->ids.at(get(id).id)).next);
}
std::vector<std::string> RevisionMap::branch_labels(std::string_view id) const {
  return graph_->at(graph_->ids.at(get(id).id)).labels;
}

std::vector<std::string> RevisionMap::resolve(std::string_view target, std::span<const std::string> current) const {
  Walker walker(*graph_);
  return worded(Wording{}, [&] {
    std::vector<int> revs = target == "current" ? walker.get_revisions(current) : walker.get_revisions(target);
    std::vector<int> found;
    for (int r : revs) {
      if (r == kNone || r == kBaseMark)
        throw RevisionError(fmt::format(
            "Revision target '{}' walks down to or past the base, which is not a revision; use a "
            "smaller step (see `history`)",
            target));
      found.push_back(r);  // Alembic lists a revision twice when two heads walk down to it
    }
    return names(*graph_, found);
  });
}

std::vector<MigrationStep> RevisionMap::upgrade_steps(std::span<const std::string> current,
                                                      std::string_view target) const {
  Wording wording;
  wording.ancestor = "Destination {end} is not a valid upgrade target from current head(s)";
  wording.end = std::string(target);
  std::vector<VersionTableChange> log;
  graph::HeadMaintainer table = load_table(*graph_, current, &log);
  Walker walker(*graph_);
  std::vector<int> order = worded(wording, [&] {
    auto [needs, targets] = walker.collect_upgrade({true, std::string(target), {}}, {false, {}, table_of(current)},
                                                   false, true, true);
    std::vector<int> sorted = walker.topological_sort(needs, targets);
    std::reverse(sorted.begin(), sorted.end());
    return sorted;
  });
  std::vector<MigrationStep> steps;
  steps.reserve(order.size());
  for (int r : order) {
    MigrationStep step{graph_->id(r), true, names(*graph_, table.rows), {}, {}};
    log.clear();
    walker.apply_step(table, r, true);
    step.heads_after = names(*graph_, table.rows);
    step.changes = log;
    steps.push_back(std::move(step));
  }
  return steps;
}

std::vector<MigrationStep> RevisionMap::downgrade_steps(std::span<const std::string> current,
                                                        std::string_view target) const {
  Wording wording;
  wording.ancestor = "Destination {end} is not a valid downgrade target from current head(s)";
  wording.end = std::string(target);
  std::vector<VersionTableChange> log;
  graph::HeadMaintainer table = load_table(*graph_, current, &log);
  Walker walker(*graph_);
  std::vector<int> order = worded(wording, [&] {
    auto [drop, heads] = walker.collect_downgrade(table_of(current), target, true);
    return walker.topological_sort(drop, heads);
  });
  std::vector<MigrationStep> steps;
  steps.reserve(order.size());
  for (int r : order) {
    MigrationStep step{graph_->id(r), false, names(*graph_, table.rows), {}, {}};
    log.clear();
    walker.apply_step(table, r, false);
    step.heads_after = names(*graph_, table.rows);
    step.changes = log;
    steps.push_back(std::move(step));
  }
  return steps;
}

StampResult RevisionMap::stamp_changes(std::span<const std::string> current, std::span<const std::string> targets,
                                       bool purge) const {
  Wording wording;
  wording.multiple_heads = "Multiple heads are present; please specify a single target revision";
  StampResult result;
  graph::HeadMaintainer table = load_table(*graph_, purge ? std::span<const std::string>{} : current, &result.changes);
  Walker walker(*graph_);
  const RevisionMap::Graph& g = *graph_;

  struct StampStep {
    std::vector<int> from;
    int to;  // kNone: base
    bool upgrade;
    bool branch_move;
  };
  std::vector<StampStep> steps = worded(wording, [&] {
    std::vector<std::string> revisions(targets.begin(), targets.end());
    if (revisions.empty()) revisions = {"base"};
    std::vector<int> heads = table.rows;
    std::vector<int> filtered_heads;
    for (const std::string& revision : revisions) {
      if (revision.empty()) continue;
      for (int h : walker.filter_for_lineage(heads, revision, true))
        if (std::find(filtered_heads.begin(), filtered_heads.end(), h) == filtered_heads.end())
          filtered_heads.push_back(h);
    }
    std::vector<int> dests = walker.get_revisions(revisions);
    if (dests.empty()) dests = {kNone};

    std::vector<StampStep> out;
    for (int dest : dests) {
      if (dest == kNone || dest == kBaseMark) {
        for (int head : filtered_heads) out.push_back({{head}, kNone, false, true});
        continue;
      }
      if (std::find(filtered_heads.begin(), filtered_heads.end(), dest) != filtered_heads.end()) continue;
      const int self[] = {dest};
      auto touches = [&](const std::vector<int>& related) {
        return std::any_of(related.begin(), related.end(), [&](int r) {
          return std::find(filtered_heads.begin(), filtered_heads.end(), r) != filtered_heads.end();
        });
      };
      if (touches(walker.descendants(self, true))) {
        if (touches(walker.ancestors(self, true)))
          throw RevisionError(fmt::format(
              "Cannot stamp {}: the version table ({}) has rows both above and below it; stamp "
              "with --purge to replace the table's contents",
              g.id(dest), comma(names(g, table.rows))));
        out.push_back({filtered_heads, dest, false, false});
      }
      else if (touches(walker.ancestors(self, true)))
        out.push_back({filtered_heads, dest, true, false});
      else
        out.push_back({{}, dest, true, true});
    }
    return out;
  });

  // HeadMaintainer.update_to_step for StampSteps.
  for (const StampStep& step : steps) {
    bool any_from_missing = std::any_of(step.from.begin(), step.from.end(), [&](int r) { return !table.has(r); });
    if (!step.upgrade && step.branch_move) {
      table.remove(step.from.front());
    } else if (step.upgrade && (step.branch_move || any_from_missing) && step.to != kNone && !table.has(step.to)) {
      table.insert(step.to);
    } else if (step.from.size() > 1) {
      for (std::size_t i = 0; i + 1 < step.from.size(); ++i) table.remove(step.from[i]);
      table.update(step.from.back(), step.to);
    } else if (step.from.size() == 1 && step.to != kNone) {
      table.update(step.from.front(), step.to);
    } else {
      throw RevisionError(fmt::format(
          "Cannot stamp {}: the version table ({}) gives no row to move; stamp with --purge to "
          "replace the table's contents",
          step.to == kNone ? std::string("base") : g.id(step.to), comma(names(g, table.rows))));
    }
  }
  result.heads_after = names(g, table.rows);
  return result;
}

std::vector<std::string> RevisionMap::stamp(std::span<const std::string> current,
                                            std::span<const std::string> targets, bool purge) const {
  return stamp_changes(current, targets, purge).heads_after;
}

std::vector<const RevisionNode*> RevisionMap::history(std::string_view lower, std::string_view upper,
                                                      std::span<const std::string> current) const {
  // As `alembic history -r lower:upper`: "current" is the version table,
  // and an empty endpoint is "base" below and "heads" above.
  Walker::Idents rows = table_of(current);
  bool lower_is_table = lower == "current" && !rows.empty();
  bool upper_is_table = upper == "current" && !rows.empty();
  std::string lower_text = lower.empty() || lower == "current" ? "base" : std::string(lower);
  std::string upper_text = upper.empty() || upper == "current" ? "heads" : std::string(upper);

  Wording wording;
  wording.start = lower_is_table ? comma(rows) : lower_text;
  wording.end = upper_is_table ? comma(rows) : upper_text;
  Walker walker(*graph_);
  std::vector<int> order = worded(wording, [&] {
    Walker::Bound low = lower_is_table ? Walker::Bound{false, {}, rows} : Walker::Bound{true, lower_text, {}};
    Walker::Bound high = upper_is_table ? Walker::Bound{false, {}, rows} : Walker::Bound{true, upper_text, {}};
    auto [needs, targets] = walker.collect_upgrade(high, low, true, false, false);
    return walker.topological_sort(needs, targets);
  });
  std::vector<const RevisionNode*> out;
  out.reserve(order.size());
  for (int r : order) out.push_back(&graph_->nodes[static_cast<std::size_t>(r)]);
  return out;
}

std::vector<std::string> RevisionMap::current_heads(std::span<const std::string> current) const {
  Walker walker(*graph_);
  return worded(Wording{}, [&] {
    std::vector<int> rows = walker.get_revisions(table_of(current));
    return names(*graph_, walker.all_current(rows));
  });
}

std::vector<std::string> RevisionMap::branch_points() const {
  std::vector<std::string> out;
  for (const RevisionNode* node : history())
    if (graph_->at(graph_->ids.at(node->id)).next.size() > 1) out.push_back(node->id);
  return out;
}

}  // namespace retort
