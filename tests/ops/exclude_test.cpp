// PostgreSQL EXCLUDE constraints (Alembic's create_exclude_constraint and
// ExcludeConstraint): in create_table and by ALTER TABLE, with a method,
// expressions, a WHERE and deferral; checked online, offline, after the
// downgrade and by rows that collide. SQLite, which has none, refuses them.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {

void up_exclude(Op& op) {
  op.create_table("bookings", Column("id", Integer).primary_key(), Column("room", INT4RANGE),
                  Column("starts_at", DateTime), Column("ends_at", DateTime), Column("cancelled", Boolean),
                  ExcludeConstraint({{sql("tsrange(starts_at, ends_at)"), "&&"}},
                                    {.name = "ex_bookings_time", .where = "NOT cancelled"}));
  op.create_exclude_constraint("ex_bookings_room", "bookings", {{"room", "&&"}},
                               {.method = "gist", .initially_deferred = true});
}

void down_exclude(Op& op) {
  op.drop_constraint("ex_bookings_room", "bookings");
  op.drop_table("bookings");
}

TEST(Exclude, ConstraintsRoundTripAndHoldOnPostgresql) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_exclude, down_exclude, "exclude");
  expect_lines(upgraded, {
      "constraint bookings ex_bookings_time EXCLUDE USING gist (tsrange(starts_at, ends_at) WITH &&) WHERE ((NOT "
      "cancelled))",
      "constraint bookings ex_bookings_room EXCLUDE USING gist (room WITH &&) DEFERRABLE INITIALLY DEFERRED",
  });
  auto database = TestDatabase::open(SqlDialect::postgresql, "exclude_rows");
  Op& op = database->op();
  up_exclude(op);
  op.execute("INSERT INTO bookings (room, starts_at, ends_at, cancelled) VALUES "
             "('[1,2)', '2026-12-07 10:00', '2026-12-07 11:00', false)");
  std::string overlap = error_of([&] {
    op.execute("INSERT INTO bookings (room, starts_at, ends_at, cancelled) VALUES "
               "('[5,6)', '2026-12-07 10:30', '2026-12-07 12:00', false)");
  });
  EXPECT_NE(overlap.find("ex_bookings_time"), std::string::npos) << overlap;
  // The WHERE leaves cancelled bookings out.
  op.execute("INSERT INTO bookings (room, starts_at, ends_at, cancelled) VALUES "
             "('[7,8)', '2026-12-07 10:30', '2026-12-07 12:00', true)");
  EXPECT_EQ(database->value("SELECT count(*) FROM bookings"), "2");
}

TEST(Exclude, SqliteRefusesAndABadOperatorIsRefusedEverywhere) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "exclude_sqlite");
  Op& op = database->op();
  unsigned line = __LINE__ + 1;
  std::string message = error_of([&] { op.create_table("b", Column("r", Text), ExcludeConstraint({{"r", "="}})); });
  EXPECT_NE(message.find("SQLite has no EXCLUDE constraints"), std::string::npos) << message;
  EXPECT_NE(message.find("a unique index says the same"), std::string::npos) << message;
  EXPECT_NE(message.find("at line " + std::to_string(line)), std::string::npos) << message;
  op.create_table("b", Column("r", Text));
  message = error_of([&] { op.create_exclude_constraint("ex_b", "b", {{"r", "="}}); });
  EXPECT_NE(message.find("op.create_exclude_constraint(\"ex_b\", \"b\")"), std::string::npos) << message;
  EXPECT_NE(message.find("SQLite has no EXCLUDE constraints"), std::string::npos) << message;

  message = error_of([&] { op.create_exclude_constraint("ex_b", "b", {{"r", "= r) --"}}); });
  EXPECT_NE(message.find("\"= r) --\" is not an operator for the EXCLUDE element \"r\""), std::string::npos)
      << message;
  EXPECT_EQ(database->value("SELECT count(*) FROM sqlite_master"), "1");
}

}  // namespace
}  // namespace retort::test
