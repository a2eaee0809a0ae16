// The `<name>-migrate` command line, run as a real process against real
// PostgreSQL and SQLite databases; its output compared with real Alembic's.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "alembic_project.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

struct Outcome {
  int status;
  std::string output;  // stdout and stderr
};

// Runs `binary args` with DATABASE_URL unset, so only --url counts.
Outcome run(const std::string& binary, const std::string& args) {
  Outcome r;
  r.status = run_command(fmt::format("env -u DATABASE_URL {} {}", binary, args), r.output);
  return r;
}

// stdout only.
Outcome run_stdout(const std::string& binary, const std::string& args) {
  Outcome r;
  r.status = run_command(fmt::format("(env -u DATABASE_URL {} {} 2>/dev/null)", binary, args), r.output);
  return r;
}

// The lines of `text`, sorted, without Path: lines (a Python file in
// Alembic, the C++ source here), and with "Branches into:" lists sorted
// (Alembic keeps children in a set).
std::vector<std::string> comparable_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.rfind("Path: ", 0) == 0) continue;
    if (line.rfind("Branches into: ", 0) == 0) {
      std::vector<std::string> items;
      std::istringstream list(line.substr(15));
      for (std::string item; std::getline(list >> std::ws, item, ',');) items.push_back(item);
      std::sort(items.begin(), items.end());
      line = "Branches into:";
      for (const std::string& item : items) line += " " + item;
    }
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

const std::vector<std::string> kCommands = {"upgrade",  "downgrade", "current", "history", "heads",
                                            "branches", "show",      "stamp",   "check",   "graph"};

TEST(MigrateCli, HelpForEveryCommandAndUsageErrorsExitTwo) {
  Outcome top = run(LINEAR_MIGRATE, "--help");
  EXPECT_EQ(top.status, 0) << top.output;
  for (const std::string& command : kCommands) {
    EXPECT_NE(top.output.find(command), std::string::npos) << command << " missing from\n" << top.output;
    Outcome help = run(LINEAR_MIGRATE, command + " --help");
    EXPECT_EQ(help.status, 0) << command << ": " << help.output;
    EXPECT_NE(help.output.find("Usage"), std::string::npos) << help.output;
  }
  EXPECT_EQ(run(LINEAR_MIGRATE, "").status, 2);
  EXPECT_EQ(run(LINEAR_MIGRATE, "frobnicate").status, 2);
  EXPECT_EQ(run(LINEAR_MIGRATE, "upgrade").status, 2);  // TARGET is required
  EXPECT_EQ(run(LINEAR_MIGRATE, "current --format yaml --url sqlite://").status, 2);
  EXPECT_EQ(run(LINEAR_MIGRATE, "graph --format json").status, 2);  // dot, mermaid or svg
}

TEST(MigrateCli, WithoutAUrlItSaysHowToGiveOne) {
  Outcome r = run(LINEAR_MIGRATE, "current");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output.find("--url"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("DATABASE_URL"), std::string::npos) << r.output;

  TempDir dir;
  std::string url = "sqlite:///" + (dir / "env.db").string();
  std::string out;
  EXPECT_EQ(run_command(fmt::format("DATABASE_URL={} {} upgrade head", url, LINEAR_MIGRATE), out), 0) << out;
  EXPECT_EQ(run_command(fmt::format("DATABASE_URL={} {} check", url, LINEAR_MIGRATE), out), 0) << out;
}

// What retrying may heal names the flag that sets the deadline; a malformed
// URL is a usage error.
TEST(MigrateCli, ConnectionAdviceNamesTheFlagAndAMalformedUrlExitsTwo) {
  Outcome refused = run(LINEAR_MIGRATE, "--url postgresql://svc@127.0.0.1:1/app current");
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("set --connect-timeout SECONDS"), std::string::npos) << refused.output;
  Outcome malformed = run(LINEAR_MIGRATE, "--url postgresql://svc:pw@127.0.0.1:54x2/app --connect-timeout 30 current");
  EXPECT_EQ(malformed.status, 2) << malformed.output;
  EXPECT_NE(malformed.output.find("not a number"), std::string::npos) << malformed.output;
}

