// drop-index-non-concurrently: DROP INDEX takes ACCESS EXCLUSIVE on the
// index's table; queued behind a long query it blocks every reader too.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "DropStmt" || text_field(s.body, "removeType") != "OBJECT_INDEX" || flag(s.body, "concurrent")) {
    return;
  }
  for (const json& object : field(s.body, "objects")) {
    const std::string index = dotted_key(object);
    const std::string table = s.schema.index_table(index);
    if (!table.empty() && s.schema.is_new(table)) continue;
    out.push_back(fmt::format("DROP INDEX {} without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on {}", index,
                              table.empty() ? "its table" : table));
  }
}

}  // namespace

extern const Rule drop_index_non_concurrently{
    "drop-index-non-concurrently",
    "dropping an index without CONCURRENTLY locks its table against reads and writes",
    "drop it concurrently, outside the transaction: `op.autocommit_block([&] { op.drop_index(name, "
    "{.concurrently = true}); });` or, in SQL, `DROP INDEX CONCURRENTLY` with `-- Transactional: false`",
    false, check};

}  // namespace retort::lint::rules
