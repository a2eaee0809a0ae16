// The options of `op.batch_alter_table` and of its `add_column`: whether
// SQLite recreates the table, the definition to recreate it from, names for
// unnamed constraints, and where an added column goes. Free of
// standard-library headers, like schema.hpp.
#ifndef RETORT_BATCH_OPTIONS_HPP
#define RETORT_BATCH_OPTIONS_HPP

#include "retort/schema.hpp"

namespace retort {

// Alembic's batch `recreate`: auto (SQLite recreates the table unless every
// operation can run in place), always, never (refuse what SQLite cannot do).
enum class Recreate : unsigned char { automatic, always, never };

// The table as it stands, in create_table's terms (Columns, then
// PrimaryKeyConstraint, UniqueConstraint, ForeignKeyConstraint,
// CheckConstraint, and SQLite's TableOptions), for BatchOptions::copy_from.
// It refers to its items: write it inline in the batch_alter_table call,
// never as a variable.
template <unsigned long N>
struct TableDefinition {
  template <class... Items>
  constexpr TableDefinition(const Items&... items) : items{TableItem(items)...} {}
  TableItem items[N];
};
template <class... Items>
TableDefinition(const Items&...) -> TableDefinition<sizeof...(Items)>;

// BatchOptions::copy_from: a TableDefinition, or none (read the catalog).
struct CopyFrom {
  ListRef<TableItem> items = {};
  constexpr CopyFrom() = default;
  template <unsigned long N>
  constexpr CopyFrom(const TableDefinition<N>& definition) : items{definition.items, N} {}
};

// Names for the constraints a SQLite recreate finds (or adds) without one,
// so that the batch can drop them by name and the new table keeps the
// names. Tokens: {table}, {column_0} (the first column), {columns} (all,
// joined by "_"), {referred_table} (foreign keys). A CHECK's columns are
// the table's columns its condition mentions.
//   {.naming_convention = {.unique = "uq_{table}_{columns}",
//                          .foreign_key = "fk_{table}_{column_0}_{referred_table}",
//                          .check = "ck_{table}_{column_0}"}}
struct NamingConvention {
  StringRef unique = {};
  StringRef foreign_key = {};
  StringRef check = {};
};

struct BatchOptions {
  Recreate recreate = Recreate::automatic;
  // PostgreSQL: the table's schema. SQLite: an attached database; the
  // copy-and-move recreate reads the main database only, so a batch on
  // another one must run in place.
  StringRef schema = {};
  // SQLite recreate: the table's current definition, used instead of reading
  // the catalog (which also lets `--sql` render the recreate):
  //   {.copy_from = TableDefinition(Column("id", Integer).primary_key(), Column("body", Text))}
  // The old table's indexes and triggers are not read either: the new table
  // gets the index() of copy_from's columns and the batch's create_index.
  // PostgreSQL runs plain ALTERs and ignores it.
  CopyFrom copy_from = {};
  // SQLite recreate only; PostgreSQL names every constraint itself.
  NamingConvention naming_convention = {};
};

// Where batch.add_column puts the column (Alembic's insert_before /
// insert_after): next to an existing or already added column. SQLite
// recreates the table for it unless the column lands last anyway;
// PostgreSQL cannot place a column and refuses.
struct BatchColumnOptions {
  StringRef insert_before = {};
  StringRef insert_after = {};
};

}  // namespace retort

#endif  // RETORT_BATCH_OPTIONS_HPP
