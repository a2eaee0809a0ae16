#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "0f1a2b3c4d5e",
    .down_revision = "92a3b4c5d6e7",
    .message = "add invoices",
};

// Takes a pointer: retortc requires void upgrade(retort::Op&).
void upgrade(retort::Op* op) {
  op->execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices");
}
