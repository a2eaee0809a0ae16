#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "6a7b8c9d0e1f",
    .down_revision = retort::base,
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_6a7b8c9d0e1f (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_6a7b8c9d0e1f");
}
