#include "migrator.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "checksums.hpp"
#include "duration_text.hpp"
#include "graph/range.hpp"
#include "history_table.hpp"
#include "operations/operation_error.hpp"
#include "retort/error.hpp"
#include "statement_listener.hpp"
#include "retort/op.hpp"
#include "sinks.hpp"

namespace retort::detail {

namespace {

// Long statements are cut in messages: the line number finds the rest.
std::string excerpt(std::string_view statement) {
  constexpr std::size_t kMax = 600;
  while (!statement.empty() && std::isspace(static_cast<unsigned char>(statement.front()))) statement.remove_prefix(1);
  while (!statement.empty() && std::isspace(static_cast<unsigned char>(statement.back()))) statement.remove_suffix(1);
  if (statement.size() <= kMax) return std::string(statement);
  return std::string(statement.substr(0, kMax)) + " ...";
}

std::string rows_text(const std::vector<std::string>& rows) {
  return rows.empty() ? std::string("empty (base)") : comma_list(rows);
}

// The listener hears of a step from its start to its end, however it ends.
struct StepHeard {
  StatementListener* listener;
  StepHeard(StatementListener* l, const Migration& m, std::string step) : listener(l) {
    if (listener) listener->step_started(m, std::move(step));
  }
  ~StepHeard() {
    if (listener) listener->step_finished();
  }
  StepHeard(const StepHeard&) = delete;
  StepHeard& operator=(const StepHeard&) = delete;
};

// "840 ms", "12.4 s", "3 min 07 s": how long a step or a run took.
std::vector<std::string> strings(std::span<const std::string_view> views) {
  return {views.begin(), views.end()};
}

void rollback_quietly(Backend& db) {
  try {
    if (db.in_transaction()) db.rollback();
  } catch (const Error&) {
    // The connection is gone; the server rolls back on its own.
  }
}

// A failed CREATE INDEX CONCURRENTLY leaves its index behind, INVALID: not
// used by queries, yet kept up to date on writes and holding the name.
std::string invalid_indexes_note(Backend& db, std::string_view statement) {
  if (db.dialect() != SqlDialect::postgresql) return {};
  std::string upper(statement);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.find("CONCURRENTLY") == std::string::npos) return {};
  std::vector<std::string> names;
  try {
    for (auto& row : db.query("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_index i JOIN pg_class c ON "
                              "c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT "
                              "i.indisvalid ORDER BY 1")
                          .rows) {
      if (row.at(0)) names.push_back(*row[0]);
    }
  } catch (const Error&) {
    return {};  // the connection is gone
  }
  if (names.empty()) return {};
  return fmt::format(
      "\n  PostgreSQL left {} INVALID: a failed CREATE INDEX CONCURRENTLY keeps its index, which queries do not "
      "use but every write still updates. Drop it (`DROP INDEX CONCURRENTLY {}`) before running again.",
      names.size() == 1 ? fmt::format("the index {}", names[0]) : fmt::format("the indexes {}", comma_list(names)),
      names.front());
}

// A bare revision is a range from the database's (offline: the base's) start.
graph::RevisionRange split_range(std::string_view range) {
  return graph::parse_range(range).value_or(graph::RevisionRange{{}, range});
}

}  // namespace

Migrator::Migrator(const Registry& registry, VersionTable table)
    : registry_(registry), map_(RevisionMap::from_registry(registry)), table_(std::move(table)) {
  for (const Migration& m : registry_.migrations) by_id_.emplace(m.id, &m);
}

const Migration& Migrator::migration(std::string_view id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) {
    throw RevisionError(fmt::format("no migration with id '{}' in the set '{}'", id, registry_.name));
  }
  return *it->second;
}

std::vector<std::string> Migrator::unknown(const std::vector<std::string>& heads) const {
  std::vector<std::string> out;
  for (const std::string& head : heads) {
    if (!map_.contains(head)) out.push_back(head);
  }
  return out;
}

std::string Migrator::upgrade_target(std::string_view target, const LogFn& log) const {
  if (target != "head") return std::string(target);
  std::vector<std::string> heads = map_.heads();
  if (heads.size() < 2) return std::string(target);
  // As the build's rule: every head but the main line's is labelled.
  std::vector<std::string> branches;
  std::size_t unlabelled = 0;
  for (const std::string& head : heads) {
    std::vector<std::string> labels = map_.branch_labels(head);
    if (labels.empty() && ++unlabelled > 1) return std::string(target);  // unmerged: Alembic's refusal stands
    branches.push_back(labels.empty() ? head : fmt::format("{} ({})", head, comma_list(labels)));
  }
  if (log) {
    log(fmt::format("the set has {} heads on labelled branches, so `head` means every head: {}", heads.size(),
                    comma_list(branches)));
  }
  return "heads";
}

