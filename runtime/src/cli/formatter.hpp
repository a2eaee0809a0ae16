// Alembic's revision formats (script/base.py) for `heads`, `branches`,
// `history`, `current` and `show`, and their JSON form.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "graph/describe.hpp"
#include "retort/cli.hpp"
#include "retort/revision_map.hpp"
#include "version_table.hpp"

namespace retort::cli {

using detail::comma_list;
using nlohmann::json;

struct Formatter {
  const Settings& settings;
  const RevisionMap& map;
  std::set<std::string> current;  // for the " (current)" marker

  std::string down_text(const RevisionNode& node) const {
    return node.down_revisions.empty() ? "<base>" : comma_list(node.down_revisions);
  }

  // Indexed on first use: history over thousands of revisions asks for each.
  const Migration* source(const std::string& id) const {
    if (sources_.empty()) {
      for (const Migration& m : settings.registry.migrations) sources_.emplace(m.id, &m);
    }
    auto it = sources_.find(id);
    return it == sources_.end() ? nullptr : it->second;
  }

  bool real_head(const std::string& id) const {
    if (!real_heads_) {
      std::vector<std::string> heads = map.real_heads();
      real_heads_.emplace(heads.begin(), heads.end());
    }
    return real_heads_->count(id) > 0;
  }

  std::string head_only(const RevisionNode& node, bool include_branches, bool include_doc, bool include_parents,
                        bool tree_indicators) const {
    return graph::head_only(map, node,
                            {include_branches, include_doc, include_parents, tree_indicators, real_head(node.id),
                             current.count(node.id) > 0});
  }

  std::string log_entry(const RevisionNode& node) const {
    std::string entry = fmt::format("Rev: {}{}{}{}{}\n", node.id, map.is_head(node.id) ? " (head)" : "",
                                    map.is_branch_point(node.id) ? " (branchpoint)" : "",
                                    map.is_merge_point(node.id) ? " (mergepoint)" : "",
                                    current.count(node.id) ? " (current)" : "");
    entry += fmt::format("{}: {}\n", map.is_merge_point(node.id) ? "Merges" : "Parent", down_text(node));
    if (!node.depends_on.empty()) entry += fmt::format("Also depends on: {}\n", comma_list(node.depends_on));
    if (map.is_branch_point(node.id)) {
      entry += fmt::format("Branches into: {}\n", comma_list(map.next_revisions(node.id)));
    }
    std::vector<std::string> labels = map.branch_labels(node.id);
    if (!labels.empty()) entry += fmt::format("Branch names: {}\n", comma_list(labels));
    if (const Migration* m = source(node.id)) entry += fmt::format("Path: {}:{}\n", m->source_path, m->source_line);
    entry += fmt::format("\n    {}\n", node.message);
    return entry;
  }

  std::string cmd_format(const RevisionNode& node, bool verbose, bool include_branches = false,
                         bool include_doc = false, bool include_parents = false, bool tree_indicators = true) const {
    return verbose ? log_entry(node) : head_only(node, include_branches, include_doc, include_parents, tree_indicators);
  }

  json to_json(const RevisionNode& node) const {
    json j{{"revision", node.id},
           {"down_revisions", node.down_revisions},
           {"depends_on", node.depends_on},
           {"branch_labels", map.branch_labels(node.id)},
           {"message", node.message},
           {"is_head", map.is_head(node.id)},
           {"is_branch_point", map.is_branch_point(node.id)},
           {"is_merge_point", map.is_merge_point(node.id)}};
    if (const Migration* m = source(node.id)) {
      j["path"] = std::string(m->source_path);
      j["line"] = m->source_line;
    }
    if (!current.empty()) j["is_current"] = current.count(node.id) > 0;
    return j;
  }

  mutable std::unordered_map<std::string_view, const Migration*> sources_;
  mutable std::optional<std::set<std::string>> real_heads_;
};

}  // namespace retort::cli
