// Verifies a migration set as a whole. The graph rules (ids, references,
// duplicates, labels, cycles) are the graph library's (graph/problems.hpp);
// this adds their file:line, notes and hints, the fields a file must have,
// the single-head rule of `compile`, and the registry's topological order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <retort/revision_map.hpp>

#include "edit_distance.hpp"
#include "migration_source.hpp"

namespace retort::compiler {

struct GraphContext {
  std::string set_name;   // the CMake target, for the `<name>-migrate merge` hint
  std::string directory;  // the migration directory, for the `retortc merge` hint
  // `compile` insists on one head per branch; `heads`/`revision`/`merge`
  // must work on a set with several heads.
  bool require_single_head = true;
};

struct GraphCheckResult {
  Diagnostics diagnostics;
  // Indexes into the sources, bases first, ties broken by id. Complete only
  // when the diagnostics hold no error.
  std::vector<std::size_t> order;
};

// `sources` are the files of one set; files without a usable revision
// (already diagnosed) are skipped.
// A file's revision as the graph library takes it.
RevisionNode revision_node(const MigrationSource& source);

GraphCheckResult check_migration_graph(const std::vector<MigrationSource>& sources, const GraphContext& context);

}  // namespace retort::compiler
