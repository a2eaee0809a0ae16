#include "safety/safeguard.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "migrator.hpp"
#include "timeouts.hpp"

namespace retort::detail {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

Safeguard::Safeguard(Backend& db, const Migrator& migrator, const SafetyOptions& options, std::string_view schema)
    : db_(db),
      migrator_(migrator),
      options_(options),
      schema_(schema),
      history_(options.history_table, schema, migrator.table()) {}

Safeguard::~Safeguard() {
  migrator_.observe(nullptr);
  lock_.reset();
}

std::optional<std::vector<std::string>> Safeguard::prepare(
    GuardedCommand command, const std::function<bool(const std::vector<std::string>&)>& has_work) {
  const bool runs_migrations = command == GuardedCommand::upgrade || command == GuardedCommand::downgrade;
  auto refuse = [&](const HistoryReport& found) {
    std::string why = refusal(found, migrator_, history_.display(),
                              options_.allow_modified || command == GuardedCommand::downgrade);
    if (!why.empty()) throw MigrationError(why);
  };
  if (runs_migrations) {
    auto [heads, found] = snapshot();
    // Unknown rows: the migrator refuses them itself, with its own message.
    if (migrator_.unknown(heads).empty() && !has_work(heads)) {
      refuse(found);
      return heads;
    }
  }
  lock_ = acquire_migration_lock(db_, migrator_.table(), schema_, options_);
  try {
    history_.ensure_exists(db_);
  } catch (const DatabaseError&) {
    history_.ensure_exists(db_);  // another set created it at the same moment
  }
  migrator_.observe(this);
  if (!runs_migrations) return std::nullopt;
  // Again, under the lock: the database may have moved while we waited.
  auto [heads, found] = snapshot();
  refuse(found);
  return heads;
}

std::pair<std::vector<std::string>, HistoryReport> Safeguard::snapshot() {
  if (auto state = history_.read_state(db_, migrator_.table())) {
    return {state->heads, compare_history(migrator_, state->heads, state->rows)};
  }
  std::vector<std::string> heads = migrator_.current(db_);
  return {heads, compare_history(migrator_, heads, history_.read(db_))};
}

HistoryReport Safeguard::report() { return compare_history(migrator_, migrator_.current(db_), history_.read(db_)); }

std::vector<std::string> Safeguard::repair() {
  HistoryReport found = report();
  std::vector<std::string> lines;
  db_.begin();
  try {
    auto record = [&](const std::string& id, std::string line) {
      std::string checksum = migrator_.map().contains(id) ? std::string(migrator_.migration(id).checksum) : "";
      history_.record(db_, HistoryRow{.revision = id, .operation = "repair", .checksum = checksum, .success = true});
      lines.push_back(std::move(line));
    };
    for (const ModifiedMigration& m : found.modified) {
      record(std::string(m.migration->id), fmt::format("{}:{}: revision {}: recorded {} (was {})",
                                                       m.migration->source_path, m.migration->source_line,
                                                       m.migration->id, m.migration->checksum, m.recorded));
    }
    for (const std::string& id : found.unrecorded) {
      record(id, fmt::format("revision {}: recorded {} (applied before the history had its checksum)", id,
                             migrator_.migration(id).checksum));
    }
    if (found.interrupted) {
      record(found.interrupted->revision,
             fmt::format("revision {}: the interrupted {} (history row {}) is marked as resolved",
                         found.interrupted->revision, found.interrupted->operation, found.interrupted->id));
    }
    db_.commit();
  } catch (...) {
    if (db_.in_transaction()) db_.rollback();
    throw;
  }
  return lines;
}

std::string Safeguard::prologue(Backend& db, const Migration& migration, const MigrationStep& step) {
  step_row_ = 0;
  step_migration_ = &migration;
  step_ = &step;
  step_started_ = Clock::now();
  step_started_at_ = history_timestamp();
  if (db.dialect() != SqlDialect::postgresql || !migration.transactional) return {};
  return set_local_timeouts_sql(timeouts_for(options_, migration.id));
}

void Safeguard::starting(Backend& db, const Migration& migration, const MigrationStep& step) {
  // Every step, inside its transaction when it has one (a lease is renewed
  // there). A non-transactional step waits for the answer before its first
  // statement; a transactional one reads it before its commit (finished()).
  if (lock_ && migration.transactional) {
    lock_->confirm_begin(db);
  } else if (lock_) {
    lock_->confirm(db);
  }
  if (migration.transactional) {
    // Its history row is written once by finished(), in the batch that
    // commits; a rollback leaves no row, and failed() records the failure.
    return;
  }
  step_started_ = Clock::now();
  if (db.dialect() == SqlDialect::postgresql) {
    db.set_outside_settings(outside_settings(db, migration));
  }
  // Committed before the first statement: a step interrupted half-way stays
  // "started", which the next run refuses.
  step_row_ = history_.record(db, HistoryRow{.revision = step.revision,
                                             .operation = step.upgrade ? "upgrade" : "downgrade",
                                             .checksum = std::string(migration.checksum),
                                             .transactional = migration.transactional});
}

std::string Safeguard::finished(Backend& db, const Migration& migration, const MigrationStep& step) {
  auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - step_started_);
  if (migration.transactional && step_row_ != 0) {
    // After an autocommit block: its started row is finished in the commit.
    if (lock_) lock_->confirm_end();
    history_.finish(db, step_row_, true, took, "");
    return {};
  }
  if (migration.transactional) {
    if (lock_) lock_->confirm_end();
    return history_.succeeded_sql(db.dialect(),
                                  HistoryRow{.revision = step.revision,
                                             .operation = step.upgrade ? "upgrade" : "downgrade",
                                             .checksum = std::string(migration.checksum),
                                             .transactional = true},
                                  step_started_at_, took);
  }
  history_.finish(db, step_row_, true, took, "");
  if (db.dialect() == SqlDialect::postgresql) db.set_outside_settings({});
  return {};
}

