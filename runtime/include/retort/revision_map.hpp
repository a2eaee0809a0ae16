// The revision graph and Alembic's rules for walking it: heads, bases,
// revision targets, and the ordered steps of an upgrade or downgrade.
// Pure logic, no database: shared by the runtime, the CLI and retortc.
#pragma once

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
  std::vector<std::string> depends_on;
  std::string message;
};

// One migration to run, and the rows the version table holds afterwards.
struct MigrationStep {
  std::string revision;
  bool upgrade;
  std::vector<std::string> heads_before;  // version table before this step
  std::vector<std::string> heads_after;   // version table after this step
};

class RevisionMap {
 public:
  // Throws RevisionError on unknown down revisions / depends_on, duplicate
  // ids or labels, and cycles.
  explicit RevisionMap(std::vector<RevisionNode> nodes);
  static RevisionMap from_registry(const Registry& registry);

  const std::vector<RevisionNode>& nodes() const { return nodes_; }
  const RevisionNode& get(std::string_view id) const;  // exact id; throws if unknown

  std::vector<std::string> heads() const;
  std::vector<std::string> bases() const;

  // Resolves a target as Alembic does: "head", "heads", "base", full ids,
  // unique prefixes, "label@head", "label@base", "+N", "-N", "REV+N",
  // "REV-N", "label@+N", "current". `current` is the version table.
  std::vector<std::string> resolve(std::string_view target,
                                   std::span<const std::string> current = {}) const;

  // Steps of `upgrade TARGET` / `downgrade TARGET` from the given version
  // table contents, in Alembic's order. Refuses as Alembic refuses.
  std::vector<MigrationStep> upgrade_steps(std::span<const std::string> current,
                                           std::string_view target) const;
  std::vector<MigrationStep> downgrade_steps(std::span<const std::string> current,
                                             std::string_view target) const;

  // Version table contents after `stamp TARGETS` (Alembic's stamp rules;
  // `purge` starts from an empty table).
  std::vector<std::string> stamp(std::span<const std::string> current,
                                 std::span<const std::string> targets, bool purge) const;

  // Revisions from `upper` down to `lower` in the order `alembic history`
  // prints them (newest first). Accepts Alembic's range endpoints.
  std::vector<const RevisionNode*> history(std::string_view lower = "base",
                                           std::string_view upper = "heads") const;

 private:
  std::vector<RevisionNode> nodes_;
};

}  // namespace retort
