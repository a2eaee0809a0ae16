#include "cli/trace_cli.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "lint/report.hpp"
#include "lint/trace.hpp"
#include "retort/error.hpp"

namespace retort::cli {
namespace {

using nlohmann::json;

constexpr std::string_view kAlternative =
    "see `lint` for this statement's safe pattern; where the lock cannot be avoided, pass --lock-timeout so that "
    "a lock that has to wait gives up instead of queueing every query behind it";

// The locks on relations that existed before the migration; those on the
// ones it created (nothing else can be using them yet) only counted.
std::string locks_text(const lint::TracedStatement& statement) {
  std::string text = statement.sampled ? "sampled while it ran (outside a transaction): " : "";
  const std::size_t prefix = text.size();
  std::size_t on_new = 0;
  for (const lint::TracedLock& lock : statement.locks) {
    if (!lock.existing) {
      ++on_new;
      continue;
    }
    text += fmt::format("{}{} on {} {}", text.size() == prefix ? "" : ", ", lock.mode, lock.kind, lock.relation);
  }
  if (text.size() == prefix) text += "no locks on existing relations";
  if (on_new) text += fmt::format(" (and {} on relations it created)", on_new);
  for (const lint::TracedRelation& relation : statement.rewritten) {
    text += fmt::format("; rewrote {} {}", relation.kind, relation.relation);
  }
  return text;
}

void print_text(const lint::LockTrace& trace, std::vector<lint::Finding>& findings, bool werror) {
  std::size_t statements = 0;
  for (const lint::TracedStep& step : trace.steps()) {
    std::cout << fmt::format("{} ({})\n", step.step, step.path);
    for (const lint::TracedStatement& statement : step.statements) {
      ++statements;
      std::cout << fmt::format("  line {}: {}\n      {}\n", statement.line, statement.statement,
                               locks_text(statement));
    }
  }
  for (lint::Finding& finding : findings) {
    std::cout << fmt::format("{}:{}:{}: {}: {} [retort-trace: {}]\n    {}\n{}:{}:{}: note: {}\n", finding.path,
                             finding.line, finding.column, werror ? "error" : "warning", finding.message,
                             finding.rule, finding.statement, finding.path, finding.line, finding.column,
                             kAlternative);
  }
  std::cout << fmt::format("retort-trace: {} migration(s), {} statement(s) traced; {} finding(s)\n",
                           trace.steps().size(), statements, findings.size());
}

json trace_json(const lint::LockTrace& trace, std::vector<lint::Finding>& findings) {
  json steps = json::array();
  for (const lint::TracedStep& step : trace.steps()) {
    json statements = json::array();
    for (const lint::TracedStatement& statement : step.statements) {
      json locks = json::array(), rewritten = json::array();
      for (const lint::TracedLock& lock : statement.locks) {
        locks.push_back({{"relation", lock.relation}, {"kind", lock.kind}, {"mode", lock.mode},
                         {"existing", lock.existing}});
      }
      for (const lint::TracedRelation& relation : statement.rewritten) {
        rewritten.push_back({{"relation", relation.relation}, {"kind", relation.kind}});
      }
      statements.push_back({{"line", statement.line},
                            {"statement", statement.statement},
                            {"in_transaction", statement.in_transaction},
                            {"sampled", statement.sampled},
                            {"locks", locks},
                            {"rewritten", rewritten}});
    }
    steps.push_back({{"revision", step.revision}, {"step", step.step}, {"path", step.path},
                     {"statements", statements}});
  }
  json found = json::array();
  for (const lint::Finding& finding : findings) found.push_back(lint::finding_json(finding));
  return json{{"migrations", steps}, {"findings", found}};
}

}  // namespace

int run_lint_trace(detail::Backend& db, const detail::Migrator& migrator, const detail::command::Guard& guard,
                   const LintFlags& flags) {
  if (db.dialect() != SqlDialect::postgresql) {
    throw Error(fmt::format("lint --trace measures PostgreSQL's locks; {} is not PostgreSQL. Give it a scratch "
                            "PostgreSQL database (the pending migrations are applied to it): --url "
                            "postgresql://user@localhost/scratch",
                            db.url().display));
  }
  if (flags.format == "sarif") throw Error("lint --trace prints text or json (--format text|json), not sarif");
  if (db.pooled()) {
    throw Error(fmt::format("{} is behind a connection pooler, where pg_locks cannot be matched to the migrating "
                            "session; trace on a direct connection to the scratch server",
                            db.url().display));
  }
  lint::LockTrace trace(db);
  std::cerr << fmt::format("INFO  [retort] Tracing locks while applying the pending migrations to {}\n",
                           db.url().display);
  try {
    detail::command::upgrade(db, migrator, "heads", guard, TransactionMode::per_migration, trace,
                             [](std::string_view line) { std::cerr << "INFO  [retort] " << line << '\n'; });
  } catch (const std::exception& e) {
    std::vector<lint::Finding> findings = trace.findings();
    if (flags.format == "json") {
      json report = trace_json(trace, findings);
      report["error"] = e.what();
      std::cout << report.dump(2) << '\n';
    } else {
      print_text(trace, findings, flags.warnings_as_errors);
    }
    throw;  // what ran until the failure is shown; the failure says the rest
  }
  std::vector<lint::Finding> findings = trace.findings();
  if (flags.warnings_as_errors) {
    for (lint::Finding& finding : findings) finding.severity = lint::Severity::error;
  }
  if (flags.format == "json") {
    json report = trace_json(trace, findings);
    report["database"] = db.url().display;
    std::cout << report.dump(2) << '\n';
  } else {
    print_text(trace, findings, flags.warnings_as_errors);
  }
  return flags.warnings_as_errors && !findings.empty() ? 1 : 0;
}

}  // namespace retort::cli
