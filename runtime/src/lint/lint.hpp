// The zero-downtime migration linter: every revision rendered for each
// database the set targets, as offline (`--sql`) mode renders it, each
// statement read by PostgreSQL's own parser (libpg_query) and judged by the
// rules in rules/ that apply to that database.
// Findings are reported at the file:line of the op call or SQL statement.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "retort/registry.hpp"

namespace retort::lint {

enum class Severity { warning, error };

struct Options {
  // Revisions before this one (and not descending from it) are not judged.
  std::string since;
  bool warnings_as_errors = false;
  bool postgresql = true;        // the set targets PostgreSQL: its rules apply
  bool sqlite = true;            // the set targets SQLite: its rules apply
  std::set<std::string> disabled;  // rule ids switched off for the set
};

struct Finding {
  std::string rule;  // stable id, e.g. add-index-non-concurrently
  Severity severity = Severity::warning;
  std::string path;
  unsigned line = 0;
  unsigned column = 1;
  std::string revision;
  std::string statement;
  std::string message;      // one line: what is wrong here and why
  std::string alternative;  // the safe pattern in Retort
  std::string suppressed_reason;  // the reason of the retort:allow that silenced it
};

struct Result {
  std::vector<Finding> findings;
  // Revisions that could not be rendered offline (they read rows), with why:
  // shown as notes, their statements are not judged.
  std::vector<Finding> skipped;
  std::vector<Finding> suppressed;  // allowed by a retort:allow directive
  unsigned revisions_checked = 0;
  unsigned statements_checked = 0;
  bool failed() const;
};

Result lint(const Registry& registry, const Options& options);

}  // namespace retort::lint
