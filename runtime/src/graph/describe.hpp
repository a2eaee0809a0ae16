// Alembic's one-line form of a revision (Script._head_only), for `heads`,
// `branches` and `history` of both retortc and `<name>-migrate`:
// "down (deps) -> id (labels) (head) (current) (branchpoint), message".
#pragma once

#include <string>

#include "retort/revision_map.hpp"

namespace retort::graph {

struct HeadOnly {
  bool branches = false;  // " (label, ...)"
  bool doc = false;       // ", message"
  bool parents = false;   // "down -> " before the id
  bool tree_indicators = true;
  // Whether the revision is a real head and a current row: asked by the
  // caller, who can answer for thousands of revisions at once.
  bool real_head = false;
  bool current = false;
};

std::string head_only(const RevisionMap& map, const RevisionNode& node, const HeadOnly& how);

}  // namespace retort::graph
