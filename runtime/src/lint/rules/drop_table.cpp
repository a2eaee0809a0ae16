// drop-table: the running release still queries the table.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "DropStmt" || text_field(s.body, "removeType") != "OBJECT_TABLE") return;
  for (const json& object : field(s.body, "objects")) {
    const std::string table = dotted_key(object);
    if (s.schema.is_new(table)) continue;
    out.push_back(fmt::format("DROP TABLE {}: code of the running release that still queries it fails at once, "
                              "and its data is gone",
                              table));
  }
}

}  // namespace

extern const Rule drop_table{
    "drop-table",
    "the running release still queries the table, and the data cannot be restored by a downgrade",
    "first deploy code that no longer uses the table, then drop it in a later migration and allow it there: "
    "`// retort:allow drop-table: unused since release N`",
    false, check, on_both};

}  // namespace retort::lint::rules
