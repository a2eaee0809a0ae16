// PostgreSQL: native enum and array types, SERIAL keys, comments, ALTER
// COLUMN, NOT VALID foreign keys, CREATE INDEX CONCURRENTLY.
#include <fmt/format.h>

#include <algorithm>

#include "ddl/dialect.hpp"

namespace retort::detail {

namespace {

// Type names a column declaration never resolves to a user's type: the
// grammar's type key words (`real` is float4 whatever exists) and PostgreSQL
// 15's pg_catalog types (pg_catalog is searched before every schema).
constexpr std::string_view builtin_type_names[] = {
    // key words
    "bigint", "bit", "boolean", "char", "character", "dec", "decimal", "double", "float", "int", "integer",
    "interval", "national", "nchar", "numeric", "real", "setof", "smallint", "time", "timestamp", "varchar",
    // pg_catalog
    "aclitem", "any", "anyarray", "anycompatible", "anycompatiblearray", "anycompatiblemultirange",
    "anycompatiblenonarray", "anycompatiblerange", "anyelement", "anyenum", "anymultirange", "anynonarray",
    "anyrange", "bool", "box", "bpchar", "bytea", "cid", "cidr", "circle", "cstring", "date", "datemultirange",
    "daterange", "event_trigger", "fdw_handler", "float4", "float8", "gtsvector", "index_am_handler", "inet",
    "int2", "int2vector", "int4", "int4multirange", "int4range", "int8", "int8multirange", "int8range",
    "internal", "json", "jsonb", "jsonpath", "language_handler", "line", "lseg", "macaddr", "macaddr8", "money",
    "name", "nummultirange", "numrange", "oid", "oidvector", "path", "point", "polygon", "record", "refcursor",
    "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc",
    "regprocedure", "regrole", "regtype", "table_am_handler", "text", "tid", "timestamptz", "timetz", "trigger",
    "tsm_handler", "tsmultirange", "tsquery", "tsrange", "tstzmultirange", "tstzrange", "tsvector",
    "txid_snapshot", "unknown", "uuid", "varbit", "void", "xid", "xid8", "xml"};

// The catalog's own row types are all named pg_*, and the array of each
// type is its name prefixed with `_`.
bool is_builtin_type_name(std::string_view name) {
  if (name.starts_with("_")) name.remove_prefix(1);
  return name.starts_with("pg_") || std::find(std::begin(builtin_type_names), std::end(builtin_type_names), name) !=
                                        std::end(builtin_type_names);
}

// An enum's name where a column uses it: refused when PostgreSQL would read
// it as a built-in type instead (the column would silently get that type).
std::string enum_type_name(const DdlDialect& ddl, const SqlType& type) {
  const std::string& name = type.name;
  if (type.schema.empty() && is_builtin_type_name(name)) {
    throw Error(fmt::format(
        "the enum type name {} is also the name of a PostgreSQL built-in type: a column declared with it would "
        "get the built-in type, not the enum. Choose another name, e.g. {}",
        shown(name), shown(name + "_enum")));
  }
  return ddl.quote(QualifiedName{type.schema, name});
}

class PostgresqlDdl final : public DdlDialect {
 public:
  SqlDialect dialect() const override { return SqlDialect::postgresql; }

  std::string type_sql(const SqlType& type) const override {
    std::string sql = scalar_type(type);
    for (int i = 0; i < type.array_dimensions; ++i) sql += "[]";
    return sql;
  }

  // BOOLEAN and enum types are native: they admit nothing else already.
  std::string type_check(const std::string&, const SqlType&) const override { return {}; }

  std::string default_sql(const ServerDefault& value) const override {
    switch (value.kind) {
      case DefaultValue::Kind::expression:
        check_sql_fragment(dialect(), value.text, "server default expression", FragmentKind::default_expression);
        return value.text;
      case DefaultValue::Kind::integer: return std::to_string(value.integer);
      case DefaultValue::Kind::real: return fmt::format("{}", value.real);
      case DefaultValue::Kind::boolean: return value.integer ? "true" : "false";
      default: return literal(value.text);
    }
  }

