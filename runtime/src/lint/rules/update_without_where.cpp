// update-without-where: one UPDATE of every row locks them all for the
// whole transaction and bloats the table; a schema migration should not.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "UpdateStmt" || !field(s.body, "whereClause").empty()) return;
  const std::string table = relation_key(field(s.body, "relation"));
  if (s.schema.is_new(table)) return;
  out.push_back(fmt::format("UPDATE of {} without WHERE rewrites every row in one transaction, locking them all "
                            "until it commits",
                            table));
}

}  // namespace

extern const Rule update_without_where{
    "update-without-where",
    "updating every row in one statement locks all of them until the migration commits",
    "move the backfill to its own data migration with `.transactional = false` and update in batches "
    "(`UPDATE t SET ... WHERE id BETWEEN ? AND ?` per batch, `op.execute` with parameters)",
    false, check, on_both};

}  // namespace retort::lint::rules
