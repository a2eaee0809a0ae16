// retortc: compiles a migration directory into a verified static registry,
// and writes new revisions from the sources, as Alembic's commands do.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.hpp"

namespace {

namespace fs = std::filesystem;
using namespace retort::compiler;

// The runtime headers migrations include: next to an installed retortc,
// else the source tree retortc was built from.
std::string default_runtime_include_dir() {
  std::error_code error;
  const auto executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto installed = executable.parent_path().parent_path() / "include";
    if (fs::exists(installed / "retort" / "migration.hpp")) return installed.string();
  }
  return RETORT_SOURCE_INCLUDE_DIR;
}

// The version plus this executable's size and time: a rebuilt retortc does
// not trust results cached by the previous build of itself.
std::string tool_identity() {
  std::error_code error;
  const auto executable = fs::read_symlink("/proc/self/exe", error);
  if (error) return RETORTC_VERSION;
  const auto size = fs::file_size(executable, error);
  const auto time = fs::last_write_time(executable, error).time_since_epoch().count();
  return std::string(RETORTC_VERSION) + " " + std::to_string(size) + " " + std::to_string(time);
}

bool is_c_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// `<name>-migrate revision|merge ...` runs retortc with `--via <name>-migrate`
// first: the wrapper supplies the set flags, so its help shows only the rest.
std::string wrapper_name(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string_view(argv[i]) == "--via") return argv[i + 1];
  return {};
}

// Flags every command shares: where the migrations are and how to parse them.
struct SetFlags {
  std::string directory;
  std::vector<std::string> include_dirs;
  std::vector<std::string> defines;
  std::string resource_dir = RETORT_CLANG_RESOURCE_DIR;
  unsigned jobs = std::max(1u, std::thread::hardware_concurrency());

  // One value per -I/-D, as compilers take them: `-I dir heads` leaves
  // `heads` to the command. Hidden when a wrapper supplies them.
  void add_to(CLI::App& command, bool supplied_by_wrapper) {
    const std::string group = supplied_by_wrapper ? "" : "Options";
    command.add_option("--directory,-d", directory, "the migration directory")->required()->group(group);
    command.add_option("-I,--include", include_dirs, "extra include directory for C++ migrations")
        ->allow_extra_args(false)
        ->group(group);
    command.add_option("--define,-D", defines, "preprocessor definition NAME or NAME=VALUE")
        ->allow_extra_args(false)
        ->group(group);
    command.add_option("--resource-dir", resource_dir, "Clang's resource directory (builtin headers)")->group(group);
    command.add_option("--jobs,-j", jobs, "parser threads")->check(CLI::Range(1u, 256u))->group(group);
  }

