// The linter's outputs (text, JSON, SARIF 2.1.0) and the sample set, in
// process and through `app_migrations-migrate lint`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "lint/report.hpp"
#include "lint/rule.hpp"
#include "lint_support.hpp"

#ifdef APP_MIGRATE
#include "app_migrations.hpp"
#endif

namespace retort::lint_test {
namespace {

using nlohmann::json;

constexpr const char* kBase = "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n";

// One warning, one error and one allowed finding.
Result mixed(MigrationSet& set) {
  set.sql("base", kBase)
      .sql("change", "-- Revision ID: change\n"
                     "ALTER TABLE users DROP COLUMN name;\n"
                     "CREATE INDEX CONCURRENTLY ix_users_id ON users (id);\n"
                     "-- retort:allow drop-table: users moved to accounts in release 3\n"
                     "DROP TABLE users;\n");
  return set.lint();
}

TEST(LintOutput, TextIsCompilerFormatWithTheRuleIdAndANote) {
  MigrationSet set;
  const std::string text = lint::to_text(mixed(set));
  const std::string path = set.path_of("change");
  EXPECT_NE(text.find(path + ":2:1: warning: DROP COLUMN users.name"), std::string::npos) << text;
  EXPECT_NE(text.find("[retort-lint: drop-column]\n"), std::string::npos) << text;
  EXPECT_NE(text.find(path + ":2:1: note: " + std::string(lint::find_rule("drop-column")->alternative)),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(path + ":3:1: error: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1 error(s), 1 warning(s) in 2 revision(s) (1 allowed by retort:allow)"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("DROP TABLE"), std::string::npos) << "the allowed finding is not printed:\n" << text;
}

TEST(LintOutput, Json) {
  MigrationSet set;
  const json report = lint::to_json(mixed(set));
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["errors"], 1);
  EXPECT_EQ(report["warnings"], 1);
  EXPECT_EQ(report["revisions_checked"], 2);
  ASSERT_EQ(report["findings"].size(), 2u);
  const json& first = report["findings"][0];
  EXPECT_EQ(first["rule"], "drop-column");
  EXPECT_EQ(first["severity"], "warning");
  EXPECT_EQ(first["path"], set.path_of("change"));
  EXPECT_EQ(first["line"], 2);
  EXPECT_EQ(first["column"], 1);
  EXPECT_EQ(first["revision"], "change");
  EXPECT_EQ(first["statement"], "ALTER TABLE users DROP COLUMN name;");
  EXPECT_EQ(report["findings"][1]["rule"], "non-transactional-in-transaction");
  EXPECT_EQ(report["findings"][1]["severity"], "error");
  ASSERT_EQ(report["suppressed"].size(), 1u);
  EXPECT_EQ(report["suppressed"][0]["allowed_because"], "users moved to accounts in release 3");
  // Round trip: what the CLI prints parses back to the same document.
  EXPECT_EQ(json::parse(report.dump(2)), report);
}

// The properties SARIF 2.1.0 requires of what is written here (sarif-v2.1.0
// §3.13 sarifLog, §3.14 run, §3.19 driver, §3.27 result, §3.30 region).
void expect_valid_sarif(const json& log) {
  ASSERT_TRUE(log.is_object());
  EXPECT_EQ(log.at("version"), "2.1.0");
  ASSERT_TRUE(log.at("runs").is_array());
  ASSERT_EQ(log.at("runs").size(), 1u);
  const json& run = log["runs"][0];
  const json& driver = run.at("tool").at("driver");
  EXPECT_TRUE(driver.at("name").is_string());
  std::set<std::string> ids;
  for (const json& rule : driver.at("rules")) {
    EXPECT_TRUE(ids.insert(rule.at("id").get<std::string>()).second) << "duplicate rule " << rule["id"];
    EXPECT_TRUE(rule.at("shortDescription").at("text").is_string());
  }
  for (const json& result : run.at("results")) {
    EXPECT_TRUE(ids.count(result.at("ruleId").get<std::string>())) << result["ruleId"];
    const std::string level = result.at("level");
    EXPECT_TRUE(level == "warning" || level == "error" || level == "note" || level == "none") << level;
    EXPECT_FALSE(result.at("message").at("text").get<std::string>().empty());
    for (const json& location : result.at("locations")) {
      const json& physical = location.at("physicalLocation");
      EXPECT_EQ(physical.at("artifactLocation").at("uri").get<std::string>().rfind("file:///", 0), 0u);
      EXPECT_GE(physical.at("region").at("startLine").get<int>(), 1);
      EXPECT_GE(physical.at("region").at("startColumn").get<int>(), 1);
    }
    if (result.contains("suppressions")) {
      for (const json& suppression : result["suppressions"]) {
        EXPECT_EQ(suppression.at("kind"), "inSource");
        EXPECT_TRUE(suppression.at("justification").is_string());
      }
    }
  }
}

TEST(LintOutput, Sarif) {
  MigrationSet set;
  const json log = lint::to_sarif(mixed(set));
  expect_valid_sarif(log);
  const json& results = log["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["ruleId"], "drop-column");
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_EQ(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "file://" + set.path_of("change"));
  EXPECT_EQ(results[1]["level"], "error");
  EXPECT_EQ(results[2]["suppressions"][0]["justification"], "users moved to accounts in release 3");
  EXPECT_EQ(log["runs"][0]["tool"]["driver"]["rules"].size(), lint::all_rules().size() + 1);
}

TEST(LintRules, IdsAreStableAndEveryRuleSaysWhyAndWhatInstead) {
  std::set<std::string> ids;
  for (const lint::Rule* rule : lint::all_rules()) {
    EXPECT_TRUE(ids.insert(std::string(rule->id)).second) << rule->id;
    EXPECT_FALSE(rule->reason.empty()) << rule->id;
    EXPECT_FALSE(rule->alternative.empty()) << rule->id;
    EXPECT_EQ(rule->reason.find('\n'), std::string_view::npos) << rule->id;
    EXPECT_EQ(rule->id.find_first_not_of("abcdefghijklmnopqrstuvwxyz-"), std::string_view::npos) << rule->id;
  }
  EXPECT_EQ(ids.size(), 22u);
}

#ifdef APP_MIGRATE
unsigned line_of(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  unsigned number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.find(needle) != std::string::npos) return number;
  }
  return 0;
}

// The sample set deserves exactly one warning: a6c2d8e4f0b1 indexes the
// existing tasks table without CONCURRENTLY. Its other statements are safe
// (tables they index are created in the same migration, the NOT NULL
// column has a constant default, the UPDATE has a WHERE).
TEST(SampleSet, LintsWithExactlyTheWarningItDeserves) {
  Result result = lint::lint(app_migrations::registry(), {});
  const std::string file = std::string(SAMPLE_MIGRATIONS_DIR) + "/a6c2d8e4f0b1_add_priority_to_tasks.cpp";
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, "add-index-non-concurrently");
  EXPECT_EQ(result.findings[0].path, file);
  EXPECT_EQ(result.findings[0].line, line_of(file, "op.create_index(\"ix_tasks_status_priority\""));
  EXPECT_TRUE(result.skipped.empty());
  EXPECT_EQ(result.revisions_checked, app_migrations::registry().migrations.size());
}

