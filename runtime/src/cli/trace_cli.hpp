// `<name>-migrate lint --trace`: applies the pending migrations to a scratch
// PostgreSQL and prints the locks each statement took (lint/trace.hpp).
#pragma once

#include <string_view>

#include "backend.hpp"
#include "cli/lint_cli.hpp"
#include "commands.hpp"
#include "migrator.hpp"

namespace retort::cli {

// Exit status: 0, or 1 with --werror when a statement took ACCESS EXCLUSIVE
// on (or rewrote) a table that existed before its migration.
int run_lint_trace(detail::Backend& db, const detail::Migrator& migrator, const detail::command::Guard& guard,
                   const LintFlags& flags);

}  // namespace retort::cli
