// Real databases for tests: a fresh PostgreSQL database per test on the
// server scripts/test starts, and SQLite files in a temporary directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace retort::test {

// URL of the test server's database, from RETORT_TEST_POSTGRES_URL; empty
// when unset. Tests call RETORT_REQUIRE_POSTGRES_OR_SKIP() first.
std::string postgres_server_url();

// Creates an empty database with a unique name derived from `hint` and
// returns its URL (the same credentials). Dropped by drop_postgres_database.
std::string create_postgres_database(const std::string& hint);
void drop_postgres_database(const std::string& url);

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Runs a shell command, capturing stdout+stderr; returns the exit status.
int run_command(const std::string& command, std::string& output);

// A TCP port on 127.0.0.1 that is free now, below 32768: the kernel gives
// the ports above it to outgoing connections, one of which could take a
// server's port just before the server binds it.
int free_local_port();

}  // namespace retort::test

// Skips the test when no server is configured, or fails it when
// RETORT_REQUIRE_POSTGRES is set (as scripts/test does), so the suite can
// never pass without PostgreSQL having run.
#define RETORT_REQUIRE_POSTGRES_OR_SKIP()                                                 \
  do {                                                                                    \
    if (::retort::test::postgres_server_url().empty()) {                                  \
      if (std::getenv("RETORT_REQUIRE_POSTGRES"))                                         \
        FAIL() << "RETORT_REQUIRE_POSTGRES is set but RETORT_TEST_POSTGRES_URL is not";   \
      GTEST_SKIP() << "PostgreSQL tests need RETORT_TEST_POSTGRES_URL (scripts/test sets it)"; \
    }                                                                                     \
  } while (0)
