#include "ops_support.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "database_url.hpp"
#include "retort/error.hpp"
#include "sql/quote.hpp"
#include "sql_text.hpp"

namespace retort::test {


void RecordingSink::run(std::string_view sql, unsigned line) {
  statements.push_back({std::string(sql), {}});
  try {
    db_.execute(sql);
  } catch (const DatabaseError& e) {
    throw DatabaseError(fmt::format("line {}: {}\n  statement: {}", line, e.what(), sql));
  }
}

void RecordingSink::run(std::string_view sql, std::span<const detail::Value> params, unsigned line) {
  statements.push_back({std::string(sql), {params.begin(), params.end()}});
  try {
    db_.execute(sql, params);
  } catch (const DatabaseError& e) {
    throw DatabaseError(fmt::format("line {}: {}\n  statement: {}", line, e.what(), sql));
  }
}

detail::Rows RecordingSink::query(std::string_view sql, std::span<const detail::Value> params, unsigned) {
  queries.emplace_back(sql);
  return db_.query(sql, params);
}

void RecordingSink::begin_autocommit_block() {
  reopen_ = db_.in_transaction();
  if (reopen_) db_.commit();
}

void RecordingSink::end_autocommit_block() {
  if (reopen_) db_.begin();
  reopen_ = false;
}

const char* dialect_name(SqlDialect dialect) { return dialect == SqlDialect::postgresql ? "postgresql" : "sqlite"; }

std::unique_ptr<TestDatabase> TestDatabase::open(SqlDialect dialect, const std::string& hint) {
  std::unique_ptr<TestDatabase> database(new TestDatabase());
  std::string url;
  if (dialect == SqlDialect::postgresql) {
    if (postgres_server_url().empty()) return nullptr;
    database->postgres_url_ = create_postgres_database(hint);
    url = database->postgres_url_;
    database->client_target_ = url;
  } else {
    database->directory_ = std::make_unique<TempDir>();
    database->client_target_ = (*database->directory_ / "test.db").string();
    url = "sqlite:///" + database->client_target_;
  }
  database->backend_ = detail::connect(detail::DatabaseUrl::parse(url));
  database->sink_ = std::make_unique<RecordingSink>(*database->backend_);
  database->op_ = std::make_unique<Op>(*database->sink_);
  return database;
}

TestDatabase::~TestDatabase() {
  op_.reset();
  sink_.reset();
  backend_.reset();
  if (!postgres_url_.empty()) drop_postgres_database(postgres_url_);
}

std::vector<std::string> TestDatabase::rows(const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& row : backend_->query(sql).rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) line += (i ? "|" : "") + row[i].value_or("NULL");
    out.push_back(line);
  }
  return out;
}

std::string TestDatabase::value(const std::string& sql) {
  auto result = rows(sql);
  if (result.size() != 1) throw Error(fmt::format("expected one row, got {}: {}", result.size(), sql));
  return result[0];
}

