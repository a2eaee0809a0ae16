// PostgreSQL's everyday types beyond the portable ones: network addresses,
// full-text vectors, money, the citext extension type, ranges, intervals and
// arrays of any of them; and column collations. Checked online, offline (through psql) and after
// the downgrade; SQLite refuses each, naming the line and what to use.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {


void up_types(Op& op) {
  op.execute("CREATE EXTENSION citext");
  op.create_table("hosts", Column("id", Integer).primary_key(), Column("addr", INET), Column("net", CIDR),
                  Column("mac", MACADDR), Column("doc", TSVECTOR), Column("price", MONEY), Column("name", CITEXT),
                  Column("ports", INT4RANGE), Column("big", INT8RANGE), Column("amount", NUMRANGE),
                  Column("days", DATERANGE), Column("during", TSRANGE), Column("during_tz", TSTZRANGE),
                  Column("every", Interval), Column("addrs", Array(INET)),
                  Column("moods", Array(Enum("mood", {"calm", "busy"}))), Column("aliases", Array(CITEXT)),
                  Column("windows", Array(TSTZRANGE)));
  op.add_column("hosts", Column("search", TSVECTOR));
  op.create_index("ix_hosts_search", "hosts", {"search"}, {.method = "gin"});
}

void down_types(Op& op) {
  op.drop_index("ix_hosts_search");
  op.drop_column("hosts", "search");
  op.drop_table("hosts", Enum("mood"));
  op.execute("DROP EXTENSION citext");
}

TEST(PostgresqlTypes, EveryDailyTypeIsFirstClassAndRoundTrips) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_types, down_types, "pg_types");
  expect_lines(upgraded, {
      "column hosts.2 addr inet",
      "column hosts.3 net cidr",
      "column hosts.4 mac macaddr",
      "column hosts.5 doc tsvector",
      "column hosts.6 price money",
      "column hosts.7 name citext",
      "column hosts.8 ports int4range",
      "column hosts.9 big int8range",
      "column hosts.10 amount numrange",
      "column hosts.11 days daterange",
      "column hosts.12 during tsrange",
      "column hosts.13 during_tz tstzrange",
      "column hosts.14 every interval",
      "column hosts.15 addrs inet[]",
      "column hosts.16 moods mood[]",
      "column hosts.17 aliases citext[]",
      "column hosts.18 windows tstzrange[]",
      "column hosts.19 search tsvector",
      "index CREATE INDEX ix_hosts_search ON public.hosts USING gin (search)",
  });
  auto database = TestDatabase::open(SqlDialect::postgresql, "pg_types_rows");
  Op& op = database->op();
  up_types(op);
  op.execute("INSERT INTO hosts (addr, net, name, ports, moods, every) VALUES "
             "('10.0.0.7', '10.0.0.0/8', 'Web', '[80,90)', '{busy}', '1 day')");
  EXPECT_EQ(database->value("SELECT addr << net, name = 'WEB', 85 <@ ports, moods[1], every FROM hosts"),
            "t|t|t|busy|1 day");
}

TEST(PostgresqlTypes, SqliteRefusesEachWithTheLineAndTheAlternative) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "pg_types_sqlite");
  Op& op = database->op();
  const std::pair<Type, std::string> cases[] = {
      {INET, "store the address as retort::String"}, {CIDR, "network types"}, {MACADDR, "network types"},
      {TSVECTOR, "FTS5 virtual table"},             {MONEY, "use retort::Numeric(p, s)"},
      {CITEXT, "citext extension"},                 {INT4RANGE, "range types are PostgreSQL's"},
      {TSTZRANGE, "store the two bounds"},           {Array(INET), "SQLite has no ARRAY type"},
  };
  for (const auto& item : cases) {
    const Type type = item.first;  // a structured binding cannot be captured (clang 14)
    const std::string& expected = item.second;
    const unsigned line = __LINE__ + 1;
    std::string message = error_of([&] { op.create_table("t", Column("c", type)); });
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_NE(message.find("op.create_table(\"t\") at line " + std::to_string(line)), std::string::npos) << message;
  }
  EXPECT_EQ(database->schema(), "");
  // Interval stays portable: SQLAlchemy's DATETIME on SQLite.
  op.create_table("t", Column("every", Interval));
  EXPECT_NE(database->schema().find("column t 0|every|DATETIME|0|NULL|0"), std::string::npos) << database->schema();
}

