#include "sql/lexer.hpp"

#include <cctype>

namespace retort::sqltext {

bool is_word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

bool is_word_char(char c) {
  return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '$';
}

// Past the quote that closes the one at pos_; a doubled quote stands for
// one (not in SQLite's [names], which have no escape).
std::size_t Lexer::quoted_end(char close, bool backslash_escapes, bool& closed) const {
  std::size_t i = pos_ + 1;
  while (i < text_.size()) {
    if (backslash_escapes && text_[i] == '\\') {
      i += 2;
    } else if (text_[i] != close) {
      ++i;
    } else if (close != ']' && at(i + 1) == close) {
      i += 2;
    } else {
      return i + 1;
    }
  }
  closed = false;
  return text_.size();
}

// PostgreSQL's block comments nest; SQLite's end at the first */.
std::size_t Lexer::block_comment_end(bool& closed) const {
  int depth = 0;
  std::size_t i = pos_;
  while (i < text_.size()) {
    if (text_[i] == '/' && at(i + 1) == '*' && (depth == 0 || dialect_ == SqlDialect::postgresql)) {
      ++depth;
      i += 2;
    } else if (text_[i] == '*' && at(i + 1) == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  closed = false;
  return text_.size();
}

// The end of a `$tag$` opening at pos_ (`$$`, `$body$`), 0 when there is
// none: `$1` is a parameter, not a tag.
std::size_t Lexer::dollar_tag_end() const {
  std::size_t end = pos_ + 1;
  if (is_word_start(at(end))) {
    while (end < text_.size() && is_word_char(text_[end]) && text_[end] != '$') ++end;
  }
  return at(end) == '$' ? end + 1 : 0;
}

bool Lexer::next(Token& token) {
  if (pos_ >= text_.size()) return false;
  const char c = text_[pos_];
  // A word character right before (a digit or `$` read as a symbol) means
  // this one continues that word: `1abc`, `a$1` are not new words or tags.
  const bool after_word = pos_ > 0 && is_word_char(text_[pos_ - 1]);
  const bool postgresql = dialect_ == SqlDialect::postgresql;
  const std::size_t tag_end = c == '$' && postgresql && !after_word ? dollar_tag_end() : 0;
  token = Token{TokenKind::symbol, pos_, pos_ + 1, line_, column_, true};
  if (std::isspace(static_cast<unsigned char>(c))) {
    token.kind = TokenKind::space;
    while (token.end < text_.size() && std::isspace(static_cast<unsigned char>(text_[token.end]))) ++token.end;
  } else if (c == '-' && at(pos_ + 1) == '-') {
    token.kind = TokenKind::comment;
    const std::size_t newline = text_.find('\n', pos_);
    token.end = newline == std::string_view::npos ? text_.size() : newline;
  } else if (c == '/' && at(pos_ + 1) == '*') {
    token.kind = TokenKind::comment;
    token.end = block_comment_end(token.closed);
  } else if (c == '\'') {
    // E'...' (after a standalone E) reads backslash escapes; the E itself
    // was the word before.
    const bool escapes = postgresql && pos_ > 0 && (text_[pos_ - 1] == 'E' || text_[pos_ - 1] == 'e') &&
                         (pos_ < 2 || !is_word_char(text_[pos_ - 2]));
    token.kind = TokenKind::string;
    token.end = quoted_end('\'', escapes, token.closed);
  } else if (c == '"' || (!postgresql && (c == '`' || c == '['))) {
    token.kind = TokenKind::quoted_name;
    token.end = quoted_end(c == '[' ? ']' : c, false, token.closed);
  } else if (tag_end != 0) {
    const std::string_view tag = text_.substr(pos_, tag_end - pos_);
    const std::size_t close = text_.find(tag, tag_end);
    token.kind = TokenKind::dollar_quoted;
    token.closed = close != std::string_view::npos;
    token.end = token.closed ? close + tag.size() : text_.size();
  } else if (is_word_start(c) && !after_word) {
    token.kind = TokenKind::word;
    while (token.end < text_.size() && is_word_char(text_[token.end])) ++token.end;
  }
  for (; pos_ < token.end; ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
  }
  return true;
}

std::string unquoted_name(std::string_view token_text) {
  if (token_text.empty()) return {};
  const char open = token_text.front();
  const char close = open == '[' ? ']' : open;
  std::string_view inside = token_text.substr(1);
  if (!inside.empty() && inside.back() == close) inside.remove_suffix(1);
  std::string name;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    name += inside[i];
    if (close != ']' && inside[i] == close && i + 1 < inside.size() && inside[i + 1] == close) ++i;
  }
  return name;
}

}  // namespace retort::sqltext
