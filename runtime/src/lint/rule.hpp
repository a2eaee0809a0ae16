// One lint rule: a stable id, why it matters, the safe pattern, and a check
// over one parsed statement. Each rule lives in rules/<id>.cpp.
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lint/schema_model.hpp"

namespace retort::lint {

using nlohmann::json;

// A statement as a rule sees it: its parse tree and what came before.
struct Statement {
  std::string_view kind;  // the node name: IndexStmt, AlterTableStmt, ...
  const json& body;       // the node's fields
  bool in_transaction;    // runs inside the migration's transaction
  const SchemaModel& schema;  // the schema before this statement
};

// The renderings a rule judges: what is sent to PostgreSQL, to SQLite, or both.
enum RuleDialects : unsigned { on_postgresql = 1, on_sqlite = 2, on_both = 3 };

struct Rule {
  std::string_view id;
  std::string_view reason;       // one line: why the pattern hurts a running service
  std::string_view alternative;  // the safe pattern, written for Retort
  bool error;                    // fails at deploy time: an error, not a warning
  // Appends one message per offending part of the statement.
  void (*check)(const Statement& statement, std::vector<std::string>& messages);
  RuleDialects dialects = on_postgresql;
};

// Every rule, in a stable order (rules.cpp).
std::span<const Rule* const> all_rules();
const Rule* find_rule(std::string_view id);

// The table an ALTER TABLE names, and each of its commands (kind
// AlterTableCmd), when the table existed before this migration.
template <class Fn>
void for_each_command_on_existing_table(const Statement& statement, Fn&& fn) {
  if (statement.kind != "AlterTableStmt" || text_field(statement.body, "objtype") != "OBJECT_TABLE") return;
  const std::string table = relation_key(field(statement.body, "relation"));
  if (statement.schema.is_new(table)) return;
  for_each_node(field(statement.body, "cmds"), [&](std::string_view, const json& command) { fn(table, command); });
}

}  // namespace retort::lint
