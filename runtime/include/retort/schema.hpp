// The vocabulary of C++ migrations: columns, table constraints and the
// option structs `retort::Op` takes (text and column types: types.hpp;
// batch_alter_table's options: batch_options.hpp).
//
// Free of standard-library headers (retortc parses every migration with
// Clang at build time). Everything here is a small non-owning value: build it
// inline in the call, e.g. `op.add_column("t", Column("c", String(50)))`;
// Retort reads it during the call and keeps nothing afterwards.
#ifndef RETORT_SCHEMA_HPP
#define RETORT_SCHEMA_HPP

#include "retort/sql_dialect.hpp"
#include "retort/types.hpp"

namespace retort {

// The caller's line, captured by default arguments so that a failing
// operation can name the line of the migration that issued it. Not
// constructible from a number, so `op.execute(sql, {3})` binds a parameter
// rather than setting the line.
struct Line {
  struct Caller {};
  unsigned value;
  constexpr Line(Caller = Caller{}, unsigned v = __builtin_LINE()) : value(v) {}
  static constexpr Line at(unsigned v) { return Line(Caller{}, v); }
};

// A name plus the caller's line, for variadic operations where a trailing
// `Line` argument cannot have a default.
struct LocatedName {
  StringRef text = {};
  unsigned line;
  constexpr LocatedName(const char* s, unsigned line = __builtin_LINE()) : text(s), line(line) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr LocatedName(const S& s, unsigned line = __builtin_LINE()) : text(s), line(line) {}
};

// A piece of raw SQL, written where an expression belongs: a server default
// (`sql("now()")`), an index expression (`sql("lower(email)")`). Inserted
// verbatim, so never build it from untrusted input.
struct Sql {
  StringRef text = {};
};
constexpr Sql sql(StringRef text) { return Sql{text}; }


// ---------------------------------------------------------------- values

// A server default: a literal (rendered as an escaped SQL literal) or a raw
// SQL expression written `sql("now()")`.
class DefaultValue {
 public:
  enum class Kind : unsigned char { none, text, expression, integer, real, boolean };

  constexpr DefaultValue() = default;
  constexpr DefaultValue(const char* text) : kind_(Kind::text), text_(text) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr DefaultValue(const S& text) : kind_(Kind::text), text_(text) {}
  constexpr DefaultValue(Sql expression) : kind_(Kind::expression), text_(expression.text) {}
  constexpr DefaultValue(int v) : kind_(Kind::integer), integer_(v) {}
  constexpr DefaultValue(long v) : kind_(Kind::integer), integer_(v) {}
  constexpr DefaultValue(long long v) : kind_(Kind::integer), integer_(v) {}
  constexpr DefaultValue(double v) : kind_(Kind::real), real_(v) {}
  constexpr DefaultValue(bool v) : kind_(Kind::boolean), integer_(v) {}

  constexpr Kind kind() const { return kind_; }
  constexpr StringRef text() const { return text_; }
  constexpr long long integer() const { return integer_; }
  constexpr double real() const { return real_; }

 private:
  Kind kind_ = Kind::none;
  StringRef text_ = {};
  long long integer_ = 0;
  double real_ = 0;
};

// A bound parameter of `execute` / `bulk_insert` / `Connection::query`.
class Param {
 public:
  enum class Kind : unsigned char { null, integer, real, boolean, text };

  constexpr Param(decltype(nullptr)) {}
  constexpr Param(const char* text) : kind_(Kind::text), text_(text) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr Param(const S& text) : kind_(Kind::text), text_(text) {}
  constexpr Param(int v) : kind_(Kind::integer), integer_(v) {}
  constexpr Param(long v) : kind_(Kind::integer), integer_(v) {}
  constexpr Param(long long v) : kind_(Kind::integer), integer_(v) {}
  constexpr Param(unsigned v) : kind_(Kind::integer), integer_(v) {}
  constexpr Param(unsigned long v) : kind_(Kind::integer), integer_(static_cast<long long>(v)) {}
  constexpr Param(unsigned long long v) : kind_(Kind::integer), integer_(static_cast<long long>(v)) {}
  constexpr Param(double v) : kind_(Kind::real), real_(v) {}
  constexpr Param(bool v) : kind_(Kind::boolean), integer_(v) {}

  constexpr Kind kind() const { return kind_; }
  constexpr StringRef text() const { return text_; }
  constexpr long long integer() const { return integer_; }
  constexpr double real() const { return real_; }

