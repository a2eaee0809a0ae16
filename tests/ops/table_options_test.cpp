// TableOptions on real databases: PostgreSQL's UNLOGGED and partitioning
// (PARTITION BY, PARTITION OF, ATTACH/DETACH PARTITION), SQLite's
// AUTOINCREMENT, WITHOUT ROWID and STRICT; each checked in the catalog,
// after the downgrade and offline = online (round_trip), each option
// refused by the other database with a message naming it, and SQLite's
// batch copy keeping the options and the AUTOINCREMENT counter.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {

void expect_contains(const std::string& text, const std::string& part) {
  EXPECT_NE(text.find(part), std::string::npos) << "expected: " << part << "\nin: " << text;
}

void up_postgresql(Op& op) {
  op.create_table("metrics", Column("id", Integer).primary_key(), Column("v", Text),
                  TableOptions{.postgresql_unlogged = true});
  op.create_table("events", Column("id", BigInteger).nullable(false), Column("created_at", Date).nullable(false),
                  Column("region", Text), PrimaryKeyConstraint({"id", "created_at"}),
                  TableOptions{.postgresql_partition_by = "RANGE (created_at)"});
  op.create_table("events_2026", TableOptions{.postgresql_partition_of = "events",
                                              .postgresql_partition_bounds =
                                                  "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"});
  op.create_table("events_old", Column("id", BigInteger).nullable(false), Column("created_at", Date).nullable(false),
                  Column("region", Text));
  op.attach_partition("events", "events_old", "FOR VALUES FROM (MINVALUE) TO ('2026-01-01')");
  op.create_table("events_rest", CheckConstraint("region IS NOT NULL", {.name = "ck_events_rest_region"}),
                  TableOptions{.postgresql_partition_of = "events", .postgresql_partition_bounds = "DEFAULT"});
  op.create_table("shards", Column("id", Integer).nullable(false), Column("tag", Text),
                  TableOptions{.postgresql_partition_by = "HASH (id)"});
  op.create_table("shards_0", TableOptions{.postgresql_unlogged = true, .postgresql_partition_of = "shards",
                                           .postgresql_partition_bounds = "FOR VALUES WITH (MODULUS 2, REMAINDER 0)"});
  op.create_table("regions", Column("name", Text), TableOptions{.postgresql_partition_by = "LIST (lower(name))"});
}

void down_postgresql(Op& op) {
  op.drop_table("regions");
  op.drop_table("shards_0");
  op.drop_table("shards");
  op.drop_table("events_rest");
  op.detach_partition("events", "events_old");
  op.drop_table("events_old");
  op.drop_table("events_2026");
  op.drop_table("events");
  op.drop_table("metrics");
}

TEST(TableOptions, UnloggedAndPartitionsRoundTripOnPostgresql) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_postgresql, down_postgresql, "table_options");
  expect_lines(upgraded, {
      "table metrics UNLOGGED",
      "table events PARTITION BY RANGE (created_at)",
      "table events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
      "table events_old PARTITION OF events FOR VALUES FROM (MINVALUE) TO ('2026-01-01')",
      "table events_rest PARTITION OF events DEFAULT",
      "constraint events_rest ck_events_rest_region CHECK ((region IS NOT NULL))",
      "table shards PARTITION BY HASH (id)",
      "table shards_0 UNLOGGED PARTITION OF shards FOR VALUES WITH (modulus 2, remainder 0)",
      "table regions PARTITION BY LIST (lower(name))",
  });

  auto database = TestDatabase::open(SqlDialect::postgresql, "table_options_rows");
  Op& op = database->op();
  up_postgresql(op);
  EXPECT_EQ(database->value("SELECT relpersistence FROM pg_class WHERE relname = 'metrics'"), "u");
  EXPECT_EQ(database->value("SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'events'::regclass"), "r");
  EXPECT_EQ(database->value("SELECT relispartition FROM pg_class WHERE relname = 'events_old'"), "t");
  op.execute("INSERT INTO events (id, created_at, region) VALUES (1, '2026-05-01', 'eu'), (2, '2020-01-01', 'us'), "
             "(3, '2030-01-01', 'eu')");
  EXPECT_EQ(database->rows("SELECT tableoid::regclass || ' ' || id FROM events ORDER BY id"),
            (std::vector<std::string>{"events_2026 1", "events_old 2", "events_rest 3"}));
  // The default partition's own CHECK holds.
  EXPECT_THROW(op.execute("INSERT INTO events (id, created_at) VALUES (4, '2031-01-01')"), DatabaseError);
  op.detach_partition("events", "events_old");
  EXPECT_EQ(database->value("SELECT relispartition FROM pg_class WHERE relname = 'events_old'"), "f");
  EXPECT_EQ(database->value("SELECT count(*) FROM events"), "2");
}

