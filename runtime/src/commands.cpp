#include "commands.hpp"

#include <mutex>

#include "safety/safeguard.hpp"
#include "safety/statement_watch.hpp"

namespace retort::detail::command {

namespace {

UpgradeResult run(Backend& db, const Migrator& migrator, std::string_view target, const Guard& options,
                  TransactionMode mode, const LogFn& caller_log, bool up, StatementListener* listener = nullptr) {
  // The watch logs from its own thread: one line at a time.
  std::mutex log_mutex;
  LogFn log;
  if (caller_log) {
    log = [&](std::string_view line) {
      std::lock_guard lock(log_mutex);
      caller_log(line);
    };
  }
  Safeguard guard(db, migrator, options.safety, options.version_table_schema);
  auto start = guard.prepare(up ? GuardedCommand::upgrade : GuardedCommand::downgrade,
                             [&](const std::vector<std::string>& heads) {
                               migrator.refuse_unusable(heads, db);
                               const RevisionMap& map = migrator.map();
                               return !(up ? map.upgrade_steps(heads, target) : map.downgrade_steps(heads, target))
                                           .empty();
                             });
  StatementWatch watch(db, options.safety.slow_statement_after, options.safety.slow_statement_every, log);
  migrator.listen(listener ? listener : &watch);
  struct Unlisten {
    const Migrator& migrator;
    ~Unlisten() { migrator.listen(nullptr); }
  } unlisten{migrator};
  return up ? migrator.upgrade(db, start.value(), target, mode, log)
            : migrator.downgrade(db, start.value(), target, mode, log);
}

}  // namespace

UpgradeResult upgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                      TransactionMode mode, const LogFn& log) {
  return run(db, migrator, target, guard, mode, log, true);
}

UpgradeResult upgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                      TransactionMode mode, StatementListener& listener, const LogFn& log) {
  return run(db, migrator, target, guard, mode, log, true, &listener);
}

UpgradeResult downgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                        TransactionMode mode, const LogFn& log) {
  return run(db, migrator, target, guard, mode, log, false);
}

void stamp(Backend& db, const Migrator& migrator, const std::vector<std::string>& targets, bool purge,
           const Guard& options, const LogFn& log) {
  Safeguard guard(db, migrator, options.safety, options.version_table_schema);
  guard.prepare(GuardedCommand::stamp, {});
  migrator.stamp(db, targets, purge, log);
}

}  // namespace retort::detail::command
