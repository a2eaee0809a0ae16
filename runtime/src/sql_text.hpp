// Small pieces of SQL text handling shared by the backends and the offline
// sink: `?` placeholders and literals (names: sql/quote.hpp).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "sql/lexer.hpp"
#include "statement_sink.hpp"

namespace retort::detail {

// Number of `?` placeholders outside quotes and comments (PostgreSQL text).
std::size_t count_placeholders(std::string_view sql);

// `?` placeholders rewritten as PostgreSQL's $1, $2, ...
std::string number_placeholders(std::string_view sql);

// `?` placeholders replaced by the parameters as escaped literals (offline
// scripts). Throws Error when the counts differ.
std::string inline_parameters(std::string_view sql, std::span<const Value> params, SqlDialect dialect);

// The words of `text` in upper case, one space apart: keywords compared
// whatever their case and spacing ("set  null" -> "SET NULL").
std::string keyword_text(std::string_view text);

std::string quote_literal(const Value& value, SqlDialect dialect);
std::string quote_literal(std::string_view text);

// A non-NULL value as the text a driver receives; booleans as true/false
// (PostgreSQL) or 1/0 (SQLite).
std::string value_text(const Value& value, SqlDialect dialect);

}  // namespace retort::detail
