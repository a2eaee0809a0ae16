// The attacks of issue 16, run through the migrator on the real databases
// and as `--sql` scripts: a raw-SQL fragment that smuggles in a second
// statement, a NUL byte in a value, an enum named like a built-in type.
// Each must be refused with the op's file:line before anything runs, or
// (NULs on SQLite) reach the script and the database intact.
#include <gtest/gtest.h>

#include <fstream>

#include "migrator.hpp"
#include "ops_support.hpp"
#include "retort/migration.hpp"
#include "retort/registry.hpp"

namespace retort::test {
namespace {


// PostgreSQL reads \' inside E'...' as a quote, so each of these is three
// statements there; on SQLite [x'] is one identifier.
constexpr const char* kCheckSmuggle = "c <> E'\\'');DROP TABLE victim;SELECT (E'\\'x'";
constexpr const char* kWhereSmuggle = "c <> E'\\'';DROP TABLE victim;SELECT E'\\'x'";
constexpr const char* kDefaultSmuggle = "E'\\'';DROP TABLE victim;SELECT E'\\'x'";
constexpr const char* kBracketSmuggle = "c <> [x'];DROP TABLE victim;SELECT 1 AS ['x]";

void table_t(Op& op) { op.create_table("t", Column("c", Text), Column("x'", Text)); }

void smuggle_in_check(Op& op) {
  table_t(op);
  op.create_check_constraint("ck", "t", kCheckSmuggle);
}
constexpr unsigned check_line = __LINE__ - 2;

void smuggle_in_where(Op& op) {
  table_t(op);
  op.create_index("ix", "t", {"c"}, {.where = kWhereSmuggle});
}
constexpr unsigned where_line = __LINE__ - 2;

void smuggle_in_default(Op& op) {
  table_t(op);
  op.add_column("t", Column("d", Text).server_default(sql(kDefaultSmuggle)));
}
constexpr unsigned default_line = __LINE__ - 2;

void smuggle_in_brackets(Op& op) {
  table_t(op);
  op.create_index("ix", "t", {"c"}, {.where = kBracketSmuggle});
}
constexpr unsigned brackets_line = __LINE__ - 2;

constexpr std::string_view kNulText("ab\0cd", 5);

void nul_in_bulk_insert(Op& op) {
  op.create_table("notes", Column("id", Integer).primary_key(), Column("body", Text));
  op.bulk_insert("notes", {"id", "body"}, {{1, kNulText}});
}
constexpr unsigned bulk_line = __LINE__ - 2;

void nul_in_parameter(Op& op) {
  op.create_table("notes", Column("id", Integer).primary_key(), Column("body", Text));
  op.execute("INSERT INTO notes (id, body) VALUES (?, ?)", {2, kNulText});
}
constexpr unsigned parameter_line = __LINE__ - 2;

// A NUL inside the statement itself: the libraries would stop reading there.
void nul_in_statement(Op& op) {
  op.create_table("notes", Column("id", Integer).primary_key(), Column("body", Text));
  constexpr char kText[] = "INSERT INTO notes (id, body) VALUES (3, 'kept')\0; DROP TABLE notes";
  op.execute(std::string(kText, sizeof kText - 1));
}
constexpr unsigned statement_line = __LINE__ - 2;

void enum_named_real(Op& op) { op.create_enum(Enum("real", {"happy", "sad"})); }
constexpr unsigned real_line = __LINE__ - 1;

void enum_column_named_interval(Op& op) {
  op.create_table("people", Column("id", Integer).primary_key(), Column("mood", Enum("interval", {"happy", "sad"})));
}
constexpr unsigned interval_line = __LINE__ - 2;

// A one-revision set around `upgrade`, reported as this file.
struct OneRevision {
  explicit OneRevision(MigrationFn upgrade)
      : migration{.id = "attack1", .message = "attack", .source_path = __FILE__, .source_line = 1,
                  .checksum = "sha256:1", .transactional = true, .upgrade = upgrade, .downgrade = upgrade},
        registry{"attacks", "/src/migrations", std::span<const Migration>(&migration, 1)} {}
  detail::Migrator migrator() const { return detail::Migrator(registry, detail::VersionTable("retort_version", "")); }
  Migration migration;
  Registry registry;
};

std::string online_failure(const OneRevision& set, TestDatabase& database) {
  try {
    set.migrator().upgrade(database.db(), "head", TransactionMode::per_migration, {});
  } catch (const Error& e) {
    return e.what();
  }
  return "(the upgrade succeeded)";
}

std::string offline_failure(const OneRevision& set, SqlDialect dialect) {
  try {
    std::string script = set.migrator().upgrade_sql(dialect, "head", TransactionMode::per_migration, {});
    return "(the script was written)\n" + script;
  } catch (const Error& e) {
    return e.what();
  }
}

// The refusal the migrator reports, without what it adds around it (the
// revision, online the rollback and the version table).
std::string reason(const std::string& message) {
  std::size_t start = message.find(" failed: ");
  if (start == std::string::npos) start = message.find(" cannot be written as SQL: ");
  if (start == std::string::npos) return message;
  start = message.find(": ", start) + 2;
  return message.substr(start, message.find('\n', start) - start);
}

void expect_refused_at(const std::string& message, unsigned line, const std::string& because) {
  EXPECT_NE(message.find(std::string(__FILE__) + ":" + std::to_string(line) + ": error: "), std::string::npos)
      << message;
  EXPECT_NE(message.find(because), std::string::npos) << message;
}

bool victim_exists(TestDatabase& database) {
  return database.value(database.dialect() == SqlDialect::postgresql
                            ? "SELECT count(*) FROM pg_tables WHERE tablename = 'victim'"
                            : "SELECT count(*) FROM sqlite_master WHERE name = 'victim'") == "1";
}

class Attacks : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
  bool postgres() const { return GetParam() == SqlDialect::postgresql; }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, Attacks, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

TEST_P(Attacks, AFragmentHidingASecondStatementIsRefusedOnlineAndOffline) {
  struct Case {
    MigrationFn upgrade;
    unsigned line;
  };
  std::vector<Case> cases = {{smuggle_in_where, where_line}, {smuggle_in_brackets, brackets_line}};
  if (postgres()) {
    cases.push_back({smuggle_in_check, check_line});  // SQLite adds CHECK constraints through batch mode
    cases.push_back({smuggle_in_default, default_line});
  }
  for (const auto& c : cases) {
    SCOPED_TRACE("line " + std::to_string(c.line));
    auto database = TestDatabase::open(GetParam(), "attack_fragment");
    database->db().execute("CREATE TABLE victim (id INTEGER)");
    OneRevision set(c.upgrade);
    std::string online = online_failure(set, *database);
    expect_refused_at(online, c.line, "verbatim");
    EXPECT_TRUE(victim_exists(*database));
    EXPECT_EQ(database->value("SELECT count(*) FROM retort_version"), "0");
    std::string offline = offline_failure(set, GetParam());
    expect_refused_at(offline, c.line, "verbatim");
    EXPECT_EQ(reason(offline), reason(online));
  }
}

TEST_P(Attacks, FragmentsTheServerReadsAsOneExpressionStillRun) {
  auto database = TestDatabase::open(GetParam(), "attack_legit_fragment");
  Op& op = database->op();
  table_t(op);
  op.create_index("ix_bracket", "t", {"c"}, {.where = postgres() ? "\"x'\" <> ';'" : "[x'] <> ';'"});
  if (postgres()) {
    // Backslash escapes, dollar quotes and comments that PostgreSQL reads inside one expression.
    op.create_check_constraint("ck_quote", "t", "c <> E'it\\'s' /* ) ; */");
    op.add_column("t", Column("d", Text).server_default(sql("$$a;b$$")));
    op.execute("INSERT INTO t (c) VALUES ('fine')");
    EXPECT_EQ(database->value("SELECT d FROM t"), "a;b");
    EXPECT_THROW(op.execute("INSERT INTO t (c) VALUES ('it''s')"), DatabaseError);
  }
  EXPECT_EQ(database->value(postgres() ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_bracket'"
                                       : "SELECT count(*) FROM sqlite_master WHERE name = 'ix_bracket'"),
            "1");
}

TEST_P(Attacks, ANulInTextIsRefusedForPostgresqlAndKeptBySqlite) {
  for (auto [upgrade, line] : {std::pair{&nul_in_bulk_insert, bulk_line}, std::pair{&nul_in_parameter, parameter_line}}) {
    SCOPED_TRACE("line " + std::to_string(line));
    OneRevision set(upgrade);
    auto online = TestDatabase::open(GetParam(), "attack_nul");
    if (postgres()) {
      std::string message = online_failure(set, *online);
      expect_refused_at(message, line, "NUL byte");
      EXPECT_EQ(online->value("SELECT count(*) FROM pg_tables WHERE tablename = 'notes'"), "0");
      std::string offline = offline_failure(set, GetParam());
      expect_refused_at(offline, line, "NUL byte");
      EXPECT_EQ(reason(offline), reason(message));
      continue;
    }
    set.migrator().upgrade(online->db(), "head", TransactionMode::per_migration, {});
    auto scripted = TestDatabase::open(GetParam(), "attack_nul_script");
    TempDir dir;
    std::string path = (dir / "script.sql").string();
    std::ofstream(path, std::ios::binary) << set.migrator().upgrade_sql(GetParam(), "head",
                                                                       TransactionMode::per_migration, {});
    std::string output;
    ASSERT_EQ(run_command("sqlite3 -bail '" + scripted->client_target() + "' < " + path, output), 0) << output;
    EXPECT_EQ(online->value("SELECT hex(body) FROM notes"), "6162006364");
    EXPECT_EQ(scripted->value("SELECT hex(body) FROM notes"), "6162006364");
  }
}

TEST_P(Attacks, ANulInsideAStatementIsRefusedOnlineAndOffline) {
  OneRevision set(&nul_in_statement);
  auto online = TestDatabase::open(GetParam(), "attack_nul_statement");
  std::string message = online_failure(set, *online);
  expect_refused_at(message, statement_line, "contains a NUL byte at offset 47");
  std::string offline = offline_failure(set, GetParam());
  expect_refused_at(offline, statement_line, "contains a NUL byte at offset 47");
  EXPECT_EQ(online->value(postgres() ? "SELECT count(*) FROM pg_tables WHERE tablename = 'notes'"
                                     : "SELECT count(*) FROM sqlite_master WHERE name = 'notes'"),
            "0");
}

TEST(EnumAttacks, AnEnumNamedLikeABuiltInTypeIsRefused) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  for (auto [upgrade, line] : {std::pair{&enum_named_real, real_line}, std::pair{&enum_column_named_interval, interval_line}}) {
    SCOPED_TRACE("line " + std::to_string(line));
    auto database = TestDatabase::open(SqlDialect::postgresql, "attack_enum");
    OneRevision set(upgrade);
    std::string message = online_failure(set, *database);
    expect_refused_at(message, line, "built-in");
    EXPECT_EQ(database->value("SELECT count(*) FROM pg_type WHERE typtype = 'e'"), "0");
    std::string offline = offline_failure(set, SqlDialect::postgresql);
    expect_refused_at(offline, line, "built-in");
    EXPECT_EQ(reason(offline), reason(message));
  }
}

TEST(EnumAttacks, EveryTypeNameThePostgresqlCatalogResolvesIsRefused) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "attack_enum_catalog");
  // pg_catalog is searched before any schema, so an enum of one of these
  // names would never be the type its columns get.
  std::vector<std::string> names =
      database->rows("SELECT typname FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace ORDER BY typname");
  ASSERT_GT(names.size(), 100u);
  for (const std::string& name : names) {
    EXPECT_THROW(database->op().create_enum(Enum(name, {"a"})), Error) << name;
  }
  database->op().create_enum(Enum("mood", {"happy", "sad"}));
  EXPECT_EQ(database->value("SELECT count(*) FROM pg_type WHERE typname = 'mood'"), "1");
}

}  // namespace
}  // namespace retort::test
