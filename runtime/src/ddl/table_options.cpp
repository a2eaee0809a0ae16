// TableOptions on CREATE TABLE, and PostgreSQL's ATTACH/DETACH PARTITION.
// An option of one database is refused on the other, naming the option,
// rather than ignored: a migration that asked for UNLOGGED or AUTOINCREMENT
// should not silently get a table without it.
#include <fmt/format.h>

#include "ddl/dialect.hpp"
#include "sql_text.hpp"

namespace retort::detail {

namespace {

constexpr std::string_view on_postgresql = "(if (op.dialect() == retort::SqlDialect::postgresql) ...)";
constexpr std::string_view on_sqlite = "(if (op.dialect() == retort::SqlDialect::sqlite) ...)";

[[noreturn]] void refuse_partitions_on_sqlite(std::string_view what) {
  throw Error(fmt::format("SQLite has no table partitioning ({}); keep the rows in one table there, and leave the "
                          "partitioning out on SQLite {}",
                          what, on_postgresql));
}

void check_postgresql_options(const TableDef& table) {
  auto refuse = [&](std::string_view option, std::string_view why) {
    throw Error(fmt::format("TableOptions{{.{}}} is a SQLite table option: {}. Leave it out on PostgreSQL {}", option,
                            why, on_sqlite));
  };
  if (table.autoincrement) {
    refuse("sqlite_autoincrement = true",
           "PostgreSQL's integer primary key is SERIAL, whose sequence never hands out an id twice anyway");
  }
  if (table.without_rowid) refuse("sqlite_with_rowid = false", "PostgreSQL tables have no rowid");
  if (table.strict) refuse("sqlite_strict = true", "PostgreSQL always enforces column types");
  if (table.unlogged && !table.partition_by.empty()) {
    throw Error(fmt::format("PostgreSQL cannot make the partitioned table {} UNLOGGED (it holds no rows itself); "
                            "make its partitions unlogged instead (postgresql_unlogged with postgresql_partition_of)",
                            shown(table.name)));
  }
  if (!table.partition_of.empty() && table.partition_bounds.empty()) {
    throw Error(fmt::format("the partition {} of {} has no bounds; give .postgresql_partition_bounds = \"FOR VALUES "
                            "FROM (...) TO (...)\", \"FOR VALUES IN (...)\", \"FOR VALUES WITH (MODULUS m, REMAINDER "
                            "r)\" or \"DEFAULT\"",
                            shown(table.name), shown(table.partition_of)));
  }
  if (table.partition_of.empty() && !table.partition_bounds.empty()) {
    throw Error(fmt::format("table {} has .postgresql_partition_bounds but no .postgresql_partition_of; name the "
                            "partitioned table it belongs to",
                            shown(table.name)));
  }
  if (!table.partition_of.empty() && !table.columns.empty()) {
    throw Error(fmt::format("the partition {} takes its columns from {}; give it no Column (table constraints, "
                            "such as a CheckConstraint, are accepted)",
                            shown(table.name), shown(table.partition_of)));
  }
  if (!table.partition_by.empty()) {
    check_sql_fragment(SqlDialect::postgresql, table.partition_by, "postgresql_partition_by",
                       FragmentKind::partition_key);
  }
  if (!table.partition_bounds.empty()) {
    check_sql_fragment(SqlDialect::postgresql, table.partition_bounds, "postgresql_partition_bounds",
                       FragmentKind::partition_bound);
  }
}

// STRICT accepts exactly these declared types (SQLite's STRICT tables doc).
bool is_strict_type(const std::string& type) {
  for (const char* allowed : {"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"}) {
    if (keyword_text(type) == allowed) return true;
  }
  return false;
}

}  // namespace

void DdlDialect::check_table_options(const TableDef& table) const {
  if (table.columns.empty() && table.partition_of.empty()) throw Error("create_table needs at least one Column");
  if (dialect() == SqlDialect::postgresql) return check_postgresql_options(table);

  if (table.unlogged) {
    throw Error(fmt::format("SQLite has no unlogged tables: durability is set per database file (PRAGMA "
                            "journal_mode, PRAGMA synchronous), not per table. Leave .postgresql_unlogged out on "
                            "SQLite {}",
                            on_postgresql));
  }
  if (!table.partition_by.empty()) refuse_partitions_on_sqlite(".postgresql_partition_by");
  if (!table.partition_of.empty() || !table.partition_bounds.empty()) {
    refuse_partitions_on_sqlite(".postgresql_partition_of");
  }
  if (table.without_rowid && !table.primary_key) {
    throw Error(fmt::format("the WITHOUT ROWID table {} needs a primary key (it is stored by that key); mark a "
                            "Column primary_key() or give a PrimaryKeyConstraint",
                            shown(table.name)));
  }
  if (table.autoincrement && table.without_rowid) {
    throw Error(fmt::format("table {}: AUTOINCREMENT counts the rowid, which a WITHOUT ROWID table does not have; "
                            "drop .sqlite_autoincrement or .sqlite_with_rowid = false",
                            shown(table.name)));
  }
  for (const auto& column : table.columns) {
    bool rowid = is_autoincrement_key(table, column);
    std::string type = rowid ? "INTEGER" : type_sql(column.type);
    bool key = table.primary_key && table.primary_key->columns.size() == 1 && table.primary_key->columns[0] == column.name;
    if (table.autoincrement && key && keyword_text(type) != "INTEGER") {
      throw Error(fmt::format("table {}: AUTOINCREMENT needs the primary key to be declared INTEGER (the rowid), "
                              "and {} is {}; make it Integer, or drop .sqlite_autoincrement",
                              shown(table.name), shown(column.name), type.empty() ? "declared without a type" : type));
    }
    if (table.strict && !is_strict_type(type)) {
      throw Error(fmt::format("the STRICT table {} takes only the column types INT, INTEGER, REAL, TEXT, BLOB and "
                              "ANY, and column {} is {}; declare it Integer, Text, LargeBinary, Raw(\"REAL\") or "
                              "Raw(\"ANY\"), or drop .sqlite_strict",
                              shown(table.name), shown(column.name), type.empty() ? "declared without a type" : type));
    }
  }
  if (table.autoincrement && (!table.primary_key || table.primary_key->columns.size() != 1)) {
    throw Error(fmt::format("table {}: AUTOINCREMENT needs a primary key of one INTEGER column (the rowid); give "
                            "one, or drop .sqlite_autoincrement",
                            shown(table.name)));
  }
}

std::string DdlDialect::create_table_head(const TableDef& table) const {
  std::string sql = table.unlogged ? "CREATE UNLOGGED TABLE " : "CREATE TABLE ";
  sql += quote(QualifiedName{table.schema, table.name});
  if (!table.partition_of.empty()) sql += " PARTITION OF " + quote(QualifiedName{table.schema, table.partition_of});
  return sql;
}

std::string DdlDialect::create_table_tail(const TableDef& table) const {
  std::string sql;
  if (!table.partition_bounds.empty()) sql += " " + table.partition_bounds;
  if (!table.partition_by.empty()) sql += " PARTITION BY " + table.partition_by;
  if (table.without_rowid) sql += " WITHOUT ROWID";
  if (table.strict) sql += table.without_rowid ? ", STRICT" : " STRICT";
  return sql;
}

std::vector<std::string> DdlDialect::attach_partition(const QualifiedName& parent, const std::string& partition,
                                                      const std::string& bounds) const {
  if (dialect() == SqlDialect::sqlite) refuse_partitions_on_sqlite("op.attach_partition");
  check_sql_fragment(dialect(), bounds, "partition bound", FragmentKind::partition_bound);
  return {"ALTER TABLE " + quote(parent) + " ATTACH PARTITION " + quote(QualifiedName{parent.schema, partition}) +
          " " + bounds};
}

std::vector<std::string> DdlDialect::detach_partition(const QualifiedName& parent, const std::string& partition) const {
  if (dialect() == SqlDialect::sqlite) refuse_partitions_on_sqlite("op.detach_partition");
  return {"ALTER TABLE " + quote(parent) + " DETACH PARTITION " + quote(QualifiedName{parent.schema, partition})};
}

}  // namespace retort::detail