void Migrator::refuse_unusable(const std::vector<std::string>& heads, const Backend& db) const {
  std::vector<std::string> strangers = unknown(heads);
  if (strangers.empty()) {
    auto overlapping = overlapping_rows(map_, heads);
    if (!overlapping.empty()) throw RevisionError(overlap_message(table_.qualified(), overlapping.front()));
    return;
  }
  throw RevisionError(fmt::format(
      "the database {} is at revision {} (version table {}), which this build of '{}' does not know: no migration "
      "file declares it. The file may have been deleted, or not yet pulled (the code is older than the database). "
      "Nothing "
      "was changed. Restore or pull the file and rebuild, or deploy the build that contains {}; if that revision "
      "was removed on purpose, `stamp` the database to a revision this build has (`stamp --purge REV` replaces "
      "the version table's rows).",
      db.url().display, comma_list(strangers), table_.qualified(), registry_.name,
      strangers.size() == 1 ? "it" : "them"));
}

std::string Migrator::describe(const MigrationStep& step, bool with_message) const {
  const Migration& m = migration(step.revision);
  std::vector<std::string> parents = strings(m.down_revisions);
  std::vector<std::string> self{step.revision};
  const auto& from = step.upgrade ? parents : self;
  const auto& to = step.upgrade ? self : parents;
  std::string text = fmt::format("{} {} -> {}", step.upgrade ? "upgrade" : "downgrade", comma_list(from),
                                 comma_list(to));
  if (with_message && !m.message.empty()) text += fmt::format(", {}", m.message);
  return text;
}

void Migrator::run_body(const MigrationStep& step, StatementSink& sink) const {
  const Migration& m = migration(step.revision);
  if (m.is_sql()) {
    for (const SqlStatement& statement : step.upgrade ? m.upgrade_sql : m.downgrade_sql) {
      sink.run(statement.text, statement.line);
    }
    return;
  }
  MigrationFn fn = step.upgrade ? m.upgrade : m.downgrade;
  if (!fn) {
    throw Error(fmt::format("revision {} has no {}() function; add one to revert it", m.id,
                            step.upgrade ? "upgrade" : "downgrade"));
  }
  Op op(sink);
  fn(op);
}

UpgradeResult Migrator::upgrade(Backend& db, std::string_view target, TransactionMode mode,
                                const LogFn& log) const {
  return upgrade(db, table_.read(db), target, mode, log);
}

UpgradeResult Migrator::downgrade(Backend& db, std::string_view target, TransactionMode mode,
                                  const LogFn& log) const {
  return downgrade(db, table_.read(db), target, mode, log);
}

UpgradeResult Migrator::upgrade(Backend& db, const std::vector<std::string>& heads, std::string_view target,
                                TransactionMode mode, const LogFn& log) const {
  refuse_unusable(heads, db);
  return run_online(db, heads, map_.upgrade_steps(heads, target), mode, log);
}

UpgradeResult Migrator::downgrade(Backend& db, const std::vector<std::string>& heads, std::string_view target,
                                  TransactionMode mode, const LogFn& log) const {
  refuse_unusable(heads, db);
  return run_online(db, heads, map_.downgrade_steps(heads, target), mode, log);
}

