#include "graph/describe.hpp"

#include <fmt/format.h>

namespace retort::graph {

std::string head_only(const RevisionMap& map, const RevisionNode& node, const HeadOnly& how) {
  std::string text = node.id;
  if (how.parents) {
    const std::string down =
        node.down_revisions.empty() ? "<base>" : fmt::format("{}", fmt::join(node.down_revisions, ", "));
    text = node.depends_on.empty() ? fmt::format("{} -> {}", down, text)
                                   : fmt::format("{} ({}) -> {}", down, fmt::join(node.depends_on, ", "), text);
  }
  if (how.branches) {
    const std::vector<std::string> labels = map.branch_labels(node.id);
    if (!labels.empty()) text += fmt::format(" ({})", fmt::join(labels, ", "));
  }
  if (how.real_head) text += " (head)";
  else if (map.is_head(node.id)) text += " (effective head)";
  if (how.current) text += " (current)";
  if (how.tree_indicators) {
    if (map.is_branch_point(node.id)) text += " (branchpoint)";
    if (map.is_merge_point(node.id)) text += " (mergepoint)";
  }
  if (how.doc) text += fmt::format(", {}", node.message);
  return text;
}

}  // namespace retort::graph
