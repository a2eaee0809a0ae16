#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "7d8e9f0a1b2c",
    .down_revision = "1a2b3c4d5e6e",
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_7d8e9f0a1b2c (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_7d8e9f0a1b2c");
}
