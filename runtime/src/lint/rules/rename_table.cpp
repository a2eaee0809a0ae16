// rename-table: the running release still uses the old name.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "RenameStmt" || text_field(s.body, "renameType") != "OBJECT_TABLE") return;
  const std::string table = relation_key(field(s.body, "relation"));
  if (s.schema.is_new(table)) return;
  out.push_back(fmt::format("RENAME TABLE {} TO {}: code of the running release that uses the old name fails "
                            "at once",
                            table, text_field(s.body, "newname")));
}

}  // namespace

extern const Rule rename_table{
    "rename-table",
    "the running release still uses the old name, so its queries fail as soon as it changes",
    "rename in two releases: rename the table and `op.execute(\"CREATE VIEW old_name AS SELECT * FROM "
    "new_name\")` in the same migration so both names work, move the code to the new name, then drop the view "
    "in a later release",
    false, check, on_both};

}  // namespace retort::lint::rules
