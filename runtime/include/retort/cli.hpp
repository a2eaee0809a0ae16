// The `<name>-migrate` command line. retort_add_migrations() generates a
// main() that calls retort::cli::main with the set's registry.
#pragma once

#include <span>
#include <string_view>

#include "retort/registry.hpp"

namespace retort::cli {

struct Settings {
  const Registry& registry;
  std::string_view retortc;         // path of retortc, for `revision` and `merge`
  std::string_view migrations_dir;  // the set's source directory
  // Passed to retortc after --directory: the -I/-D options the set is
  // compiled with, so `revision` and `merge` can parse its C++ migrations.
  std::span<const std::string_view> retortc_options = {};
};

// Runs one command; returns the process exit status (0 ok, 1 failure, 2 usage).
int main(const Settings& settings, int argc, char** argv);

}  // namespace retort::cli
