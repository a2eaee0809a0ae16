#include "released.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace retort::compiler {
namespace fs = std::filesystem;

namespace {

struct ReleasedEntry {
  std::string checksum;
  unsigned line = 0;
};

}  // namespace

Diagnostics check_released(const MigrationSet& set, const std::string& set_name) {
  Diagnostics diagnostics;
  const std::string path = (fs::path(set.directory) / released_file_name).string();
  std::ifstream in(path);
  if (!in) return diagnostics;

  std::map<std::string, ReleasedEntry> released;
  std::string text;
  for (unsigned line = 1; std::getline(in, text); ++line) {
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::istringstream fields(text);
    std::string id, checksum, extra;
    if (!(fields >> id) || id.starts_with("#")) continue;
    if (!(fields >> checksum) || (fields >> extra)) {
      diagnostics.push_back({Severity::error, path, line, 1,
                             "expected `<revision id> <checksum>`; rewrite the file with `" + set_name +
                                 "-migrate lock` (or `retortc lock --directory " + set.directory + "`)"});
      continue;
    }
    released[id] = {checksum, line};
  }

  const std::string rewrite = "`" + set_name + "-migrate lock`";
  for (const MigrationSource& source : set.sources) {
    auto entry = released.find(source.id.value);
    if (entry == released.end()) continue;
    const ReleasedEntry& was = entry->second;
    if (was.checksum != source.checksum && was.checksum != source.legacy_checksum) {
      diagnostics.push_back(
          {Severity::warning, source.path, source.revision_line, 1,
           "revision " + source.id.value +
               " was released, and its source has changed since: every database that applied it will refuse to "
               "migrate (an applied migration never runs again, so the edit would not reach it). Revert the edit "
               "and put the change in a new revision; if the edit is deliberate, run `repair` on those databases "
               "and " + rewrite + " to record the new checksum"});
      diagnostics.push_back({Severity::note, path, was.line, 1,
                             "released with " + was.checksum + "; the source is now " + source.checksum});
    }
    released.erase(entry);
  }
  for (const auto& [id, was] : released) {
    diagnostics.push_back({Severity::warning, path, was.line, 1,
                           "released revision " + id +
                               " is declared by no file: a database at it will be refused as newer than the build. "
                               "Restore the file (or pull it), or remove the line if it was never deployed"});
  }
  return diagnostics;
}

std::size_t write_released(const MigrationSet& set, std::ostream& out) {
  std::map<std::string, std::string> entries;
  for (const MigrationSource& source : set.sources) entries[source.id.value] = source.checksum;
  const fs::path path = fs::path(set.directory) / released_file_name;
  std::ofstream file(path, std::ios::trunc);
  file << "# Released revisions and their checksums, written by `retortc lock`. Editing a\n"
          "# listed migration makes the build warn: databases that applied it would refuse it.\n";
  for (const auto& [id, checksum] : entries) file << id << ' ' << checksum << '\n';
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
  out << "  Recorded " << entries.size() << " released revision(s) in " << path.string() << '\n';
  return entries.size();
}

}  // namespace retort::compiler
