// add-index-non-concurrently: CREATE INDEX without CONCURRENTLY takes a
// SHARE lock on its table for the whole build, so every write waits.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "IndexStmt" || flag(s.body, "concurrent")) return;
  const std::string table = relation_key(field(s.body, "relation"));
  if (s.schema.is_new(table)) return;
  const std::string name = text_field(s.body, "idxname");
  out.push_back(fmt::format("CREATE INDEX{} on existing table {} without CONCURRENTLY blocks writes to it "
                            "(SHARE lock) until the index is built",
                            name.empty() ? "" : " " + name, table));
}

}  // namespace

extern const Rule add_index_non_concurrently{
    "add-index-non-concurrently",
    "building an index without CONCURRENTLY blocks every write to the table while it builds",
    "build it concurrently, outside the transaction: `op.autocommit_block([&] { op.create_index(name, table, "
    "{cols}, {.concurrently = true}); });` or, in SQL, `CREATE INDEX CONCURRENTLY` in a migration with "
    "`-- Transactional: false`",
    false, check};

}  // namespace retort::lint::rules
