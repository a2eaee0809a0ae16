#include "safety/lock.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "history_table.hpp"
#include "safety/lock_kinds.hpp"
#include "sql/quote.hpp"
#include "sql_text.hpp"

namespace retort::detail {

namespace {

using std::chrono::milliseconds;

// A holder on this machine whose process is gone.
bool dead_on_this_host(const std::string& host, const std::string& pid_text) {
  if (host != this_host() || pid_text.empty()) return false;
  long long pid = std::stoll(pid_text);
  return pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

std::string first_value(const Rows& rows) {
  if (rows.rows.empty() || rows.rows[0].empty() || !rows.rows[0][0]) return {};
  return *rows.rows[0][0];
}

LockTarget resolve_lock_target(Backend& db, const VersionTable& table) {
  if (db.dialect() != SqlDialect::postgresql) return {"retort:" + table.qualified(), "", table.qualified()};
  // current_schema() is where a table named without a schema is created,
  // quoted as VersionTable quotes names (bare when SQL reads it unchanged).
  std::vector<Value> params{!table.schema().empty(), table.qualified(), table.qualified()};
  Rows found = db.query(
      "SELECT t.id, ('x' || substr(md5(current_database() || ':' || t.id), 1, 16))::bit(64)::bigint "
      "FROM (SELECT CASE WHEN ?::boolean THEN ?::text ELSE (SELECT CASE WHEN s ~ '^[a-z_][a-z0-9_]*$' THEN s "
      "ELSE '\"' || replace(s, '\"', '\"\"') || '\"' END FROM coalesce(current_schema(), '') AS s) || '.' || "
      "?::text END AS id) AS t",
      params);
  std::string id = first_value(found);
  return {"retort:" + id, found.rows.at(0).at(1).value_or(""), table.qualified()};
}

LeaseTable::LeaseTable(std::string_view schema)
    : sql(sqltext::quote_qualified_for_any(schema, "retort_lock")),
      display(schema.empty() ? std::string("retort_lock") : fmt::format("{}.retort_lock", schema)) {}

long long epoch_ms() {
  return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool lease_table_exists(Backend& db, const LeaseTable& table) {
  if (db.dialect() != SqlDialect::postgresql) return true;
  return first_value(db.query("SELECT to_regclass(?) IS NOT NULL", std::vector<Value>{table.sql})) == "t";
}

std::optional<std::string> live_lease(Backend& db, const LeaseTable& table, const std::string& name) {
  Rows current = db.query(
      fmt::format("SELECT owner, host, pid, acquired_at, expires_at_ms FROM {} WHERE lock_name = ?", table.sql),
      std::vector<Value>{name});
  if (current.rows.empty()) return std::nullopt;
  const auto& row = current.rows[0];
  std::string host = row[1].value_or(""), pid = row[2].value_or("");
  const long long expires = std::stoll(row[4].value_or("0")), now = epoch_ms();
  if (expires <= now || dead_on_this_host(host, pid)) return std::nullopt;
  return fmt::format("host {} pid {} since {} (lease expires in {} s)", host, pid, row[3].value_or("?"),
                     (expires - now) / 1000);
}

AdvisoryHolder advisory_holder(Backend& db, const std::string& key) {
  Rows holders = db.query(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local socket'), "
      "coalesce(a.usename, ''), coalesce(to_char(a.query_start AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
      "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
      "AND l.classid::bigint = ((?::bigint >> 32) & 4294967295) AND l.objid::bigint = (?::bigint & 4294967295)",
      std::vector<Value>{key, key});
  if (holders.rows.empty()) return {"a session that has ended since", "<pid>"};
  const auto& row = holders.rows[0];
  return {fmt::format("server process {} (application_name '{}', client {}, user {}), holding it since {}",
                      row[0].value_or("?"), row[1].value_or(""), row[2].value_or("?"), row[3].value_or("?"),
                      row[4].value_or("?")),
          row[0].value_or("<pid>")};
}

milliseconds Backoff::remaining() const {
  return std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now()));
}

void Backoff::wait() {
  std::uniform_int_distribution<long long> jitter(delay_.count() / 2, delay_.count());
  auto pause = std::min<Clock::duration>(milliseconds(jitter(random_)), deadline_ - Clock::now());
  if (pause > Clock::duration::zero()) std::this_thread::sleep_for(pause);
  delay_ = std::min(delay_ * 2, milliseconds(1000));
}

namespace {

class NoLock final : public MigrationLock {
 public:
  void confirm(Backend&) override {}
};

}  // namespace

std::unique_ptr<MigrationLock> acquire_migration_lock(Backend& db, const VersionTable& table,
                                                     std::string_view schema, const SafetyOptions& options) {
  LockMode mode = options.lock_mode;
  if (mode == LockMode::automatic) mode = db.dialect() == SqlDialect::postgresql ? LockMode::session : LockMode::lease;
  if (mode == LockMode::session && db.dialect() != SqlDialect::postgresql) {
    throw LockError("--lock-mode session needs PostgreSQL; SQLite uses --lock-mode lease (the default there)");
  }
  if (mode == LockMode::none) return std::make_unique<NoLock>();
  LockTarget target = resolve_lock_target(db, table);
  LeaseTable leases(schema);
  if (mode == LockMode::session) return session_lock(db, target, leases, options);
  return lease_lock(db, target, leases, options);
}

}  // namespace retort::detail
