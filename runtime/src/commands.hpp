// The verbs that change a database, written once for the startup API
// (retort.cpp) and `<name>-migrate` (cli/cli.cpp): take the lock when there
// is work, check the history under it, then run from the rows just read.
// Alembic's command.py: one function per verb.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backend.hpp"
#include "migrator.hpp"
#include "retort/safety.hpp"
#include "statement_listener.hpp"

namespace retort::detail::command {

struct Guard {
  const SafetyOptions& safety;
  std::string_view version_table_schema;  // where the history and lease tables live too
};

UpgradeResult upgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                      TransactionMode mode, const LogFn& log);
// The same, with `listener` hearing every step and statement in place of the
// slow-statement watch (`lint --trace`).
UpgradeResult upgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                      TransactionMode mode, StatementListener& listener, const LogFn& log);
UpgradeResult downgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                        TransactionMode mode, const LogFn& log);
void stamp(Backend& db, const Migrator& migrator, const std::vector<std::string>& targets, bool purge,
           const Guard& guard, const LogFn& log);

}  // namespace retort::detail::command
