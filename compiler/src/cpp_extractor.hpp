// Reads C++ migrations with Clang: the file-scope `revision` constant, the
// `upgrade`/`downgrade` entry points and the file's #include directives.
#pragma once

#include <string>
#include <vector>

#include "migration_source.hpp"

namespace retort::compiler {

struct CppParseOptions {
  std::string resource_dir;               // Clang's builtin headers
  std::vector<std::string> include_dirs;  // the runtime's include dir first
  std::vector<std::string> defines;       // NAME or NAME=VALUE
};

// Parses every file (absolute paths) with `jobs` threads; results are in
// the order of `paths`. Never throws for problems in the files: those are
// in each result's diagnostics.
std::vector<MigrationSource> extract_cpp_migrations(const std::vector<std::string>& paths,
                                                    const CppParseOptions& options, unsigned jobs);

}  // namespace retort::compiler
