// add-check-without-not-valid: a validated CHECK scans every existing row
// under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_AddConstraint") return;
    const json& constraint = field(field(command, "def"), "Constraint");
    if (text_field(constraint, "contype") != "CONSTR_CHECK" || flag(constraint, "skip_validation")) return;
    const std::string name = text_field(constraint, "conname");
    out.push_back(fmt::format("CHECK constraint{} on existing table {} is added without NOT VALID: every row is "
                              "checked under an ACCESS EXCLUSIVE lock",
                              name.empty() ? "" : " " + name, table));
  });
}

}  // namespace

extern const Rule add_check_without_not_valid{
    "add-check-without-not-valid",
    "a validated CHECK constraint scans the table while holding an ACCESS EXCLUSIVE lock",
    "add it NOT VALID, `op.execute(\"ALTER TABLE t ADD CONSTRAINT c CHECK (...) NOT VALID\")` (new rows are "
    "checked at once), then `op.validate_constraint(\"c\", \"t\")` in a later migration",
    false, check};

}  // namespace retort::lint::rules
