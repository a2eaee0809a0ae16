// The startup API (retort/retort.hpp) on top of the migrator.
#include "retort/retort.hpp"

#include "backend.hpp"
#include "commands.hpp"
#include "migrator.hpp"

namespace retort {

namespace {

struct Session {
  detail::DatabaseUrl url;
  std::unique_ptr<detail::Backend> db;
  detail::Migrator migrator;

  Session(const Registry& registry, std::string_view text, const ConnectionOptions& options)
      : url(detail::DatabaseUrl::parse(text)),
        db(detail::connect(url, detail::ConnectOptions{options.retry_for, "ConnectionOptions::retry_for"})),
        migrator(registry, detail::VersionTable(options.version_table, options.version_table_schema)) {}
};

}  // namespace

UpgradeResult upgrade(const Registry& registry, std::string_view url, std::string_view requested,
                      const UpgradeOptions& options) {
  Session session(registry, url, options);
  const std::string target = session.migrator.upgrade_target(requested, options.log);
  return detail::command::upgrade(*session.db, session.migrator, target,
                                  {options.safety, options.version_table_schema}, options.transaction_mode,
                                  options.log);
}

UpgradeResult downgrade(const Registry& registry, std::string_view url, std::string_view target,
                        const UpgradeOptions& options) {
  Session session(registry, url, options);
  return detail::command::downgrade(*session.db, session.migrator, target,
                                    {options.safety, options.version_table_schema}, options.transaction_mode,
                                    options.log);
}

std::string display_url(std::string_view url) { return detail::DatabaseUrl::parse(url).display; }

Status status(const Registry& registry, std::string_view url, const ConnectionOptions& options) {
  Session session(registry, url, options);
  Status status;
  status.current = session.migrator.current(*session.db);
  status.heads = session.migrator.map().heads();
  status.unknown = session.migrator.unknown(status.current);
  if (status.unknown.empty()) {
    for (const MigrationStep& step : session.migrator.map().upgrade_steps(status.current, "heads")) {
      status.pending.push_back(step.revision);
    }
  }
  status.at_head = status.unknown.empty() && status.pending.empty();
  return status;
}

}  // namespace retort
