#include "history_table.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "retort/error.hpp"
#include "sql/quote.hpp"
#include "sql_text.hpp"

namespace retort::detail {

namespace {

std::string os_user() {
  if (const passwd* entry = getpwuid(geteuid())) return entry->pw_name;
  return std::to_string(geteuid());
}

bool truthy(const std::string& text) { return text == "t" || text == "true" || text == "1"; }

}  // namespace

std::string history_timestamp() {
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", seconds, millis);
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

HistoryTable::HistoryTable(std::string name, std::string_view schema, const VersionTable& version_table)
    : name_(std::move(name)), set_(version_table.qualified()) {
  if (name_.empty()) throw Error("the history table name is empty; give a name such as retort_history");
  qualified_ = sqltext::quote_qualified_for_any(schema, name_);
  display_ = schema.empty() ? name_ : fmt::format("{}.{}", schema, name_);
}

void HistoryTable::ensure_exists(Backend& db) const {
  const bool pg = db.dialect() == SqlDialect::postgresql;
  db.execute(fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (\n"
      "    id {},\n"
      "    version_table VARCHAR(300) NOT NULL,\n"
      "    revision VARCHAR(32) NOT NULL,\n"
      "    operation VARCHAR(16) NOT NULL,\n"
      "    checksum VARCHAR(100),\n"
      "    transactional BOOLEAN NOT NULL,\n"
      "    success BOOLEAN,\n"
      "    started_at {} NOT NULL,\n"
      "    finished_at {},\n"
      "    duration_ms BIGINT,\n"
      "    db_user VARCHAR(128),\n"
      "    client_host VARCHAR(255),\n"
      "    error TEXT\n"
      ")",
      qualified_, pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY", pg ? "TIMESTAMP WITH TIME ZONE" : "TEXT",
      pg ? "TIMESTAMP WITH TIME ZONE" : "TEXT"));
}

namespace {

HistoryRow history_row(const std::vector<std::optional<std::string>>& row, std::size_t first) {
  HistoryRow h;
  h.id = std::stoll(row.at(first).value_or("0"));
  h.revision = row.at(first + 1).value_or("");
  h.operation = row.at(first + 2).value_or("");
  h.checksum = row.at(first + 3).value_or("");
  h.transactional = truthy(row.at(first + 4).value_or("1"));
  if (row.at(first + 5)) h.success = truthy(*row[first + 5]);
  h.started_at = row.at(first + 6).value_or("");
  h.error = row.at(first + 7).value_or("");
  return h;
}

}  // namespace

std::vector<HistoryRow> HistoryTable::read(Backend& db) const {
  Rows rows;
  std::vector<Value> params{set_};
  try {
    rows = db.query(fmt::format("SELECT id, revision, operation, checksum, transactional, success, started_at, error "
                                "FROM {} WHERE version_table = ? ORDER BY id",
                                qualified_),
                    params);
  } catch (const MissingTableError&) {
    return {};
  }
  std::vector<HistoryRow> out;
  for (const auto& row : rows.rows) out.push_back(history_row(row, 0));
  return out;
}

std::optional<HistoryTable::State> HistoryTable::read_state(Backend& db, const VersionTable& version_table) const {
  // compare_history() replays the rows in order: a successful downgrade
  // clears a revision's checksum, a successful other row with a checksum sets
  // it; a non-transactional upgrade/downgrade that did not succeed is
  // interrupted until a later successful stamp or repair (any revision) or a
  // later success of the same revision; and the newest successful upgrade,
  // downgrade or stamp says what an empty version table should hold. The
  // three history parts below are exactly the rows that decide that outcome.
  const std::string columns = "id, revision, operation, checksum, transactional, success, started_at, error";
  std::string sql = fmt::format(
      "SELECT 'v', NULL, version_num, NULL, NULL, NULL, NULL, NULL, NULL FROM {version}\n"
      "UNION ALL\n"
      "SELECT 'h', {columns} FROM {history} WHERE id IN (\n"
      "  SELECT max(id) FROM {history} WHERE version_table = ? AND success AND "
      "(operation = 'downgrade' OR (checksum IS NOT NULL AND checksum <> '')) GROUP BY revision)\n"
      "UNION ALL\n"
      "SELECT 'h', {columns} FROM {history} x WHERE x.id = (\n"
      "  SELECT max(id) FROM {history} WHERE version_table = ? AND (success IS NULL OR NOT success) AND NOT "
      "transactional AND operation IN ('upgrade', 'downgrade'))\n"
      "  AND NOT EXISTS (SELECT 1 FROM {history} y WHERE y.version_table = x.version_table AND y.id > x.id AND "
      "y.success AND (y.operation IN ('stamp', 'repair') OR y.revision = x.revision))\n"
      "UNION ALL\n"
      "SELECT 'h', {columns} FROM {history} WHERE id = (\n"
      "  SELECT max(id) FROM {history} WHERE version_table = ? AND success AND operation IN ('upgrade', "
      "'downgrade', 'stamp'))",
      fmt::arg("version", version_table.qualified()), fmt::arg("history", qualified_), fmt::arg("columns", columns));
  std::vector<Value> params{set_, set_, set_};
  Rows rows;
  try {
    rows = db.query(sql, params);
  } catch (const DatabaseError&) {
    return std::nullopt;  // a table is missing (first run) or unreadable: the callers' reads say which
  }
  State state;
  for (const auto& row : rows.rows) {
    if (row.at(0).value_or("") == "v") {
      if (row.at(2)) state.heads.push_back(*row[2]);
    } else {
      state.rows.push_back(history_row(row, 1));
    }
  }
  std::sort(state.rows.begin(), state.rows.end(),
            [](const HistoryRow& a, const HistoryRow& b) { return a.id < b.id; });
  // The newest change may also be its revision's newest row: keep it once.
  state.rows.erase(std::unique(state.rows.begin(), state.rows.end(),
                               [](const HistoryRow& a, const HistoryRow& b) { return a.id == b.id; }),
                   state.rows.end());
  return state;
}

long long HistoryTable::record(Backend& db, const HistoryRow& row) const {
  const bool pg = db.dialect() == SqlDialect::postgresql;
  std::string now = history_timestamp();
  std::vector<Value> params{set_,
                            row.revision,
                            row.operation,
                            row.checksum.empty() ? Value(nullptr) : Value(row.checksum),
                            row.transactional,
                            row.success ? Value(*row.success) : Value(nullptr),
                            now,
                            row.success ? Value(now) : Value(nullptr),
                            row.success ? Value(std::int64_t{0}) : Value(nullptr),
                            this_host(),
                            row.error.empty() ? Value(nullptr) : Value(row.error)};
  if (!pg) params.insert(params.begin() + 9, os_user());
  Rows inserted = db.query(
      fmt::format("INSERT INTO {} (version_table, revision, operation, checksum, transactional, success, started_at, "
                  "finished_at, duration_ms, db_user, client_host, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {}, ?, ?) "
                  "RETURNING id",
                  qualified_, pg ? "current_user" : "?"),
      params);
  if (inserted.rows.empty() || !inserted.rows[0].at(0)) {
    throw DatabaseError(fmt::format("inserting into the history table {} returned no id", qualified_));
  }
  return std::stoll(*inserted.rows[0][0]);
}

std::string HistoryTable::succeeded_sql(SqlDialect dialect, const HistoryRow& row, const std::string& started_at,
                                        std::chrono::milliseconds duration) const {
  const bool pg = dialect == SqlDialect::postgresql;
  std::vector<Value> params{set_,
                            row.revision,
                            row.operation,
                            row.checksum.empty() ? Value(nullptr) : Value(row.checksum),
                            row.transactional,
                            true,
                            started_at,
                            history_timestamp(),
                            static_cast<std::int64_t>(duration.count()),
                            this_host(),
                            Value(nullptr)};
  if (!pg) params.insert(params.begin() + 9, os_user());
  return inline_parameters(
      fmt::format("INSERT INTO {} (version_table, revision, operation, checksum, transactional, success, started_at, "
                  "finished_at, duration_ms, db_user, client_host, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {}, ?, ?)",
                  qualified_, pg ? "current_user" : "?"),
      params, dialect);
}

void HistoryTable::finish(Backend& db, long long id, bool success, std::chrono::milliseconds duration,
                          const std::string& error) const {
  std::vector<Value> params{success, history_timestamp(), static_cast<std::int64_t>(duration.count()),
                            error.empty() ? Value(nullptr) : Value(error), static_cast<std::int64_t>(id)};
  db.execute(fmt::format("UPDATE {} SET success = ?, finished_at = ?, duration_ms = ?, error = ? WHERE id = ?",
                         qualified_),
             params);
}

}  // namespace retort::detail
