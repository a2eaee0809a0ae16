// Loading a migration directory: every *.cpp and *.sql directly in it, in
// file-name order, parsed (or taken from the cache) into MigrationSources.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cpp_extractor.hpp"
#include "migration_source.hpp"

namespace retort::compiler {

struct MigrationSetOptions {
  std::string directory;
  CppParseOptions cpp;
  std::string cache_file;  // empty: no cache
  std::string tool_version;
  unsigned jobs = 2;
};

struct MigrationSet {
  std::string directory;                // absolute
  std::vector<MigrationSource> sources;  // sorted by file name
  std::size_t parsed = 0;                // files actually parsed this run
  std::size_t cached = 0;                // files taken from the cache
};

// Throws std::runtime_error when the directory cannot be read.
MigrationSet load_migration_set(const MigrationSetOptions& options);

}  // namespace retort::compiler
