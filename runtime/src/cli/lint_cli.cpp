#include "cli/lint_cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "lint/lint.hpp"
#include "lint/report.hpp"
#include "lint/rule.hpp"
#include "retort/error.hpp"

namespace retort::cli {

CLI::App* add_lint_command(CLI::App& app, LintFlags& flags) {
  CLI::App* lint = app.add_subcommand(
      "lint", "Check the migrations against the zero-downtime rules (compiler-format warnings; exit 1 on errors)");
  lint->add_option("--format", flags.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str();
  lint->add_option("--since", flags.since, "Judge only this revision and those after it (older ones are deployed)");
  lint->add_option("--dialects", flags.dialects, "Databases the set targets: each one's rules apply to what is sent to it")
      ->check(CLI::IsMember({"postgresql", "sqlite"}))
      ->delimiter(',')
      ->capture_default_str();
  lint->add_option("--disable", flags.disabled, "Rule ids to switch off for this set")->delimiter(',');
  lint->add_flag("--werror", flags.warnings_as_errors, "Report every finding as an error (CMake: LINT error)");
  lint->add_flag("--trace", flags.trace,
                 "Apply the pending migrations to the --url database (a scratch PostgreSQL) and print the locks "
                 "and table rewrites each statement caused");
  return lint;
}

int run_lint(const Registry& registry, const LintFlags& flags) {
  lint::Options options;
  options.since = flags.since;
  options.warnings_as_errors = flags.warnings_as_errors;
  options.postgresql = std::find(flags.dialects.begin(), flags.dialects.end(), "postgresql") != flags.dialects.end();
  options.sqlite = std::find(flags.dialects.begin(), flags.dialects.end(), "sqlite") != flags.dialects.end();
  for (const std::string& id : flags.disabled) {
    if (!lint::find_rule(id)) {
      std::string known;
      for (const lint::Rule* rule : lint::all_rules()) known += fmt::format("{}{}", known.empty() ? "" : ", ", rule->id);
      throw Error(fmt::format("--disable names the unknown rule '{}'; the rules are: {}", id, known));
    }
    options.disabled.insert(id);
  }
  const lint::Result result = lint::lint(registry, options);
  if (flags.format == "json") {
    std::cout << lint::to_json(result).dump(2) << '\n';
  } else if (flags.format == "sarif") {
    std::cout << lint::to_sarif(result).dump(2) << '\n';
  } else {
    std::cout << lint::to_text(result);
  }
  return result.failed() ? 1 : 0;
}

}  // namespace retort::cli
