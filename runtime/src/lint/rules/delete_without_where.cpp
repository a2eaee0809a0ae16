// delete-without-where: deleting every row in a schema migration is either
// a mistake or a data migration that should be batched.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "DeleteStmt" || !field(s.body, "whereClause").empty()) return;
  const std::string table = relation_key(field(s.body, "relation"));
  if (s.schema.is_new(table)) return;
  out.push_back(fmt::format("DELETE FROM {} without WHERE deletes every row in one transaction, locking them all "
                            "until it commits",
                            table));
}

}  // namespace

extern const Rule delete_without_where{
    "delete-without-where",
    "deleting every row in one statement locks all of them until the migration commits",
    "move it to its own data migration with `.transactional = false` and delete in batches "
    "(`DELETE FROM t WHERE id IN (SELECT id FROM t WHERE ... LIMIT 1000)` per batch)",
    false, check, on_both};

}  // namespace retort::lint::rules
