// Rendering schema operations as SQL, one DdlDialect per database.
//
// The operations layer turns the migration's arguments (non-owning views
// from retort/schema.hpp) into the owning model below, asks the dialect for
// statements, and sends them to the StatementSink. Nothing here executes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retort/error.hpp"
#include "retort/schema.hpp"
#include "statement_sink.hpp"

namespace retort::detail {

// A table, index or type name with its schema (PostgreSQL) or attached
// database (SQLite); an empty schema means the default one (search_path,
// SQLite's main).
struct QualifiedName {
  std::string schema;
  std::string name;
  bool operator==(const QualifiedName&) const = default;
};

struct SqlType {
  TypeKind kind = TypeKind::integer;
  int length = -1;
  int precision = -1;
  int scale = -1;
  bool timezone = false;
  std::string name;                 // enum type name; raw SQL type text
  std::string schema;               // enum type's schema
  std::vector<std::string> labels;  // enum labels; empty: refers to an existing type
  int array_dimensions = 0;
  bool constrained = false;  // Type::create_constraint()

  bool is_integer() const {
    return array_dimensions == 0 &&
           (kind == TypeKind::integer || kind == TypeKind::big_integer || kind == TypeKind::small_integer);
  }
  bool creates_enum() const { return kind == TypeKind::enumeration && !labels.empty(); }
  bool operator==(const SqlType&) const = default;
};

struct ServerDefault {
  DefaultValue::Kind kind = DefaultValue::Kind::text;
  std::string text;  // literal text, or the SQL expression
  long long integer = 0;
  double real = 0;
};

struct ForeignKeyDef {
  std::string name;  // empty: unnamed
  std::vector<std::string> columns;
  std::string referent_table;
  std::string referent_schema;  // empty: the default schema
  std::vector<std::string> referent_columns;
  std::string ondelete;  // validated, upper case; empty: not given
  std::string onupdate;
  std::string match;  // FULL or SIMPLE, upper case; empty: not given
  bool deferrable = false;
  bool initially_deferred = false;
  bool not_valid = false;
};

struct UniqueDef {
  std::string name;
  std::vector<std::string> columns;
  bool deferrable = false;
  bool initially_deferred = false;
};

struct PrimaryKeyDef {
  std::string name;
  std::vector<std::string> columns;
};

struct CheckDef {
  std::string name;
  std::string condition;
};

struct IdentityDef {
  bool always = false;
  IdentityOptions sequence;
};

struct ComputedDef {
  std::string expression;
  Persisted persisted = Persisted::automatic;
};

struct ColumnDef {
  std::string name;
  SqlType type;
  bool nullable = true;
  bool primary_key = false;
  int autoincrement = -1;  // -1 auto, 0 off, 1 on
  bool unique = false;
  bool index = false;
  std::optional<ServerDefault> server_default;
  std::optional<std::string> comment;
  std::optional<ForeignKeyDef> references;  // columns = {name}
  std::optional<IdentityDef> identity;
  std::optional<ComputedDef> computed;
  std::string collation;  // empty: the database's default
};

struct IndexColumnDef {
  std::string text;
  bool expression = false;
  bool descending = false;
  IndexColumn::Nulls nulls = IndexColumn::Nulls::unsaid;
  std::string op_class;
};

struct IndexDef {
  std::string name;
  std::string table;
  std::string schema;  // the table's, and so the index's
  std::vector<IndexColumnDef> columns;
  bool unique = false;
  std::string where;
  bool concurrently = false;
  bool if_not_exists = false;
  // PostgreSQL's index options; SQLite refuses them.
  std::string method;
  std::vector<std::string> include;
  std::vector<std::pair<std::string, std::string>> with;  // storage parameters, validated
  std::string tablespace;
  bool nulls_not_distinct = false;
};

struct AlterColumnDef {
  std::string table;
  std::string schema;
  std::string column;
  std::optional<SqlType> type;
  std::optional<bool> nullable;
  std::optional<std::optional<ServerDefault>> server_default;  // inner empty: drop it
  std::optional<std::string> new_name;
  std::optional<std::string> comment;  // empty: remove it
  std::optional<std::string> using_expression;
  std::optional<SqlType> existing_type;  // documents the change; SQLite's batch drops its create_constraint() CHECK

