// Round trips are behaviour: a service at head starts with one query after
// connecting, and a transactional migration costs fewer round trips than
// `psql -f` needs for it (BEGIN, its DDL, the version-table update, COMMIT).
// Counted with `log_statement = all` on a private server
// started here (never on the shared test server), one log line per simple
// query (however many statements it holds) or extended-protocol execute.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/retort.hpp"
#include "test_support.hpp"

namespace retort::test {
namespace {

// Five transactional migrations, one DDL statement each.
constexpr std::string_view kId[] = {"a1", "a2", "a3", "a4", "a5"};
constexpr SqlStatement kUp[][1] = {{{"CREATE TABLE rt_a1 (id INTEGER)", 1}}, {{"CREATE TABLE rt_a2 (id INTEGER)", 1}},
                                   {{"CREATE TABLE rt_a3 (id INTEGER)", 1}}, {{"CREATE TABLE rt_a4 (id INTEGER)", 1}},
                                   {{"CREATE TABLE rt_a5 (id INTEGER)", 1}}};
constexpr SqlStatement kDown[][1] = {{{"DROP TABLE rt_a1", 1}}, {{"DROP TABLE rt_a2", 1}}, {{"DROP TABLE rt_a3", 1}},
                                     {{"DROP TABLE rt_a4", 1}}, {{"DROP TABLE rt_a5", 1}}};
constexpr std::span<const std::string_view> parent(int i) {
  return i == 0 ? std::span<const std::string_view>() : std::span<const std::string_view>(&kId[i - 1], 1);
}
constexpr Migration migration(int i) {
  return {.id = kId[i], .down_revisions = parent(i), .message = "create", .source_path = "/src/a.sql",
          .source_line = 1, .checksum = "sha256:a", .transactional = true, .upgrade_sql = kUp[i],
          .downgrade_sql = kDown[i]};
}
const Migration kMigrations[] = {migration(0), migration(1), migration(2), migration(3), migration(4)};
const Registry kRegistry{.name = "round_trips", .source_directory = "/src", .migrations = kMigrations};

// b2 empties the version table itself: its step's version-table UPDATE then
// matches no row, which must still fail the step (now inside the batch that
// commits) with the message the separate check gave.
constexpr std::string_view kB1Id[] = {"b1"};
constexpr SqlStatement kB1Up[] = {{"CREATE TABLE rt_b1 (id INTEGER)", 1}};
constexpr SqlStatement kB2Up[] = {{"CREATE TABLE rt_b2 (id INTEGER)", 1}, {"DELETE FROM retort_version", 2}};
const Migration kMismatch[] = {
    {.id = "b1", .message = "b1", .source_path = "/src/b1.sql", .source_line = 1, .checksum = "sha256:b",
     .transactional = true, .upgrade_sql = kB1Up},
    {.id = "b2", .down_revisions = kB1Id, .message = "b2", .source_path = "/src/b2.sql", .source_line = 1,
     .checksum = "sha256:b", .transactional = true, .upgrade_sql = kB2Up},
};
const Registry kMismatchRegistry{.name = "mismatch", .source_directory = "/src", .migrations = kMismatch};

class RoundTrips : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    std::filesystem::permissions(dir_->path(), std::filesystem::perms(0755));  // the server runs as postgres
    std::string output;
    // A port the kernel says is free; another server (the suite's own, or a
    // parallel test's) may still take it before ours binds, so retry.
    int status = 1;
    for (int attempt = 0; attempt < 5 && status != 0; ++attempt) {
      run_command(fmt::format("{} stop {}", SCRIPTS_POSTGRES, (dir_->path() / "pg").string()), output);
      status = run_command(
          fmt::format("{} start {} {}", SCRIPTS_POSTGRES, (dir_->path() / "pg").string(), free_local_port()), output);
    }
    if (status != 0) {
      start_error_ = "could not start a private PostgreSQL server: " + output;
      return;
    }
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    url_ = output.substr(output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1);
    auto db = detail::connect(detail::DatabaseUrl::parse(url_), detail::ConnectOptions{});
    db->execute("ALTER SYSTEM SET log_statement = 'all'");
    db->execute("ALTER SYSTEM SET log_line_prefix = '%p '");
    db->query("SELECT pg_reload_conf()");
  }
  static void TearDownTestSuite() {
    std::string output;
    run_command(fmt::format("{} stop {}", SCRIPTS_POSTGRES, (dir_->path() / "pg").string()), output);
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!start_error_.empty()) GTEST_FAIL() << start_error_;
  }

  // A fresh database on the private server.
  static std::string database(const std::string& name) {
    auto db = detail::connect(detail::DatabaseUrl::parse(url_), detail::ConnectOptions{});
    db->execute(fmt::format("CREATE DATABASE {}", name));
    return url_.substr(0, url_.rfind('/') + 1) + name;
  }

  // The statements (round trips) the server received while `action` ran.
  template <class Action>
  static std::vector<std::string> statements(Action&& action) {
    int serial = ++serial_;
    std::string begin = fmt::format("round-trips-begin-{}.", serial);
    std::string end = fmt::format("round-trips-end-{}.", serial);
    auto marker = detail::connect(detail::DatabaseUrl::parse(url_), detail::ConnectOptions{});
    marker->query(fmt::format("SELECT '{}'", begin));
    action();
    marker->query(fmt::format("SELECT '{}'", end));
    std::ifstream log(dir_->path() / "pg" / "server.log");
    std::vector<std::string> out;
    std::string line;
    bool inside = false;
    while (std::getline(log, line)) {
      if (line.find(begin) != std::string::npos) {
        inside = true;
        continue;
      }
      if (line.find(end) != std::string::npos) break;
      if (!inside) continue;
      if (line.find("LOG:  statement: ") != std::string::npos || line.find("LOG:  execute ") != std::string::npos) {
        out.push_back(line);
      }
    }
    return out;
  }

  static std::string joined(const std::vector<std::string>& lines) {
    std::ostringstream text;
    for (const auto& line : lines) text << "\n  " << line;
    return text.str();
  }

  static inline int serial_ = 0;
  static inline TempDir* dir_ = nullptr;
  static inline std::string url_;
  static inline std::string start_error_;
};

