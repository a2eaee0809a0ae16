// batch_alter_table's options (issue #15): insert_before/insert_after for
// added columns, copy_from (a given table definition, which also renders
// offline) and naming_convention (names for unnamed constraints), on real
// SQLite files and PostgreSQL.
#include <gtest/gtest.h>

#include "ops_support.hpp"
#include "retort/error.hpp"
#include "round_trip.hpp"
#include "sinks.hpp"

namespace retort::test {
namespace {

std::vector<std::string> statements_of(RecordingSink& sink) {
  std::vector<std::string> out;
  for (const auto& s : sink.statements) out.push_back(s.sql);
  sink.statements.clear();
  return out;
}

const char* const columns_of_people = "SELECT name FROM pragma_table_info('people') ORDER BY cid";

void create_people(Op& op) {
  op.create_table("people", Column("id", Integer).primary_key(), Column("name", Text), Column("email", Text));
  op.create_index("ix_people_email", "people", {"email"});
  op.execute("INSERT INTO people (name, email) VALUES ('ann', 'ann@x'), ('bob', 'bob@x')");
}

TEST(BatchOptionsSqlite, InsertBeforeAndAfterPlaceColumnsByRecreatingAndKeepRows) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_insert_at");
  Op& op = database->op();
  create_people(op);
  const std::string before = database->schema();

  op.batch_alter_table("people", [](BatchOp& batch) {
    batch.add_column(Column("nickname", Text), {.insert_after = "name"});
    batch.add_column(Column("title", Text).server_default("dr"), {.insert_before = "name"});
    batch.add_column(Column("note", Text));
    batch.add_column(Column("initials", Text), {.insert_before = "nickname"});  // next to an added column
  });
  EXPECT_EQ(database->rows(columns_of_people),
            (std::vector<std::string>{"id", "title", "name", "initials", "nickname", "email", "note"}));
  EXPECT_EQ(database->rows("SELECT * FROM people ORDER BY id"),
            (std::vector<std::string>{"1|dr|ann|NULL|NULL|ann@x|NULL", "2|dr|bob|NULL|NULL|bob@x|NULL"}));
  EXPECT_NE(database->schema().find("index people ix_people_email unique=0 origin=c partial=0 (email)\n"),
            std::string::npos);

  op.batch_alter_table("people", [](BatchOp& batch) {
    for (const char* column : {"initials", "note", "title", "nickname"}) batch.drop_column(column);
  });
  EXPECT_EQ(database->schema(), before);
  EXPECT_EQ(database->rows("SELECT * FROM people ORDER BY id"), (std::vector<std::string>{"1|ann|ann@x", "2|bob|bob@x"}));
}

TEST(BatchOptionsSqlite, AColumnPlacedLastAnywayIsAddedInPlace) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_insert_last");
  Op& op = database->op();
  create_people(op);
  database->sink().statements.clear();
  op.batch_alter_table("people", [](BatchOp& batch) {
    batch.alter_column("email", {.new_column_name = "mail"});
    batch.add_column(Column("phone", Text), {.insert_after = "mail"});
    batch.add_column(Column("fax", Text), {.insert_after = "phone"});
  });
  EXPECT_EQ(statements_of(database->sink()),
            (std::vector<std::string>{"ALTER TABLE people RENAME COLUMN email TO mail",
                                      "ALTER TABLE people ADD COLUMN phone TEXT",
                                      "ALTER TABLE people ADD COLUMN fax TEXT"}));
  EXPECT_EQ(database->rows(columns_of_people),
            (std::vector<std::string>{"id", "name", "mail", "phone", "fax"}));
}