  bool only_renames() const {
    return !type && !nullable && !server_default && !using_expression;
  }
};

struct ExcludeElementDef {
  IndexColumnDef column;
  std::string op;  // validated: operator characters only
};

// PostgreSQL's EXCLUDE USING method (elements) [WHERE (condition)].
struct ExcludeDef {
  std::string method = "gist";
  std::vector<ExcludeElementDef> elements;
  std::string where;
};

// A table-level constraint added by ALTER TABLE.
struct ConstraintDef {
  enum class Kind { unique, primary_key, foreign_key, check, exclude } kind;
  std::string name;
  std::vector<std::string> columns;  // unique, primary key
  ForeignKeyDef foreign_key;         // foreign_key
  std::string condition;             // check
  bool deferrable = false;           // unique, exclude
  bool initially_deferred = false;
  ExcludeDef exclude = {};           // exclude
};

struct TableDef {
  std::string name;
  std::string schema;
  std::vector<ColumnDef> columns;
  std::optional<PrimaryKeyDef> primary_key;  // table-level, or from columns
  std::vector<UniqueDef> uniques;
  std::vector<ForeignKeyDef> foreign_keys;
  std::vector<CheckDef> checks;
  std::vector<ConstraintDef> excludes;  // Kind::exclude, PostgreSQL only
  std::optional<std::string> comment;
  // TableOptions (table_options.cpp checks them per dialect).
  bool unlogged = false;
  std::string partition_by;      // as written after PARTITION BY
  std::string partition_of;      // the parent, in the table's schema
  std::string partition_bounds;  // FOR VALUES ... or DEFAULT
  bool autoincrement = false;    // SQLite PRIMARY KEY AUTOINCREMENT
  bool without_rowid = false;
  bool strict = false;
};

class DdlDialect {
 public:
  virtual ~DdlDialect() = default;

  virtual SqlDialect dialect() const = 0;

  // An identifier, quoted only when the dialect needs it (reserved word,
  // upper case, anything but [a-z0-9_$] or a leading digit). Throws on
  // empty names and NUL bytes.
  std::string quote(std::string_view identifier) const;
  static std::string literal(std::string_view text);
  // 'a', 'b': enum labels as a list of escaped literals.
  static std::string literal_list(const std::vector<std::string>& texts);
  virtual std::string type_sql(const SqlType& type) const = 0;
  virtual std::string default_sql(const ServerDefault& value) const = 0;
  // The CHECK condition that Type::create_constraint() asks of `column`
  // where the type is not native; empty where it is (or none was asked).
  virtual std::string type_check(const std::string& column, const SqlType& type) const = 0;

  virtual std::vector<std::string> create_table(const TableDef& table) const;
  std::vector<std::string> drop_table(const QualifiedName& table, const std::vector<QualifiedName>& enum_types) const;
  std::vector<std::string> rename_table(const QualifiedName& from, const std::string& to) const;
  virtual std::vector<std::string> set_table_comment(const QualifiedName& table,
                                                     const std::optional<std::string>& comment) const = 0;
  virtual std::vector<std::string> add_column(const QualifiedName& table, const ColumnDef& column) const = 0;
  std::vector<std::string> drop_column(const QualifiedName& table, const std::string& column) const;
  virtual std::vector<std::string> alter_column(const AlterColumnDef& change) const = 0;
  virtual std::vector<std::string> create_index(const IndexDef& index) const = 0;
  virtual std::vector<std::string> drop_index(const QualifiedName& name, bool concurrently, bool if_exists) const = 0;
  virtual std::vector<std::string> add_constraint(const QualifiedName& table, const ConstraintDef& constraint) const = 0;
  virtual std::vector<std::string> validate_constraint(const QualifiedName& table, const std::string& name) const = 0;
  virtual std::vector<std::string> drop_constraint(const QualifiedName& table, const std::string& name) const = 0;
  virtual std::vector<std::string> create_enum(const SqlType& type) const = 0;
  virtual std::vector<std::string> drop_enum(const QualifiedName& name) const = 0;
  std::string insert_row(const QualifiedName& table, const std::vector<std::string>& columns) const;
  // ALTER TABLE parent ATTACH PARTITION partition bounds / DETACH PARTITION
  // (PostgreSQL; SQLite refuses). The partition is in the parent's schema.
  std::vector<std::string> attach_partition(const QualifiedName& parent, const std::string& partition,
                                            const std::string& bounds) const;
  std::vector<std::string> detach_partition(const QualifiedName& parent, const std::string& partition) const;

