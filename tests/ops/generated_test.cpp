// Identity and computed (generated) columns: rendered per database, checked
// online, offline (through psql / sqlite3) and after the downgrade, and kept
// by SQLite's batch copy-and-move.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {


void up_generated(Op& op) {
  const bool pg = op.dialect() == SqlDialect::postgresql;
  op.create_table("orders", Column("id", BigInteger).primary_key().identity({.always = true, .start = 1000, .increment = 10}),
                  Column("price", Numeric(10, 2)).nullable(false), Column("quantity", Integer).nullable(false),
                  Column("total", Numeric(12, 2)).computed(sql("price * quantity")));
  if (pg) {
    op.add_column("orders", Column("ref", Integer).identity({.start = 5, .maxvalue = 100, .cache = 2, .cycle = true}));
    op.add_column("orders", Column("doubled", Integer).computed(sql("quantity * 2"), Persisted::stored));
  } else {
    op.add_column("orders", Column("doubled", Integer).computed(sql("quantity * 2"), Persisted::virtual_column));
  }
}

void down_generated(Op& op) {
  if (op.dialect() == SqlDialect::postgresql) op.drop_column("orders", "ref");
  op.drop_column("orders", "doubled");
  op.drop_table("orders");
}

class GeneratedColumns : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, GeneratedColumns, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

TEST_P(GeneratedColumns, IdentityAndComputedColumnsRoundTripAndCompute) {
  const bool pg = GetParam() == SqlDialect::postgresql;
  std::string upgraded = expect_round_trip(GetParam(), up_generated, down_generated, "generated");
  if (pg) {
    expect_lines(upgraded, {
        "column orders.1 id bigint NOT NULL IDENTITY ALWAYS",
        "column orders.4 total numeric(12,2) GENERATED ALWAYS AS (price * (quantity)::numeric) STORED",
        "column orders.5 ref integer NOT NULL IDENTITY BY DEFAULT",
        "column orders.6 doubled integer GENERATED ALWAYS AS (quantity * 2) STORED",
        "sequence orders_id_seq",
        "sequence orders_ref_seq",
    });
  } else {
    expect_lines(upgraded, {
        "column orders 0|id|INTEGER|1|NULL|1",
        "computed column orders 3|total|NUMERIC(12, 2)|0|2",
        "computed column orders 4|doubled|INTEGER|0|2",
    });
  }
  auto database = TestDatabase::open(GetParam(), "generated_rows");
  Op& op = database->op();
  up_generated(op);
  op.execute("INSERT INTO orders (price, quantity) VALUES (2.5, 4)");
  op.execute("INSERT INTO orders (price, quantity) VALUES (1, 1)");
  if (pg) {
    EXPECT_EQ(database->rows("SELECT id, total, doubled, ref FROM orders ORDER BY id"),
              (std::vector<std::string>{"1000|10.00|8|5", "1010|1.00|2|6"}));
    EXPECT_EQ(database->value("SELECT start_value || ' ' || max_value || ' ' || cache_size || ' ' || cycle "
                              "FROM pg_sequences WHERE sequencename = 'orders_ref_seq'"),
              "5 100 2 true");
    EXPECT_THROW(op.execute("INSERT INTO orders (id, price, quantity) VALUES (1, 1, 1)"), DatabaseError);  // ALWAYS
  } else {
    EXPECT_EQ(database->rows("SELECT id, total, doubled FROM orders ORDER BY id"),
              (std::vector<std::string>{"1|10|8", "2|1|2"}));
  }
}

TEST_P(GeneratedColumns, WhatTheDatabaseCannotDoIsRefusedAtTheOpsLine) {
  auto database = TestDatabase::open(GetParam(), "generated_refusals");
  Op& op = database->op();
  op.create_table("t", Column("id", Integer).primary_key(), Column("a", Integer));
  std::string refused;
  unsigned line = 0;
  if (GetParam() == SqlDialect::postgresql) {
    line = __LINE__ + 1;
    refused = error_of([&] { op.add_column("t", Column("b", Integer).computed(sql("a"), Persisted::virtual_column)); });
    EXPECT_NE(refused.find("PostgreSQL 15 has only STORED generated columns"), std::string::npos) << refused;
  } else {
    line = __LINE__ + 1;
    refused = error_of([&] { op.add_column("t", Column("b", Integer).identity()); });
    EXPECT_NE(refused.find("SQLite has no identity columns"), std::string::npos) << refused;
  }
  EXPECT_NE(refused.find("at line " + std::to_string(line)), std::string::npos) << refused;
  std::string both = error_of([&] { op.add_column("t", Column("c", Integer).computed(sql("a")).server_default(1)); });
  EXPECT_NE(both.find("computed: it can have no identity and no server default"), std::string::npos) << both;
  if (GetParam() == SqlDialect::sqlite) {
    std::string stored = error_of([&] { op.add_column("t", Column("d", Integer).computed(sql("a"), Persisted::stored)); });
    EXPECT_NE(stored.find("SQLite cannot add a STORED generated column in place"), std::string::npos) << stored;
  }
}

TEST(GeneratedColumnsSqlite, TheBatchCopyKeepsAndRenamesComputedColumns) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "generated_batch");
  Op& op = database->op();
  op.create_table("orders", Column("id", Integer).primary_key(), Column("price", Integer),
                  Column("total", Integer).computed(sql("price * 2"), Persisted::stored),
                  Column("half", Integer).computed(sql("price / 2")));
  op.execute("INSERT INTO orders (price) VALUES (10)");
  op.batch_alter_table("orders", [](BatchOp& batch) {
    batch.alter_column("price", {.new_column_name = "unit_price"});
    batch.add_column(Column("tripled", Integer).computed(sql("unit_price * 3"), Persisted::stored));
    batch.create_check_constraint("ck_orders_price", "unit_price > 0");
  });
  expect_lines(database->schema(), {
      "column orders 1|unit_price|INTEGER|0|NULL|0",
      "computed column orders 2|total|INTEGER|0|3",
      "computed column orders 3|half|INTEGER|0|2",
      "computed column orders 4|tripled|INTEGER|0|3",
  });
  EXPECT_EQ(database->value("SELECT unit_price, total, half, tripled FROM orders"), "10|20|5|30");
  EXPECT_NE(database->value("SELECT sql FROM sqlite_master WHERE name = 'orders'").find("unit_price * 2"),
            std::string::npos);
}

}  // namespace
}  // namespace retort::test
