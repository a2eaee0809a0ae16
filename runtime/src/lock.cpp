#include "lock.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <thread>

#include "migrator.hpp"
#include "sql_text.hpp"
#include "timeouts.hpp"

namespace retort::detail {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string first_value(const Rows& rows) {
  if (rows.rows.empty() || rows.rows[0].empty() || !rows.rows[0][0]) return {};
  return *rows.rows[0][0];
}

// Waits between attempts: doubling from 20 ms to 1 s, with jitter so that
// replicas started together do not retry in lockstep.
class Backoff {
 public:
  explicit Backoff(milliseconds budget) : deadline_(Clock::now() + budget) {}
  bool expired() const { return Clock::now() >= deadline_; }
  milliseconds remaining() const {
    return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now()));
  }
  void wait() {
    std::uniform_int_distribution<long long> jitter(delay_.count() / 2, delay_.count());
    auto pause = std::min<Clock::duration>(milliseconds(jitter(random_)), deadline_ - Clock::now());
    if (pause > Clock::duration::zero()) std::this_thread::sleep_for(pause);
    delay_ = std::min(delay_ * 2, milliseconds(1000));
  }

 private:
  Clock::time_point deadline_;
  milliseconds delay_{20};
  std::minstd_rand random_{std::random_device{}()};
};

std::string lock_name(const VersionTable& table) { return "retort:" + table.qualified(); }

// ---- PostgreSQL session advisory lock ---------------------------------------

// Held by a connection of its own: the migrations' connection commits, rolls
// back and may fail without touching the lock, and the server drops the lock
// the moment the holder's connection ends, even when the process is killed.
class SessionLock final : public MigrationLock {
 public:
  SessionLock(Backend& db, const VersionTable& table, const SafetyOptions& options)
      : connection_(connect(db.url(), ConnectOptions{})) {
    std::vector<Value> identity{table.qualified()};
    // Derived on the server from the database name and the version table, so
    // two sets in one database do not block each other.
    key_ = first_value(connection_->query(
        "SELECT ('x' || substr(md5(current_database() || ':' || ?), 1, 16))::bit(64)::bigint", identity));
    std::vector<Value> application{fmt::format("retort migration lock on {} (host {}, pid {})", table.qualified(),
                                               this_host(), getpid())};
    connection_->query("SELECT set_config('application_name', ?, false)", application);
    Backoff backoff(options.lock_wait);
    std::vector<Value> key{key_};
    while (true) {
      Rows taken = connection_->query("SELECT pg_try_advisory_lock(?::bigint), pg_backend_pid()", key);
      if (first_value(taken) == "t") {
        server_session_ = taken.rows[0].at(1).value_or("");
        break;
      }
      if (backoff.expired()) throw LockError(holder_message(db, table, options));
      backoff.wait();
    }
  }

  void confirm(Backend& db) override {
    confirm_begin(db);
    check_session(kStoppedBefore);
  }

  // The check goes out on the lock's connection and the step runs meanwhile
  // on its own: no round trip is waited for.
  void confirm_begin(Backend&) override {
    try {
      connection_->send("SELECT pg_backend_pid()");
      sent_ = true;
    } catch (const Error& e) {
      throw lost(e, kStoppedBefore);
    }
  }

  void confirm_end() override {
    if (sent_) check_session(kRolledBack);
  }

 private:
  static constexpr std::string_view kStoppedBefore = "Stopped before the next migration.";
  static constexpr std::string_view kRolledBack = "This migration was rolled back and nothing after it ran.";

  void check_session(std::string_view outcome) {
    sent_ = false;
    std::string session;
    try {
      session = first_value(connection_->receive());
      // Answered at the step's start; the server may have ended the session
      // while the step ran. Ask again only when it has said something since.
      if (connection_->may_have_ended()) session = first_value(connection_->query("SELECT pg_backend_pid()", {}));
    } catch (const Error& e) {
      throw lost(e, outcome);
    }
    if (session != server_session_) {
      throw LockError(fmt::format(
          "the migration lock's connection to {} now runs on another server session (process {}, the lock was "
          "taken by {}): a pooler in transaction mode, such as PgBouncer with pool_mode = transaction, is between "
          "Retort and PostgreSQL, and a session advisory lock does not hold there. {} Use --lock-mode lease "
          "(LockMode::lease), or connect past the pooler.",
          connection_->url().display, session, server_session_, outcome));
    }
  }

  LockError lost(const Error& e, std::string_view outcome) const {
    return LockError(fmt::format(
        "the migration lock's own connection was lost ({}), so another process may be migrating now. {} Run "
        "`current` to see where the database is, then run again.",
        e.what(), outcome));
  }

