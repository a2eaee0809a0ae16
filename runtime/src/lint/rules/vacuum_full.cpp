// vacuum-full: VACUUM FULL rewrites the table under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "VacuumStmt") return;
  bool full = false;
  for_each_node(field(s.body, "options"), [&](std::string_view kind, const json& option) {
    if (kind == "DefElem" && text_field(option, "defname") == "full") full = true;
  });
  if (!full) return;
  std::string tables;
  for_each_node(field(s.body, "rels"), [&](std::string_view, const json& relation) {
    tables += (tables.empty() ? "" : ", ") + relation_key(field(relation, "relation"));
  });
  out.push_back(fmt::format("VACUUM FULL {} rewrites {} under an ACCESS EXCLUSIVE lock: reads and writes wait "
                            "until it finishes",
                            tables.empty() ? "(every table)" : tables, tables.empty() ? "every table" : "it"));
}

}  // namespace

extern const Rule vacuum_full{
    "vacuum-full",
    "VACUUM FULL rewrites the table while holding an ACCESS EXCLUSIVE lock",
    "leave space reclamation to autovacuum or run plain `VACUUM` outside migrations; to shrink a table online "
    "use pg_repack from operations, not a migration",
    false, check};

}  // namespace retort::lint::rules
