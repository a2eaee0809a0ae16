// One run at a time per migration set: the migration lock and its kinds
// (a PostgreSQL advisory lock, a lease row in retort_lock).
#pragma once

#include <memory>
#include <string_view>

#include "backend.hpp"
#include "retort/safety.hpp"
#include "version_table.hpp"

namespace retort::detail {

class MigrationLock {
 public:
  virtual ~MigrationLock() = default;
  // Before a step whose statements take effect as they run (a
  // non-transactional migration, a stamp): fails when the lock was lost, so
  // that no step runs without it.
  virtual void confirm(Backend& db) = 0;
  // Around a transaction of a step, inside it: confirm_begin() at its start
  // may send the check to run alongside the statements; confirm_end(), before
  // its commit, fails the step when the lock was lost at the start or its
  // session has ended since, so that nothing commits without it.
  virtual void confirm_begin(Backend& db) { confirm(db); }
  virtual void confirm_end() {}
};

// Waits up to options.lock_wait; throws retort::LockError naming the holder. The
// lock is on the version table the server resolves (a name without a
// schema is the one in current_schema()), and the two kinds exclude each
// other, so processes that spell the table or choose the mode differently
// still take turns.
std::unique_ptr<MigrationLock> acquire_migration_lock(Backend& db, const VersionTable& table,
                                                     std::string_view schema, const SafetyOptions& options);

}  // namespace retort::detail
