// retort::Op: the migration's arguments become the DDL model, rendered per
// dialect and sent to the statement sink (indexes and constraints:
// op_indexes.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "operations/operations.hpp"

namespace retort {

namespace detail {

std::string owned(StringRef text) { return std::string(text.data(), text.size()); }

std::vector<std::string> owned(ListRef<StringRef> list) {
  std::vector<std::string> out;
  for (unsigned long i = 0; i < list.count; ++i) out.push_back(owned(list.items[i]));
  return out;
}

SqlType to_sql_type(const Type& type) {
  SqlType out;
  out.kind = type.kind;
  out.length = type.length;
  out.precision = type.precision;
  out.scale = type.scale;
  out.timezone = type.timezone;
  out.name = owned(type.name);
  out.schema = owned(type.schema);
  if (type.kind == TypeKind::enumeration) {
    qualified(out.schema, out.name, "enum type", "Enum(\"name\", {...}).in_schema(\"schema\")");
  }
  for (unsigned long i = 0; i < type.value_count; ++i) out.labels.push_back(owned(type.values[i]));
  out.array_dimensions = type.array_dimensions;
  out.constrained = type.constrained;
  if (out.constrained && type.kind != TypeKind::boolean && type.kind != TypeKind::enumeration) {
    throw Error("create_constraint() is for Boolean and Enum, whose values a CHECK can list; write a "
                "CheckConstraint for any other type");
  }
  return out;
}

std::optional<ServerDefault> to_server_default(const DefaultValue& value) {
  if (value.kind() == DefaultValue::Kind::none) return std::nullopt;
  return ServerDefault{value.kind(), owned(value.text()), value.integer(), value.real()};
}

ForeignKeyDef to_foreign_key(std::vector<std::string> columns, StringRef referent_table,
                             std::vector<std::string> referent_columns, StringRef name,
                             const ForeignKeyOptions& options) {
  ForeignKeyDef fk;
  fk.name = owned(name);
  fk.columns = std::move(columns);
  QualifiedName referent = qualified(owned(options.referent_schema), owned(referent_table), "referenced table",
                                     "{.referent_schema = \"schema\"}");
  fk.referent_table = referent.name;
  fk.referent_schema = referent.schema;
  fk.referent_columns = std::move(referent_columns);
  if (!options.ondelete.empty()) fk.ondelete = foreign_key_action(owned(options.ondelete), "ON DELETE");
  if (!options.onupdate.empty()) fk.onupdate = foreign_key_action(owned(options.onupdate), "ON UPDATE");
  if (!options.match.empty()) fk.match = foreign_key_match(owned(options.match));
  fk.deferrable = options.deferrable || options.initially_deferred;
  fk.initially_deferred = options.initially_deferred;
  fk.not_valid = options.not_valid;
  if (fk.columns.size() != fk.referent_columns.size() || fk.columns.empty()) {
    throw Error(fmt::format("the foreign key to {} lists {} local and {} referenced columns; give the same number",
                            shown(fk.referent_table), fk.columns.size(), fk.referent_columns.size()));
  }
  return fk;
}

ColumnDef to_column(const ColumnSpec& spec) {
  ColumnDef column;
  column.name = owned(spec.name);
  column.type = to_sql_type(spec.type);
  column.primary_key = spec.primary_key;
  column.nullable = spec.nullable < 0 ? !spec.primary_key : spec.nullable == 1;
  column.autoincrement = spec.autoincrement;
  column.unique = spec.unique;
  column.index = spec.index;
  column.server_default = to_server_default(spec.server_default);
  if (spec.has_comment) column.comment = owned(spec.comment);
  column.collation = owned(spec.collation);
  if (spec.identity) column.identity = IdentityDef{spec.identity_options.always, spec.identity_options};
  if (!spec.computed.empty()) column.computed = ComputedDef{owned(spec.computed), spec.persisted};
  if (column.computed && (column.identity || column.server_default)) {
    throw Error(fmt::format("column {} is computed: it can have no identity and no server default",
                            shown(column.name)));
  }
  if (column.computed && column.primary_key) {
    throw Error(fmt::format("column {} is computed and cannot be a primary key", shown(column.name)));
  }
  if (!spec.references_table.empty()) {
    if (spec.references_column.empty()) {
      throw Error(fmt::format("column {} references {} without a column; write references(\"table.column\") or "
                              "references(\"table\", \"column\")",
                              shown(column.name), shown(owned(spec.references_table))));
    }
    // "schema.table.column", as SQLAlchemy's ForeignKey, names the schema.
    ForeignKeyOptions options = spec.references_options;
    StringRef table = spec.references_table;
    std::string_view text(table.data(), table.size());
    std::size_t dot = text.find('.');
    if (dot != std::string_view::npos && options.referent_schema.empty()) {
      options.referent_schema = StringRef(table.data(), dot);
      table = StringRef(table.data() + dot + 1, table.size() - dot - 1);
    }
    column.references = to_foreign_key({column.name}, table, {owned(spec.references_column)}, spec.references_name,
                                       options);
  }
  return column;
}

AlterColumnDef to_alter_column(StringRef table, StringRef column, const AlterColumnOptions& options) {
  AlterColumnDef change;
  change.table = owned(table);
  change.schema = owned(options.schema);
  change.column = owned(column);
  if (options.type.given) change.type = to_sql_type(options.type.type);
  if (options.nullable.value >= 0) change.nullable = options.nullable.value == 1;
  if (options.server_default.given) change.server_default = to_server_default(options.server_default.value);
  if (options.new_column_name.given) change.new_name = owned(options.new_column_name.text);
  if (options.comment.given) change.comment = owned(options.comment.text);
  if (options.using_expression.given) change.using_expression = owned(options.using_expression.text);
  if (options.existing_type.given) change.existing_type = to_sql_type(options.existing_type.type);
  return change;
}

Value to_value(const Param& param) {
  switch (param.kind()) {
    case Param::Kind::null: return nullptr;
    case Param::Kind::integer: return static_cast<std::int64_t>(param.integer());
    case Param::Kind::real: return param.real();
    case Param::Kind::boolean: return param.integer() != 0;
    case Param::Kind::text: return owned(param.text());
  }
  return nullptr;
}

std::string describe(std::string_view operation, std::initializer_list<std::string_view> arguments) {
  std::string out = fmt::format("op.{}(", operation);
  bool first = true;
  for (auto argument : arguments) {
    out += (first ? "" : ", ") + shown(argument);
    first = false;
  }
  return out + ")";
}

void fail(const std::string& description, unsigned line, const std::string& reason) {
  throw OperationError(fmt::format("{} at line {} of the migration: {}", description, line, reason), line);
}

void perform(StatementSink& sink, const std::string& description, unsigned line,
             const std::function<std::vector<std::string>(const DdlDialect&)>& render) {
  std::vector<std::string> statements;
  try {
    statements = render(ddl_dialect(sink.dialect()));
  } catch (const Error& e) {
    fail(description, line, e.what());
  }
  for (const auto& statement : statements) sink.run(statement, line);
}

QualifiedName qualified_name(StringRef schema, StringRef name, std::string_view what, std::string_view hint) {
  return qualified(owned(schema), owned(name), what, hint);
}

IndexDef column_index(const QualifiedName& table, const std::string& column, bool unique) {
  IndexDef index;
  index.name = "ix_" + table.name + "_" + column;
  index.table = table.name;
  index.schema = table.schema;
  IndexColumnDef key;
  key.text = column;
  index.columns.push_back(key);
  index.unique = unique;
  return index;
}

void add_column(StatementSink& sink, const QualifiedName& table, const ColumnDef& column, unsigned line) {
  perform(sink, describe("add_column", {table.name, column.name}), line, [&](const DdlDialect& ddl) {
    // Uniqueness as a unique index where one is wanted anyway (index()), and
    // on SQLite, whose ALTER TABLE cannot add a UNIQUE constraint.
    std::optional<IndexDef> index;
    if (column.index) {
      index = column_index(table, column.name, column.unique);
    } else if (column.unique && ddl.dialect() == SqlDialect::sqlite) {
      index = column_index(table, column.name, true);
      index->name = "uq_" + table.name + "_" + column.name;
    }
    ColumnDef added = column;
    if (index) added.unique = false;
    auto statements = ddl.add_column(table, added);
    if (index) statements.push_back(ddl.index_sql(*index, false));
    return statements;
  });
}

void drop_column(StatementSink& sink, const QualifiedName& table, const std::string& column, unsigned line) {
  perform(sink, describe("drop_column", {table.name, column}), line,
          [&](const DdlDialect& ddl) { return ddl.drop_column(table, column); });
}

void alter_column(StatementSink& sink, const AlterColumnDef& change, unsigned line) {
  perform(sink, describe("alter_column", {change.table, change.column}), line,
          [&](const DdlDialect& ddl) { return ddl.alter_column(change); });
}

void create_index(StatementSink& sink, const IndexDef& index, unsigned line) {
  perform(sink, describe("create_index", {index.name, index.table}), line,
          [&](const DdlDialect& ddl) { return ddl.create_index(index); });
}

void drop_index(StatementSink& sink, const QualifiedName& name, bool concurrently, bool if_exists, unsigned line) {
  perform(sink, describe("drop_index", {name.name}), line,
          [&](const DdlDialect& ddl) { return ddl.drop_index(name, concurrently, if_exists); });
}

void add_constraint(StatementSink& sink, const QualifiedName& table, const ConstraintDef& constraint, unsigned line) {
  auto operation = [&] {
    switch (constraint.kind) {
      case ConstraintDef::Kind::unique: return "create_unique_constraint";
      case ConstraintDef::Kind::primary_key: return "create_primary_key";
      case ConstraintDef::Kind::foreign_key: return "create_foreign_key";
      case ConstraintDef::Kind::check: return "create_check_constraint";
      case ConstraintDef::Kind::exclude: return "create_exclude_constraint";
    }
    return "add_constraint";
  };
  perform(sink, describe(operation(), {constraint.name, table.name}), line,
          [&](const DdlDialect& ddl) { return ddl.add_constraint(table, constraint); });
}

void drop_constraint(StatementSink& sink, const QualifiedName& table, const std::string& name, unsigned line) {
  perform(sink, describe("drop_constraint", {name, table.name}), line,
          [&](const DdlDialect& ddl) { return ddl.drop_constraint(table, name); });
}

TableDef to_table(StringRef name, ListRef<TableItem> items) {
  TableDef table;
  StringRef schema;
  std::vector<std::string> key_columns;
  for (unsigned long i = 0; i < items.count; ++i) {
    const Op::TableItem& item = items.items[i];
    switch (item.kind) {
      case Op::TableItem::Kind::column: {
        ColumnDef column = to_column(static_cast<const Column*>(item.item)->spec);
        if (column.primary_key) key_columns.push_back(column.name);
        if (column.references) table.foreign_keys.push_back(*column.references);
        if (column.unique && !column.index) table.uniques.push_back({{}, {column.name}});  // else a unique index
        table.columns.push_back(std::move(column));
        break;
      }
      case Op::TableItem::Kind::primary_key: {
        const auto& pk = *static_cast<const PrimaryKeyConstraint*>(item.item);
        if (table.primary_key) throw Error("create_table was given two primary keys");
        table.primary_key = PrimaryKeyDef{owned(pk.name), owned(pk.columns)};
        break;
      }
      case Op::TableItem::Kind::unique: {
        const auto& unique = *static_cast<const UniqueConstraint*>(item.item);
        table.uniques.push_back(
            {owned(unique.name), owned(unique.columns), unique.deferrable, unique.initially_deferred});
        break;
      }
      case Op::TableItem::Kind::foreign_key: {
        const auto& fk = *static_cast<const ForeignKeyConstraint*>(item.item);
        const ForeignKeyOptions options{.ondelete = fk.options.ondelete,
                                        .onupdate = fk.options.onupdate,
                                        .match = fk.options.match,
                                        .deferrable = fk.options.deferrable,
                                        .initially_deferred = fk.options.initially_deferred,
                                        .referent_schema = fk.options.referent_schema};
        table.foreign_keys.push_back(
            to_foreign_key(owned(fk.columns), fk.referent_table, owned(fk.referent_columns), fk.options.name, options));
        break;
      }
      case Op::TableItem::Kind::check: {
        const auto& check = *static_cast<const CheckConstraint*>(item.item);
        table.checks.push_back({owned(check.name), owned(check.condition)});
        break;
      }
      case Op::TableItem::Kind::exclude: {
        const auto& exclude = *static_cast<const ExcludeConstraint*>(item.item);
        table.excludes.push_back(to_exclude(exclude.options.name, exclude.elements, exclude.options));
        break;
      }
      case Op::TableItem::Kind::comment:
        table.comment = owned(static_cast<const TableComment*>(item.item)->text);
        break;
      case Op::TableItem::Kind::options: {
        const auto& options = *static_cast<const TableOptions*>(item.item);
        schema = options.schema;
        table.unlogged = options.postgresql_unlogged;
        table.partition_by = owned(options.postgresql_partition_by);
        table.partition_of = owned(options.postgresql_partition_of);
        table.partition_bounds = owned(options.postgresql_partition_bounds);
        table.autoincrement = options.sqlite_autoincrement;
        table.without_rowid = !options.sqlite_with_rowid;
        table.strict = options.sqlite_strict;
        break;
      }
      case Op::TableItem::Kind::type:
        throw Error("create_table takes columns and constraints; a type alone belongs in a Column");
      case Op::TableItem::Kind::none:
        break;
    }
  }
  if (!key_columns.empty()) {
    if (table.primary_key) {
      throw Error("create_table has both primary_key() columns and a PrimaryKeyConstraint; keep one of them");
    }
    table.primary_key = PrimaryKeyDef{{}, key_columns};
  }
  if (table.primary_key) {
    for (auto& column : table.columns) {
      if (std::count(table.primary_key->columns.begin(), table.primary_key->columns.end(), column.name)) {
        column.nullable = false;
      }
    }
  }
  QualifiedName where = qualified_name(schema, name, "table", "TableOptions{.schema = \"schema\"}");
  table.name = where.name;
  table.schema = where.schema;
  if (!table.partition_of.empty()) {
    qualified(table.schema, table.partition_of, "partitioned table",
              "TableOptions{.schema = \"schema\"}, which holds both the partition and its parent");
  }
  return table;
}

}  // namespace detail

using namespace detail;

SqlDialect Op::dialect() const {
  return sink_->dialect();
}

bool Op::offline() const { return sink_->offline(); }

void Op::create_table_with(StringRef name, ListRef<TableItem> items, Line line) {
  perform(*sink_, describe("create_table", {owned(name)}), line.value, [&](const DdlDialect& ddl) {
    TableDef table = to_table(name, items);
    auto statements = ddl.create_table(table);
    for (const auto& column : table.columns) {
      if (column.index) {
        statements.push_back(ddl.index_sql(column_index({table.schema, table.name}, column.name, column.unique), false));
      }
    }
    return statements;
  });
}

void Op::drop_table_with(StringRef name, ListRef<TableItem> items, Line line) {
  perform(*sink_, describe("drop_table", {owned(name)}), line.value, [&](const DdlDialect& ddl) {
    std::vector<QualifiedName> enum_types;
    StringRef schema;
    for (unsigned long i = 0; i < items.count; ++i) {
      const TableItem& item = items.items[i];
      const Type* type = nullptr;
      if (item.kind == TableItem::Kind::type) type = static_cast<const Type*>(item.item);
      if (item.kind == TableItem::Kind::column) type = &static_cast<const Column*>(item.item)->spec.type;
      if (item.kind == TableItem::Kind::options) schema = static_cast<const TableOptions*>(item.item)->schema;
      if (type && type->kind == TypeKind::enumeration) {
        enum_types.push_back(qualified_name(type->schema, type->name, "enum type",
                                            "Enum(\"name\").in_schema(\"schema\")"));
      }
    }
    return ddl.drop_table(qualified_name(schema, name, "table", "TableOptions{.schema = \"schema\"}"), enum_types);
  });
}

void Op::rename_table(StringRef old_name, StringRef new_name, SchemaOptions options, Line line) {
  perform(*sink_, describe("rename_table", {owned(old_name), owned(new_name)}), line.value, [&](const DdlDialect& ddl) {
    QualifiedName to = qualified_name({}, new_name, "new table", "a bare new name (the table keeps its schema)");
    return ddl.rename_table(qualified_name(options.schema, old_name, "table", schema_hint), to.name);
  });
}

void Op::create_table_comment(StringRef table, StringRef comment, SchemaOptions options, Line line) {
  perform(*sink_, describe("create_table_comment", {owned(table)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.set_table_comment(qualified_name(options.schema, table, "table", schema_hint), owned(comment));
  });
}

void Op::drop_table_comment(StringRef table, SchemaOptions options, Line line) {
  perform(*sink_, describe("drop_table_comment", {owned(table)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.set_table_comment(qualified_name(options.schema, table, "table", schema_hint), std::nullopt);
  });
}

void Op::add_column(StringRef table, const Column& column, SchemaOptions options, Line line) {
  ColumnDef def;
  QualifiedName name;
  try {
    def = to_column(column.spec);
    name = qualified_name(options.schema, table, "table", schema_hint);
  } catch (const Error& e) {
    fail(describe("add_column", {owned(table), owned(column.spec.name)}), line.value, e.what());
  }
  detail::add_column(*sink_, name, def, line.value);
}

void Op::drop_column(StringRef table, StringRef column, SchemaOptions options, Line line) {
  perform(*sink_, describe("drop_column", {owned(table), owned(column)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.drop_column(qualified_name(options.schema, table, "table", schema_hint), owned(column));
  });
}

void Op::alter_column(StringRef table, StringRef column, AlterColumnOptions options, Line line) {
  AlterColumnDef change;
  try {
    qualified_name(options.schema, table, "table", schema_hint);
    change = to_alter_column(table, column, options);
  } catch (const Error& e) {
    fail(describe("alter_column", {owned(table), owned(column)}), line.value, e.what());
  }
  detail::alter_column(*sink_, change, line.value);
}

void Op::create_enum(Type enum_type, Line line) {
  perform(*sink_, describe("create_enum", {owned(enum_type.name)}), line.value, [&](const DdlDialect& ddl) {
    if (enum_type.kind != TypeKind::enumeration) throw Error("create_enum takes an Enum(\"name\", {...}) type");
    return ddl.create_enum(to_sql_type(enum_type));
  });
}

void Op::drop_enum(StringRef name, SchemaOptions options, Line line) {
  perform(*sink_, describe("drop_enum", {owned(name)}), line.value, [&](const DdlDialect& ddl) {
    return ddl.drop_enum(qualified_name(options.schema, name, "enum type", schema_hint));
  });
}

void Op::execute(StringRef sql, Line line) { sink_->run(std::string_view(sql.data(), sql.size()), line.value); }

void Op::execute_with(StringRef sql, ListRef<Param> params, Line line) {
  std::vector<Value> values;
  for (unsigned long i = 0; i < params.count; ++i) values.push_back(to_value(params.items[i]));
  sink_->run(std::string_view(sql.data(), sql.size()), values, line.value);
}

void Op::bulk_insert_with(StringRef table, ListRef<StringRef> columns, const Param* values, unsigned long rows,
                          SchemaOptions options, Line line) {
  std::string statement;
  try {
    statement = ddl_dialect(sink_->dialect())
                    .insert_row(qualified_name(options.schema, table, "table", schema_hint), owned(columns));
  } catch (const Error& e) {
    fail(describe("bulk_insert", {owned(table)}), line.value, e.what());
  }
  for (unsigned long row = 0; row < rows; ++row) {
    std::vector<Value> params;
    for (unsigned long column = 0; column < columns.count; ++column) {
      params.push_back(to_value(values[row * columns.count + column]));
    }
    sink_->run(statement, params, line.value);
  }
}

BatchState* Op::begin_batch(StringRef table, BatchOptions options, Line line) {
  try {
    qualified_name(options.schema, table, "table", schema_hint);
  } catch (const Error& e) {
    fail(fmt::format("batch_alter_table({})", shown(owned(table))), line.value, e.what());
  }
  return new BatchState{sink_, owned(table), owned(options.schema), options, line.value, {}};
}

void Op::finish_batch(BatchState* state) {
  std::unique_ptr<BatchState> owner(state);
  run_batch(*state);
}

void Op::abandon_batch(BatchState* state) { delete state; }

void Op::begin_autocommit_block() { sink_->begin_autocommit_block(); }
void Op::end_autocommit_block() { sink_->end_autocommit_block(); }

}  // namespace retort