  std::vector<std::string> set_table_comment(const QualifiedName& table,
                                             const std::optional<std::string>& comment) const override {
    return {"COMMENT ON TABLE " + quote(table) + " IS " + (comment ? literal(*comment) : "NULL")};
  }

  std::vector<std::string> add_column(const QualifiedName& table, const ColumnDef& column) const override {
    std::vector<std::string> statements;
    if (column.type.creates_enum()) statements = create_enum(column.type);
    bool serial = column.primary_key && column.type.is_integer() && column.autoincrement != 0 &&
                  !column.server_default && !column.references && !column.identity && !column.computed;
    std::string sql = "ALTER TABLE " + quote(table) + " ADD COLUMN " + column_sql(column, serial);
    if (column.primary_key) sql += " PRIMARY KEY";
    statements.push_back(std::move(sql));
    if (column.references) {
      for (auto& s : add_constraint(table, {ConstraintDef::Kind::foreign_key, column.references->name, {},
                                            *column.references, {}})) {
        statements.push_back(std::move(s));
      }
    }
    if (column.unique) {
      statements.push_back("ALTER TABLE " + quote(table) + " ADD " +
                           constraint_clause({ConstraintDef::Kind::unique, {}, {column.name}, {}, {}}));
    }
    if (column.comment) statements.push_back(column_comment(table, column.name, *column.comment));
    return statements;
  }

