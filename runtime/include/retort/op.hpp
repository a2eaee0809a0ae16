// The operations a C++ migration's upgrade()/downgrade() call: `retort::Op`,
// Alembic's `op.*`. Free of standard-library headers, like migration.hpp.
//
// Every operation renders SQL for the connected dialect (PostgreSQL or
// SQLite) and hands it to the migration's statement sink: online it runs on
// the connection, offline (`--sql`) it is printed. The arguments are read
// during the call and never kept, so build them inline.
//
//   void upgrade(retort::Op& op) {
//     using namespace retort;
//     op.create_table("notifications",
//                     Column("id", Integer).primary_key(),
//                     Column("user_id", Integer).references("users.id"),
//                     Column("message", Text).nullable(false),
//                     Column("read", Boolean).server_default(false),
//                     Column("created_at", DateTime).server_default(sql("now()")));
//     op.create_index("ix_notifications_user", "notifications", {"user_id"});
//   }
//
// A failing operation throws retort::Error naming the operation, the line
// of the migration that called it, and what to do about it.
#ifndef RETORT_OP_HPP
#define RETORT_OP_HPP

#include "retort/batch_options.hpp"
#include "retort/schema.hpp"

namespace retort {

namespace detail {
class StatementSink;
struct BatchState;
struct QueryRows;
}  // namespace detail

// ---------------------------------------------------------------- data access

// One row of a query result; columns by position (0-based) or by name.
// NULL reads as is_null() == true, text() empty, integer()/real() 0.
class ResultRow {
 public:
  bool is_null(unsigned long column) const;
  bool is_null(StringRef column) const;
  StringRef text(unsigned long column) const;
  StringRef text(StringRef column) const;
  long long integer(unsigned long column) const;  // throws unless an integer
  long long integer(StringRef column) const;
  double real(unsigned long column) const;  // throws unless a number
  double real(StringRef column) const;

 private:
  friend class QueryResult;
  ResultRow(const detail::QueryRows* rows, unsigned long index) : rows_(rows), index_(index) {}
  unsigned long column_index(StringRef name) const;
  const detail::QueryRows* rows_;
  unsigned long index_;
};

// Rows read by Connection::query, owned by this object.
class QueryResult {
 public:
  class Iterator {
   public:
    ResultRow operator*() const { return ResultRow(rows_, index_); }
    Iterator& operator++() { return ++index_, *this; }
    bool operator!=(const Iterator& other) const { return index_ != other.index_; }

   private:
    friend class QueryResult;
    Iterator(const detail::QueryRows* rows, unsigned long index) : rows_(rows), index_(index) {}
    const detail::QueryRows* rows_;
    unsigned long index_;
  };

  explicit QueryResult(detail::QueryRows* rows) : rows_(rows) {}
  QueryResult(QueryResult&& other) : rows_(other.rows_) { other.rows_ = nullptr; }
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;
  ~QueryResult();

  unsigned long size() const;
  unsigned long column_count() const;
  StringRef column_name(unsigned long column) const;
  ResultRow operator[](unsigned long row) const { return ResultRow(rows_, row); }
  Iterator begin() const { return Iterator(rows_, 0); }
  Iterator end() const { return Iterator(rows_, size()); }

 private:
  detail::QueryRows* rows_;
};

// The live connection of a data migration (Alembic's `op.get_bind()`): read
// rows and write them back. Statements use `?` placeholders in every
// dialect. Offline (`--sql`) there is no connection: query() fails with an
// error naming the migration, so keep data migrations that read rows online.
class Connection {
 public:
  explicit Connection(detail::StatementSink& sink) : sink_(&sink) {}

  QueryResult query(StringRef sql, Line line = {});
  template <unsigned long N>
  QueryResult query(StringRef sql, const Param (&params)[N], Line line = {}) {
    return query_with(sql, ListRef<Param>{params, N}, line);
  }
  void execute(StringRef sql, Line line = {});
  template <unsigned long N>
  void execute(StringRef sql, const Param (&params)[N], Line line = {}) {
    execute_with(sql, ListRef<Param>{params, N}, line);
  }

