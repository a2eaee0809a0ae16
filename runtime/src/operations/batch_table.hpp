// The SQLite batch's model of a table, read back from the catalog (or given
// as copy_from): what the copy-and-move rebuilds the table from.
#ifndef RETORT_OPERATIONS_BATCH_TABLE_HPP
#define RETORT_OPERATIONS_BATCH_TABLE_HPP

#include <optional>
#include <string>
#include <vector>

#include "operations/operations.hpp"

namespace retort::detail {

struct BatchColumn {
  ColumnDef def;
  std::string source;  // the column's name in the old table; empty when added
  bool type_changed = false;
};

// An index to recreate: its column list and WHERE as written, so that
// expressions survive; renames rewrite them token by token.
struct BatchIndex {
  std::string name;
  bool unique = false;
  std::string columns_sql;
  std::string where_sql;
};

struct BatchTable {
  std::vector<BatchColumn> columns;
  std::optional<PrimaryKeyDef> primary_key;
  std::vector<UniqueDef> uniques;
  std::vector<ForeignKeyDef> foreign_keys;
  std::vector<CheckDef> checks;
  std::vector<BatchIndex> indexes;
  std::vector<std::string> triggers;  // recreated as written: DROP TABLE takes them
  bool autoincrement = false;         // the key is PRIMARY KEY AUTOINCREMENT
  bool without_rowid = false;
  bool strict = false;
};

// The table of `state` as SQLite's catalog describes it, through `sink`.
// Refuses (OperationError) a table whose copy would lose something.
BatchTable reflect_sqlite_table(StatementSink& sink, const BatchState& state);

// Refuses (OperationError) a recreate whose DROP TABLE would fire other
// tables' ON DELETE actions; reflect_sqlite_table checks it too.
void refuse_foreign_keys_that_would_fire(StatementSink& sink, const BatchState& state);

// The table as the batch's copy_from describes it (no catalog read): its
// columns, keys and constraints, and the indexes of its index() columns.
BatchTable table_from_definition(const BatchState& state);

// Names the unnamed unique, foreign-key and check constraints of `table`
// after the batch's naming_convention; throws Error for a bad pattern or a
// name the table already has.
void name_unnamed_constraints(BatchTable& table, const BatchState& state);

}  // namespace retort::detail

#endif  // RETORT_OPERATIONS_BATCH_TABLE_HPP
