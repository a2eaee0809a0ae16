// What PostgreSQL and SQLite render alike: quoting, literals, column
// definitions, constraint clauses, CREATE TABLE and CREATE INDEX.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "ddl/dialect.hpp"
#include "sql/quote.hpp"
#include "sql_text.hpp"

namespace retort::detail {

std::string shown(std::string_view name) { return fmt::format("\"{}\"", name); }

std::string shown(const QualifiedName& name) {
  return name.schema.empty() ? shown(name.name) : shown(name.schema + "." + name.name);
}

QualifiedName qualified(std::string_view schema, std::string_view name, std::string_view what,
                        std::string_view hint) {
  std::size_t dot = name.find('.');
  if (dot != std::string_view::npos) {
    std::string_view in = name.substr(0, dot), bare = name.substr(dot + 1);
    std::string where(hint);
    if (std::size_t at = where.find("\"schema\""); at != std::string::npos) where.replace(at, 8, shown(in));
    throw Error(fmt::format(
        "the {} name {} contains a dot: the database would not read it as a schema but make it one name, dot "
        "included, in the default schema. Name the {} {} and give the schema on its own: {}",
        what, shown(name), what, shown(bare), where));
  }
  if (schema.find('.') != std::string_view::npos) {
    throw Error(fmt::format("the schema name {} contains a dot; a schema is one name", shown(schema)));
  }
  return {std::string(schema), std::string(name)};
}

std::string DdlDialect::quote(const QualifiedName& name) const {
  return name.schema.empty() ? quote(name.name) : quote(name.schema) + "." + quote(name.name);
}

std::string DdlDialect::quote(std::string_view identifier) const {
  if (identifier.empty()) throw Error("an identifier (table, column, index or constraint name) is empty");
  if (identifier.find('\0') != std::string_view::npos) {
    throw Error(fmt::format("the identifier {} contains a NUL byte, which no database accepts", shown(identifier)));
  }
  if (dialect() == SqlDialect::postgresql && identifier.size() > 63) {
    throw Error(fmt::format(
        "the identifier {} is {} bytes long; PostgreSQL silently truncates names to 63 bytes, which can make "
        "two names collide. Choose a name of at most 63 bytes",
        shown(identifier), identifier.size()));
  }
  return sqltext::quote_name(identifier, dialect());
}

std::string DdlDialect::literal(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    throw Error("a string literal contains a NUL byte, which SQL text cannot carry; bind it as a parameter");
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + '\'';
}

std::string DdlDialect::literal_list(const std::vector<std::string>& texts) {
  std::string out;
  for (const auto& text : texts) out += (out.empty() ? "" : ", ") + literal(text);
  return out;
}

std::string DdlDialect::deferral_clause(bool deferrable, bool initially_deferred) {
  if (!deferrable) return {};
  return initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string foreign_key_action(std::string_view action, std::string_view clause) {
  std::string upper = keyword_text(action);
  static const char* const allowed[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"};
  for (const char* a : allowed) {
    if (upper == a) return upper;
  }
  throw Error(fmt::format("{} {} is not a foreign-key action; use CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION",
                          clause, shown(action)));
}

std::string foreign_key_match(std::string_view match) {
  std::string upper = keyword_text(match);
  if (upper == "FULL" || upper == "SIMPLE") return upper;
  throw Error(fmt::format("MATCH {} is not a foreign-key match type; use FULL or SIMPLE (PostgreSQL does not "
                          "implement PARTIAL)",
                          shown(match)));
}

std::string DdlDialect::column_list(const std::vector<std::string>& columns) const {
  std::string out;
  for (const auto& c : columns) {
    if (!out.empty()) out += ", ";
    out += quote(c);
  }
  return out;
}

bool DdlDialect::is_autoincrement_key(const TableDef& table, const ColumnDef& column) {
  if (!column.type.is_integer() || column.autoincrement == 0 || column.server_default || column.computed) return false;
  if (!table.primary_key || table.primary_key->columns.size() != 1 || table.primary_key->columns[0] != column.name) {
    return false;
  }
  if (column.references && column.autoincrement != 1) return false;  // a key that points elsewhere is not generated
  return true;
}

std::string DdlDialect::column_sql(const ColumnDef& column, bool serial_primary_key) const {
  std::string out = quote(column.name);
  std::string type = serial_primary_key ? std::string() : type_sql(column.type);
  if (serial_primary_key) {
    switch (column.type.kind) {
      case TypeKind::big_integer: type = "BIGSERIAL"; break;
      case TypeKind::small_integer: type = "SMALLSERIAL"; break;
      default: type = "SERIAL"; break;
    }
  }
  if (!type.empty()) out += " " + type;
  if (!column.collation.empty()) out += " COLLATE " + quote(column.collation);
  if (column.server_default) out += " DEFAULT " + default_sql(*column.server_default);
  if (column.computed) out += computed_clause(*column.computed);
  if (column.identity) out += identity_clause(*column.identity);
  if (!column.nullable || column.primary_key) out += " NOT NULL";
  if (std::string check = type_check(column.name, column.type); !check.empty()) out += " CHECK (" + check + ")";
  return out;
}

std::string DdlDialect::computed_clause(const ComputedDef& computed) const {
  check_sql_fragment(dialect(), computed.expression, "computed column expression");
  std::string out = " GENERATED ALWAYS AS (" + computed.expression + ")";
  switch (computed.persisted) {
    case Persisted::stored: return out + " STORED";
    case Persisted::virtual_column:
      if (dialect() == SqlDialect::postgresql) {
        throw Error("PostgreSQL 15 has only STORED generated columns; leave out Persisted::virtual_column");
      }
      return out + " VIRTUAL";
    case Persisted::automatic: return dialect() == SqlDialect::postgresql ? out + " STORED" : out;
  }
  return out;
}

std::string DdlDialect::identity_clause(const IdentityDef& identity) const {
  if (dialect() == SqlDialect::sqlite) {
    throw Error("SQLite has no identity columns: only a lone INTEGER primary key is generated (the rowid). Make the "
                "column that key, or leave .identity() out on SQLite");
  }
  std::string options;
  auto add = [&](const char* clause, long long value) {
    if (value != unset) options += fmt::format("{}{} {}", options.empty() ? "" : " ", clause, value);
  };
  add("START WITH", identity.sequence.start);
  add("INCREMENT BY", identity.sequence.increment);
  add("MINVALUE", identity.sequence.minvalue);
  add("MAXVALUE", identity.sequence.maxvalue);
  add("CACHE", identity.sequence.cache);
  if (identity.sequence.cycle) options += options.empty() ? "CYCLE" : " CYCLE";
  std::string out = identity.always ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
  return options.empty() ? out : out + " (" + options + ")";
}

std::string DdlDialect::foreign_key_clause(const ForeignKeyDef& fk) const {
  if (dialect() == SqlDialect::sqlite && !fk.referent_schema.empty()) {
    throw Error(fmt::format(
        "SQLite foreign keys reference a table of their own database (REFERENCES takes no schema); drop the "
        "schema {} from the reference to {} and keep both tables in one database",
        shown(fk.referent_schema), shown(fk.referent_table)));
  }
  std::string out = fmt::format("FOREIGN KEY({}) REFERENCES {} ({})", column_list(fk.columns),
                                quote(QualifiedName{fk.referent_schema, fk.referent_table}),
                                column_list(fk.referent_columns));
  if (fk.match == "FULL" && dialect() == SqlDialect::sqlite) {
    throw Error(fmt::format(
        "SQLite parses MATCH FULL but enforces every foreign key as MATCH SIMPLE: a key to {} with a NULL in one "
        "of its columns would pass unchecked. Drop .match, or add a CHECK that its columns are all NULL or all "
        "set",
        shown(fk.referent_table)));
  }
  if (!fk.match.empty()) out += " MATCH " + fk.match;
  if (!fk.ondelete.empty()) out += " ON DELETE " + fk.ondelete;
  if (!fk.onupdate.empty()) out += " ON UPDATE " + fk.onupdate;
  out += deferral_clause(fk.deferrable, fk.initially_deferred);
  return out;
}

std::string DdlDialect::constraint_clause(const ConstraintDef& constraint) const {
  std::string out = constraint.name.empty() ? std::string() : "CONSTRAINT " + quote(constraint.name) + " ";
  switch (constraint.kind) {
    case ConstraintDef::Kind::unique:
      if (!constraint.deferrable) return out + "UNIQUE (" + column_list(constraint.columns) + ")";
      if (dialect() == SqlDialect::sqlite) {
        throw Error("SQLite cannot defer a UNIQUE constraint (only foreign keys are DEFERRABLE there); drop "
                    ".deferrable / .initially_deferred, or check the rule in the application");
      }
      return out + "UNIQUE (" + column_list(constraint.columns) + ")" +
             deferral_clause(true, constraint.initially_deferred);
    case ConstraintDef::Kind::primary_key:
      return out + "PRIMARY KEY (" + column_list(constraint.columns) + ")";
    case ConstraintDef::Kind::foreign_key:
      return out + foreign_key_clause(constraint.foreign_key);
    case ConstraintDef::Kind::check:
      check_sql_fragment(dialect(), constraint.condition, "check condition");
      return out + "CHECK (" + constraint.condition + ")";
    case ConstraintDef::Kind::exclude: return out + exclude_clause(constraint);
  }
  return out;
}

std::string DdlDialect::exclude_clause(const ConstraintDef& constraint) const {
  if (dialect() == SqlDialect::sqlite) {
    throw Error("SQLite has no EXCLUDE constraints (they are PostgreSQL's). Where every operator is =, a unique "
                "index says the same; anything else (overlapping ranges) must be checked by a trigger or the "
                "application on SQLite");
  }
  const ExcludeDef& exclude = constraint.exclude;
  if (exclude.elements.empty()) throw Error("an EXCLUDE constraint needs at least one {column, operator} element");
  std::string elements;
  for (const auto& element : exclude.elements) {
    elements += (elements.empty() ? "" : ", ") + index_element(element.column) + " WITH " + element.op;
  }
  std::string out = "EXCLUDE USING " + quote(exclude.method) + " (" + elements + ")";
  if (!exclude.where.empty()) {
    check_sql_fragment(dialect(), exclude.where, "EXCLUDE WHERE condition");
    out += " WHERE (" + exclude.where + ")";
  }
  return out + deferral_clause(constraint.deferrable, constraint.initially_deferred);
}

std::vector<std::string> DdlDialect::create_table(const TableDef& table) const {
  check_table_options(table);
  std::vector<std::string> statements = before_create_table(table);
  std::vector<std::string> items;
  for (const auto& column : table.columns) {
    bool generated = is_autoincrement_key(table, column);
    if (generated && dialect() == SqlDialect::sqlite) {
      // Only a column declared INTEGER is the rowid that SQLite fills in
      // (and it is 64-bit), so BIGINT/SMALLINT keys are declared INTEGER.
      ColumnDef rowid = column;
      rowid.type.kind = TypeKind::integer;
      rowid.identity.reset();  // the rowid is the identity
      items.push_back(column_sql(rowid, false));
    } else {
      items.push_back(column_sql(column, generated && dialect() == SqlDialect::postgresql && !column.identity));
    }
    // AUTOINCREMENT is a column constraint of the key (check_table_options
    // made sure it is the one INTEGER key column).
    if (table.autoincrement && table.primary_key->columns[0] == column.name) {
      if (!table.primary_key->name.empty()) items.back() += " CONSTRAINT " + quote(table.primary_key->name);
      items.back() += " PRIMARY KEY AUTOINCREMENT";
    }
  }
  if (table.primary_key && !table.autoincrement) {
    items.push_back(constraint_clause({ConstraintDef::Kind::primary_key, table.primary_key->name,
                                       table.primary_key->columns, {}, {}}));
  }
  for (const auto& fk : table.foreign_keys) {
    items.push_back(constraint_clause({ConstraintDef::Kind::foreign_key, fk.name, {}, fk, {}}));
  }
  for (const auto& unique : table.uniques) {
    items.push_back(constraint_clause({ConstraintDef::Kind::unique, unique.name, unique.columns, {}, {},
                                       unique.deferrable, unique.initially_deferred}));
  }
  for (const auto& check : table.checks) {
    items.push_back(constraint_clause({ConstraintDef::Kind::check, check.name, {}, {}, check.condition}));
  }
  for (const auto& exclude : table.excludes) items.push_back(constraint_clause(exclude));
  std::string sql = create_table_head(table);
  // A partition without constraints has no list at all (its columns are the parent's).
  if (!items.empty()) {
    sql += " (";
    for (std::size_t i = 0; i < items.size(); ++i) sql += (i ? ",\n    " : "\n    ") + items[i];
    sql += "\n)";
  }
  statements.push_back(sql + create_table_tail(table));
  for (auto& s : after_create_table(table)) statements.push_back(std::move(s));
  return statements;
}

std::vector<std::string> DdlDialect::drop_table(const QualifiedName& table,
                                                const std::vector<QualifiedName>& enum_types) const {
  std::vector<std::string> statements{"DROP TABLE " + quote(table)};
  for (const auto& type : enum_types) {
    for (auto& s : drop_enum(type)) statements.push_back(std::move(s));
  }
  return statements;
}

std::vector<std::string> DdlDialect::rename_table(const QualifiedName& from, const std::string& to) const {
  return {"ALTER TABLE " + quote(from) + " RENAME TO " + quote(to)};
}

std::vector<std::string> DdlDialect::drop_column(const QualifiedName& table, const std::string& column) const {
  return {"ALTER TABLE " + quote(table) + " DROP COLUMN " + quote(column)};
}

std::string DdlDialect::index_element(const IndexColumnDef& column) const {
  std::string sql;
  if (column.expression) {
    check_sql_fragment(dialect(), column.text, "index expression");
    sql = "(" + column.text + ")";
  } else {
    sql = quote(column.text);
  }
  if (!column.op_class.empty()) sql += " " + quote(column.op_class);
  if (column.descending) sql += " DESC";
  if (column.nulls != IndexColumn::Nulls::unsaid) {
    sql += column.nulls == IndexColumn::Nulls::first ? " NULLS FIRST" : " NULLS LAST";
  }
  return sql;
}

std::string DdlDialect::index_sql(const IndexDef& index, bool allow_concurrently) const {
  bool nulls_order = std::any_of(index.columns.begin(), index.columns.end(),
                                 [](const IndexColumnDef& c) { return c.nulls != IndexColumn::Nulls::unsaid; });
  bool op_classes = std::any_of(index.columns.begin(), index.columns.end(),
                                [](const IndexColumnDef& c) { return !c.op_class.empty(); });
  if (dialect() == SqlDialect::sqlite) {
    const char* option = !index.method.empty()      ? "index method (USING)"
                         : !index.include.empty()   ? "INCLUDE columns"
                         : !index.with.empty()      ? "storage parameters (WITH)"
                         : !index.tablespace.empty() ? "tablespace"
                         : index.nulls_not_distinct ? "NULLS NOT DISTINCT"
                         : nulls_order              ? "NULLS FIRST/LAST"
                         : op_classes               ? "operator classes"
                                                    : nullptr;
    if (option) {
      throw Error(fmt::format("SQLite indexes take no {}: they are plain B-trees. Leave the option out on SQLite "
                              "(if (op.dialect() == retort::SqlDialect::postgresql) ...)",
                              option));
    }
  }
  std::string sql = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (index.concurrently && allow_concurrently) sql += "CONCURRENTLY ";
  if (index.if_not_exists) sql += "IF NOT EXISTS ";
  // PostgreSQL puts the index in its table's schema; SQLite names the
  // attached database on the index and never on the table.
  if (dialect() == SqlDialect::sqlite) {
    sql += quote(QualifiedName{index.schema, index.name}) + " ON " + quote(index.table);
  } else {
    sql += quote(index.name) + " ON " + quote(QualifiedName{index.schema, index.table});
  }
  if (!index.method.empty()) sql += " USING " + quote(index.method);
  sql += " (";
  for (std::size_t i = 0; i < index.columns.size(); ++i) sql += (i ? ", " : "") + index_element(index.columns[i]);
  sql += ")";
  if (!index.include.empty()) sql += " INCLUDE (" + column_list(index.include) + ")";
  if (index.nulls_not_distinct) sql += " NULLS NOT DISTINCT";
  if (!index.with.empty()) {
    std::string parameters;
    for (const auto& [key, value] : index.with) parameters += (parameters.empty() ? "" : ", ") + key + " = " + value;
    sql += " WITH (" + parameters + ")";
  }
  if (!index.tablespace.empty()) sql += " TABLESPACE " + quote(index.tablespace);
  if (!index.where.empty()) {
    check_sql_fragment(dialect(), index.where, "index WHERE condition");
    sql += " WHERE " + index.where;
  }
  return sql;
}

std::string DdlDialect::insert_row(const QualifiedName& table, const std::vector<std::string>& columns) const {
  std::string placeholders;
  for (std::size_t i = 0; i < columns.size(); ++i) placeholders += i ? ", ?" : "?";
  return fmt::format("INSERT INTO {} ({}) VALUES ({})", quote(table), column_list(columns), placeholders);
}

const DdlDialect& ddl_dialect(SqlDialect dialect) {
  return dialect == SqlDialect::postgresql ? postgresql_ddl() : sqlite_ddl();
}

}  // namespace retort::detail
