#include "cli/safety_cli.hpp"

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "checksums.hpp"
#include "timeouts.hpp"

namespace retort::cli {

namespace {

using detail::parse_duration;

// CLI11 validator: the message CLI11 prints for a bad duration.
std::string duration_error(const std::string& text) {
  try {
    parse_duration(text, "duration");
    return {};
  } catch (const Error& e) {
    return e.what();
  }
}

std::string revision_duration_error(const std::string& text) {
  std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return fmt::format("'{}' is not REVISION=DURATION, e.g. 4f2a9c1d7e3b=30s", text);
  }
  return duration_error(text.substr(eq + 1));
}

LockMode parse_lock_mode(const std::string& name) {
  if (name == "session") return LockMode::session;
  if (name == "lease") return LockMode::lease;
  if (name == "none") return LockMode::none;
  return LockMode::automatic;
}

}  // namespace

std::string lock_mode_flag(LockMode mode) {
  switch (mode) {
    case LockMode::session: return "session";
    case LockMode::lease: return "lease";
    case LockMode::none: return "none";
    case LockMode::automatic: break;
  }
  return "auto";
}

std::string duration_flag(std::chrono::milliseconds duration) {
  if (duration.count() == 0) return "0";
  if (duration.count() % 1000 == 0) return fmt::format("{}s", duration.count() / 1000);
  return fmt::format("{}ms", duration.count());
}

SafetyOptions SafetyFlags::options() const {
  SafetyOptions out;
  out.lock_mode = parse_lock_mode(lock_mode);
  out.lock_wait = parse_duration(lock_wait, "--lock-wait");
  out.lease_duration = parse_duration(lease_duration, "--lease-duration");
  out.history_table = history_table;
  out.allow_modified = allow_modified;
  out.lock_timeout = parse_duration(lock_timeout, "--lock-timeout");
  out.statement_timeout = parse_duration(statement_timeout, "--statement-timeout");
  out.slow_statement_after = parse_duration(slow_statement_after, "--slow-statement-after");
  out.slow_statement_every = parse_duration(slow_statement_every, "--slow-statement-every");
  for (const std::string& spec : migration_lock_timeouts) {
    std::size_t eq = spec.find('=');
    out.migration_timeouts[spec.substr(0, eq)].lock_timeout =
        parse_duration(spec.substr(eq + 1), "--migration-lock-timeout");
  }
  for (const std::string& spec : migration_statement_timeouts) {
    std::size_t eq = spec.find('=');
    out.migration_timeouts[spec.substr(0, eq)].statement_timeout =
        parse_duration(spec.substr(eq + 1), "--migration-statement-timeout");
  }
  return out;
}

void add_safety_flags(CLI::App& app, SafetyFlags& flags) {
  CLI::Validator duration(duration_error, "DURATION");
  CLI::Validator revision_duration(revision_duration_error, "REV=DURATION");
  app.add_option("--lock-mode", flags.lock_mode,
                 "One run at a time: auto (PostgreSQL session advisory lock, SQLite lease), session, lease "
                 "(PgBouncer transaction pooling), none")
      ->check(CLI::IsMember({"auto", "session", "lease", "none"}))
      ->capture_default_str();
  app.add_option("--lock-wait", flags.lock_wait, "How long to wait for another process's run (e.g. 120s, 5min)")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--lease-duration", flags.lease_duration, "Lease mode: expiry of a lease not renewed")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--history-table", flags.history_table, "Applied-history table (in the version table's schema)")
      ->capture_default_str();
  app.add_option("--lock-timeout", flags.lock_timeout,
                 "PostgreSQL lock_timeout per migration statement (0: off)")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--statement-timeout", flags.statement_timeout, "PostgreSQL statement_timeout (0: off)")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--slow-statement-after", flags.slow_statement_after,
                 "Report a statement running longer than this: what it waits for, who blocks it (0: never)")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--slow-statement-every", flags.slow_statement_every, "How often to report a slow statement")
      ->check(duration)
      ->capture_default_str();
  app.add_option("--migration-lock-timeout", flags.migration_lock_timeouts,
                 "lock_timeout for one revision, REV=DURATION (repeatable)")
      ->check(revision_duration);
  app.add_option("--migration-statement-timeout", flags.migration_statement_timeouts,
                 "statement_timeout for one revision, REV=DURATION (repeatable)")
      ->check(revision_duration);
}

