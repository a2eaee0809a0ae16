// The raw-SQL fragment guard: a fragment is accepted only when the
// database's own grammar reads it as exactly one expression (or one type).
// Both checks parse without a database, so online runs and `--sql`
// rendering refuse the same fragments.
#include <fmt/format.h>
#include <pg_query.h>
#include <sqlite3.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>

#include "ddl/dialect.hpp"
#include "sql/lexer.hpp"

namespace retort::detail {
namespace {

using nlohmann::json;

std::string_view kind_name(FragmentKind kind) {
  switch (kind) {
    case FragmentKind::type_name: return "type";
    case FragmentKind::partition_key: return "partition key (RANGE|LIST|HASH (columns or expressions))";
    case FragmentKind::partition_bound: return "partition bound (FOR VALUES ... or DEFAULT)";
    default: return "expression";
  }
}

[[noreturn]] void refuse(std::string_view fragment, std::string_view what, FragmentKind kind, std::string_view why) {
  throw Error(fmt::format(
      "the {} `{}` {}; it is inserted into the statement verbatim, so it must be a single SQL {}. "
      "Run anything else with op.execute()",
      what, fragment, why, kind_name(kind)));
}

// The fragment in the grammatical position it is rendered into. Expressions
// sit in CHECK (...), whose grammar is exactly `( a_expr )`: a fragment that
// closes the parenthesis early cannot parse into the single node checked
// below. Defaults are b_expr after DEFAULT, as in a column definition.
std::string wrapped(std::string_view fragment, FragmentKind kind) {
  switch (kind) {
    case FragmentKind::expression: return fmt::format("CREATE TABLE t (CHECK ({}))", fragment);
    case FragmentKind::default_expression: return fmt::format("CREATE TABLE t (c int DEFAULT {})", fragment);
    case FragmentKind::partition_key: return fmt::format("CREATE TABLE t (c int) PARTITION BY {}", fragment);
    case FragmentKind::partition_bound: return fmt::format("CREATE TABLE t PARTITION OF p {}", fragment);
    case FragmentKind::type_name: break;
  }
  return fmt::format("CREATE TABLE t (c {})", fragment);
}

bool has_only(const json& node, std::initializer_list<const char*> keys) {
  if (!node.is_object()) return false;
  for (const auto& item : node.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) == keys.end()) return false;
  }
  return true;
}

// The parse of wrapped() holds the fragment and nothing else: one CREATE
// TABLE with one element, no options, no further clauses.
bool is_single_node(const json& tree, FragmentKind kind) {
  const json& statements = tree.value("stmts", json::array());
  if (statements.size() != 1 || !statements[0].contains("stmt")) return false;
  const json& create = statements[0]["stmt"].value("CreateStmt", json());
  if (create.value("oncommit", "") != "ONCOMMIT_NOOP") return false;
  if (kind == FragmentKind::partition_bound) {
    return has_only(create, {"relation", "inhRelations", "partbound", "oncommit"}) && create.contains("partbound");
  }
  if (kind == FragmentKind::partition_key) {
    return has_only(create, {"relation", "tableElts", "partspec", "oncommit"}) && create.contains("partspec") &&
           create.value("tableElts", json::array()).size() == 1;
  }
  if (!has_only(create, {"relation", "tableElts", "oncommit"})) return false;
  const json& elements = create.value("tableElts", json::array());
  if (elements.size() != 1) return false;
  if (kind == FragmentKind::expression) {
    const json& check = elements[0].value("Constraint", json());
    return has_only(check, {"contype", "location", "raw_expr", "initially_valid"}) &&
           check.value("contype", "") == "CONSTR_CHECK" && check.contains("raw_expr") &&
           check.value("initially_valid", false);
  }
  const json& column = elements[0].value("ColumnDef", json());
  if (kind == FragmentKind::type_name) return has_only(column, {"colname", "typeName", "is_local", "location"});
  if (!has_only(column, {"colname", "typeName", "is_local", "location", "constraints"})) return false;
  const json& constraints = column.value("constraints", json::array());
  if (constraints.size() != 1) return false;
  const json& default_value = constraints[0].value("Constraint", json());
  return has_only(default_value, {"contype", "location", "raw_expr"}) &&
         default_value.value("contype", "") == "CONSTR_DEFAULT" && default_value.contains("raw_expr");
}

