#include "lint/tree.hpp"


namespace retort::lint {
namespace {

const json& empty_node() {
  static const json empty = json::object();
  return empty;
}

std::string key_of(std::string schema, std::string name) {
  if (schema.empty() || schema == "public") return name;
  return schema + "." + name;
}

}  // namespace

const json& field(const json& node, std::string_view key) {
  if (!node.is_object()) return empty_node();
  auto it = node.find(key);
  return it == node.end() ? empty_node() : *it;
}

std::string text_field(const json& node, std::string_view key) {
  const json& value = field(node, key);
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool flag(const json& node, std::string_view key) {
  const json& value = field(node, key);
  return value.is_boolean() && value.get<bool>();
}

std::string relation_key(const json& range_var) {
  return key_of(text_field(range_var, "schemaname"), text_field(range_var, "relname"));
}

std::string dotted_key(const json& name_list) {
  std::vector<std::string> parts;
  for (const json& item : field(field(name_list, "List"), "items")) parts.push_back(text_field(field(item, "String"), "sval"));
  if (parts.empty()) return {};
  std::string name = parts.back();
  std::string schema = parts.size() > 1 ? parts[parts.size() - 2] : std::string();
  return key_of(schema, name);
}

ColumnType column_type(const json& type_name) {
  ColumnType type;
  const json& names = field(type_name, "names");
  if (names.is_array() && !names.empty()) type.name = text_field(field(names.back(), "String"), "sval");
  for (const json& modifier : field(type_name, "typmods")) {
    const json& constant = field(modifier, "A_Const");
    const json& ival = field(constant, "ival");
    type.modifiers.push_back(field(ival, "ival").is_number() ? field(ival, "ival").get<long long>() : 0);
  }
  type.array = field(type_name, "arrayBounds").is_array();
  return type;
}

std::string type_text(const ColumnType& type) {
  std::string text = type.name;
  if (!type.modifiers.empty()) {
    text += "(";
    for (std::size_t i = 0; i < type.modifiers.size(); ++i) text += (i ? "," : "") + std::to_string(type.modifiers[i]);
    text += ")";
  }
  return type.array ? text + "[]" : text;
}

}  // namespace retort::lint
