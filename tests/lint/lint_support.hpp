// Migration sets built at run time for the lint tests: a chain of SQL
// files (written to a temporary directory) and C++ upgrade functions (in
// the test files themselves, so that retort:allow comments are read there).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "lint/lint.hpp"
#include "retort/migration.hpp"
#include "test_support.hpp"

namespace retort::lint_test {

using lint::Finding;
using lint::Options;
using lint::Result;

class MigrationSet {
 public:
  // A .sql migration revising the previous one. The test convention: every
  // line that is not blank or a `--` comment is one whole statement.
  MigrationSet& sql(const std::string& id, const std::string& text, bool transactional = true);
  // A C++ migration whose upgrade is `up`, defined in the test file `file`.
  MigrationSet& cpp(const std::string& id, MigrationFn up, const char* file, bool transactional = true);

  const Registry& registry();
  // PostgreSQL's rules only, which most tests are about.
  Result lint();
  Result lint(const Options& options);
  std::string path_of(const std::string& id) const;

 private:
  struct Entry {
    std::string id, path;
    bool transactional;
    MigrationFn up;
    std::vector<SqlStatement> statements;
  };
  retort::test::TempDir dir_;
  std::deque<std::string> strings_;
  std::deque<Entry> entries_;
  std::deque<std::string_view> parents_;
  std::vector<Migration> migrations_;
  Registry registry_;
};

// The findings of one rule.
std::vector<Finding> of_rule(const Result& result, const std::string& rule);
// Every finding as `rule@line`, for failure messages.
std::string describe(const Result& result);

// The path of a C++ test file, as findings name it.
std::string test_file(const char* name);

}  // namespace retort::lint_test
