// PostgreSQL's lock_timeout and statement_timeout around each migration:
// a step stuck behind a lock or running too long is cancelled and rolled
// back with a message that names the timeout and the statement; a
// non-transactional step runs with no transaction open.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

// PostgreSQL timeouts: a migration stuck behind a lock is cancelled after
// lock_timeout and rolled back, and the message says which timeout and statement.
class Timeouts : public ::testing::Test {
 protected:
  void SetUp() override {
    RETORT_REQUIRE_POSTGRES_OR_SKIP();
    url_ = create_postgres_database("timeouts");
  }
  void TearDown() override {
    if (!url_.empty()) drop_postgres_database(url_);
  }
  Outcome migrate(std::vector<std::string> args, Env env = {}) {
    env.emplace("SAFETY_SET_SIZE", "5");
    args.insert(args.begin(), {"--url", url_});
    return run_migrate(args, env);
  }
  std::string url_;
};

TEST_F(Timeouts, LockTimeoutRollsBackAndNamesTimeoutAndStatement) {
  ASSERT_EQ(migrate({"upgrade", "s002"}).exit_code, 0);
  auto traffic = open_database(url_);
  traffic->begin();
  traffic->execute("LOCK TABLE t_s002 IN ACCESS EXCLUSIVE MODE");  // a long transaction on the parent table

  auto started = std::chrono::steady_clock::now();
  Outcome out = migrate({"--lock-timeout", "300ms", "upgrade", "head"});
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(out.exit_code, 1) << out.output;
  EXPECT_TRUE(contains(out.output, "upgrade of revision s003")) << out.output;
  EXPECT_TRUE(contains(out.output, "lock timeout (SQLSTATE 55P03)")) << out.output;
  EXPECT_TRUE(contains(out.output, "statement: CREATE TABLE t_s003")) << out.output;
  EXPECT_TRUE(contains(out.output, "lock_timeout (300 ms) expired")) << out.output;
  EXPECT_TRUE(contains(out.output, "--migration-lock-timeout s003=30s")) << out.output;
  EXPECT_TRUE(contains(out.output, "rolled back")) << out.output;
  traffic->rollback();
  auto db = open_database(url_);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s002"});
  EXPECT_EQ(generated_tables(*db), expected_tables(2));

  // A longer wait for that one revision lets it through once the lock is gone.
  traffic->begin();
  traffic->execute("LOCK TABLE t_s002 IN ACCESS EXCLUSIVE MODE");
  TempDir dir;
  pid_t run = spawn_migrate({"--url", url_, "--lock-timeout", "300ms", "--migration-lock-timeout", "s003=20s",
                             "upgrade", "head"},
                            {{"SAFETY_SET_SIZE", "5"}}, dir / "run.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  traffic->rollback();
  Outcome through = wait_for(run, dir / "run.log");
  EXPECT_EQ(through.exit_code, 0) << through.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s004"});
}

// While a statement waits, the log says for what and for whom, read from
// pg_stat_activity on a second connection.
TEST_F(Timeouts, ASlowStatementSaysWhatItWaitsForAndWhoBlocksIt) {
  ASSERT_EQ(migrate({"upgrade", "s002"}).exit_code, 0);
  auto traffic = open_database(url_);
  const std::string holder = traffic->query("SELECT pg_backend_pid()").rows.at(0).at(0).value();
  traffic->begin();
  traffic->execute("LOCK TABLE t_s002 IN ACCESS EXCLUSIVE MODE");

  Outcome out = migrate({"--lock-timeout", "2500ms", "--slow-statement-after", "500ms", "--slow-statement-every",
                         "500ms", "upgrade", "head"});
  traffic->rollback();
  EXPECT_EQ(out.exit_code, 1) << out.output;  // the lock timeout, as above
  EXPECT_TRUE(contains(out.output, "INFO  [retort] Still running upgrade s002 -> s003: ")) << out.output;
  // The step's statements go to the server together: the last one is named.
  EXPECT_TRUE(contains(out.output, " since the last statement was sent: INSERT INTO applied_log")) << out.output;
  EXPECT_TRUE(contains(out.output, "; the server: active for ")) << out.output;
  EXPECT_TRUE(contains(out.output, ", waiting for Lock (relation)")) << out.output;
  EXPECT_TRUE(contains(out.output, "; blocked by pid " + holder + " (user ")) << out.output;
  EXPECT_TRUE(contains(out.output, "query: LOCK TABLE t_s002 IN ACCESS EXCLUSIVE MODE)")) << out.output;

  // Nothing is slow: nothing is said, and no second connection is opened.
  Outcome quick = migrate({"--slow-statement-after", "500ms", "upgrade", "head"});
  EXPECT_EQ(quick.exit_code, 0) << quick.output;
  EXPECT_FALSE(contains(quick.output, "Still running")) << quick.output;
}

TEST_F(Timeouts, StatementTimeoutRollsBackAndSaysSo) {
  Outcome out = migrate({"--statement-timeout", "200ms", "upgrade", "head"}, {{"SAFETY_SLOW", "s001"}});
  EXPECT_EQ(out.exit_code, 1) << out.output;
  EXPECT_TRUE(contains(out.output, "statement timeout (SQLSTATE 57014)")) << out.output;
  EXPECT_TRUE(contains(out.output, "statement: SELECT pg_sleep(2)")) << out.output;
  EXPECT_TRUE(contains(out.output, "statement_timeout (200 ms) expired")) << out.output;
  auto db = open_database(url_);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s000"});
  // Off by default: the same migration completes.
  Outcome default_run = migrate({"upgrade", "head"}, {{"SAFETY_SLOW", "s001"}});
  EXPECT_EQ(default_run.exit_code, 0) << default_run.output;
}

// CREATE INDEX CONCURRENTLY waits for every transaction open anywhere in the
// database: it completes only if neither the migrations' connection nor the
// lock (its connection, or the lease) keeps one open. The statement timeout
// turns a hang into a failure.
TEST_F(Timeouts, NonTransactionalMigrationRunsWithNoTransactionOpen) {
  int runs = 0;
  for (const char* mode : {"session", "lease"}) {
    SCOPED_TRACE(mode);
    ++runs;
    Outcome out = migrate({"--lock-mode", mode, "--statement-timeout", "20s", "upgrade", "head"},
                          {{"SAFETY_CONCURRENT_INDEX", "s003"}});
    EXPECT_EQ(out.exit_code, 0) << out.output;
    auto db = open_database(url_);
    EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'ix_t_s003_prev'"), 1);
    EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE revision = 's003' AND operation = 'upgrade' "
                         "AND success AND NOT transactional"),
              runs);
    db.reset();
    ASSERT_EQ(migrate({"downgrade", "base"}).exit_code, 0);
  }
}

