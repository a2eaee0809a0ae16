// A row with an expiry in retort_lock. Works wherever a transaction does:
// through PgBouncer's transaction pooling and on SQLite, where the row is
// written under BEGIN IMMEDIATE.
#include <fmt/format.h>
#include <unistd.h>

#include "history_table.hpp"
#include "safety/lock_kinds.hpp"

namespace retort::detail {

namespace {

using std::chrono::milliseconds;

class LeaseLock final : public MigrationLock {
 public:
  LeaseLock(Backend& db, const LockTarget& target, const LeaseTable& leases, const SafetyOptions& options)
      : db_(db),
        leases_(leases),
        target_(target),
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
            options.lock_wait.count(), target_.shown, db.url().display, leases_.display, holder, leases_.display));
      }
      backoff.wait();
    }
  }

  ~LeaseLock() override {
    try {
      if (db_.in_transaction()) db_.rollback();
      db_.execute(fmt::format("DELETE FROM {} WHERE lock_name = ? AND owner = ?", leases_.sql),
                  std::vector<Value>{target_.name, owner_});
    } catch (const Error&) {
      // The lease expires by itself.
    }
  }

  void confirm(Backend& db) override {
    db.execute(fmt::format("UPDATE {} SET expires_at_ms = ? WHERE lock_name = ? AND owner = ?", leases_.sql),
               std::vector<Value>{epoch_ms() + duration_.count(), target_.name, owner_});
    if (db.affected_rows() != 1) {
      throw LockError(fmt::format(
          "this process no longer holds the migration lease {} in {} (it expired after {} ms and another process "
          "took it); stopped before the next migration. Raise --lease-duration above the longest migration, "
          "then run `current` and run again.",
          target_.name, leases_.display, duration_.count()));
    }
  }

 private:
  bool try_acquire(std::string& holder) {
    try {
      const bool pg = db_.dialect() == SqlDialect::postgresql;
      if (pg) {
        db_.begin();
        // The first serialises the attempts (and the CREATE) for this
        // transaction only; the second fails while a process in session
        // mode holds the table's advisory lock.
        Rows locks = db_.query("SELECT pg_advisory_xact_lock(hashtext(?)), pg_try_advisory_xact_lock(?::bigint)",
                               std::vector<Value>{target_.name, target_.key});
        if (locks.rows.at(0).at(1).value_or("") != "t") {
          holder = advisory_holder(db_, target_.key).who + " (a process in --lock-mode session)";
          db_.rollback();
          return false;
        }
      } else {
        db_.execute("BEGIN IMMEDIATE");
      }
      db_.execute(fmt::format(
          "CREATE TABLE IF NOT EXISTS {} (lock_name VARCHAR(300) PRIMARY KEY, owner VARCHAR(300) NOT NULL, "
          "host VARCHAR(255) NOT NULL, pid BIGINT NOT NULL, acquired_at VARCHAR(40) NOT NULL, "
          "expires_at_ms BIGINT NOT NULL)",
          leases_.sql));
      std::optional<std::string> live = live_lease(db_, leases_, target_.name);
      if (live) {
        holder = *live;
      } else {
        db_.execute(fmt::format("DELETE FROM {} WHERE lock_name = ?", leases_.sql), std::vector<Value>{target_.name});
        db_.execute(fmt::format("INSERT INTO {} (lock_name, owner, host, pid, acquired_at, expires_at_ms) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                leases_.sql),
                    std::vector<Value>{target_.name, owner_, this_host(), static_cast<std::int64_t>(getpid()),
                                       history_timestamp(), epoch_ms() + duration_.count()});
      }
      db_.commit();
      return !live;
    } catch (const DatabaseError& e) {
      if (db_.in_transaction()) db_.rollback();
      // On SQLite only a busy database is another process: a read-only file,
      // a full disk or an I/O error is reported at once, as itself.
      if (db_.dialect() == SqlDialect::sqlite && !dynamic_cast<const BusyError*>(&e)) {
        throw LockError(fmt::format(
            "could not write the migration lease {} in {} on {}: {}. This is not another process migrating: "
            "check that the database file and its directory are writable by this user and that the disk has "
            "room; nothing was run.",
            target_.name, leases_.display, db_.url().display, e.what()));
      }
      // SQLite busy beyond the wait, or a PostgreSQL serialisation failure: try again.
      holder = fmt::format("a writer that kept the database busy ({})", e.what());
      return false;
    }
  }

  Backend& db_;
  LeaseTable leases_;
  LockTarget target_;
  std::string owner_;
  milliseconds duration_;
};

}  // namespace

std::unique_ptr<MigrationLock> lease_lock(Backend& db, const LockTarget& target, const LeaseTable& leases,
                                          const SafetyOptions& options) {
  return std::make_unique<LeaseLock>(db, target, leases, options);
}

}  // namespace retort::detail
