// Statement splitting with line numbers: what retortc records for a `.sql`
// migration (text, line, checksum text) and what the runtime queues.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sql/lexer.hpp"

namespace retort::sqltext {

struct Statement {
  std::string text;       // without the terminating `;`, trimmed
  unsigned line = 0;      // of its first significant character
  std::string canonical;  // as the checksum sees it (below)
};

struct SplitProblem {
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

struct SplitResult {
  std::vector<Statement> statements;
  std::vector<SplitProblem> problems;  // unterminated quotes, comments, bodies
};

// Splits `text` at top-level semicolons (not inside parentheses either:
// CREATE RULE ... DO (a; b)). Quotes, comments and dollar quotes (as the
// dialect has them), SQLite trigger bodies (CREATE TRIGGER ... BEGIN ...
// END;) and PostgreSQL BEGIN ATOMIC bodies are kept whole. `first_line` is
// the line of text[0]. Comment-only pieces are dropped.
//
// `canonical` drops comments, folds every run of white space and comments
// to one space and leaves none beside ( ) , ; — so reformatting a file
// does not change its checksum — and keeps literals, quoted names and
// dollar-quoted bodies byte for byte.
SplitResult split(std::string_view text, SqlDialect dialect = SqlDialect::postgresql, unsigned first_line = 1);

}  // namespace retort::sqltext
