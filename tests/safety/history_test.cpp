// The applied history: every step recorded with its checksum; changed
// migrations and interrupted non-transactional steps refused with a message
// that names the file and what to do; `verify`, `repair`, `--allow-modified`.
#include <gtest/gtest.h>
#include <signal.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <retort/retort.hpp>

#include "generated_set.hpp"
#include "safety_support.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

class History : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      RETORT_REQUIRE_POSTGRES_OR_SKIP();
      url_ = create_postgres_database("history");
    } else {
      url_ = fmt::format("sqlite:///{}", (dir_ / "history.db").string());
    }
  }
  void TearDown() override {
    if (GetParam() == "postgresql" && !url_.empty()) drop_postgres_database(url_);
  }
  Outcome migrate(std::vector<std::string> args, Env env = {}) {
    env.emplace("SAFETY_SET_SIZE", "5");
    args.insert(args.begin(), {"--url", url_});
    return run_migrate(args, env);
  }

  TempDir dir_;
  std::string url_;
};

TEST_P(History, RecordsEveryStepWithChecksumUserHostAndTimes) {
  ASSERT_EQ(migrate({"upgrade", "head"}).exit_code, 0);
  ASSERT_EQ(migrate({"downgrade", "-1"}).exit_code, 0);
  ASSERT_EQ(migrate({"stamp", "head"}).exit_code, 0);
  auto db = open_database(url_);
  detail::Rows rows = db->query(
      "SELECT revision, operation, checksum, success, db_user, client_host, started_at, finished_at, duration_ms, "
      "version_table FROM retort_history ORDER BY id");
  ASSERT_EQ(rows.rows.size(), 7u);
  std::vector<std::pair<std::string, std::string>> steps;
  for (const auto& row : rows.rows) {
    steps.emplace_back(*row[0], *row[1]);
    EXPECT_TRUE(*row[3] == "t" || *row[3] == "1");
    EXPECT_FALSE(row[4].value_or("").empty());
    EXPECT_FALSE(row[5].value_or("").empty());
    EXPECT_TRUE(row[6] && row[7] && row[8]);
    EXPECT_EQ(*row[9], "retort_version");
  }
  EXPECT_EQ(*rows.rows[2][2], std::string(generated_set().migrations[2].checksum));
  std::vector<std::pair<std::string, std::string>> expected{
      {"s000", "upgrade"}, {"s001", "upgrade"}, {"s002", "upgrade"}, {"s003", "upgrade"},
      {"s004", "upgrade"}, {"s004", "downgrade"}, {"s004", "stamp"}};
  EXPECT_EQ(steps, expected);
  if (GetParam() == "postgresql") {
    EXPECT_EQ(*rows.rows[0][4], *db->query("SELECT current_user").rows.at(0).at(0));
  }
}

TEST_P(History, ChangedMigrationIsRefusedUntilAllowedOrRepaired) {
  ASSERT_EQ(migrate({"upgrade", "s003"}).exit_code, 0);
  Env edited{{"SAFETY_MODIFIED", "s001"}};

  for (std::vector<std::string> command : {std::vector<std::string>{"upgrade", "head"},
                                           std::vector<std::string>{"check"}, std::vector<std::string>{"verify"}}) {
    Outcome refused = migrate(command, edited);
    EXPECT_EQ(refused.exit_code, 1) << command[0] << ": " << refused.output;
    EXPECT_TRUE(contains(refused.output, "/safety/migrations/s001_step.sql:1: revision s001 was applied at 20"))
        << refused.output;
    EXPECT_TRUE(contains(refused.output, "--allow-modified")) << refused.output;
    EXPECT_TRUE(contains(refused.output, "`repair`")) << refused.output;
  }
  auto db = open_database(url_);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s003"});  // upgrade ran nothing

  Outcome listed = migrate({"verify", "--format", "json"}, edited);
  EXPECT_EQ(listed.exit_code, 1);
  auto report = nlohmann::json::parse(listed.output.substr(0, listed.output.find("FAILED")));
  ASSERT_EQ(report["modified"].size(), 1u);
  EXPECT_EQ(report["modified"][0]["revision"], "s001");
  EXPECT_EQ(report["modified"][0]["line"], 1);
  EXPECT_EQ(report["checked"].size(), 3u);

  Outcome allowed = migrate({"upgrade", "head", "--allow-modified"}, edited);
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s004"});
  EXPECT_EQ(migrate({"check"}, edited).exit_code, 1);  // allowing once records nothing

  Outcome repaired = migrate({"repair"}, edited);
  EXPECT_EQ(repaired.exit_code, 0) << repaired.output;
  EXPECT_TRUE(contains(repaired.output, "revision s001: recorded sha256:")) << repaired.output;
  EXPECT_EQ(migrate({"verify"}, edited).exit_code, 0);
  EXPECT_EQ(migrate({"check"}, edited).exit_code, 0);
  // The original source is now the changed one.
  EXPECT_EQ(migrate({"verify"}).exit_code, 1);
}

