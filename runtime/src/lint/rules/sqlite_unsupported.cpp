// sqlite-unsupported: SQLite's ALTER TABLE only adds, drops and renames
// columns, and adds only a column it can fill without a rewrite. Anything
// else fails when the migration runs; here it fails the build instead. (A
// C++ op call that the SQLite dialect refuses is reported under this id
// by the linter itself, with the refusal's text.)
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

std::string what_it_does(const std::string& subtype) {
  if (subtype == "AT_AlterColumnType") return "change a column's type";
  if (subtype == "AT_SetNotNull" || subtype == "AT_DropNotNull") return "change a column's nullability";
  if (subtype == "AT_ColumnDefault") return "change a column's default";
  if (subtype == "AT_AddConstraint") return "add a constraint";
  if (subtype == "AT_DropConstraint") return "drop a constraint";
  return fmt::format("run this ALTER TABLE command ({})", subtype);
}

// A literal: what SQLite accepts as an added column's default (it has no
// `::` casts either).
bool is_constant(const json& expression) { return expression.contains("A_Const"); }

// Why SQLite refuses to add this column in place, or "".
std::string refused_column(const json& column) {
  bool not_null = false, has_default = false;
  std::string refused;
  for_each_node(field(column, "constraints"), [&](std::string_view, const json& constraint) {
    const std::string type = text_field(constraint, "contype");
    if (type == "CONSTR_PRIMARY") refused = "a PRIMARY KEY column";
    if (type == "CONSTR_UNIQUE") refused = "a UNIQUE column";
    if (type == "CONSTR_GENERATED") refused = "a STORED generated column";
    if (type == "CONSTR_IDENTITY") refused = "an identity column";
    if (type == "CONSTR_NOTNULL") not_null = true;
    if (type == "CONSTR_DEFAULT") {
      has_default = true;
      if (!is_constant(field(constraint, "raw_expr"))) refused = "a column whose default is an expression";
    }
  });
  if (refused.empty() && not_null && !has_default) refused = "a NOT NULL column without a default";
  return refused;
}

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "AlterTableStmt" || text_field(s.body, "objtype") != "OBJECT_TABLE") return;
  const std::string table = relation_key(field(s.body, "relation"));
  for_each_node(field(s.body, "cmds"), [&](std::string_view, const json& command) {
    const std::string subtype = text_field(command, "subtype");
    if (subtype == "AT_DropColumn") return;
    if (subtype == "AT_AddColumn") {
      const json& column = field(field(command, "def"), "ColumnDef");
      const std::string refused = refused_column(column);
      if (refused.empty()) return;
      out.push_back(fmt::format("SQLite cannot add {} ({}) to table {} with ALTER TABLE; the migration fails "
                                "there when it runs",
                                refused, text_field(column, "colname"), table));
      return;
    }
    out.push_back(fmt::format("SQLite cannot {} of table {}: its ALTER TABLE only adds, drops and renames "
                              "columns, so the migration fails there when it runs",
                              what_it_does(subtype), table));
  });
}

}  // namespace

extern const Rule sqlite_unsupported{
    "sqlite-unsupported",
    "SQLite's ALTER TABLE cannot do it, so the migration fails on SQLite when it runs",
    "in C++, write the change inside `op.batch_alter_table(table, [](retort::BatchOp& batch) { ... })`: Retort "
    "recreates the table with it (copy and move), keeping rows, indexes and constraints; in SQL, create the "
    "new table, copy the rows, drop the old table and rename the new one, in one migration",
    true, check, on_sqlite};

}  // namespace retort::lint::rules