TEST(BatchOptionsSqlite, PlacingRefusalsNameTheColumnAndTheWayOut) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_insert_refused");
  Op& op = database->op();
  create_people(op);
  const std::string before = database->schema();
  std::string never = error_of([&] {
    op.batch_alter_table("people", [](BatchOp& batch) {
      batch.add_column(Column("nickname", Text), {.insert_before = "email"});
    }, {.recreate = Recreate::never});
  });
  EXPECT_NE(never.find("this add_column places its column before the table's last one (insert_before/insert_after), "
                       "which needs SQLite to recreate the table, but the batch says recreate = Recreate::never"),
            std::string::npos)
      << never;
  std::string unknown = error_of([&] {
    op.batch_alter_table("people", [](BatchOp& batch) {
      batch.add_column(Column("nickname", Text), {.insert_after = "nmae"});
    });
  });
  EXPECT_NE(unknown.find("table \"people\" has no column \"nmae\" (its columns: id, name, email)"), std::string::npos)
      << unknown;
  std::string both = error_of([&] {
    op.batch_alter_table("people", [](BatchOp& batch) {
      batch.add_column(Column("nickname", Text), {.insert_before = "email", .insert_after = "id"});
    });
  });
  EXPECT_NE(both.find("op.add_column(\"people\", \"nickname\") at line"), std::string::npos) << both;
  EXPECT_NE(both.find("give insert_before or insert_after, not both"), std::string::npos) << both;
  EXPECT_EQ(database->schema(), before);

  // Offline the column order is unknown without copy_from.
  detail::OfflineSink sink(SqlDialect::sqlite);
  Op offline(sink);
  std::string message = error_of([&] {
    offline.batch_alter_table("people", [](BatchOp& batch) {
      batch.add_column(Column("nickname", Text), {.insert_after = "email"});
    });
  });
  EXPECT_NE(message.find("offline (--sql) there is no database. Give the definition as "
                         "{.copy_from = TableDefinition(Column(...), ...)}"),
            std::string::npos)
      << message;
}

TEST(BatchOptionsPostgres, PlacingAColumnIsRefusedAndCopyFromIsIgnored) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "batch_insert_pg");
  Op& op = database->op();
  create_people(op);
  const std::string before = database->schema();
  unsigned line = 0;
  std::string message = error_of([&] {
    op.batch_alter_table("people", [&](BatchOp& batch) {
      line = __LINE__ + 1;
      batch.add_column(Column("nickname", Text), {.insert_after = "name"});
    });
  });
  EXPECT_NE(message.find("op.add_column(\"people\", \"nickname\") at line " + std::to_string(line) +
                         " of the migration: PostgreSQL cannot place a column: ALTER TABLE ... ADD COLUMN always adds "
                         "it at the end. Drop {.insert_after = \"name\"} (the column then goes last)"),
            std::string::npos)
      << message;
  EXPECT_EQ(database->schema(), before);

  database->sink().statements.clear();
  op.batch_alter_table("people", [](BatchOp& batch) { batch.add_column(Column("phone", Text)); },
                       {.copy_from = TableDefinition(Column("id", Integer).primary_key(), Column("name", Text)),
                        .naming_convention = {.unique = "uq_{table}_{columns}"}});
  EXPECT_EQ(statements_of(database->sink()), (std::vector<std::string>{"ALTER TABLE people ADD COLUMN phone TEXT"}));
}

// The upgrade recreates from copy_from, without reading the catalog, so its
// offline script is the online statements; the downgrade describes the
// table as the upgrade left it.
void create_members(Op& op) {
  op.create_table("teams", Column("id", Integer).primary_key());
  op.create_table("members", Column("id", Integer).primary_key(), Column("email", String(100)),
                  Column("team_id", Integer).index(), UniqueConstraint({"email"}),
                  ForeignKeyConstraint({"team_id"}, "teams", {"id"}));
  op.execute("INSERT INTO teams (id) VALUES (1)");
  op.execute("INSERT INTO members (email, team_id) VALUES ('ann@x', 1), ('bob@x', NULL)");
}