  std::string holder_message(Backend& db, const VersionTable& table, const SafetyOptions& options) {
    std::vector<Value> key{key_};
    Rows holders = connection_->query(
        "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'), "
        "coalesce(a.usename, ''), coalesce(to_char(a.query_start AT TIME ZONE 'UTC', "
        "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.classid::bigint = ((?::bigint >> 32) & 4294967295) AND l.objid::bigint = (?::bigint & 4294967295)",
        std::vector<Value>{key_, key_});
    std::string who = "a session that has ended since";
    std::string pid = "<pid>";  // the holder's server process, when it is still there
    if (!holders.rows.empty()) {
      const auto& row = holders.rows[0];
      who = fmt::format("server process {} (application_name '{}', client {}, user {}), holding it since {}",
                        row[0].value_or("?"), row[1].value_or(""), row[2].value_or("?"), row[3].value_or("?"),
                        row[4].value_or("?"));
      if (row[0]) pid = *row[0];
    }
    return fmt::format(
        "waited {} ms for the migration lock of {} on {}, held by {}. Another process is migrating this database; "
        "nothing was run. Wait for it to finish and run again, raise the wait (--lock-wait), or, if that session "
        "is stuck, end it with SELECT pg_terminate_backend({}).",
        options.lock_wait.count(), table.qualified(), db.url().display, who, pid);
  }

  std::unique_ptr<Backend> connection_;
  std::string key_;
  std::string server_session_;  // pg_backend_pid() that took the lock
  bool sent_ = false;           // a check is on its way (confirm_begin)
};

// ---- lease: a row with an expiry in the lock table ----------------------------

