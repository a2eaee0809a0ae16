// Resolving revision targets as Alembic 1.8.1 does (script/revision.py):
// identifiers, prefixes, branch labels, `heads`, `label@head`, relative
// steps (`+2`, `label@-1`, `rev+1`) and the upgrade/downgrade destination
// parsers. The walks they rely on live in walker.cpp.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <fmt/format.h>
#include <regex>

#include "graph.hpp"

namespace retort::graph {

namespace {

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

}  // namespace

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

}  // namespace retort::graph
