// One migration checked both ways on a real database: its upgrade and
// downgrade run through the op API (online), and the same migration's
// offline script runs through psql / sqlite3. The statements must be equal,
// the catalogs equal after the upgrade, and both downgrades must restore the
// catalog the database started with.
#pragma once

#include <string>
#include <vector>

#include "ops_support.hpp"
#include "retort/registry.hpp"

namespace retort::test {

// The catalog after the online upgrade, for the caller's own checks; empty
// when PostgreSQL is not configured (the test is skipped).
std::string expect_round_trip(SqlDialect dialect, MigrationFn upgrade, MigrationFn downgrade,
                              const std::string& hint);

// An offline script's statements without what only the migrator adds:
// transaction control, `-- Running ...` comments and the version table.
std::vector<std::string> operation_statements(const std::string& script);

// Each expected line must appear as a whole line of `schema`.
void expect_lines(const std::string& schema, const std::vector<std::string>& expected);

// `schema` without its lines about the version table.
std::string without_version_table(const std::string& schema);

// Runs `body` and returns the retort::Error message it throws ("" if none).
template <class F>
std::string error_of(F&& body) {
  try {
    body();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace retort::test
