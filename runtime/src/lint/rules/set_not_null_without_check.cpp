// set-not-null-without-check: SET NOT NULL scans the whole table under
// ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) proves it
// (PostgreSQL 12 and later skip the scan then).
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_SetNotNull") return;
    const std::string column = text_field(command, "name");
    if (s.schema.has_validated_not_null_check(table, column)) return;
    out.push_back(fmt::format("SET NOT NULL on {}.{} scans every row under an ACCESS EXCLUSIVE lock: no "
                              "validated CHECK ({} IS NOT NULL) exists",
                              table, column, column));
  });
}

}  // namespace

extern const Rule set_not_null_without_check{
    "set-not-null-without-check",
    "SET NOT NULL scans the whole table while holding an ACCESS EXCLUSIVE lock",
    "first `op.execute(\"ALTER TABLE t ADD CONSTRAINT t_col_not_null CHECK (col IS NOT NULL) NOT VALID\")`, then "
    "`op.validate_constraint(\"t_col_not_null\", \"t\")` (a lighter lock), then `op.alter_column(\"t\", \"col\", "
    "{.nullable = false})`, which no longer scans; drop the CHECK afterwards",
    false, check};

}  // namespace retort::lint::rules
