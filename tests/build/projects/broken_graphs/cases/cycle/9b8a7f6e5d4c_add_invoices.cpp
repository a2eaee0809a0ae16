#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "9b8a7f6e5d4c",
    .down_revision = "8a1b2c3d4e5f",
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_9b8a7f6e5d4c (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_9b8a7f6e5d4c");
}
