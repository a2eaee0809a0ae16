// The static table retortc generates for a migration set. The runtime reads
// only this: no file I/O and no parsing when a service starts.
#pragma once

#include <span>
#include <string_view>

namespace retort {

class Op;
using MigrationFn = void (*)(Op&);

// One statement of a plain-SQL migration, split at build time so that a
// failure can name the statement and its line.
struct SqlStatement {
  std::string_view text;
  unsigned line;
};

struct Migration {
  std::string_view id;
  std::span<const std::string_view> down_revisions;  // empty for a base revision
  std::span<const std::string_view> branch_labels;
  std::span<const std::string_view> depends_on;
  std::string_view message;
  std::string_view source_path;  // absolute path of the migration file
  unsigned source_line;          // line of `revision` / `-- Revision ID:`
  // "v2-sha256:<hex>" of what can change the schema: a C++ file's tokens, a
  // `.sql` file's header values and statements without comments, with white
  // space outside literals folded (docs/production-safety.md).
  std::string_view checksum;
  bool transactional;
  MigrationFn upgrade;  // C++ migrations; null for SQL ones
  MigrationFn downgrade;
  std::span<const SqlStatement> upgrade_sql;  // SQL migrations; empty for C++ ones
  std::span<const SqlStatement> downgrade_sql;
  // "sha256:<hex>" of the whole file with LF line endings: what Retort 0.1
  // recorded. A history row holding it still matches an unchanged file.
  std::string_view legacy_checksum = {};

  bool matches_checksum(std::string_view recorded) const {
    return recorded == checksum || (!legacy_checksum.empty() && recorded == legacy_checksum);
  }
  bool is_sql() const { return upgrade == nullptr; }
};

struct Registry {
  std::string_view name;              // the CMake target name of the set
  std::string_view source_directory;  // where `revision`/`merge` write new files
  std::span<const Migration> migrations;  // topological order, bases first, deterministic
};

}  // namespace retort
