// SIGKILL at random moments during an upgrade of 200 migrations: after every
// kill the database is at a revision whose schema is exactly that
// revision's, and the next run completes.
#include <gtest/gtest.h>
#include <signal.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "generated_set.hpp"
#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

constexpr int kKills = 24;

int revision_index(const std::vector<std::string>& rows) {
  if (rows.empty()) return -1;
  EXPECT_EQ(rows.size(), 1u);
  return std::stoi(rows[0].substr(1));
}

using Clock = std::chrono::steady_clock;

std::chrono::microseconds timed_upgrade(const std::string& url) {
  auto start = Clock::now();
  Outcome out = run_migrate({"--url", url, "upgrade", "head"});
  EXPECT_EQ(out.exit_code, 0) << out.output;
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

// `scratch_url` is a second, empty database of the same kind: a full upgrade
// there measures how long start-up and each migration take on this machine,
// so that kills are spread over the work that is still left instead of over
// a fixed window a fast machine finishes before the first kill.
void kill_repeatedly(const std::string& url, const std::string& scratch_url) {
  TempDir dir;
  const auto full = timed_upgrade(scratch_url);
  const auto startup = timed_upgrade(scratch_url);  // already at head: start-up and lock only
  const auto per_migration = std::max(std::chrono::microseconds(1), (full - startup) / 200);
  std::mt19937 random(std::random_device{}());
  int kills = 0, previous = -1;
  std::string progress;  // revision index after each kill, printed for the record
  for (int attempt = 0; kills < kKills && attempt < kKills * 3; ++attempt) {
    auto log = dir / fmt::format("run-{}.log", attempt);
    // Anywhere from process start to the end of the remaining migrations:
    // start-up, lock acquisition, statements, commits and in between.
    const auto window = startup + per_migration * (199 - previous);
    std::uniform_int_distribution<long> delay_us(0, window.count());
    pid_t pid = spawn_migrate({"--url", url, "--lock-wait", "30s", "upgrade", "head"}, {}, log);
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(random)));
    kill(pid, SIGKILL);
    Outcome out = wait_for(pid, log);
    if (out.signal == SIGKILL) ++kills;
    else EXPECT_EQ(out.exit_code, 0) << out.output;

    auto db = open_database(url);
    int at = revision_index(version_rows(*db));
    SCOPED_TRACE(fmt::format("after kill {} (attempt {}): at revision index {}", kills, attempt, at));
    EXPECT_GE(at, previous);  // committed work is never lost
    previous = at;
    progress += fmt::format(" {}", at);
    EXPECT_EQ(generated_tables(*db), expected_tables(at));
    std::map<std::string, int> applied = applied_log(*db);
    EXPECT_EQ(applied.size(), static_cast<std::size_t>(at + 1));
    for (const auto& [revision, times] : applied) EXPECT_EQ(times, 1) << revision;
    if (::testing::Test::HasFailure()) break;
    if (at == 199 && kills < kKills) {
      // A run outlived its kill and finished: start over from base to keep killing upgrades.
      Outcome reset = run_migrate({"--url", url, "downgrade", "base"});
      ASSERT_EQ(reset.exit_code, 0) << reset.output;
      previous = -1;
      progress += " (downgrade base)";
    }
  }
  std::cout << kills << " kills; revision index after each run:" << progress << '\n';
  EXPECT_GE(kills, 20);

  Outcome finish = run_migrate({"--url", url, "--lock-wait", "30s", "upgrade", "head"});
  EXPECT_EQ(finish.exit_code, 0) << finish.output;
  auto db = open_database(url);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s199"});
  EXPECT_EQ(generated_tables(*db), expected_tables(199));
  EXPECT_EQ(applied_log(*db).size(), 200u);
  Outcome verify = run_migrate({"--url", url, "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST(Crash, SigkillDuringUpgradePostgres) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string url = create_postgres_database("crash");
  std::string scratch = create_postgres_database("crash_scratch");
  kill_repeatedly(url, scratch);
  drop_postgres_database(url);
  drop_postgres_database(scratch);
}

TEST(Crash, SigkillDuringUpgradeSqlite) {
  TempDir dir;
  kill_repeatedly(fmt::format("sqlite:///{}", (dir / "crash.db").string()),
                  fmt::format("sqlite:///{}", (dir / "scratch.db").string()));
}

}  // namespace
}  // namespace retort::test