UpgradeResult Migrator::run_online(Backend& db, const std::vector<std::string>& heads,
                                   std::vector<MigrationStep> steps, TransactionMode mode,
                                   const LogFn& log) const {
  UpgradeResult result;
  result.heads_before = heads;
  result.heads_after = heads;
  if (steps.empty()) return result;

  // whole_run differs only in not committing between migrations: a
  // non-transactional migration still commits what came before it.
  const bool whole_run = mode == TransactionMode::whole_run;
  const auto run_started = std::chrono::steady_clock::now();
  if (heads.empty()) table_.ensure_exists(db);

  for (const MigrationStep& step : steps) {
    const Migration& m = migration(step.revision);
    if (log) log(fmt::format("Running {}", describe(step)));
    auto started = std::chrono::steady_clock::now();
    StepHeard heard(listener_, m, describe(step, false));
    OnlineSink::Committed committed;  // by an autocommit block, before the failure
    try {
      if (!m.transactional && db.in_transaction()) db.commit();  // nothing may stay open (CONCURRENTLY)
      // BEGIN and the step's settings in one round trip (PostgreSQL).
      std::string prologue = observer_ ? observer_->prologue(db, m, step) : std::string();
      if (m.transactional && !db.in_transaction()) {
        if (whole_run) {
          db.begin_with(prologue);
        } else {
          // PostgreSQL queues BEGIN, the settings and the step's statements
          // and sends them together at the flush() below: one round trip.
          db.begin_deferred(prologue);
        }
      } else if (!prologue.empty()) {
        db.execute(prologue);
      }
      if (observer_) observer_->starting(db, m, step);
      OnlineSink sink(db, m.transactional ? observer_ : nullptr, listener_);
      if (m.transactional) sink.track_committed(&committed);
      run_body(step, sink);
      db.flush();
      // A transactional step on PostgreSQL ends with one round trip: the
      // version-table changes (each checked to match one row), the history
      // row and COMMIT as one simple query. Elsewhere, one statement each.
      const bool batch = m.transactional && db.dialect() == SqlDialect::postgresql;
      std::string closing;
      auto add = [&closing](const std::string& sql) {
        if (sql.empty()) return;
        if (!closing.empty()) closing += "; ";
        closing += sql;
      };
      for (const VersionTableChange& change : step.changes) {
        if (batch) {
          add(table_.checked_change_sql(change));
        } else {
          table_.apply(db, change);
        }
      }
      if (observer_) add(observer_->finished(db, m, step));
      try {
        if (!whole_run && db.in_transaction()) {
          db.commit_with(closing);
        } else if (!closing.empty()) {
          db.execute(closing);
        }
      } catch (const DatabaseError& e) {
        std::string mismatch = VersionTable::mismatch_message(e.what());
        if (mismatch.empty()) throw;
        throw DatabaseError(mismatch);
      }
    } catch (const std::exception& e) {
      rollback_quietly(db);
      const auto* failure = dynamic_cast<const StatementFailure*>(&e);
      unsigned line = failure && failure->line ? failure->line : m.source_line;
      if (const auto* refused = dynamic_cast<const OperationError*>(&e)) line = refused->line;
      std::string now;
      try {
        now = rows_text(table_.read(db));
      } catch (const Error&) {
        now = "unknown (the connection failed; run `current`)";
      }
      std::string message = fmt::format("{}:{}: error: {} of revision {}{} failed: {}", m.source_path, line,
                                        step.upgrade ? "upgrade" : "downgrade", m.id,
                                        m.message.empty() ? "" : fmt::format(" (\"{}\")", m.message),
                                        failure ? failure->database_message : e.what());
      if (failure) message += fmt::format("\n  statement: {}", excerpt(failure->statement));
      if (observer_) message += observer_->failed(db, m, step, failure ? failure->database_message : e.what());
      if (failure) message += invalid_indexes_note(db, failure->statement);
      if (m.transactional && !committed.empty()) {
        message += fmt::format(
            "\n  An autocommit block in this migration committed before the failure, and a rollback does not undo "
            "these {} statement(s), which stay applied:\n    {}\n  Only what ran after the block's last commit "
            "was rolled back; the version table {} is at {}.\n  Inspect the schema, complete or undo those "
            "statements by hand, then run the {} again.",
            committed.size(), fmt::join(committed, "\n    "), table_.qualified(), now,
            step.upgrade ? "upgrade" : "downgrade");
      } else if (m.transactional) {
        message += fmt::format(
            "\n  The transaction was rolled back; the version table {} is at {}.\n  Fix the migration or the "
            "database, then run the {} again.",
            table_.qualified(), now, step.upgrade ? "upgrade" : "downgrade");
      } else {
        message += fmt::format(
            "\n  This migration is not transactional: the statements before the failing one stay applied. The "
            "version table {} is at {}.\n  Inspect the schema, complete or undo those statements by hand, then "
            "run the {} again.",
            table_.qualified(), now, step.upgrade ? "upgrade" : "downgrade");
      }
      throw MigrationError(message);
    }
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (log) log(fmt::format("Finished {} in {}", describe(step, false), duration_text(elapsed)));
    result.heads_after = step.heads_after;
    result.applied.push_back(AppliedStep{step.revision, std::string(m.message), step.upgrade, step.heads_before,
                                         step.heads_after,
                                         std::chrono::duration_cast<std::chrono::milliseconds>(elapsed)});
  }
  if (db.in_transaction()) {
    try {
      db.commit();
    } catch (const Error& e) {
      rollback_quietly(db);
      throw MigrationError(fmt::format(
          "committing the run's transaction failed: {}\n  Nothing of this run was applied (the version table {} "
          "is at {}). Fix the cause and run again.",
          e.what(), table_.qualified(), rows_text(heads)));
    }
  }
  if (log) {
    const std::size_t n = result.applied.size();
    log(fmt::format("{} {} revision{} in {}; the database is at {}", steps.front().upgrade ? "Upgraded" : "Downgraded",
                    n, n == 1 ? "" : "s", duration_text(std::chrono::steady_clock::now() - run_started),
                    rows_text(result.heads_after)));
  }
  return result;
}