void upgrade_members_batch(Op& op) {
  op.batch_alter_table(
      "members",
      [](BatchOp& batch) {
        batch.add_column(Column("nickname", Text), {.insert_after = "id"});
        batch.alter_column("email", {.nullable = false});
        batch.drop_constraint("uq_members_email");  // unnamed in the table; named by the convention
        batch.create_check_constraint("", "length(email) > 3");
      },
      {.copy_from = TableDefinition(Column("id", Integer).primary_key(), Column("email", String(100)),
                                    Column("team_id", Integer).index(), UniqueConstraint({"email"}),
                                    ForeignKeyConstraint({"team_id"}, "teams", {"id"})),
       .naming_convention = {.unique = "uq_{table}_{columns}",
                             .foreign_key = "fk_{table}_{column_0}_{referred_table}",
                             .check = "ck_{table}_{column_0}"}});
}

void upgrade_members(Op& op) {
  create_members(op);
  upgrade_members_batch(op);
}

void downgrade_members_batch(Op& op) {
  op.batch_alter_table(
      "members",
      [](BatchOp& batch) {
        batch.drop_constraint("ck_members_email");
        batch.drop_column("nickname");
        batch.alter_column("email", {.nullable = true});
        batch.create_unique_constraint("uq_members_email", {"email"});
      },
      {.copy_from = TableDefinition(
           Column("id", Integer).primary_key(), Column("nickname", Text),
           Column("email", String(100)).nullable(false), Column("team_id", Integer).index(),
           ForeignKeyConstraint({"team_id"}, "teams", {"id"}, {.name = "fk_members_team_id_teams"}),
           CheckConstraint("length(email) > 3", {.name = "ck_members_email"}))});
}

void downgrade_members(Op& op) {
  downgrade_members_batch(op);
  op.drop_table("members");
  op.drop_table("teams");
}

TEST(BatchOptionsSqlite, CopyFromRendersOfflineAsOnlineAndBothWaysRestoreTheCatalog) {
  std::string upgraded = expect_round_trip(SqlDialect::sqlite, upgrade_members, downgrade_members, "batch_copy_from");
  expect_lines(upgraded, {
                             "column members 0|id|INTEGER|1|NULL|1",
                             "column members 1|nickname|TEXT|0|NULL|0",
                             "column members 2|email|VARCHAR(100)|1|NULL|0",
                             "column members 3|team_id|INTEGER|0|NULL|0",
                             "foreign key members teams|team_id|id|NO ACTION|NO ACTION",
                             "index members ix_members_team_id unique=0 origin=c partial=0 (team_id)",
                         });
  EXPECT_EQ(upgraded.find("origin=u"), std::string::npos) << upgraded;
}

TEST(BatchOptionsSqlite, CopyFromKeepsRowsReadsNoCatalogAndNamesByConvention) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_copy_from_rows");
  Op& op = database->op();
  create_members(op);
  const std::string before = database->schema();
  database->sink().queries.clear();
  upgrade_members_batch(op);
  // Only the foreign-key safety check reads anything: no reflection.
  EXPECT_EQ(database->sink().queries, (std::vector<std::string>{"PRAGMA foreign_keys"}));
  EXPECT_EQ(database->rows("SELECT * FROM members ORDER BY id"),
            (std::vector<std::string>{"1|NULL|ann@x|1", "2|NULL|bob@x|NULL"}));
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE name = 'members'");
  EXPECT_NE(table_sql.find("CONSTRAINT fk_members_team_id_teams FOREIGN KEY(team_id) REFERENCES teams (id)"),
            std::string::npos) << table_sql;
  EXPECT_NE(table_sql.find("CONSTRAINT ck_members_email CHECK (length(email) > 3)"), std::string::npos) << table_sql;
  EXPECT_THROW(op.execute("INSERT INTO members (email) VALUES ('a')"), DatabaseError);
  op.execute("INSERT INTO members (email) VALUES ('ann@x')");  // the unique constraint is gone
  op.execute("DELETE FROM members WHERE id = 3");

  downgrade_members_batch(op);
  EXPECT_EQ(database->schema(), before);
  EXPECT_EQ(database->rows("SELECT * FROM members ORDER BY id"),
            (std::vector<std::string>{"1|ann@x|1", "2|bob@x|NULL"}));
}

