// Every rule on `.sql` migrations: the statement that triggers it (reported
// once, at its line), the safe alternative (nothing reported), and the
// same statement allowed with `-- retort:allow <rule>: <reason>`.
#include <gtest/gtest.h>

#include <vector>

#include "lint/rule.hpp"
#include "lint_support.hpp"

namespace retort::lint_test {
namespace {

// The schema the later migrations find: every table here pre-exists.
constexpr const char* kBase = R"(-- Revision ID: base
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), name text, balance numeric(10,2), age int);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX ix_users_email ON users (email);
)";

struct RuleCase {
  const char* rule;
  const char* trigger;  // one statement: reported at line 2 of the migration
  bool trigger_transactional;
  const char* safe;  // the safe pattern; "" when the rule's advice is "do not"
  bool safe_transactional;
};

const RuleCase kCases[] = {
    {"add-index-non-concurrently", "CREATE INDEX ix_users_name ON users (name);", true,
     "CREATE TABLE fresh (id int);\nCREATE INDEX ix_fresh ON fresh (id);", true},
    {"add-index-non-concurrently", "CREATE UNIQUE INDEX ix_orders_user ON orders (user_id);", true,
     "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);", false},
    {"drop-index-non-concurrently", "DROP INDEX ix_users_email;", true,
     "DROP INDEX CONCURRENTLY ix_users_email;", false},
    {"non-transactional-in-transaction", "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);", true,
     "CREATE INDEX CONCURRENTLY ix_users_name ON users (name);", false},
    {"non-transactional-in-transaction", "VACUUM users;", true, "VACUUM users;", false},
    {"add-column-not-null-without-default", "ALTER TABLE users ADD COLUMN score int NOT NULL;", true,
     "ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;", true},
    {"add-column-volatile-default", "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();", true,
     "ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();", true},
    {"add-column-volatile-default", "ALTER TABLE orders ADD COLUMN seq bigserial;", true,
     "ALTER TABLE orders ADD COLUMN seq bigint;", true},
    {"alter-column-type-rewrite", "ALTER TABLE users ALTER COLUMN age TYPE bigint;", true,
     "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);", true},
    {"alter-column-type-rewrite", "ALTER TABLE users ALTER COLUMN email TYPE varchar(50);", true,
     "ALTER TABLE users ALTER COLUMN email TYPE text;", true},
    {"alter-column-type-rewrite", "ALTER TABLE users ALTER COLUMN name TYPE text USING upper(name);", true,
     "ALTER TABLE users ALTER COLUMN balance TYPE numeric(12,2);", true},
    {"set-not-null-without-check", "ALTER TABLE users ALTER COLUMN email SET NOT NULL;", true,
     "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
     "ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\n"
     "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
     false},  // each statement commits: the VALIDATE does not run under the ADD's lock
    {"add-foreign-key-without-not-valid",
     "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);", true,
     "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
     true},
    {"add-foreign-key-without-not-valid", "ALTER TABLE orders ADD COLUMN buyer bigint REFERENCES users (id);",
     true, "CREATE TABLE fresh (id int, buyer bigint);\nALTER TABLE fresh ADD FOREIGN KEY (buyer) REFERENCES users (id);",
     true},
    {"add-check-without-not-valid", "ALTER TABLE users ADD CONSTRAINT users_age CHECK (age >= 0);", true,
     "ALTER TABLE users ADD CONSTRAINT users_age CHECK (age >= 0) NOT VALID;", true},
    {"validate-in-the-adding-transaction",
     "ALTER TABLE users ADD CONSTRAINT users_age CHECK (age >= 0) NOT VALID, VALIDATE CONSTRAINT users_age;", true,
     "ALTER TABLE users VALIDATE CONSTRAINT users_age;", true},
    {"add-unique-without-index", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);", true,
     "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX ix_users_email;", true},
    {"drop-column", "ALTER TABLE users DROP COLUMN name;", true,
     "CREATE TABLE fresh (id int, tmp int);\nALTER TABLE fresh DROP COLUMN tmp;", true},
    {"drop-table", "DROP TABLE orders;", true, "CREATE TABLE fresh (id int);\nDROP TABLE fresh;", true},
    {"rename-column", "ALTER TABLE users RENAME COLUMN name TO full_name;", true,
     "ALTER TABLE users ADD COLUMN full_name text;", true},
    {"rename-table", "ALTER TABLE orders RENAME TO purchases;", true,
     "CREATE TABLE fresh (id int);\nALTER TABLE fresh RENAME TO fresher;", true},
    {"update-without-where", "UPDATE users SET age = 0;", true, "UPDATE users SET age = 0 WHERE id BETWEEN 1 AND 1000;",
     true},
    {"delete-without-where", "DELETE FROM orders;", true, "DELETE FROM orders WHERE user_id IS NULL;", true},
    {"vacuum-full", "VACUUM FULL users;", false, "VACUUM users;", false},
    {"cluster", "CLUSTER users USING ix_users_email;", true, "", true},
    {"reindex-non-concurrently", "REINDEX INDEX ix_users_email;", true, "REINDEX INDEX CONCURRENTLY ix_users_email;",
     false},
    {"lock-table", "LOCK TABLE users IN ACCESS EXCLUSIVE MODE;", true, "", true},
};

class SqlRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(SqlRule, TriggersOnceAtTheStatementsLine) {
  const RuleCase& c = GetParam();
  MigrationSet set;
  set.sql("base", kBase).sql("change", std::string("-- Revision ID: change\n") + c.trigger + "\n",
                             c.trigger_transactional);
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 1u) << c.trigger << "\n" << describe(result);
  const Finding& f = result.findings[0];
  EXPECT_EQ(f.rule, c.rule) << describe(result);
  EXPECT_EQ(f.path, set.path_of("change"));
  EXPECT_EQ(f.line, 2u);
  EXPECT_EQ(f.column, 1u);
  EXPECT_EQ(f.revision, "change");
  const lint::Rule* rule = lint::find_rule(c.rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(f.alternative, rule->alternative);
  EXPECT_EQ(f.severity, rule->error ? lint::Severity::error : lint::Severity::warning);
  EXPECT_EQ(result.failed(), rule->error);
}

// Cases whose rule has a safe form of the statement (cluster and lock-table
// have none: their advice is not to run them in a migration).
class SqlRuleSafeForm : public ::testing::TestWithParam<RuleCase> {};

std::vector<RuleCase> cases_with_a_safe_form() {
  std::vector<RuleCase> cases;
  for (const RuleCase& c : kCases) {
    if (*c.safe != '\0') cases.push_back(c);
  }
  return cases;
}

TEST_P(SqlRuleSafeForm, IsNotReported) {
  const RuleCase& c = GetParam();
  MigrationSet set;
  set.sql("base", kBase).sql("change", std::string("-- Revision ID: change\n") + c.safe + "\n", c.safe_transactional);
  Result result = set.lint();
  EXPECT_TRUE(result.findings.empty()) << c.safe << "\n" << describe(result);
  EXPECT_GT(result.statements_checked, 0u);
}

TEST_P(SqlRule, AnAllowDirectiveWithAReasonSilencesIt) {
  const RuleCase& c = GetParam();
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change",
           std::string("-- Revision ID: change\n-- retort:allow ") + c.rule + ": reviewed with the DBA\n" + c.trigger +
               "\n",
           c.trigger_transactional);
  Result result = set.lint();
  EXPECT_TRUE(result.findings.empty()) << describe(result);
  ASSERT_EQ(result.suppressed.size(), 1u);
  EXPECT_EQ(result.suppressed[0].rule, c.rule);
  EXPECT_EQ(result.suppressed[0].suppressed_reason, "reviewed with the DBA");
}

TEST_P(SqlRule, OnlyTheNamedRuleIsAllowed) {
  const RuleCase& c = GetParam();
  const char* other = std::string_view(c.rule) == "drop-table" ? "drop-column" : "drop-table";
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change",
           std::string("-- Revision ID: change\n-- retort:allow ") + other + ": not this one\n" + c.trigger + "\n",
           c.trigger_transactional);
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, c.rule);
  EXPECT_EQ(result.findings[0].line, 3u);
}

std::string case_name(const ::testing::TestParamInfo<RuleCase>& info) {
  std::string name = std::to_string(info.index) + "_" + info.param.rule;
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllRules, SqlRule, ::testing::ValuesIn(kCases), case_name);
INSTANTIATE_TEST_SUITE_P(AllRules, SqlRuleSafeForm, ::testing::ValuesIn(cases_with_a_safe_form()), case_name);

// PostgreSQL's, that is: SQLite's own are in rules_sqlite_test.cpp.
TEST(SqlRules, EveryRuleHasATriggeringCase) {
  for (const lint::Rule* rule : lint::all_rules()) {
    if (!(rule->dialects & lint::on_postgresql)) continue;
    bool covered = false;
    for (const RuleCase& c : kCases) covered = covered || c.rule == rule->id;
    EXPECT_TRUE(covered) << rule->id;
  }
}

// The ADD and the VALIDATE as separate statements: reported while they
// share a transaction, not once an autocommit block committed the ADD.
TEST(SqlRules, ValidateAfterACommitIsNotUnderTheAddsLock) {
  const std::string add =
      "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n";
  MigrationSet same;
  same.sql("base", kBase).sql("change", add + "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n");
  Result together = same.lint();
  ASSERT_EQ(of_rule(together, "validate-in-the-adding-transaction").size(), 1u) << describe(together);
  EXPECT_EQ(of_rule(together, "validate-in-the-adding-transaction")[0].line, 2u);

  MigrationSet later;
  later.sql("base", kBase).sql("add", add).sql("validate", "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n");
  EXPECT_TRUE(later.lint().findings.empty()) << describe(later.lint());
}

