// The sample service. At startup it brings its database to head with one
// call, then does its (tiny) work: it makes sure a demo project exists and
// reports what the database holds. Its own queries use libpqxx or sqlite3
// directly, as any service would; Retort only owns the schema.
#include <app_migrations.hpp>
#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <pqxx/pqxx>
#include <retort/retort.hpp>
#include <string>

namespace {

const char* const kDemoStatements[] = {
    "INSERT INTO users (id, email, name) SELECT 1, 'ada@example.com', 'Ada' "
    "WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = 1)",
    "INSERT INTO projects (id, owner_id, name) SELECT 1, 1, 'Launch' "
    "WHERE NOT EXISTS (SELECT 1 FROM projects WHERE id = 1)",
    "INSERT INTO tasks (id, project_id, assignee_id, title) SELECT 1, 1, 1, 'Write the schema' "
    "WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE id = 1)",
};
const char* const kCountQuery =
    "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM projects), (SELECT count(*) FROM tasks)";

void report(const std::string& users, const std::string& projects, const std::string& tasks) {
  fmt::print("project-manager: serving {} user(s), {} project(s), {} task(s)\n", users, projects, tasks);
}

void work_on_sqlite(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(fmt::format("cannot open {}: {}", path, message));
  }
  auto check = [&](int rc) {
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error(message);
    }
  };
  for (const char* statement : kDemoStatements) check(sqlite3_exec(db, statement, nullptr, nullptr, nullptr));
  sqlite3_stmt* counts = nullptr;
  check(sqlite3_prepare_v2(db, kCountQuery, -1, &counts, nullptr));
  check(sqlite3_step(counts));
  auto column = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(counts, i))); };
  report(column(0), column(1), column(2));
  sqlite3_finalize(counts);
  sqlite3_close(db);
}

void work_on_postgres(const std::string& url) {
  pqxx::connection connection(url);
  pqxx::work tx(connection);
  for (const char* statement : kDemoStatements) tx.exec0(statement);
  pqxx::row counts = tx.exec1(kCountQuery);
  tx.commit();
  report(counts[0].c_str(), counts[1].c_str(), counts[2].c_str());
}

}  // namespace

int main() {
  const char* env = std::getenv("DATABASE_URL");
  const std::string url = env && *env ? env : "sqlite:///project_manager.db";
  try {
    fmt::print("project-manager: database {}\n", retort::display_url(url));

    retort::UpgradeOptions options;
    options.log = [](std::string_view line) { fmt::print("  {}\n", line); };
    retort::UpgradeResult result = retort::upgrade(app_migrations::registry(), url, "head", options);
    std::string at = fmt::format("{}", fmt::join(result.heads_after, ", "));
    if (result.applied.empty()) {
      fmt::print("project-manager: schema already at head ({})\n", at);
    } else {
      fmt::print("project-manager: applied {} migration(s), schema now at {}\n", result.applied.size(), at);
    }

    if (url.starts_with("sqlite:///")) {
      work_on_sqlite(url.substr(std::string_view("sqlite:///").size()));
    } else {
      std::string libpq_url = url;
      if (std::size_t plus = url.find('+'); plus != std::string::npos && plus < url.find("://")) {
        libpq_url.erase(plus, url.find("://") - plus);  // postgresql+psycopg2:// -> postgresql://
      }
      work_on_postgres(libpq_url);
    }
  } catch (const std::exception& e) {
    // retort::Error messages are complete and never contain the password;
    // the service's own errors come from libpq/sqlite, which do not echo it.
    std::cerr << "project-manager: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
