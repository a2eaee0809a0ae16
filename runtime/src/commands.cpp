#include "commands.hpp"

#include "safety/safeguard.hpp"

namespace retort::detail::command {

namespace {

UpgradeResult run(Backend& db, const Migrator& migrator, std::string_view target, const Guard& options,
                  TransactionMode mode, const LogFn& log, bool up) {
  Safeguard guard(db, migrator, options.safety, options.version_table_schema);
  auto start = guard.prepare(up ? GuardedCommand::upgrade : GuardedCommand::downgrade,
                             [&](const std::vector<std::string>& heads) {
                               migrator.refuse_unusable(heads, db);
                               const RevisionMap& map = migrator.map();
                               return !(up ? map.upgrade_steps(heads, target) : map.downgrade_steps(heads, target))
                                           .empty();
                             });
  return up ? migrator.upgrade(db, start.value(), target, mode, log)
            : migrator.downgrade(db, start.value(), target, mode, log);
}

}  // namespace

UpgradeResult upgrade(Backend& db, const Migrator& migrator, std::string_view target, const Guard& guard,
                      TransactionMode mode, const LogFn& log) {
  return run(db, migrator, target, guard, mode, log, true);
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
