// Applying registries through the startup API and the migrator, on real
// PostgreSQL and SQLite databases.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <thread>

#include "safety/safeguard.hpp"
#include "migrator.hpp"
#include "retort/error.hpp"
#include "retort/retort.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

UpgradeOptions quick() {
  UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(0);
  return options;
}

// What the upgrade to `target` fails with; a test failure if it succeeds.
std::string failure_of(const Registry& registry, const std::string& url, std::string_view target) {
  try {
    upgrade(registry, url, target, quick());
  } catch (const MigrationError& e) {
    return e.what();
  }
  ADD_FAILURE() << "the upgrade of " << registry.name << " to " << target << " succeeded";
  return {};
}

std::vector<std::string> ids(const UpgradeResult& result) {
  std::vector<std::string> out;
  for (const AppliedStep& step : result.applied) out.push_back(step.revision);
  return out;
}

class Upgrade : public RuntimeTest {};

TEST_P(Upgrade, HeadAppliesEveryRevisionOnceAndRecordsTheHead) {
  std::vector<std::string> log;
  UpgradeOptions options = quick();
  options.log = [&](std::string_view line) { log.push_back(without_durations(std::string(line))); };

  UpgradeResult first = upgrade(kLinearRegistry, url(), "head", options);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_TRUE(first.heads_before.empty());
  EXPECT_EQ(first.heads_after, std::vector<std::string>{"r3"});
  // Each step's duration, then the run's (Alembic prints none).
  EXPECT_EQ(log, (std::vector<std::string>{"Running upgrade  -> r1, create r1", "Finished upgrade  -> r1 in <t>",
                                           "Running upgrade r1 -> r2, create r2 (sql)", "Finished upgrade r1 -> r2 in <t>",
                                           "Running upgrade r2 -> r3, create r3", "Finished upgrade r2 -> r3 in <t>",
                                           "Upgraded 3 revisions in <t>; the database is at r3"}));
  EXPECT_EQ(version_rows(), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
  EXPECT_EQ(db().query("SELECT note FROM t_r2").rows.at(0).at(0), "it's r2");

  UpgradeResult second = upgrade(kLinearRegistry, url(), "head", options);
  EXPECT_TRUE(second.applied.empty());
  EXPECT_EQ(second.heads_before, std::vector<std::string>{"r3"});
  EXPECT_EQ(version_rows(), Strings{"r3"});
}

TEST_P(Upgrade, VersionTableHasAlembicsLayout) {
  upgrade(kLinearRegistry, url(), "r1", quick());
  if (postgres()) {
    auto columns = db().query(
        "SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns "
        "WHERE table_name = 'retort_version'");
    ASSERT_EQ(columns.rows.size(), 1u);
    EXPECT_EQ(columns.rows[0][0], "version_num");
    EXPECT_EQ(columns.rows[0][1], "character varying");
    EXPECT_EQ(columns.rows[0][2], "32");
    EXPECT_EQ(columns.rows[0][3], "NO");
    auto pk = db().query(
        "SELECT constraint_name FROM information_schema.table_constraints WHERE table_name = 'retort_version' "
        "AND constraint_type = 'PRIMARY KEY'");
    EXPECT_EQ(pk.rows.at(0).at(0), "retort_version_pkc");
  } else {
    auto sql = db().query("SELECT sql FROM sqlite_master WHERE name = 'retort_version'");
    std::string ddl = *sql.rows.at(0).at(0);
    EXPECT_NE(ddl.find("version_num VARCHAR(32) NOT NULL"), std::string::npos) << ddl;
    EXPECT_NE(ddl.find("CONSTRAINT retort_version_pkc PRIMARY KEY (version_num)"), std::string::npos) << ddl;
  }
}

TEST_P(Upgrade, RelativeTargetsAndDowngrades) {
  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "+1", quick())), std::vector<std::string>{"r1"});
  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "+1", quick())), std::vector<std::string>{"r2"});
  EXPECT_EQ(version_rows(), Strings{"r2"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2"}));

  UpgradeResult down = downgrade(kLinearRegistry, url(), "-1", quick());
  EXPECT_EQ(ids(down), std::vector<std::string>{"r2"});
  EXPECT_FALSE(down.applied.at(0).upgrade);
  EXPECT_EQ(version_rows(), Strings{"r1"});
  EXPECT_EQ(revision_tables(), Strings{"r1"});

  upgrade(kLinearRegistry, url(), "r3", quick());
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
  EXPECT_EQ(ids(downgrade(kLinearRegistry, url(), "r1", quick())), (std::vector<std::string>{"r3", "r2"}));
  EXPECT_EQ(ids(downgrade(kLinearRegistry, url(), "base", quick())), std::vector<std::string>{"r1"});
  EXPECT_TRUE(version_rows().empty());
  EXPECT_TRUE(revision_tables().empty());
  EXPECT_TRUE(table_exists("retort_version"));
}

TEST_P(Upgrade, BranchesMergesLabelsAndDependenciesKeepSchemaAndVersionTableInStep) {
  // After every command the schema holds exactly the revisions the version
  // table implies.
  auto check = [&](const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(revision_tables(), implied(kBranchyRegistry, version_rows()));
  };
  upgrade(kBranchyRegistry, url(), "b1", quick());
  EXPECT_EQ(version_rows(), Strings{"b1"});
  check("upgrade b1");
  upgrade(kBranchyRegistry, url(), "c1", quick());
  EXPECT_EQ(version_rows(), (Strings{"b1", "c1"}));
  check("upgrade c1");
  upgrade(kBranchyRegistry, url(), "m1", quick());
  EXPECT_EQ(version_rows(), Strings{"m1"});
  check("upgrade m1 (merge)");

  // x2 depends on b1, already applied; the labelled branch comes in as a new row.
  UpgradeResult extra = upgrade(kBranchyRegistry, url(), "extra@head", quick());
  EXPECT_EQ(ids(extra), (std::vector<std::string>{"x1", "x2"}));
  EXPECT_EQ(version_rows(), (Strings{"m1", "x2"}));
  check("upgrade extra@head");

  downgrade(kBranchyRegistry, url(), "extra@base", quick());
  EXPECT_EQ(version_rows(), Strings{"m1"});
  check("downgrade extra@base");

  downgrade(kBranchyRegistry, url(), "base", quick());
  EXPECT_TRUE(version_rows().empty());
  check("downgrade base");

  // depends_on pulls b1 (and a1) in on upgrade of x2 from an empty database.
  UpgradeResult pulled = upgrade(kBranchyRegistry, url(), "x2", quick());
  std::vector<std::string> order = ids(pulled);
  EXPECT_EQ(Strings(order.begin(), order.end()), (Strings{"a1", "b1", "x1", "x2"}));
  check("upgrade x2 pulls its dependency");
  // ... and downgrading b1 first reverts x2, which needs it.
  downgrade(kBranchyRegistry, url(), "a1", quick());
  EXPECT_EQ(revision_tables().count("x2"), 0u);
  check("downgrade a1 respects depends_on");

  UpgradeResult all = upgrade(kBranchyRegistry, url(), "heads", quick());
  EXPECT_EQ(version_rows(), (Strings{"m1", "x2"}));
  check("upgrade heads");
}

TEST_P(Upgrade, EveryTargetFormMovesTheDatabase) {
  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "r1+1", quick())), (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(ids(downgrade(kLinearRegistry, url(), "r2-1", quick())), std::vector<std::string>{"r2"});
  EXPECT_EQ(version_rows(), Strings{"r1"});
  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "+2", quick())), (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(ids(downgrade(kLinearRegistry, url(), "-2", quick())), (std::vector<std::string>{"r3", "r2"}));
  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "heads", quick())), (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));

  // Prefixes shorter than four characters are refused, as Alembic does.
  try {
    downgrade(kLinearRegistry, url(), "r", quick());
    FAIL() << "one-character prefix accepted";
  } catch (const RevisionError& e) {
    EXPECT_NE(std::string(e.what()).find("four characters"), std::string::npos) << e.what();
  }
  EXPECT_THROW(upgrade(kLinearRegistry, url(), "nosuchrevision", quick()), RevisionError);
  EXPECT_EQ(version_rows(), Strings{"r3"});
}

