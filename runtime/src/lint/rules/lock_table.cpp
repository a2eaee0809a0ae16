// lock-table: an explicit LOCK holds its lock until the migration commits.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "LockStmt") return;
  std::string tables;
  for_each_node(field(s.body, "relations"), [&](std::string_view, const json& relation) {
    tables += (tables.empty() ? "" : ", ") + relation_key(relation);
  });
  out.push_back(fmt::format("LOCK TABLE {} holds the lock until the migration commits; queries of the running "
                            "release queue behind it",
                            tables));
}

}  // namespace

extern const Rule lock_table{
    "lock-table",
    "an explicit table lock is held until the migration commits and queues every conflicting query",
    "do not lock by hand: use the operations that take the least lock (CONCURRENTLY, NOT VALID + VALIDATE), and "
    "bound waits with Retort's --lock-timeout",
    false, check};

}  // namespace retort::lint::rules
