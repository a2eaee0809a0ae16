// The startup API: a service migrates its database with one call in main(),
// or checks that it is at head without changing anything.
//
//   auto result = retort::upgrade(app_migrations::registry(), url);
//   for (const auto& step : result.applied) ...
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/error.hpp"
#include "retort/registry.hpp"
#include "retort/safety.hpp"

namespace retort {

enum class TransactionMode {
  per_migration,  // each migration and its version-table update commit together (default)
  whole_run,      // one transaction for the whole run: all or nothing
};

struct ConnectionOptions {
  // Connection failures are retried with backoff for this long (services
  // often start before their database). Zero: a single attempt.
  std::chrono::milliseconds retry_for{30000};
  // The version table: Alembic's layout. Name it "alembic_version" to take
  // over a database that Alembic manages.
  std::string version_table = "retort_version";
  std::string version_table_schema;  // empty: the connection's default schema
};

// One migration that ran.
struct AppliedStep {
  std::string revision;
  std::string message;
  bool upgrade = true;
  std::vector<std::string> heads_before;  // version table rows before and after
  std::vector<std::string> heads_after;
  std::chrono::milliseconds duration{0};
};

struct UpgradeOptions : ConnectionOptions {
  TransactionMode transaction_mode = TransactionMode::per_migration;
  // Called before each migration with Alembic's log text, e.g.
  // "Running upgrade b80c16c4db24 -> 4f2a9c1d7e3b, add webhook_events".
  std::function<void(std::string_view)> log;
  // The migration lock, applied history, checksums and timeouts (safety.hpp).
  SafetyOptions safety;
};

struct UpgradeResult {
  std::vector<std::string> heads_before;  // version table rows before the run
  std::vector<std::string> heads_after;
  std::vector<AppliedStep> applied;  // in the order they ran; empty when nothing was pending
};

// Applies every pending migration up to `target` (any Alembic upgrade
// target: "head", "heads", an id, "+1", "label@head", ...). Throws
// retort::Error subclasses whose what() is the complete message:
// ConnectionError, RevisionError (unknown target, or the database is at a
// revision this build does not know), MigrationError (a migration failed; its
// transaction was rolled back).
UpgradeResult upgrade(const Registry& registry, std::string_view url, std::string_view target = "head",
                      const UpgradeOptions& options = {});

// Reverts migrations down to `target` ("-1", "base", an id, ...).
UpgradeResult downgrade(const Registry& registry, std::string_view url, std::string_view target,
                        const UpgradeOptions& options = {});

struct Status {
  std::vector<std::string> current;   // version table rows
  std::vector<std::string> heads;     // the registry's heads
  std::vector<std::string> pending;   // revisions `upgrade heads` would apply, in order
  std::vector<std::string> unknown;   // rows this build does not know (the database is newer)
  bool at_head = false;               // nothing pending and nothing unknown
};

// `url` with its password replaced by "***", for logs. Throws UrlError for
// a URL Retort cannot use.
std::string display_url(std::string_view url);

// Read-only: one query after connecting. For services that must not migrate
// themselves but must refuse to run against an old schema.
Status status(const Registry& registry, std::string_view url, const ConnectionOptions& options = {});

}  // namespace retort
