#include "commands.hpp"

#include <retort/revision_map.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <random>

#include "graph/describe.hpp"
#include "graph/problems.hpp"
#include "graph/range.hpp"
#include "graph_check.hpp"
#include "registry_writer.hpp"
#include "released.hpp"

namespace retort::compiler {
namespace fs = std::filesystem;

namespace {

void print_diagnostics(const Diagnostics& diagnostics, std::ostream& err) {
  for (const auto& diagnostic : diagnostics) err << format_diagnostic(diagnostic) << '\n';
}

// A loaded, checked set: what the source-level commands work on.
struct CheckedSet {
  MigrationSet set;
  std::vector<std::size_t> order;
  std::optional<RevisionMap> map;
};

// Loads and checks a set. Errors are always printed; warnings only when
// asked (the build prints them, `heads` and friends stay quiet).
std::optional<CheckedSet> load_checked(const MigrationSetOptions& options, const std::string& set_name,
                                       bool require_single_head, bool print_warnings, std::ostream& err,
                                       std::ostream* stats = nullptr) {
  CheckedSet checked{load_migration_set(options), {}, std::nullopt};
  if (stats)
    *stats << "retortc: " << set_name << ": " << checked.set.sources.size() << " migrations; parsed "
           << checked.set.parsed << ", cached " << checked.set.cached << "\n";
  Diagnostics diagnostics;
  for (const auto& source : checked.set.sources)
    diagnostics.insert(diagnostics.end(), source.diagnostics.begin(), source.diagnostics.end());
  auto graph = check_migration_graph(checked.set.sources,
                                     {set_name, checked.set.directory, require_single_head});
  diagnostics.insert(diagnostics.end(), graph.diagnostics.begin(), graph.diagnostics.end());
  if (print_warnings) {
    auto released = check_released(checked.set, set_name);
    diagnostics.insert(diagnostics.end(), released.begin(), released.end());
  }
  const auto errors = count_errors(diagnostics);
  if (errors > 0 || print_warnings) print_diagnostics(diagnostics, err);
  if (errors > 0) {
    err << "retortc: " << errors << (errors == 1 ? " error" : " errors") << " in the migration set "
        << checked.set.directory << "\n";
    return std::nullopt;
  }
  checked.order = std::move(graph.order);
  std::vector<RevisionNode> nodes;
  for (const auto i : checked.order) nodes.push_back(revision_node(checked.set.sources[i]));
  checked.map.emplace(std::move(nodes));  // the graph check ran these rules: it cannot throw
  return checked;
}

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ") {
  std::string text;
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Alembic's Script._head_only, as `<name>-migrate` prints it.
std::string describe(const RevisionMap& map, const std::string& id, bool include_parents, bool tree_indicators,
                     bool include_doc, const std::vector<std::string>& real_heads) {
  return graph::head_only(map, map.get(id),
                          {true, include_doc, include_parents, tree_indicators, contains(real_heads, id), false});
}

std::string fresh_revision_id() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<std::uint64_t>(device()) << 32) ^ device() ^
                            static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  static constexpr char digits[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 12; ++i) id.push_back(digits[generator() % 16]);
  return id;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char text[32];
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

struct NewRevision {
  std::string id;
  std::vector<std::string> down_revisions;  // empty: base
  std::string message;
  std::vector<std::string> branch_labels;
  std::vector<std::string> depends_on;
  bool sql = false;
};

std::string refs_initializer(const std::vector<std::string>& ids) {
  if (ids.size() == 1) return cpp_string_literal(ids[0]);
  std::string text = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) text += (i ? ", " : "") + cpp_string_literal(ids[i]);
  return text + "}";
}

std::string cpp_template(const NewRevision& revision) {
  std::string text = "// " + revision.message + "\n//\n// Revision ID: " + revision.id + "\n// Revises: " +
                     (revision.down_revisions.empty() ? "<base>" : join(revision.down_revisions)) +
                     "\n// Create Date: " + utc_now() + "\n\n#include <retort/migration.hpp>\n\n";
  text += "constexpr retort::Revision revision{\n";
  text += "    .id = " + cpp_string_literal(revision.id) + ",\n";
  text += "    .down_revision = " +
          (revision.down_revisions.empty() ? std::string("retort::base") : refs_initializer(revision.down_revisions)) +
          ",\n";
  text += "    .message = " + cpp_string_literal(revision.message) + ",\n";
  if (!revision.branch_labels.empty()) text += "    .branch_labels = " + refs_initializer(revision.branch_labels) + ",\n";
  if (!revision.depends_on.empty()) text += "    .depends_on = " + refs_initializer(revision.depends_on) + ",\n";
  text += "};\n\n";
  // [[maybe_unused]]: the bodies are to fill in, and must build with -Wextra meanwhile.
  text += "void upgrade([[maybe_unused]] retort::Op& op) {\n  // op.execute(\"...\");\n}\n\n";
  text += "void downgrade([[maybe_unused]] retort::Op& op) {\n  // op.execute(\"...\");\n}\n";
  return text;
}

