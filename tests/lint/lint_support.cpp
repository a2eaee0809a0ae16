#include "lint_support.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace retort::lint_test {

std::string test_file(const char* name) { return std::string(RETORT_LINT_TEST_DIR) + "/" + name; }

MigrationSet& MigrationSet::sql(const std::string& id, const std::string& text, bool transactional) {
  Entry entry{id, (dir_ / (id + ".sql")).string(), transactional, nullptr, {}};
  std::ofstream(entry.path) << text;
  std::istringstream lines(text);
  unsigned number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) continue;
    const std::string& stored = strings_.emplace_back(line.substr(first));
    entry.statements.push_back({stored, number});
  }
  entries_.push_back(std::move(entry));
  return *this;
}

MigrationSet& MigrationSet::cpp(const std::string& id, MigrationFn up, const char* file, bool transactional) {
  entries_.push_back({id, test_file(file), transactional, up, {}});
  return *this;
}

const Registry& MigrationSet::registry() {
  migrations_.clear();
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    Migration m{};
    m.id = e.id;
    if (i > 0) m.down_revisions = std::span<const std::string_view>(&parents_.emplace_back(entries_[i - 1].id), 1);
    m.source_path = e.path;
    m.source_line = 1;
    m.checksum = "v2-sha256:test";
    m.transactional = e.transactional;
    m.upgrade = e.up;
    m.upgrade_sql = e.statements;
    migrations_.push_back(m);
  }
  registry_ = Registry{"lint_test", dir_.path().c_str(), migrations_};
  return registry_;
}

Result MigrationSet::lint() {
  Options postgresql_only;
  postgresql_only.sqlite = false;
  return lint(postgresql_only);
}

Result MigrationSet::lint(const Options& options) { return retort::lint::lint(registry(), options); }

std::string MigrationSet::path_of(const std::string& id) const {
  for (const Entry& e : entries_) {
    if (e.id == id) return e.path;
  }
  return {};
}

std::vector<Finding> of_rule(const Result& result, const std::string& rule) {
  std::vector<Finding> found;
  for (const Finding& f : result.findings) {
    if (f.rule == rule) found.push_back(f);
  }
  return found;
}

std::string describe(const Result& result) {
  std::string text;
  for (const Finding& f : result.findings) text += fmt::format("  {}@{}:{} {}\n", f.rule, f.path, f.line, f.message);
  for (const Finding& f : result.skipped) text += fmt::format("  not linted: {}\n", f.message);
  return text.empty() ? "  (no findings)\n" : text;
}

}  // namespace retort::lint_test
