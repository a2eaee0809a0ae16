// non-transactional-in-transaction: PostgreSQL refuses these statements in
// a transaction block, so a transactional migration holding one fails at
// deploy time. An error, not a warning.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

bool has_option(const json& options, std::string_view name) {
  bool found = false;
  for_each_node(options, [&](std::string_view kind, const json& option) {
    if (kind == "DefElem" && text_field(option, "defname") == name) found = true;
  });
  return found;
}

// What the statement is, when PostgreSQL cannot run it in a transaction.
std::string refused_in_transaction(const Statement& s) {
  if (s.kind == "IndexStmt" && flag(s.body, "concurrent")) return "CREATE INDEX CONCURRENTLY";
  if (s.kind == "DropStmt" && flag(s.body, "concurrent")) return "DROP INDEX CONCURRENTLY";
  if (s.kind == "ReindexStmt" && has_option(field(s.body, "params"), "concurrently")) return "REINDEX CONCURRENTLY";
  if (s.kind == "VacuumStmt") return flag(s.body, "is_vacuumcmd") ? "VACUUM" : std::string();
  if (s.kind == "CreatedbStmt") return "CREATE DATABASE";
  if (s.kind == "DropdbStmt") return "DROP DATABASE";
  if (s.kind == "CreateTableSpaceStmt") return "CREATE TABLESPACE";
  if (s.kind == "DropTableSpaceStmt") return "DROP TABLESPACE";
  if (s.kind == "AlterSystemStmt") return "ALTER SYSTEM";
  return {};
}

void check(const Statement& s, std::vector<std::string>& out) {
  if (!s.in_transaction) return;
  const std::string what = refused_in_transaction(s);
  if (what.empty()) return;
  out.push_back(fmt::format("{} cannot run inside a transaction block, and this migration runs in one: the "
                            "deploy fails with \"{} cannot run inside a transaction block\"",
                            what, what));
}

}  // namespace

extern const Rule non_transactional_in_transaction{
    "non-transactional-in-transaction",
    "PostgreSQL refuses this statement inside a transaction block, so the migration fails when it is deployed",
    "run it outside the transaction: in C++ wrap it in `op.autocommit_block([&] { ... });` or declare the "
    "revision with `.transactional = false`; in SQL add the header `-- Transactional: false`",
    true, check};

}  // namespace retort::lint::rules
