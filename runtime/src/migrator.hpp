// Applies a registry to a database: Alembic's runtime/migration.py. Shared by
// the startup API (retort.hpp) and `<name>-migrate`.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend.hpp"
#include "retort/registry.hpp"
#include "retort/retort.hpp"
#include "retort/revision_map.hpp"
#include "version_table.hpp"

namespace retort::detail {

class StepObserver;    // history_table.hpp
class StatementListener;  // statement_listener.hpp
class StatementAnnotator;  // sinks.hpp

using LogFn = std::function<void(std::string_view)>;

class Migrator {
 public:
  Migrator(const Registry& registry, VersionTable table);

  const RevisionMap& map() const { return map_; }
  const VersionTable& table() const { return table_; }
  const Migration& migration(std::string_view id) const;
  // Called around every online step and stamp (the history, the lock, the
  // timeouts); null for none. Observing does not change what a run does.
  void observe(StepObserver* observer) const { observer_ = observer; }
  // Told of every online step and statement (to report slow ones, to trace
  // locks); null for none.
  void listen(StatementListener* listener) const { listener_ = listener; }

  // The version table rows (one query).
  std::vector<std::string> current(Backend& db) const { return table_.read(db); }
  // Rows of `heads` this build has no migration for.
  std::vector<std::string> unknown(const std::vector<std::string>& heads) const;
  // Refuses rows no migration declares, and rows that are ancestors of
  // other rows, with what to do.
  void refuse_unusable(const std::vector<std::string>& heads, const Backend& db) const;

  // The upgrade target to use for `target`: "head" where the set has several
  // heads, all but one on labelled branches (the only several heads the
  // build accepts), means "heads", logged, so that the default target of the
  // startup API and `upgrade head` work on such a set. Otherwise `target`.
  std::string upgrade_target(std::string_view target, const LogFn& log) const;

  // Online. Refuse a database at an unknown revision before running anything.
  UpgradeResult upgrade(Backend& db, std::string_view target, TransactionMode mode, const LogFn& log) const;
  UpgradeResult downgrade(Backend& db, std::string_view target, TransactionMode mode, const LogFn& log) const;
  // From version-table rows just read (Safeguard::prepare), without reading
  // them again.
  UpgradeResult upgrade(Backend& db, const std::vector<std::string>& heads, std::string_view target,
                        TransactionMode mode, const LogFn& log) const;
  UpgradeResult downgrade(Backend& db, const std::vector<std::string>& heads, std::string_view target,
                          TransactionMode mode, const LogFn& log) const;
  // Returns the rows afterwards.
  std::vector<std::string> stamp(Backend& db, const std::vector<std::string>& targets, bool purge,
                                 const LogFn& log) const;

  // Offline (`--sql`): the script for `upgrade [A:]B`, `downgrade A:B`,
  // `stamp [A:]B...`. Without A an upgrade or stamp starts from an empty table.
  // `annotator`, when given, comments an upgrade's statements.
  std::string upgrade_sql(SqlDialect dialect, std::string_view range, TransactionMode mode, const LogFn& log,
                          StatementAnnotator* annotator = nullptr) const;
  std::string downgrade_sql(SqlDialect dialect, std::string_view range, TransactionMode mode, const LogFn& log) const;
  std::string stamp_sql(SqlDialect dialect, const std::vector<std::string>& targets, const LogFn& log) const;

  // Alembic's "upgrade a -> b, message" text for a step (the offline
  // script's comment leaves the message out, as Alembic does).
  std::string describe(const MigrationStep& step, bool with_message = true) const;

 private:
  UpgradeResult run_online(Backend& db, const std::vector<std::string>& heads, std::vector<MigrationStep> steps,
                           TransactionMode mode, const LogFn& log) const;
  std::string run_offline(SqlDialect dialect, const std::vector<std::string>& heads,
                          const std::vector<MigrationStep>& steps, TransactionMode mode, const LogFn& log,
                          StatementAnnotator* annotator = nullptr) const;
  void run_body(const MigrationStep& step, StatementSink& sink) const;
  std::vector<std::string> range_start(std::string_view start) const;

  const Registry& registry_;
  RevisionMap map_;
  VersionTable table_;
  std::unordered_map<std::string_view, const Migration*> by_id_;
  mutable StepObserver* observer_ = nullptr;
  mutable StatementListener* listener_ = nullptr;
};

}  // namespace retort::detail
