// What the session lock and the lease share: what they lock, the lease
// table both read, the wait between attempts.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "safety/lock.hpp"

namespace retort::detail {

// The version table as the server resolves it. `name` keys the lease row
// ("retort:<schema>.<table>"); `key` is the PostgreSQL advisory lock key
// (a bigint, as text; empty on SQLite). A table given with its schema keeps
// the key earlier versions used.
struct LockTarget {
  std::string name;
  std::string key;
  std::string shown;  // the table as spelled, for messages
};
LockTarget resolve_lock_target(Backend& db, const VersionTable& table);

// retort_lock, in the history table's schema.
struct LeaseTable {
  explicit LeaseTable(std::string_view schema);
  std::string sql;      // as written in SQL
  std::string display;  // as shown
};

long long epoch_ms();
// The first column of the first row; empty when there is none or it is NULL.
std::string first_value(const Rows& rows);

// The lease row for `name` when it still excludes others (not expired, its
// holder not a dead process on this host), described for messages; nullopt
// otherwise. Reads a table that exists: see lease_table_exists().
std::optional<std::string> live_lease(Backend& db, const LeaseTable& table, const std::string& name);
bool lease_table_exists(Backend& db, const LeaseTable& table);

// PostgreSQL: who holds the advisory lock `key`, for messages, and that
// process's pid ("<pid>" when it is gone).
struct AdvisoryHolder {
  std::string who;
  std::string pid;
};
AdvisoryHolder advisory_holder(Backend& db, const std::string& key);

// Waits between attempts: doubling from 20 ms to 1 s, with jitter so that
// replicas started together do not retry in lockstep.
class Backoff {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Backoff(std::chrono::milliseconds budget) : deadline_(Clock::now() + budget) {}
  bool expired() const { return Clock::now() >= deadline_; }
  std::chrono::milliseconds remaining() const;
  void wait();

 private:
  Clock::time_point deadline_;
  std::chrono::milliseconds delay_{20};
  std::minstd_rand random_{std::random_device{}()};
};

std::unique_ptr<MigrationLock> session_lock(Backend& db, const LockTarget& target, const LeaseTable& leases,
                                            const SafetyOptions& options);
std::unique_ptr<MigrationLock> lease_lock(Backend& db, const LockTarget& target, const LeaseTable& leases,
                                          const SafetyOptions& options);

}  // namespace retort::detail