TEST(MigrateCli, RevisionAndMergeAreForwardedToRetortc) {
  // The test binaries name /bin/echo as retortc: its output is the argv.
  Outcome r = run(LINEAR_MIGRATE, "revision -m \"add orders\" --sql");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "revision --via linear-migrate --directory /src/migrations -m add orders --sql\n");
  Outcome m = run(LINEAR_MIGRATE, "merge heads -m merge --help");
  EXPECT_EQ(m.output, "merge --via linear-migrate --directory /src/migrations heads -m merge --help\n");
}

// For CI scripts: upgrade and check report in JSON on stdout, also when they
// fail; `check --at-head` is today's `check` under the name that will stay.
TEST(MigrateCli, UpgradeAndCheckSpeakJson) {
  TempDir dir;
  const std::string url = "--url sqlite:///" + (dir / "json.db").string();
  Outcome upgraded = run_stdout(LINEAR_MIGRATE, url + " upgrade r2 --format json");
  ASSERT_EQ(upgraded.status, 0) << upgraded.output;
  auto report = nlohmann::json::parse(upgraded.output);
  EXPECT_TRUE(report["ok"].get<bool>());
  ASSERT_EQ(report["applied"].size(), 2u) << upgraded.output;
  EXPECT_EQ(report["applied"][1]["revision"], "r2");
  EXPECT_EQ(report["applied"][1]["operation"], "upgrade");
  EXPECT_TRUE(report["applied"][1]["duration_ms"].is_number());
  EXPECT_EQ(report["heads_after"], nlohmann::json::array({"r2"}));

  Outcome behind = run_stdout(LINEAR_MIGRATE, url + " check --at-head --format json");
  EXPECT_EQ(behind.status, 1) << behind.output;
  auto first = nlohmann::json::parse(behind.output);
  EXPECT_FALSE(first["ok"].get<bool>());
  EXPECT_EQ(first["current"], nlohmann::json::array({"r2"}));
  EXPECT_EQ(first["pending"], nlohmann::json::array({"r3"}));
  EXPECT_NE(first["error"].get<std::string>().find("not at head"), std::string::npos) << behind.output;

  ASSERT_EQ(run(LINEAR_MIGRATE, url + " upgrade head").status, 0);
  for (const char* check : {" check --format json", " check --at-head --format json"}) {
    Outcome at_head = run_stdout(LINEAR_MIGRATE, url + check);
    EXPECT_EQ(at_head.status, 0) << check << ": " << at_head.output;
    EXPECT_TRUE(nlohmann::json::parse(at_head.output)["ok"].get<bool>()) << at_head.output;
  }
  Outcome failed = run_stdout(LINEAR_MIGRATE, url + " upgrade nosuchrev --format json");
  EXPECT_EQ(failed.status, 1) << failed.output;
  auto failure = nlohmann::json::parse(failed.output);
  EXPECT_FALSE(failure["ok"].get<bool>());
  EXPECT_NE(failure["error"].get<std::string>().find("nosuchrev"), std::string::npos) << failed.output;
  EXPECT_EQ(run(LINEAR_MIGRATE, url + " upgrade head --sql --format json").status, 2);
}

TEST(MigrateCli, GraphCommandsNeedNoDatabaseAndSpeakJson) {
  Outcome heads = run_stdout(BRANCHY_MIGRATE, "heads --format json");
  ASSERT_EQ(heads.status, 0) << heads.output;
  std::set<std::string> ids;
  for (const auto& head : nlohmann::json::parse(heads.output)) ids.insert(head["revision"].get<std::string>());
  EXPECT_EQ(ids, (Strings{"m1", "x2"}));

  Outcome branches = run_stdout(BRANCHY_MIGRATE, "branches --format json");
  ASSERT_EQ(branches.status, 0) << branches.output;
  auto points = nlohmann::json::parse(branches.output);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0]["revision"], "a1");
  auto children = points[0]["branches_into"].get<std::vector<std::string>>();
  EXPECT_EQ(Strings(children.begin(), children.end()), (Strings{"b1", "c1"}));

  auto history = nlohmann::json::parse(run_stdout(BRANCHY_MIGRATE, "history --format json").output);
  EXPECT_EQ(history.size(), 6u);
  for (const auto& entry : history) {
    if (entry["revision"] == "x2") {
      EXPECT_EQ(entry["depends_on"], nlohmann::json::array({"b1"}));
      EXPECT_EQ(entry["branch_labels"], nlohmann::json::array({"extra"}));
    }
  }
}