std::vector<std::string> Migrator::stamp(Backend& db, const std::vector<std::string>& targets, bool purge,
                                         const LogFn& log) const {
  std::vector<std::string> heads = table_.read(db);
  if (!purge) refuse_unusable(heads, db);
  StampResult stamped = map_.stamp_changes(heads, targets, purge);
  db.begin();
  try {
    table_.ensure_exists(db);
    if (purge) db.execute(fmt::format("DELETE FROM {}", table_.qualified()));
    for (const VersionTableChange& change : stamped.changes) {
      if (log) log(fmt::format("Running stamp_revision {} -> {}", change.from, change.to));
      table_.apply(db, change);
      if (observer_) observer_->stamped(db, change);
    }
    db.commit();
  } catch (const Error& e) {
    rollback_quietly(db);
    throw DatabaseError(fmt::format("stamp failed on {} (version table {}): {}\nNothing was changed.",
                                    db.url().display, table_.qualified(), e.what()));
  }
  return stamped.heads_after;
}

std::vector<std::string> Migrator::range_start(std::string_view start) const {
  if (start.empty()) return {};
  return map_.resolve(start);
}

std::string Migrator::upgrade_sql(SqlDialect dialect, std::string_view range, TransactionMode mode,
                                  const LogFn& log, StatementAnnotator* annotator) const {
  auto [start, target] = split_range(range);
  std::vector<std::string> heads = range_start(start);
  return run_offline(dialect, heads, map_.upgrade_steps(heads, target), mode, log, annotator);
}

std::string Migrator::downgrade_sql(SqlDialect dialect, std::string_view range, TransactionMode mode,
                                    const LogFn& log) const {
  if (!graph::parse_range(range)) {
    throw RevisionError(fmt::format(
        "downgrade with --sql needs a range FROM:TO (for example `downgrade --sql {}:base`): offline, the "
        "database's current revision is not known",
        map_.heads().empty() ? "head" : map_.heads().front()));
  }
  auto [start, target] = split_range(range);
  std::vector<std::string> heads = range_start(start);
  return run_offline(dialect, heads, map_.downgrade_steps(heads, target), mode, log);
}

std::string Migrator::run_offline(SqlDialect dialect, const std::vector<std::string>& heads,
                                  const std::vector<MigrationStep>& steps, TransactionMode mode,
                                  const LogFn& log, StatementAnnotator* annotator) const {
  OfflineSink sink(dialect);
  const bool whole_run = mode == TransactionMode::whole_run;
  std::vector<std::string> rows = heads;
  for (const MigrationStep& step : steps) {
    const Migration& m = migration(step.revision);
    if (!m.transactional && sink.in_transaction()) sink.commit();
    if (m.transactional && !sink.in_transaction()) sink.begin();
    if (rows.empty()) sink.run(table_.create_sql(false), 0);
    if (log) log(fmt::format("Running {}", describe(step)));
    sink.comment(fmt::format("Running {}", describe(step, false)));
    if (annotator) {
      annotator->migration(m);
      sink.annotate(annotator);
    }
    try {
      run_body(step, sink);
      sink.annotate(nullptr);
    } catch (const std::exception& e) {
      const auto* refused = dynamic_cast<const OperationError*>(&e);  // named at the op's line, as online
      throw MigrationError(fmt::format("{}:{}: error: {} of revision {} cannot be written as SQL: {}",
                                       m.source_path, refused ? refused->line : m.source_line,
                                       step.upgrade ? "upgrade" : "downgrade", m.id, e.what()));
    }
    for (const VersionTableChange& change : step.changes) sink.run(table_.change_sql(change), 0);
    rows = step.heads_after;
    if (!whole_run && sink.in_transaction()) sink.commit();
  }
  if (!steps.empty() && rows.empty()) sink.run(table_.drop_sql(), 0);
  if (sink.in_transaction()) sink.commit();
  return sink.script();
}

std::string Migrator::stamp_sql(SqlDialect dialect, const std::vector<std::string>& targets, const LogFn& log) const {
  std::optional<std::string> start;
  std::vector<std::string> destinations;
  for (const std::string& target : targets) {
    auto [from, to] = split_range(target);
    if (graph::parse_range(target)) {
      if (start && *start != from) {
        throw RevisionError(fmt::format(
            "stamp --sql takes one starting revision, got '{}' and '{}'; stamp each range separately", *start,
            from));
      }
      start = std::string(from);
    }
    destinations.emplace_back(to);
  }
  std::vector<std::string> heads = range_start(start.value_or(""));
  StampResult stamped = map_.stamp_changes(heads, destinations, false);
  OfflineSink sink(dialect);
  sink.begin();
  if (heads.empty()) sink.run(table_.create_sql(false), 0);
  for (const VersionTableChange& change : stamped.changes) {
    if (log) log(fmt::format("Running stamp_revision {} -> {}", change.from, change.to));
    sink.run(table_.change_sql(change), 0);
  }
  if (stamped.heads_after.empty()) sink.run(table_.drop_sql(), 0);
  sink.commit();
  return sink.script();
}

}  // namespace retort::detail
