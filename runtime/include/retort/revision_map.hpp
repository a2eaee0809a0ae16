// The revision graph and Alembic's rules for walking it: heads, bases,
// revision targets, and the ordered steps of an upgrade or downgrade.
// Pure logic, no database: shared by the runtime, the CLI and retortc.
//
// Behaviour follows Alembic 1.8.1 (script/revision.py, runtime/migration.py):
// the same targets, step order, version-table states and refusals. Where
// Alembic breaks ties by the directory listing order of the version files,
// Retort uses the order of the nodes given to the constructor (for a
// registry: retortc's deterministic topological order, bases first).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.hpp"

namespace retort {

struct Registry;

struct RevisionNode {
  std::string id;
  std::vector<std::string> down_revisions;  // empty for a base revision
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;      // revision ids or branch labels
  std::string message;
};

// One row change of the version table, in the order Alembic's
// HeadMaintainer issues them (used for offline SQL and history).
struct VersionTableChange {
  enum class Kind { insert, remove, update };
  Kind kind;
  std::string from;  // remove, update: the row before
  std::string to;    // insert, update: the row after
};

// One migration to run, and the rows the version table holds afterwards.
// heads_before/heads_after list the rows in table order (an UPDATE keeps a
// row's place, an INSERT appends); compare them as sets.
struct MigrationStep {
  std::string revision;
  bool upgrade;
  std::vector<std::string> heads_before;  // version table before this step
  std::vector<std::string> heads_after;   // version table after this step
  // heads_before -> heads_after, the statements Alembic's HeadMaintainer
  // issues. Where Alembic picks among several rows by Python set order (a
  // merge or unmerge while other branches' rows are present), Retort takes
  // the down revisions in their declared order; the resulting table is the same.
  std::vector<VersionTableChange> changes;
};

// The outcome of `stamp`: the statements and the final table.
struct StampResult {
  std::vector<VersionTableChange> changes;
  std::vector<std::string> heads_after;
};

class RevisionMap {
 public:
  // Throws RevisionError on unknown down revisions / depends_on, duplicate
  // ids or labels, illegal characters ('@', '-', '+') in ids, and cycles.
  // The order of `nodes` is the tie-break order (see above).
  explicit RevisionMap(std::vector<RevisionNode> nodes);
  static RevisionMap from_registry(const Registry& registry);

  const std::vector<RevisionNode>& nodes() const;
  bool contains(std::string_view id) const;           // exact id
  const RevisionNode& get(std::string_view id) const;  // exact id; throws if unknown

  // Heads: revisions no other revision names as down_revision (Alembic's
  // `heads`, what `<name>-migrate heads` prints). Real heads also count
  // depends_on: a revision another one depends on is not a real head
  // (`heads --resolve-dependencies`, and what the target "heads" means).
  std::vector<std::string> heads() const;
  std::vector<std::string> real_heads() const;
  std::vector<std::string> bases() const;  // revisions without down_revision

  // Per-revision facts for `heads`, `branches`, `history` output and retortc.
  bool is_head(std::string_view id) const;
  bool is_real_head(std::string_view id) const;  // no child by down_revision or depends_on
  bool is_base(std::string_view id) const;
  bool is_branch_point(std::string_view id) const;  // > 1 child by down_revision
  bool is_merge_point(std::string_view id) const;   // > 1 down_revision
  std::vector<std::string> next_revisions(std::string_view id) const;  // children, Alembic's `nextrev`
  // Declared labels plus the ones Alembic propagates along the branch
  // (to every descendant and, on an unbranched line, down to the branch point).
  std::vector<std::string> branch_labels(std::string_view id) const;

  // Resolves a target as Alembic's `get_revisions` does (what `show` uses):
  // "head", "heads", "base" (empty result), full ids, branch labels, unique
  // prefixes, "label@head", "label@heads", "label@base", "label@REV",
  // "-N" / "label@-N" (N down from the heads). "current" is the version
  // table `current`. Like Alembic's `show`, it refuses "+N", "REV+N",
  // "REV-N" and "label@+N": those are upgrade/downgrade targets, relative to
  // the database, and upgrade_steps/downgrade_steps resolve them.
  std::vector<std::string> resolve(std::string_view target,
                                   std::span<const std::string> current = {}) const;

  // Steps of `upgrade TARGET` / `downgrade TARGET` from the given version
  // table contents, in Alembic's order. Refuses as Alembic refuses. Pass
  // the rows in the order the database returns them (`downgrade -1` with
  // several rows starts from the first, as Alembic does); a row that is not
  // a revision id of this map is refused before anything is computed.
  std::vector<MigrationStep> upgrade_steps(std::span<const std::string> current,
                                           std::string_view target) const;
  std::vector<MigrationStep> downgrade_steps(std::span<const std::string> current,
                                             std::string_view target) const;

  // Version table contents after `stamp TARGETS` (Alembic's stamp rules;
  // `purge` starts from an empty table).
  std::vector<std::string> stamp(std::span<const std::string> current,
                                 std::span<const std::string> targets, bool purge) const;
  StampResult stamp_changes(std::span<const std::string> current,
                            std::span<const std::string> targets, bool purge) const;

  // Revisions from `upper` down to `lower` in the order `alembic history`
  // prints them (newest first). Accepts Alembic's range endpoints; an
  // endpoint "current" stands for the version table `current` (an empty
  // table means "base" as lower and "heads" as upper, as in Alembic).
  std::vector<const RevisionNode*> history(std::string_view lower = "base",
                                           std::string_view upper = "heads",
                                           std::span<const std::string> current = {}) const;

  // What `alembic current` prints for a version table: the rows plus the
  // depends_on revisions they imply, reduced to branch tips.
  std::vector<std::string> current_heads(std::span<const std::string> current) const;

  // Branch points in `history` order, for `branches`.
  std::vector<std::string> branch_points() const;

  struct Graph;  // index structures, defined in the implementation

 private:
  std::shared_ptr<const Graph> graph_;
};

}  // namespace retort
