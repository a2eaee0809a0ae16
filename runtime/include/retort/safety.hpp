// What makes it safe to let every replica migrate at startup: one run at a
// time per migration set, an applied history with checksums, and timeouts
// that keep a migration from stalling production traffic behind a lock.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace retort {

enum class LockMode {
  automatic,  // PostgreSQL: session advisory lock; SQLite: lease
  session,    // PostgreSQL session advisory lock on a dedicated connection
  lease,      // a row in the lock table with an expiry: works behind PgBouncer's transaction pooling
  none,       // no lock: only when something else guarantees a single migrator
};

// PostgreSQL timeouts for one migration; zero turns a timeout off.
struct MigrationTimeouts {
  std::optional<std::chrono::milliseconds> lock_timeout;
  std::optional<std::chrono::milliseconds> statement_timeout;
};

struct SafetyOptions {
  LockMode lock_mode = LockMode::automatic;
  // How long to wait for another process's run to finish before failing
  // with an error that names the holder.
  std::chrono::milliseconds lock_wait{120000};
  // Lease mode: how long a lease lasts without renewal (it is renewed before
  // every migration). A lease of a process that died on this host is taken
  // over at once.
  std::chrono::milliseconds lease_duration{300000};

  // The applied history, next to the version table (same schema).
  std::string history_table = "retort_history";
  // Run even though an applied migration's source changed since.
  bool allow_modified = false;

  // PostgreSQL: a migration waiting longer than lock_timeout for a lock is
  // rolled back, so the queries queued behind it are not stalled. Zero: off.
  std::chrono::milliseconds lock_timeout{5000};
  std::chrono::milliseconds statement_timeout{0};
  // Per-revision overrides of the two timeouts above.
  std::map<std::string, MigrationTimeouts, std::less<>> migration_timeouts;

  // Once a statement has run longer than slow_statement_after, the log
  // says every slow_statement_every which step and statement it is, for how
  // long, and on PostgreSQL what the server says it waits for and which
  // sessions block it (asked on a second connection). The log callback is
  // then also called from a second thread, never at the same time as
  // another call. Zero: never.
  std::chrono::milliseconds slow_statement_after{10000};
  std::chrono::milliseconds slow_statement_every{10000};
};

}  // namespace retort
