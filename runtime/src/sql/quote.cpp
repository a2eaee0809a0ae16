#include "sql/quote.hpp"

#include <algorithm>
#include <cctype>

namespace retort::sqltext {
namespace {

// PostgreSQL's reserved key words (those that cannot be a column or table
// name unquoted), plus a few that are reserved in some positions.
constexpr std::string_view postgresql_reserved[] = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
    "bigint", "binary", "both", "case", "cast", "check", "collate", "collation", "column", "concurrently",
    "constraint", "create", "cross", "current_catalog", "current_date", "current_role", "current_schema",
    "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else",
    "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having",
    "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left",
    "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
    "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing",
    "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with"};

// SQLite's key words (https://sqlite.org/lang_keywords.html): any of them
// may be refused as a bare name somewhere, so all are quoted.
constexpr std::string_view sqlite_keywords[] = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
    "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
    "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
    "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
    "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group", "groups",
    "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead",
    "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized",
    "natural", "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others",
    "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise", "range", "recursive",
    "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning", "right", "rollback",
    "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary", "then", "ties", "to", "transaction",
    "trigger", "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view", "virtual", "when",
    "where", "window", "with", "without"};

// `$` is left out: PostgreSQL reads `a$b` bare, but SQLite reads a leading
// `$` as a parameter, and a quoted name is always read right.
bool plain(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// Whether `word` (lower case) is a key word `dialect` does not read as a name.
bool is_reserved(std::string_view word, SqlDialect dialect) {
  if (dialect == SqlDialect::postgresql)
    return std::find(std::begin(postgresql_reserved), std::end(postgresql_reserved), word) !=
           std::end(postgresql_reserved);
  return std::find(std::begin(sqlite_keywords), std::end(sqlite_keywords), word) != std::end(sqlite_keywords);
}

}  // namespace

std::string quote_name(std::string_view name, SqlDialect dialect) {
  return plain(name) && !is_reserved(name, dialect) ? std::string(name) : quoted(name);
}

std::string quote_name_for_any(std::string_view name) {
  const bool bare = plain(name) && !is_reserved(name, SqlDialect::postgresql) && !is_reserved(name, SqlDialect::sqlite);
  return bare ? std::string(name) : quoted(name);
}

std::string quote_qualified_for_any(std::string_view schema, std::string_view name) {
  return schema.empty() ? quote_name_for_any(name) : quote_name_for_any(schema) + "." + quote_name_for_any(name);
}

}  // namespace retort::sqltext
