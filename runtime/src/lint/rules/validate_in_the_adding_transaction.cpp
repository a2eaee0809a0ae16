// validate-in-the-adding-transaction: NOT VALID makes adding a constraint
// quick, but its lock (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE for
// a foreign key) lasts until commit. A VALIDATE in
// the same transaction therefore scans every row under that lock, which is
// what NOT VALID was for avoiding.
#include <fmt/format.h>

#include <set>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (!s.in_transaction) return;
  std::set<std::string> added_here;  // by an earlier command of this statement
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    const std::string subtype = text_field(command, "subtype");
    if (subtype == "AT_AddConstraint") {
      const json& constraint = field(field(command, "def"), "Constraint");
      if (flag(constraint, "skip_validation")) added_here.insert(text_field(constraint, "conname"));
      return;
    }
    if (subtype != "AT_ValidateConstraint") return;
    const std::string name = text_field(command, "name");
    if (!added_here.count(name) && !s.schema.added_not_valid_in_this_transaction(table, name)) return;
    out.push_back(fmt::format("VALIDATE CONSTRAINT {} on existing table {} runs in the transaction that added it "
                              "NOT VALID: that ADD's lock is still held (ACCESS EXCLUSIVE for a CHECK, SHARE ROW "
                              "EXCLUSIVE for a foreign key), so every row is checked while writes (and, for a "
                              "CHECK, reads) wait",
                              name, table));
  });
}

}  // namespace

extern const Rule validate_in_the_adding_transaction{
    "validate-in-the-adding-transaction",
    "the validation scan runs under the lock the NOT VALID constraint was added with, held until commit",
    "validate in a later migration with `op.validate_constraint(name, table)`, or commit the ADD first: run the "
    "validation inside `op.autocommit_block([&] { op.validate_constraint(name, table); })`",
    false, check};

}  // namespace retort::lint::rules
