// Real databases for the operations tests: a fresh PostgreSQL database or an
// SQLite file, an Op whose statements run on it, and the schema read back
// from the catalog as comparable text.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/op.hpp"
#include "statement_sink.hpp"
#include "test_support.hpp"

namespace retort::test {

// Runs each statement on a live Backend and records it: a real execution
// path (the runtime's own backends), with the statements kept so tests can
// compare them with offline output.
class RecordingSink final : public detail::StatementSink {
 public:
  explicit RecordingSink(detail::Backend& db) : db_(db) {}

  SqlDialect dialect() const override { return db_.dialect(); }
  bool offline() const override { return false; }
  void run(std::string_view sql, unsigned line) override;
  void run(std::string_view sql, std::span<const detail::Value> params, unsigned line) override;
  detail::Rows query(std::string_view sql, std::span<const detail::Value> params, unsigned line) override;
  void begin_autocommit_block() override;
  void end_autocommit_block() override;

  struct Statement {
    std::string sql;
    std::vector<detail::Value> params;
  };
  std::vector<Statement> statements;
  std::vector<std::string> queries;

 private:
  detail::Backend& db_;
  bool reopen_ = false;
};

class TestDatabase {
 public:
  // PostgreSQL: a new database on the test server; SQLite: a file in a
  // temporary directory. Returns null when PostgreSQL is not configured.
  static std::unique_ptr<TestDatabase> open(SqlDialect dialect, const std::string& hint);
  ~TestDatabase();

  SqlDialect dialect() const { return backend_->dialect(); }
  detail::Backend& db() { return *backend_; }
  RecordingSink& sink() { return *sink_; }
  Op& op() { return *op_; }
  // What psql (a URL) or sqlite3 (a file) opens to reach this database.
  const std::string& client_target() const { return client_target_; }

  // Every table, column (type, NOT NULL, default, comment), constraint,
  // index and enum type, one per line, sorted: equal text, equal schema.
  std::string schema();
  // One query's rows as "a|b" lines (NULL as "NULL").
  std::vector<std::string> rows(const std::string& sql);
  std::string value(const std::string& sql);

 private:
  TestDatabase() = default;
  std::string postgres_url_;
  std::string client_target_;
  std::unique_ptr<TempDir> directory_;
  std::unique_ptr<detail::Backend> backend_;
  std::unique_ptr<RecordingSink> sink_;
  std::unique_ptr<Op> op_;
};

const char* dialect_name(SqlDialect dialect);

}  // namespace retort::test