std::string TestDatabase::schema() {
  std::vector<std::string> lines;
  auto add = [&](const std::vector<std::string>& more) { lines.insert(lines.end(), more.begin(), more.end()); };
  if (dialect() == SqlDialect::postgresql) {
    // Every user schema; names outside public carry their schema.
    const std::string user_schema = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_%'";
    const std::string table = "(CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || c.relname)";
    add(rows("SELECT 'schema ' || n.nspname FROM pg_namespace n WHERE " + user_schema + " AND n.nspname <> 'public'"));
    // Plain tables read "table name"; unlogged, partitioned tables and
    // partitions say so (with the key and the parent and bounds).
    add(rows("SELECT 'table ' || " + table + " || CASE WHEN c.relpersistence = 'u' THEN ' UNLOGGED' ELSE '' END || "
             "coalesce(' PARTITION BY ' || pg_get_partkeydef(c.oid), '') || "
             "CASE WHEN c.relispartition THEN ' PARTITION OF ' || (SELECT p.relname FROM pg_inherits i JOIN pg_class p "
             "ON p.oid = i.inhparent WHERE i.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid) ELSE '' END "
             "|| coalesce(' comment=' || obj_description(c.oid, 'pg_class'), '') "
             "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE " + user_schema + " AND c.relkind IN ('r', 'p')"));
    // Columns by position among the live ones, so that dropping and re-adding
    // the last column restores the same text.
    add(rows("SELECT 'column ' || " + table + " || '.' || "
             "row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' ' || a.attname || ' ' || "
             "format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END || "
             "CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS ' || pg_get_expr(d.adbin, d.adrelid) || "
             "' STORED' ELSE coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '') END || "
             "CASE a.attidentity WHEN 'a' THEN ' IDENTITY ALWAYS' WHEN 'd' THEN ' IDENTITY BY DEFAULT' ELSE '' END || "
             "CASE WHEN a.attcollation <> 0 AND a.attcollation <> (SELECT typcollation FROM pg_type WHERE oid = "
             "a.atttypid) THEN ' COLLATE ' || (SELECT collname FROM pg_collation WHERE oid = a.attcollation) "
             "ELSE '' END || "
             "coalesce(' comment=' || col_description(c.oid, a.attnum), '') "
             "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
             "JOIN pg_namespace n ON n.oid = c.relnamespace "
             "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
             "WHERE " + user_schema + " AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"));
    add(rows("SELECT 'constraint ' || " + table + " || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) || "
             "CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END "
             "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
             "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + user_schema));
    add(rows("SELECT 'index ' || indexdef FROM pg_indexes n WHERE n.schemaname NOT IN ('pg_catalog', "
             "'information_schema') AND n.schemaname NOT LIKE 'pg_%'"));
    add(rows("SELECT 'enum ' || CASE WHEN n.nspname = 'public' THEN '' ELSE n.nspname || '.' END || t.typname || ' ' "
             "|| string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) "
             "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace "
             "GROUP BY n.nspname, t.typname"));
    add(rows("SELECT 'sequence ' || " + table + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE " + user_schema + " AND c.relkind = 'S'"));
  } else {
    for (const auto& table :
         rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
      std::string quoted = sqltext::quote_name(table, SqlDialect::sqlite);
      // Table options, which the pragmas below do not show.
      lines.push_back("table " + table +
                      value("SELECT CASE WHEN l.wr THEN ' WITHOUT ROWID' ELSE '' END || "
                            "CASE WHEN l.strict THEN ' STRICT' ELSE '' END || "
                            "CASE WHEN instr(upper(m.sql), 'AUTOINCREMENT') THEN ' AUTOINCREMENT' ELSE '' END "
                            "FROM pragma_table_list l JOIN sqlite_master m ON m.name = l.name "
                            "WHERE l.schema = 'main' AND l.name = " + detail::quote_literal(table)));
      for (const auto& c : rows("SELECT cid, name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(" +
                                detail::quote_literal(table) + ")")) {
        lines.push_back("column " + table + " " + c);
      }
      // Computed columns, which table_info leaves out (hidden 2: virtual, 3: stored).
      for (const auto& c : rows("SELECT cid, name, type, \"notnull\", hidden FROM pragma_table_xinfo(" +
                                detail::quote_literal(table) + ") WHERE hidden IN (2, 3)")) {
        lines.push_back("computed column " + table + " " + c);
      }
      for (const auto& fk : rows("SELECT \"table\", \"from\", \"to\", on_update, on_delete FROM "
                                 "pragma_foreign_key_list(" + detail::quote_literal(table) + ")")) {
        lines.push_back("foreign key " + table + " " + fk);
      }
      for (const auto& index : backend_->query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(" +
                                               detail::quote_literal(table) + ")").rows) {
        std::string name = index[0].value_or("");
        std::string columns;
        for (const auto& c : rows("SELECT coalesce(name, '<expression>') FROM pragma_index_info(" +
                                  detail::quote_literal(name) + ") ORDER BY seqno")) {
          columns += (columns.empty() ? "" : ",") + c;
        }
        bool automatic = index[2].value_or("") != "c";  // UNIQUE/PRIMARY KEY: SQLite names them itself
        lines.push_back(fmt::format("index {} {} unique={} origin={} partial={} ({})", table,
                                    automatic ? std::string("<auto>") : name, index[1].value_or(""),
                                    index[2].value_or(""), index[3].value_or(""), columns));
      }
    }
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace retort::test
