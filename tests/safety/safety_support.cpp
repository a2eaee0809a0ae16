#include "safety_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "database_url.hpp"
#include "generated_set.hpp"

namespace retort::test {

pid_t spawn_migrate(const std::vector<std::string>& args, const Env& env, const std::filesystem::path& log) {
  std::vector<std::string> argv_storage{SAFETY_MIGRATE};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (std::string& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

Outcome wait_for(pid_t pid, const std::filesystem::path& log) {
  int status = 0;
  waitpid(pid, &status, 0);
  Outcome out;
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  out.output = text.str();
  return out;
}

Outcome run_migrate(const std::vector<std::string>& args, const Env& env) {
  char pattern[] = "/tmp/safety-migrate-XXXXXX";
  int fd = mkstemp(pattern);
  close(fd);
  Outcome out = wait_for(spawn_migrate(args, env, pattern), pattern);
  std::filesystem::remove(pattern);
  return out;
}

std::unique_ptr<detail::Backend> open_database(const std::string& url) {
  return detail::connect(detail::DatabaseUrl::parse(url));
}

std::vector<std::string> version_rows(detail::Backend& db) {
  std::vector<std::string> rows;
  try {
    for (const auto& row : db.query("SELECT version_num FROM retort_version").rows) rows.push_back(*row.at(0));
  } catch (const detail::MissingTableError&) {
  }
  return rows;
}

std::map<std::string, std::set<std::string>> generated_tables(detail::Backend& db) {
  const char* sql = db.dialect() == SqlDialect::postgresql
                        ? "SELECT table_name, column_name FROM information_schema.columns "
                          "WHERE table_schema = current_schema() AND table_name LIKE 't\\_s%'"
                        : "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p "
                          "WHERE m.type = 'table' AND m.name LIKE 't\\_s%' ESCAPE '\\'";
  std::map<std::string, std::set<std::string>> tables;
  for (const auto& row : db.query(sql).rows) tables[*row.at(0)].insert(*row.at(1));
  return tables;
}

std::map<std::string, int> applied_log(detail::Backend& db) {
  std::map<std::string, int> out;
  try {
    for (const auto& row : db.query("SELECT revision, COUNT(*) FROM applied_log GROUP BY revision").rows) {
      out[*row.at(0)] = std::stoi(*row.at(1));
    }
  } catch (const detail::MissingTableError&) {
  }
  return out;
}

long long count(detail::Backend& db, const std::string& sql) {
  return std::stoll(*db.query(sql).rows.at(0).at(0));
}

std::map<std::string, std::set<std::string>> expected_tables(int index) {
  std::map<std::string, std::set<std::string>> tables;
  for (int i = 0; i <= index; ++i) tables["t_" + generated_id(i)] = {"id", "prev", "note"};
  return tables;
}

}  // namespace retort::test
