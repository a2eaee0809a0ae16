// The operations layer: turns the migration's arguments into the owning DDL
// model, renders it with the sink's dialect and sends the statements to the
// sink. Shared by Op and BatchOp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ddl/dialect.hpp"
#include "operations/operation_error.hpp"
#include "retort/op.hpp"
#include "statement_sink.hpp"

namespace retort::detail {

std::string owned(StringRef text);
std::vector<std::string> owned(ListRef<StringRef> list);
SqlType to_sql_type(const Type& type);
std::optional<ServerDefault> to_server_default(const DefaultValue& value);
ColumnDef to_column(const ColumnSpec& spec);
ForeignKeyDef to_foreign_key(std::vector<std::string> columns, StringRef referent_table,
                             std::vector<std::string> referent_columns, StringRef name,
                             const ForeignKeyOptions& options);
// An index of `table` from create_index's arguments; storage parameters
// are checked here (name = value each).
IndexDef to_index(StringRef name, const QualifiedName& table, ListRef<IndexColumn> columns,
                  const IndexOptions& options);
// An EXCLUDE constraint; each operator is checked to be operator characters.
ConstraintDef to_exclude(StringRef name, ListRef<ExcludeElement> elements, const ExcludeOptions& options);
// create_table's arguments as one table (column-level keys become table
// constraints, as SQLAlchemy renders them).
TableDef to_table(StringRef name, ListRef<TableItem> items);
AlterColumnDef to_alter_column(StringRef table, StringRef column, const AlterColumnOptions& options);
Value to_value(const Param& param);

// `op.name("a", "b")`, how messages show an operation.
std::string describe(std::string_view operation, std::initializer_list<std::string_view> arguments);

// Throws OperationError: "<description> at line N of the migration: <reason>".
[[noreturn]] void fail(const std::string& description, unsigned line, const std::string& reason);

// Renders with the sink's dialect and runs the statements. A rendering
// failure (refused operation, bad name) becomes an Error naming the
// operation and the migration line.
void perform(StatementSink& sink, const std::string& description, unsigned line,
             const std::function<std::vector<std::string>(const DdlDialect&)>& render);

// A table, index or type name of a migration and its schema option; `hint`
// is where the schema belongs in that call (shown when the name has a dot).
QualifiedName qualified_name(StringRef schema, StringRef name, std::string_view what, std::string_view hint);
// The hint of a table-level call, whose options take `.schema`.
inline constexpr std::string_view schema_hint = "{.schema = \"schema\"}";

// The single-table operations, shared by Op and BatchOp.
void add_column(StatementSink& sink, const QualifiedName& table, const ColumnDef& column, unsigned line);
void drop_column(StatementSink& sink, const QualifiedName& table, const std::string& column, unsigned line);
void alter_column(StatementSink& sink, const AlterColumnDef& change, unsigned line);
void create_index(StatementSink& sink, const IndexDef& index, unsigned line);
void drop_index(StatementSink& sink, const QualifiedName& name, bool concurrently, bool if_exists, unsigned line);
void add_constraint(StatementSink& sink, const QualifiedName& table, const ConstraintDef& constraint, unsigned line);
void drop_constraint(StatementSink& sink, const QualifiedName& table, const std::string& name, unsigned line);

// The index a column's index() asks for, ix_<table>_<column>, unique when
// the column is unique() too (SQLAlchemy's one CREATE UNIQUE INDEX).
IndexDef column_index(const QualifiedName& table, const std::string& column, bool unique);

// What a batch_alter_table body asked for, replayed when the body returns.
struct BatchStep {
  struct AddColumn {
    ColumnDef column;
    std::string insert_before, insert_after;  // empty: at the end
    bool positioned() const { return !insert_before.empty() || !insert_after.empty(); }
  };
  struct DropColumn { std::string name; };
  struct DropIndex { std::string name; };
  struct DropConstraint { std::string name; };
  std::variant<AddColumn, DropColumn, AlterColumnDef, IndexDef, DropIndex, ConstraintDef, DropConstraint> action;
  unsigned line;
};

struct BatchState {
  StatementSink* sink;
  std::string table;
  std::string schema;
  BatchOptions options;
  unsigned line;
  std::vector<BatchStep> steps;
};

// Runs a batch: plain ALTERs on PostgreSQL; on SQLite in place when every
// step can be, else the copy-and-move recreate.
void run_batch(BatchState& state);

}  // namespace retort::detail
