#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "5a6b7c8d9e0f",
    .down_revision = "4d5e6f708192",
    .message = "add invoices",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_5a6b7c8d9e0f (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_5a6b7c8d9e0f");
}
