// `<name>-migrate`: Alembic's commands over a compiled registry.
#include "retort/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <unordered_map>

#include "backend.hpp"
#include "cli/formatter.hpp"
#include "cli/graph_picture.hpp"
#include "cli/lint_cli.hpp"
#include "cli/safety_cli.hpp"
#include "cli/stale_build.hpp"
#include "cli/trace_cli.hpp"
#include "commands.hpp"
#include "graph/range.hpp"
#include "lint/annotator.hpp"
#include "migrator.hpp"
#include "retort/error.hpp"
#include "retort/retort.hpp"
#include "retort/revision_map.hpp"

namespace retort::cli {

namespace {

using detail::Backend;
using detail::comma_list;
using detail::DatabaseUrl;
using detail::Migrator;
using nlohmann::json;

// A command-line mistake: exit status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

struct Options {
  std::string url;
  std::string version_table = ConnectionOptions{}.version_table;
  std::string version_table_schema;
  double connect_timeout = 0;  // unlike the startup API's retry_for: a command line fails at once
  std::string dialect;
  std::string format = "text";
  bool verbose = false;
  bool sql = false;
  bool single_transaction = false;
  bool purge = false;
  bool check_heads = false;
  bool at_head = false;  // `check --at-head`: what `check` means until models exist
  bool indicate_current = false;
  bool resolve_dependencies = false;
  bool expand = false;  // `graph --expand`: no collapsed runs
  std::string target;
  std::vector<std::string> targets;
  std::string range;
  SafetyFlags safety;
};

void log_info(std::string_view text) { std::cerr << "INFO  [retort] " << text << '\n'; }

class Command {
 public:
  Command(const Settings& settings, const Options& options)
      : settings_(settings),
        options_(options),
        migrator_(settings.registry, detail::VersionTable(options.version_table, options.version_table_schema)) {}

  const RevisionMap& map() const { return migrator_.map(); }

  const DatabaseUrl& url() {
    if (!url_) {
      std::string text = options_.url;
      if (text.empty()) {
        const char* env = std::getenv("DATABASE_URL");
        text = env ? env : "";
      }
      if (text.empty()) {
        throw UsageError(
            "no database given: pass --url URL or set DATABASE_URL, e.g. --url "
            "postgresql://user:password@localhost:5432/app or --url sqlite:///app.db");
      }
      url_ = DatabaseUrl::parse(text);
    }
    return *url_;
  }

  Backend& db() {
    if (!db_) {
      auto retry = std::chrono::milliseconds(static_cast<long long>(options_.connect_timeout * 1000));
      db_ = detail::connect(url(), detail::ConnectOptions{retry, "--connect-timeout SECONDS"});
    }
    return *db_;
  }

  // Offline scripts need a dialect but no connection.
  SqlDialect offline_dialect() {
    if (options_.dialect == "postgresql") return SqlDialect::postgresql;
    if (options_.dialect == "sqlite") return SqlDialect::sqlite;
    if (!options_.url.empty() || std::getenv("DATABASE_URL")) return url().dialect;
    throw UsageError(
        "--sql needs to know which SQL dialect to write: pass --dialect postgresql|sqlite, or a URL with --url / "
        "DATABASE_URL (it is not connected to)");
  }

  std::vector<std::string> current_rows() {
    std::vector<std::string> rows = migrator_.current(db());
    migrator_.refuse_unusable(rows, db());
    return rows;
  }

  TransactionMode mode() const {
    return options_.single_transaction ? TransactionMode::whole_run : TransactionMode::per_migration;
  }

  const Migrator& migrator() const { return migrator_; }
  const Settings& settings() const { return settings_; }

