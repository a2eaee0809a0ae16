// `<name>-migrate`'s safety flags (lock, history, timeouts) and the
// `verify` and `repair` commands.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "backend.hpp"
#include "retort/safety.hpp"
#include "safety/safeguard.hpp"
#include "migrator.hpp"

namespace retort::cli {

// Flag spellings of SafetyOptions' values, so the flags' defaults are the
// startup API's defaults: "auto", "120s", "0".
std::string lock_mode_flag(LockMode mode);
std::string duration_flag(std::chrono::milliseconds duration);

struct SafetyFlags {
  std::string lock_mode = lock_mode_flag(SafetyOptions{}.lock_mode);
  std::string lock_wait = duration_flag(SafetyOptions{}.lock_wait);
  std::string lease_duration = duration_flag(SafetyOptions{}.lease_duration);
  std::string history_table = SafetyOptions{}.history_table;
  std::string lock_timeout = duration_flag(SafetyOptions{}.lock_timeout);
  std::string statement_timeout = duration_flag(SafetyOptions{}.statement_timeout);
  std::string slow_statement_after = duration_flag(SafetyOptions{}.slow_statement_after);
  std::string slow_statement_every = duration_flag(SafetyOptions{}.slow_statement_every);
  std::vector<std::string> migration_lock_timeouts;       // REV=DURATION
  std::vector<std::string> migration_statement_timeouts;  // REV=DURATION
  bool allow_modified = false;

  // Valid after parsing (the flags are checked by CLI11).
  SafetyOptions options() const;
};

// The global flags (every command that touches the database).
void add_safety_flags(CLI::App& app, SafetyFlags& flags);

// Prints every applied revision with its checksum status; 1 when a migration
// changed or a step was interrupted.
int run_verify(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
               const std::string& schema, const std::string& format);
// Takes the lock and records the current checksums (see Safeguard::repair).
int run_repair(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
               const std::string& schema);
// For `check`: throws when a migration changed (unless --allow-modified) or
// a step was interrupted.
void check_history(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
                   const std::string& schema);

}  // namespace retort::cli
