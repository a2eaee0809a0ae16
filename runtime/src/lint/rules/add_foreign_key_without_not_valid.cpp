// add-foreign-key-without-not-valid: a validated foreign key checks every
// existing row while locking both tables against writes.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void report_if_validated(const std::string& table, const json& constraint, std::vector<std::string>& out) {
  if (text_field(constraint, "contype") != "CONSTR_FOREIGN" || flag(constraint, "skip_validation")) return;
  const std::string name = text_field(constraint, "conname");
  out.push_back(fmt::format("foreign key{} on existing table {} is added without NOT VALID: every row is "
                            "checked while writes to {} and {} are blocked",
                            name.empty() ? "" : " " + name, table, table,
                            relation_key(field(constraint, "pktable"))));
}

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    const std::string subtype = text_field(command, "subtype");
    const json& definition = field(command, "def");
    if (subtype == "AT_AddConstraint") report_if_validated(table, field(definition, "Constraint"), out);
    if (subtype == "AT_AddColumn") {
      for_each_node(field(field(definition, "ColumnDef"), "constraints"),
                    [&](std::string_view, const json& constraint) { report_if_validated(table, constraint, out); });
    }
  });
}

}  // namespace

extern const Rule add_foreign_key_without_not_valid{
    "add-foreign-key-without-not-valid",
    "a validated foreign key scans the table while blocking writes to it and to the referenced table",
    "add it with `op.create_foreign_key(name, table, referent, {cols}, {remote}, {.not_valid = true})` (SQL: "
    "`... NOT VALID`), then `op.validate_constraint(name, table)` in a later migration",
    false, check};

}  // namespace retort::lint::rules