TEST(TableOptions, PostgresqlRendersThePartitionStatements) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "table_options_sql");
  up_postgresql(database->op());
  std::vector<std::string> ran;
  for (const auto& s : database->sink().statements) ran.push_back(s.sql);
  EXPECT_EQ(ran[0], "CREATE UNLOGGED TABLE metrics (\n    id SERIAL NOT NULL,\n    v TEXT,\n    PRIMARY KEY (id)\n)");
  EXPECT_EQ(ran[1], "CREATE TABLE events (\n    id BIGINT NOT NULL,\n    created_at DATE NOT NULL,\n    region TEXT,\n"
                    "    PRIMARY KEY (id, created_at)\n) PARTITION BY RANGE (created_at)");
  EXPECT_EQ(ran[2], "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
  EXPECT_EQ(ran[4], "ALTER TABLE events ATTACH PARTITION events_old FOR VALUES FROM (MINVALUE) TO ('2026-01-01')");
  EXPECT_EQ(ran[5], "CREATE TABLE events_rest PARTITION OF events (\n    CONSTRAINT ck_events_rest_region CHECK "
                    "(region IS NOT NULL)\n) DEFAULT");
}

TEST(TableOptions, PostgresqlRefusesSqliteOptionsAndBadPartitionsNamingThem) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "table_options_refusals");
  Op& op = database->op();
  op.create_table("events", Column("id", Integer).nullable(false), TableOptions{.postgresql_partition_by = "LIST (id)"});
  const std::string before = database->schema();
  const unsigned line = __LINE__ + 2;
  std::string autoincrement = error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(), TableOptions{.sqlite_autoincrement = true});
  });
  expect_contains(autoincrement, "TableOptions{.sqlite_autoincrement = true} is a SQLite table option");
  expect_contains(autoincrement, "Leave it out on PostgreSQL (if (op.dialect() == retort::SqlDialect::sqlite) ...)");
  expect_contains(autoincrement, "at line " + std::to_string(line));
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(), TableOptions{.sqlite_with_rowid = false});
  }), "TableOptions{.sqlite_with_rowid = false} is a SQLite table option: PostgreSQL tables have no rowid");
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(), TableOptions{.sqlite_strict = true});
  }), "TableOptions{.sqlite_strict = true} is a SQLite table option");
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer),
                    TableOptions{.postgresql_unlogged = true, .postgresql_partition_by = "HASH (id)"});
  }), "PostgreSQL cannot make the partitioned table \"t\" UNLOGGED");
  expect_contains(error_of([&] { op.create_table("p", TableOptions{.postgresql_partition_of = "events"}); }),
                  "the partition \"p\" of \"events\" has no bounds");
  expect_contains(error_of([&] {
    op.create_table("p", Column("id", Integer), TableOptions{.postgresql_partition_bounds = "DEFAULT"});
  }), "has .postgresql_partition_bounds but no .postgresql_partition_of");
  expect_contains(error_of([&] {
    op.create_table("p", Column("id", Integer),
                    TableOptions{.postgresql_partition_of = "events", .postgresql_partition_bounds = "DEFAULT"});
  }), "the partition \"p\" takes its columns from \"events\"; give it no Column");
  expect_contains(error_of([&] { op.create_table("p", TableOptions{}); }), "create_table needs at least one Column");
  expect_contains(error_of([&] {
    op.create_table("p", TableOptions{.postgresql_partition_of = "audit.events", .postgresql_partition_bounds = "DEFAULT"});
  }), "the partitioned table name \"audit.events\" contains a dot");
  // The raw fragments pass PostgreSQL's grammar as exactly one clause.
  for (const char* key : {"RANGE (id); DROP TABLE events", "RANGE (id) WITH (fillfactor = 50)", "RANGE (id) --",
                          "RANGE (id) TABLESPACE pg_default"}) {
    expect_contains(error_of([&] {
      op.create_table("t", Column("id", Integer), TableOptions{.postgresql_partition_by = key});
    }), "the postgresql_partition_by `" + std::string(key) + "`");
  }
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer), TableOptions{.postgresql_partition_by = "BY_MONTH (id)"});
  }), "names the strategy \"by_month\", which is not RANGE, LIST or HASH");
  for (const char* bounds : {"DEFAULT; DROP TABLE events", "FOR VALUES IN (1) PARTITION BY LIST (id)", "IN (1)",
                             "DEFAULT /* the rest */"}) {
    expect_contains(error_of([&] {
      op.create_table("p", TableOptions{.postgresql_partition_of = "events", .postgresql_partition_bounds = bounds});
    }), "the postgresql_partition_bounds `" + std::string(bounds) + "`");
  }
  op.create_table("loose", Column("id", Integer).nullable(false));
  std::string attach = error_of([&] { op.attach_partition("events", "loose", "FOR VALUES IN (1)); DROP TABLE x; --"); });
  expect_contains(attach, "op.attach_partition(\"events\", \"loose\")");
  expect_contains(attach, "must be a single SQL partition bound (FOR VALUES ... or DEFAULT)");
  op.drop_table("loose");
  EXPECT_EQ(database->schema(), before);
}

