#include "history_table.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>

#include "retort/error.hpp"
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
  qualified_ = schema.empty() ? quote_identifier(name_) : quote_identifier(schema) + "." + quote_identifier(name_);
  display_ = schema.empty() ? name_ : fmt::format("{}.{}", schema, name_);
}

void HistoryTable::ensure_exists(Backend& db) const {
  const bool pg = db.dialect() == Dialect::postgresql;
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
  for (const auto& row : rows.rows) {
    HistoryRow h;
    h.id = std::stoll(row.at(0).value_or("0"));
    h.revision = row.at(1).value_or("");
    h.operation = row.at(2).value_or("");
    h.checksum = row.at(3).value_or("");
    h.transactional = truthy(row.at(4).value_or("1"));
    if (row.at(5)) h.success = truthy(*row[5]);
    h.started_at = row.at(6).value_or("");
    h.error = row.at(7).value_or("");
    out.push_back(std::move(h));
  }
  return out;
}

long long HistoryTable::record(Backend& db, const HistoryRow& row) const {
  const bool pg = db.dialect() == Dialect::postgresql;
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

void HistoryTable::finish(Backend& db, long long id, bool success, std::chrono::milliseconds duration,
                          const std::string& error) const {
  std::vector<Value> params{success, history_timestamp(), static_cast<std::int64_t>(duration.count()),
                            error.empty() ? Value(nullptr) : Value(error), static_cast<std::int64_t>(id)};
  db.execute(fmt::format("UPDATE {} SET success = ?, finished_at = ?, duration_ms = ?, error = ? WHERE id = ?",
                         qualified_),
             params);
}

}  // namespace retort::detail
