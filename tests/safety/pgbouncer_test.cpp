// Behind PgBouncer in transaction pooling mode consecutive statements of one
// client may run on different server sessions, and one server session serves
// many clients in turn: a session advisory lock or a SET would stay behind
// for the next client. Here 16 processes race through a real PgBouncer
// started in front of the test server, in both lock modes, and the pooled
// server sessions are inspected afterwards for anything Retort left.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "generated_set.hpp"
#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

class PgBouncer {
 public:
  // Pools `server_url`'s server in transaction mode with a few server
  // connections, so that clients share them.
  explicit PgBouncer(const std::string& server_url) {
    std::smatch parts;
    std::regex url("postgresql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/.*");
    if (!std::regex_match(server_url, parts, url)) throw std::runtime_error("unexpected test server URL form");
    port_ = free_local_port();
    std::filesystem::permissions(dir_.path(), std::filesystem::perms(0755));
    std::ofstream(dir_ / "pgbouncer.ini") << fmt::format(
        "[databases]\n* = host={} port={} user={} password={}\n"
        "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {}\nunix_socket_dir =\nauth_type = any\n"
        "pool_mode = transaction\ndefault_pool_size = 3\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits\n",
        parts[3].str(), parts[4].str(), parts[1].str(), parts[2].str(), port_);
    std::filesystem::permissions(dir_ / "pgbouncer.ini", std::filesystem::perms(0644));
    std::string log = (dir_ / "pgbouncer.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = freopen(log.c_str(), "w", stderr);
      (void)out;
      std::string config = (dir_ / "pgbouncer.ini").string();
      // PgBouncer refuses to run as root.
      if (geteuid() == 0) {
        execl("/usr/sbin/runuser", "runuser", "-u", "postgres", "--", PGBOUNCER, config.c_str(), nullptr);
      } else {
        execl(PGBOUNCER, "pgbouncer", config.c_str(), nullptr);
      }
      _exit(127);
    }
    url_ = fmt::format("postgresql://{}:{}@127.0.0.1:{}/", parts[1].str(), parts[2].str(), port_);
  }
  ~PgBouncer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }

  // The database `name` through PgBouncer, once it accepts connections.
  std::string url_for(const std::string& database_url) const {
    std::string name = database_url.substr(database_url.rfind('/') + 1);
    std::string through = url_ + name;
    for (int attempt = 0; attempt < 100; ++attempt) {
      try {
        open_database(through)->query("SELECT 1");
        return through;
      } catch (const std::exception&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    throw std::runtime_error("PgBouncer did not start: see " + (dir_ / "pgbouncer.log").string());
  }

 private:
  TempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::string url_;
};

long long epoch_ms_in(std::chrono::milliseconds delay) {
  auto at = std::chrono::system_clock::now() + delay;
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

// Advisory locks granted in the database at `direct` (the server's view).
long long advisory_locks(const std::string& direct) {
  return count(*open_database(direct),
               "SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
               "WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()");
}

// What every server session of the pool says `setting` is: one client per
// pooled server connection, each pinned by a transaction.
std::set<std::string> pooled_values(const std::string& through, const std::string& setting) {
  std::vector<std::unique_ptr<detail::Backend>> clients;
  std::set<std::string> values;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(open_database(through));
    clients.back()->begin();
    values.insert(clients.back()->query("SHOW " + setting).rows.at(0).at(0).value_or(""));
  }
  for (auto& client : clients) client->rollback();
  return values;
}

// 16 processes, three rounds, through the pooler; one revision is
// non-transactional (its statements run outside a transaction, where a
// pooler moves them between server sessions).
void bouncer_race(const PgBouncer& bouncer, const std::vector<std::string>& extra_args, const std::string& name) {
  TempDir dir;
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(fmt::format("round {}", round));
    std::string direct = create_postgres_database(fmt::format("{}_{}", name, round));
    std::string url = bouncer.url_for(direct);
    Env env{{"SAFETY_SET_SIZE", "12"}, {"SAFETY_NONTX", "s005"}};
    env["SAFETY_START_AT"] = std::to_string(epoch_ms_in(std::chrono::milliseconds(400)));
    std::vector<std::string> args{"--url", url, "--lock-wait", "60s"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.insert(args.end(), {"upgrade", "head"});
    std::vector<std::pair<pid_t, std::filesystem::path>> processes;
    for (int i = 0; i < 16; ++i) {
      auto log = dir / fmt::format("bouncer-{}-{}.log", round, i);
      processes.emplace_back(spawn_migrate(args, env, log), log);
    }
    for (auto& [pid, log] : processes) {
      Outcome out = wait_for(pid, log);
      EXPECT_EQ(out.exit_code, 0) << out.output;
    }
    auto db = open_database(direct);
    EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s011"});
    std::map<std::string, int> applied = applied_log(*db);
    EXPECT_EQ(applied.size(), 12u);
    for (const auto& [revision, times] : applied) EXPECT_EQ(times, 1) << revision;
    EXPECT_EQ(generated_tables(*db), expected_tables(11));
    EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM seen_settings"), 1);
    // Nothing stays behind on the pool: no lock, no lease, and the next
    // run (which needs the lock) does not wait for anyone.
    EXPECT_EQ(advisory_locks(direct), 0);
    if (count(*db, "SELECT COUNT(*) FROM pg_tables WHERE tablename = 'retort_lock'") > 0)
      EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_lock"), 0);
    std::vector<std::string> down{"--url", url, "--lock-wait", "5s"};
    down.insert(down.end(), extra_args.begin(), extra_args.end());
    down.insert(down.end(), {"downgrade", "-1"});
    Outcome after = run_migrate(down, env);
    EXPECT_EQ(after.exit_code, 0) << after.output;
    db.reset();
    drop_postgres_database(direct);
  }
}

TEST(PgBouncer, LeaseLockHoldsUnderTransactionPooling) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  bouncer_race(bouncer, {"--lock-mode", "lease"}, "bouncer_lease");
}

