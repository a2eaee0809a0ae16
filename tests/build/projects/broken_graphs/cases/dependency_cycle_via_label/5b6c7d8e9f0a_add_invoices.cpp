#include <retort/migration.hpp>

// Revises the refunds migration, which depends on this one's label: a
// cycle that only resolving `billing` to this revision reveals.
constexpr retort::Revision revision{
    .id = "5b6c7d8e9f0a",
    .down_revision = "6c7d8e9f0a1b",
    .message = "add invoices",
    .branch_labels = "billing",
};

void upgrade(retort::Op& op) {
  op.execute("CREATE TABLE invoices_5b6c7d8e9f0a (id INTEGER PRIMARY KEY)");
}

void downgrade(retort::Op& op) {
  op.execute("DROP TABLE invoices_5b6c7d8e9f0a");
}
