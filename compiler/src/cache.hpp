// Per-file parse results keyed by content hash, so a rebuild after editing
// one migration re-parses only that file.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include "migration_source.hpp"

namespace retort::compiler {

class ParseCache {
 public:
  // `key` identifies the tool version and every flag that changes parsing;
  // a cache written under another key is ignored. A missing or unreadable
  // file starts an empty cache.
  ParseCache(std::string file, std::string key);

  // The stored result for `path` if its content hash matches and every
  // quoted #include it recorded is unchanged.
  std::optional<MigrationSource> find(const std::string& path, const std::string& content_hash) const;
  void store(const MigrationSource& source, const std::string& content_hash);
  // Drops entries of files no longer in the set.
  void retain_only(const std::set<std::string>& paths);
  // Writes the file only when its content changed.
  void save() const;

 private:
  struct Entry {
    std::string content_hash;
    std::map<std::string, std::string> include_hashes;  // header path -> sha256
    MigrationSource source;
  };
  // sha256 of a header, read once per run however many files include it.
  std::string current_hash(const std::string& path) const;

  std::string file_;
  std::string key_;
  std::map<std::string, Entry> entries_;
  mutable std::map<std::string, std::string> header_hashes_;
};

}  // namespace retort::compiler