 private:
  Kind kind_ = Kind::null;
  StringRef text_ = {};
  long long integer_ = 0;
  double real_ = 0;
};

// A list of names or values written in braces, `{"a", "b"}`, passed on to
// the runtime as pointer and count.
template <class T>
struct ListRef {
  const T* items = nullptr;
  unsigned long count = 0;
};

// ---------------------------------------------------------------- columns

// Foreign-key options. ondelete/onupdate: "CASCADE", "SET NULL",
// "SET DEFAULT", "RESTRICT" or "NO ACTION" (anything else is refused).
struct ForeignKeyOptions {
  StringRef ondelete = {};
  StringRef onupdate = {};
  // MATCH "FULL" (a key with any NULL column must be all NULL) or "SIMPLE"
  // (the default). SQLite enforces SIMPLE only and refuses FULL.
  StringRef match = {};
  bool deferrable = false;
  bool initially_deferred = false;
  // PostgreSQL: add the constraint NOT VALID (no scan of existing rows,
  // no long lock); check the rows later with `op.validate_constraint`.
  bool not_valid = false;
  StringRef source_schema = {};    // op.create_foreign_key: the source table's schema
  StringRef referent_schema = {};  // the referenced table's schema
};

// An identity column's sequence (PostgreSQL), Alembic's Identity():
// `.identity({.always = true, .start = 1000, .increment = 10})`. A field
// left at `unset` is the database's default.
inline constexpr long long unset = -9223372036854775807LL - 1;
struct IdentityOptions {
  bool always = false;  // GENERATED ALWAYS; otherwise BY DEFAULT (inserts may give a value)
  long long start = unset;
  long long increment = unset;
  long long minvalue = unset;
  long long maxvalue = unset;
  long long cache = unset;
  bool cycle = false;
};

// Where a computed column's value lives: the database's default (PostgreSQL
// STORED, SQLite VIRTUAL), stored, or computed when read (SQLite only).
enum class Persisted : unsigned char { automatic, stored, virtual_column };

struct ColumnSpec {
  StringRef name = {};
  Type type;
  bool primary_key = false;
  signed char nullable = -1;       // -1: not said (nullable unless primary key)
  signed char autoincrement = -1;  // -1: auto (a lone integer primary key)
  bool unique = false;
  bool index = false;
  DefaultValue server_default = {};
  StringRef comment = {};
  bool has_comment = false;
  StringRef references_table = {};  // empty: no foreign key
  StringRef references_column = {};
  StringRef references_name = {};
  ForeignKeyOptions references_options = {};
  bool identity = false;
  IdentityOptions identity_options = {};
  StringRef computed = {};  // empty: not a computed column
  Persisted persisted = Persisted::automatic;
  StringRef collation = {};
};

// A column of create_table / add_column, configured fluently:
//   Column("id", Integer).primary_key()
//   Column("email", String(255)).nullable(false).unique()
//   Column("user_id", Integer).references("users.id", {.ondelete = "CASCADE"})
//   Column("created_at", DateTime(with_timezone)).server_default(sql("now()"))
class Column {
 public:
  constexpr Column(StringRef name, Type type) { spec.name = name, spec.type = type; }

  constexpr Column& primary_key(bool on = true) { return spec.primary_key = on, *this; }
  constexpr Column& nullable(bool on = true) { return spec.nullable = on, *this; }
  constexpr Column& unique(bool on = true) { return spec.unique = on, *this; }
  // Also creates the index `ix_<table>_<column>` (create_table/add_column).
  constexpr Column& index(bool on = true) { return spec.index = on, *this; }
  // Integer primary keys are SERIAL on PostgreSQL unless this is false.
  constexpr Column& autoincrement(bool on) { return spec.autoincrement = on, *this; }
  constexpr Column& server_default(DefaultValue value) { return spec.server_default = value, *this; }
  // Ignored by SQLite, which has no comments.
  constexpr Column& comment(StringRef text) { return spec.comment = text, spec.has_comment = true, *this; }
  // "table.column", as SQLAlchemy's ForeignKey("users.id").
  constexpr Column& references(StringRef table_dot_column, ForeignKeyOptions options = {}) {
    unsigned long dot = table_dot_column.size();
    while (dot > 0 && table_dot_column.data()[dot - 1] != '.') --dot;
    if (dot == 0) return references(table_dot_column, StringRef(), options);
    return references(StringRef(table_dot_column.data(), dot - 1),
                      StringRef(table_dot_column.data() + dot, table_dot_column.size() - dot), options);
  }
  constexpr Column& references(StringRef table, StringRef column, ForeignKeyOptions options = {}) {
    spec.references_table = table;
    spec.references_column = column;
    spec.references_options = options;
    return *this;
  }
  // GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY (PostgreSQL). SQLite accepts
  // it only on a lone INTEGER primary key, which its rowid generates anyway.
  constexpr Column& identity(IdentityOptions options = {}) {
    return spec.identity = true, spec.identity_options = options, *this;
  }
  // GENERATED ALWAYS AS (expression) [STORED|VIRTUAL]:
  // `Column("total", Numeric(10, 2)).computed(sql("price * quantity"))`.
  constexpr Column& computed(Sql expression, Persisted persisted = Persisted::automatic) {
    return spec.computed = expression.text, spec.persisted = persisted, *this;
  }
  // COLLATE name: PostgreSQL's collations ("C", "en-x-icu", ...), SQLite's
  // BINARY, NOCASE or RTRIM.
  constexpr Column& collation(StringRef name) { return spec.collation = name, *this; }
  // Names the foreign key that references() creates.
  constexpr Column& references_name(StringRef name) { return spec.references_name = name, *this; }

