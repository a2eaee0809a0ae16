// 16 processes run `upgrade head` at the same instant on one database, ten
// rounds, on PostgreSQL (session advisory lock and lease) and SQLite
// (lease under BEGIN IMMEDIATE): all succeed, every migration runs once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>
#include <fmt/format.h>

#include "generated_set.hpp"
#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

constexpr int kProcesses = 16;
constexpr int kRounds = 10;
constexpr int kSetSize = 12;

long long epoch_ms_in(std::chrono::milliseconds delay) {
  auto at = std::chrono::system_clock::now() + delay;
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// Process i's own arguments.
using ArgsFor = std::function<std::vector<std::string>(int)>;

// One round: `already` revisions are applied before the race starts.
void race(const std::string& url, const ArgsFor& extra_args_for, int already, const TempDir& dir) {
  Env env{{"SAFETY_SET_SIZE", std::to_string(kSetSize)}};
  if (already > 0) {
    Outcome pre = run_migrate({"--url", url, "upgrade", generated_id(already - 1)}, env);
    ASSERT_EQ(pre.exit_code, 0) << pre.output;
  }
  env["SAFETY_START_AT"] = std::to_string(epoch_ms_in(std::chrono::milliseconds(400)));
  std::vector<std::pair<pid_t, std::filesystem::path>> processes;
  for (int i = 0; i < kProcesses; ++i) {
    std::vector<std::string> args{"--url", url, "--lock-wait", "60s"};
    std::vector<std::string> extra_args = extra_args_for(i);
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.insert(args.end(), {"upgrade", "head"});
    auto log = dir / fmt::format("race-{}.log", i);
    processes.emplace_back(spawn_migrate(args, env, log), log);
  }
  int ran_something = 0;
  for (auto& [pid, log] : processes) {
    Outcome out = wait_for(pid, log);
    EXPECT_EQ(out.exit_code, 0) << out.output;
    if (out.output.find("Running upgrade") != std::string::npos) ++ran_something;
  }
  auto db = open_database(url);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{generated_id(kSetSize - 1)});
  std::map<std::string, int> log = applied_log(*db);
  ASSERT_EQ(log.size(), static_cast<std::size_t>(kSetSize));
  for (const auto& [revision, times] : log) EXPECT_EQ(times, 1) << revision << " ran " << times << " times";
  EXPECT_EQ(generated_tables(*db), expected_tables(kSetSize - 1));
  // The history agrees (the pre-race upgrade included): one successful upgrade row per revision.
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE operation = 'upgrade' AND success"), kSetSize);
  EXPECT_EQ(count(*db, "SELECT COUNT(DISTINCT revision) FROM retort_history WHERE operation = 'upgrade'"),
            kSetSize);
  EXPECT_GE(ran_something, 1);
}

void race(const std::string& url, const std::vector<std::string>& extra_args, int already, const TempDir& dir) {
  race(url, [&](int) { return extra_args; }, already, dir);
}

// Waits until a process holds the migration lock of the database at `url`.
void wait_for_advisory_lock(const std::string& url) {
  auto db = open_database(url);
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (count(*db, "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                   "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()") > 0) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "no process took the migration lock within 15 s";
}

bool still_running(pid_t pid) { return waitpid(pid, nullptr, WNOHANG) == 0; }

// `rounds` races, each on a fresh PostgreSQL database; round r starts with
// `already(r)` revisions applied.
void postgres_rounds(const std::string& name, int rounds, const ArgsFor& args_for,
                     const std::function<int(int)>& already) {
  TempDir dir;
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::string url = create_postgres_database(fmt::format("{}_{}", name, round));
    race(url, args_for, already(round), dir);
    drop_postgres_database(url);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

int spread(int round) { return round % 3 == 0 ? 0 : round % kSetSize; }

TEST(Concurrency, SixteenProcessesPostgresSessionLock) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  postgres_rounds("race_session", kRounds, [](int) { return std::vector<std::string>{}; }, spread);
}

TEST(Concurrency, SixteenProcessesPostgresLease) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  postgres_rounds("race_lease", kRounds, [](int) { return std::vector<std::string>{"--lock-mode", "lease"}; },
                  spread);
}

// The lock is on the table the server resolves: `retort_version` and
// `public.retort_version` are one table, and one lock.
TEST(Concurrency, TwoSpellingsOfOneVersionTableExcludeEachOther) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  postgres_rounds(
      "race_spelling", 3,
      [](int i) { return i % 2 ? std::vector<std::string>{"--version-table-schema", "public"} : std::vector<std::string>{}; },
      [](int round) { return round; });
}

