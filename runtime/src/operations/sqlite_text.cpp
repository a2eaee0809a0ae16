#include "operations/sqlite_text.hpp"

#include <cctype>

#include "sql/lexer.hpp"

namespace retort::detail {

namespace {

using sqltext::TokenKind;

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Calls `on_identifier(start, length, name, quoted)` for every identifier in
// `text` (bare words and "quoted", `quoted`, [quoted] names), skipping
// literals and comments.
template <class F>
void scan_identifiers(std::string_view text, F&& on_identifier) {
  sqltext::Lexer lexer(text, SqlDialect::sqlite);
  for (sqltext::Token token; lexer.next(token);) {
    if (token.kind == TokenKind::quoted_name)
      on_identifier(token.begin, token.end - token.begin, sqltext::unquoted_name(token.text(text)), true);
    else if (token.kind == TokenKind::word)
      on_identifier(token.begin, token.end - token.begin, std::string(token.text(text)), false);
  }
}

bool same_name(const std::string& found, bool quoted, const std::string& name) {
  return quoted ? found == name : lower(found) == lower(name);
}

}  // namespace

bool mentions(std::string_view sql, const std::string& name) {
  bool found = false;
  scan_identifiers(sql, [&](std::size_t, std::size_t, const std::string& word, bool quoted) {
    if (same_name(word, quoted, name)) found = true;
  });
  return found;
}

std::string rename_identifier(std::string_view sql, const std::string& from, const std::string& to_sql) {
  std::string out;
  std::size_t copied = 0;
  scan_identifiers(sql, [&](std::size_t start, std::size_t length, const std::string& word, bool quoted) {
    if (!same_name(word, quoted, from)) return;
    out += sql.substr(copied, start - copied);
    out += to_sql;
    copied = start + length;
  });
  return out + std::string(sql.substr(copied));
}

std::vector<std::string> split_top_level(std::string_view body) {
  std::vector<std::string> items;
  int depth = 0;
  std::size_t start = 0;
  sqltext::Lexer lexer(body, SqlDialect::sqlite);
  for (sqltext::Token token; lexer.next(token);) {
    if (token.is('(', body)) {
      ++depth;
    } else if (token.is(')', body)) {
      --depth;
    } else if (token.is(',', body) && depth == 0) {
      items.emplace_back(body.substr(start, token.begin - start));
      start = token.end;
    }
  }
  items.emplace_back(body.substr(start));
  return items;
}

// Groups run from a top-level `(` to its `)` (to the end when unclosed);
// words and other characters next to each other make one token (`a.b`,
// `-1`), and `,` is a token of its own.
std::vector<Token> tokens_of(std::string_view sql) {
  std::vector<Token> tokens;
  int depth = 0;
  std::size_t group_start = 0;
  bool in_run = false;  // the last token is a run that the next piece may extend
  sqltext::Lexer lexer(sql, SqlDialect::sqlite);
  for (sqltext::Token token; lexer.next(token);) {
    const bool open = token.is('(', sql), close = token.is(')', sql);
    if (depth > 0) {
      depth += open ? 1 : close ? -1 : 0;
      if (depth == 0)
        tokens.push_back({std::string(sql.substr(group_start, token.end - group_start)), false, true, token.end});
      continue;
    }
    if (open) {
      depth = 1;
      group_start = token.begin;
      in_run = false;
    } else if (!token.significant()) {
      in_run = false;
    } else if (token.kind == TokenKind::string || token.kind == TokenKind::quoted_name) {
      tokens.push_back({sqltext::unquoted_name(token.text(sql)), true, false, token.end});
      in_run = false;
    } else if (in_run && !token.is(',', sql)) {
      tokens.back().text += token.text(sql);
      tokens.back().end = token.end;
    } else {
      tokens.push_back({std::string(token.text(sql)), false, false, token.end});
      in_run = !token.is(',', sql);
    }
  }
  if (depth > 0) tokens.push_back({std::string(sql.substr(group_start)), false, true, sql.size()});
  return tokens;
}

bool is_keyword(const Token& token, std::string_view keyword) {
  return !token.quoted && !token.group && lower(token.text) == lower(keyword);
}

bool is_table_constraint(const Token& first) {
  return is_keyword(first, "CONSTRAINT") || is_keyword(first, "PRIMARY") || is_keyword(first, "UNIQUE") ||
         is_keyword(first, "CHECK") || is_keyword(first, "FOREIGN");
}

std::vector<std::string> names_in_group(const Token& group) {
  std::vector<std::string> names;
  for (const auto& item : split_top_level(std::string_view(group.text).substr(1, group.text.size() - 2))) {
    auto parts = tokens_of(item);
    if (!parts.empty()) names.push_back(parts[0].text);
  }
  return names;
}

}  // namespace retort::detail