 private:
  QueryResult query_with(StringRef sql, ListRef<Param> params, Line line);
  void execute_with(StringRef sql, ListRef<Param> params, Line line);
  detail::StatementSink* sink_;
};

// ---------------------------------------------------------------- batch mode

// The operations inside `op.batch_alter_table(table, [](BatchOp& batch) {...})`:
// all apply to that table. PostgreSQL runs each as a plain ALTER; SQLite
// runs them in place when it can, and otherwise recreates the table (create
// a new table, copy the rows, drop the old one, rename, recreate indexes).
class BatchOp {
 public:
  //   batch.add_column(Column("nickname", Text), {.insert_after = "name"});
  void add_column(const Column& column, BatchColumnOptions options = {}, Line line = {});
  void drop_column(StringRef column, Line line = {});
  void alter_column(StringRef column, AlterColumnOptions options, Line line = {});

  template <unsigned long N>
  void create_index(StringRef name, const IndexColumn (&columns)[N], IndexOptions options = {},
                    Line line = {}) {
    create_index_with(name, ListRef<IndexColumn>{columns, N}, options, line);
  }
  void drop_index(StringRef name, Line line = {});

  template <unsigned long N>
  void create_unique_constraint(StringRef name, const StringRef (&columns)[N], Line line = {}) {
    create_unique_constraint_with(name, ListRef<StringRef>{columns, N}, line);
  }
  template <unsigned long N>
  void create_primary_key(StringRef name, const StringRef (&columns)[N], Line line = {}) {
    create_primary_key_with(name, ListRef<StringRef>{columns, N}, line);
  }
  template <unsigned long N>
  void create_foreign_key(StringRef name, StringRef referent_table, const StringRef (&local_columns)[N],
                          const StringRef (&remote_columns)[N], ForeignKeyOptions options = {},
                          Line line = {}) {
    create_foreign_key_with(name, referent_table, ListRef<StringRef>{local_columns, N},
                            ListRef<StringRef>{remote_columns, N}, options, line);
  }
  void create_check_constraint(StringRef name, StringRef condition, Line line = {});
  void drop_constraint(StringRef name, Line line = {});

 private:
  friend class Op;
  explicit BatchOp(detail::BatchState* state) : state_(state) {}
  void create_index_with(StringRef name, ListRef<IndexColumn> columns, IndexOptions options, Line line);
  void create_unique_constraint_with(StringRef name, ListRef<StringRef> columns, Line line);
  void create_primary_key_with(StringRef name, ListRef<StringRef> columns, Line line);
  void create_foreign_key_with(StringRef name, StringRef referent_table, ListRef<StringRef> local_columns,
                               ListRef<StringRef> remote_columns, ForeignKeyOptions options, Line line);
  detail::BatchState* state_;
};

// ---------------------------------------------------------------- Op

class Op {
 public:
  explicit Op(detail::StatementSink& sink) : sink_(&sink) {}

  // Which database the migration runs against, for the rare migration that
  // must differ (`if (op.dialect() == retort::SqlDialect::sqlite) ...`).
  SqlDialect dialect() const;
  // True when generating an SQL script (`--sql`): no rows can be read.
  bool offline() const;

  // ------------------------------------------------------------ tables

  // Creates a table from Columns and, after them, table-level items:
  // PrimaryKeyConstraint, UniqueConstraint, ForeignKeyConstraint,
  // CheckConstraint, ExcludeConstraint, TableComment, TableOptions. PostgreSQL enum types with labels are
  // created first; columns marked index() get their index afterwards. A
  // partition (TableOptions{.postgresql_partition_of}) takes no Column.
  template <class... Items>
  void create_table(LocatedName name, const Items&... items) {
    const TableItem list[] = {TableItem(items)..., TableItem()};
    create_table_with(name.text, ListRef<TableItem>{list, sizeof...(Items)}, Line::at(name.line));
  }
  // Drops a table. PostgreSQL keeps enum types when a table goes: name the
  // table's enum types (Enum("mood")) or columns to drop them too.
  template <class... Items>
  void drop_table(LocatedName name, const Items&... items) {
    const TableItem list[] = {TableItem(items)..., TableItem()};
    drop_table_with(name.text, ListRef<TableItem>{list, sizeof...(Items)}, Line::at(name.line));
  }
  // The table stays in its schema: `new_name` is a bare name.
  void rename_table(StringRef old_name, StringRef new_name, SchemaOptions options = {}, Line line = {});
  // PostgreSQL partitions (SQLite refuses them): make an existing table a
  // partition of `parent`, with bounds as in TableOptions'
  // postgresql_partition_bounds ("FOR VALUES IN ('eu')", "DEFAULT"), or
  // make a partition a table of its own again. Both tables are in
  // options.schema. Each is the other's downgrade.
  void attach_partition(StringRef parent, StringRef partition, StringRef bounds, SchemaOptions options = {},
                        Line line = {});
  void detach_partition(StringRef parent, StringRef partition, SchemaOptions options = {}, Line line = {});
  // Table comments (PostgreSQL; SQLite has none and gets no statement).
  void create_table_comment(StringRef table, StringRef comment, SchemaOptions options = {}, Line line = {});
  void drop_table_comment(StringRef table, SchemaOptions options = {}, Line line = {});

