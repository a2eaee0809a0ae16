// `retort.lock` beside the migrations: the checksums of revisions that have
// been released (applied to a database somewhere). Editing one of them after
// its release stops every database that applied it (the history check
// refuses a changed migration), so the build warns about it at the file.
//
// Format: `#` comments, then one `<revision id> <checksum>` per line.
#pragma once

#include <ostream>
#include <string>

#include "migration_set.hpp"

namespace retort::compiler {

inline constexpr const char* released_file_name = "retort.lock";

// Warnings for released revisions whose checksum changed or whose file is
// gone, and errors for lines that cannot be read. Nothing when there is no
// retort.lock.
Diagnostics check_released(const MigrationSet& set, const std::string& set_name);

// Rewrites retort.lock with every revision of the set (they are all
// released now). Returns how many revisions it lists.
std::size_t write_released(const MigrationSet& set, std::ostream& out);

}  // namespace retort::compiler
