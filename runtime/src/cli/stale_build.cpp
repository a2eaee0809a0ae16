#include "cli/stale_build.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

namespace retort::cli {
namespace fs = std::filesystem;

std::string stale_build_warning(const Settings& settings) {
  std::error_code error;
  if (settings.migrations_dir.empty()) return {};
  // As retortc spells the paths it compiles in.
  const fs::path directory = fs::weakly_canonical(fs::path(settings.migrations_dir), error);
  if (error || !fs::is_directory(directory, error)) return {};
  // The binary is linked after retortc compiled the set: a file newer than
  // it was edited after the build.
  const auto built = fs::last_write_time("/proc/self/exe", error);
  if (error) return {};

  // Paths as strings: both sides are spelled the same way (the directory
  // as retortc spells it, then a file name), and comparing fs::path
  // element by element made this most of `heads` on a large set.
  std::unordered_set<std::string> compiled;
  for (const Migration& m : settings.registry.migrations) compiled.emplace(m.source_path);
  std::vector<std::string> changes;
  std::unordered_set<std::string> present;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file() || (path.extension() != ".cpp" && path.extension() != ".sql")) continue;
    present.insert(path.native());
    if (!compiled.count(path.native())) {
      changes.push_back(fmt::format("{} is new", path.filename().string()));
    } else if (entry.last_write_time(error) > built) {
      changes.push_back(fmt::format("{} was edited", path.filename().string()));
    }
  }
  std::vector<fs::path> removed;  // in path order, as before
  for (const std::string& source : compiled) {
    if (present.count(source)) continue;
    fs::path path(source);
    if (path.parent_path() == directory) removed.push_back(std::move(path));
  }
  std::sort(removed.begin(), removed.end());
  for (const fs::path& path : removed) changes.push_back(fmt::format("{} was removed", path.filename().string()));
  if (changes.empty()) return {};
  std::string list;
  for (std::size_t i = 0; i < changes.size() && i < 5; ++i) list += (i ? ", " : "") + changes[i];
  if (changes.size() > 5) list += fmt::format(" and {} more", changes.size() - 5);
  return fmt::format(
      "warning: this lists the revisions of the last successful build of '{}'; {} has changed since ({}). "
      "Rebuild to see the files as they are (a broken set then fails the build at the file), or run `retortc "
      "heads --directory {}`.",
      settings.registry.name, directory.string(), list, directory.string());
}

}  // namespace retort::cli
