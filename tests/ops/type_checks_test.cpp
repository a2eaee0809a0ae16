// Boolean and Enum with create_constraint() (SQLAlchemy's
// create_constraint=True): on SQLite, which has neither type natively, the
// column gets a CHECK that admits only 0/1 or the labels, in create_table,
// add_column and the batch copy-and-move; PostgreSQL's native types need
// none. Checked online, offline, after the downgrade and by inserting rows.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {

void up_checked(Op& op) {
  op.create_table("tasks", Column("id", Integer).primary_key(), Column("done", Boolean.create_constraint()),
                  Column("state", Enum("task_state", {"open", "closed"}).create_constraint()),
                  Column("loose", Boolean));
  op.add_column("tasks", Column("urgent", Boolean().create_constraint()).server_default(false));
}

void down_checked(Op& op) {
  op.drop_column("tasks", "urgent");
  op.drop_table("tasks", Enum("task_state"));
}

TEST(TypeChecks, SqliteGetsACheckForBooleanAndEnum) {
  std::string upgraded = expect_round_trip(SqlDialect::sqlite, up_checked, down_checked, "type_checks");
  auto database = TestDatabase::open(SqlDialect::sqlite, "type_checks_rows");
  up_checked(database->op());
  std::string create = database->value("SELECT sql FROM sqlite_master WHERE name = 'tasks'");
  EXPECT_NE(create.find("done BOOLEAN CHECK (done IN (0, 1))"), std::string::npos) << create;
  EXPECT_NE(create.find("state VARCHAR(6) CHECK (state IN ('open', 'closed'))"), std::string::npos) << create;
  EXPECT_NE(create.find("urgent BOOLEAN DEFAULT 0 CHECK (urgent IN (0, 1))"), std::string::npos) << create;
  EXPECT_EQ(create.find("loose BOOLEAN CHECK"), std::string::npos) << create;  // not asked for

  auto insert_fails = [&](const std::string& values) {
    return !error_of([&] { database->op().execute("INSERT INTO tasks (done, state, urgent) VALUES (" + values + ")"); })
                .empty();
  };
  EXPECT_FALSE(insert_fails("1, 'open', 0"));
  EXPECT_TRUE(insert_fails("2, 'open', 0"));
  EXPECT_TRUE(insert_fails("0, 'angry', 0"));
  EXPECT_TRUE(insert_fails("0, 'open', 5"));
  database->op().execute("INSERT INTO tasks (loose, state) VALUES (7, NULL)");  // no CHECK on loose; NULL passes
  EXPECT_EQ(database->value("SELECT count(*) FROM tasks"), "2");
}

TEST(TypeChecks, SqliteBatchKeepsTheChecksAndATypeChangeDropsTheOldOne) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "type_checks_batch");
  Op& op = database->op();
  up_checked(op);
  op.execute("INSERT INTO tasks (done, state, loose) VALUES (1, 'open', 0)");
  op.batch_alter_table("tasks", [](BatchOp& batch) { batch.alter_column("loose", {.nullable = false}); });
  EXPECT_FALSE(error_of([&] { op.execute("INSERT INTO tasks (done, state, loose) VALUES (3, 'open', 1)"); }).empty());
  EXPECT_FALSE(error_of([&] { op.execute("INSERT INTO tasks (done, state, loose) VALUES (1, 'gone', 1)"); }).empty());

  // Widening the enum: the CHECK of existing_type goes, the new type's comes.
  op.batch_alter_table("tasks", [](BatchOp& batch) {
    batch.alter_column("state", {.type = Enum("task_state", {"open", "closed", "held"}).create_constraint(),
                                 .existing_type = Enum("task_state", {"open", "closed"}).create_constraint()});
    batch.alter_column("done", {.type = Integer, .existing_type = Boolean.create_constraint()});
  });
  EXPECT_EQ(error_of([&] { op.execute("INSERT INTO tasks (done, state, loose) VALUES (3, 'held', 1)"); }), "");
  EXPECT_FALSE(error_of([&] { op.execute("INSERT INTO tasks (done, state, loose) VALUES (1, 'gone', 1)"); }).empty());
  std::string create = database->value("SELECT sql FROM sqlite_master WHERE name = 'tasks'");
  EXPECT_EQ(create.find("'closed')"), std::string::npos) << create;  // the old label list is gone
  EXPECT_EQ(create.find("done IN ("), std::string::npos) << create;
  EXPECT_EQ(database->value("SELECT count(*) FROM tasks"), "2");

  // Dropping a column drops its CHECK with it.
  op.batch_alter_table("tasks", [](BatchOp& batch) { batch.drop_column("state"); });
  create = database->value("SELECT sql FROM sqlite_master WHERE name = 'tasks'");
  EXPECT_EQ(create.find("state"), std::string::npos) << create;
}

TEST(TypeChecks, PostgresqlNativeTypesNeedNoCheck) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_checked, down_checked, "type_checks_pg");
  EXPECT_EQ(upgraded.find("CHECK"), std::string::npos) << upgraded;
  expect_lines(upgraded, {"column tasks.2 done boolean", "column tasks.3 state task_state"});
}

TEST(TypeChecks, RefusalsNameTheColumnAndTheFix) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "type_checks_refused");
  Op& op = database->op();
  std::string message = error_of([&] { op.create_table("t", Column("c", Enum("mood").create_constraint())); });
  EXPECT_NE(message.find("create_constraint() on column \"c\" needs the enum's labels on SQLite"), std::string::npos)
      << message;
  message = error_of([&] { op.create_table("t", Column("c", Text.create_constraint())); });
  EXPECT_NE(message.find("create_constraint() is for Boolean and Enum"), std::string::npos) << message;
  EXPECT_EQ(database->value("SELECT count(*) FROM sqlite_master"), "0");
}

}  // namespace
}  // namespace retort::test