  MigrationSetOptions options() const {
    MigrationSetOptions options;
    options.directory = directory;
    options.cpp.resource_dir = resource_dir;
    for (const auto& include : include_dirs) options.cpp.include_dirs.push_back(fs::absolute(include).string());
    // Last, so that the runtime headers passed with -I (by CMake) win.
    options.cpp.include_dirs.push_back(default_runtime_include_dir());
    options.cpp.defines = defines;
    options.tool_version = tool_identity();
    options.jobs = jobs;
    return options;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::string via = wrapper_name(argc, argv);
  CLI::App app{"retortc " RETORTC_VERSION ": the Retort migration compiler", via.empty() ? "retortc" : via};
  app.set_version_flag("--version", RETORTC_VERSION);
  app.require_subcommand(1);
  std::string via_option;
  app.add_option("--via", via_option, "the wrapper that runs retortc")->group("");
  app.fallthrough();  // the wrapper passes --via after the command

  SetFlags flags;
  const bool wrapped = !via.empty();

  CompileRequest compile;
  std::string cache_file;
  auto* compile_command = app.add_subcommand("compile", "verify a migration set and generate its registry");
  flags.add_to(*compile_command, wrapped);
  compile_command->add_option("--name", compile.name, "the set's name (a C identifier)")->required();
  compile_command->add_option("--output-dir,-o", compile.output_dir, "where the registry sources go")->required();
  compile_command->add_option("--cache", cache_file, "per-file parse cache (JSON)");
  compile_command->add_flag("--verbose,-v", compile.verbose, "print how many files were parsed, cached and written");

  RevisionRequest revision;
  auto* revision_command = app.add_subcommand("revision", "write a new revision file on top of the current head");
  flags.add_to(*revision_command, wrapped);
  revision_command->add_option("-m,--message", revision.message, "what the revision does")->required();
  revision_command->add_flag("--sql", revision.sql, "write a .sql migration instead of C++");
  revision_command->add_option("--head", revision.head, "revision to build on: REV, label@head or base");
  revision_command->add_option("--branch-label", revision.branch_labels, "label for a new branch")
      ->allow_extra_args(false);
  revision_command->add_option("--depends-on", revision.depends_on, "revision (or label) this one depends on")
      ->delimiter(',');
  revision_command->add_option("--rev-id", revision.rev_id, "use this id instead of a fresh random one");
  revision_command->add_flag("--splice", revision.splice, "allow --head to name a non-head revision");
  // Checked while parsing, before -m is found missing: the answer is the news.
  revision_command->add_flag_callback(
      "--autogenerate",
      [&] {
        throw CLI::ValidationError(
            "revision --autogenerate is not supported yet: comparing models with the database is planned, not "
            "built. Write the migration by hand: `" + app.get_name() +
            " revision -m \"what it does\"` writes a file whose upgrade and downgrade you fill in.");
      },
      "not supported yet (planned); write the migration by hand with -m");

  MergeRequest merge;
  auto* merge_command = app.add_subcommand("merge", "write a revision that merges two or more revisions");
  flags.add_to(*merge_command, wrapped);
  merge_command->add_option("-m,--message", merge.message, "what the merge does");
  merge_command->add_option("revisions", merge.revisions, "revisions to merge, or `heads`")->required();
  merge_command->add_option("--branch-label", merge.branch_labels, "label for the merge revision")
      ->allow_extra_args(false);
  merge_command->add_option("--rev-id", merge.rev_id, "use this id instead of a fresh random one");
  merge_command->add_flag("--sql", merge.sql, "write a .sql migration instead of C++");

  auto* lock_command = app.add_subcommand(
      "lock", "record every revision's checksum in retort.lock: the build then warns when a released one is edited");
  flags.add_to(*lock_command, wrapped);

  auto* heads_command = app.add_subcommand("heads", "list the heads of the migration set");
  flags.add_to(*heads_command, wrapped);
  auto* branches_command = app.add_subcommand("branches", "list the branch points of the migration set");
  flags.add_to(*branches_command, wrapped);
  std::string range;
  auto* history_command = app.add_subcommand("history", "list the revisions, newest first");
  flags.add_to(*history_command, wrapped);
  history_command->add_option("-r,--rev-range", range, "[start]:[end]");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version exit 0; every usage error exits 2.
    return app.exit(error) == 0 ? 0 : 2;
  }

  try {
    if (compile_command->parsed()) {
      if (!is_c_identifier(compile.name)) {
        std::cerr << "retortc: --name " << compile.name
                  << " is not a C identifier; use letters, digits and underscores (it names a C++ namespace)\n";
        return 2;
      }
      compile.set = flags.options();
      compile.set.cache_file = cache_file;
      return run_compile(compile, std::cout, std::cerr);
    }
    if (revision_command->parsed()) {
      revision.set = flags.options();
      return run_revision(revision, std::cout, std::cerr);
    }
    if (merge_command->parsed()) {
      merge.set = flags.options();
      return run_merge(merge, std::cout, std::cerr);
    }
    if (lock_command->parsed()) return run_lock(flags.options(), std::cout, std::cerr);
    if (heads_command->parsed()) return run_heads(flags.options(), std::cout, std::cerr);
    if (branches_command->parsed()) return run_branches(flags.options(), std::cout, std::cerr);
    if (history_command->parsed()) return run_history(flags.options(), range, std::cout, std::cerr);
  } catch (const std::exception& error) {
    std::cerr << "retortc: " << error.what() << '\n';
    return 1;
  }
  return 2;
}
