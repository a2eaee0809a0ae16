// add-unique-without-index: ADD UNIQUE / PRIMARY KEY builds its index
// under a lock that blocks writes (ACCESS EXCLUSIVE for the ALTER).
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void report_if_built(const std::string& table, const json& constraint, std::vector<std::string>& out) {
  const std::string type = text_field(constraint, "contype");
  if ((type != "CONSTR_UNIQUE" && type != "CONSTR_PRIMARY") || !text_field(constraint, "indexname").empty()) return;
  out.push_back(fmt::format("{} on existing table {} builds its index under an ACCESS EXCLUSIVE lock",
                            type == "CONSTR_UNIQUE" ? "ADD UNIQUE" : "ADD PRIMARY KEY", table));
}

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    const std::string subtype = text_field(command, "subtype");
    const json& definition = field(command, "def");
    if (subtype == "AT_AddConstraint") report_if_built(table, field(definition, "Constraint"), out);
    if (subtype == "AT_AddColumn") {
      for_each_node(field(field(definition, "ColumnDef"), "constraints"),
                    [&](std::string_view, const json& constraint) { report_if_built(table, constraint, out); });
    }
  });
}

}  // namespace

extern const Rule add_unique_without_index{
    "add-unique-without-index",
    "adding a UNIQUE or PRIMARY KEY constraint builds its index while writes are blocked",
    "build the index first with `op.create_index(name, table, {cols}, {.unique = true, .concurrently = true})` "
    "in an `op.autocommit_block`, then `op.execute(\"ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX "
    "name\")` (or PRIMARY KEY USING INDEX)",
    false, check};

}  // namespace retort::lint::rules