// Index and constraint rules judge tables that existed before the migration;
// a table created earlier in the same migration is new.
TEST(SqlRules, TablesCreatedInTheSameMigrationAreNew) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("change", "CREATE TABLE fresh (id int, email text, user_id bigint);\n"
                     "CREATE INDEX ix_fresh_email ON fresh (email);\n"
                     "ALTER TABLE fresh ADD CONSTRAINT fresh_user FOREIGN KEY (user_id) REFERENCES users (id);\n"
                     "ALTER TABLE fresh ADD CONSTRAINT fresh_email UNIQUE (email);\n"
                     "ALTER TABLE fresh ALTER COLUMN email SET NOT NULL;\n"
                     "ALTER TABLE fresh ADD COLUMN n int NOT NULL;\n")
      .sql("later", "CREATE INDEX ix_fresh_user ON fresh (user_id);\n");
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, "add-index-non-concurrently");
  EXPECT_EQ(result.findings[0].revision, "later");
}

TEST(SqlRules, ACheckValidatedInAnEarlierMigrationLetsSetNotNullPass) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("check", "ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID;\n")
      .sql("validate", "ALTER TABLE users VALIDATE CONSTRAINT users_name_nn;\n")
      .sql("not_null", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
                       "ALTER TABLE users ALTER COLUMN age SET NOT NULL;\n");
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, "set-not-null-without-check");
  EXPECT_EQ(result.findings[0].line, 2u);  // age: its CHECK was never added
}

TEST(SqlRules, AnAllowDirectiveWithoutAReasonIsAnError) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "-- retort:allow drop-table\nDROP TABLE orders;\n");
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 2u) << describe(result);
  EXPECT_TRUE(result.failed());
  EXPECT_EQ(of_rule(result, "allow-directive").at(0).line, 1u);
  EXPECT_NE(of_rule(result, "allow-directive").at(0).message.find("gives no reason"), std::string::npos);
  EXPECT_EQ(of_rule(result, "drop-table").size(), 1u);  // not silenced
}

TEST(SqlRules, AnAllowDirectiveNamingAnUnknownRuleIsAnError) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "-- retort:allow drop-tables: typo\nDROP TABLE orders;\n");
  Result result = set.lint();
  ASSERT_EQ(of_rule(result, "allow-directive").size(), 1u) << describe(result);
  EXPECT_NE(of_rule(result, "allow-directive")[0].message.find("unknown rule 'drop-tables'"), std::string::npos);
  EXPECT_EQ(of_rule(result, "drop-table").size(), 1u);
}

// A directive applies only to the statement directly below its comment block.
TEST(SqlRules, AnAllowDirectiveCoversOnlyTheNextStatement) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "-- retort:allow drop-column: name moved to profiles in release 7\n"
                                       "ALTER TABLE users DROP COLUMN name;\n"
                                       "ALTER TABLE users DROP COLUMN age;\n");
  Result result = set.lint();
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].line, 3u);
  EXPECT_EQ(result.suppressed.size(), 1u);
}

TEST(SqlRules, LintSinceLeavesOlderRevisionsUnjudged) {
  MigrationSet set;
  set.sql("base", kBase)
      .sql("old", "DROP TABLE orders;\n")
      .sql("since", "ALTER TABLE users DROP COLUMN name;\n")
      .sql("new", "ALTER TABLE users RENAME COLUMN age TO years;\n");
  Options options;
  options.since = "since";
  Result result = set.lint(options);
  ASSERT_EQ(result.findings.size(), 2u) << describe(result);
  EXPECT_EQ(result.findings[0].revision, "since");
  EXPECT_EQ(result.findings[1].revision, "new");
  EXPECT_EQ(result.revisions_checked, 2u);
  EXPECT_EQ(set.lint().findings.size(), 3u);  // without it, the whole history
}

TEST(SqlRules, WarningsAsErrorsAndDisabledRules) {
  MigrationSet set;
  set.sql("base", kBase).sql("change", "DROP TABLE orders;\nALTER TABLE users DROP COLUMN name;\n");
  Options strict;
  strict.warnings_as_errors = true;
  Result result = set.lint(strict);
  ASSERT_EQ(result.findings.size(), 2u) << describe(result);
  EXPECT_TRUE(result.failed());
  EXPECT_EQ(result.findings[0].severity, lint::Severity::error);
  Options relaxed;
  relaxed.disabled = {"drop-table"};
  Result without = set.lint(relaxed);
  ASSERT_EQ(without.findings.size(), 1u) << describe(without);
  EXPECT_EQ(without.findings[0].rule, "drop-column");
}

}  // namespace
}  // namespace retort::lint_test
