// The one SQL lexer: cuts text into the pieces that decide where a
// statement ends (quotes, comments, dollar-quoted bodies, words), with the
// line and column of each. The statement splitter, `?` placeholders, the
// raw-fragment guard and SQLite's schema text all read SQL through it.
//
// It is hand-written rather than PostgreSQL's scanner (libpg_query) because
// retortc and SQLite need it too, and because it must keep going through
// text the server would refuse, to say where a quote was left open.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "retort/sql_dialect.hpp"

namespace retort::sqltext {

// The rules per SqlDialect: postgresql: '' strings (E'' with backslash
// escapes), "" names, -- and nested /* */ comments, $tag$ bodies. sqlite:
// '' strings, "" `` [] names, -- and non-nesting /* */ comments, no
// backslash escapes or dollar quotes.

enum class TokenKind {
  space,          // a run of white space
  comment,        // -- to the end of the line, or /* */
  string,         // '...' or E'...'
  quoted_name,    // "..." (and `...`, [...] in SQLite)
  dollar_quoted,  // $tag$ ... $tag$
  word,           // a keyword or bare name: letters, digits, _, $, bytes >= 0x80
  symbol,         // any other single character
};

struct Token {
  TokenKind kind = TokenKind::symbol;
  std::size_t begin = 0, end = 0;  // offsets into the text
  unsigned line = 0, column = 0;   // of `begin`; column counts bytes from 1
  bool closed = true;              // false: a quote or comment the text never closes

  std::string_view text(std::string_view sql) const { return sql.substr(begin, end - begin); }
  bool is(char c, std::string_view sql) const { return kind == TokenKind::symbol && sql[begin] == c; }
  // Neither white space nor a comment.
  bool significant() const { return kind != TokenKind::space && kind != TokenKind::comment; }
};

class Lexer {
 public:
  explicit Lexer(std::string_view text, SqlDialect dialect = SqlDialect::postgresql, unsigned first_line = 1)
      : text_(text), dialect_(dialect), line_(first_line) {}

  // The next token; false at the end of the text.
  bool next(Token& token);

 private:
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  std::size_t quoted_end(char close, bool backslash_escapes, bool& closed) const;
  std::size_t block_comment_end(bool& closed) const;
  std::size_t dollar_tag_end() const;

  std::string_view text_;
  SqlDialect dialect_;
  std::size_t pos_ = 0;
  unsigned line_;
  unsigned column_ = 1;
};

// Word characters as PostgreSQL's scanner has them; a word starts with one
// that is not a digit or `$`.
bool is_word_start(char c);
bool is_word_char(char c);

// The name a quoted_name token stands for: "a""b" -> a"b, [x] -> x.
std::string unquoted_name(std::string_view token_text);

}  // namespace retort::sqltext
