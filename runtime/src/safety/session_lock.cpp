// PostgreSQL advisory lock, held by a connection of its own: the
// migrations' connection commits, rolls back and may fail without touching
// it, and the server drops it the moment the holder's connection ends, even
// when the process is killed.
//
// Behind a connection pooler (PgBouncer in transaction mode) a session lock
// would stay on a pooled server session after its client is gone, and other
// clients given that session would hold it too. There the lock is taken as
// a transaction lock in a transaction kept open for the whole run, which
// pins one server session to this connection; it ends with the transaction,
// and a pooler closes the server session of a client that leaves in the
// middle of one.
#include <fmt/format.h>
#include <unistd.h>

#include "history_table.hpp"
#include "safety/lock_kinds.hpp"
#include "sql_text.hpp"

namespace retort::detail {

namespace {

class SessionLock final : public MigrationLock {
 public:
  SessionLock(Backend& db, const LockTarget& target, const LeaseTable& leases, const SafetyOptions& options)
      : connection_(connect(db.url(), ConnectOptions{})), key_(target.key) {
    pinned_ = connection_->pooled();
    std::string application = quote_literal(
        fmt::format("retort migration lock on {} (host {}, pid {})", target.shown, this_host(), getpid()));
    if (!pinned_) connection_->execute(fmt::format("SELECT set_config('application_name', {}, false)", application));
    Backoff backoff(options.lock_wait);
    std::vector<Value> key{key_};
    std::optional<std::string> lease;  // a lease that kept the lock from us
    while (true) {
      if (pinned_) {
        // Local settings only: the server session returns to the pool after.
        connection_->begin_with(fmt::format(
            "SET LOCAL idle_in_transaction_session_timeout = 0; SELECT set_config('application_name', {}, true)",
            application));
      }
      Rows taken = connection_->query(pinned_ ? "SELECT pg_try_advisory_xact_lock(?::bigint), pg_backend_pid()"
                                              : "SELECT pg_try_advisory_lock(?::bigint), pg_backend_pid()",
                                      key);
      lease.reset();
      if (first_value(taken) == "t") {
        // A process in lease mode holds the table while its row is live.
        if (lease_table_exists(*connection_, leases)) lease = live_lease(*connection_, leases, target.name);
        if (!lease) {
          server_session_ = taken.rows[0].at(1).value_or("");
          break;
        }
        release();
      } else if (pinned_) {
        connection_->rollback();
      }
      if (backoff.expired()) throw LockError(holder_message(db, target, leases, options, lease));
      backoff.wait();
    }
  }

  // Closing the connection releases a session lock; a pooler keeps the
  // server session, so the transaction holding the lock ends first.
  ~SessionLock() override {
    try {
      if (pinned_ && connection_->in_transaction()) connection_->rollback();
    } catch (const Error&) {
      // The pooler closes the server session of a client gone mid-transaction.
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

  void release() {
    if (pinned_) {
      if (connection_->in_transaction()) connection_->rollback();
    } else {
      connection_->query("SELECT pg_advisory_unlock(?::bigint)", std::vector<Value>{key_});
    }
  }

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
      // Only a pooler that pooled() did not recognise can do this.
      throw LockError(fmt::format(
          "the migration lock's connection to {} now runs on another server session (process {}, the lock was "
          "taken by {}): a connection pooler is between Retort and PostgreSQL, and the lock does not hold there. "
          "{} Use --lock-mode lease (LockMode::lease), or connect past the pooler.",
          connection_->url().display, session, server_session_, outcome));
    }
  }

  LockError lost(const Error& e, std::string_view outcome) const {
    return LockError(fmt::format(
        "the migration lock's own connection was lost ({}), so another process may be migrating now. {} Run "
        "`current` to see where the database is, then run again.",
        e.what(), outcome));
  }

  std::string holder_message(Backend& db, const LockTarget& target, const LeaseTable& leases,
                             const SafetyOptions& options, const std::optional<std::string>& lease) {
    std::string who;
    std::string advice;
    if (lease) {
      who = fmt::format("the lease of {} (a process in --lock-mode lease, row '{}' in {})", *lease, target.name, leases.display);
      advice = fmt::format("a lease whose holder died expires by itself (--lease-duration), or delete its row from {} "
                           "once you are sure that process is gone.",
                           leases.display);
    } else {
      AdvisoryHolder holder = advisory_holder(*connection_, key_);
      who = holder.who;
      advice = fmt::format("or, if that session is stuck, end it with SELECT pg_terminate_backend({}).", holder.pid);
    }
    return fmt::format(
        "waited {} ms for the migration lock of {} on {}, held by {}. Another process is migrating this database; "
        "nothing was run. Wait for it to finish and run again, raise the wait (--lock-wait), {}",
        options.lock_wait.count(), target.shown, db.url().display, who, advice);
  }

  std::unique_ptr<Backend> connection_;
  std::string key_;
  bool pinned_ = false;         // behind a pooler: the lock lives in an open transaction
  std::string server_session_;  // pg_backend_pid() that took the lock
  bool sent_ = false;           // a check is on its way (confirm_begin)
};

}  // namespace

std::unique_ptr<MigrationLock> session_lock(Backend& db, const LockTarget& target, const LeaseTable& leases,
                                            const SafetyOptions& options) {
  return std::make_unique<SessionLock>(db, target, leases, options);
}

}  // namespace retort::detail