TEST(MigrateCli, OfflineScriptsNeedNoDatabase) {
  Outcome up = run_stdout(LINEAR_MIGRATE, "upgrade --sql head --dialect postgresql");
  EXPECT_EQ(up.status, 0) << up.output;
  EXPECT_EQ(up.output.rfind("BEGIN;\n\nCREATE TABLE retort_version", 0), 0u) << up.output;
  EXPECT_NE(up.output.find("-- Running upgrade r2 -> r3\n"), std::string::npos) << up.output;

  Outcome range = run_stdout(LINEAR_MIGRATE, "upgrade --sql r1:r2 --url sqlite:///never-opened.db");
  EXPECT_EQ(range.status, 0) << range.output;
  EXPECT_EQ(range.output.find("CREATE TABLE retort_version"), std::string::npos) << range.output;
  EXPECT_NE(range.output.find("UPDATE retort_version SET version_num='r2'"), std::string::npos) << range.output;
  EXPECT_FALSE(std::filesystem::exists("never-opened.db"));

  Outcome down = run_stdout(LINEAR_MIGRATE, "downgrade --sql r3:r2 --dialect sqlite");
  EXPECT_EQ(down.status, 0) << down.output;
  EXPECT_NE(down.output.find("-- Running downgrade r3 -> r2\n\nDROP TABLE t_r3;"), std::string::npos) << down.output;

  Outcome stamp = run_stdout(LINEAR_MIGRATE, "stamp --sql r3 --dialect sqlite --version-table alembic_version");
  EXPECT_NE(stamp.output.find("INSERT INTO alembic_version (version_num) VALUES ('r3');"), std::string::npos)
      << stamp.output;

  EXPECT_EQ(run(LINEAR_MIGRATE, "downgrade --sql base --dialect sqlite").status, 1);
  EXPECT_EQ(run(LINEAR_MIGRATE, "upgrade --sql head").status, 2);  // no dialect, no URL
  EXPECT_EQ(run(LINEAR_MIGRATE, "stamp --sql --purge head --dialect sqlite").status, 2);
  EXPECT_EQ(run(LINEAR_MIGRATE, "upgrade r1:r2 --url sqlite://").status, 2);  // ranges are offline only
}

class MigrateCliOn : public RuntimeTest {
 protected:
  Outcome cmd(const std::string& binary, const std::string& args) {
    return run(binary, fmt::format("--url '{}' {}", url(), args));
  }
  Outcome cmd_stdout(const std::string& binary, const std::string& args) {
    return run_stdout(binary, fmt::format("--url '{}' {}", url(), args));
  }
};

