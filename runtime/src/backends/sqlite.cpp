// SQLite through the sqlite3 C API. SQLite DDL is transactional, so the
// migrator can use the same transaction layout as on PostgreSQL.
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "backend.hpp"
#include "retort/error.hpp"

namespace retort::detail {

namespace {

// Waits this long for another writer before SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 30000;

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql, const char** tail) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, tail);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  int prepare_status() const { return rc_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(const DatabaseUrl& url) : url_(url) {
    int rc = sqlite3_open_v2(url.target.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
      sqlite3_close(db_);
      throw ConnectionError(fmt::format(
          "could not open the SQLite database {} (file '{}'): {}\nCheck that the directory exists and is "
          "writable.",
          url.display, url.target, message));
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  }
  ~SqliteBackend() override { sqlite3_close(db_); }

  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  const DatabaseUrl& url() const override { return url_; }

  void execute(std::string_view sql) override { run_all(sql, {}, nullptr); }
  void execute(std::string_view sql, std::span<const Value> params) override { run_all(sql, params, nullptr); }

  Rows query(std::string_view sql, std::span<const Value> params) override {
    Rows rows;
    run_all(sql, params, &rows);
    return rows;
  }

  long long affected_rows() const override { return affected_rows_; }

  void send(std::string_view sql) override { sent_ = query(sql, {}); }
  Rows receive() override { return std::exchange(sent_, Rows{}); }
  bool may_have_ended() override { return false; }

  void begin() override { execute("BEGIN"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override {
    if (in_transaction()) execute("ROLLBACK");  // SQLite may already have rolled back on error
  }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }
  void set_busy_wait(std::chrono::milliseconds wait) override {
    sqlite3_busy_timeout(db_, static_cast<int>(std::min<long long>(wait.count(), kBusyTimeoutMs)));
  }

 private:
  [[noreturn]] void fail() const {
    std::string message = sqlite3_errmsg(db_);
    if (message.starts_with("no such table")) throw MissingTableError(message);
    const int code = sqlite3_errcode(db_) & 0xff;  // the primary code of an extended one
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) throw BusyError(message);
    throw DatabaseError(message);
  }

  void bind(sqlite3_stmt* stmt, std::span<const Value> params) const {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      throw DatabaseError(fmt::format("the statement has {} '?' placeholders but {} parameters were given",
                                      expected, params.size()));
    }
    for (int i = 0; i < expected; ++i) {
      const Value& value = params[static_cast<std::size_t>(i)];
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(stmt, i + 1);
            else if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(stmt, i + 1, v);
            else if constexpr (std::is_same_v<T, double>) return sqlite3_bind_double(stmt, i + 1, v);
            else if constexpr (std::is_same_v<T, bool>) return sqlite3_bind_int(stmt, i + 1, v ? 1 : 0);
            else return sqlite3_bind_text(stmt, i + 1, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
          },
          value);
      if (rc != SQLITE_OK) fail();
    }
  }

  // Runs every statement of `sql`; parameters go to the first one, rows of
  // the first one that returns any go to `rows`.
  void run_all(std::string_view sql, std::span<const Value> params, Rows* rows) {
    const char* cursor = sql.data();
    const char* end = sql.data() + sql.size();
    bool first = true;
    affected_rows_ = 0;
    while (cursor < end) {
      const char* tail = nullptr;
      Statement stmt(db_, std::string_view(cursor, static_cast<std::size_t>(end - cursor)), &tail);
      if (stmt.prepare_status() != SQLITE_OK) fail();
      cursor = tail;
      if (!stmt.get()) continue;  // whitespace or a comment
      if (first) bind(stmt.get(), params);
      first = false;
      int columns = sqlite3_column_count(stmt.get());
      bool collect = rows && rows->columns.empty() && columns > 0;
      if (collect) {
        for (int c = 0; c < columns; ++c) rows->columns.emplace_back(sqlite3_column_name(stmt.get(), c));
      }
      int rc;
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        if (!collect) continue;
        auto& row = rows->rows.emplace_back();
        for (int c = 0; c < columns; ++c) {
          const unsigned char* text = sqlite3_column_text(stmt.get(), c);
          row.push_back(text ? std::optional<std::string>(reinterpret_cast<const char*>(text)) : std::nullopt);
        }
      }
      if (rc != SQLITE_DONE) fail();
      affected_rows_ += sqlite3_changes(db_);
    }
    if (first && !params.empty()) {
      throw DatabaseError(fmt::format("{} parameters were given to an empty statement", params.size()));
    }
  }

  DatabaseUrl url_;
  sqlite3* db_ = nullptr;
  long long affected_rows_ = 0;
  Rows sent_;
};

}  // namespace

std::unique_ptr<Backend> connect_sqlite(const DatabaseUrl& url) { return std::make_unique<SqliteBackend>(url); }

}  // namespace retort::detail
