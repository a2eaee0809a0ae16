#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "9e0f1a2b3c4d",
    .down_revision = "8192a3b4c5d6",
    .message = "",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_9e0f1a2b3c4d (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_9e0f1a2b3c4d");
}
