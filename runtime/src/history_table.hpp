// The applied history (`retort_history`): one row per applied, reverted,
// stamped or repaired step, with the migration's checksum at that moment.
// Rows of several migration sets may share the table; each row names its
// set's version table.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/registry.hpp"
#include "retort/revision_map.hpp"
#include "version_table.hpp"

namespace retort::detail {

struct HistoryRow {
  long long id = 0;
  std::string revision;
  std::string operation;  // upgrade, downgrade, stamp, repair
  std::string checksum;   // empty when unknown
  bool transactional = true;
  std::optional<bool> success;  // empty: started and never finished
  std::string started_at;
  std::string error;
};

// UTC, ISO 8601, milliseconds: comparable as text in both dialects.
std::string history_timestamp();
// This machine's name, recorded as the client host.
std::string this_host();

class HistoryTable {
 public:
  // `name` is created in the version table's schema.
  HistoryTable(std::string name, std::string_view schema, const VersionTable& version_table);

  // Quoted, for SQL.
  const std::string& qualified() const { return qualified_; }
  // schema.name as the user wrote it, for messages.
  const std::string& display() const { return display_; }

  void ensure_exists(Backend& db) const;
  // Rows of this set, oldest first; empty when the table does not exist.
  std::vector<HistoryRow> read(Backend& db) const;

  // One query: the version table's rows and, of this set's history, only the
  // rows compare_history() needs (oldest first): per revision the newest
  // successful row that sets or clears its checksum, and the newest
  // non-transactional step that did not succeed if no row resolved it since.
  // compare_history() gives the same report from these as from read().
  // Empty when either table is missing or the query fails: read them apart.
  struct State {
    std::vector<std::string> heads;
    std::vector<HistoryRow> rows;
  };
  std::optional<State> read_state(Backend& db, const VersionTable& version_table) const;

  // Inserts a row (finished unless `success` is empty) and returns its id.
  long long record(Backend& db, const HistoryRow& row) const;
  void finish(Backend& db, long long id, bool success, std::chrono::milliseconds duration,
              const std::string& error) const;
  // The INSERT of a finished, successful row (parameters inlined), for a
  // transactional step: written once, after its statements, in the batch that
  // commits it. `started_at` from history_timestamp() when the step began.
  std::string succeeded_sql(SqlDialect dialect, const HistoryRow& row, const std::string& started_at,
                            std::chrono::milliseconds duration) const;

 private:
  std::string name_;
  std::string qualified_;
  std::string display_;
  std::string set_;  // the version table's qualified name
};

// Called by the migrator around every step (see Migrator::observe).
class StepObserver {
 public:
  virtual ~StepObserver() = default;
  // Before a transactional step's BEGIN: statements to run right after it,
  // sent with BEGIN as one query (PostgreSQL); empty for none.
  virtual std::string prologue(Backend& db, const Migration& migration, const MigrationStep& step) = 0;
  // After the step's transaction is open (or, for a non-transactional
  // migration, with none open), before its first statement.
  virtual void starting(Backend& db, const Migration& migration, const MigrationStep& step) = 0;
  // After its statements and version-table changes, before its commit.
  // Returns statements to run in its transaction before the commit (sent
  // with the COMMIT as one query on PostgreSQL); empty for none.
  virtual std::string finished(Backend& db, const Migration& migration, const MigrationStep& step) = 0;
  // After the rollback of a failed step; returns text to add to the error.
  virtual std::string failed(Backend& db, const Migration& migration, const MigrationStep& step,
                             const std::string& error) = 0;
  // Inside a stamp's transaction, once per version-table change.
  virtual void stamped(Backend& db, const VersionTableChange& change) = 0;
  // Around an autocommit block inside a transactional step: before the
  // commit of what came before it, and once the next transaction is open.
  virtual void leaving_transaction(Backend& db) = 0;
  virtual void reentered_transaction(Backend& db) = 0;
};

}  // namespace retort::detail
