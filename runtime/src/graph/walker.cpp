// Alembic 1.8.1's RevisionMap traversal (script/revision.py) and
// HeadMaintainer (runtime/migration.py), over revision indices. Function
// names follow Alembic's so the two can be read side by side.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <fmt/format.h>
#include <regex>

#include "graph.hpp"

namespace retort::graph {

namespace {

bool contains(std::span<const int> list, int value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Python's int() on the strings Alembic feeds it: optional sign and digits,
// surrounding whitespace allowed.
std::optional<long long> python_int(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) value = LLONG_MAX;  // a walk stops at the graph's end anyway
  return negative ? -value : value;
}

// Alembic's _relative_destination: (?:(.+?)@)?(\w+)?((?:\+|-)\d+), matched
// at the start of the target.
struct Relative {
  std::optional<std::string> branch_label;
  std::optional<std::string> symbol;
  std::string relative;
  long long value;
};

constexpr std::size_t kMaxTargetLength = 1024;

std::optional<Relative> match_relative(std::string_view target) {
  if (target.size() > kMaxTargetLength)
    throw RevisionError(fmt::format(
        "Revision target of {} characters is too long (at most {}); give a revision id, a "
        "label or a relative step such as +1",
        target.size(), kMaxTargetLength));
  static const std::regex pattern(R"(^(?:(.+?)@)?(\w+)?((?:\+|-)\d+))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(target.begin(), target.end(), m, pattern)) return std::nullopt;
  Relative relative;
  if (m[1].matched) relative.branch_label = m[1].str();
  if (m[2].matched) relative.symbol = m[2].str();
  relative.relative = m[3].str();
  relative.value = *python_int(relative.relative);
  return relative;
}

std::string didnt_produce(std::string_view relative, long long value) {
  return fmt::format(
      "Relative revision {} didn't produce {} migrations; there are not that many revisions "
      "in that direction (see `history`)",
      relative, value < 0 ? -value : value);
}

constexpr const char* kAmbiguousUpgrade =
    "Ambiguous upgrade from multiple current revisions; qualify the step with a branch "
    "(label@+1) or name the revision to go to";

constexpr const char* kWalkedTooFar =
    "Walked too far: the relative target goes beyond the first or last revision; use a "
    "smaller step (see `history`)";

}  // namespace

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

bool VersionTable::has(int r) const { return contains(rows, r); }

void VersionTable::insert(int r) {
  if (has(r))
    throw RevisionError(fmt::format(
        "Cannot insert {} into the version table: it is already there; the table's rows "
        "contradict each other, inspect it and fix it with `stamp --purge`",
        graph->id(r)));
  rows.push_back(r);
  if (log) log->push_back({VersionTableChange::Kind::insert, {}, graph->id(r)});
}

void VersionTable::remove(int r) {
  auto at = std::find(rows.begin(), rows.end(), r);
  if (at == rows.end())
    throw RevisionError(fmt::format(
        "Cannot delete {} from the version table: it is not there; the table's rows "
        "contradict the revision graph, inspect it and fix it with `stamp --purge`",
        graph->id(r)));
  rows.erase(at);
  if (log) log->push_back({VersionTableChange::Kind::remove, graph->id(r), {}});
}

void VersionTable::update(int from, int to) {
  auto at = std::find(rows.begin(), rows.end(), from);
  if (at == rows.end() || has(to))
    throw RevisionError(fmt::format(
        "Cannot move version table row {} to {}: the table's rows contradict the revision "
        "graph, inspect it and fix it with `stamp --purge`",
        graph->id(from), graph->id(to)));
  *at = to;
  if (log) log->push_back({VersionTableChange::Kind::update, graph->id(from), graph->id(to)});
}

const std::vector<char>& VersionTable::implied_by(std::vector<int> others, const Walker& walker) {
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

// --- resolving identifiers --------------------------------------------------

Walker::Resolved Walker::resolve_number(std::optional<std::string_view> id) const {
  Resolved resolved;
  if (id) {
    if (auto at = id->find('@'); at != std::string_view::npos) {
      resolved.branch_label = std::string(id->substr(0, at));
      id = id->substr(at + 1);
    }
  }
  if (id == "heads") {
    if (!resolved.branch_label.empty()) {
      for (int r : filter_for_lineage(g_.heads, resolved.branch_label)) resolved.ids.push_back(g_.id(r));
    } else {
      for (int r : g_.real_heads) resolved.ids.push_back(g_.id(r));
    }
  } else if (id == "head") {
    int head = current_head(resolved.branch_label);
    if (head != kNone) resolved.ids.push_back(g_.id(head));
  } else if (id && *id != "base") {
    resolved.ids.emplace_back(*id);
  }
  return resolved;
}

int Walker::current_head(const std::string& branch_label) const {
  std::vector<int> heads = g_.heads;
  if (!branch_label.empty()) heads = filter_for_lineage(heads, branch_label);
  if (heads.size() > 1) {
    std::vector<std::string> names;
    for (int r : heads) names.push_back(g_.id(r));
    throw MultipleHeadsFailure(names, branch_label.empty() ? "head" : branch_label + "@head");
  }
  return heads.empty() ? kNone : heads.front();
}

std::vector<int> Walker::get_revisions(std::string_view id) const {
  Resolved resolved = resolve_number(id);
  if (resolved.ids.size() == 1) {
    if (auto steps = python_int(resolved.ids.front()); steps && *steps < 0) {
      std::vector<int> out;
      for (int head : get_revisions("heads")) {
        if (!resolved.branch_label.empty()) {
          const auto& labels = g_.at(head).labels;
          if (std::find(labels.begin(), labels.end(), resolved.branch_label) == labels.end()) continue;
        }
        out.push_back(walk(head, *steps, {}, true));
      }
      return out;
    }
  }
  std::vector<int> out;
  for (const std::string& ident : resolved.ids) out.push_back(revision_for_ident(ident, resolved.branch_label));
  return out;
}

std::vector<int> Walker::get_revisions(std::span<const std::string> ids) const {
  std::vector<int> out;
  for (const std::string& id : ids) {
    std::vector<int> part = get_revisions(id);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

int Walker::get_revision(std::optional<std::string_view> id) const {
  Resolved resolved = resolve_number(id);
  if (resolved.ids.size() > 1) throw MultipleHeadsFailure(resolved.ids, std::string(id.value_or("")));
  std::optional<std::string_view> ident;
  if (!resolved.ids.empty()) ident = resolved.ids.front();
  return revision_for_ident(ident, resolved.branch_label);
}

int Walker::resolve_branch(std::string_view label) const {
  if (auto found = g_.keys.find(std::string(label)); found != g_.keys.end()) return found->second;
  try {
    return revision_for_ident(label);
  } catch (const ResolutionFailure&) {
    throw ResolutionFailure(fmt::format("No such branch: '{}'", label), std::string(label));
  }
}

int Walker::revision_for_ident(std::optional<std::string_view> ident, const std::string& check_branch) const {
  int branch_rev = check_branch.empty() ? kNone : resolve_branch(check_branch);
  int revision = kNone;
  if (ident) {
    if (auto found = g_.keys.find(std::string(*ident)); found != g_.keys.end()) {
      revision = found->second;
    } else {
      // A partial id: keys longer than three characters that start with it.
      std::vector<PrefixKey> matches;
      auto first = std::lower_bound(g_.prefix_keys.begin(), g_.prefix_keys.end(), *ident,
                                    [](const PrefixKey& k, std::string_view v) { return k.key < v; });
      for (auto it = first; it != g_.prefix_keys.end() && std::string_view(it->key).starts_with(*ident); ++it)
        matches.push_back(*it);
      std::sort(matches.begin(), matches.end(),
                [](const PrefixKey& a, const PrefixKey& b) { return a.order < b.order; });
      if (branch_rev != kNone && !matches.empty()) {
        std::vector<int> revs;
        for (const PrefixKey& m : matches) revs.push_back(m.revision);
        std::vector<int> kept = filter_for_lineage(revs, check_branch);
        std::erase_if(matches, [&](const PrefixKey& m) { return !contains(kept, m.revision); });
      }
      if (matches.empty())
        throw ResolutionFailure(
            fmt::format("No such revision or branch '{}'{}", *ident,
                        ident->size() < 4 ? "; please ensure at least four characters are present "
                                            "for partial revision identifier matches"
                                          : ""),
            std::string(*ident));
      if (matches.size() > 1) {
        std::vector<std::string> shown;
        for (std::size_t i = 0; i < matches.size() && i < 3; ++i) shown.push_back("'" + matches[i].key + "'");
        throw ResolutionFailure(fmt::format("Multiple revisions start with '{}': {}...; give more "
                                            "characters of the revision id",
                                            *ident, fmt::join(shown, ", ")),
                                std::string(*ident));
      }
      revision = matches.front().revision;
    }
  }
  if (!check_branch.empty() && revision != kNone) {
    const int against[] = {branch_rev};
    if (!shares_lineage(revision, against, false))
      throw ResolutionFailure(
          fmt::format("Revision {} is not a member of branch '{}'", g_.id(revision), check_branch),
          std::string(ident.value_or("")));
  }
  return revision;
}

bool Walker::shares_lineage(int target, std::span<const int> against, bool include_dependencies) const {
  if (against.empty()) return true;
  // Alembic looks the marker up as the name "base", which no revision has.
  if (target == kBaseMark) throw ResolutionFailure("No such revision or branch 'base'", "base");
  if (target < 0) throw RevisionError(kWalkedTooFar);
  const int self[] = {target};
  for (int r : descendants(self, include_dependencies))
    if (contains(against, r)) return true;
  for (int r : ancestors(self, include_dependencies))
    if (contains(against, r)) return true;
  return false;
}

std::vector<int> Walker::filter_for_lineage(std::span<const int> targets, std::string_view check_against,
                                            bool include_dependencies) const {
  if (targets.empty()) return {};
  Resolved resolved = resolve_number(check_against);
  std::vector<int> shares;
  if (!resolved.branch_label.empty()) shares.push_back(revision_for_ident(resolved.branch_label));
  for (const std::string& id : resolved.ids) shares.push_back(revision_for_ident(id));
  bool no_shares = resolved.branch_label.empty() && resolved.ids.empty();
  std::vector<int> out;
  for (int target : targets)
    if (no_shares || shares_lineage(target, shares, include_dependencies)) out.push_back(target);
  return out;
}

int Walker::walk(int start, long long steps, const std::string& branch_label, bool no_overwalk) const {
  int initial = start;
  const long long count = steps < 0 ? -steps : steps;
  for (long long i = 0; i < count; ++i) {
    std::vector<int> children;
    if (steps > 0) {
      if (initial == kBaseMark) initial = kNone;
      const std::vector<int>& up = initial == kNone ? g_.bases : g_.at(initial).next;
      children = branch_label.empty() ? up : filter_for_lineage(up, branch_label);
    } else if (initial != kBaseMark) {
      children = initial == kNone ? g_.heads : g_.at(initial).down;
      if (children.empty()) children = {kBaseMark};
    }
    if (children.empty()) return no_overwalk ? kNone : initial;
    if (children.size() > 1)
      throw RevisionError(
          "Ambiguous walk: a relative step crosses a branch point or merge point; name the "
          "revision to go to, or qualify the step with a branch (label@+1)");
    initial = children.front();
  }
  return initial;
}

std::vector<int> Walker::all_current(std::span<const int> current) const {
  std::vector<char> top(static_cast<std::size_t>(g_.size()));
  for (int r : ancestors(current, true)) top[static_cast<std::size_t>(r)] = 1;
  // A revision stays unless one of its children (by down_revision) is in
  // the set too; the whole set is closed under ancestors, so a descendant
  // in the set always means a child in the set.
  std::vector<int> out;
  for (int r = 0; r < g_.size(); ++r) {
    if (!top[static_cast<std::size_t>(r)]) continue;
    const auto& next = g_.at(r).next;
    if (std::none_of(next.begin(), next.end(), [&](int c) { return top[static_cast<std::size_t>(c)] != 0; }))
      out.push_back(r);
  }
  return out;
}

// --- targets ------------------------------------------------------------------

std::pair<std::string, int> Walker::parse_downgrade_target(const Idents& current, std::string_view target,
                                                           bool assert_relative_length) const {
  if (auto match = match_relative(target)) {
    std::string branch_label = match->branch_label.value_or("");
    if (match->value >= 0) {
      if (!match->symbol)
        throw RevisionError(didnt_produce(match->relative, match->value) +
                            "; downgrade needs a target below the current revision, e.g. -1");
      int rev = walk(get_revision(*match->symbol), match->value, branch_label, assert_relative_length);
      if (rev == kNone) throw RevisionError(kWalkedTooFar);
      return {branch_label, rev};
    }
    const bool relative_to_current = !match->symbol;
    std::string symbol = match->symbol.value_or("");
    if (relative_to_current) {
      if (!branch_label.empty()) {
        std::vector<int> rows;
        for (const std::string& row : current) rows.push_back(revision_for_ident(row));
        std::vector<int> on_branch = filter_for_lineage(rows, branch_label);
        if (on_branch.empty()) on_branch = filter_for_lineage(all_current(rows), branch_label);
        if (on_branch.size() != 1)
          throw RevisionError(fmt::format(
              "Relative revision {}@{} needs exactly one current revision on branch '{}', "
              "found {}; name the revision to go to instead",
              branch_label, match->relative, branch_label, on_branch.size()));
        symbol = g_.id(on_branch.front());
      } else {
        if (current.empty())
          throw RevisionError(didnt_produce(match->relative, match->value) +
                              "; the database has no current revision");
        symbol = current.front();
        branch_label = symbol;
      }
    }
    int start = branch_label.empty() ? get_revision(symbol) : get_revision(branch_label + "@" + symbol);
    int rev = walk(start, match->value, {}, assert_relative_length);
    if (rev == kNone)
      throw RevisionError(relative_to_current ? didnt_produce(match->relative, match->value) : kWalkedTooFar);
    return {branch_label, rev};
  }
  // An absolute target: Alembic splits at the last '@' and resolves the
  // part after it on its own.
  std::string branch_label;
  std::string_view symbol = target;
  if (auto at = target.rfind('@'); at != std::string_view::npos) {
    branch_label = std::string(target.substr(0, at));
    symbol = target.substr(at + 1);
  }
  return {branch_label, get_revision(symbol)};
}

std::vector<int> Walker::parse_upgrade_target(const Idents& current, std::string_view target,
                                              bool assert_relative_length) const {
  auto match = match_relative(target);
  if (!match) return get_revisions(target);
  std::string branch_label = match->branch_label.value_or("");
  if (match->value > 0) {
    if (match->symbol)
      return {walk(get_revision(*match->symbol), match->value, branch_label, assert_relative_length)};
    // Relative to the database: start from its single current revision
    // (on the branch, when one is named), or from below the bases.
    std::vector<int> start;
    if (current.empty()) {
      start = {kNone};
    } else if (branch_label.empty()) {
      if (current.size() > 1) throw RevisionError(kAmbiguousUpgrade);
      start = {get_revision(current.front())};
    } else {
      start = filter_for_lineage(get_revisions(current), branch_label);
      if (start.empty()) {
        std::vector<int> active = filter_for_lineage(ancestors(get_revisions(current), true), branch_label);
        std::vector<char> below(static_cast<std::size_t>(g_.size()));
        for (int r : active)
          for (int d : g_.at(r).normalized_down) below[static_cast<std::size_t>(d)] = 1;
        for (int r : active)
          if (!below[static_cast<std::size_t>(r)] && !contains(start, r)) start.push_back(r);
        if (start.empty()) start = {kNone};
      }
    }
    if (start.size() > 1) throw RevisionError(kAmbiguousUpgrade);
    int rev = walk(start.front(), match->value, branch_label, assert_relative_length);
    if (rev == kNone) throw RevisionError(didnt_produce(match->relative, match->value));
    return {rev};
  }
  if (!match->symbol)
    throw RevisionError(didnt_produce(std::to_string(match->value), match->value) +
                        "; upgrade needs a target above the current revision, e.g. +1");
  int start = branch_label.empty() ? get_revision(*match->symbol)
                                   : get_revision(branch_label + "@" + *match->symbol);
  return {walk(start, match->value, {}, assert_relative_length)};
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
void Walker::apply_step(VersionTable& table, int revision, bool upgrade) const {
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
