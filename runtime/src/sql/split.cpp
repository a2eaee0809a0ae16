#include "sql/split.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace retort::sqltext {
namespace {

std::string upper(std::string_view word) {
  std::string result(word);
  for (auto& c : result) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n\f\v");
  return text.substr(first, last - first + 1);
}

std::string unterminated_message(const Token& token, std::string_view text) {
  const std::string_view piece = token.text(text);
  switch (token.kind) {
    case TokenKind::comment:
      return "unterminated /* comment */ starting here; close it with */";
    case TokenKind::string:
      return "unterminated string literal starting here; close it with '";
    case TokenKind::dollar_quoted: {
      const std::string tag(piece.substr(0, piece.find('$', 1) + 1));
      return "unterminated dollar-quoted string " + tag + " starting here; close it with " + tag;
    }
    default:
      return std::string("unterminated quoted identifier starting here; close it with ") +
             (piece.front() == '[' ? ']' : piece.front());
  }
}

// Reads the tokens once and cuts statements at the semicolons outside
// parentheses and trigger and BEGIN ATOMIC bodies.
class Splitter {
 public:
  Splitter(std::string_view text, SqlDialect dialect, unsigned first_line)
      : text_(text), lexer_(text, dialect, first_line) {}

  SplitResult run() {
    Token token;
    while (lexer_.next(token)) take(token);
    finish_statement(text_.size());
    return std::move(result_);
  }

 private:
  void take(const Token& token) {
    if (!token.closed) problem(token.line, token.column, unterminated_message(token, text_));
    if (!token.significant()) {
      gap_ = true;
      return;
    }
    if (token.is(';', text_) && body_depth_ == 0 && paren_depth_ <= 0) return finish_statement(token.begin);
    // CREATE RULE ... DO (a; b) is one statement, as PostgreSQL reads it.
    if (token.is('(', text_)) ++paren_depth_;
    if (token.is(')', text_)) --paren_depth_;
    if (!statement_start_) {
      statement_start_ = token.begin;
      statement_line_ = token.line;
    }
    // An unterminated quote ends the statement's text at its opening.
    last_significant_end_ = token.closed ? token.end : token.begin + 1;
    append_canonical(token.text(text_));
    if (token.kind == TokenKind::word) on_word(upper(token.text(text_)), token);
  }

  void append_canonical(std::string_view piece) {
    auto tight = [](char c) { return c == '(' || c == ')' || c == ',' || c == ';'; };
    if (gap_ && !canonical_.empty() && !tight(canonical_.back()) && !tight(piece.front())) canonical_.push_back(' ');
    gap_ = false;
    canonical_.append(piece);
  }

  // Tracks just enough grammar to keep trigger / BEGIN ATOMIC bodies whole.
  void on_word(const std::string& word, const Token& token) {
    if (words_.size() < 6) words_.push_back(word);
    if (body_depth_ > 0) {
      if (word == "CASE") {
        ++case_depth_;
      } else if (word == "END") {
        if (case_depth_ > 0)
          --case_depth_;
        else
          body_depth_ = 0;
      }
    } else if ((word == "BEGIN" && is_trigger_statement()) ||
               (word == "ATOMIC" && previous_word_ == "BEGIN" && words_[0] == "CREATE")) {
      body_depth_ = 1;
      body_line_ = token.line;
      body_column_ = token.column;
    }
    previous_word_ = word;
  }

  bool is_trigger_statement() const {
    // CREATE [TEMP|TEMPORARY] TRIGGER ...
    if (words_.size() < 2 || words_[0] != "CREATE") return false;
    if (words_[1] == "TRIGGER") return true;
    return words_.size() >= 3 && (words_[1] == "TEMP" || words_[1] == "TEMPORARY") && words_[2] == "TRIGGER";
  }

  void finish_statement(std::size_t terminator) {
    if (terminator >= text_.size() && body_depth_ > 0)
      problem(body_line_, body_column_, "trigger/function body opened here is never closed with END; add `END;`");
    if (statement_start_) {
      const std::size_t end = std::min(last_significant_end_, terminator);
      result_.statements.push_back({std::string(trim(text_.substr(*statement_start_, end - *statement_start_))),
                                    statement_line_, std::move(canonical_)});
    }
    canonical_.clear();
    gap_ = false;
    statement_start_.reset();
    last_significant_end_ = 0;
    words_.clear();
    previous_word_.clear();
    body_depth_ = 0;
    case_depth_ = 0;
    paren_depth_ = 0;
  }

  void problem(unsigned line, unsigned column, std::string message) {
    result_.problems.push_back({line, column, std::move(message)});
  }

  std::string_view text_;
  Lexer lexer_;
  std::optional<std::size_t> statement_start_;
  unsigned statement_line_ = 0;
  std::size_t last_significant_end_ = 0;
  std::vector<std::string> words_;  // first words of the current statement
  std::string previous_word_;
  int body_depth_ = 0;
  int case_depth_ = 0;
  int paren_depth_ = 0;
  std::string canonical_;
  bool gap_ = false;
  unsigned body_line_ = 0, body_column_ = 0;
  SplitResult result_;
};

}  // namespace

SplitResult split(std::string_view text, SqlDialect dialect, unsigned first_line) {
  return Splitter(text, dialect, first_line).run();
}

}  // namespace retort::sqltext
