// add-column-volatile-default: since PostgreSQL 11 a constant default is
// stored in the catalog, but a volatile one (random(), clock_timestamp(),
// a serial or identity column, a stored generated column) rewrites the
// whole table under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include <array>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

// Built-in volatile functions a default commonly calls. A function not
// listed here is assumed stable (now(), CURRENT_TIMESTAMP, lower(), ...).
constexpr std::array<std::string_view, 12> kVolatile = {
    "random",           "gen_random_uuid",  "uuid_generate_v1", "uuid_generate_v1mc",
    "uuid_generate_v4", "clock_timestamp",  "timeofday",        "nextval",
    "txid_current",     "setseed",          "random_normal",    "pg_current_xact_id"};

// The first volatile function called anywhere in an expression tree.
std::string volatile_call(const json& node) {
  if (node.is_array()) {
    for (const json& item : node) {
      if (std::string found = volatile_call(item); !found.empty()) return found;
    }
    return {};
  }
  if (!node.is_object()) return {};
  if (const json& call = field(node, "FuncCall"); !call.empty()) {
    const json& names = field(call, "funcname");
    std::string name = names.is_array() && !names.empty() ? text_field(field(names.back(), "String"), "sval") : "";
    for (std::string_view known : kVolatile) {
      if (name == known) return name + "()";
    }
  }
  for (const auto& item : node.items()) {
    if (std::string found = volatile_call(item.value()); !found.empty()) return found;
  }
  return {};
}

// Why the added column rewrites the table, or "".
std::string rewrite_cause(const json& column) {
  const std::string type = column_type(field(column, "typeName")).name;
  if (type.find("serial") != std::string::npos) return fmt::format("its type {} defaults to nextval()", type);
  std::string cause;
  for_each_node(field(column, "constraints"), [&](std::string_view, const json& constraint) {
    const std::string kind = text_field(constraint, "contype");
    if (!cause.empty()) return;
    if (kind == "CONSTR_IDENTITY") cause = "an identity column fills every row";
    if (kind == "CONSTR_GENERATED") cause = "a stored generated column is computed for every row";
    if (kind == "CONSTR_DEFAULT") {
      if (std::string call = volatile_call(field(constraint, "raw_expr")); !call.empty()) {
        cause = fmt::format("its default calls the volatile {}", call);
      }
    }
  });
  return cause;
}

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_AddColumn") return;
    const json& column = field(field(command, "def"), "ColumnDef");
    const std::string cause = rewrite_cause(column);
    if (cause.empty()) return;
    out.push_back(fmt::format("ADD COLUMN {} rewrites existing table {} under an ACCESS EXCLUSIVE lock: {}",
                              text_field(column, "colname"), table, cause));
  });
}

}  // namespace

extern const Rule add_column_volatile_default{
    "add-column-volatile-default",
    "a volatile default rewrites the whole table while holding an ACCESS EXCLUSIVE lock",
    "add the column without a default (or with a constant one), then set the default for new rows with "
    "`op.alter_column(table, name, {.server_default = sql(\"gen_random_uuid()\")})` and backfill existing rows "
    "in batches in a data migration",
    false, check};

}  // namespace retort::lint::rules