TEST_P(Upgrade, LabelRelativeTargets) {
  upgrade(kBranchyRegistry, url(), "extra@+1", quick());
  EXPECT_EQ(version_rows(), Strings{"x1"});
  upgrade(kBranchyRegistry, url(), "c1", quick());
  EXPECT_EQ(version_rows(), (Strings{"x1", "c1"}));
  EXPECT_EQ(revision_tables(), implied(kBranchyRegistry, version_rows()));
  downgrade(kBranchyRegistry, url(), "extra@-1", quick());
  EXPECT_EQ(version_rows(), Strings{"c1"});
  EXPECT_EQ(revision_tables(), implied(kBranchyRegistry, version_rows()));
}

// Two unlabelled heads (an unmerged branch): Alembic's refusal.
constexpr Migration kUnmerged[] = {kBranchy[0], kBranchy[2], kBranchy[3]};
constexpr Registry kUnmergedRegistry{"unmerged", "/src/migrations", kUnmerged};

TEST_P(Upgrade, HeadWithSeveralUnlabelledHeadsIsRefusedAsAlembicRefuses) {
  try {
    upgrade(kUnmergedRegistry, url(), "head", quick());
    FAIL() << "upgrade head accepted with two unmerged heads";
  } catch (const RevisionError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("heads"), std::string::npos) << message;
  }
  EXPECT_TRUE(revision_tables().empty());
}

