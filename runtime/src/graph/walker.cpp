// Alembic 1.8.1's RevisionMap traversal (script/revision.py) and
// HeadMaintainer (runtime/migration.py), over revision indices. Function
// names follow Alembic's so the two can be read side by side.
#include <algorithm>
#include <fmt/format.h>

#include "graph.hpp"

namespace retort::graph {

MultipleHeadsFailure::MultipleHeadsFailure(std::vector<std::string> heads_, std::string argument_)
    : RevisionError(fmt::format("Multiple heads are present for given argument '{}'; {}", argument_,
                                fmt::join(heads_, ", "))),
      heads(std::move(heads_)),
      argument(std::move(argument_)) {}

RangeNotAncestor::RangeNotAncestor(std::string lower_, std::string upper_)
    : RevisionError(fmt::format("Revision {} is not an ancestor of revision {}",
                                lower_.empty() ? "base" : lower_, upper_.empty() ? "base" : upper_)),
      lower(std::move(lower_)),
      upper(std::move(upper_)) {}

// --- version table ---------------------------------------------------------

bool HeadMaintainer::has(int r) const { return contains(rows, r); }

void HeadMaintainer::insert(int r) {
  if (has(r))
    throw RevisionError(fmt::format(
        "Cannot insert {} into the version table: it is already there; the table's rows "
        "contradict each other, inspect it and fix it with `stamp --purge`",
        graph->id(r)));
  rows.push_back(r);
  if (log) log->push_back({VersionTableChange::Kind::insert, {}, graph->id(r)});
}

void HeadMaintainer::remove(int r) {
  auto at = std::find(rows.begin(), rows.end(), r);
  if (at == rows.end())
    throw RevisionError(fmt::format(
        "Cannot delete {} from the version table: it is not there; the table's rows "
        "contradict the revision graph, inspect it and fix it with `stamp --purge`",
        graph->id(r)));
  rows.erase(at);
  if (log) log->push_back({VersionTableChange::Kind::remove, graph->id(r), {}});
}

void HeadMaintainer::update(int from, int to) {
  auto at = std::find(rows.begin(), rows.end(), from);
  if (at == rows.end() || has(to))
    throw RevisionError(fmt::format(
        "Cannot move version table row {} to {}: the table's rows contradict the revision "
        "graph, inspect it and fix it with `stamp --purge`",
        graph->id(from), graph->id(to)));
  *at = to;
  if (log) log->push_back({VersionTableChange::Kind::update, graph->id(from), graph->id(to)});
}

const std::vector<char>& HeadMaintainer::implied_by(std::vector<int> others, const Walker& walker) {
  std::sort(others.begin(), others.end());
  if (others != implied_rows_) {
    implied_.assign(static_cast<std::size_t>(graph->size()), 0);
    for (int r : walker.ancestors(others, true)) implied_[static_cast<std::size_t>(r)] = 1;
    implied_rows_ = std::move(others);
  }
  return implied_;
}

// --- traversal --------------------------------------------------------------

// Where Alembic asserts is_revision(): a relative walk ended outside the graph.
std::vector<int> Walker::require_revisions(std::vector<int> revs) const {
  for (int r : revs)
    if (r < 0) throw RevisionError(kWalkedTooFar);
  return revs;
}

// Alembic's _iterate_related_revisions: depth first from each target,
// shared `seen`; with `check`, refuses targets that are related to each other.
template <class Next>
std::vector<int> Walker::related(std::span<const int> targets, Next next, bool check) const {
  for (int r : targets)
    if (r < 0) throw RevisionError(kWalkedTooFar);
  std::vector<char> seen(static_cast<std::size_t>(g_.size()));
  std::vector<int> out, todo, per_target;
  for (int target : targets) {
    todo.push_back(target);
    per_target.clear();
    while (!todo.empty()) {
      int r = todo.back();
      todo.pop_back();
      if (check) per_target.push_back(r);
      if (seen[static_cast<std::size_t>(r)]) continue;
      seen[static_cast<std::size_t>(r)] = 1;
      for (int n : next(r)) todo.push_back(n);
      out.push_back(r);
    }
    if (check) {
      std::vector<std::string> overlaps;
      for (int other : targets)
        if (other != target && contains(per_target, other) &&
            std::find(overlaps.begin(), overlaps.end(), g_.id(other)) == overlaps.end())
          overlaps.push_back(g_.id(other));
      if (!overlaps.empty())
        throw RevisionError(fmt::format(
            "Requested revision {} overlaps with other requested revisions {}; name only "
            "revisions on different branches (one is an ancestor of the other)",
            g_.id(target), fmt::join(overlaps, ", ")));
    }
  }
  return out;
}

std::vector<int> Walker::descendants(std::span<const int> targets, bool include_dependencies,
                                     bool check) const {
  if (include_dependencies)
    return related(targets, [this](int r) -> const std::vector<int>& { return g_.at(r).all_next; }, check);
  return related(targets, [this](int r) -> const std::vector<int>& { return g_.at(r).next; }, check);
}

std::vector<int> Walker::ancestors(std::span<const int> targets, bool include_dependencies,
                                   bool check) const {
  if (include_dependencies)
    return related(targets, [this](int r) -> const std::vector<int>& { return g_.at(r).normalized_down; },
                   check);
  return related(targets, [this](int r) -> const std::vector<int>& { return g_.at(r).down; }, check);
}

// --- collecting revisions -----------------------------------------------------

std::string Walker::Bound::describe() const {
  return is_string ? text : fmt::format("{}", fmt::join(table, ", "));
}

std::pair<std::vector<int>, std::vector<int>> Walker::collect_upgrade(const Bound& upper, Bound lower,
                                                                      bool inclusive, bool implicit_base,
                                                                      bool assert_relative_length) const {
  const Idents lower_as_list = lower.is_string ? Idents{lower.text} : lower.table;
  std::vector<int> targets = require_revisions(
      upper.is_string ? parse_upgrade_target(lower_as_list, upper.text, assert_relative_length)
                      : get_revisions(upper.table));

  // A labelled lower bound (label@...) keeps only the targets on that branch.
  if (lower.is_string && lower.text.find('@') != std::string::npos) {
    std::string branch = lower.text.substr(0, lower.text.find('@'));
    int branch_rev = get_revision(branch);
    if (branch_rev >= 0 && g_.id(branch_rev) == branch) {
      const auto& labels = g_.at(branch_rev).labels;
      if (labels.size() != 1)
        throw RevisionError(fmt::format(
            "Revision {} used as a branch name carries {} branch labels; use one of its labels",
            branch, labels.size()));
      branch = labels.front();
    }
    std::erase_if(targets, [&](int t) {
      const auto& labels = g_.at(t).labels;
      return std::find(labels.begin(), labels.end(), branch) == labels.end();
    });
  }

  std::vector<char> required(static_cast<std::size_t>(g_.size()));
  for (int r : ancestors(targets, true, true)) required[static_cast<std::size_t>(r)] = 1;

  std::vector<int> current = lower.is_string ? get_revisions(lower.text) : get_revisions(lower.table);
  if (!implicit_base)
    for (int r : current)
      if (r != kNone && (r == kBaseMark || !required[static_cast<std::size_t>(r)]))
        throw RangeNotAncestor(lower.describe(), upper.describe());

  if (!current.empty() && current.front() == kNone) {
    // A relative lower bound that get_revisions walked past the graph.
    Idents upper_as_list = upper.is_string ? Idents{upper.text} : upper.table;
    int rev = parse_downgrade_target(upper_as_list, lower.text, assert_relative_length).second;
    if (rev == kNone) throw RevisionError(kWalkedTooFar);
    current.clear();
    if (rev != kBaseMark) current = {rev};
  }

  std::vector<char> have(static_cast<std::size_t>(g_.size()));
  for (int r : ancestors(current, true, true)) have[static_cast<std::size_t>(r)] = 1;

  std::vector<char> needs(static_cast<std::size_t>(g_.size()));
  for (int r = 0; r < g_.size(); ++r)
    needs[static_cast<std::size_t>(r)] = required[static_cast<std::size_t>(r)] && !have[static_cast<std::size_t>(r)];
  if (inclusive)  // the lower bound itself, as resolved above
    for (int r : require_revisions(current)) needs[static_cast<std::size_t>(r)] = 1;
  if (!current.empty() && !implicit_base) {
    std::vector<char> above(static_cast<std::size_t>(g_.size()));
    for (int r : descendants(current, false, true)) above[static_cast<std::size_t>(r)] = 1;
    for (int r = 0; r < g_.size(); ++r)
      if (!above[static_cast<std::size_t>(r)]) needs[static_cast<std::size_t>(r)] = 0;
  }
  std::vector<int> out;
  for (int r = 0; r < g_.size(); ++r)
    if (needs[static_cast<std::size_t>(r)]) out.push_back(r);
  return {out, targets};
}

std::pair<std::vector<int>, std::vector<int>> Walker::collect_downgrade(const Idents& upper, std::string_view target,
                                                                        bool assert_relative_length) const {
  auto [branch_label, target_rev] = parse_downgrade_target(upper, target, assert_relative_length);
  if (target_rev == kBaseMark) target_rev = kNone;

  std::vector<int> roots;
  std::size_t root_count;  // Alembic lists a labelled base once per key
  if (target_rev == kNone) {
    roots = g_.bases;
    root_count = roots.size() + static_cast<std::size_t>(g_.declared_labels_on_bases);
  } else {
    roots = g_.at(target_rev).next;
    root_count = roots.size();
  }
  if (!branch_label.empty() && root_count > 1) {
    const int branch[] = {resolve_branch(branch_label)};
    std::vector<int> on_branch = ancestors(branch, false);
    std::erase_if(roots, [&](int r) { return !contains(on_branch, r); });
    if (roots.empty())
      throw RevisionError(
          "Not a valid downgrade target from current heads: the branch named in the target "
          "has nothing to downgrade; check the label with `branches` and `current`");
  }

  std::vector<int> heads = require_revisions(get_revisions(upper));
  std::vector<char> active(static_cast<std::size_t>(g_.size()));
  for (int r : ancestors(heads, true)) active[static_cast<std::size_t>(r)] = 1;
  std::vector<int> drop;
  for (int r : descendants(roots, true))
    if (active[static_cast<std::size_t>(r)]) drop.push_back(r);
  if (target_rev != kNone && drop.empty() && !contains(heads, target_rev))
    throw RangeNotAncestor("Nothing to drop", fmt::format("{}", fmt::join(upper, ", ")));
  std::sort(drop.begin(), drop.end());
  return {drop, heads};
}

// Alembic's _topological_sort: walks down from the heads (in map order),
// finishing a line before a revision that another head still needs.
std::vector<int> Walker::topological_sort(std::span<const int> revisions, std::span<const int> heads) const {
  const std::size_t n = static_cast<std::size_t>(g_.size());
  std::vector<char> todo(n);
  std::size_t remaining = 0;
  for (int r : revisions)
    if (!todo[static_cast<std::size_t>(r)]) todo[static_cast<std::size_t>(r)] = 1, ++remaining;

  auto ancestor_set = [&](int r) {
    std::vector<char> set(n);
    const int self[] = {r};
    for (int a : ancestors(self, true)) set[static_cast<std::size_t>(a)] = 1;
    return set;
  };

  std::vector<int> current_heads;
  for (int h : heads)
    if (h >= 0 && todo[static_cast<std::size_t>(h)] && !contains(current_heads, h)) current_heads.push_back(h);
  std::sort(current_heads.begin(), current_heads.end());
  std::vector<std::vector<char>> ancestors_by_idx;
  for (int h : current_heads) ancestors_by_idx.push_back(ancestor_set(h));

  std::vector<int> output;
  std::size_t idx = 0;
  while (!current_heads.empty()) {
    const int candidate = current_heads[idx];
    bool blocked = false;
    for (std::size_t other = 0; other < ancestors_by_idx.size(); ++other) {
      if (other != idx && ancestors_by_idx[other][static_cast<std::size_t>(candidate)]) {
        idx = other;  // another head still needs this one; walk that head first
        blocked = true;
        break;
      }
    }
    if (blocked) continue;
    if (todo[static_cast<std::size_t>(candidate)]) {
      output.push_back(candidate);
      todo[static_cast<std::size_t>(candidate)] = 0;
      --remaining;
    }
    const Links& links = g_.at(candidate);
    std::vector<int> heads_to_add;
    for (int r : links.normalized_down)
      if (todo[static_cast<std::size_t>(r)] && !contains(current_heads, r)) heads_to_add.push_back(r);
    if (heads_to_add.empty()) {
      current_heads.erase(current_heads.begin() + static_cast<std::ptrdiff_t>(idx));
      ancestors_by_idx.erase(ancestors_by_idx.begin() + static_cast<std::ptrdiff_t>(idx));
      idx = idx > 0 ? idx - 1 : 0;
    } else if (links.normalized_deps.empty() && links.down.size() == 1) {
      current_heads[idx] = heads_to_add.front();
      ancestors_by_idx[idx][static_cast<std::size_t>(candidate)] = 0;
    } else {
      current_heads[idx] = heads_to_add.front();
      ancestors_by_idx[idx] = ancestor_set(heads_to_add.front());
      for (std::size_t i = 1; i < heads_to_add.size(); ++i) {
        current_heads.push_back(heads_to_add[i]);
        ancestors_by_idx.push_back(ancestor_set(heads_to_add[i]));
      }
    }
  }
  if (remaining != 0)
    throw RevisionError("Internal error: revisions left unordered by the topological sort; please report it");
  return output;
}

// --- version table maintenance ------------------------------------------------

// Alembic's HeadMaintainer.update_to_step for a RevisionStep.
void Walker::apply_step(HeadMaintainer& table, int revision, bool upgrade) const {
  const Links& links = g_.at(revision);
  const std::vector<int>& downs = links.normalized_down;

  // Downgrade: which of our down revisions become rows again (those no
  // other remaining row already implies).
  auto unmerge_targets = [&]() {
    std::vector<int> others;
    for (int row : table.rows)
      if (row != revision) others.push_back(row);
    if (others.empty()) return downs;
    const std::vector<char>& implied = table.implied_by(others, *this);
    std::vector<int> out;
    for (int d : downs)
      if (!implied[static_cast<std::size_t>(d)]) out.push_back(d);
    return out;
  };

  if (!upgrade && table.has(revision)) {
    if (downs.empty()) return table.remove(revision);
    std::vector<int> to = unmerge_targets();
    if (to.empty()) return table.remove(revision);
    if (downs.size() > 1) {
      for (std::size_t i = 0; i + 1 < to.size(); ++i) table.insert(to[i]);
      return table.update(revision, to.back());
    }
  }
  if (upgrade) {
    std::size_t present = 0;
    for (int d : downs) present += table.has(d) ? 1 : 0;
    if (downs.empty() || present == 0) return table.insert(revision);
    if (downs.size() > 1 && present > 1) {
      std::vector<int> others;
      for (int row : table.rows)
        if (!contains(downs, row)) others.push_back(row);
      std::vector<int> from = downs;
      if (!others.empty()) {
        const std::vector<char>& implied = table.implied_by(others, *this);
        std::erase_if(from, [&](int d) { return implied[static_cast<std::size_t>(d)] != 0; });
      }
      if (from.empty())
        throw RevisionError(fmt::format("Cannot merge the version table rows into {}: its down revisions "
                                        "are all implied by other rows; inspect the table",
                                        g_.id(revision)));
      for (std::size_t i = 0; i + 1 < from.size(); ++i) table.remove(from[i]);
      return table.update(from.back(), revision);
    }
  }
  int down;
  if (downs.size() != 1) {
    std::vector<int> present;
    for (int d : downs)
      if (table.has(d)) present.push_back(d);
    if (present.size() != 1)
      throw RevisionError(fmt::format(
          "Can't do an UPDATE because downrevision is ambiguous: {} of the down revisions of {} are "
          "in the version table; inspect the table",
          present.size(), g_.id(revision)));
    down = present.front();
  } else {
    down = downs.front();
  }
  if (upgrade)
    table.update(down, revision);
  else
    table.update(revision, down);
}

}  // namespace retort::graph