TEST_P(History, InterruptedNonTransactionalStepIsRefusedUntilResolved) {
  Outcome failed = migrate({"upgrade", "head"}, {{"SAFETY_NONTX_FAIL", "s002"}});
  ASSERT_EQ(failed.exit_code, 1) << failed.output;
  auto db = open_database(url_);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s001"});
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE revision = 's002' AND NOT success AND NOT "
                       "transactional AND error IS NOT NULL"),
            1);
  EXPECT_TRUE(generated_tables(*db).count("t_s002"));  // its first statement stayed

  // Fixed code, but the half-applied step must be looked at first.
  Outcome refused = migrate({"upgrade", "head"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "/safety/migrations/s002_step.sql:1: the non-transactional upgrade of "
                                       "revision s002 started at 20"))
      << refused.output;
  EXPECT_TRUE(contains(refused.output, "`stamp s002`")) << refused.output;
  EXPECT_TRUE(contains(refused.output, "`repair`")) << refused.output;
  EXPECT_EQ(migrate({"verify"}).exit_code, 1);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s001"});

  // The operator undoes the partial statement and repairs: the next run applies s002 again.
  db->execute("DROP TABLE t_s002");
  db.reset();
  ASSERT_EQ(migrate({"repair"}).exit_code, 0);
  Outcome resumed = migrate({"upgrade", "head"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  db = open_database(url_);
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s004"});
  EXPECT_EQ(generated_tables(*db), expected_tables(4));
}

TEST_P(History, StampResolvesAnInterruptedStepCompletedByHand) {
  ASSERT_EQ(migrate({"upgrade", "head"}, {{"SAFETY_NONTX_FAIL", "s002"}}).exit_code, 1);
  auto db = open_database(url_);
  db->execute("ALTER TABLE t_s002 ADD COLUMN note VARCHAR(20)");
  db->execute("INSERT INTO applied_log (revision) VALUES ('s002')");
  ASSERT_EQ(migrate({"stamp", "s002"}).exit_code, 0);
  Outcome resumed = migrate({"upgrade", "head"});
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(generated_tables(*db), expected_tables(4));
}

// Alembic takeover: an existing alembic_version and no history table.
TEST_P(History, TakeoverWithoutHistoryCreatesItAndHasNothingToCompare) {
  auto db = open_database(url_);
  for (int i = 0; i <= 1; ++i) {
    db->execute(i == 0 ? "CREATE TABLE applied_log (revision VARCHAR(32) NOT NULL)" : "SELECT 1");
    db->execute(fmt::format("CREATE TABLE t_s00{} (id INTEGER PRIMARY KEY, prev INTEGER, note VARCHAR(20))", i));
    db->execute(fmt::format("INSERT INTO applied_log VALUES ('s00{}')", i));
  }
  db->execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
  db->execute("INSERT INTO alembic_version VALUES ('s001')");
  Env edited{{"SAFETY_MODIFIED", "s000"}};  // cannot be detected: no checksum was ever stored
  Outcome up = migrate({"--version-table", "alembic_version", "upgrade", "head"}, edited);
  EXPECT_EQ(up.exit_code, 0) << up.output;
  Outcome verify = migrate({"--version-table", "alembic_version", "verify"}, edited);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_TRUE(contains(verify.output, "unrecorded  s000")) << verify.output;
  EXPECT_TRUE(contains(verify.output, "ok          s004")) << verify.output;
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE version_table = 'alembic_version'"), 3);
}

// One transaction for the whole run: the history rows commit with it.
TEST_P(History, SingleTransactionRunRecordsEveryStep) {
  ASSERT_EQ(migrate({"upgrade", "head", "--single-transaction"}).exit_code, 0);
  auto db = open_database(url_);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM retort_history WHERE operation = 'upgrade' AND success"), 5);
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
}

// The startup API applies the same checks as the command line.
TEST_P(History, StartupApiRefusesChangedMigrationsUnlessAllowed) {
  const Registry& set = generated_set();  // this process has no SAFETY_* settings: 200 revisions
  UpgradeOptions options;
  ASSERT_EQ(upgrade(set, url_, "s004", options).applied.size(), 5u);
  auto db = open_database(url_);
  db->execute("UPDATE retort_history SET checksum = 'sha256:before-the-edit' WHERE revision = 's001'");
  try {
    upgrade(set, url_, "head", options);
    ADD_FAILURE() << "a changed migration was not refused";
  } catch (const MigrationError& e) {
    EXPECT_TRUE(contains(e.what(), "/safety/migrations/s001_step.sql:1: revision s001 was applied at")) << e.what();
  }
  EXPECT_EQ(version_rows(*db), std::vector<std::string>{"s004"});
  options.safety.allow_modified = true;
  EXPECT_EQ(upgrade(set, url_, "s009", options).applied.size(), 5u);
  EXPECT_EQ(generated_tables(*db), expected_tables(9));
}

// Histories written before v2 checksums hold the whole file's checksum:
// an unchanged file still matches it, a changed one is still refused.
TEST_P(History, RecordsFromBeforeV2ChecksumsStillMatchUnchangedFiles) {
  ASSERT_EQ(migrate({"upgrade", "s002"}).exit_code, 0);
  auto db = open_database(url_);
  db->execute("UPDATE retort_history SET checksum = 'sha256:legacy-' || substr(revision, 4, 1)");
  Outcome verified = migrate({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(migrate({"upgrade", "s004"}).exit_code, 0);
  db->execute("UPDATE retort_history SET checksum = 'sha256:legacy-9' WHERE revision = 's001'");
  Outcome refused = migrate({"verify"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "s001")) << refused.output;
}

// The version table and the history must agree before anything runs.
TEST_P(History, EmptiedVersionTableIsRefusedWithWhatTheHistorySays) {
  ASSERT_EQ(migrate({"upgrade", "head"}).exit_code, 0);
  auto db = open_database(url_);
  db->execute("DELETE FROM retort_version");
  for (std::vector<std::string> command : {std::vector<std::string>{"upgrade", "head"},
                                           std::vector<std::string>{"verify"}, std::vector<std::string>{"check"}}) {
    Outcome refused = migrate(command);
    EXPECT_EQ(refused.exit_code, 1) << command[0] << ": " << refused.output;
    EXPECT_TRUE(contains(refused.output, "the version table retort_version is empty, but the history table "
                                         "retort_history says it holds s004: its last change is the upgrade of "
                                         "revision s004 at 20"))
        << refused.output;
    EXPECT_TRUE(contains(refused.output, "`stamp s004`")) << refused.output;
  }
  EXPECT_EQ(applied_log(*db)["s000"], 1);  // nothing ran again
  EXPECT_TRUE(version_rows(*db).empty());
  ASSERT_EQ(migrate({"stamp", "s004"}).exit_code, 0);
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
  EXPECT_EQ(migrate({"upgrade", "head"}).exit_code, 0);

  // After a downgrade the table holds the parent; emptied, that is what is missing.
  ASSERT_EQ(migrate({"downgrade", "-1"}).exit_code, 0);
  db->execute("DELETE FROM retort_version");
  Outcome after_downgrade = migrate({"verify"});
  EXPECT_EQ(after_downgrade.exit_code, 1) << after_downgrade.output;
  EXPECT_TRUE(contains(after_downgrade.output, "missing     s003")) << after_downgrade.output;
  EXPECT_TRUE(contains(after_downgrade.output, "its last change is the downgrade of revision s004"))
      << after_downgrade.output;
  Outcome upgrade = migrate({"upgrade", "head"});  // reads both tables in one query
  EXPECT_EQ(upgrade.exit_code, 1) << upgrade.output;
  EXPECT_TRUE(contains(upgrade.output, "`stamp s003`")) << upgrade.output;

  // A schema really emptied by hand: the two stamps record base, then all runs again.
  ASSERT_EQ(migrate({"stamp", "s003"}).exit_code, 0);
  ASSERT_EQ(migrate({"stamp", "base"}).exit_code, 0);
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
}

TEST_P(History, DowngradeToBaseLeavesAnEmptyTableThatIsAccepted) {
  ASSERT_EQ(migrate({"upgrade", "head"}).exit_code, 0);
  ASSERT_EQ(migrate({"downgrade", "base"}).exit_code, 0);
  EXPECT_EQ(migrate({"verify"}).exit_code, 0);
  Outcome again = migrate({"upgrade", "head"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
}

TEST_P(History, VerifyListsRevisionsNoFileDeclares) {
  ASSERT_EQ(migrate({"upgrade", "head"}).exit_code, 0);
  Outcome deleted = migrate({"verify"}, {{"SAFETY_SET_SIZE", "4"}});  // s004's file is gone
  EXPECT_EQ(deleted.exit_code, 1) << deleted.output;
  EXPECT_TRUE(contains(deleted.output, "unknown     s004")) << deleted.output;
  EXPECT_TRUE(contains(deleted.output, "ok          s003")) << deleted.output;
  EXPECT_TRUE(contains(deleted.output, "may have been deleted or not yet pulled")) << deleted.output;
  Outcome upgrade = migrate({"upgrade", "head"}, {{"SAFETY_SET_SIZE", "4"}});
  EXPECT_EQ(upgrade.exit_code, 1) << upgrade.output;
  EXPECT_TRUE(contains(upgrade.output, "no migration file declares it. The file may have been deleted, or not yet "
                                       "pulled"))
      << upgrade.output;

  auto db = open_database(url_);
  db->execute("INSERT INTO retort_version (version_num) VALUES ('garbage')");
  Outcome garbage = migrate({"verify"});
  EXPECT_EQ(garbage.exit_code, 1) << garbage.output;
  EXPECT_TRUE(contains(garbage.output, "unknown     garbage")) << garbage.output;
}

TEST_P(History, RowsOnOneBranchAreBlamedOnTheVersionTable) {
  ASSERT_EQ(migrate({"upgrade", "s002"}).exit_code, 0);
  auto db = open_database(url_);
  db->execute("INSERT INTO retort_version (version_num) VALUES ('s001')");
  for (std::vector<std::string> command : {std::vector<std::string>{"upgrade", "head"},
                                           std::vector<std::string>{"verify"}, std::vector<std::string>{"check"}}) {
    Outcome refused = migrate(command);
    EXPECT_EQ(refused.exit_code, 1) << command[0] << ": " << refused.output;
    EXPECT_TRUE(contains(refused.output, "the version table retort_version has the rows s002 and s001, but s001 is "
                                         "an ancestor of s002"))
        << refused.output;
    EXPECT_TRUE(contains(refused.output, "`stamp --purge s002`")) << refused.output;
  }
  EXPECT_EQ(applied_log(*db).count("s003"), 0u);
}

// An offline script leaves no history: verify says so, not something else.
TEST_P(History, VerifyNamesTheOfflineScriptAsTheReasonForMissingHistory) {
  Outcome script = run_migrate({"--dialect", GetParam(), "upgrade", "--sql", "head"}, {{"SAFETY_SET_SIZE", "5"}});
  ASSERT_EQ(script.exit_code, 0) << script.output;
  std::filesystem::path path = dir_ / "upgrade.sql";
  {
    std::ofstream out(path);
    std::istringstream lines(script.output);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("INFO  [")) out << line << '\n';  // the log goes to stderr, here mixed in
    }
  }
  const std::string database = url_.substr(url_.find("sqlite:///") == 0 ? 10 : 0);
  const std::string command = GetParam() == "postgresql"
                                  ? fmt::format("psql -q -v ON_ERROR_STOP=1 -d '{}' -f '{}'", url_, path.string())
                                  : fmt::format("sqlite3 -bail '{}' < '{}'", database, path.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  Outcome verify = migrate({"verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_TRUE(contains(verify.output, "unrecorded  s004  (applied without a history row: by an offline --sql "
                                      "script, by Alembic, or stamped past"))
      << verify.output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, History, ::testing::Values("postgresql", "sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace retort::test
