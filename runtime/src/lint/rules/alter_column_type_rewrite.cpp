// alter-column-type-rewrite: most type changes rewrite the table and its
// indexes under ACCESS EXCLUSIVE, and the running code still reads the old
// type. Changes PostgreSQL makes in the catalog alone are not reported:
// widening varchar(n), varchar -> text, widening numeric's precision.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

bool is_string_type(const ColumnType& t) { return !t.array && (t.name == "varchar" || t.name == "text"); }
bool unbounded(const ColumnType& t) { return t.name == "text" || t.modifiers.empty(); }

// True when PostgreSQL changes only the catalog: no rewrite, no scan.
bool catalog_only(const ColumnType* old_type, const ColumnType& new_type) {
  if (!old_type) return is_string_type(new_type) && unbounded(new_type);  // from an unknown type: cannot tell
  if (old_type->name == new_type.name && old_type->modifiers == new_type.modifiers &&
      old_type->array == new_type.array) {
    return true;
  }
  if (is_string_type(*old_type) && is_string_type(new_type)) {
    if (unbounded(new_type)) return true;
    return !unbounded(*old_type) && old_type->name == "varchar" && new_type.modifiers[0] >= old_type->modifiers[0];
  }
  if (old_type->name == "numeric" && new_type.name == "numeric" && !old_type->array && !new_type.array) {
    if (new_type.modifiers.empty()) return true;
    if (old_type->modifiers.empty()) return false;
    const long long old_scale = old_type->modifiers.size() > 1 ? old_type->modifiers[1] : 0;
    const long long new_scale = new_type.modifiers.size() > 1 ? new_type.modifiers[1] : 0;
    return old_scale == new_scale && new_type.modifiers[0] >= old_type->modifiers[0];
  }
  return false;
}

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_AlterColumnType") return;
    const std::string column = text_field(command, "name");
    const json& definition = field(field(command, "def"), "ColumnDef");
    const ColumnType new_type = column_type(field(definition, "typeName"));
    const ColumnType* old_type = s.schema.column(table, column);
    const bool has_using = !field(definition, "raw_default").empty();
    if (!has_using && catalog_only(old_type, new_type)) return;
    out.push_back(fmt::format(
        "ALTER COLUMN {}.{} TYPE {}{} rewrites the table under an ACCESS EXCLUSIVE lock, and the running code "
        "still reads the old type",
        table, column, type_text(new_type), old_type ? fmt::format(" (from {})", type_text(*old_type)) : ""));
  });
}

}  // namespace

extern const Rule alter_column_type_rewrite{
    "alter-column-type-rewrite",
    "changing a column's type rewrites the table under an ACCESS EXCLUSIVE lock",
    "add a new column of the new type (`op.add_column`), write both from the code, backfill in batches, switch "
    "reads, then drop the old column in a later release; widening varchar(n) or changing varchar to text needs "
    "none of this",
    false, check};

}  // namespace retort::lint::rules