std::string sql_template(const NewRevision& revision) {
  std::string text = "-- Revision ID: " + revision.id + "\n-- Revises: " +
                     (revision.down_revisions.empty() ? "base" : join(revision.down_revisions)) +
                     "\n-- Message: " + revision.message + "\n";
  if (!revision.branch_labels.empty()) text += "-- Branch Labels: " + join(revision.branch_labels) + "\n";
  if (!revision.depends_on.empty()) text += "-- Depends On: " + join(revision.depends_on) + "\n";
  text += "-- Create Date: " + utc_now() + "\n\n-- retort:upgrade\n\n\n-- retort:downgrade\n\n";
  return text;
}

int write_new_revision(const CheckedSet& checked, NewRevision revision, std::ostream& out, std::ostream& err) {
  if (revision.message.find('\n') != std::string::npos) {
    err << "retortc: the message must be one line\n";
    return 1;
  }
  if (!graph::is_valid_revision_id(revision.id)) {
    err << "retortc: malformed revision id `" << revision.id
        << "`: an id is 1 to 32 characters of [0-9A-Za-z_]; drop --rev-id to get a fresh one\n";
    return 1;
  }
  if (checked.map->contains(revision.id)) {
    err << "retortc: revision id `" << revision.id << "` already exists in " << checked.set.directory
        << "; choose another --rev-id\n";
    return 1;
  }
  for (const auto& label : revision.branch_labels) {
    for (const auto& node : checked.map->nodes())
      if (contains(node.branch_labels, label)) {
        err << "retortc: branch label `" << label << "` is already used by revision `" << node.id
            << "`; choose another label, or use `--head " << label << "@head` to extend that branch\n";
        return 1;
      }
  }
  const fs::path path = fs::path(checked.set.directory) /
                        (revision.id + "_" + slug_of(revision.message) + (revision.sql ? ".sql" : ".cpp"));
  if (fs::exists(path)) {
    err << "retortc: " << path.string() << " already exists; choose another --rev-id or message\n";
    return 1;
  }
  out << "  Generating " << path.string() << " ..." << std::flush;
  {
    std::ofstream file(path, std::ios::binary);
    file << (revision.sql ? sql_template(revision) : cpp_template(revision));
    if (!file) {
      out << '\n';
      err << "retortc: cannot write " << path.string() << "; check the directory is writable\n";
      return 1;
    }
  }
  out << "  done\n";
  return 0;
}

}  // namespace

std::string slug_of(const std::string& message) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : message + " ") {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  std::string slug;
  for (const auto& w : words) {
    const std::string next = slug.empty() ? w : slug + "_" + w;
    if (next.size() > 40) {
      if (slug.empty()) slug = w.substr(0, 40);
      break;
    }
    slug = next;
  }
  return slug.empty() ? "revision" : slug;
}

int run_compile(const CompileRequest& request, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(request.set, request.name, /*require_single_head=*/true, /*print_warnings=*/true, err,
                              request.verbose ? &out : nullptr);
  if (!checked) return 1;
  const auto summary = write_registry(checked->set.sources, checked->order,
                                      {request.name, checked->set.directory, request.output_dir});
  if (request.verbose)
    out << "retortc: " << request.name << ": wrote " << summary.written << " files, " << summary.unchanged
        << " unchanged, " << summary.removed << " removed\n";
  return 0;
}

int run_lock(const MigrationSetOptions& set, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(set, "<name>", false, false, err);
  if (!checked) return 1;
  write_released(checked->set, out);
  return 0;
}

