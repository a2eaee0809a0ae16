// `lint --trace` on a real PostgreSQL: the locks and rewrites the server
// reports for each statement, not what a rule expects.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "backend.hpp"
#include "commands.hpp"
#include "lint/trace.hpp"
#include "lint_support.hpp"
#include "migrator.hpp"
#include "test_support.hpp"

namespace retort::lint_test {
namespace {

constexpr const char* kBase =
    "CREATE TABLE items (id bigint PRIMARY KEY, n integer, name varchar(100));\n"
    "INSERT INTO items SELECT g, g, 'item' FROM generate_series(1, 100) g;\n";

class Trace : public ::testing::Test {
 protected:
  void SetUp() override {
    RETORT_REQUIRE_POSTGRES_OR_SKIP();
    url_ = test::create_postgres_database("lint_trace");
  }
  void TearDown() override {
    if (!url_.empty()) test::drop_postgres_database(url_);
  }

  // Applies `set` with the base already applied untraced; returns the
  // trace of what came after it.
  // `meanwhile` runs between the two.
  std::vector<lint::TracedStep> trace(MigrationSet& set, std::vector<Finding>& findings,
                                      const std::function<void()>& meanwhile = {}) {
    auto db = detail::connect(detail::DatabaseUrl::parse(url_));
    detail::Migrator migrator(set.registry(), detail::VersionTable("retort_version", ""));
    const SafetyOptions safety;
    const detail::command::Guard guard{safety, ""};
    detail::command::upgrade(*db, migrator, "base_done", guard, TransactionMode::per_migration, {});
    if (meanwhile) meanwhile();
    lint::LockTrace traced(*db);
    detail::command::upgrade(*db, migrator, "heads", guard, TransactionMode::per_migration, traced, {});
    findings = traced.findings();
    return traced.steps();
  }

  std::string url_;
};

bool has_lock(const lint::TracedStatement& statement, const std::string& relation, const std::string& mode) {
  for (const lint::TracedLock& lock : statement.locks) {
    if (lock.relation == relation && lock.mode == mode) return true;
  }
  return false;
}

std::string rules(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& f : findings) text += f.rule + "@" + std::to_string(f.line) + " ";
  return text;
}

TEST_F(Trace, AlterColumnTypeTakesAccessExclusiveAndRewritesTheTable) {
  MigrationSet set;
  set.sql("base_done", kBase).sql("change", "-- widen n\nALTER TABLE items ALTER COLUMN n TYPE bigint;\n");
  std::vector<Finding> findings;
  auto steps = trace(set, findings);
  ASSERT_EQ(steps.size(), 1u);
  ASSERT_EQ(steps[0].statements.size(), 1u);
  const lint::TracedStatement& alter = steps[0].statements[0];
  EXPECT_EQ(alter.line, 2u);
  EXPECT_TRUE(alter.in_transaction);
  EXPECT_TRUE(has_lock(alter, "items", "AccessExclusiveLock"));
  // The table, and its primary key's index rebuilt with it.
  std::set<std::string> rewritten;
  for (const lint::TracedRelation& relation : alter.rewritten) rewritten.insert(relation.kind + " " + relation.relation);
  EXPECT_EQ(rewritten, (std::set<std::string>{"table items", "index items_pkey"}));
  ASSERT_EQ(findings.size(), 2u) << rules(findings);
  EXPECT_EQ(findings[0].rule, "access-exclusive");
  EXPECT_EQ(findings[1].rule, "table-rewrite");
  EXPECT_EQ(findings[1].path, set.path_of("change"));
  EXPECT_EQ(findings[1].line, 2u);
  EXPECT_EQ(findings[1].revision, "change");
}

TEST_F(Trace, WideningAVarcharLocksButDoesNotRewrite) {
  MigrationSet set;
  set.sql("base_done", kBase).sql("change", "ALTER TABLE items ALTER COLUMN name TYPE varchar(200);\n");
  std::vector<Finding> findings;
  auto steps = trace(set, findings);
  EXPECT_TRUE(steps.at(0).statements.at(0).rewritten.empty());
  ASSERT_EQ(findings.size(), 1u) << rules(findings);
  EXPECT_EQ(findings[0].rule, "access-exclusive");
}

TEST_F(Trace, CreateIndexConcurrentlyTakesNeither) {
  MigrationSet set;
  set.sql("base_done", kBase).sql("change", "CREATE INDEX CONCURRENTLY ix_items_n ON items (n);\n", false);
  std::vector<Finding> findings;
  auto steps = trace(set, findings);
  const lint::TracedStatement& index = steps.at(0).statements.at(0);
  EXPECT_FALSE(index.in_transaction);
  EXPECT_TRUE(index.sampled);
  EXPECT_FALSE(has_lock(index, "items", "AccessExclusiveLock"));
  EXPECT_TRUE(index.rewritten.empty());
  EXPECT_TRUE(findings.empty()) << rules(findings);
}

// Outside a transaction the locks are sampled while the statement runs.
// A writer's open transaction makes CREATE INDEX CONCURRENTLY wait, holding
// its SHARE UPDATE EXCLUSIVE lock, until the writer commits two seconds
// later: long enough for any sampler to see it.
TEST_F(Trace, LocksOutsideATransactionAreSampledWhileTheStatementRuns) {
  MigrationSet set;
  set.sql("base_done", kBase).sql("change", "CREATE INDEX CONCURRENTLY ix_items_n ON items (n);\n", false);
  auto writer = detail::connect(detail::DatabaseUrl::parse(url_));
  std::thread committer;
  std::vector<Finding> findings;
  auto steps = trace(set, findings, [&] {
    writer->begin();
    writer->execute("UPDATE items SET n = n WHERE id = 1");
    committer = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::seconds(2));
      writer->commit();
    });
  });
  committer.join();
  const lint::TracedStatement& index = steps.at(0).statements.at(0);
  EXPECT_TRUE(index.sampled);
  EXPECT_TRUE(has_lock(index, "items", "ShareUpdateExclusiveLock")) << "sampled: " << index.locks.size();
  EXPECT_FALSE(has_lock(index, "items", "AccessExclusiveLock"));
  EXPECT_TRUE(findings.empty()) << rules(findings);
}

