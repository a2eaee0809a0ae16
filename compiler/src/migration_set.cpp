#include "migration_set.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "cache.hpp"
#include "checksum.hpp"
#include "hashing.hpp"
#include "sql_source.hpp"

namespace retort::compiler {
namespace fs = std::filesystem;

namespace {

std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read migration file " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string cache_key(const MigrationSetOptions& options) {
  std::string key = "retortc " + options.tool_version + "\nresource-dir " + options.cpp.resource_dir;
  for (const auto& directory : options.cpp.include_dirs) key += "\n-I" + directory;
  for (const auto& define : options.cpp.defines) key += "\n-D" + define;
  return sha256_hex(key);
}

}  // namespace

MigrationSet load_migration_set(const MigrationSetOptions& options) {
  MigrationSet set;
  std::error_code error;
  const fs::path directory = fs::weakly_canonical(fs::absolute(options.directory), error);
  if (error || !fs::is_directory(directory))
    throw std::runtime_error("migration directory " + options.directory +
                             " does not exist or is not a directory; pass the directory holding the *.cpp/*.sql "
                             "migrations");
  set.directory = directory.string();

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    const auto extension = entry.path().extension();
    if (extension == ".cpp" || extension == ".sql") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });

  std::optional<ParseCache> cache;
  if (!options.cache_file.empty()) cache.emplace(options.cache_file, cache_key(options));

  set.sources.resize(files.size());
  std::vector<std::string> cpp_to_parse;
  std::vector<std::size_t> cpp_slots;
  std::vector<std::string> content_hashes(files.size());
  std::set<std::string> present;
  std::vector<bool> fresh(files.size(), false);
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string path = files[i].string();
    present.insert(path);
    const std::string content = read_whole_file(files[i]);
    content_hashes[i] = sha256_hex(content);
    if (cache) {
      if (auto cached = cache->find(path, content_hashes[i])) {
        set.sources[i] = std::move(*cached);
        ++set.cached;
        continue;
      }
    }
    ++set.parsed;
    fresh[i] = true;
    if (files[i].extension() == ".sql") {
      set.sources[i] = parse_sql_migration(content, path);
      set.sources[i].checksum = sql_checksum(set.sources[i]);
    } else {
      set.sources[i].checksum = cpp_checksum(content);
      cpp_to_parse.push_back(path);
      cpp_slots.push_back(i);
    }
    set.sources[i].legacy_checksum = legacy_checksum(content);
  }

  auto parsed = extract_cpp_migrations(cpp_to_parse, options.cpp, options.jobs);
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    MigrationSource& slot = set.sources[cpp_slots[k]];
    parsed[k].checksum = std::move(slot.checksum);
    parsed[k].legacy_checksum = std::move(slot.legacy_checksum);
    slot = std::move(parsed[k]);
  }

  if (cache) {
    for (std::size_t i = 0; i < files.size(); ++i)
      if (fresh[i]) cache->store(set.sources[i], content_hashes[i]);
    cache->retain_only(present);
    cache->save();
  }
  return set;
}

}  // namespace retort::compiler