int run_revision(const RevisionRequest& request, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(request.set, "<name>", false, false, err);
  if (!checked) return 1;
  const auto& map = *checked->map;
  NewRevision revision{request.rev_id.empty() ? fresh_revision_id() : request.rev_id, {}, request.message,
                       request.branch_labels, request.depends_on, request.sql};
  const auto heads = map.heads();
  if (request.head.empty()) {
    if (heads.size() > 1) {
      err << "retortc: the migration set has " << heads.size() << " heads (" << join(heads)
          << "), so there is no single revision to put the new one on top of.\n"
          << "  Pass --head <revision> (or --head <label>@head) to choose one, or merge them first:\n"
          << "    retortc merge --directory " << checked->set.directory << " -m \"merge heads\" heads\n";
      return 1;
    }
    revision.down_revisions = heads;
  } else if (request.head != "base") {
    std::vector<std::string> targets;
    try {
      targets = map.resolve(request.head);
    } catch (const Error& error) {
      err << "retortc: --head " << request.head << ": " << error.what() << '\n';
      return 1;
    }
    if (targets.size() != 1) {
      err << "retortc: --head " << request.head << " names " << targets.size()
          << " revisions (" << join(targets) << "); name exactly one\n";
      return 1;
    }
    if (!map.is_head(targets[0]) && !request.splice) {
      err << "retortc: revision `" << targets[0] << "` is not a head; pass --splice to start a new branch from it\n";
      return 1;
    }
    revision.down_revisions = targets;
  } else if (!map.nodes().empty() && request.branch_labels.empty()) {
    err << "retortc: a second base needs its own branch: add --branch-label <name> to --head base\n";
    return 1;
  }
  for (const auto& dependency : revision.depends_on) {
    try {
      map.resolve(dependency);
    } catch (const Error& error) {
      err << "retortc: --depends-on " << dependency << ": " << error.what() << '\n';
      return 1;
    }
  }
  return write_new_revision(*checked, std::move(revision), out, err);
}

int run_merge(const MergeRequest& request, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(request.set, "<name>", false, false, err);
  if (!checked) return 1;
  const auto& map = *checked->map;
  std::vector<std::string> parents;
  for (const auto& target : request.revisions) {
    try {
      for (auto& id : map.resolve(target))
        if (!contains(parents, id)) parents.push_back(std::move(id));
    } catch (const Error& error) {
      err << "retortc: merge " << target << ": " << error.what() << '\n';
      return 1;
    }
  }
  if (parents.size() < 2) {
    err << "retortc: nothing to merge: " << (request.revisions.empty() ? "no revisions given" : join(request.revisions))
        << " resolve to " << parents.size() << " revision(s) (" << join(parents)
        << "); name at least two heads, or `heads`\n";
    return 1;
  }
  const std::string message = request.message.empty() ? "merge " + join(parents, " and ") : request.message;
  NewRevision revision{request.rev_id.empty() ? fresh_revision_id() : request.rev_id, parents, message,
                       request.branch_labels, {}, request.sql};
  return write_new_revision(*checked, std::move(revision), out, err);
}

int run_heads(const MigrationSetOptions& set, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(set, "<name>", false, false, err);
  if (!checked) return 1;
  const auto real_heads = checked->map->real_heads();
  for (const auto& head : checked->map->heads())
    out << describe(*checked->map, head, false, false, false, real_heads) << '\n';
  return 0;
}

int run_branches(const MigrationSetOptions& set, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(set, "<name>", false, false, err);
  if (!checked) return 1;
  const auto& map = *checked->map;
  const auto real_heads = map.real_heads();
  for (const auto& point : map.branch_points()) {
    out << describe(map, point, false, true, false, real_heads) << '\n';
    for (const auto& child : map.next_revisions(point))
      out << std::string(point.size(), ' ') << " -> " << describe(map, child, false, true, false, real_heads)
          << '\n';
    out << '\n';
  }
  return 0;
}

int run_history(const MigrationSetOptions& set, const std::string& range, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(set, "<name>", false, false, err);
  if (!checked) return 1;
  std::string lower = "base", upper = "heads";
  if (!range.empty()) {
    auto parsed = graph::parse_range(range);
    if (!parsed) {
      err << "retortc: history range requires [start]:[end], [start]:, or :[end]\n";
      return 1;
    }
    if (!parsed->lower.empty()) lower = parsed->lower;
    if (!parsed->upper.empty()) upper = parsed->upper;
  }
  const auto real_heads = checked->map->real_heads();
  try {
    for (const auto* node : checked->map->history(lower, upper))
      out << describe(*checked->map, node->id, true, true, true, real_heads) << '\n';
  } catch (const Error& error) {
    err << "retortc: history " << range << ": " << error.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace retort::compiler