// A process in session mode and one in lease mode exclude each other: the
// lease takes the advisory lock for its transaction, and the session lock
// gives way to a live lease row.
TEST(Concurrency, SessionAndLeaseModesExcludeEachOther) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  postgres_rounds(
      "race_modes", 3, [](int i) { return std::vector<std::string>{"--lock-mode", i % 2 ? "lease" : "session"}; },
      [](int round) { return round; });
}

TEST(Concurrency, SixteenProcessesSqlite) {
  TempDir dir;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::string url = fmt::format("sqlite:///{}", (dir / fmt::format("race-{}.db", round)).string());
    race(url, std::vector<std::string>{}, round % 3 == 0 ? 0 : round % kSetSize, dir);
    if (HasFatalFailure()) return;
  }
}

// Two sets with their own version tables in one database do not wait for
// each other: the lock key includes the version table.
TEST(Concurrency, SetsWithTheirOwnVersionTablesDoNotBlockEachOther) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string url = create_postgres_database("two_sets");
  auto db = open_database(url);
  db->execute("CREATE SCHEMA other");
  Env slow{{"SAFETY_SET_SIZE", "3"}, {"SAFETY_SLOW", "s000"}, {"SAFETY_SLOW_SECONDS", "8"}};
  TempDir dir;
  pid_t holder = spawn_migrate({"--url", url, "upgrade", "head"}, slow, dir / "holder.log");
  wait_for_advisory_lock(url);  // now inside its 8 s first migration
  // The same set in another schema, with its own version table: it would
  // fail after 1 s if it waited for the holder's lock.
  Outcome other = run_migrate({"--url", url + "?options=-csearch_path%3Dother", "--version-table-schema", "other",
                               "--lock-wait", "1s", "upgrade", "head"},
                              {{"SAFETY_SET_SIZE", "3"}});
  EXPECT_EQ(other.exit_code, 0) << other.output;
  EXPECT_TRUE(still_running(holder));
  Outcome first = wait_for(holder, dir / "holder.log");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  drop_postgres_database(url);
}

TEST(Concurrency, WaitDeadlineNamesTheSessionHoldingTheLock) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string url = create_postgres_database("lock_holder");
  TempDir dir;
  pid_t holder = spawn_migrate({"--url", url, "upgrade", "head"},
                               {{"SAFETY_SET_SIZE", "2"}, {"SAFETY_SLOW", "s000"}, {"SAFETY_SLOW_SECONDS", "8"}},
                               dir / "holder.log");
  wait_for_advisory_lock(url);
  Outcome waiter = run_migrate({"--url", url, "--lock-wait", "300ms", "upgrade", "head"}, {{"SAFETY_SET_SIZE", "2"}});
  EXPECT_EQ(waiter.exit_code, 1) << waiter.output;
  EXPECT_NE(waiter.output.find("waited 300 ms for the migration lock of retort_version"), std::string::npos)
      << waiter.output;
  EXPECT_NE(waiter.output.find(fmt::format("application_name 'retort migration lock on retort_version (host ")),
            std::string::npos)
      << waiter.output;
  EXPECT_NE(waiter.output.find(fmt::format("pid {})'", holder)), std::string::npos) << waiter.output;
  EXPECT_NE(waiter.output.find("holding it since 20"), std::string::npos) << waiter.output;
  // The advice names the holder's real server process, not a placeholder.
  EXPECT_EQ(waiter.output.find("pg_terminate_backend(<pid>)"), std::string::npos) << waiter.output;
  size_t named = waiter.output.find("held by server process ");
  ASSERT_NE(named, std::string::npos) << waiter.output;
  std::string server_pid = waiter.output.substr(named + 23, waiter.output.find(' ', named + 23) - named - 23);
  EXPECT_NE(waiter.output.find("pg_terminate_backend(" + server_pid + ")"), std::string::npos) << waiter.output;
  EXPECT_EQ(waiter.output.find("retort-test-secret"), std::string::npos);
  Outcome first = wait_for(holder, dir / "holder.log");
  EXPECT_EQ(first.exit_code, 0) << first.output;
  drop_postgres_database(url);
}