// A main line beside a labelled branch (what the build accepts): the
// startup call's default target applies every head, and says so.
TEST_P(Upgrade, HeadWithALabelledBranchBesideTheMainLineMeansEveryHead) {
  std::vector<std::string> logged;
  UpgradeOptions options = quick();
  options.log = [&](std::string_view line) { logged.emplace_back(line); };
  UpgradeResult result = upgrade(kBranchyRegistry, url(), "head", options);
  EXPECT_EQ(result.applied.size(), 6u);
  EXPECT_EQ(version_rows(), (Strings{"m1", "x2"}));
  ASSERT_FALSE(logged.empty());
  EXPECT_EQ(logged[0], "the set has 2 heads on labelled branches, so `head` means every head: m1, x2 (extra)");
}

TEST_P(Upgrade, FailingMigrationRollsBackAndNamesRevisionSourceStatementAndDatabaseMessage) {
  upgrade(kFailingRegistry, url(), "r2", quick());
  std::string message = failure_of(kFailingRegistry, url(), "head");
  EXPECT_NE(message.find(fmt::format("{}:{}: error: upgrade of revision r4 (\"add r4 then fail\") failed",
                                     kRegistriesFile, kFailingLine)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("no_such_table"), std::string::npos) << message;  // the database's message
  EXPECT_NE(message.find("statement: INSERT INTO no_such_table (id) VALUES (1)"), std::string::npos) << message;
  EXPECT_NE(message.find("rolled back; the version table retort_version is at r3"), std::string::npos) << message;
  // r3 committed on its own; r4's half (its table) was rolled back.
  EXPECT_EQ(version_rows(), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
}

TEST_P(Upgrade, FailingSqlStatementIsNamedByItsOwnLine) {
  // r2's statement at line 9 fails when t_r2 already holds row 1.
  upgrade(kLinearRegistry, url(), "r1", quick());
  db().execute("CREATE TABLE t_r2 (id INTEGER PRIMARY KEY, note VARCHAR(20))");
  std::string message = failure_of(kLinearRegistry, url(), "head");
  EXPECT_NE(message.find("/src/migrations/r2_create.sql:7: error: upgrade of revision r2"), std::string::npos)
      << message;
  EXPECT_NE(message.find("statement: CREATE TABLE t_r2"), std::string::npos) << message;
  EXPECT_NE(message.find("is at r1"), std::string::npos) << message;
  EXPECT_EQ(version_rows(), Strings{"r1"});
}

TEST_P(Upgrade, StatementsSentTogetherKeepTheirOrderAndASyntaxErrorIsNamedByItsOwnLine) {
  upgrade(kSentTogetherRegistry, url(), "s1", quick());
  detail::Rows ids = db().query("SELECT id FROM t_s1 ORDER BY id");
  ASSERT_EQ(ids.rows.size(), 3u);
  EXPECT_EQ(ids.rows[2][0].value_or(""), "3");
  std::string message = failure_of(kSentTogetherRegistry, url(), "head");
  EXPECT_NE(message.find("/src/migrations/s2_typo.sql:6: error: upgrade of revision s2"), std::string::npos)
      << message;
  EXPECT_NE(message.find("syntax error"), std::string::npos) << message;
  if (postgres()) EXPECT_NE(message.find("(SQLSTATE 42601)"), std::string::npos) << message;
  EXPECT_NE(message.find("statement: INSRT INTO t_s2"), std::string::npos) << message;
  // No excerpt of the text the statement was sent in, whose lines are not the file's.
  EXPECT_EQ(message.find("; INSRT"), std::string::npos) << message;
  EXPECT_EQ(message.find("LINE "), std::string::npos) << message;
  EXPECT_EQ(message.find("t_s2_after"), std::string::npos) << message;
  EXPECT_NE(message.find("is at s1"), std::string::npos) << message;
  EXPECT_EQ(version_rows(), Strings{"s1"});
  EXPECT_TRUE(db().query(postgres() ? "SELECT 1 FROM pg_tables WHERE tablename IN ('t_s2', 't_s2_after')"
                                     : "SELECT 1 FROM sqlite_master WHERE name IN ('t_s2', 't_s2_after')")
                  .rows.empty());
}

TEST_P(Upgrade, AQueuedStatementThatFailsIsNamedNotTheStatementAfterIt) {
  std::string message = failure_of(kQueuedFailureRegistry, url(), "head");
  EXPECT_NE(message.find(fmt::format("{}:{}: error: upgrade of revision q1", kRegistriesFile, kQueuedFailureLine)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("statement: INSERT INTO no_such_table_q1"), std::string::npos) << message;
  EXPECT_EQ(message.find("statement: INSERT INTO t_q1"), std::string::npos) << message;
  EXPECT_NE(message.find("rolled back"), std::string::npos) << message;
  EXPECT_TRUE(version_rows().empty());
  EXPECT_TRUE(revision_tables().empty());
}

// SET TRANSACTION must come before any query of its transaction.
TEST_P(Upgrade, SetTransactionAsAMigrationsFirstStatementStillWorks) {
  if (!postgres()) GTEST_SKIP() << "PostgreSQL's SET TRANSACTION";
  upgrade(kSerializableRegistry, url(), "head", quick());
  EXPECT_EQ(version_rows(), Strings{"z1"});
  EXPECT_EQ(db().query("SELECT level FROM t_z1").rows.at(0).at(0).value_or(""), "serializable");
}

TEST_P(Upgrade, SingleTransactionRunRollsBackEverything) {
  UpgradeOptions options = quick();
  options.transaction_mode = TransactionMode::whole_run;
  upgrade(kFailingRegistry, url(), "r1", options);
  EXPECT_THROW(upgrade(kFailingRegistry, url(), "head", options), MigrationError);
  EXPECT_EQ(version_rows(), Strings{"r1"});
  EXPECT_EQ(revision_tables(), Strings{"r1"});

  EXPECT_EQ(ids(upgrade(kLinearRegistry, url(), "head", options)), (std::vector<std::string>{"r2", "r3"}));
  EXPECT_EQ(version_rows(), Strings{"r3"});
}

TEST_P(Upgrade, DatabaseAtAnUnknownRevisionIsRefusedBeforeAnythingRuns) {
  upgrade(kLinearRegistry, url(), "r1", quick());
  db().execute("UPDATE retort_version SET version_num = 'f00dfeed9999'");
  try {
    upgrade(kLinearRegistry, url(), "head", quick());
    FAIL() << "ran against a database from the future";
  } catch (const RevisionError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("f00dfeed9999"), std::string::npos) << message;
    EXPECT_NE(message.find("does not know"), std::string::npos) << message;
    EXPECT_NE(message.find("older than the database"), std::string::npos) << message;
  }
  EXPECT_EQ(revision_tables(), Strings{"r1"});
  EXPECT_EQ(version_rows(), Strings{"f00dfeed9999"});

  Status s = status(kLinearRegistry, url(), quick());
  EXPECT_FALSE(s.at_head);
  EXPECT_EQ(s.unknown, std::vector<std::string>{"f00dfeed9999"});
}

TEST_P(Upgrade, StatusReadsWithoutChangingAnything) {
  Status empty = status(kLinearRegistry, url(), quick());
  EXPECT_FALSE(empty.at_head);
  EXPECT_TRUE(empty.current.empty());
  EXPECT_EQ(empty.pending, (std::vector<std::string>{"r1", "r2", "r3"}));
  EXPECT_EQ(empty.heads, std::vector<std::string>{"r3"});
  EXPECT_FALSE(table_exists("retort_version"));  // read-only: not even the version table

  upgrade(kLinearRegistry, url(), "r2", quick());
  EXPECT_EQ(status(kLinearRegistry, url(), quick()).pending, std::vector<std::string>{"r3"});
  upgrade(kLinearRegistry, url(), "head", quick());
  Status done = status(kLinearRegistry, url(), quick());
  EXPECT_TRUE(done.at_head);
  EXPECT_EQ(done.current, std::vector<std::string>{"r3"});
}

TEST_P(Upgrade, CustomVersionTableName) {
  UpgradeOptions options = quick();
  options.version_table = "schema_revisions";
  upgrade(kLinearRegistry, url(), "head", options);
  EXPECT_EQ(version_rows("schema_revisions"), Strings{"r3"});
  EXPECT_FALSE(table_exists("retort_version"));
  EXPECT_TRUE(status(kLinearRegistry, url(), options).at_head);
  EXPECT_FALSE(status(kLinearRegistry, url(), quick()).at_head);
}

TEST_P(Upgrade, StampAndPurgeMoveOnlyTheVersionTable) {
  detail::Migrator migrator(kBranchyRegistry, detail::VersionTable("retort_version", ""));
  std::vector<std::string> logged;
  auto log = [&](std::string_view line) { logged.emplace_back(line); };
  EXPECT_EQ(migrator.stamp(db(), {"b1"}, false, log), std::vector<std::string>{"b1"});
  EXPECT_EQ(logged, std::vector<std::string>{"Running stamp_revision  -> b1"});
  EXPECT_EQ(version_rows(), Strings{"b1"});
  EXPECT_TRUE(revision_tables().empty());

  migrator.stamp(db(), {"c1"}, false, log);
  EXPECT_EQ(version_rows(), (Strings{"b1", "c1"}));
  migrator.stamp(db(), {"m1"}, false, log);
  EXPECT_EQ(version_rows(), Strings{"m1"});

  db().execute("INSERT INTO retort_version (version_num) VALUES ('deadbeef0000')");
  EXPECT_THROW(migrator.stamp(db(), {"m1"}, false, log), RevisionError);
  EXPECT_EQ(migrator.stamp(db(), {"a1"}, true, log), std::vector<std::string>{"a1"});
  EXPECT_EQ(version_rows(), Strings{"a1"});
  migrator.stamp(db(), {"base"}, false, log);
  EXPECT_TRUE(version_rows().empty());
  EXPECT_TRUE(revision_tables().empty());
}

TEST_P(Upgrade, UnreachableDatabaseFailsAfterTheDeadlineWithoutThePassword) {
  UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(500);
  std::string url = postgres() ? "postgresql://app:Hidden-Pass-42@127.0.0.1:1/app"
                               : "sqlite:////nonexistent-dir-for-retort/app.db";
  try {
    upgrade(kLinearRegistry, url, "head", options);
    FAIL() << "connected to " << url;
  } catch (const ConnectionError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find("Hidden-Pass-42"), std::string::npos) << message;
    EXPECT_NE(message.find(postgres() ? "postgresql://app:***@127.0.0.1:1/app" : "nonexistent-dir-for-retort"),
              std::string::npos)
        << message;
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, Upgrade, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite), dialect_name);

// ---- PostgreSQL only ---------------------------------------------------------

class Postgres : public RuntimeTest {};

TEST_P(Postgres, NonTransactionalMigrationRunsOutsideAnyTransaction) {
  // CREATE INDEX CONCURRENTLY refuses to run inside a transaction block.
  upgrade(kConcurrentRegistry, url(), "n2", quick());
  EXPECT_TRUE(index_exists("ix_n1_email"));
  EXPECT_EQ(version_rows(), Strings{"n2"});

  UpgradeOptions whole = quick();
  whole.transaction_mode = TransactionMode::whole_run;
  downgrade(kConcurrentRegistry, url(), "base", whole);
  EXPECT_FALSE(index_exists("ix_n1_email"));
  upgrade(kConcurrentRegistry, url(), "n2", whole);
  EXPECT_TRUE(index_exists("ix_n1_email"));
}

TEST_P(Postgres, FailedNonTransactionalMigrationSaysWhatStayedApplied) {
  upgrade(kConcurrentRegistry, url(), "n2", quick());
  std::string message = failure_of(kConcurrentRegistry, url(), "n3");
  EXPECT_NE(message.find("not transactional"), std::string::npos) << message;
  EXPECT_NE(message.find("stay applied"), std::string::npos) << message;
  EXPECT_NE(message.find("is at n2"), std::string::npos) << message;
  EXPECT_TRUE(index_exists("ix_n1_id_email"));  // the first statement ran, as the message says
  EXPECT_EQ(version_rows(), Strings{"n2"});
}

// An autocommit block commits what came before it: a failure after it is
// not rolled back, and must be treated like a non-transactional step's.
TEST_P(Postgres, FailureAfterAnAutocommitBlockSaysWhatCommittedAndIsRefusedUntilResolved) {
  std::string message = failure_of(kAutocommitBlockRegistry, url(), "head");
  EXPECT_NE(message.find("An autocommit block in this migration committed before the failure"), std::string::npos)
      << message;
  EXPECT_NE(message.find(fmt::format("line {}: UPDATE counters SET n = n + 1", kBlockUpdateLine)), std::string::npos)
      << message;
  EXPECT_EQ(message.find("The transaction was rolled back"), std::string::npos) << message;
  EXPECT_NE(message.find("PostgreSQL left the index public.ix_counters_code INVALID"), std::string::npos) << message;
  EXPECT_NE(message.find("the version table retort_version is at k1"), std::string::npos) << message;
  EXPECT_NE(message.find("`stamp k2`"), std::string::npos) << message;
  EXPECT_EQ(version_rows(), Strings{"k1"});
  EXPECT_EQ(db().query("SELECT sum(n) FROM counters").rows.at(0).at(0), "2");  // the update committed
  EXPECT_EQ(db().query("SELECT count(*) FROM retort_history WHERE revision = 'k2' AND NOT success AND NOT "
                       "transactional")
                .rows.at(0)
                .at(0),
            "1");

  // The duplicates fixed, the rerun still waits for a human: the update would run twice.
  db().execute("UPDATE counters SET code = id");
  db().execute("DROP INDEX ix_counters_code");
  std::string refused = failure_of(kAutocommitBlockRegistry, url(), "head");
  EXPECT_NE(refused.find("upgrade of revision k2 started at 20"), std::string::npos) << refused;
  EXPECT_EQ(db().query("SELECT sum(n) FROM counters").rows.at(0).at(0), "2");

  // Undone by hand and repaired: the next run applies k2 once, and records it.
  db().execute("UPDATE counters SET n = n - 1");
  UpgradeOptions options = quick();
  {
    detail::Migrator migrator(kAutocommitBlockRegistry, detail::VersionTable("retort_version", ""));
    detail::Safeguard guard(db(), migrator, options.safety, "");
    guard.prepare(detail::GuardedCommand::repair, {});
    guard.repair();
  }
  UpgradeResult result = upgrade(kAutocommitBlockRegistry, url(), "head", options);
  EXPECT_EQ(ids(result), std::vector<std::string>{"k2"});
  EXPECT_EQ(db().query("SELECT sum(n) FROM counters").rows.at(0).at(0), "2");
  EXPECT_EQ(db().query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_counters_code'::regclass")
                .rows.at(0)
                .at(0),
            "t");
  EXPECT_EQ(db().query("SELECT count(*) FROM retort_history WHERE revision = 'k2' AND operation = 'upgrade' AND success").rows.at(0).at(0),
            "1");
  EXPECT_TRUE(status(kAutocommitBlockRegistry, url(), options).at_head);
}

// The block's statements run outside the transaction and its SET LOCAL,
// and the transaction after the block is a new one: both get the timeouts.
TEST_P(Postgres, AutocommitBlockAndTheTransactionAfterItKeepTheTimeouts) {
  UpgradeOptions options = quick();
  options.safety.lock_timeout = std::chrono::milliseconds(1234);
  upgrade(kSettingsBlockRegistry, url(), "head", options);
  detail::Rows seen = db().query("SELECT place, lock_timeout FROM seen ORDER BY place");
  ASSERT_EQ(seen.rows.size(), 3u);
  for (const auto& row : seen.rows) EXPECT_EQ(row.at(1), "1234ms") << row.at(0).value_or("");
}

TEST_P(Postgres, ConnectionLostInsideAnAutocommitBlockLeavesAnInterruptedStep) {
  std::string first;
  std::thread run([&] { first = failure_of(kSleepingBlockRegistry, url(), "head"); });
  long long terminated = 0;
  for (int attempt = 0; attempt < 200 && terminated == 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    terminated = std::stoll(*db().query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = "
                                        "'SELECT pg_sleep(30)' AND pid <> pg_backend_pid()")
                                 .rows.at(0)
                                 .at(0));
  }
  run.join();
  ASSERT_EQ(terminated, 1);
  EXPECT_NE(first.find("error: upgrade of revision k2"), std::string::npos) << "[" << first << "]";
  EXPECT_EQ(version_rows(), Strings{"k1"});
  EXPECT_EQ(db().query("SELECT sum(n) FROM counters").rows.at(0).at(0), "2");  // the update committed

  std::string refused = failure_of(kSleepingBlockRegistry, url(), "head");
  EXPECT_NE(refused.find("upgrade of revision k2 started at 20"), std::string::npos) << refused;
  EXPECT_NE(refused.find("never finished"), std::string::npos) << refused;
  EXPECT_EQ(db().query("SELECT sum(n) FROM counters").rows.at(0).at(0), "2");
}

