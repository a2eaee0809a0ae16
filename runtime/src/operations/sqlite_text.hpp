// Reading SQLite's own CREATE TABLE / CREATE INDEX text (sqlite_schema.sql)
// for the batch copy-and-move: tokens, top-level items, identifiers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace retort::detail {

struct Token {
  std::string text;  // a word, an unquoted name, or a parenthesised group with its parens
  bool quoted = false;
  bool group = false;
  std::size_t end = 0;  // offset just past the token in the scanned text
};

std::vector<Token> tokens_of(std::string_view sql);

// The comma-separated items of a parenthesised list's inside.
std::vector<std::string> split_top_level(std::string_view body);

bool is_keyword(const Token& token, std::string_view keyword);

// The first token of a CREATE TABLE item that is a table constraint, not a column.
bool is_table_constraint(const Token& first);

// The names listed in a parenthesised group: (a, "b" DESC) -> a, b.
std::vector<std::string> names_in_group(const Token& group);

// Whether `sql` names the identifier `name` (SQLite's case rules).
bool mentions(std::string_view sql, const std::string& name);

// `sql` with every mention of the identifier `from` replaced by `to_sql`.
std::string rename_identifier(std::string_view sql, const std::string& from, const std::string& to_sql);

}  // namespace retort::detail