UpgradeOptions options() {
  UpgradeOptions o;
  o.retry_for = std::chrono::milliseconds(0);
  return o;
}

TEST_F(RoundTrips, UpgradeAtHeadIsOneStatementAfterConnecting) {
  std::string url = database("at_head");
  retort::upgrade(kRegistry, url, "head", options());
  // The connection is made before the count starts: only what follows it.
  auto lines = statements([&] {
    UpgradeResult result = retort::upgrade(kRegistry, url, "head", options());
    EXPECT_TRUE(result.applied.empty());
  });
  // Connecting sends no statement; the one query reads the version table and
  // the history the checks need.
  EXPECT_EQ(lines.size(), 1u) << joined(lines);

  auto status_lines = statements([&] { EXPECT_TRUE(retort::status(kRegistry, url, options()).at_head); });
  EXPECT_EQ(status_lines.size(), 1u) << joined(status_lines);
}

TEST_F(RoundTrips, TransactionalMigrationCostsAtMostThePsqlFloor) {
  // The same run from a1 to a2 (one step) and to a5 (four steps): the
  // difference is three steps, without the run's fixed cost (the lock).
  std::string one = database("one_step");
  std::string four = database("four_steps");
  retort::upgrade(kRegistry, one, "a1", options());
  retort::upgrade(kRegistry, four, "a1", options());
  auto single = statements([&] { EXPECT_EQ(retort::upgrade(kRegistry, one, "a2", options()).applied.size(), 1u); });
  auto many = statements([&] { EXPECT_EQ(retort::upgrade(kRegistry, four, "head", options()).applied.size(), 4u); });
  ASSERT_GT(many.size(), single.size()) << joined(single) << joined(many);
  std::size_t per_step = (many.size() - single.size()) / 3;
  EXPECT_EQ((many.size() - single.size()) % 3, 0u) << joined(single) << joined(many);
  // psql -f: BEGIN, CREATE TABLE, UPDATE version, COMMIT: 4. Retort: BEGIN,
  // the SET LOCALs and the CREATE TABLE sent together; the version-table
  // UPDATE, the history row and COMMIT together; and the lock's session
  // check, on its own connection while the first runs: 3.
  EXPECT_EQ(per_step, 3u) << joined(many);

  // The history still has one finished, successful row per step.
  auto db = detail::connect(detail::DatabaseUrl::parse(four), detail::ConnectOptions{});
  detail::Rows rows = db->query(
      "SELECT count(*), count(*) FILTER (WHERE success AND finished_at IS NOT NULL AND duration_ms >= 0 AND "
      "started_at <= finished_at AND checksum = 'sha256:a' AND transactional) FROM retort_history");
  EXPECT_EQ(rows.rows.at(0).at(0).value_or(""), "5");
  EXPECT_EQ(rows.rows.at(0).at(1).value_or(""), "5");
}

TEST_F(RoundTrips, VersionTableChangedDuringTheStepIsStillRefused) {
  std::string url = database("mismatch");
  retort::upgrade(kMismatchRegistry, url, "b1", options());
  try {
    retort::upgrade(kMismatchRegistry, url, "head", options());
    FAIL() << "the upgrade succeeded";
  } catch (const Error& e) {
    std::string text = e.what();
    EXPECT_NE(text.find("expected to match one row of the version table retort_version when updating 'b1', found 0: "
                        "another process changed the table during this run"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("invalid input syntax"), std::string::npos) << text;
  }
  auto db = detail::connect(detail::DatabaseUrl::parse(url), detail::ConnectOptions{});
  EXPECT_EQ(db->query("SELECT version_num FROM retort_version").rows.size(), 1u);  // rolled back
  EXPECT_EQ(db->query("SELECT 1 FROM pg_tables WHERE tablename = 'rt_b2'").rows.size(), 0u);
  detail::Rows failed = db->query("SELECT count(*) FROM retort_history WHERE revision = 'b2' AND NOT success");
  EXPECT_EQ(failed.rows.at(0).at(0).value_or(""), "1");  // recorded after the rollback
}

}  // namespace
}  // namespace retort::test
