// SIGKILL at random moments during an upgrade of 200 migrations: after every
// kill the database is at a revision whose schema is exactly that
// revision's, and the next run completes.
#include <gtest/gtest.h>
#include <signal.h>

#include <fmt/format.h>

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

void kill_repeatedly(const std::string& url) {
  TempDir dir;
  std::mt19937 random(std::random_device{}());
  // Up to about the time a few dozen migrations take, so that kills land in
  // process start-up, lock acquisition, statements, commits and in between.
  std::uniform_int_distribution<int> delay_ms(5, 250);
  int kills = 0, previous = -1;
  std::string progress;  // revision index after each kill, printed for the record
  for (int attempt = 0; kills < kKills && attempt < kKills * 3; ++attempt) {
    auto log = dir / fmt::format("run-{}.log", attempt);
    pid_t pid = spawn_migrate({"--url", url, "--lock-wait", "30s", "upgrade", "head"}, {}, log);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
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
    if (at == 199 || ::testing::Test::HasFailure()) break;
  }
  std::cout << kills << " kills; revision index after each run:" << progress << '\n';
  EXPECT_GE(kills, kKills / 2);

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
  kill_repeatedly(url);
  drop_postgres_database(url);
}

TEST(Crash, SigkillDuringUpgradeSqlite) {
  TempDir dir;
  kill_repeatedly(fmt::format("sqlite:///{}", (dir / "crash.db").string()));
}

}  // namespace
}  // namespace retort::test
