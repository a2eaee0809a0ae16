// Fuzzes revision targets ("head", "label@-2", "ae1", "3f6d:heads", ...)
// and version-table contents against a fixed graph with branches, a merge,
// branch labels, a second base, a depends_on link and ids sharing prefixes.
//
// Input: line 1 = version table rows (space separated), line 2 = target,
// line 3 = a second target (history's lower end, a second stamp target).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "retort/revision_map.hpp"

namespace {

using retort::MigrationStep;
using retort::RevisionMap;
using retort::RevisionNode;
using retort::fuzz::rejects_cleanly_or_runs;
using retort::fuzz::require;

const RevisionMap& sample_graph() {
  static const RevisionMap map(std::vector<RevisionNode>{
      {"b80c16c4db24", {}, {}, {}, "users"},
      {"3f6d2a8c91e0", {"b80c16c4db24"}, {}, {}, "projects"},
      {"7a1e5c0b4d92", {"3f6d2a8c91e0"}, {}, {}, "tasks"},
      {"4f2a9c1d7e3b", {"7a1e5c0b4d92"}, {"webhooks"}, {}, "webhook events"},
      {"9d3c7b5e1f28", {"7a1e5c0b4d92"}, {"notify"}, {}, "notifications"},
      {"e1a8f4c2d6b7", {"4f2a9c1d7e3b", "9d3c7b5e1f28"}, {}, {}, "merge"},
      {"5b7e9a3c2f14", {"e1a8f4c2d6b7"}, {}, {}, "user preferences"},
      {"a6c2d8e4f0b1", {"5b7e9a3c2f14"}, {}, {}, "task priority"},
      {"ae1000000001", {}, {"audit"}, {}, "audit base"},
      {"ae1000000002", {"ae1000000001"}, {}, {"7a1e5c0b4d92"}, "audit log"},
  });
  return map;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < line.size()) {
    std::size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    if (end > start) words.emplace_back(line.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

std::string_view next_line(std::string_view& input) {
  std::size_t end = input.find('\n');
  std::string_view line = input.substr(0, end);
  input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
  return line;
}

// Consecutive steps must agree on the version table between them, and
// every step must name a revision of the graph.
void check_steps(const RevisionMap& map, const std::vector<MigrationStep>& steps, bool upgrade) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    require(steps[i].upgrade == upgrade, "a step goes the wrong direction");
    require(map.contains(steps[i].revision), "a step names a revision the graph does not have");
    for (const auto& head : steps[i].heads_after)
      require(map.contains(head), "a step leaves an unknown revision in the version table");
    if (i > 0) {
      std::set<std::string> before(steps[i].heads_before.begin(), steps[i].heads_before.end());
      std::set<std::string> after(steps[i - 1].heads_after.begin(), steps[i - 1].heads_after.end());
      require(before == after, "a step starts from another table than the previous step left");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> current = split_words(next_line(input));
  const std::string target(next_line(input));
  const std::string second(next_line(input));
  const RevisionMap& map = sample_graph();

  rejects_cleanly_or_runs("resolve", [&] {
    for (const auto& id : map.resolve(target, current)) require(map.contains(id), "resolve returned an unknown id");
  });
  rejects_cleanly_or_runs("upgrade_steps", [&] { check_steps(map, map.upgrade_steps(current, target), true); });
  rejects_cleanly_or_runs("downgrade_steps", [&] { check_steps(map, map.downgrade_steps(current, target), false); });
  rejects_cleanly_or_runs("stamp", [&] {
    const std::vector<std::string> targets{target, second};
    for (const auto& row : map.stamp(current, targets, !second.empty() && second[0] == 'p'))
      require(map.contains(row), "stamp wrote an unknown revision");
  });
  rejects_cleanly_or_runs("history", [&] {
    for (const RevisionNode* node : map.history(second.empty() ? "base" : second, target, current))
      require(node != nullptr && map.contains(node->id), "history returned an unknown revision");
  });
  rejects_cleanly_or_runs("current_heads", [&] {
    for (const auto& id : map.current_heads(current)) require(map.contains(id), "current_heads returned an unknown id");
  });
  return 0;
}
