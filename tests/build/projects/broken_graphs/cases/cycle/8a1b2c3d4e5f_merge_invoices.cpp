#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "8a1b2c3d4e5f",
    .down_revision = {"3c4d5e6f7081", "9f0e1d2c3b4a"},
    .message = "merge invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_8a1b2c3d4e5f (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_8a1b2c3d4e5f");
}