  ColumnSpec spec;
};

// ---------------------------------------------------------------- table constraints

struct ConstraintOptions {
  StringRef name = {};  // empty: the database names it
};

// Table-level items of create_table, after the columns.
struct PrimaryKeyConstraint {
  template <unsigned long N>
  constexpr PrimaryKeyConstraint(const StringRef (&columns)[N], ConstraintOptions options = {})
      : columns{columns, N}, name(options.name) {}
  ListRef<StringRef> columns;
  StringRef name = {};
};

// PostgreSQL can defer a unique check to commit (SQLite cannot: refused).
// A foreign key cannot reference a deferrable unique constraint.
struct UniqueOptions {
  StringRef name = {};  // empty: the database names it
  bool deferrable = false;
  bool initially_deferred = false;  // implies deferrable
};

struct UniqueConstraint {
  template <unsigned long N>
  constexpr UniqueConstraint(const StringRef (&columns)[N], UniqueOptions options = {})
      : columns{columns, N},
        name(options.name),
        deferrable(options.deferrable || options.initially_deferred),
        initially_deferred(options.initially_deferred) {}
  ListRef<StringRef> columns;
  StringRef name = {};
  bool deferrable = false;
  bool initially_deferred = false;
};

struct ForeignKeyConstraintOptions {
  StringRef name = {};
  StringRef ondelete = {};
  StringRef onupdate = {};
  StringRef match = {};  // as in ForeignKeyOptions
  bool deferrable = false;
  bool initially_deferred = false;
  StringRef referent_schema = {};
};

struct ForeignKeyConstraint {
  template <unsigned long N>
  constexpr ForeignKeyConstraint(const StringRef (&columns)[N], StringRef referent_table,
                                 const StringRef (&referent_columns)[N],
                                 ForeignKeyConstraintOptions options = {})
      : columns{columns, N}, referent_table(referent_table),
        referent_columns{referent_columns, N}, options(options) {}
  ListRef<StringRef> columns;
  StringRef referent_table = {};
  ListRef<StringRef> referent_columns;
  ForeignKeyConstraintOptions options = {};
};

struct CheckConstraint {
  // `condition` is raw SQL, e.g. "price >= 0".
  constexpr CheckConstraint(StringRef condition, ConstraintOptions options = {})
      : condition(condition), name(options.name) {}
  StringRef condition = {};
  StringRef name = {};
};

// A table comment inside create_table (ignored by SQLite).
struct TableComment {
  StringRef text = {};
};

// Where create_table/drop_table put the table, and how create_table makes
// it: `op.create_table("events", Column(...), TableOptions{.schema = "audit"})`.
// schema: PostgreSQL, a schema (create it first); SQLite, an attached
// database ("main", "temp" or an ATTACH name).
// The postgresql_* and sqlite_* options belong to one database and are
// refused on the other, naming the option (SQLAlchemy ignores them there):
// branch on op.dialect() when a migration runs on both.
struct TableOptions {
  StringRef schema = {};
  // CREATE UNLOGGED TABLE: no write-ahead log, emptied after a crash.
  bool postgresql_unlogged = false;
  // A partitioned table, SQLAlchemy's postgresql_partition_by: the strategy
  // and key as written after PARTITION BY, "RANGE (created_at)",
  // "LIST (lower(region))", "HASH (id)" (checked by PostgreSQL's grammar).
  StringRef postgresql_partition_by = {};
  // A partition of a table in the same schema: CREATE TABLE ... PARTITION OF
  // parent, with the bounds as written, "FOR VALUES FROM ('2026-01-01') TO
  // ('2027-01-01')", "FOR VALUES IN ('eu')", "FOR VALUES WITH (MODULUS 4,
  // REMAINDER 0)" or "DEFAULT". Its columns come from the parent: give no
  // Column (table constraints are accepted).
  StringRef postgresql_partition_of = {};
  StringRef postgresql_partition_bounds = {};
  // SQLite: the table's lone INTEGER PRIMARY KEY becomes PRIMARY KEY
  // AUTOINCREMENT (ids are never reused, counted in sqlite_sequence).
  bool sqlite_autoincrement = false;
  // false: WITHOUT ROWID (the table needs a primary key).
  bool sqlite_with_rowid = true;
  // STRICT: column types INT, INTEGER, REAL, TEXT, BLOB or ANY, enforced.
  bool sqlite_strict = false;
};

// The schema of the table (or type) an operation names, Alembic's
// `schema=`: `op.add_column("events", Column(...), {.schema = "audit"})`.
struct SchemaOptions {
  StringRef schema = {};
};

// op.create_unique_constraint: the table's schema, and UniqueOptions'
// deferral.
struct UniqueConstraintOptions {
  StringRef schema = {};
  bool deferrable = false;
  bool initially_deferred = false;
};

// ---------------------------------------------------------------- indexes

// One entry of an index's column list: a column name, `sql("lower(email)")`
// for an expression, `desc("created_at")` for descending order,
// `nulls_last(...)`/`nulls_first(...)` and `opclass("body", "jsonb_path_ops")`
// (PostgreSQL), which combine: `nulls_last(desc("due"))`.
struct IndexColumn {
  enum class Nulls : unsigned char { unsaid, first, last };
  StringRef text = {};
  bool expression = false;
  bool descending = false;
  Nulls nulls = Nulls::unsaid;
  StringRef op_class = {};

