#include "graph/range.hpp"

namespace retort::graph {

std::optional<RevisionRange> parse_range(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return RevisionRange{text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace retort::graph