// libpg_query is PostgreSQL 15's own scanner and grammar: it reads E'\''
// strings, dollar quotes and nested comments exactly as the server does
// (standard_conforming_strings on, the default since PostgreSQL 9.1).
void check_postgresql(std::string_view fragment, std::string_view what, FragmentKind kind) {
  // A partition clause is not closed by a parenthesis of the wrapper, so a
  // trailing `--` would swallow whatever the statement puts after it.
  if (kind == FragmentKind::partition_key || kind == FragmentKind::partition_bound) {
    sqltext::Lexer lexer(fragment, SqlDialect::postgresql);
    for (sqltext::Token token; lexer.next(token);) {
      if (token.kind == sqltext::TokenKind::comment) refuse(fragment, what, kind, "contains a comment");
    }
  }
  const std::string statement = wrapped(fragment, kind);
  PgQueryParseResult result = pg_query_parse(statement.c_str());
  std::unique_ptr<PgQueryParseResult, void (*)(PgQueryParseResult*)> owner(
      &result, [](PgQueryParseResult* r) { pg_query_free_parse_result(*r); });
  if (result.error) {
    refuse(fragment, what, kind,
           fmt::format("is not one {} as PostgreSQL's grammar reads it ({}, in `{}`)", kind_name(kind),
                       result.error->message, statement));
  }
  const json tree = json::parse(result.parse_tree);
  if (!is_single_node(tree, kind)) {
    refuse(fragment, what, kind,
           fmt::format("does not stay one {} as PostgreSQL's grammar reads it: it adds clauses or statements",
                       kind_name(kind)));
  }
  // The grammar takes any word as the strategy; the server refuses all but three.
  if (kind == FragmentKind::partition_key) {
    std::string strategy = tree["stmts"][0]["stmt"]["CreateStmt"]["partspec"].value("strategy", "");
    if (strategy != "range" && strategy != "list" && strategy != "hash") {
      refuse(fragment, what, kind, fmt::format("names the strategy {}, which is not RANGE, LIST or HASH", shown(strategy)));
    }
  }
}

// SQLite's tokenizer is not public API, so the shared lexer reads the
// fragment with SQLite's quoting rules to see that it is one parenthesised
// group with no `;` or comment; SQLite's own parser then checks the syntax.
void check_sqlite_tokens(std::string_view fragment, std::string_view what, FragmentKind kind) {
  int depth = 0;
  sqltext::Lexer lexer(fragment, SqlDialect::sqlite);
  for (sqltext::Token token; lexer.next(token);) {
    if (token.kind == sqltext::TokenKind::comment) refuse(fragment, what, kind, "contains a comment");
    if (!token.closed) refuse(fragment, what, kind, "has an unterminated quote");
    if (token.is('(', fragment)) ++depth;
    if (token.is(')', fragment) && --depth < 0) refuse(fragment, what, kind, "closes a parenthesis it did not open");
    if (token.is(';', fragment)) refuse(fragment, what, kind, "contains `;`");
  }
  if (depth != 0) refuse(fragment, what, kind, "has unbalanced parentheses");
}

// Preparing (not running) a statement in a private in-memory database.
// A view's body is parsed without resolving names, so only syntax errors
// are reported: the columns and functions the fragment names need not exist.
void check_sqlite(std::string_view fragment, std::string_view what, FragmentKind kind) {
  if (kind == FragmentKind::partition_key || kind == FragmentKind::partition_bound) {
    refuse(fragment, what, kind, "belongs to PostgreSQL's partitioning, which SQLite does not have");
  }
  check_sqlite_tokens(fragment, what, kind);
  const std::string statement = kind == FragmentKind::type_name ? wrapped(fragment, kind)
                                                                  : fmt::format("CREATE VIEW v AS SELECT ({})", fragment);
  sqlite3* db = nullptr;
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(nullptr, sqlite3_close);
  if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    owner.reset(db);
    throw Error("cannot open an in-memory SQLite database to check a SQL fragment");
  }
  owner.reset(db);
  sqlite3_stmt* prepared = nullptr;
  int rc = sqlite3_prepare_v2(db, statement.c_str(), static_cast<int>(statement.size()), &prepared, nullptr);
  sqlite3_finalize(prepared);
  if (rc != SQLITE_OK) {
    refuse(fragment, what, kind,
           fmt::format("is not one {} as SQLite's grammar reads it ({}, in `{}`)",
                       kind == FragmentKind::type_name ? "type" : "expression", sqlite3_errmsg(db), statement));
  }
}

}  // namespace

void check_sql_fragment(SqlDialect dialect, std::string_view fragment, std::string_view what, FragmentKind kind) {
  if (fragment.find_first_not_of(" \t\r\n") == std::string_view::npos) refuse(fragment, what, kind, "is empty");
  if (fragment.find('\0') != std::string_view::npos) refuse(fragment, what, kind, "contains a NUL byte");
  if (dialect == SqlDialect::postgresql) {
    check_postgresql(fragment, what, kind);
  } else {
    check_sqlite(fragment, what, kind);
  }
}

}  // namespace retort::detail