// The lock's own connection ends while a migration runs (an operator
// terminates it, a network cut): the server has released the lock, so that
// migration must not commit, and the run stops there saying why.
TEST(Concurrency, LostSessionLockRollsBackTheRunningMigration) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string url = create_postgres_database("lock_lost");
  TempDir dir;
  Env env{{"SAFETY_SET_SIZE", "5"}, {"SAFETY_SLOW", "s002"}, {"SAFETY_SLOW_SECONDS", "3"}};
  pid_t run = spawn_migrate({"--url", url, "upgrade", "head"}, env, dir / "run.log");
  auto db = open_database(url);
  long long terminated = 0;
  for (int attempt = 0; attempt < 200 && terminated == 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    // Once s002 sleeps inside its transaction, end the lock's session.
    terminated = count(*db, "SELECT COUNT(pg_terminate_backend(lock.pid)) FROM pg_stat_activity lock "
                            "WHERE lock.datname = current_database() "
                            "AND lock.application_name LIKE 'retort migration lock on %' "
                            "AND EXISTS (SELECT 1 FROM pg_stat_activity step WHERE step.datname = current_database() "
                            "AND step.pid <> pg_backend_pid() AND step.query LIKE '%pg_sleep(3)%' "
                            "AND step.state = 'active')");
  }
  ASSERT_EQ(terminated, 1);
  Outcome out = wait_for(run, dir / "run.log");
  EXPECT_EQ(out.exit_code, 1) << out.output;
  EXPECT_TRUE(contains(out.output, "upgrade of revision s002")) << out.output;
  EXPECT_TRUE(contains(out.output, "the migration lock's own connection was lost")) << out.output;
  EXPECT_TRUE(contains(out.output, "This migration was rolled back and nothing after it ran.")) << out.output;
  EXPECT_FALSE(contains(out.output, "retort-test-secret")) << out.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s001"});
  EXPECT_EQ(generated_tables(*db), expected_tables(1));
  EXPECT_EQ(applied_log(*db).count("s002"), 0u);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE revision = 's002' AND success = false"), 1);

  // Nothing is left half-done: the next run applies the rest.
  Outcome again = run_migrate({"--url", url, "upgrade", "head"}, {{"SAFETY_SET_SIZE", "5"}});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s004"});
  EXPECT_EQ(generated_tables(*db), expected_tables(4));
  db.reset();
  drop_postgres_database(url);
}

// A live lease of another host blocks until the deadline and is named; a
// lease of a dead process on this host is taken over at once.
TEST(Concurrency, SqliteLeaseHolderIsNamedAndDeadHoldersAreTakenOver) {
  TempDir dir;
  std::string url = fmt::format("sqlite:///{}", (dir / "lease.db").string());
  Env env{{"SAFETY_SET_SIZE", "2"}};
  ASSERT_EQ(run_migrate({"--url", url, "upgrade", "s000"}, env).exit_code, 0);
  auto db = open_database(url);
  long long far = epoch_ms_in(std::chrono::minutes(10));
  db->execute(fmt::format("INSERT INTO retort_lock VALUES ('retort:retort_version', 'x', 'build-host-7', 4242, "
                          "'2026-01-01T00:00:00.000Z', {})",
                          far));
  Outcome blocked = run_migrate({"--url", url, "--lock-wait", "300ms", "upgrade", "head"}, env);
  EXPECT_EQ(blocked.exit_code, 1) << blocked.output;
  EXPECT_NE(blocked.output.find("held by host build-host-7 pid 4242 since 2026-01-01T00:00:00.000Z"),
            std::string::npos)
      << blocked.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s000"});

  char host[256] = {};
  gethostname(host, sizeof host - 1);
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  waitpid(gone, nullptr, 0);
  db->execute(fmt::format("UPDATE retort_lock SET host = '{}', pid = {}", host, gone));
  Outcome taken = run_migrate({"--url", url, "--lock-wait", "300ms", "upgrade", "head"}, env);
  EXPECT_EQ(taken.exit_code, 0) << taken.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s001"});
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_lock"), 0);  // released
}

}  // namespace
}  // namespace retort::test
