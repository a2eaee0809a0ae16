// Compares the applied history with the registry: migrations whose source
// changed after they were applied, and non-transactional steps that never
// finished.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "history_table.hpp"
#include "retort/registry.hpp"
#include "retort/revision_map.hpp"

namespace retort::detail {

class Migrator;

struct ModifiedMigration {
  const Migration* migration;
  std::string recorded;  // the checksum stored when it was applied (or last repaired)
  std::string recorded_at;
};

struct EmptiedTable {
  HistoryRow last_change;
  std::vector<std::string> expected;  // the rows it leaves
};

struct HistoryReport {
  std::vector<ModifiedMigration> modified;
  // Applied revisions the history has no checksum for: applied before the
  // history table existed (for example by Alembic) or stamped past.
  std::vector<std::string> unrecorded;
  std::vector<std::string> checked;  // applied revisions whose checksum matched
  // A non-transactional step that started and did not succeed, with no
  // stamp or repair after it.
  std::optional<HistoryRow> interrupted;
  // Version table rows this build has no migration for (a file deleted or
  // not yet pulled).
  std::vector<std::string> unknown;
  // The version table is empty, but the newest change the history records
  // (an upgrade, or a downgrade to a revision with parents) leaves rows in
  // it: the table was emptied by hand, and running would apply everything
  // again.
  std::optional<EmptiedTable> emptied;
  // Pairs of version table rows where the second is an ancestor of the
  // first: the table holds one row per branch.
  std::vector<std::pair<std::string, std::string>> overlapping;
};

// Every revision the version table rows imply is applied.
std::vector<std::string> applied_revisions(const RevisionMap& map, const std::vector<std::string>& heads);

// Pairs (row, its ancestor) of version table rows.
std::vector<std::pair<std::string, std::string>> overlapping_rows(const RevisionMap& map,
                                                                  const std::vector<std::string>& heads);
std::string overlap_message(const std::string& version_table, const std::pair<std::string, std::string>& rows);

HistoryReport compare_history(const Migrator& migrator, const std::vector<std::string>& heads,
                              const std::vector<HistoryRow>& rows);

// The complete error text for a run refused by `report` (empty when nothing
// is refused). `allow_modified` lets changed migrations through.
std::string refusal(const HistoryReport& report, const Migrator& migrator, const std::string& history_table,
                    bool allow_modified);

}  // namespace retort::detail
