#include <retort/migration.hpp>

#include "shop/naming.hpp"

constexpr retort::Revision revision{
    .id = "5e7a9b2c4d6f",
    .down_revision = "1c0ffee1d2e3",
    .message = "create orders",
};

static void create_orders_table(retort::Op& op) {
  op.execute(R"sql(
    CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id),
        total_cents INTEGER NOT NULL
    ))sql");
}

void upgrade(retort::Op& op) {
  create_orders_table(op);
  op.create_index(shop::orders_customer_index, "orders", {"customer_id"});
}

void downgrade(retort::Op& op) {
  op.drop_index(shop::orders_customer_index);
  op.execute("DROP TABLE orders");
}
