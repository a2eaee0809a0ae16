// Where rendered statements go: a live connection (online) or an SQL script
// (offline, `--sql`). Operations and SQL migrations both write here, so
// offline output is the same statements that online execution runs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "retort/sql_dialect.hpp"

namespace retort::detail {

// A bound parameter value.
using Value = std::variant<std::nullptr_t, std::int64_t, double, bool, std::string>;

// Rows of a query as text (NULL is an empty optional), in column order.
struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

class StatementSink {
 public:
  virtual ~StatementSink() = default;

  virtual SqlDialect dialect() const = 0;
  virtual bool offline() const = 0;

  // Executes (or, offline, prints) one statement. `line` is the line in the
  // migration source that issued it, for error messages (0 when unknown).
  virtual void run(std::string_view sql, unsigned line) = 0;
  // Bound parameters use `?` placeholders in every dialect; offline they are
  // inlined as escaped literals.
  virtual void run(std::string_view sql, std::span<const Value> params, unsigned line) = 0;

  // Reads rows. Offline this throws a retort::Error naming the migration.
  virtual Rows query(std::string_view sql, std::span<const Value> params, unsigned line) = 0;

  // Runs the statements between begin and end outside any transaction
  // (Alembic's autocommit_block): commits what came before, and opens a new
  // transaction afterwards if one was open.
  virtual void begin_autocommit_block() = 0;
  virtual void end_autocommit_block() = 0;
};

}  // namespace retort::detail