TEST_P(MigrateCliOn, UpgradeCurrentCheckDowngradeStampShow) {
  Outcome up = cmd(LINEAR_MIGRATE, "upgrade head");
  EXPECT_EQ(up.status, 0) << up.output;
  EXPECT_EQ(without_durations(up.output),
            "INFO  [retort] Running upgrade  -> r1, create r1\n"
            "INFO  [retort] Finished upgrade  -> r1 in <t>\n"
            "INFO  [retort] Running upgrade r1 -> r2, create r2 (sql)\n"
            "INFO  [retort] Finished upgrade r1 -> r2 in <t>\n"
            "INFO  [retort] Running upgrade r2 -> r3, create r3\n"
            "INFO  [retort] Finished upgrade r2 -> r3 in <t>\n"
            "INFO  [retort] Upgraded 3 revisions in <t>; the database is at r3\n");
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));

  EXPECT_EQ(cmd_stdout(LINEAR_MIGRATE, "current").output, "r3 (head)\n");
  Outcome verbose = cmd_stdout(LINEAR_MIGRATE, "current -v");
  EXPECT_NE(verbose.output.find("Rev: r3 (head)\nParent: r2\n"), std::string::npos) << verbose.output;
  EXPECT_EQ(cmd(LINEAR_MIGRATE, "check").status, 0);
  EXPECT_EQ(cmd(LINEAR_MIGRATE, "current --check-heads").status, 0);

  auto current = nlohmann::json::parse(cmd_stdout(LINEAR_MIGRATE, "current --format json").output);
  EXPECT_EQ(current["current"][0]["revision"], "r3");
  EXPECT_EQ(current["at_head"], true);
  EXPECT_EQ(current["version_table"], "retort_version");

  Outcome down = cmd(LINEAR_MIGRATE, "downgrade -1");
  EXPECT_EQ(down.status, 0) << down.output;
  EXPECT_EQ(without_durations(down.output),
            "INFO  [retort] Running downgrade r3 -> r2, create r3\n"
            "INFO  [retort] Finished downgrade r3 -> r2 in <t>\n"
            "INFO  [retort] Downgraded 1 revision in <t>; the database is at r2\n");
  EXPECT_EQ(version_rows(), Strings{"r2"});
  Outcome check = cmd(LINEAR_MIGRATE, "check");
  EXPECT_EQ(check.status, 1);
  EXPECT_NE(check.output.find("not at head"), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("pending: r3"), std::string::npos) << check.output;
  EXPECT_EQ(cmd(LINEAR_MIGRATE, "current --check-heads").status, 1);

  Outcome history = cmd_stdout(LINEAR_MIGRATE, "history -i");
  EXPECT_EQ(history.output,
            "r2 -> r3 (head), create r3\n"
            "r1 -> r2 (current), create r2 (sql)\n"
            "<base> -> r1, create r1\n");
  EXPECT_EQ(cmd_stdout(LINEAR_MIGRATE, "history -r current:").output, "r2 -> r3 (head), create r3\nr1 -> r2, create r2 (sql)\n");
  auto history_json = nlohmann::json::parse(cmd_stdout(LINEAR_MIGRATE, "history --format json").output);
  ASSERT_EQ(history_json.size(), 3u);
  EXPECT_EQ(history_json[2]["revision"], "r1");

  Outcome stamp = cmd(LINEAR_MIGRATE, "stamp head");
  EXPECT_EQ(stamp.status, 0) << stamp.output;
  EXPECT_EQ(stamp.output, "INFO  [retort] Running stamp_revision r2 -> r3\n");
  EXPECT_EQ(version_rows(), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2"}));  // stamp runs nothing

  Outcome show = cmd_stdout(LINEAR_MIGRATE, "show r2");
  EXPECT_EQ(show.output, fmt::format("Rev: r2\nParent: r1\nPath: /src/migrations/r2_create.sql:1\n\n    create r2 (sql)\n\n"));
  EXPECT_NE(cmd_stdout(LINEAR_MIGRATE, "show current").output.find("Rev: r3 (head)"), std::string::npos);

  Outcome purge = cmd(LINEAR_MIGRATE, "stamp --purge r1");
  EXPECT_EQ(purge.status, 0) << purge.output;
  EXPECT_EQ(version_rows(), Strings{"r1"});
}

TEST_P(MigrateCliOn, FailingMigrationExitsOneWithTheWholeStory) {
  Outcome r = cmd(FAILING_MIGRATE, "upgrade head");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("INFO  [retort] Running upgrade r3 -> r4, add r4 then fail"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(fmt::format("FAILED: {}:{}: error: upgrade of revision r4", kRegistriesFile, kFailingLine)),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("statement: INSERT INTO no_such_table"), std::string::npos) << r.output;
  EXPECT_EQ(version_rows(), Strings{"r3"});
  EXPECT_EQ(cmd_stdout(FAILING_MIGRATE, "current").output, "r3\n");
}

TEST_P(MigrateCliOn, UnknownRevisionAndAmbiguousTargetsAreRefused) {
  cmd(LINEAR_MIGRATE, "upgrade r1");
  db().execute("UPDATE retort_version SET version_num = 'abcdef123456'");
  for (const char* command : {"upgrade head", "current", "check", "downgrade base"}) {
    Outcome r = cmd(LINEAR_MIGRATE, command);
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_NE(r.output.find("abcdef123456"), std::string::npos) << command << ": " << r.output;
    EXPECT_NE(r.output.find("does not know"), std::string::npos) << command << ": " << r.output;
  }
  EXPECT_EQ(revision_tables(), Strings{"r1"});
  Outcome missing = cmd(LINEAR_MIGRATE, "stamp --purge r1");
  EXPECT_EQ(missing.status, 0) << missing.output;
  Outcome target = cmd(LINEAR_MIGRATE, "upgrade nosuchrev");
  EXPECT_EQ(target.status, 1);
  EXPECT_NE(target.output.find("nosuchrev"), std::string::npos) << target.output;
}