long long epoch_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A holder on this machine whose process is gone.
bool dead_on_this_host(const std::string& host, const std::string& pid_text) {
  if (host != this_host() || pid_text.empty()) return false;
  long long pid = std::stoll(pid_text);
  return pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Works wherever a transaction does: through PgBouncer's transaction pooling
// (session state such as advisory locks does not survive there) and on
// SQLite, where the row is written under BEGIN IMMEDIATE.
class LeaseLock final : public MigrationLock {
 public:
  LeaseLock(Backend& db, const VersionTable& table, std::string_view schema, const SafetyOptions& options)
      : db_(db),
        table_(schema.empty() ? std::string("retort_lock")
                              : quote_identifier(schema) + "." + quote_identifier("retort_lock")),
        display_(schema.empty() ? std::string("retort_lock") : fmt::format("{}.retort_lock", schema)),
        name_(lock_name(table)),
        owner_(fmt::format("{}:{}:{:x}", this_host(), getpid(), std::random_device{}())),
        duration_(options.lease_duration) {
    Backoff backoff(options.lock_wait);
    std::string holder;
    // One attempt may wait for another writer no longer than the deadline.
    struct BusyWait {
      Backend& db;
      ~BusyWait() { db.set_busy_wait(std::chrono::milliseconds::max()); }
    } restore{db};
    while (db.set_busy_wait(backoff.remaining()), !try_acquire(holder)) {
      if (backoff.expired()) {
        throw LockError(fmt::format(
            "waited {} ms for the migration lease of {} on {} (lock table {}), held by {}. Another process is "
            "migrating this database; nothing was run. Wait for it and run again, raise the wait (--lock-wait); "
            "a lease whose holder died expires by itself (--lease-duration), or delete its row from {} once you "
            "are sure that process is gone.",
            options.lock_wait.count(), table.qualified(), db.url().display, display_, holder, display_));
      }
      backoff.wait();
    }
  }

  ~LeaseLock() override {
    try {
      if (db_.in_transaction()) db_.rollback();
      db_.execute(fmt::format("DELETE FROM {} WHERE lock_name = ? AND owner = ?", table_),
                  std::vector<Value>{name_, owner_});
    } catch (const Error&) {
      // The lease expires by itself.
    }
  }

  void confirm(Backend& db) override {
    db.execute(fmt::format("UPDATE {} SET expires_at_ms = ? WHERE lock_name = ? AND owner = ?", table_),
               std::vector<Value>{epoch_ms() + duration_.count(), name_, owner_});
    if (db.affected_rows() != 1) {
      throw LockError(fmt::format(
          "this process no longer holds the migration lease {} in {} (it expired after {} ms and another process "
          "took it); stopped before the next migration. Raise --lease-duration above the longest migration, "
          "then run `current` and run again.",
          name_, display_, duration_.count()));
    }
  }

 private:
  bool try_acquire(std::string& holder) {
    try {
      const bool pg = db_.dialect() == Dialect::postgresql;
      if (pg) {
        db_.begin();
        // Serialises the attempts (and the CREATE) for one transaction only.
        db_.query("SELECT pg_advisory_xact_lock(hashtext(?))", std::vector<Value>{name_});
      } else {
        db_.execute("BEGIN IMMEDIATE");
      }
      db_.execute(fmt::format(
          "CREATE TABLE IF NOT EXISTS {} (lock_name VARCHAR(300) PRIMARY KEY, owner VARCHAR(300) NOT NULL, "
          "host VARCHAR(255) NOT NULL, pid BIGINT NOT NULL, acquired_at VARCHAR(40) NOT NULL, "
          "expires_at_ms BIGINT NOT NULL)",
          table_));
      Rows current = db_.query(
          fmt::format("SELECT owner, host, pid, acquired_at, expires_at_ms FROM {} WHERE lock_name = ?", table_),
          std::vector<Value>{name_});
      const long long now = epoch_ms();
      bool free = current.rows.empty();
      if (!free) {
        const auto& row = current.rows[0];
        std::string host = row[1].value_or(""), pid = row[2].value_or("");
        long long expires = std::stoll(row[4].value_or("0"));
        free = expires <= now || dead_on_this_host(host, pid);
        holder = fmt::format("host {} pid {} since {} (lease expires in {} s)", host, pid, row[3].value_or("?"),
                             std::max(0LL, (expires - now) / 1000));
      }
      if (free) {
        db_.execute(fmt::format("DELETE FROM {} WHERE lock_name = ?", table_), std::vector<Value>{name_});
        db_.execute(fmt::format("INSERT INTO {} (lock_name, owner, host, pid, acquired_at, expires_at_ms) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                table_),
                    std::vector<Value>{name_, owner_, this_host(), static_cast<std::int64_t>(getpid()),
                                       history_timestamp(), now + duration_.count()});
      }
      db_.commit();
      return free;
    } catch (const DatabaseError& e) {
      if (db_.in_transaction()) db_.rollback();
      // On SQLite only a busy database is another process: a read-only file,
      // a full disk or an I/O error is reported at once, as itself.
      if (db_.dialect() == Dialect::sqlite && !dynamic_cast<const BusyError*>(&e)) {
        throw LockError(fmt::format(
            "could not write the migration lease {} in {} on {}: {}. This is not another process migrating: "
            "check that the database file and its directory are writable by this user and that the disk has "
            "room; nothing was run.",
            name_, display_, db_.url().display, e.what()));
      }
      // SQLite busy beyond the wait, or a PostgreSQL serialisation failure: try again.
      holder = fmt::format("a writer that kept the database busy ({})", e.what());
      return false;
    }
  }

  Backend& db_;
  std::string table_;
  std::string display_;
  std::string name_;
  std::string owner_;
  milliseconds duration_;
};

class NoLock final : public MigrationLock {
 public:
  void confirm(Backend&) override {}
};

}  // namespace

std::unique_ptr<MigrationLock> acquire_migration_lock(Backend& db, const VersionTable& table,
                                                     std::string_view schema, const SafetyOptions& options) {
  LockMode mode = options.lock_mode;
  if (mode == LockMode::automatic) mode = db.dialect() == Dialect::postgresql ? LockMode::session : LockMode::lease;
  if (mode == LockMode::session && db.dialect() != Dialect::postgresql) {
    throw LockError("--lock-mode session needs PostgreSQL; SQLite uses --lock-mode lease (the default there)");
  }
  switch (mode) {
    case LockMode::session:
      return std::make_unique<SessionLock>(db, table, options);
    case LockMode::lease:
      return std::make_unique<LeaseLock>(db, table, schema, options);
    case LockMode::none:
    case LockMode::automatic:
      break;
  }
  return std::make_unique<NoLock>();
}

// ---- Safeguard ----------------------------------------------------------------

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
  if (db.dialect() != Dialect::postgresql || !migration.transactional) return {};
  return set_timeouts_sql(timeouts_for(options_, migration.id), true);
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
  if (db.dialect() == Dialect::postgresql) {
    db.execute(set_timeouts_sql(timeouts_for(options_, migration.id), db.in_transaction()));
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
  if (db.dialect() == Dialect::postgresql) db.execute(kResetTimeoutsSql);
  return {};
}

std::string Safeguard::failed(Backend& db, const Migration& migration, const MigrationStep& step,
                              const std::string& error) {
  std::string note = db.dialect() == Dialect::postgresql
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
      if (db.dialect() == Dialect::postgresql && !migration.transactional) db.execute(kResetTimeoutsSql);
    } else {
      // The rollback took the step's row with it: record the failure on its own.
      long long id = history_.record(db, HistoryRow{.revision = step.revision,
                                                    .operation = step.upgrade ? "upgrade" : "downgrade",
                                                    .checksum = std::string(migration.checksum),
                                                    .transactional = migration.transactional});
      history_.finish(db, id, false, took, error);
    }
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
  if (step_row_ != 0 || !step_migration_ || !step_) return;
  step_row_ = history_.record(db, HistoryRow{.revision = step_->revision,
                                             .operation = step_->upgrade ? "upgrade" : "downgrade",
                                             .checksum = std::string(step_migration_->checksum),
                                             .transactional = false});
}

void Safeguard::reentered_transaction(Backend& db) {
  if (lock_) lock_->confirm_begin(db);
}

void Safeguard::stamped(Backend& db, const VersionTableChange& change) {
  if (lock_) lock_->confirm(db);
  const std::string& id = change.to.empty() ? change.from : change.to;
  std::string checksum = migrator_.map().contains(id) ? std::string(migrator_.migration(id).checksum) : "";
  history_.record(db, HistoryRow{.revision = id, .operation = "stamp", .checksum = checksum, .success = true});
}

}  // namespace retort::detail