  constexpr IndexColumn(const char* column) : text(column) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr IndexColumn(const S& column) : text(column) {}
  constexpr IndexColumn(Sql expression) : text(expression.text), expression(true) {}
  constexpr IndexColumn(StringRef t, bool expr, bool desc) : text(t), expression(expr), descending(desc) {}
};
constexpr IndexColumn desc(IndexColumn column) {
  column.descending = true;
  return column;
}
constexpr IndexColumn nulls_first(IndexColumn column) {
  column.nulls = IndexColumn::Nulls::first;
  return column;
}
constexpr IndexColumn nulls_last(IndexColumn column) {
  column.nulls = IndexColumn::Nulls::last;
  return column;
}
constexpr IndexColumn opclass(IndexColumn column, StringRef op_class) {
  column.op_class = op_class;
  return column;
}

// ---------------------------------------------------------------- exclusion constraints

// One element of a PostgreSQL EXCLUDE constraint: a column (or `sql(...)`
// expression, with IndexColumn's opclass/desc/nulls) and the operator that
// no two rows may both satisfy: `{"room_id", "="}`,
// `{sql("tsrange(starts_at, ends_at)"), "&&"}`.
struct ExcludeElement {
  IndexColumn column;
  StringRef op = {};
};

struct ExcludeOptions {
  StringRef name = {};    // empty: the database names it
  StringRef method = {};  // USING ...; empty: gist, as Alembic
  StringRef where = {};   // a partial constraint's condition, raw SQL
  bool deferrable = false;
  bool initially_deferred = false;  // implies deferrable
  StringRef schema = {};  // op.create_exclude_constraint: the table's schema
};

struct ExcludeConstraint {
  template <unsigned long N>
  constexpr ExcludeConstraint(const ExcludeElement (&elements)[N], ExcludeOptions options = {})
      : elements{elements, N}, options(options) {}
  ListRef<ExcludeElement> elements;
  ExcludeOptions options = {};
};

// Up to 16 names written in braces inside an options struct:
// `{.include = {"name", "email"}}`.
struct NameList {
  StringRef names[16] = {};
  unsigned long count = 0;

