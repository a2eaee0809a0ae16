// Reading libpg_query's JSON parse tree (PostgreSQL 15's node names).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace retort::lint {

using nlohmann::json;

// A column type as written: the last name part (varchar, int4, text, ...)
// and its modifiers (varchar(20) -> {20}).
struct ColumnType {
  std::string name;
  std::vector<long long> modifiers;
  bool array = false;
};

// The node's field, or an empty object/array/string when absent.
const json& field(const json& node, std::string_view key);
std::string text_field(const json& node, std::string_view key);
bool flag(const json& node, std::string_view key);

// "schema.table", or "table" in the default schema (public).
std::string relation_key(const json& range_var);
// The same key for a name given as a List of String items (DROP, DROP INDEX).
std::string dotted_key(const json& name_list);
ColumnType column_type(const json& type_name);
std::string type_text(const ColumnType& type);

// The (kind, body) of each wrapped node in a list such as cmds or constraints.
template <class Fn>
void for_each_node(const json& list, Fn&& fn) {
  if (!list.is_array()) return;
  for (const json& item : list) {
    if (!item.is_object() || item.empty()) continue;
    const auto first = item.begin();
    fn(std::string_view(first.key()), first.value());
  }
}

}  // namespace retort::lint