void up_collation(Op& op) {
  const bool pg = op.dialect() == SqlDialect::postgresql;
  op.create_table("tags", Column("id", Integer).primary_key(), Column("name", Text).collation(pg ? "C" : "NOCASE"));
  op.add_column("tags", Column("label", String(20)).collation(pg ? "POSIX" : "RTRIM"));
}

void down_collation(Op& op) {
  op.drop_column("tags", "label");
  op.drop_table("tags");
}

class Collation : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, Collation, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

TEST_P(Collation, AColumnsCollationRoundTripsAndHolds) {
  const bool pg = GetParam() == SqlDialect::postgresql;
  std::string upgraded = expect_round_trip(GetParam(), up_collation, down_collation, "collation");
  if (pg) expect_lines(upgraded, {"column tags.2 name text COLLATE C", "column tags.3 label character varying(20) COLLATE POSIX"});
  auto database = TestDatabase::open(GetParam(), "collation_rows");
  up_collation(database->op());
  if (pg) {
    EXPECT_EQ(database->rows("SELECT attname || ' ' || collname FROM pg_attribute a JOIN pg_collation c ON c.oid = "
                             "a.attcollation WHERE attrelid = 'tags'::regclass ORDER BY attnum"),
              (std::vector<std::string>{"name C", "label POSIX"}));
  } else {
    database->op().execute("INSERT INTO tags (name) VALUES ('Web')");
    EXPECT_EQ(database->value("SELECT count(*) FROM tags WHERE name = 'WEB'"), "1");  // NOCASE
    // The batch copy keeps the collation (SQLite reports it only in the CREATE TABLE text).
    database->op().batch_alter_table("tags", [](BatchOp& batch) { batch.create_check_constraint("ck", "id > 0"); });
    EXPECT_EQ(database->value("SELECT count(*) FROM tags WHERE name = 'WEB'"), "1");
    std::string create = database->value("SELECT sql FROM sqlite_master WHERE name = 'tags'");
    EXPECT_NE(create.find("name TEXT COLLATE \"NOCASE\""), std::string::npos) << create;
    EXPECT_NE(create.find("COLLATE \"RTRIM\""), std::string::npos) << create;
  }
}

// SQLite's pragmas report a UNIQUE's columns without the collation written
// inside its list, so the copy would silently make it case-sensitive.
TEST(CollationInBatch, SqliteRefusesACollationInsideAKeyItCannotKeep) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "collation_in_key");
  Op& op = database->op();
  op.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT, note TEXT, UNIQUE (name COLLATE NOCASE), "
             "CHECK (note COLLATE NOCASE <> 'x'))");
  std::string before = database->value("SELECT sql FROM sqlite_master WHERE name = 'tags'");
  const unsigned line = __LINE__ + 2;
  std::string message =
      error_of([&] { op.batch_alter_table("tags", [](BatchOp& batch) { batch.drop_column("note"); }); });
  EXPECT_NE(message.find("a COLLATE clause in a UNIQUE or PRIMARY KEY column list, which Retort's copy-and-move "
                         "would not keep"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("at line " + std::to_string(line)), std::string::npos) << message;
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'tags'"), before);

  // A COLLATE inside a CHECK is kept as written, so that table copies.
  op.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, CHECK (body COLLATE NOCASE <> 'x'))");
  op.batch_alter_table(
      "notes", [](BatchOp& batch) { batch.add_column(Column("n", Integer).nullable(false).server_default(0)); },
      {.recreate = Recreate::always});
  std::string copied = database->value("SELECT sql FROM sqlite_master WHERE name = 'notes'");
  EXPECT_NE(copied.find("CHECK (body COLLATE NOCASE <> 'x')"), std::string::npos) << copied;
  EXPECT_NE(copied.find("n INTEGER DEFAULT 0 NOT NULL"), std::string::npos) << copied;  // the copy did run
}

}  // namespace
}  // namespace retort::test
