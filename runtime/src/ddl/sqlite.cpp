// SQLite: ALTER TABLE only adds, drops and renames columns. Everything else
// is refused here with a pointer to batch_alter_table, whose copy-and-move
// recreate lives in operations/batch.cpp.
#include <fmt/format.h>

#include "ddl/dialect.hpp"

namespace retort::detail {

namespace {

[[noreturn]] void needs_batch(const QualifiedName& table, std::string_view what, std::string_view batch_call) {
  throw Error(fmt::format(
      "SQLite cannot {} in place: its ALTER TABLE only adds, drops and renames columns. Write it inside "
      "op.batch_alter_table({}, [](retort::BatchOp& batch) {{ batch.{}; }}{}); Retort then recreates the table "
      "with the change (copy and move), keeping its rows, indexes and constraints",
      what, shown(table.name), batch_call,
      table.schema.empty() ? std::string() : fmt::format(", {{.schema = {}}}", shown(table.schema))));
}

class SqliteDdl final : public DdlDialect {
 public:
  SqlDialect dialect() const override { return SqlDialect::sqlite; }

  std::string type_sql(const SqlType& type) const override {
    if (type.array_dimensions > 0) {
      throw Error("SQLite has no ARRAY type; store the list as JSON (retort::JSON) on SQLite");
    }
    switch (type.kind) {
      case TypeKind::integer: return "INTEGER";
      case TypeKind::big_integer: return "BIGINT";
      case TypeKind::small_integer: return "SMALLINT";
      case TypeKind::boolean: return "BOOLEAN";
      case TypeKind::string: return type.length > 0 ? fmt::format("VARCHAR({})", type.length) : "VARCHAR";
      case TypeKind::text: return "TEXT";
      case TypeKind::floating: return "FLOAT";
      case TypeKind::numeric:
        if (type.precision < 0) return "NUMERIC";
        if (type.scale < 0) return fmt::format("NUMERIC({})", type.precision);
        return fmt::format("NUMERIC({}, {})", type.precision, type.scale);
      case TypeKind::date: return "DATE";
      case TypeKind::date_time: return "DATETIME";
      case TypeKind::time: return "TIME";
      case TypeKind::interval: return "DATETIME";  // SQLAlchemy stores intervals as epoch-based datetimes
      case TypeKind::uuid: return "CHAR(32)";
      case TypeKind::json: return "JSON";
      case TypeKind::jsonb: throw Error("JSONB is PostgreSQL's binary JSON; use retort::JSON on SQLite");
      case TypeKind::large_binary: return "BLOB";
      case TypeKind::enumeration: {
        std::size_t longest = 0;
        for (const auto& label : type.labels) longest = std::max(longest, label.size());
        return longest ? fmt::format("VARCHAR({})", longest) : "VARCHAR";
      }
      case TypeKind::inet:
      case TypeKind::cidr:
      case TypeKind::macaddr:
        throw Error("INET, CIDR and MACADDR are PostgreSQL's network types; store the address as retort::String on "
                    "SQLite");
      case TypeKind::tsvector:
        throw Error("TSVECTOR is PostgreSQL's full-text type; SQLite's full-text search is an FTS5 virtual table "
                    "(op.execute(\"CREATE VIRTUAL TABLE ... USING fts5(...)\"))");
      case TypeKind::money: throw Error("MONEY is PostgreSQL's; use retort::Numeric(p, s) on SQLite");
      case TypeKind::citext:
        throw Error("CITEXT is PostgreSQL's citext extension; SQLite has no such type (retort::Text, compared "
                    "with lower() or COLLATE NOCASE, is the nearest)");
      case TypeKind::int4range:
      case TypeKind::int8range:
      case TypeKind::numrange:
      case TypeKind::daterange:
      case TypeKind::tsrange:
      case TypeKind::tstzrange:
        throw Error("range types are PostgreSQL's; store the two bounds as two columns on SQLite");
      case TypeKind::raw:
        if (type.name.empty()) return {};  // a reflected column declared without a type
        check_sql_fragment(dialect(), type.name, "raw SQL type", FragmentKind::type_name);
        return type.name;
    }
    return {};
  }

  std::string type_check(const std::string& column, const SqlType& type) const override {
    if (!type.constrained) return {};
    if (type.kind == TypeKind::boolean) return quote(column) + " IN (0, 1)";
    if (type.labels.empty()) {
      throw Error(fmt::format("create_constraint() on column {} needs the enum's labels on SQLite, where the CHECK "
                              "lists them: write Enum(\"{}\", {{...}}).create_constraint()",
                              shown(column), type.name));
    }
    return quote(column) + " IN (" + literal_list(type.labels) + ")";
  }