TEST_P(MigrateCliOn, BranchyOutputMatchesAlembicLineForLine) {
  TempDir project;
  std::string alembic = write_alembic_project(project.path(), url(), kBranchyRegistry);
  std::string alembic_out;
  ASSERT_EQ(run_command(alembic + " upgrade b1 2>/dev/null", alembic_out), 0) << alembic_out;
  ASSERT_EQ(run_command(alembic + " upgrade x1 2>/dev/null", alembic_out), 0) << alembic_out;
  const std::string ours = "--version-table alembic_version ";
  // Tie-breaks between unrelated revisions follow file listing order in
  // Alembic and registry order in Retort: compare the lines, not their order.
  for (const char* command : {"current", "heads", "heads --resolve-dependencies", "history", "history -i",
                              "history -r a1:m1", "branches", "branches -v", "show x2", "show extra@head"}) {
    SCOPED_TRACE(command);
    ASSERT_EQ(run_command(fmt::format("{} {} 2>/dev/null", alembic, command), alembic_out), 0) << alembic_out;
    Outcome retort = cmd_stdout(BRANCHY_MIGRATE, ours + command);
    ASSERT_EQ(retort.status, 0) << retort.output;
    EXPECT_EQ(comparable_lines(retort.output), comparable_lines(alembic_out))
        << "retort:\n" << retort.output << "alembic:\n" << alembic_out;
  }
  // Both tools leave the version table in the same state for the same command.
  Outcome up = cmd(BRANCHY_MIGRATE, ours + "upgrade heads");
  EXPECT_EQ(up.status, 0) << up.output;
  EXPECT_EQ(version_rows("alembic_version"), (Strings{"m1", "x2"}));
  ASSERT_EQ(run_command(alembic + " downgrade extra@base 2>/dev/null", alembic_out), 0) << alembic_out;
  EXPECT_EQ(version_rows("alembic_version"), Strings{"m1"});
  EXPECT_EQ(cmd_stdout(BRANCHY_MIGRATE, ours + "current").output, "m1 (head) (mergepoint)\n");
}

// SQLite URLs carry no password: PostgreSQL only.
class MigrateCliOnPostgres : public MigrateCliOn {};

TEST_P(MigrateCliOnPostgres, NoCommandEverPrintsThePassword) {
  std::string password = detail::DatabaseUrl::parse(url()).secrets.at(0);
  ASSERT_FALSE(password.empty());
  std::string down_url = url();
  down_url.replace(down_url.rfind(':'), down_url.rfind('/') - down_url.rfind(':'), ":1");  // a closed port
  const std::vector<std::string> commands = {
      "upgrade head",   "current -v",   "current --format json", "history -i",  "heads -v",
      "branches -v",    "show current", "check",                 "downgrade -1", "upgrade +1 --single-transaction",
      "stamp r2",       "stamp --purge r3", "upgrade --sql r1:head", "downgrade --sql r3:base", "stamp --sql r1",
      "upgrade nosuchrev", "downgrade base"};
  for (const std::string& command : commands) {
    Outcome r = cmd(FAILING_MIGRATE, command);
    EXPECT_EQ(r.output.find(password), std::string::npos) << command << ": " << r.output;
    Outcome unreachable = run(FAILING_MIGRATE, fmt::format("--url '{}' {}", down_url, command));
    EXPECT_EQ(unreachable.output.find(password), std::string::npos) << command << ": " << unreachable.output;
  }
  Outcome refused = run(FAILING_MIGRATE, fmt::format("--url '{}' current", down_url));
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.output.find(":***@"), std::string::npos) << refused.output;
}

INSTANTIATE_TEST_SUITE_P(Dialects, MigrateCliOn, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_name);
INSTANTIATE_TEST_SUITE_P(Dialects, MigrateCliOnPostgres, ::testing::Values(SqlDialect::postgresql), dialect_name);

}  // namespace
}  // namespace retort::test