std::string Safeguard::failed(Backend& db, const Migration& migration, const MigrationStep& step,
                              const std::string& error) {
  std::string note = db.dialect() == SqlDialect::postgresql
                         ? timeout_note(timeouts_for(options_, migration.id), migration.id, error)
                         : "";
  if (!migration.transactional || step_row_ != 0) {
    note += fmt::format(
        "\n  The history table {} records this step as failed, so the next run refuses to start until you have "
        "looked: `stamp {}` if you completed it by hand, `repair` if you undid it.",
        history_.display(), step.heads_after.empty() ? "base" : fmt::format("{}", fmt::join(step.heads_after, " ")));
  }
  auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - step_started_);
  try {
    if (step_row_ != 0) {
      history_.finish(db, step_row_, false, took, error);
    } else {
      // The rollback took the step's row with it: record the failure on its own.
      long long id = history_.record(db, HistoryRow{.revision = step.revision,
                                                    .operation = step.upgrade ? "upgrade" : "downgrade",
                                                    .checksum = std::string(migration.checksum),
                                                    .transactional = migration.transactional});
      history_.finish(db, id, false, took, error);
    }
    if (db.dialect() == SqlDialect::postgresql) db.set_outside_settings({});
  } catch (const Error&) {
    // The connection is gone: a non-transactional step stays "started", which
    // the next run reports.
  }
  step_row_ = 0;
  return note;
}

// An autocommit block commits the step's statements so far and runs its own
// outside any transaction: the lock is confirmed before that commit, and a
// new check goes out for the transaction that follows. From the first block
// on, the step is recorded as a non-transactional one: a "started" row
// committed with what came before the block, so that a failure or a crash
// from here on is refused on the next run until someone has looked.
void Safeguard::leaving_transaction(Backend& db) {
  if (lock_) lock_->confirm_end();
  if (!step_migration_ || !step_) return;
  // The block's statements run outside the transaction and its SET LOCAL.
  if (db.dialect() == SqlDialect::postgresql) db.set_outside_settings(outside_settings(db, *step_migration_));
  if (step_row_ != 0) return;
  step_row_ = history_.record(db, HistoryRow{.revision = step_->revision,
                                             .operation = step_->upgrade ? "upgrade" : "downgrade",
                                             .checksum = std::string(step_migration_->checksum),
                                             .transactional = false});
}

void Safeguard::reentered_transaction(Backend& db) {
  if (lock_) lock_->confirm_begin(db);
  if (db.dialect() != SqlDialect::postgresql || !step_migration_) return;
  db.set_outside_settings({});
  db.execute(set_local_timeouts_sql(timeouts_for(options_, step_migration_->id)));
}

// Behind a pooler, timeouts that are off are not sent at all, so that a
// statement that cannot run in a transaction (which is then the only way
// to carry them) can still run; the server's own settings apply to it.
Settings Safeguard::outside_settings(Backend& db, const Migration& migration) const {
  EffectiveTimeouts timeouts = timeouts_for(options_, migration.id);
  const bool off = timeouts.lock_timeout.count() == 0 && timeouts.statement_timeout.count() == 0;
  if (off && db.pooled()) return {};
  return timeout_settings(timeouts);
}

void Safeguard::stamped(Backend& db, const VersionTableChange& change) {
  if (lock_) lock_->confirm(db);
  const std::string& id = change.to.empty() ? change.from : change.to;
  std::string checksum = migrator_.map().contains(id) ? std::string(migrator_.migration(id).checksum) : "";
  history_.record(db, HistoryRow{.revision = id, .operation = "stamp", .checksum = checksum, .success = true});
}

}  // namespace retort::detail
