// Running `safety-migrate` processes (alone, in races, killed) and reading
// what they left in the database through the catalog.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backend.hpp"

namespace retort::test {

using Env = std::map<std::string, std::string>;

struct Outcome {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string output;  // stdout and stderr
};

// Starts SAFETY_MIGRATE with `args` and extra environment; output goes to `log`.
pid_t spawn_migrate(const std::vector<std::string>& args, const Env& env, const std::filesystem::path& log);
Outcome wait_for(pid_t pid, const std::filesystem::path& log);
Outcome run_migrate(const std::vector<std::string>& args, const Env& env = {});

std::unique_ptr<detail::Backend> open_database(const std::string& url);
// Version table rows (empty when the table does not exist).
std::vector<std::string> version_rows(detail::Backend& db);
// Every t_sNNN table with its columns, from the catalog.
std::map<std::string, std::set<std::string>> generated_tables(detail::Backend& db);
// applied_log rows per revision (0 when the table does not exist).
std::map<std::string, int> applied_log(detail::Backend& db);
long long count(detail::Backend& db, const std::string& sql);

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The schema revision `index` must have, exactly: t_s000..t_s<index>, each
// with id, prev and note (index -1: none).
std::map<std::string, std::set<std::string>> expected_tables(int index);

}  // namespace retort::test
