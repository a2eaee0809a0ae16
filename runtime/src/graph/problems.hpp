// What can be wrong with a set of revisions, as data: the graph library
// finds every problem once; the runtime words it as Alembic does (no source
// location), retortc adds the file:line, notes and hints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retort/revision_map.hpp"

namespace retort::graph {

enum class Rule {
  malformed_id,          // not 1 to 32 characters of [0-9A-Za-z_]
  self_loop,             // down_revision names the revision itself
  dependency_self_loop,  // depends_on names the revision itself
  duplicate_id,
  label_is_id,           // a branch label equal to a revision id
  duplicate_label,       // a branch label two revisions declare
  unknown_down_revision,
  unknown_dependency,    // neither a revision id nor a branch label
  cycle,                 // through down_revision links
  dependency_cycle,      // through depends_on links too
};

struct Problem {
  Rule rule;
  // Indices into the nodes. The revision at fault first; then the other
  // revision involved (the first declaration of a duplicate id or label).
  // For a cycle, the cycle itself: each revision followed by the one it
  // revises or depends on, back to the first (first == last).
  std::vector<int> revisions;
  std::string name;     // the id, label, down_revision or dependency concerned
  std::string message;  // Alembic's words, without a source location
};

// The one rule for revision ids: the version table's VARCHAR(32) holds
// them, and targets give `@`, `-`, `+` and `:` meanings of their own.
bool is_valid_revision_id(std::string_view id);

// Every problem, in the order the checks run. Cycles are looked for only
// when nothing else is wrong.
std::vector<Problem> find_problems(std::vector<RevisionNode> nodes);

}  // namespace retort::graph
