#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "invoice-v2",
    .down_revision = "708192a3b4c5",
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_v2 (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_v2");
}