// SQLite's own table options belong to the definition, and the copy keeps
// them; a schema or a PostgreSQL option does not, nor does an EXCLUDE.
TEST(BatchOptionsSqlite, CopyFromTakesSqlitesTableOptionsOnly) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_copy_from_options");
  Op& op = database->op();
  op.create_table("codes", Column("code", Text).primary_key(), Column("n", Integer),
                  TableOptions{.sqlite_with_rowid = false, .sqlite_strict = true});
  op.execute("INSERT INTO codes VALUES ('a', 1)");
  op.batch_alter_table(
      "codes", [](BatchOp& batch) { batch.add_column(Column("label", Text), {.insert_after = "code"}); },
      {.copy_from = TableDefinition(Column("code", Text).primary_key(), Column("n", Integer),
                                    TableOptions{.sqlite_with_rowid = false, .sqlite_strict = true})});
  std::string create = database->value("SELECT sql FROM sqlite_master WHERE name = 'codes'");
  EXPECT_NE(create.find(") WITHOUT ROWID, STRICT"), std::string::npos) << create;
  EXPECT_EQ(database->rows("SELECT * FROM codes"), (std::vector<std::string>{"a|NULL|1"}));

  auto refusal = [&](auto&& batch_options) {
    return error_of([&] {
      op.batch_alter_table("codes", [](BatchOp& batch) { batch.drop_column("n"); }, batch_options);
    });
  };
  std::string message = refusal(BatchOptions{
      .copy_from = TableDefinition(Column("code", Text).primary_key(), Column("n", Integer),
                                   TableOptions{.schema = "main"})});
  EXPECT_NE(message.find("copy_from of \"codes\" takes only SQLite's table options"), std::string::npos) << message;
  message = refusal(BatchOptions{
      .copy_from = TableDefinition(Column("code", Text).primary_key(), Column("n", Integer),
                                   TableOptions{.postgresql_unlogged = true})});
  EXPECT_NE(message.find("copy_from of \"codes\" takes only SQLite's table options"), std::string::npos) << message;
  message = refusal(BatchOptions{.copy_from = TableDefinition(Column("code", Text).primary_key(),
                                                              ExcludeConstraint({{"code", "="}}))});
  EXPECT_NE(message.find("SQLite has no EXCLUDE constraints"), std::string::npos) << message;
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'codes'"), create);
}

const NamingConvention convention{.unique = "uq_{table}_{columns}",
                                  .foreign_key = "fk_{table}_{column_0}_{referred_table}",
                                  .check = "ck_{table}_{column_0}"};

