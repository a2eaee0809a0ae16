// SQLite's lease: a database that cannot be written is reported at once as
// itself, not after the whole lock wait as "another process"; and the wait
// ends at its deadline even while another connection holds the file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>

#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(SqliteLease, AReadOnlyDatabaseIsReportedAtOnceAsItself) {
  TempDir dir;
  const std::filesystem::path file = dir / "readonly.db";
  const std::string url = "sqlite:///" + file.string();
  ASSERT_EQ(run_migrate({"--url", url, "upgrade", "s001"}, {{"SAFETY_SET_SIZE", "3"}}).exit_code, 0);
  ASSERT_EQ(chmod(file.c_str(), 0444), 0);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  // root writes through file modes: run as an unprivileged user then.
  const std::string as_user = geteuid() == 0 ? "runuser -u nobody -- " : "";
  std::string output;
  const auto start = Clock::now();
  const int status = run_command(fmt::format("SAFETY_SET_SIZE=3 {}{} --url {} upgrade head --lock-wait 20s 2>&1",
                                             as_user, SAFETY_MIGRATE, url),
                                 output);
  const double waited = seconds_since(start);
  EXPECT_NE(status, 0) << output;
  EXPECT_LT(waited, 5.0) << "waited for a lock no process holds:\n" << output;
  EXPECT_TRUE(contains(output, "readonly")) << output;
  EXPECT_TRUE(contains(output, "This is not another process migrating")) << output;
  EXPECT_FALSE(contains(output, "Another process is migrating")) << output;
}

TEST(SqliteLease, TheLockWaitEndsAtItsDeadlineWhileAWriterHoldsTheFile) {
  TempDir dir;
  const std::filesystem::path file = dir / "held.db";
  const std::string url = "sqlite:///" + file.string();
  ASSERT_EQ(run_migrate({"--url", url, "upgrade", "s001"}, {{"SAFETY_SET_SIZE", "3"}}).exit_code, 0);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto start = Clock::now();
  Outcome waited = run_migrate({"--url", url, "upgrade", "head", "--lock-wait", "3s"}, {{"SAFETY_SET_SIZE", "3"}});
  const double elapsed = seconds_since(start);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(waited.exit_code, 1) << waited.output;
  EXPECT_TRUE(contains(waited.output, "waited 3000 ms for the migration lease")) << waited.output;
  // The deadline holds to within a second (SQLite's own busy wait is 30 s).
  EXPECT_GE(elapsed, 3.0) << waited.output;
  EXPECT_LT(elapsed, 4.0) << waited.output;
}

}  // namespace
}  // namespace retort::test