TEST(SampleSet, TheLintVerbPrintsTextJsonAndSarif) {
  std::string output;
  ASSERT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint", output), 0) << output;
  EXPECT_NE(output.find("a6c2d8e4f0b1_add_priority_to_tasks.cpp:"), std::string::npos) << output;
  EXPECT_NE(output.find("warning: CREATE INDEX ix_tasks_status_priority on existing table tasks"), std::string::npos)
      << output;
  EXPECT_NE(output.find("[retort-lint: add-index-non-concurrently]"), std::string::npos) << output;

  std::string as_json;
  ASSERT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --format json 2>/dev/null", as_json), 0);
  EXPECT_EQ(json::parse(as_json)["warnings"], 1) << as_json;

  std::string as_sarif;
  ASSERT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --format sarif 2>/dev/null", as_sarif), 0);
  expect_valid_sarif(json::parse(as_sarif));

  std::string strict;
  EXPECT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --werror", strict), 1) << strict;
  EXPECT_NE(strict.find(": error: CREATE INDEX ix_tasks_status_priority"), std::string::npos) << strict;

  std::string since;
  EXPECT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --werror --since 5b7e9a3c2f14", since), 1);
  std::string after;
  EXPECT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --werror --since a6c2d8e4f0b1", after), 1);
  std::string disabled;
  EXPECT_EQ(retort::test::run_command(
                std::string(APP_MIGRATE) + " lint --werror --disable add-index-non-concurrently", disabled),
            0)
      << disabled;
  std::string sqlite_only;
  EXPECT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --werror --dialects sqlite", sqlite_only), 0)
      << sqlite_only;
  std::string unknown;
  EXPECT_EQ(retort::test::run_command(std::string(APP_MIGRATE) + " lint --disable no-such-rule", unknown), 1);
  EXPECT_NE(unknown.find("unknown rule 'no-such-rule'"), std::string::npos) << unknown;
}
#endif

}  // namespace
}  // namespace retort::lint_test