 private:
  const Settings& settings_;
  const Options& options_;
  Migrator migrator_;
  std::optional<DatabaseUrl> url_;
  std::unique_ptr<Backend> db_;
};

// ---- commands --------------------------------------------------------------

int run_upgrade(Command& cmd, const Options& o, bool up) {
  bool range = graph::parse_range(o.target).has_value();
  const std::string target = up && !range ? cmd.migrator().upgrade_target(o.target, log_info) : o.target;
  if (o.sql) {
    if (o.format == "json") throw UsageError("--format json reports a run; --sql prints a script instead of running");
    SqlDialect dialect = cmd.offline_dialect();
    auto annotator = lint::annotator_for(dialect);  // the risky statements are commented for review
    std::cout << (up ? cmd.migrator().upgrade_sql(dialect, target, cmd.mode(), log_info, annotator.get())
                     : cmd.migrator().downgrade_sql(dialect, o.target, cmd.mode(), log_info));
    return 0;
  }
  if (range) {
    throw UsageError(fmt::format("a range ({}) is only allowed with --sql; online, the database is the start",
                                 o.target));
  }
  const SafetyOptions safety = o.safety.options();
  const detail::command::Guard guard{safety, o.version_table_schema};
  UpgradeResult result = up ? detail::command::upgrade(cmd.db(), cmd.migrator(), target, guard, cmd.mode(), log_info)
                            : detail::command::downgrade(cmd.db(), cmd.migrator(), target, guard, cmd.mode(), log_info);
  if (o.format == "json") {
    json steps = json::array();
    for (const AppliedStep& step : result.applied) {
      steps.push_back({{"revision", step.revision},
                       {"message", step.message},
                       {"operation", step.upgrade ? "upgrade" : "downgrade"},
                       {"duration_ms", step.duration.count()}});
    }
    std::cout << json{{"ok", true},
                      {"database", cmd.url().display},
                      {"version_table", cmd.migrator().table().qualified()},
                      {"heads_before", result.heads_before},
                      {"heads_after", result.heads_after},
                      {"applied", steps}}
                     .dump(2)
              << '\n';
  }
  return 0;
}

int run_stamp(Command& cmd, const Options& o) {
  if (o.sql) {
    if (o.purge) throw UsageError("stamp --purge cannot be combined with --sql");
    std::cout << cmd.migrator().stamp_sql(cmd.offline_dialect(), o.targets, log_info);
    return 0;
  }
  for (const std::string& target : o.targets) {
    if (graph::parse_range(target)) {
      throw UsageError(fmt::format("a range ({}) is only allowed with --sql", target));
    }
  }
  const SafetyOptions safety = o.safety.options();
  detail::command::stamp(cmd.db(), cmd.migrator(), o.targets, o.purge, {safety, o.version_table_schema}, log_info);
  return 0;
}

int run_current(Command& cmd, const Options& o) {
  std::vector<std::string> rows = cmd.current_rows();
  Formatter f{cmd.settings(), cmd.map(), {}};
  std::vector<std::string> shown = cmd.map().current_heads(rows);
  bool at_head = cmd.map().upgrade_steps(rows, "heads").empty();
  if (o.format == "json") {
    json list = json::array();
    for (const std::string& id : shown) list.push_back(f.to_json(cmd.map().get(id)));
    std::cout << json{{"database", cmd.url().display},
                      {"version_table", cmd.migrator().table().qualified()},
                      {"version_table_rows", rows},
                      {"current", list},
                      {"at_head", at_head}}
                     .dump(2)
              << '\n';
  } else {
    if (o.verbose) std::cout << "Current revision(s) for " << cmd.url().display << ":\n";
    for (const std::string& id : shown) std::cout << f.cmd_format(cmd.map().get(id), o.verbose) << '\n';
  }
  if (o.check_heads && !at_head) {
    throw Error(fmt::format("the database is not on all head revisions (at {}, heads are {}); run `upgrade heads`",
                            rows.empty() ? "base" : comma_list(rows), comma_list(cmd.map().heads())));
  }
  return 0;
}

int run_history(Command& cmd, const Options& o) {
  std::string lower, upper;
  if (!o.range.empty()) {
    auto parsed = graph::parse_range(o.range);
    if (!parsed) {
      throw UsageError(fmt::format("history range '{}' needs the form [start]:[end], start: or :end", o.range));
    }
    lower = parsed->lower;
    upper = parsed->upper;
  }
  std::vector<std::string> rows;
  if (o.indicate_current || lower == "current" || upper == "current") rows = cmd.current_rows();
  Formatter f{cmd.settings(), cmd.map(), {}};
  if (o.indicate_current) f.current = {rows.begin(), rows.end()};
  auto nodes = cmd.map().history(lower.empty() ? "base" : lower, upper.empty() ? "heads" : upper, rows);
  if (o.format == "json") {
    json list = json::array();
    for (const RevisionNode* node : nodes) list.push_back(f.to_json(*node));
    std::cout << list.dump(2) << '\n';
    return 0;
  }
  for (const RevisionNode* node : nodes) {
    std::cout << f.cmd_format(*node, o.verbose, true, true, true) << '\n';
  }
  return 0;
}

int run_heads(Command& cmd, const Options& o) {
  Formatter f{cmd.settings(), cmd.map(), {}};
  std::vector<std::string> ids = o.resolve_dependencies ? cmd.map().real_heads() : cmd.map().heads();
  if (o.format == "json") {
    json list = json::array();
    for (const std::string& id : ids) list.push_back(f.to_json(cmd.map().get(id)));
    std::cout << list.dump(2) << '\n';
    return 0;
  }
  for (const std::string& id : ids) std::cout << f.cmd_format(cmd.map().get(id), o.verbose, true, false, false, false) << '\n';
  return 0;
}

int run_branches(Command& cmd, const Options& o) {
  Formatter f{cmd.settings(), cmd.map(), {}};
  json list = json::array();
  for (const std::string& id : cmd.map().branch_points()) {
    const RevisionNode& node = cmd.map().get(id);
    std::vector<std::string> children = cmd.map().next_revisions(id);
    if (o.format == "json") {
      json j = f.to_json(node);
      j["branches_into"] = children;
      list.push_back(j);
      continue;
    }
    std::cout << f.cmd_format(node, o.verbose, true) << '\n';
    std::string indent(id.size(), ' ');
    for (std::size_t i = 0; i < children.size(); ++i) {
      std::cout << indent << " -> " << f.cmd_format(cmd.map().get(children[i]), false, true, o.verbose);
      std::cout << (i + 1 < children.size() ? "\n" : "\n\n");
    }
  }
  if (o.format == "json") std::cout << list.dump(2) << '\n';
  return 0;
}

int run_graph(Command& cmd, const Options& o) {
  GraphMarks marks;
  if (!o.url.empty()) {  // only an explicit --url: a picture needs no database
    std::vector<std::string> rows = cmd.current_rows();
    marks.database = true;
    marks.current = {rows.begin(), rows.end()};
    for (const MigrationStep& step : cmd.map().upgrade_steps(rows, "heads")) marks.pending.insert(step.revision);
  }
  const PictureFormat format = o.format == "mermaid" ? PictureFormat::mermaid : PictureFormat::dot;
  const std::string text = render_graph(cmd.map(), format, marks, o.expand);
  if (o.format == "svg") {
    write_svg(text);
  } else {
    std::cout << text;
  }
  return 0;
}

int run_show(Command& cmd, const Options& o) {
  Formatter f{cmd.settings(), cmd.map(), {}};
  std::vector<std::string> ids = o.target == "current" ? cmd.current_rows() : cmd.map().resolve(o.target);
  for (const std::string& id : ids) std::cout << f.log_entry(cmd.map().get(id)) << '\n';
  return 0;
}

int run_check(Command& cmd, const Options& o) {
  std::vector<std::string> rows = cmd.current_rows();
  std::vector<std::string> pending;
  for (const MigrationStep& step : cmd.map().upgrade_steps(rows, "heads")) pending.push_back(step.revision);
  const std::string at = rows.empty() ? "base" : comma_list(rows);
  const std::string problem =
      pending.empty() ? ""
                      : fmt::format("the database is not at head: it is at {}, {} revision(s) pending: {}. Run "
                                    "`upgrade heads`.",
                                    at, pending.size(), comma_list(pending));
  if (o.format == "json") {
    json report{{"ok", pending.empty()},
                {"database", cmd.url().display},
                {"version_table", cmd.migrator().table().qualified()},
                {"current", rows},
                {"heads", cmd.map().heads()},
                {"pending", pending}};
    if (!problem.empty()) report["error"] = problem;
    std::cout << report.dump(2) << '\n';
  }
  if (pending.empty()) {
    log_info(fmt::format("the database is at head ({})", at));
    return 0;
  }
  std::cerr << "FAILED: " << problem << '\n';
  return 1;
}

std::string program_name(const Settings& settings) {
  return settings.registry.name.empty() ? "retort" : std::string(settings.registry.name) + "-migrate";
}

// `revision` and `merge` write source files: retortc does that.
int forward_to_retortc(const Settings& settings, const std::string& verb, const std::vector<std::string>& args) {
  if (settings.retortc.empty()) {
    throw Error(fmt::format("`{}` needs retortc, and this build does not know where it is; run `retortc {} "
                            "--directory {}` yourself",
                            verb, verb, settings.migrations_dir));
  }
  // --via: retortc's help then names this command and hides the flags below.
  std::vector<std::string> argv_storage{std::string(settings.retortc), verb, "--via", program_name(settings),
                                        "--directory", std::string(settings.migrations_dir)};
  argv_storage.insert(argv_storage.end(), settings.retortc_options.begin(), settings.retortc_options.end());
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(argv[0], argv.data());
  throw Error(fmt::format("could not run {}: {}; rebuild the project or pass the path of retortc", settings.retortc,
                          std::strerror(errno)));
}

}  // namespace

int main(const Settings& settings, int argc, char** argv) {
  Options o;
  const std::string name = program_name(settings);
  CLI::App app{fmt::format("Migrates a database with the '{}' migration set (Alembic's commands).",
                           settings.registry.name),
               name};
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("--url", o.url, "Database URL (default: $DATABASE_URL), e.g. postgresql://user:pass@host/db, "
                                 "sqlite:///app.db");
  app.add_option("--version-table", o.version_table, "Version table name; alembic_version takes over Alembic's")
      ->capture_default_str();
  app.add_option("--version-table-schema", o.version_table_schema, "Schema of the version table");
  app.add_option("--connect-timeout", o.connect_timeout,
                 "Seconds to keep retrying an unreachable database (default 0: one attempt)");
  app.add_option("--dialect", o.dialect, "SQL dialect of --sql scripts when no URL is given")
      ->check(CLI::IsMember({"postgresql", "sqlite"}));
  add_safety_flags(app, o.safety);

  auto add_format = [&](CLI::App* sub) {
    sub->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  };

  CLI::App* upgrade = app.add_subcommand("upgrade", "Upgrade to a later revision");
  upgrade->add_option("revision", o.target, "Target: head, heads, REV, +N, label@head, ... (A:B with --sql)")->required();
  upgrade->add_flag("--sql", o.sql, "Print the SQL script instead of running it");
  upgrade->add_flag("--single-transaction", o.single_transaction, "Run every migration in one transaction");
  upgrade->add_flag("--allow-modified", o.safety.allow_modified, "Run even if an applied migration's source changed");
  add_format(upgrade);

  CLI::App* downgrade = app.add_subcommand("downgrade", "Revert to a previous revision");
  downgrade->add_option("revision", o.target, "Target: -1, base, REV, label@-1, ... (A:B with --sql)")->required();
  downgrade->add_flag("--sql", o.sql, "Print the SQL script instead of running it");
  downgrade->add_flag("--single-transaction", o.single_transaction, "Run every migration in one transaction");
  add_format(downgrade);

  CLI::App* current = app.add_subcommand("current", "Show the database's current revision(s)");
  current->add_flag("-v,--verbose", o.verbose, "Show full revision details");
  current->add_flag("--check-heads", o.check_heads, "Fail (exit 1) unless the database is on all heads");
  add_format(current);

  CLI::App* history = app.add_subcommand("history", "List revisions, newest first");
  history->add_option("-r,--rev-range", o.range, "Range [start]:[end] (start and end may be `current`)");
  history->add_flag("-v,--verbose", o.verbose, "Show full revision details");
  history->add_flag("-i,--indicate-current", o.indicate_current, "Mark the database's current revision(s)");
  add_format(history);

  CLI::App* heads = app.add_subcommand("heads", "Show the heads of the revision graph");
  heads->add_flag("-v,--verbose", o.verbose, "Show full revision details");
  heads->add_flag("--resolve-dependencies", o.resolve_dependencies, "Treat depends_on as down revisions");
  add_format(heads);

  CLI::App* branches = app.add_subcommand("branches", "Show branch points");
  branches->add_flag("-v,--verbose", o.verbose, "Show full revision details");
  add_format(branches);

  CLI::App* graph = app.add_subcommand("graph", "Draw the revision graph (Graphviz DOT, Mermaid or SVG)");
  graph->add_option("--format", o.format, "dot, mermaid (renders in GitHub/GitLab Markdown) or svg (needs Graphviz)")
      ->check(CLI::IsMember({"dot", "mermaid", "svg"}))
      ->default_str("dot");
  graph->add_flag("--expand", o.expand,
                  fmt::format("Draw every revision (default: runs of {}+ plain revisions are one node)", kCollapsedRunMin));
  graph->footer("With --url, the database's current revision(s) and the pending ones are marked.");

  CLI::App* show = app.add_subcommand("show", "Show the revision(s) a target denotes");
  show->add_option("revision", o.target, "Revision, label, head, current, ...")->required();

  CLI::App* stamp = app.add_subcommand("stamp", "Set the version table without running migrations");
  stamp->add_option("revisions", o.targets, "Target revision(s) ([A:]B with --sql)")->required();
  stamp->add_flag("--sql", o.sql, "Print the SQL script instead of running it");
  stamp->add_flag("--purge", o.purge, "Empty the version table first (also clears unknown revisions)");

  // Alembic 1.9's `check` compares models with the database; Retort has no
  // models yet, so `check` is `check --at-head`, the name that stays.
  CLI::App* check = app.add_subcommand("check", "Exit 1 unless the database is at head (--at-head)");
  check->add_flag("--at-head", o.at_head, "Check that the database is at head (the default until models exist)");
  check->add_flag("--allow-modified", o.safety.allow_modified, "Do not fail on applied migrations whose source changed");
  add_format(check);
  CLI::App* verify = app.add_subcommand("verify", "Compare applied migrations' checksums with their sources");
  add_format(verify);
  app.add_subcommand("repair", "Record the current checksums of applied migrations after a review");
  LintFlags lint_flags;
  CLI::App* lint = add_lint_command(app, lint_flags);

  // Listed for --help; their arguments (and their --help) belong to retortc,
  // so they are handed over before parsing.
  for (const char* verb : {"revision", "merge"}) {
    app.add_subcommand(verb, fmt::format("Create a {} migration file (runs retortc {} with the rest of the "
                                         "arguments; `{} --help` shows its options)",
                                         std::string_view(verb) == "merge" ? "merge" : "new", verb, verb));
  }
  app.add_subcommand("lock", "Record every revision's checksum in retort.lock as released (runs retortc lock): "
                             "the build then warns when a released migration is edited");
  const auto forwarded = [](std::string_view verb) { return verb == "revision" || verb == "merge" || verb == "lock"; };
  if (argc > 1 && forwarded(argv[1])) {
    try {
      return forward_to_retortc(settings, argv[1], std::vector<std::string>(argv + 2, argv + argc));
    } catch (const std::exception& e) {
      std::cerr << "FAILED: " << e.what() << '\n';
      return 1;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  try {
    if (lint->parsed() && !lint_flags.trace) return run_lint(settings.registry, lint_flags);
    Command cmd(settings, o);
    if (lint->parsed()) {
      // It migrates the database: never one that merely happens to be in the environment.
      if (o.url.empty()) {
        throw UsageError(
            "lint --trace applies the pending migrations to the database it traces, so it takes only an explicit "
            "--url (never $DATABASE_URL): --url postgresql://user@localhost/scratch, a scratch copy");
      }
      const SafetyOptions safety = o.safety.options();
      return run_lint_trace(cmd.db(), cmd.migrator(), {safety, o.version_table_schema}, lint_flags);
    }
    if (upgrade->parsed()) return run_upgrade(cmd, o, true);
    if (downgrade->parsed()) return run_upgrade(cmd, o, false);
    if (current->parsed()) return run_current(cmd, o);
    for (const CLI::App* reader : {history, heads, branches, show, graph}) {
      if (!reader->parsed()) continue;
      if (std::string warning = stale_build_warning(settings); !warning.empty()) std::cerr << warning << '\n';
    }
    if (history->parsed()) return run_history(cmd, o);
    if (heads->parsed()) return run_heads(cmd, o);
    if (branches->parsed()) return run_branches(cmd, o);
    if (show->parsed()) return run_show(cmd, o);
    if (graph->parsed()) return run_graph(cmd, o);
    if (stamp->parsed()) return run_stamp(cmd, o);
    if (check->parsed()) {
      check_history(cmd.db(), cmd.migrator(), o.safety.options(), o.version_table_schema);
      return run_check(cmd, o);
    }
    if (verify->parsed()) return run_verify(cmd.db(), cmd.migrator(), o.safety.options(), o.version_table_schema, o.format);
    if (app.got_subcommand("repair")) return run_repair(cmd.db(), cmd.migrator(), o.safety.options(), o.version_table_schema);
  } catch (const UsageError& e) {
    std::cerr << "ERROR: " << e.what() << "\nRun with --help for more information.\n";
    return 2;
  } catch (const UrlError& e) {  // a usage error too: nothing was tried
    std::cerr << "ERROR: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "FAILED: " << e.what() << '\n';
    // Scripts reading --format json get the failure there too.
    if (o.format == "json") std::cout << json{{"ok", false}, {"error", e.what()}}.dump(2) << '\n';
    return 1;
  }
  return 2;
}

}  // namespace retort::cli