  // schema.name, each part quoted as needed.
  std::string quote(const QualifiedName& name) const;

  // Pieces shared by the dialects and SQLite's batch recreate.
  std::string column_sql(const ColumnDef& column, bool serial_primary_key) const;
  std::string computed_clause(const ComputedDef& computed) const;
  std::string identity_clause(const IdentityDef& identity) const;
  std::string constraint_clause(const ConstraintDef& constraint) const;
  std::string exclude_clause(const ConstraintDef& constraint) const;
  // " DEFERRABLE [INITIALLY DEFERRED]", or nothing.
  static std::string deferral_clause(bool deferrable, bool initially_deferred);
  std::string foreign_key_clause(const ForeignKeyDef& fk) const;
  std::string index_sql(const IndexDef& index, bool allow_concurrently) const;
  // One entry of an index's (or an EXCLUDE constraint's) column list.
  std::string index_element(const IndexColumnDef& column) const;
  std::string column_list(const std::vector<std::string>& columns) const;
  // Integer primary key that the dialect fills in itself (PostgreSQL SERIAL).
  static bool is_autoincrement_key(const TableDef& table, const ColumnDef& column);
  // CREATE TABLE's options around the column list (table_options.cpp):
  // refuses those of the other dialect and combinations the database would.
  void check_table_options(const TableDef& table) const;
  std::string create_table_head(const TableDef& table) const;  // CREATE [UNLOGGED] TABLE name [PARTITION OF p]
  std::string create_table_tail(const TableDef& table) const;  // bounds, PARTITION BY, WITHOUT ROWID, STRICT

 protected:
  // Extra CREATE TABLE items/statements per dialect.
  virtual std::vector<std::string> before_create_table(const TableDef&) const { return {}; }
  virtual std::vector<std::string> after_create_table(const TableDef&) const { return {}; }
};

const DdlDialect& ddl_dialect(SqlDialect dialect);
const DdlDialect& postgresql_ddl();
const DdlDialect& sqlite_ddl();

// Raw SQL fragments (check conditions, WHERE clauses, expressions, USING,
// server defaults, raw types) are inserted verbatim; this refuses any that
// the dialect's own grammar does not read as exactly one expression (or one
// type), so none can end the statement or add clauses to it. `what` names
// the fragment in the message.
// partition_key: what follows PARTITION BY; partition_bound: what follows
// PARTITION OF parent / ATTACH PARTITION name (PostgreSQL only).
enum class FragmentKind { expression, default_expression, type_name, partition_key, partition_bound };
void check_sql_fragment(SqlDialect dialect, std::string_view fragment, std::string_view what,
                        FragmentKind kind = FragmentKind::expression);

// ON DELETE/ON UPDATE actions, validated and upper-cased.
std::string foreign_key_action(std::string_view action, std::string_view clause);
// FULL or SIMPLE, upper case, from any spelling; anything else is refused.
std::string foreign_key_match(std::string_view match);

// Display form of a name in messages: "name".
std::string shown(std::string_view name);
std::string shown(const QualifiedName& name);

// The table, index or type `name` in `schema`. A dot in the name is refused:
// databases would keep it as part of one name ("audit.events" in the
// default schema), never as a schema; `hint` says where the schema goes.
QualifiedName qualified(std::string_view schema, std::string_view name, std::string_view what,
                        std::string_view hint);

}  // namespace retort::detail
