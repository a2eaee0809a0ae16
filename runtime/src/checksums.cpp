#include "checksums.hpp"

#include <fmt/format.h>

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

HistoryReport compare_history(const Migrator& migrator, const std::vector<std::string>& heads,
                              const std::vector<HistoryRow>& rows) {
  std::map<std::string, const HistoryRow*, std::less<>> baseline;
  std::optional<HistoryRow> interrupted;
  for (const HistoryRow& row : rows) {
    const bool succeeded = row.success.value_or(false);
    const bool resolves = row.operation == "stamp" || row.operation == "repair";
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
  for (const std::string& id : applied_revisions(migrator.map(), heads)) {
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