// A process killed inside a non-transactional migration leaves its step
// "started"; the next run refuses and says it never finished.
TEST_F(Timeouts, KilledNonTransactionalStepIsRefusedAsNeverFinished) {
  Env env{{"SAFETY_SET_SIZE", "5"}, {"SAFETY_CONCURRENT_INDEX", "s003"}, {"SAFETY_SLOW", "s003"},
          {"SAFETY_SLOW_SECONDS", "30"}};
  TempDir dir;
  pid_t run = spawn_migrate({"--url", url_, "upgrade", "head"}, env, dir / "run.log");
  auto db = open_database(url_);
  bool started = false;
  for (int attempt = 0; attempt < 300 && !started; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    try {
      started = count(*db, "SELECT COUNT(*) FROM retort_history WHERE revision = 's003' AND success IS NULL") == 1;
    } catch (const Error&) {
      // the history table does not exist yet
    }
  }
  ASSERT_TRUE(started);
  kill(run, SIGKILL);
  wait_for(run, dir / "run.log");
  Outcome refused = migrate({"upgrade", "head"}, env);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "the non-transactional upgrade of revision s003 started at 20")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "never finished (the process was killed or lost its connection)"))
      << refused.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s002"});
}

TEST_F(Timeouts, BadDurationsAreUsageErrors) {
  Outcome out = migrate({"--lock-timeout", "5 parsecs", "upgrade", "head"});
  EXPECT_EQ(out.exit_code, 2) << out.output;
  EXPECT_TRUE(contains(out.output, "is not a duration")) << out.output;
  Outcome spec = migrate({"--migration-lock-timeout", "30s", "upgrade", "head"});
  EXPECT_EQ(spec.exit_code, 2) << spec.output;
  EXPECT_TRUE(contains(spec.output, "REVISION=DURATION")) << spec.output;
}

}  // namespace
}  // namespace retort::test