  std::string default_sql(const ServerDefault& value) const override {
    switch (value.kind) {
      case DefaultValue::Kind::expression:
        check_sql_fragment(dialect(), value.text, "server default expression", FragmentKind::default_expression);
        return "(" + value.text + ")";  // SQLite requires parentheses around expressions
      case DefaultValue::Kind::integer: return std::to_string(value.integer);
      case DefaultValue::Kind::real: return fmt::format("{}", value.real);
      case DefaultValue::Kind::boolean: return value.integer ? "1" : "0";
      default: return literal(value.text);
    }
  }

  std::vector<std::string> set_table_comment(const QualifiedName&, const std::optional<std::string>&) const override {
    return {};  // SQLite stores no comments (as SQLAlchemy, Retort skips them)
  }

  std::vector<std::string> add_column(const QualifiedName& table, const ColumnDef& column) const override {
    if (column.primary_key) needs_batch(table, "add a PRIMARY KEY column", "add_column(...)");
    if (column.computed && column.computed->persisted == Persisted::stored) {
      needs_batch(table, "add a STORED generated column", "add_column(...)");
    }
    if (column.server_default && column.server_default->kind == DefaultValue::Kind::expression) {
      needs_batch(table, "add a column whose default is an expression", "add_column(...)");
    }
    if (!column.nullable && !column.server_default) {
      throw Error(fmt::format(
          "SQLite cannot add the NOT NULL column {} without a default: existing rows would hold NULL. Give it "
          ".server_default(...), or add it nullable, fill it with op.execute(\"UPDATE ...\"), then make it NOT NULL "
          "with batch.alter_column({}, {{.nullable = false}}) inside op.batch_alter_table",
          shown(column.name), shown(column.name)));
    }
    std::string sql = "ALTER TABLE " + quote(table) + " ADD COLUMN " + column_sql(column, false);
    if (column.references) {
      const ForeignKeyDef& fk = *column.references;
      if (!fk.name.empty()) sql += " CONSTRAINT " + quote(fk.name);
      std::string clause = foreign_key_clause(fk);
      sql += " " + clause.substr(clause.find("REFERENCES"));
    }
    return {sql};
  }

  std::vector<std::string> alter_column(const AlterColumnDef& change) const override {
    if (!change.only_renames()) {
      std::string what = change.type ? "change a column's type"
                         : change.nullable ? "change whether a column accepts NULL"
                                           : "change a column's default";
      needs_batch({change.schema, change.table}, what, fmt::format("alter_column({}, {{...}})", shown(change.column)));
    }
    if (!change.new_name) return {};  // a comment alone: SQLite has none
    return {"ALTER TABLE " + quote(QualifiedName{change.schema, change.table}) + " RENAME COLUMN " + quote(change.column) + " TO " +
            quote(*change.new_name)};
  }

  std::vector<std::string> create_index(const IndexDef& index) const override {
    return {index_sql(index, false)};  // CONCURRENTLY is PostgreSQL's; SQLite locks the file anyway
  }

  std::vector<std::string> drop_index(const QualifiedName& name, bool, bool if_exists) const override {
    return {std::string("DROP INDEX ") + (if_exists ? "IF EXISTS " : "") + quote(name)};
  }

  std::vector<std::string> add_constraint(const QualifiedName& table, const ConstraintDef& constraint) const override {
    switch (constraint.kind) {
      case ConstraintDef::Kind::unique:
        needs_batch(table, "add a UNIQUE constraint", "create_unique_constraint(...)");
      case ConstraintDef::Kind::primary_key:
        needs_batch(table, "add a PRIMARY KEY", "create_primary_key(...)");
      case ConstraintDef::Kind::foreign_key:
        needs_batch(table, "add a FOREIGN KEY", "create_foreign_key(...)");
      case ConstraintDef::Kind::check:
        needs_batch(table, "add a CHECK constraint", "create_check_constraint(...)");
      case ConstraintDef::Kind::exclude: return {exclude_clause(constraint)};  // refuses: SQLite has none
    }
    return {};
  }

  std::vector<std::string> validate_constraint(const QualifiedName& table, const std::string& name) const override {
    throw Error(fmt::format(
        "SQLite has no NOT VALID constraints to validate ({} on {}); skip validate_constraint on SQLite", shown(name),
        shown(table)));
  }

  std::vector<std::string> drop_constraint(const QualifiedName& table, const std::string& name) const override {
    needs_batch(table, "drop a constraint", fmt::format("drop_constraint({})", shown(name)));
  }

  std::vector<std::string> create_enum(const SqlType&) const override { return {}; }
  std::vector<std::string> drop_enum(const QualifiedName&) const override { return {}; }
};

}  // namespace

const DdlDialect& sqlite_ddl() {
  static const SqliteDdl instance;
  return instance;
}

}  // namespace retort::detail
