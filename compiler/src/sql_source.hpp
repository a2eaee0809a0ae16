// Plain-SQL migrations: the `-- Field: value` header and the statement
// splitter. No Clang here: this is fuzzed on its own (target retort_sqlsource).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "migration_source.hpp"

namespace retort::compiler {

struct SplitProblem {
  unsigned line = 0;
  unsigned column = 0;
  std::string message;
};

struct SplitResult {
  std::vector<StatementText> statements;
  std::vector<SplitProblem> problems;  // unterminated quotes, comments, bodies
};

// Splits `text` at top-level semicolons. Quotes ('...', E'...', "..."),
// comments (--, nested /* */), dollar quotes ($$, $tag$), SQLite trigger
// bodies (CREATE TRIGGER ... BEGIN ... END;) and PostgreSQL BEGIN ATOMIC
// bodies are kept whole. `first_line` is the file line of text[0]; every
// statement carries the line of its first significant character.
// Statements are returned without the terminating semicolon; comment-only
// pieces are dropped.
SplitResult split_sql_statements(std::string_view text, unsigned first_line = 1);

// Parses a whole `.sql` migration (CRLF line endings accepted). Problems are
// reported in the result's diagnostics against `path`.
MigrationSource parse_sql_migration(std::string_view content, const std::string& path);

// Converts CRLF (and lone CR) line endings to LF.
std::string normalize_line_endings(std::string_view content);

}  // namespace retort::compiler