void up_sqlite(Op& op) {
  op.create_table("counters", Column("id", Integer).primary_key(), Column("n", Integer),
                  TableOptions{.sqlite_autoincrement = true});
  op.create_table("pairs", Column("a", Integer), Column("b", Text), PrimaryKeyConstraint({"a", "b"}),
                  TableOptions{.sqlite_with_rowid = false});
  op.create_table("readings", Column("id", Integer).primary_key(), Column("value", Raw("REAL")), Column("note", Text),
                  TableOptions{.sqlite_strict = true});
  op.create_table("blobs", Column("k", Text).primary_key(), Column("v", LargeBinary),
                  TableOptions{.sqlite_with_rowid = false, .sqlite_strict = true});
  op.create_table("tickets", Column("id", Integer), PrimaryKeyConstraint({"id"}, {.name = "pk_tickets"}),
                  TableOptions{.sqlite_autoincrement = true, .sqlite_strict = true});
}

void down_sqlite(Op& op) {
  for (const char* table : {"tickets", "blobs", "readings", "pairs", "counters"}) op.drop_table(table);
}

TEST(TableOptions, SqliteOptionsRoundTrip) {
  std::string upgraded = expect_round_trip(SqlDialect::sqlite, up_sqlite, down_sqlite, "table_options_sqlite");
  expect_lines(upgraded, {"table counters AUTOINCREMENT", "table pairs WITHOUT ROWID", "table readings STRICT",
                          "table blobs WITHOUT ROWID STRICT", "table tickets STRICT AUTOINCREMENT"});

  auto database = TestDatabase::open(SqlDialect::sqlite, "table_options_sqlite_rows");
  Op& op = database->op();
  up_sqlite(op);
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'counters'"),
            "CREATE TABLE counters (\n    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    n INTEGER\n)");
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'tickets'"),
            "CREATE TABLE tickets (\n    id INTEGER NOT NULL CONSTRAINT pk_tickets PRIMARY KEY AUTOINCREMENT\n) STRICT");
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'blobs'"),
            "CREATE TABLE blobs (\n    k TEXT NOT NULL,\n    v BLOB,\n    PRIMARY KEY (k)\n) WITHOUT ROWID, STRICT");
  // AUTOINCREMENT: an id is never handed out again, even after a delete.
  op.execute("INSERT INTO counters (n) VALUES (1), (2), (3)");
  op.execute("DELETE FROM counters WHERE id = 3");
  op.execute("INSERT INTO counters (n) VALUES (4)");
  EXPECT_EQ(database->value("SELECT max(id) FROM counters"), "4");
  EXPECT_EQ(database->value("SELECT seq FROM sqlite_sequence WHERE name = 'counters'"), "4");
  // STRICT: the declared type is enforced.
  EXPECT_THROW(op.execute("INSERT INTO readings (value) VALUES ('warm')"), DatabaseError);
  // WITHOUT ROWID: there is no rowid to select.
  EXPECT_THROW(database->rows("SELECT rowid FROM pairs"), DatabaseError);
}

