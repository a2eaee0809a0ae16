// The checks and records around a run: takes the migration lock when there
// is work, compares the applied history with the registry, records every
// step, and sets each migration's timeouts.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "checksums.hpp"
#include "history_table.hpp"
#include "retort/safety.hpp"
#include "safety/lock.hpp"

namespace retort::detail {

class Migrator;

enum class GuardedCommand { upgrade, downgrade, stamp, repair };

// Wraps a migrator run: takes the lock when there is work, re-reads the
// version table under it, refuses interrupted steps and (for upgrades)
// changed migrations, and records every step in the history.
class Safeguard final : public StepObserver {
 public:
  Safeguard(Backend& db, const Migrator& migrator, const SafetyOptions& options, std::string_view schema);
  ~Safeguard() override;
  Safeguard(const Safeguard&) = delete;
  Safeguard& operator=(const Safeguard&) = delete;

  // `has_work(heads)`: whether the command would change anything from these
  // version-table rows. Without work no lock is taken (replicas that start
  // at head do not queue), but the checks still apply.
  // For upgrade and downgrade, returns the version table's rows the run must
  // start from (read under the lock when there is work), so that the
  // migrator does not read them again; empty for stamp and repair.
  // At head this is one query: the version table and the history rows the
  // checks need are read together.
  std::optional<std::vector<std::string>> prepare(
      GuardedCommand command, const std::function<bool(const std::vector<std::string>&)>& has_work);

  // Read-only comparison of history and registry (`verify`, `check`).
  HistoryReport report();
  // `repair` (after prepare(repair)): records the current checksum of every
  // changed or unrecorded applied migration and clears an interrupted step.
  // Returns one line per row written.
  std::vector<std::string> repair();

  const HistoryTable& history() const { return history_; }

  std::string prologue(Backend& db, const Migration& migration, const MigrationStep& step) override;
  void starting(Backend& db, const Migration& migration, const MigrationStep& step) override;
  std::string finished(Backend& db, const Migration& migration, const MigrationStep& step) override;
  std::string failed(Backend& db, const Migration& migration, const MigrationStep& step,
                     const std::string& error) override;
  void stamped(Backend& db, const VersionTableChange& change) override;
  void leaving_transaction(Backend& db) override;
  void reentered_transaction(Backend& db) override;

 private:
  // The step's timeouts for statements outside its transaction.
  Settings outside_settings(Backend& db, const Migration& migration) const;
  // The version table's rows and the report, read in one query when both
  // tables exist.
  std::pair<std::vector<std::string>, HistoryReport> snapshot();

  Backend& db_;
  const Migrator& migrator_;
  const SafetyOptions& options_;
  std::string schema_;
  HistoryTable history_;
  std::unique_ptr<MigrationLock> lock_;
  long long step_row_ = 0;  // the step's "started" history row, once written
  const Migration* step_migration_ = nullptr;
  const MigrationStep* step_ = nullptr;
  std::chrono::steady_clock::time_point step_started_;
  std::string step_started_at_;  // history_timestamp() when the step began
};

}  // namespace retort::detail
