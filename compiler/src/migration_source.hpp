// What retortc learns from one migration file, C++ or SQL, with the source
// location of every value so diagnostics can point at it.
#pragma once

#include <string>
#include <vector>

#include "diagnostic.hpp"
#include "sql/split.hpp"

namespace retort::compiler {

struct LocatedText {
  std::string value;
  unsigned line = 0;
  unsigned column = 0;
};

// A statement of a `.sql` migration, its line in the file and the text its
// checksum covers (`canonical`, not kept in the parse cache).
using StatementText = sqltext::Statement;

// An `#include` of a C++ migration, repeated by its wrapper translation unit.
struct IncludeDirective {
  std::string spelled;   // as written, without delimiters
  bool angled = false;
  std::string resolved;  // absolute path the include resolved to ("" if not found)
};

enum class SourceKind { cpp, sql };

struct MigrationSource {
  SourceKind kind = SourceKind::cpp;
  std::string path;  // absolute
  std::string checksum;         // "v2-sha256:<hex>" of what can change the schema (checksum.hpp)
  std::string legacy_checksum;  // "sha256:<hex>" of the whole LF-normalised file, as Retort 0.1 recorded

  bool has_revision = false;   // a usable `revision` / header was found
  unsigned revision_line = 0;  // `revision` declaration / `-- Revision ID:` line
  unsigned revision_column = 0;
  LocatedText id;
  bool down_revision_given = false;
  LocatedText down_revision_field;       // where the field itself is written
  std::vector<LocatedText> down_revisions;  // empty for a base revision
  LocatedText message;
  std::vector<LocatedText> branch_labels;
  std::vector<LocatedText> depends_on;
  bool transactional = true;

  // C++ only.
  std::vector<IncludeDirective> includes;
  std::vector<std::string> dependencies;  // every non-system header the parse read
  // SQL only.
  std::vector<StatementText> upgrade_sql;
  std::vector<StatementText> downgrade_sql;

  // Problems found in this file alone (clang's diagnostics included).
  Diagnostics diagnostics;
};

}  // namespace retort::compiler