int run_verify(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
               const std::string& schema, const std::string& format) {
  detail::Safeguard guard(db, migrator, options, schema);
  detail::HistoryReport report = guard.report();
  std::string problem = detail::refusal(report, migrator, guard.history().display(), false);
  if (problem.empty() && !report.unknown.empty()) {
    problem = fmt::format(
        "the version table {} holds {}, which no migration file of this build declares: the file may have been "
        "deleted or not yet pulled. Restore or pull it and rebuild; if the revision was removed on purpose, "
        "`stamp --purge REV` to a revision this build has.",
        migrator.table().qualified(), detail::comma_list(report.unknown));
  }
  if (format == "json") {
    nlohmann::json modified = nlohmann::json::array();
    for (const detail::ModifiedMigration& m : report.modified) {
      modified.push_back({{"revision", std::string(m.migration->id)},
                          {"path", std::string(m.migration->source_path)},
                          {"line", m.migration->source_line},
                          {"recorded_checksum", m.recorded},
                          {"applied_at", m.recorded_at},
                          {"checksum", std::string(m.migration->checksum)}});
    }
    nlohmann::json out{{"history_table", guard.history().display()},
                       {"checked", report.checked},
                       {"modified", modified},
                       {"unrecorded", report.unrecorded},
                       {"unknown", report.unknown},
                       {"missing", report.emptied ? report.emptied->expected : std::vector<std::string>{}},
                       {"interrupted", nullptr},
                       {"ok", problem.empty()}};
    if (report.interrupted) {
      out["interrupted"] = {{"revision", report.interrupted->revision},
                            {"operation", report.interrupted->operation},
                            {"history_row", report.interrupted->id},
                            {"started_at", report.interrupted->started_at}};
    }
    std::cout << out.dump(2) << '\n';
  } else {
    for (const std::string& id : report.checked) std::cout << "ok          " << id << '\n';
    for (const detail::ModifiedMigration& m : report.modified) {
      std::cout << fmt::format("MODIFIED    {}  {}:{}  applied with {}, now {}\n", m.migration->id,
                               m.migration->source_path, m.migration->source_line, m.recorded,
                               m.migration->checksum);
    }
    for (const std::string& id : report.unrecorded) {
      std::cout << "unrecorded  " << id
                << "  (applied without a history row: by an offline --sql script, by Alembic, or stamped past; review "
                   "the schema, then `repair` records its checksum)\n";
    }
    for (const std::string& id : report.unknown) {
      std::cout << "unknown     " << id << "  (in the version table; no migration file of this build declares it)\n";
    }
    if (report.emptied) {
      for (const std::string& id : report.emptied->expected) {
        std::cout << "missing     " << id << "  (in the version table according to the history; the table is empty)\n";
      }
    }
  }
  if (!problem.empty()) throw Error(problem);
  return 0;
}

int run_repair(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
               const std::string& schema) {
  detail::Safeguard guard(db, migrator, options, schema);
  guard.prepare(detail::GuardedCommand::repair, {});
  std::vector<std::string> lines = guard.repair();
  for (const std::string& line : lines) std::cerr << "INFO  [retort] " << line << '\n';
  if (lines.empty()) std::cerr << "INFO  [retort] nothing to repair: the history matches every applied migration\n";
  return 0;
}

void check_history(detail::Backend& db, const detail::Migrator& migrator, const SafetyOptions& options,
                   const std::string& schema) {
  detail::Safeguard guard(db, migrator, options, schema);
  std::string problem = detail::refusal(guard.report(), migrator, guard.history().display(), options.allow_modified);
  if (!problem.empty()) throw Error(problem);
}

}  // namespace retort::cli