TEST(TableOptions, SqliteRefusesPostgresqlOptionsAndImpossibleCombinations) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "table_options_sqlite_refusals");
  Op& op = database->op();
  const unsigned line = __LINE__ + 2;
  std::string unlogged = error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(), TableOptions{.postgresql_unlogged = true});
  });
  expect_contains(unlogged, "SQLite has no unlogged tables: durability is set per database file");
  expect_contains(unlogged, "Leave .postgresql_unlogged out on SQLite (if (op.dialect() == "
                            "retort::SqlDialect::postgresql) ...)");
  expect_contains(unlogged, "at line " + std::to_string(line));
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer), TableOptions{.postgresql_partition_by = "RANGE (id)"});
  }), "SQLite has no table partitioning (.postgresql_partition_by)");
  expect_contains(error_of([&] {
    op.create_table("t", TableOptions{.postgresql_partition_of = "p", .postgresql_partition_bounds = "DEFAULT"});
  }), "SQLite has no table partitioning (.postgresql_partition_of)");
  std::string attach = error_of([&] { op.attach_partition("p", "t", "DEFAULT"); });
  expect_contains(attach, "op.attach_partition(\"p\", \"t\")");
  expect_contains(attach, "SQLite has no table partitioning (op.attach_partition)");
  expect_contains(error_of([&] { op.detach_partition("p", "t"); }),
                  "SQLite has no table partitioning (op.detach_partition)");
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer), TableOptions{.sqlite_with_rowid = false});
  }), "the WITHOUT ROWID table \"t\" needs a primary key");
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(),
                    TableOptions{.sqlite_autoincrement = true, .sqlite_with_rowid = false});
  }), "AUTOINCREMENT counts the rowid, which a WITHOUT ROWID table does not have");
  expect_contains(error_of([&] {
    op.create_table("t", Column("code", Text).primary_key(), TableOptions{.sqlite_autoincrement = true});
  }), "AUTOINCREMENT needs the primary key to be declared INTEGER (the rowid), and \"code\" is TEXT");
  expect_contains(error_of([&] {
    op.create_table("t", Column("a", Integer), Column("b", Integer), PrimaryKeyConstraint({"a", "b"}),
                    TableOptions{.sqlite_autoincrement = true});
  }), "AUTOINCREMENT needs a primary key of one INTEGER column");
  expect_contains(error_of([&] {
    op.create_table("t", Column("id", Integer).primary_key(), Column("name", String(50)),
                    TableOptions{.sqlite_strict = true});
  }), "the STRICT table \"t\" takes only the column types INT, INTEGER, REAL, TEXT, BLOB and ANY, and column "
      "\"name\" is VARCHAR(50)");
  EXPECT_EQ(database->rows("SELECT name FROM sqlite_master"), std::vector<std::string>{});
}

TEST(TableOptions, SqliteBatchCopyKeepsTheOptionsAndTheAutoincrementCounter) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "table_options_batch");
  Op& op = database->op();
  up_sqlite(op);
  // Written by hand, as SQLite's own text: the copy reads it back.
  op.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER)");
  op.execute("CREATE TABLE tagged (a INTEGER, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID, STRICT");
  for (const char* table : {"counters", "legacy"}) {
    op.execute(std::string("INSERT INTO ") + table + " (n) VALUES (1), (2), (3), (4), (5)");
    op.execute(std::string("DELETE FROM ") + table + " WHERE id > 3");  // the counter stays at 5
  }
  op.execute("INSERT INTO tagged VALUES (1, 'x')");
  op.execute("INSERT INTO pairs VALUES (1, 'y')");

  for (const char* table : {"counters", "legacy"}) {
    op.batch_alter_table(table, [](BatchOp& batch) { batch.alter_column("n", {.nullable = false}); });
    EXPECT_EQ(database->value(std::string("SELECT seq FROM sqlite_sequence WHERE name = '") + table + "'"), "5")
        << table;
    op.execute(std::string("INSERT INTO ") + table + " (n) VALUES (6)");
    EXPECT_EQ(database->value(std::string("SELECT max(id) FROM ") + table), "6") << table;
  }
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'counters'"),
            "CREATE TABLE \"counters\" (\n    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n    n INTEGER NOT NULL\n)");
  EXPECT_EQ(database->rows("SELECT name FROM sqlite_sequence ORDER BY name"),
            (std::vector<std::string>{"counters", "legacy"}));
  op.batch_alter_table("tagged", [](BatchOp& batch) { batch.add_column(Column("c", Integer)); },
                       {.recreate = Recreate::always});
  op.batch_alter_table("pairs", [](BatchOp& batch) { batch.alter_column("b", {.nullable = true}); });
  op.batch_alter_table("tickets", [](BatchOp& batch) { batch.add_column(Column("note", Text)); },
                       {.recreate = Recreate::always});
  expect_contains(database->value("SELECT sql FROM sqlite_master WHERE name = 'tickets'"),
                  "id INTEGER NOT NULL CONSTRAINT pk_tickets PRIMARY KEY AUTOINCREMENT");
  std::string after = database->schema();
  expect_lines(after, {"table counters AUTOINCREMENT", "table legacy AUTOINCREMENT", "table pairs WITHOUT ROWID",
                       "table tagged WITHOUT ROWID STRICT", "table tickets STRICT AUTOINCREMENT"});
  EXPECT_EQ(database->value("SELECT a || b FROM tagged"), "1x");
  EXPECT_EQ(database->value("SELECT a || b FROM pairs"), "1y");
  EXPECT_THROW(op.execute("INSERT INTO tagged VALUES ('one', 'z', 1)"), DatabaseError);  // still STRICT

  // A change that the kept option cannot take is refused under the table's own name.
  std::string strict = error_of([&] {
    op.batch_alter_table("readings", [](BatchOp& batch) { batch.alter_column("note", {.type = String(20)}); });
  });
  expect_contains(strict, "batch_alter_table(\"readings\")");
  expect_contains(strict, "the STRICT table \"readings\" takes only the column types");
}

}  // namespace
}  // namespace retort::test
