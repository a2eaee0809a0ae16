// Small pieces of SQL text handling shared by the backends and the offline
// sink: `?` placeholders, literals and identifiers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "statement_sink.hpp"

namespace retort::detail {

// Offset of the quote that closes the one at `sql[open]` (' " ` or [...]),
// stepping over doubled quotes inside; sql.size() when unterminated.
std::size_t closing_quote(std::string_view sql, std::size_t open);

// Number of `?` placeholders outside quotes and comments.
std::size_t count_placeholders(std::string_view sql);

// The statements of `sql`, split at the semicolons outside quotes, `--` and
// `/* */` comments and dollar-quoted bodies; pieces with nothing but blanks
// and comments are left out. It does not follow backslash escapes (E'\'')
// or nested comments, and semicolons inside parentheses split too (CREATE
// RULE ... (a; b)), so a caller that must not cut a statement apart only
// trusts a result of one, for text without backslashes and `/*`.
std::vector<std::string_view> split_statements(std::string_view sql);

// `?` placeholders rewritten as PostgreSQL's $1, $2, ...
std::string number_placeholders(std::string_view sql);

// `?` placeholders replaced by the parameters as escaped literals (offline
// scripts). Throws Error when the counts differ.
std::string inline_parameters(std::string_view sql, std::span<const Value> params, Dialect dialect);

// The words of `text` in upper case, one space apart: keywords compared
// whatever their case and spacing ("set  null" -> "SET NULL").
std::string keyword_text(std::string_view text);

std::string quote_literal(const Value& value, Dialect dialect);
std::string quote_literal(std::string_view text);
std::string quote_identifier(std::string_view name);

// A non-NULL value as the text a driver receives; booleans as true/false
// (PostgreSQL) or 1/0 (SQLite).
std::string value_text(const Value& value, Dialect dialect);

}  // namespace retort::detail
