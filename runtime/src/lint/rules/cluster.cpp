// cluster: CLUSTER rewrites the table in index order under ACCESS EXCLUSIVE.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  if (s.kind != "ClusterStmt") return;
  const json& relation = field(s.body, "relation");
  out.push_back(fmt::format("CLUSTER {} rewrites {} under an ACCESS EXCLUSIVE lock: reads and writes wait until "
                            "it finishes",
                            relation.empty() ? "(every clustered table)" : relation_key(relation),
                            relation.empty() ? "them" : "it"));
}

}  // namespace

extern const Rule cluster{
    "cluster",
    "CLUSTER rewrites the table while holding an ACCESS EXCLUSIVE lock",
    "do not reorder tables in a migration; if the order matters, use pg_repack --order-by from operations",
    false, check};

}  // namespace retort::lint::rules
