// Migration checksums: what the history records when a migration is applied,
// and what `verify`/`upgrade` compare it with later. They cover what can
// change the schema, so an applied migration can have its comments and
// layout edited without stopping every replica at startup.
#pragma once

#include <string>
#include <string_view>

#include "migration_source.hpp"

namespace retort::compiler {

// "v2-sha256:<hex>" of a C++ migration's token stream: comments and white
// space between tokens are left out, preprocessor lines stay lines, string
// literals are kept exactly.
std::string cpp_checksum(std::string_view content);

// "v2-sha256:<hex>" of a parsed `.sql` migration: its header fields' values
// and each statement without comments, with white space outside literals
// folded (StatementText::canonical).
std::string sql_checksum(const MigrationSource& source);

// "sha256:<hex>" of the whole file with CRLF normalised to LF: what Retort
// recorded before v2 checksums, still accepted for migrations applied then.
std::string legacy_checksum(std::string_view content);

}  // namespace retort::compiler
