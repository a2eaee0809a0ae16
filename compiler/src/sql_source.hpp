// Plain-SQL migrations: the `-- Field: value` header and the two sections,
// split into statements by the shared splitter (sql/split.hpp). No Clang
// here: this is fuzzed on its own (target retort_sqlsource).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "migration_source.hpp"

namespace retort::compiler {

// Parses a whole `.sql` migration (CRLF line endings accepted). Problems are
// reported in the result's diagnostics against `path`.
MigrationSource parse_sql_migration(std::string_view content, const std::string& path);

// Converts CRLF (and lone CR) line endings to LF.
std::string normalize_line_endings(std::string_view content);

}  // namespace retort::compiler