  // ------------------------------------------------------------ columns

  // Adds a column; its references() becomes a foreign key, index() an index
  // (unique() with index(): one unique index). On SQLite unique() alone is
  // a unique index uq_<table>_<column>, which SQLite can add in place.
  void add_column(StringRef table, const Column& column, SchemaOptions options = {}, Line line = {});
  void drop_column(StringRef table, StringRef column, SchemaOptions options = {}, Line line = {});
  // Type, nullability, default, name, comment. On SQLite only a rename runs
  // in place; anything else must be written inside batch_alter_table.
  void alter_column(StringRef table, StringRef column, AlterColumnOptions options, Line line = {});

  // ------------------------------------------------------------ indexes, constraints

  //   op.create_index("ix_users_email", "users", {"email"}, {.unique = true});
  //   op.create_index("ix_lower", "users", {sql("lower(email)")});
  template <unsigned long N>
  void create_index(StringRef name, StringRef table, const IndexColumn (&columns)[N],
                    IndexOptions options = {}, Line line = {}) {
    create_index_with(name, table, ListRef<IndexColumn>{columns, N}, options, line);
  }
  void drop_index(StringRef name, DropIndexOptions options = {}, Line line = {});
  void drop_index(StringRef name, StringRef table, DropIndexOptions options = {}, Line line = {});

  template <unsigned long N>
  void create_unique_constraint(StringRef name, StringRef table, const StringRef (&columns)[N],
                                UniqueConstraintOptions options = {}, Line line = {}) {
    create_unique_constraint_with(name, table, ListRef<StringRef>{columns, N}, options, line);
  }
  template <unsigned long N>
  void create_primary_key(StringRef name, StringRef table, const StringRef (&columns)[N],
                          SchemaOptions options = {}, Line line = {}) {
    create_primary_key_with(name, table, ListRef<StringRef>{columns, N}, options, line);
  }
  // With `.not_valid = true` PostgreSQL adds the constraint without checking
  // existing rows; a later `validate_constraint` checks them.
  template <unsigned long N>
  void create_foreign_key(StringRef name, StringRef source_table, StringRef referent_table,
                          const StringRef (&local_columns)[N], const StringRef (&remote_columns)[N],
                          ForeignKeyOptions options = {}, Line line = {}) {
    create_foreign_key_with(name, source_table, referent_table, ListRef<StringRef>{local_columns, N},
                            ListRef<StringRef>{remote_columns, N}, options, line);
  }
  void create_check_constraint(StringRef name, StringRef table, StringRef condition, SchemaOptions options = {},
                               Line line = {});
  // PostgreSQL's EXCLUDE constraint (Alembic's create_exclude_constraint);
  // SQLite has none and refuses it. Equality on a plain column inside a
  // gist constraint needs the btree_gist extension.
  //   op.create_exclude_constraint("ex_bookings_room", "bookings",
  //                                {{"room_id", "="}, {sql("tsrange(starts_at, ends_at)"), "&&"}});
  template <unsigned long N>
  void create_exclude_constraint(StringRef name, StringRef table, const ExcludeElement (&elements)[N],
                                 ExcludeOptions options = {}, Line line = {}) {
    create_exclude_constraint_with(name, table, ListRef<ExcludeElement>{elements, N}, options, line);
  }
  // PostgreSQL: ALTER TABLE ... VALIDATE CONSTRAINT (after a NOT VALID add).
  void validate_constraint(StringRef name, StringRef table, SchemaOptions options = {}, Line line = {});
  void drop_constraint(StringRef name, StringRef table, SchemaOptions options = {}, Line line = {});