  constexpr NameList() = default;
  template <class... S>
    requires(sizeof...(S) <= 16 && (__is_constructible(StringRef, S) && ...))
  constexpr NameList(S... list) : names{StringRef(list)...}, count(sizeof...(S)) {}
};

struct IndexOptions {
  bool unique = false;
  StringRef where = {};  // partial index condition, raw SQL (PostgreSQL and SQLite)
  // PostgreSQL CREATE INDEX CONCURRENTLY; must run inside
  // `op.autocommit_block`. Ignored on SQLite.
  bool concurrently = false;
  bool if_not_exists = false;
  StringRef schema = {};  // the table's schema; PostgreSQL puts the index there too
  // PostgreSQL only (SQLite has one kind of index and refuses these):
  StringRef method = {};        // USING btree|hash|gist|spgist|gin|brin (or an extension's)
  NameList include = {};        // INCLUDE (...): covering columns, not keys
  StringRef with = {};          // storage parameters, "fillfactor = 70, deduplicate_items = off"
  StringRef tablespace = {};
  bool nulls_not_distinct = false;  // unique indexes, PostgreSQL 15: NULLs collide
};

struct DropIndexOptions {
  StringRef table = {};            // informational, as Alembic's table_name
  bool concurrently = false;  // PostgreSQL; inside op.autocommit_block
  bool if_exists = false;
  StringRef schema = {};
};

// ---------------------------------------------------------------- alter_column

// The server-default change of alter_column: a value, `sql(...)`, or
// `retort::no_default` to drop the default.
struct NoDefault {
  explicit constexpr NoDefault() = default;
};
inline constexpr NoDefault no_default{};

struct DefaultChange {
  bool given = false;
  DefaultValue value = {};  // kind none with given: drop the default

  constexpr DefaultChange() = default;
  constexpr DefaultChange(NoDefault) : given(true) {}
  constexpr DefaultChange(DefaultValue v) : given(true), value(v) {}
  constexpr DefaultChange(const char* v) : given(true), value(v) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr DefaultChange(const S& v) : given(true), value(v) {}
  constexpr DefaultChange(Sql v) : given(true), value(v) {}
  constexpr DefaultChange(int v) : given(true), value(v) {}
  constexpr DefaultChange(long long v) : given(true), value(v) {}
  constexpr DefaultChange(double v) : given(true), value(v) {}
  constexpr DefaultChange(bool v) : given(true), value(v) {}
};

struct TypeChange {
  bool given = false;
  Type type;
  constexpr TypeChange() = default;
  constexpr TypeChange(Type t) : given(true), type(t) {}
};

struct BoolChange {
  signed char value = -1;  // -1: unchanged
  constexpr BoolChange() = default;
  constexpr BoolChange(bool v) : value(v) {}
};

struct TextChange {
  bool given = false;
  StringRef text = {};
  constexpr TextChange() = default;
  constexpr TextChange(const char* t) : given(true), text(t) {}
  template <class S>
    requires requires(const S& s) { StringRef(s.data(), s.size()); }
  constexpr TextChange(const S& t) : given(true), text(t) {}
};

// What alter_column changes; fields left out stay as they are.
//   op.alter_column("tasks", "estimated_hours", {.type = Float, .existing_type = Integer});
//   op.alter_column("users", "email", {.nullable = false});
//   op.alter_column("tasks", "description", {.new_column_name = "details"});
struct AlterColumnOptions {
  TypeChange type = {};
  BoolChange nullable = {};
  DefaultChange server_default = {};
  TextChange new_column_name = {};
  TextChange comment = {};  // an empty comment removes it
  // PostgreSQL: the USING expression of a type change, e.g. "amount::numeric".
  TextChange using_expression = {};
  // What the column is now, as Alembic's existing_* arguments: they document
  // the change (and the downgrade reads naturally), but neither PostgreSQL nor
  // SQLite needs them (SQLite's batch mode reads the table from the catalog).
  TypeChange existing_type = {};
  BoolChange existing_nullable = {};
  DefaultChange existing_server_default = {};
  StringRef schema = {};
};

// ---------------------------------------------------------------- table items

// One item of a table description: what create_table (and a batch's
// copy_from) takes, by address; build it inline in the call.
class TableItem {
 public:
  enum class Kind : unsigned char {
    none, column, primary_key, unique, foreign_key, check, exclude, comment, type, options
  };
  constexpr TableItem() = default;
  constexpr TableItem(const Column& c) : kind(Kind::column), item(&c) {}
  constexpr TableItem(const PrimaryKeyConstraint& c) : kind(Kind::primary_key), item(&c) {}
  constexpr TableItem(const UniqueConstraint& c) : kind(Kind::unique), item(&c) {}
  constexpr TableItem(const ForeignKeyConstraint& c) : kind(Kind::foreign_key), item(&c) {}
  constexpr TableItem(const CheckConstraint& c) : kind(Kind::check), item(&c) {}
  constexpr TableItem(const ExcludeConstraint& c) : kind(Kind::exclude), item(&c) {}
  constexpr TableItem(const TableComment& c) : kind(Kind::comment), item(&c) {}
  constexpr TableItem(const Type& t) : kind(Kind::type), item(&t) {}
  constexpr TableItem(const TableOptions& o) : kind(Kind::options), item(&o) {}
  Kind kind = Kind::none;
  const void* item = nullptr;
};

}  // namespace retort

#endif
