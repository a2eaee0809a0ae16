// The one reader of a revision range `A:B` (history, upgrade/downgrade --sql,
// stamp); each verb keeps its own defaults and its own refusal for a missing
// colon, because those are user-visible and differ per verb.
#pragma once

#include <optional>
#include <string_view>

namespace retort::graph {

struct RevisionRange {
  std::string_view lower;  // empty when the range starts with ':'
  std::string_view upper;  // empty when the range ends with ':'
};

// nullopt when `text` has no ':' (a single revision, not a range).
std::optional<RevisionRange> parse_range(std::string_view text);

}  // namespace retort::graph