TEST_P(Postgres, VersionTableNameLongerThanTheServerKeepsIsRefused) {
  UpgradeOptions options = quick();
  options.version_table = std::string(63, 'v');
  try {
    upgrade(kLinearRegistry, url(), "head", options);
    ADD_FAILURE() << "a 63-byte version table name was accepted";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("has 63 bytes, too long for PostgreSQL: the server cuts identifiers to 63 bytes"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("may have at most 59 bytes"), std::string::npos) << message;
  }
  EXPECT_TRUE(revision_tables().empty());
  options.version_table = std::string(59, 'v');
  upgrade(kLinearRegistry, url(), "head", options);
  EXPECT_EQ(version_rows(options.version_table), Strings{"r3"});
}

TEST_P(Postgres, VersionTableInAnotherSchema) {
  db().execute("CREATE SCHEMA ops");
  UpgradeOptions options = quick();
  options.version_table_schema = "ops";
  upgrade(kLinearRegistry, url(), "head", options);
  EXPECT_EQ(version_rows("ops.retort_version"), Strings{"r3"});
  EXPECT_TRUE(status(kLinearRegistry, url(), options).at_head);
}

INSTANTIATE_TEST_SUITE_P(Dialects, Postgres, ::testing::Values(SqlDialect::postgresql), dialect_name);

}  // namespace
}  // namespace retort::test