  // PostgreSQL enum types by hand (create_table/add_column create them for
  // you; drop_table drops the ones you name). The schema of create_enum is
  // the type's own (`Enum(...).in_schema("audit")`).
  void create_enum(Type enum_type, Line line = {});
  void drop_enum(StringRef name, SchemaOptions options = {}, Line line = {});

  // ------------------------------------------------------------ data

  // Runs one SQL statement as written (or prints it in offline mode).
  void execute(StringRef sql, Line line = {});
  // With bound parameters at `?` placeholders; offline they are inlined as
  // escaped literals.  op.execute("UPDATE t SET a = ? WHERE id = ?", {"x", 3});
  template <unsigned long N>
  void execute(StringRef sql, const Param (&params)[N], Line line = {}) {
    execute_with(sql, ListRef<Param>{params, N}, line);
  }
  // One INSERT per row, values bound (inlined offline):
  //   op.bulk_insert("roles", {"id", "name"}, {{1, "admin"}, {2, "user"}});
  template <unsigned long C, unsigned long R>
  void bulk_insert(StringRef table, const StringRef (&columns)[C], const Param (&rows)[R][C],
                   SchemaOptions options = {}, Line line = {}) {
    bulk_insert_with(table, ListRef<StringRef>{columns, C}, &rows[0][0], R, options, line);
  }
  // The connection for data migrations that read rows (online only).
  Connection connection() { return Connection(*sink_); }

  // ------------------------------------------------------------ blocks

  // Alembic's batch_alter_table:
  //   op.batch_alter_table("users", [](retort::BatchOp& batch) {
  //     batch.alter_column("email", {.nullable = false});
  //     batch.drop_column("legacy");
  //   });
  template <class Body>
  void batch_alter_table(StringRef table, Body&& body, BatchOptions options = {}, Line line = {}) {
    BatchOp batch(begin_batch(table, options, line));
    BatchGuard guard{batch.state_};
    body(batch);
    guard.state = nullptr;
    finish_batch(batch.state_);
  }

  // Runs `body` outside the migration's transaction (Alembic's
  // autocommit_block), e.g. for CREATE INDEX CONCURRENTLY:
  //   op.autocommit_block([&] {
  //     op.create_index("ix_users_email", "users", {"email"}, {.concurrently = true});
  //   });
  template <class Body>
  void autocommit_block(Body&& body) {
    begin_autocommit_block();
    body();
    end_autocommit_block();
  }

  // What a table-level argument of create_table/drop_table is.
  using TableItem = retort::TableItem;

 private:
  struct BatchGuard {
    detail::BatchState* state;
    ~BatchGuard() { if (state) abandon_batch(state); }
  };

  void create_table_with(StringRef name, ListRef<TableItem> items, Line line);
  void drop_table_with(StringRef name, ListRef<TableItem> items, Line line);
  void create_index_with(StringRef name, StringRef table, ListRef<IndexColumn> columns, IndexOptions options,
                         Line line);
  void create_unique_constraint_with(StringRef name, StringRef table, ListRef<StringRef> columns,
                                     UniqueConstraintOptions options, Line line);
  void create_primary_key_with(StringRef name, StringRef table, ListRef<StringRef> columns, SchemaOptions options,
                               Line line);
  void create_foreign_key_with(StringRef name, StringRef source_table, StringRef referent_table,
                               ListRef<StringRef> local_columns, ListRef<StringRef> remote_columns,
                               ForeignKeyOptions options, Line line);
  void create_exclude_constraint_with(StringRef name, StringRef table, ListRef<ExcludeElement> elements,
                                      ExcludeOptions options, Line line);
  void execute_with(StringRef sql, ListRef<Param> params, Line line);
  void bulk_insert_with(StringRef table, ListRef<StringRef> columns, const Param* values, unsigned long rows,
                        SchemaOptions options, Line line);
  detail::BatchState* begin_batch(StringRef table, BatchOptions options, Line line);
  void finish_batch(detail::BatchState* state);
  static void abandon_batch(detail::BatchState* state);
  void begin_autocommit_block();
  void end_autocommit_block();

  detail::StatementSink* sink_;
};

}  // namespace retort

#endif
