// `<name>-migrate lint`: the zero-downtime rules over the set's revisions.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "retort/registry.hpp"

namespace retort::cli {

struct LintFlags {
  std::string format = "text";
  std::string since;
  std::vector<std::string> dialects{"postgresql", "sqlite"};
  std::vector<std::string> disabled;
  bool warnings_as_errors = false;
  bool trace = false;  // apply the pending migrations to a scratch PostgreSQL and measure their locks
};

CLI::App* add_lint_command(CLI::App& app, LintFlags& flags);
// Exit status: 1 when an error was found (or every warning, with --werror).
int run_lint(const Registry& registry, const LintFlags& flags);

}  // namespace retort::cli