  std::vector<std::string> alter_column(const AlterColumnDef& change) const override {
    std::vector<std::string> statements;
    const std::string table = quote(QualifiedName{change.schema, change.table});
    const std::string column = quote(change.column);
    if (change.using_expression && !change.type) {
      throw Error("a USING expression only applies to a type change; give .type as well");
    }
    // A default that is being dropped goes first: the old default may not
    // cast to the new type.
    bool drops_default = change.server_default && !*change.server_default;
    if (drops_default) {
      statements.push_back("ALTER TABLE " + table + " ALTER COLUMN " + column + " DROP DEFAULT");
    }
    if (change.type) {
      if (change.type->creates_enum()) {
        for (auto& s : create_enum(*change.type)) statements.push_back(std::move(s));
      }
      std::string sql = "ALTER TABLE " + table + " ALTER COLUMN " + column + " TYPE " + type_sql(*change.type);
      if (change.using_expression) {
        check_sql_fragment(dialect(), *change.using_expression, "USING expression");
        sql += " USING " + *change.using_expression;
      }
      statements.push_back(std::move(sql));
    }
    if (change.nullable) {
      statements.push_back("ALTER TABLE " + table + " ALTER COLUMN " + column +
                           (*change.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
    }
    if (change.server_default && !drops_default) {
      statements.push_back("ALTER TABLE " + table + " ALTER COLUMN " + column +
                           (*change.server_default ? " SET DEFAULT " + default_sql(**change.server_default)
                                                   : std::string(" DROP DEFAULT")));
    }
    if (change.comment) {
      statements.push_back(column_comment({change.schema, change.table}, change.column, *change.comment));
    }
    if (change.new_name) {
      statements.push_back("ALTER TABLE " + table + " RENAME " + column + " TO " + quote(*change.new_name));
    }
    return statements;
  }

  std::vector<std::string> create_index(const IndexDef& index) const override { return {index_sql(index, true)}; }

  std::vector<std::string> drop_index(const QualifiedName& name, bool concurrently, bool if_exists) const override {
    return {std::string("DROP INDEX ") + (concurrently ? "CONCURRENTLY " : "") + (if_exists ? "IF EXISTS " : "") +
            quote(name)};
  }

  std::vector<std::string> add_constraint(const QualifiedName& table, const ConstraintDef& constraint) const override {
    std::string sql = "ALTER TABLE " + quote(table) + " ADD " + constraint_clause(constraint);
    if (constraint.kind == ConstraintDef::Kind::foreign_key && constraint.foreign_key.not_valid) sql += " NOT VALID";
    return {sql};
  }

  std::vector<std::string> validate_constraint(const QualifiedName& table, const std::string& name) const override {
    return {"ALTER TABLE " + quote(table) + " VALIDATE CONSTRAINT " + quote(name)};
  }

  std::vector<std::string> drop_constraint(const QualifiedName& table, const std::string& name) const override {
    return {"ALTER TABLE " + quote(table) + " DROP CONSTRAINT " + quote(name)};
  }

  std::vector<std::string> create_enum(const SqlType& type) const override {
    if (type.labels.empty()) {
      throw Error(fmt::format("enum type {} has no labels; write Enum({}, {{\"label\", ...}})", shown(type.name),
                              shown(type.name)));
    }
    return {"CREATE TYPE " + enum_type_name(*this, type) + " AS ENUM (" + literal_list(type.labels) + ")"};
  }

  std::vector<std::string> drop_enum(const QualifiedName& name) const override { return {"DROP TYPE " + quote(name)}; }

 protected:
  std::vector<std::string> before_create_table(const TableDef& table) const override {
    std::vector<std::string> statements;
    std::vector<std::string> created;
    for (const auto& column : table.columns) {
      if (!column.type.creates_enum()) continue;
      if (std::find(created.begin(), created.end(), column.type.name) != created.end()) continue;
      created.push_back(column.type.name);
      for (auto& s : create_enum(column.type)) statements.push_back(std::move(s));
    }
    return statements;
  }

  std::vector<std::string> after_create_table(const TableDef& table) const override {
    std::vector<std::string> statements;
    const QualifiedName name{table.schema, table.name};
    if (table.comment) statements.push_back(set_table_comment(name, table.comment)[0]);
    for (const auto& column : table.columns) {
      if (column.comment) statements.push_back(column_comment(name, column.name, *column.comment));
    }
    return statements;
  }

 private:
  std::string column_comment(const QualifiedName& table, const std::string& column, const std::string& comment) const {
    return "COMMENT ON COLUMN " + quote(table) + "." + quote(column) + " IS " +
           (comment.empty() ? std::string("NULL") : literal(comment));
  }

  std::string scalar_type(const SqlType& type) const {
    auto timezone = [&](const char* base) {
      return std::string(base) + (type.timezone ? " WITH TIME ZONE" : " WITHOUT TIME ZONE");
    };
    switch (type.kind) {
      case TypeKind::integer: return "INTEGER";
      case TypeKind::big_integer: return "BIGINT";
      case TypeKind::small_integer: return "SMALLINT";
      case TypeKind::boolean: return "BOOLEAN";
      case TypeKind::string: return type.length > 0 ? fmt::format("VARCHAR({})", type.length) : "VARCHAR";
      case TypeKind::text: return "TEXT";
      case TypeKind::floating: return type.length > 0 ? fmt::format("FLOAT({})", type.length) : "FLOAT";
      case TypeKind::numeric:
        if (type.precision < 0) return "NUMERIC";
        if (type.scale < 0) return fmt::format("NUMERIC({})", type.precision);
        return fmt::format("NUMERIC({}, {})", type.precision, type.scale);
      case TypeKind::date: return "DATE";
      case TypeKind::date_time: return timezone("TIMESTAMP");
      case TypeKind::time: return timezone("TIME");
      case TypeKind::interval: return "INTERVAL";
      case TypeKind::uuid: return "UUID";
      case TypeKind::json: return "JSON";
      case TypeKind::jsonb: return "JSONB";
      case TypeKind::large_binary: return "BYTEA";
      case TypeKind::enumeration: return enum_type_name(*this, type);
      case TypeKind::inet: return "INET";
      case TypeKind::cidr: return "CIDR";
      case TypeKind::macaddr: return "MACADDR";
      case TypeKind::tsvector: return "TSVECTOR";
      case TypeKind::money: return "MONEY";
      case TypeKind::citext: return "CITEXT";
      case TypeKind::int4range: return "INT4RANGE";
      case TypeKind::int8range: return "INT8RANGE";
      case TypeKind::numrange: return "NUMRANGE";
      case TypeKind::daterange: return "DATERANGE";
      case TypeKind::tsrange: return "TSRANGE";
      case TypeKind::tstzrange: return "TSTZRANGE";
      case TypeKind::raw:
        check_sql_fragment(dialect(), type.name, "raw SQL type", FragmentKind::type_name);
        return type.name;
    }
    return {};
  }
};

}  // namespace

const DdlDialect& postgresql_ddl() {
  static const PostgresqlDdl instance;
  return instance;
}

}  // namespace retort::detail
