// Generates the registry sources of a verified migration set.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "migration_source.hpp"

namespace retort::compiler {

struct RegistryTarget {
  std::string name;              // C identifier: the namespace and file names
  std::string source_directory;  // absolute migration directory
  std::string output_dir;
};

struct WriteSummary {
  std::size_t written = 0;    // files created or changed
  std::size_t unchanged = 0;  // left untouched so the build does not recompile them
  std::size_t removed = 0;    // wrappers of migrations that no longer exist
};

// Writes OUT/include/NAME.hpp, OUT/NAME_registry.cpp and one wrapper
// OUT/migrations/<stem>.cpp per C++ migration, rewriting only changed files.
// `order` lists the sources in registry order.
WriteSummary write_registry(const std::vector<MigrationSource>& sources, const std::vector<std::size_t>& order,
                            const RegistryTarget& target);

// The pieces, exposed for the tests.
std::string cpp_string_literal(const std::string& text);
std::string wrapper_source(const MigrationSource& source);
std::string registry_source(const std::vector<MigrationSource>& sources, const std::vector<std::size_t>& order,
                            const RegistryTarget& target);

}  // namespace retort::compiler
