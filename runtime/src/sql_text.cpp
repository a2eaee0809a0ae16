#include "sql_text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <functional>

#include "retort/error.hpp"

namespace retort::detail {

namespace {

// Walks `sql`, copying text through `emit` and calling `on_placeholder` for
// each `?` that is not inside a string, quoted identifier, comment or
// dollar-quoted body.
void scan(std::string_view sql, SqlDialect dialect, const std::function<void(std::string_view)>& emit,
          const std::function<void()>& on_placeholder) {
  sqltext::Lexer lexer(sql, dialect);
  sqltext::Token token;
  while (lexer.next(token)) {
    if (token.is('?', sql))
      on_placeholder();
    else
      emit(token.text(sql));
  }
}

}  // namespace

std::size_t count_placeholders(std::string_view sql) {
  std::size_t count = 0;
  scan(sql, SqlDialect::postgresql, [](std::string_view) {}, [&] { ++count; });
  return count;
}

std::string number_placeholders(std::string_view sql) {
  std::string out;
  std::size_t next = 1;
  scan(sql, SqlDialect::postgresql, [&](std::string_view piece) { out += piece; },
       [&] { out += fmt::format("${}", next++); });
  return out;
}

std::string inline_parameters(std::string_view sql, std::span<const Value> params, SqlDialect dialect) {
  std::size_t expected = 0;
  scan(sql, dialect, [](std::string_view) {}, [&] { ++expected; });
  if (expected != params.size()) {
    throw Error(fmt::format("the statement has {} '?' placeholders but {} parameters were given: {}", expected,
                            params.size(), sql));
  }
  std::string out;
  std::size_t next = 0;
  scan(sql, dialect, [&](std::string_view piece) { out += piece; },
       [&] { out += quote_literal(params[next++], dialect); });
  return out;
}

std::string keyword_text(std::string_view text) {
  std::string words;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !words.empty();
      continue;
    }
    if (space) words += ' ';
    space = false;
    words += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return words;
}

std::string quote_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string value_text(const Value& value, SqlDialect dialect) {
  struct Visitor {
    SqlDialect dialect;
    std::string operator()(std::nullptr_t) const { return "NULL"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(bool v) const {
      if (dialect == SqlDialect::sqlite) return v ? "1" : "0";
      return v ? "true" : "false";
    }
    std::string operator()(const std::string& v) const { return v; }
  };
  return std::visit(Visitor{dialect}, value);
}

namespace {

// SQLite text may hold NULs (bound values keep them); a script spells each
// as char(0), since a raw NUL ends the text sqlite3 reads.
std::string sqlite_text_literal(std::string_view text) {
  if (text.find('\0') == std::string_view::npos) return quote_literal(text);
  std::string out = "(";
  std::size_t start = 0;
  for (std::size_t nul = text.find('\0'); nul != std::string_view::npos; nul = text.find('\0', start)) {
    out += quote_literal(text.substr(start, nul - start)) + " || char(0) || ";
    start = nul + 1;
  }
  return out + quote_literal(text.substr(start)) + ")";
}

}  // namespace

std::string quote_literal(const Value& value, SqlDialect dialect) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return dialect == SqlDialect::sqlite ? sqlite_text_literal(*text) : quote_literal(*text);
  }
  if (const auto* number = std::get_if<double>(&value); number && !std::isfinite(*number)) {
    return quote_literal(value_text(value, dialect));  // 'NaN', 'inf': only valid quoted
  }
  return value_text(value, dialect);
}

}  // namespace retort::detail
