// reindex-non-concurrently: REINDEX without CONCURRENTLY blocks writes to
// the table (and reads that use the index) while it rebuilds.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "ReindexStmt") return;
  bool concurrently = false;
  for_each_node(field(s.body, "params"), [&](std::string_view kind, const json& option) {
    if (kind == "DefElem" && text_field(option, "defname") == "concurrently") concurrently = true;
  });
  if (concurrently) return;
  const json& relation = field(s.body, "relation");
  const std::string name = relation.empty() ? text_field(s.body, "name") : relation_key(relation);
  out.push_back(fmt::format("REINDEX {} without CONCURRENTLY blocks writes while the index is rebuilt", name));
}

}  // namespace

extern const Rule reindex_non_concurrently{
    "reindex-non-concurrently",
    "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds",
    "use `REINDEX ... CONCURRENTLY` in a migration with `-- Transactional: false` (C++: inside "
    "`op.autocommit_block`)",
    false, check};

}  // namespace retort::lint::rules
