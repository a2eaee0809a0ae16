// add-column-not-null-without-default: ADD COLUMN ... NOT NULL with no
// default fails on a table with rows, and the running code does not write
// the column yet.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_AddColumn") return;
    const json& column = field(field(command, "def"), "ColumnDef");
    bool not_null = false, has_default = false;
    for_each_node(field(column, "constraints"), [&](std::string_view, const json& constraint) {
      const std::string type = text_field(constraint, "contype");
      if (type == "CONSTR_NOTNULL" || type == "CONSTR_PRIMARY") not_null = true;
      if (type == "CONSTR_DEFAULT" || type == "CONSTR_IDENTITY" || type == "CONSTR_GENERATED") has_default = true;
    });
    const std::string type = column_type(field(column, "typeName")).name;
    if (type.find("serial") != std::string::npos) has_default = true;  // nextval(): add-column-volatile-default
    if (!not_null || has_default) return;
    out.push_back(fmt::format("ADD COLUMN {} NOT NULL without a default on existing table {}: it fails if the "
                              "table has rows, and inserts from the running code that omit the column fail",
                              text_field(column, "colname"), table));
  });
}

}  // namespace

extern const Rule add_column_not_null_without_default{
    "add-column-not-null-without-default",
    "a NOT NULL column without a default fails on existing rows and breaks inserts of the running code",
    "add it nullable (`op.add_column(table, Column(name, Type))`), backfill in batches, then in a later "
    "migration add `CHECK (col IS NOT NULL) NOT VALID`, validate it and `op.alter_column(table, name, "
    "{.nullable = false})`; or give it a constant `.server_default(...)`",
    false, check};

}  // namespace retort::lint::rules
