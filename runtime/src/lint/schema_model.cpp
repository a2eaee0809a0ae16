#include "lint/schema_model.hpp"

namespace retort::lint {

std::string not_null_check_column(const json& check_expression) {
  const json& test = field(check_expression, "NullTest");
  if (text_field(test, "nulltesttype") != "IS_NOT_NULL") return {};
  const json& fields = field(field(field(test, "arg"), "ColumnRef"), "fields");
  if (!fields.is_array() || fields.size() != 1) return {};
  return text_field(field(fields[0], "String"), "sval");
}

const ColumnType* SchemaModel::column(const std::string& table, const std::string& column) const {
  auto t = tables_.find(table);
  if (t == tables_.end()) return nullptr;
  auto c = t->second.columns.find(column);
  return c == t->second.columns.end() ? nullptr : &c->second;
}

std::string SchemaModel::index_table(const std::string& index) const {
  auto it = index_tables_.find(index);
  return it == index_tables_.end() ? std::string() : it->second;
}

bool SchemaModel::has_validated_not_null_check(const std::string& table, const std::string& column) const {
  auto t = tables_.find(table);
  if (t == tables_.end()) return false;
  for (const auto& entry : t->second.not_null_checks) {
    if (entry.second.column == column && entry.second.validated) return true;
  }
  return false;
}

void SchemaModel::apply(std::string_view kind, const json& body) {
  if (kind == "CreateStmt") {
    create_table(relation_key(field(body, "relation")), field(body, "tableElts"));
  } else if (kind == "CreateTableAsStmt") {
    create_table(relation_key(field(field(body, "into"), "rel")), json::array());
  } else if (kind == "AlterTableStmt") {
    alter_table(relation_key(field(body, "relation")), field(body, "cmds"));
  } else if (kind == "IndexStmt") {
    std::string table = relation_key(field(body, "relation"));
    std::string name = text_field(body, "idxname");
    const std::string schema = text_field(field(body, "relation"), "schemaname");
    if (!name.empty()) index_tables_[schema.empty() || schema == "public" ? name : schema + "." + name] = table;
  } else if (kind == "RenameStmt") {
    rename(body);
  } else if (kind == "DropStmt") {
    drop(body);
  }
}

void SchemaModel::create_table(const std::string& name, const json& elements) {
  Table table;
  for_each_node(elements, [&](std::string_view kind, const json& element) {
    if (kind == "ColumnDef") {
      table.columns[text_field(element, "colname")] = column_type(field(element, "typeName"));
    } else if (kind == "Constraint") {
      add_constraint(name, table, element);
    }
  });
  tables_[name] = std::move(table);
  new_tables_.insert(name);
}

void SchemaModel::add_constraint(const std::string& name, Table& table, const json& constraint) {
  if (flag(constraint, "skip_validation")) added_not_valid_.insert(name + " " + text_field(constraint, "conname"));
  if (text_field(constraint, "contype") != "CONSTR_CHECK") return;
  std::string column = not_null_check_column(field(constraint, "raw_expr"));
  if (column.empty()) return;
  table.not_null_checks[text_field(constraint, "conname")] = Check{column, !flag(constraint, "skip_validation")};
}

void SchemaModel::alter_table(const std::string& name, const json& commands) {
  Table& table = tables_[name];
  for_each_node(commands, [&](std::string_view, const json& command) {
    const std::string subtype = text_field(command, "subtype");
    const json& definition = field(command, "def");
    if (subtype == "AT_AddColumn") {
      const json& column = field(definition, "ColumnDef");
      table.columns[text_field(column, "colname")] = column_type(field(column, "typeName"));
    } else if (subtype == "AT_DropColumn") {
      table.columns.erase(text_field(command, "name"));
    } else if (subtype == "AT_AlterColumnType") {
      table.columns[text_field(command, "name")] = column_type(field(field(definition, "ColumnDef"), "typeName"));
    } else if (subtype == "AT_AddConstraint") {
      add_constraint(name, table, field(definition, "Constraint"));
    } else if (subtype == "AT_ValidateConstraint") {
      auto it = table.not_null_checks.find(text_field(command, "name"));
      if (it != table.not_null_checks.end()) it->second.validated = true;
    } else if (subtype == "AT_DropConstraint") {
      table.not_null_checks.erase(text_field(command, "name"));
    }
  });
}

void SchemaModel::rename(const json& body) {
  const std::string type = text_field(body, "renameType");
  const std::string table = relation_key(field(body, "relation"));
  const std::string new_name = text_field(body, "newname");
  if (type == "OBJECT_TABLE") {
    auto node = tables_.extract(table);
    const std::string schema = text_field(field(body, "relation"), "schemaname");
    const std::string renamed = schema.empty() || schema == "public" ? new_name : schema + "." + new_name;
    if (!node.empty()) {
      node.key() = renamed;
      tables_.insert(std::move(node));
    }
    if (new_tables_.erase(table)) new_tables_.insert(renamed);
    for (auto& entry : index_tables_) {
      if (entry.second == table) entry.second = renamed;
    }
  } else if (type == "OBJECT_COLUMN") {
    auto t = tables_.find(table);
    if (t == tables_.end()) return;
    auto node = t->second.columns.extract(text_field(body, "subname"));
    if (node.empty()) return;
    node.key() = new_name;
    t->second.columns.insert(std::move(node));
  }
}

void SchemaModel::drop(const json& body) {
  const std::string type = text_field(body, "removeType");
  for (const json& object : field(body, "objects")) {
    const std::string name = dotted_key(object);
    if (type == "OBJECT_TABLE") {
      tables_.erase(name);
      new_tables_.erase(name);
    } else if (type == "OBJECT_INDEX") {
      index_tables_.erase(name);
    }
  }
}

}  // namespace retort::lint
