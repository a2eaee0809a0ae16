// Internal representation of the revision graph: revisions are indices in
// the order they were given, which is also the tie-break order that replaces
// Alembic's directory listing order.
#pragma once

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "retort/revision_map.hpp"

namespace retort {

namespace graph {

// Alembic passes None for "below every base" and the string "base" for the
// result of walking down past a base; both travel where revisions do.
inline constexpr int kNone = -1;
inline constexpr int kBaseMark = -2;

struct Links {
  std::vector<int> down;             // down_revision (versioned)
  std::vector<int> resolved_deps;    // depends_on, labels resolved
  std::vector<int> normalized_deps;  // minus the ones an ancestor already depends on
  std::vector<int> all_down;         // down + resolved_deps
  std::vector<int> normalized_down;  // down + normalized_deps
  std::vector<int> next;             // children by down_revision
  std::vector<int> all_next;         // children by down_revision or depends_on
  std::vector<std::string> labels;   // declared and propagated branch labels
};

struct PrefixKey {
  std::string key;
  int revision;
  int order;  // Alembic's map order: ids first, then labels
};

// Alembic's exceptions, kept apart so the public entry points can word them
// as Alembic's commands do.
struct ResolutionFailure : RevisionError {
  ResolutionFailure(const std::string& message, std::string argument_)
      : RevisionError(message), argument(std::move(argument_)) {}
  std::string argument;
};

struct MultipleHeadsFailure : RevisionError {
  MultipleHeadsFailure(std::vector<std::string> heads_, std::string argument_);
  std::vector<std::string> heads;
  std::string argument;
};

struct RangeNotAncestor : RevisionError {
  RangeNotAncestor(std::string lower_, std::string upper_);
  std::string lower;
  std::string upper;
};

}  // namespace graph

struct RevisionMap::Graph {
  std::vector<RevisionNode> nodes;
  std::vector<graph::Links> links;
  std::unordered_map<std::string, int> ids;   // exact revision ids
  std::unordered_map<std::string, int> keys;  // ids and declared branch labels
  std::vector<graph::PrefixKey> prefix_keys;  // keys longer than 3 chars, sorted
  std::vector<int> heads, real_heads, bases, real_bases;
  int declared_labels_on_bases = 0;  // Alembic counts a labelled base twice in one place

  int size() const { return static_cast<int>(nodes.size()); }
  const std::string& id(int r) const { return nodes[static_cast<std::size_t>(r)].id; }
  const graph::Links& at(int r) const { return links[static_cast<std::size_t>(r)]; }
};

namespace graph {

inline bool contains(std::span<const int> list, int value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Where Alembic asserts is_revision() after a relative walk.
inline constexpr const char* kWalkedTooFar =
    "Walked too far: the relative target goes beyond the first or last revision; use a "
    "smaller step (see `history`)";

class Walker;

// The version-table rows being rewritten step by step: Alembic's
// HeadMaintainer (the runtime's VersionTable is the real table's SQL).
struct HeadMaintainer {
  std::vector<int> rows;
  std::vector<VersionTableChange>* log = nullptr;
  const RevisionMap::Graph* graph = nullptr;

  bool has(int r) const;
  void insert(int r);
  void remove(int r);
  void update(int from, int to);
  // Revisions the given rows already imply (their ancestors, dependencies
  // included). Kept for the next step: along a branch the other rows stay
  // the same, and a walk per step would make long downgrades quadratic.
  const std::vector<char>& implied_by(std::vector<int> others, const Walker& walker);

 private:
  std::vector<int> implied_rows_;
  std::vector<char> implied_;
};

// Alembic's RevisionMap algorithms over a built graph.
class Walker {
 public:
  explicit Walker(const RevisionMap::Graph& graph) : g_(graph) {}

  struct Resolved {
    std::vector<std::string> ids;
    std::string branch_label;  // empty: none
  };
  // A list of revision identifiers (the version table, or one string).
  using Idents = std::vector<std::string>;

  Resolved resolve_number(std::optional<std::string_view> id) const;
  int current_head(const std::string& branch_label) const;
  std::vector<int> get_revisions(std::string_view id) const;
  std::vector<int> get_revisions(std::span<const std::string> ids) const;
  int get_revision(std::optional<std::string_view> id) const;
  int resolve_branch(std::string_view label) const;
  int revision_for_ident(std::optional<std::string_view> ident,
                         const std::string& check_branch = {}) const;
  bool shares_lineage(int target, std::span<const int> against, bool include_dependencies) const;
  std::vector<int> filter_for_lineage(std::span<const int> targets, std::string_view check_against,
                                      bool include_dependencies = false) const;
  int walk(int start, long long steps, const std::string& branch_label, bool no_overwalk) const;

  std::vector<int> descendants(std::span<const int> targets, bool include_dependencies,
                               bool check = false) const;
  std::vector<int> ancestors(std::span<const int> targets, bool include_dependencies,
                             bool check = false) const;
  std::vector<int> all_current(std::span<const int> current) const;

  std::pair<std::string, int> parse_downgrade_target(const Idents& current, std::string_view target,
                                                     bool assert_relative_length) const;
  std::vector<int> parse_upgrade_target(const Idents& current, std::string_view target,
                                        bool assert_relative_length) const;

  // A range endpoint: one identifier string, or a list of revisions (the
  // version table), as Alembic accepts either.
  struct Bound {
    bool is_string;
    std::string text;
    Idents table;
    std::string describe() const;
  };
  std::pair<std::vector<int>, std::vector<int>> collect_upgrade(const Bound& upper, Bound lower,
                                                                bool inclusive, bool implicit_base,
                                                                bool assert_relative_length) const;
  std::pair<std::vector<int>, std::vector<int>> collect_downgrade(const Idents& upper,
                                                                  std::string_view target,
                                                                  bool assert_relative_length) const;
  std::vector<int> topological_sort(std::span<const int> revisions, std::span<const int> heads) const;

  void apply_step(HeadMaintainer& table, int revision, bool upgrade) const;

 private:
  std::vector<int> require_revisions(std::vector<int> revs) const;
  template <class Next>
  std::vector<int> related(std::span<const int> targets, Next next, bool check) const;

  const RevisionMap::Graph& g_;
};

}  // namespace graph
}  // namespace retort
