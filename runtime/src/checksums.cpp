#include "checksums.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "migrator.hpp"

namespace retort::detail {

std::vector<std::string> applied_revisions(const RevisionMap& map, const std::vector<std::string>& heads) {
  std::set<std::string> seen;
  std::vector<std::string> stack(heads.begin(), heads.end());
  std::vector<std::string> out;
  while (!stack.empty()) {
    std::string id = std::move(stack.back());
    stack.pop_back();
    if (!map.contains(id) || !seen.insert(id).second) continue;
    out.push_back(id);
    const RevisionNode& node = map.get(id);
    stack.insert(stack.end(), node.down_revisions.begin(), node.down_revisions.end());
    stack.insert(stack.end(), node.depends_on.begin(), node.depends_on.end());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> overlapping_rows(const RevisionMap& map,
                                                                  const std::vector<std::string>& heads) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& head : heads) {
    if (!map.contains(head)) continue;
    for (const std::string& ancestor : applied_revisions(map, {head})) {
      if (ancestor != head && std::find(heads.begin(), heads.end(), ancestor) != heads.end()) {
        out.emplace_back(head, ancestor);
      }
    }
  }
  return out;
}

std::string overlap_message(const std::string& version_table, const std::pair<std::string, std::string>& rows) {
  const auto& [head, ancestor] = rows;
  return fmt::format(
      "the version table {} has the rows {} and {}, but {} is an ancestor of {}: the table holds one row per "
      "branch, so one of them was written by hand or by a broken tool. Nothing was run. If the database is at {}, "
      "`stamp --purge {}` to keep only that row.",
      version_table, head, ancestor, ancestor, head, head, head);
}

HistoryReport compare_history(const Migrator& migrator, const std::vector<std::string>& heads,
                              const std::vector<HistoryRow>& rows) {
  std::map<std::string, const HistoryRow*, std::less<>> baseline;
  const HistoryRow* last_change = nullptr;  // the newest successful upgrade, downgrade or stamp
  std::optional<HistoryRow> interrupted;
  for (const HistoryRow& row : rows) {
    const bool succeeded = row.success.value_or(false);
    const bool resolves = row.operation == "stamp" || row.operation == "repair";
    if (succeeded && row.operation != "repair" && (!last_change || row.id > last_change->id)) last_change = &row;
    if (succeeded) {
      if (row.operation == "downgrade") {
        baseline.erase(row.revision);
      } else if (!row.checksum.empty()) {
        baseline[row.revision] = &row;
      }
      if (resolves || (interrupted && interrupted->revision == row.revision)) interrupted.reset();
    } else if (!row.transactional && (row.operation == "upgrade" || row.operation == "downgrade")) {
      interrupted = row;
    }
  }

  HistoryReport report;
  report.interrupted = std::move(interrupted);
  report.unknown = migrator.unknown(heads);
  // An upgrade leaves its revision in the table, a downgrade its parents; a
  // stamp may have emptied it (a human decided).
  if (heads.empty() && last_change && last_change->operation != "stamp") {
    std::vector<std::string> left;
    if (last_change->operation == "upgrade") {
      left.push_back(last_change->revision);
    } else if (migrator.map().contains(last_change->revision)) {
      left = migrator.map().get(last_change->revision).down_revisions;
    }
    if (!left.empty()) report.emptied = EmptiedTable{*last_change, std::move(left)};
  }
  std::vector<std::string> applied = applied_revisions(migrator.map(), heads);
  report.overlapping = overlapping_rows(migrator.map(), heads);
  if (!report.unknown.empty()) {
    // The unknown row hides its ancestors: check those the history records.
    for (const auto& [id, row] : baseline) {
      if (migrator.map().contains(id) && std::find(applied.begin(), applied.end(), id) == applied.end()) {
        applied.push_back(id);
      }
    }
  }
  for (const std::string& id : applied) {
    auto recorded = baseline.find(id);
    const Migration& migration = migrator.migration(id);
    if (recorded == baseline.end()) {
      report.unrecorded.push_back(id);
    } else if (!migration.matches_checksum(recorded->second->checksum)) {
      report.modified.push_back({&migration, recorded->second->checksum, recorded->second->started_at});
    } else {
      report.checked.push_back(id);
    }
  }
  return report;
}

std::string refusal(const HistoryReport& report, const Migrator& migrator, const std::string& history_table,
                    bool allow_modified) {
  if (report.interrupted) {
    const HistoryRow& row = *report.interrupted;
    std::string where;
    if (migrator.map().contains(row.revision)) {
      const Migration& m = migrator.migration(row.revision);
      where = fmt::format("{}:{}: ", m.source_path, m.source_line);
    }
    return fmt::format(
        "{}the non-transactional {} of revision {} started at {} and {} (history table {}, row {}){}.\n  Its "
        "statements before the failure may be applied; nothing was run now. Inspect the schema, then either:\n"
        "  - complete it by hand and `stamp {}` to record it as done, or\n"
        "  - undo its statements by hand and run `repair`, so that the next run applies it again.",
        where, row.operation, row.revision, row.started_at,
        row.success ? "failed" : "never finished (the process was killed or lost its connection)", history_table,
        row.id, row.error.empty() ? "" : fmt::format(": {}", row.error),
        row.operation == "upgrade" ? row.revision : "<the revision the database is at now>");
  }
  if (report.emptied) {
    const HistoryRow& row = report.emptied->last_change;
    const std::string rows = comma_list(report.emptied->expected);
    return fmt::format(
        "the version table {} is empty, but the history table {} says it holds {}: its last change is the {} of "
        "revision {} at {} (row {}). Nothing was run: from an empty version table every migration would run again "
        "on a schema that may already have them. The version table was probably emptied by hand.\n"
        "  - If the schema is at {}, `stamp {}` to restore the version table.\n"
        "  - If the schema really is empty (its objects were dropped), `stamp {}` then `stamp base`: the history "
        "then records that the database is at base, and the next upgrade applies everything.",
        migrator.table().qualified(), history_table, rows, row.operation, row.revision, row.started_at, row.id,
        rows, fmt::join(report.emptied->expected, " "), fmt::join(report.emptied->expected, " "));
  }
  if (!report.overlapping.empty()) return overlap_message(migrator.table().qualified(), report.overlapping.front());
  if (report.modified.empty() || allow_modified) return {};
  std::string text = fmt::format("{} applied migration(s) changed since they were applied; nothing was run:",
                                 report.modified.size());
  for (const ModifiedMigration& m : report.modified) {
    text += fmt::format("\n  {}:{}: revision {} was applied at {} with {}, its source is now {}",
                        m.migration->source_path, m.migration->source_line, m.migration->id, m.recorded_at,
                        m.recorded, m.migration->checksum);
  }
  text +=
      "\n  A migration that already ran is not run again, so the edit never reaches this database. Revert the "
      "edit and put the change in a new revision; or, if the edit changes nothing the database sees (a comment, "
      "formatting), run `repair` to record the new checksums, or pass --allow-modified for this run.";
  return text;
}

}  // namespace retort::detail
