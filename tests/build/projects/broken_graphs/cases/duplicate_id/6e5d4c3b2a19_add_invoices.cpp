#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "6e5d4c3b2a19",
    .down_revision = "2b3c4d5e6f70",
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_6e5d4c3b2a19 (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_6e5d4c3b2a19");
}