TEST(BatchOptionsSqlite, NamingConventionNamesReflectedConstraintsSoTheyCanBeDropped) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_naming");
  Op& op = database->op();
  op.execute("CREATE TABLE teams (id INTEGER PRIMARY KEY)");
  op.execute(
      "CREATE TABLE members (id INTEGER PRIMARY KEY, email TEXT UNIQUE, age INTEGER CHECK (age >= 0), "
      "team_id INTEGER REFERENCES teams (id), CHECK (length(email) > 3))");
  op.execute("INSERT INTO members (email, age) VALUES ('ann@x', 30)");
  const std::string before = database->schema();
  // Without a convention the unnamed constraint has no name to drop by.
  std::string message = error_of([&] {
    op.batch_alter_table("members", [](BatchOp& batch) { batch.drop_constraint("uq_members_email"); });
  });
  EXPECT_NE(message.find("table \"members\" has no constraint named \"uq_members_email\""), std::string::npos)
      << message;
  EXPECT_NE(message.find("name them with the batch's naming_convention"), std::string::npos) << message;
  EXPECT_EQ(database->schema(), before);

  op.batch_alter_table("members", [](BatchOp& batch) {
    batch.drop_constraint("uq_members_email");
    batch.drop_constraint("ck_members_age");
  }, {.naming_convention = convention});
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE name = 'members'");
  EXPECT_NE(table_sql.find("CONSTRAINT fk_members_team_id_teams FOREIGN KEY(team_id) REFERENCES teams (id)"),
            std::string::npos) << table_sql;
  EXPECT_NE(table_sql.find("CONSTRAINT ck_members_email CHECK (length(email) > 3)"), std::string::npos) << table_sql;
  EXPECT_EQ(table_sql.find("UNIQUE"), std::string::npos) << table_sql;
  EXPECT_EQ(table_sql.find("age >= 0"), std::string::npos) << table_sql;
  EXPECT_EQ(database->value("SELECT email || '|' || age FROM members"), "ann@x|30");
  op.execute("INSERT INTO members (email, age) VALUES ('ann@x', -1)");  // both constraints are gone
  EXPECT_THROW(op.execute("INSERT INTO members (email) VALUES ('a')"), DatabaseError);
  op.execute("DELETE FROM members WHERE age = -1");

  // The downgrade: the names the recreate gave are real names now.
  op.batch_alter_table("members", [](BatchOp& batch) {
    batch.drop_constraint("fk_members_team_id_teams");
    batch.create_unique_constraint("uq_members_email", {"email"});
    batch.create_check_constraint("ck_members_age", "age >= 0");
  });
  EXPECT_THROW(op.execute("INSERT INTO members (email, age) VALUES ('bob@x', -1)"), DatabaseError);
  EXPECT_EQ(database->schema().find("foreign key members"), std::string::npos) << database->schema();
}

TEST(BatchOptionsSqlite, BadConventionsAreRefusedWithThePattern) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_naming_refused");
  Op& op = database->op();
  op.execute("CREATE TABLE members (id INTEGER PRIMARY KEY, age INTEGER CHECK (age >= 0) CHECK (age < 200), "
             "CHECK (1 = 1))");
  op.execute("CREATE TABLE flags (id INTEGER PRIMARY KEY, CHECK (1 = 1))");
  const std::string before = database->schema();
  auto refusal = [&](NamingConvention naming) {
    return error_of([&] {
      op.batch_alter_table("members", [](BatchOp& batch) { batch.drop_column("age"); },
                           {.naming_convention = naming});
    });
  };
  std::string unknown = refusal({.check = "ck_{tabel}"});
  EXPECT_NE(unknown.find("batch_alter_table(\"members\") at line"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("naming_convention.check = \"ck_{tabel}\": unknown token {tabel}; the tokens are {table}, "
                         "{column_0}, {columns} and {referred_table}"),
            std::string::npos) << unknown;
  std::string twice = refusal({.check = "ck_{table}_{columns}"});
  EXPECT_NE(twice.find("naming_convention.check names the CHECK (age < 200) \"ck_members_age\", a name the table "
                       "already has"),
            std::string::npos) << twice;
  std::string no_column = refusal({.check = "ck_{table}_{column_0}_{referred_table}"});
  EXPECT_NE(no_column.find("{referred_table} is for foreign keys only"), std::string::npos) << no_column;
  std::string columnless = error_of([&] {
    op.batch_alter_table("flags", [](BatchOp& batch) { batch.add_column(Column("x", Integer), {.insert_before = "id"}); },
                         {.naming_convention = {.check = "ck_{table}_{column_0}"}});
  });
  EXPECT_NE(columnless.find("the CHECK (1 = 1) names no column of the table, so {column_0} has no value"),
            std::string::npos) << columnless;
  EXPECT_EQ(database->schema(), before);
}

}  // namespace
}  // namespace retort::test