TEST_F(Trace, CreateIndexBlocksWritesWithAShareLockOnly) {
  MigrationSet set;
  set.sql("base_done", kBase).sql("change", "CREATE INDEX ix_items_n ON items (n);\n");
  std::vector<Finding> findings;
  auto steps = trace(set, findings);
  const lint::TracedStatement& index = steps.at(0).statements.at(0);
  EXPECT_TRUE(has_lock(index, "items", "ShareLock"));
  EXPECT_FALSE(has_lock(index, "items", "AccessExclusiveLock"));
  EXPECT_TRUE(findings.empty()) << rules(findings);
}

TEST_F(Trace, ATableTheMigrationCreatesIsNew) {
  MigrationSet set;
  set.sql("base_done", "SELECT 1;\n").sql("change", kBase);
  std::vector<Finding> findings;
  auto steps = trace(set, findings);
  const lint::TracedStatement& create = steps.at(0).statements.at(0);
  ASSERT_TRUE(has_lock(create, "items", "AccessExclusiveLock"));
  for (const lint::TracedLock& lock : create.locks) EXPECT_FALSE(lock.existing) << lock.relation;
  EXPECT_TRUE(findings.empty()) << rules(findings);
}

#ifdef APP_MIGRATE
TEST_F(Trace, TheSampleSetsTraceNamesTheLineThatLocksTasks) {
  std::string output;
  // The log goes to stderr, the report to stdout.
  ASSERT_EQ(test::run_command("(" + std::string(APP_MIGRATE) + " lint --trace --format json --url '" + url_ +
                                  "' 2>/dev/null)",
                              output),
            0)
      << output;
  const nlohmann::json report = nlohmann::json::parse(output);
  EXPECT_EQ(report["migrations"].size(), 9u);
  ASSERT_EQ(report["findings"].size(), 1u) << output;
  EXPECT_EQ(report["findings"][0]["rule"], "access-exclusive");
  EXPECT_EQ(report["findings"][0]["revision"], "a6c2d8e4f0b1");
  EXPECT_EQ(report["findings"][0]["statement"], "ALTER TABLE tasks ADD COLUMN priority INTEGER DEFAULT 1 NOT NULL");
  const std::vector<std::string> secrets = detail::DatabaseUrl::parse(url_).secrets;
  ASSERT_FALSE(secrets.empty());
  const std::string password = secrets.front();
  EXPECT_EQ(output.find(password), std::string::npos) << "the password is never printed";

  std::string again;
  ASSERT_EQ(test::run_command(std::string(APP_MIGRATE) + " lint --trace --url '" + url_ + "'", again), 0) << again;
  EXPECT_EQ(again.find(password), std::string::npos) << again;
  EXPECT_NE(again.find("0 migration(s), 0 statement(s) traced"), std::string::npos) << "nothing is pending:\n"
                                                                                     << again;
}

TEST(TraceCli, TakesOnlyAnExplicitUrlSinceItMigratesTheDatabase) {
  std::string output;
  EXPECT_EQ(test::run_command("DATABASE_URL=postgresql://nobody@127.0.0.1:1/prod " + std::string(APP_MIGRATE) +
                                  " lint --trace",
                              output),
            2);
  EXPECT_NE(output.find("takes only an explicit --url (never $DATABASE_URL)"), std::string::npos) << output;
}

TEST(TraceCli, RefusesADatabaseThatIsNotPostgreSQL) {
  test::TempDir dir;
  std::string output;
  EXPECT_EQ(test::run_command(std::string(APP_MIGRATE) + " lint --trace --url sqlite:///" +
                                  (dir / "app.db").string(),
                              output),
            1);
  EXPECT_NE(output.find("lint --trace measures PostgreSQL's locks"), std::string::npos) << output;
}
#endif

}  // namespace
}  // namespace retort::lint_test