// The default mode finds the pooler and keeps its lock in a transaction,
// which pins one server session.
TEST(PgBouncer, DefaultLockHoldsUnderTransactionPooling) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  bouncer_race(bouncer, {}, "bouncer_session");
}

// A holder killed mid-run: the pooler closes the server session of a client
// that left inside a transaction, and the lock goes with it.
TEST(PgBouncer, KilledHolderDoesNotLeaveTheLockOnThePool) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  TempDir dir;
  std::string direct = create_postgres_database("bouncer_killed");
  std::string url = bouncer.url_for(direct);
  Env slow{{"SAFETY_SET_SIZE", "3"}, {"SAFETY_SLOW", "s001"}, {"SAFETY_SLOW_SECONDS", "30"}};
  pid_t holder = spawn_migrate({"--url", url, "upgrade", "head"}, slow, dir / "holder.log");
  for (int attempt = 0; attempt < 300 && advisory_locks(direct) == 0; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GT(advisory_locks(direct), 0) << "the holder never took the lock";
  kill(holder, SIGKILL);
  wait_for(holder, dir / "holder.log");
  Outcome next = run_migrate({"--url", url, "--lock-wait", "10s", "upgrade", "head"}, {{"SAFETY_SET_SIZE", "3"}});
  EXPECT_EQ(next.exit_code, 0) << next.output;
  EXPECT_EQ(version_rows(*open_database(direct)), std::vector<std::string>{"s002"});
  drop_postgres_database(direct);
}

// Timeouts for statements outside a transaction are set in a transaction
// around each statement: the statements get them, the pool keeps nothing.
TEST(PgBouncer, SettingsStayWithTheirStatements) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  for (std::string mode : {"session", "lease"}) {
    SCOPED_TRACE(mode);
    std::string direct = create_postgres_database("bouncer_settings_" + mode);
    std::string url = bouncer.url_for(direct);
    Outcome out = run_migrate({"--url", url, "--lock-mode", mode, "--lock-timeout", "1234ms", "--statement-timeout",
                               "98765ms", "upgrade", "head"},
                              {{"SAFETY_SET_SIZE", "4"}, {"SAFETY_NONTX", "s002"}});
    ASSERT_EQ(out.exit_code, 0) << out.output;
    auto db = open_database(direct);
    detail::Rows seen = db->query("SELECT lock_timeout, statement_timeout FROM seen_settings");
    ASSERT_EQ(seen.rows.size(), 1u);
    EXPECT_EQ(seen.rows[0][0].value_or(""), "1234ms");
    EXPECT_EQ(seen.rows[0][1].value_or(""), "98765ms");
    EXPECT_EQ(pooled_values(url, "lock_timeout"), std::set<std::string>{"0"});
    EXPECT_EQ(pooled_values(url, "statement_timeout"), std::set<std::string>{"0"});
    EXPECT_EQ(pooled_values(url, "application_name"), std::set<std::string>{""});
    db.reset();
    drop_postgres_database(direct);
  }
}

TEST(PgBouncer, StatementTimeoutReachesEveryStatement) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE(fmt::format("run {}", run));
    std::string direct = create_postgres_database(fmt::format("bouncer_sleep_{}", run));
    std::string url = bouncer.url_for(direct);
    Outcome out = run_migrate({"--url", url, "--statement-timeout", "1s", "upgrade", "head"},
                              {{"SAFETY_SET_SIZE", "3"}, {"SAFETY_NONTX", "s001"}, {"SAFETY_SLOW", "s001"},
                               {"SAFETY_SLOW_SECONDS", "3"}});
    EXPECT_EQ(out.exit_code, 1) << out.output;
    EXPECT_TRUE(contains(out.output, "canceling statement due to statement timeout")) << out.output;
    EXPECT_TRUE(contains(out.output, "statement_timeout (1000 ms) expired")) << out.output;
    drop_postgres_database(direct);
  }
}

// CREATE INDEX CONCURRENTLY cannot run in a transaction, so behind a pooler
// it cannot carry a setting: refused before it runs, unless the revision's
// timeouts are off.
TEST(PgBouncer, ConcurrentIndexNeedsItsTimeoutsOff) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  PgBouncer bouncer(postgres_server_url());
  Env env{{"SAFETY_SET_SIZE", "3"}, {"SAFETY_CONCURRENT_INDEX", "s001"}};
  std::string direct = create_postgres_database("bouncer_cic_refused");
  std::string url = bouncer.url_for(direct);
  Outcome refused = run_migrate({"--url", url, "upgrade", "head"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "cannot run inside a transaction")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "connection pooler")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "lock_timeout = 5000")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "--migration-lock-timeout REVISION=0")) << refused.output;
  auto db = open_database(direct);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'ix_t_s001_prev'"), 0);
  EXPECT_EQ(pooled_values(url, "lock_timeout"), std::set<std::string>{"0"});
  db.reset();
  drop_postgres_database(direct);

  direct = create_postgres_database("bouncer_cic_off");
  url = bouncer.url_for(direct);
  Outcome off = run_migrate({"--url", url, "--migration-lock-timeout", "s001=0", "--migration-statement-timeout",
                             "s001=0", "upgrade", "head"},
                            env);
  EXPECT_EQ(off.exit_code, 0) << off.output;
  db = open_database(direct);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                       "WHERE c.relname = 'ix_t_s001_prev' AND i.indisvalid"),
            1);
  db.reset();
  drop_postgres_database(direct);
}

}  // namespace
}  // namespace retort::test
