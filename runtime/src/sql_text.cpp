#include "sql_text.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <functional>

#include "retort/error.hpp"

namespace retort::detail {

std::size_t closing_quote(std::string_view sql, std::size_t open) {
  const char close = sql[open] == '[' ? ']' : sql[open];
  std::size_t i = open + 1;
  while (i < sql.size()) {
    if (sql[i] != close) {
      ++i;
    } else if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      i += 2;  // a doubled quote stands for one
    } else {
      return i;
    }
  }
  return sql.size();
}

namespace {

// Walks `sql`, copying text through `emit` and calling `on_placeholder` for
// each `?` that is not inside a string, quoted identifier, comment or
// dollar-quoted body.
void scan(std::string_view sql, const std::function<void(std::string_view)>& emit,
          const std::function<void()>& on_placeholder) {
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    emit(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_until(std::min(closing_quote(sql, i) + 1, sql.size()));
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      copy_until(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == '$' && i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_')) {
      copy_until(i + 1);  // part of an identifier such as a$b
    } else if (c == '$') {
      // $tag$ ... $tag$ (PostgreSQL function bodies); `$1` is not a tag.
      std::size_t j = i + 1;
      while (j < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      bool is_tag = j < sql.size() && sql[j] == '$' && (j == i + 1 || !std::isdigit(static_cast<unsigned char>(sql[i + 1])));
      if (is_tag) {
        std::string_view tag = sql.substr(i, j - i + 1);
        std::size_t end = sql.find(tag, j + 1);
        copy_until(end == std::string_view::npos ? sql.size() : end + tag.size());
      } else {
        copy_until(i + 1);
      }
    } else if (c == '?') {
      on_placeholder();
      ++i;
    } else {
      copy_until(i + 1);
    }
  }
}

}  // namespace

std::size_t count_placeholders(std::string_view sql) {
  std::size_t count = 0;
  scan(sql, [](std::string_view) {}, [&] { ++count; });
  return count;
}

std::vector<std::string_view> split_statements(std::string_view sql) {
  std::vector<std::string_view> statements;
  std::size_t start = 0, at = 0;
  bool has_code = false;
  auto end_statement = [&](std::size_t end) {
    if (has_code) {
      std::string_view piece = sql.substr(start, end - start);
      while (!piece.empty() && std::isspace(static_cast<unsigned char>(piece.front()))) piece.remove_prefix(1);
      while (!piece.empty() && std::isspace(static_cast<unsigned char>(piece.back()))) piece.remove_suffix(1);
      statements.push_back(piece);
    }
    start = end + 1;
    has_code = false;
  };
  scan(
      sql,
      [&](std::string_view piece) {
        if (piece == ";") {
          end_statement(at);
        } else if (!piece.starts_with("--") && !piece.starts_with("/*") &&
                   !(piece.size() == 1 && std::isspace(static_cast<unsigned char>(piece[0])))) {
          has_code = true;
        }
        at += piece.size();
      },
      [&] {
        has_code = true;
        ++at;
      });
  end_statement(sql.size());
  return statements;
}

std::string number_placeholders(std::string_view sql) {
  std::string out;
  std::size_t next = 1;
  scan(sql, [&](std::string_view piece) { out += piece; }, [&] { out += fmt::format("${}", next++); });
  return out;
}

std::string inline_parameters(std::string_view sql, std::span<const Value> params, Dialect dialect) {
  std::size_t expected = count_placeholders(sql);
  if (expected != params.size()) {
    throw Error(fmt::format("the statement has {} '?' placeholders but {} parameters were given: {}", expected,
                            params.size(), sql));
  }
  std::string out;
  std::size_t next = 0;
  scan(sql, [&](std::string_view piece) { out += piece; },
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

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string value_text(const Value& value, Dialect dialect) {
  struct Visitor {
    Dialect dialect;
    std::string operator()(std::nullptr_t) const { return "NULL"; }
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return fmt::format("{}", v); }
    std::string operator()(bool v) const {
      if (dialect == Dialect::sqlite) return v ? "1" : "0";
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

std::string quote_literal(const Value& value, Dialect dialect) {
  if (const auto* text = std::get_if<std::string>(&value)) {
    return dialect == Dialect::sqlite ? sqlite_text_literal(*text) : quote_literal(*text);
  }
  if (const auto* number = std::get_if<double>(&value); number && !std::isfinite(*number)) {
    return quote_literal(value_text(value, dialect));  // 'NaN', 'inf': only valid quoted
  }
  return value_text(value, dialect);
}

}  // namespace retort::detail
