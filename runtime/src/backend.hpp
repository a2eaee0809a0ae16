// One live database connection. PostgreSQL (libpqxx) and SQLite (sqlite3)
// implement it in backends/; nothing above this layer names either library.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "statement_sink.hpp"

namespace retort::detail {

struct DatabaseUrl;

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Dialect dialect() const = 0;

  // Throws DatabaseError carrying the database's own message.
  virtual void execute(std::string_view sql) = 0;
  virtual void execute(std::string_view sql, std::span<const Value> params) = 0;
  virtual Rows query(std::string_view sql, std::span<const Value> params = {}) = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;
};

}  // namespace retort::detail
