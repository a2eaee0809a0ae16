#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "7c8d9e0f1a2b",
    .down_revision = "6f708192a3b4",
    .message = "add invoices",
    .depends_on = {"0f1e2d3c4b5a"},
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_7c8d9e0f1a2b (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_7c8d9e0f1a2b");
}
