// Key options: foreign keys' MATCH, DEFERRABLE and INITIALLY DEFERRED,
// wherever a foreign key is written (a column's references(), a table-level
// ForeignKeyConstraint, op.create_foreign_key), and deferrable unique
// constraints (UniqueConstraint, op.create_unique_constraint); checked
// online, offline and after the downgrade. SQLite keeps what it enforces and
// refuses MATCH FULL, which it would parse and then ignore, and deferred
// unique checks, which it does not have.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {

void up_keys(Op& op) {
  op.create_table("owners", Column("id", Integer).primary_key(), Column("region", Integer),
                  UniqueConstraint({"id", "region"}, {.name = "uq_owners_id_region"}));
  op.create_table("pets", Column("id", Integer).primary_key(),
                  Column("owner_id", Integer).references("owners.id", {.match = "SIMPLE", .deferrable = true}),
                  Column("region", Integer), Column("keeper", Integer), Column("tag", Text),
                  UniqueConstraint({"tag"}, {.name = "uq_pets_tag", .deferrable = true}),
                  ForeignKeyConstraint({"owner_id", "region"}, "owners", {"id", "region"},
                                       {.name = "fk_pets_owner_region", .match = "full", .initially_deferred = true}));
  op.create_foreign_key("fk_pets_keeper", "pets", "owners", {"keeper"}, {"id"},
                        {.match = "FULL", .deferrable = true, .initially_deferred = true});
  op.create_unique_constraint("uq_pets_region_keeper", "pets", {"region", "keeper"}, {.initially_deferred = true});
}

void down_keys(Op& op) {
  op.drop_constraint("uq_pets_region_keeper", "pets");
  op.drop_constraint("fk_pets_keeper", "pets");
  op.drop_table("pets");
  op.drop_table("owners");
}

TEST(KeyOptions, MatchAndDeferrableRoundTripOnPostgresql) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_keys, down_keys, "foreign_key_options");
  expect_lines(upgraded, {
      "constraint pets pets_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES owners(id) DEFERRABLE",
      "constraint pets fk_pets_owner_region FOREIGN KEY (owner_id, region) REFERENCES owners(id, region) MATCH "
      "FULL DEFERRABLE INITIALLY DEFERRED",
      "constraint pets fk_pets_keeper FOREIGN KEY (keeper) REFERENCES owners(id) MATCH FULL DEFERRABLE INITIALLY "
      "DEFERRED",
      "constraint pets uq_pets_tag UNIQUE (tag) DEFERRABLE",
      "constraint pets uq_pets_region_keeper UNIQUE (region, keeper) DEFERRABLE INITIALLY DEFERRED",
  });
  // MATCH FULL holds: a half-null key is refused.
  auto database = TestDatabase::open(SqlDialect::postgresql, "foreign_key_match");
  up_keys(database->op());
  database->op().execute("INSERT INTO owners (id, region) VALUES (1, 1)");
  EXPECT_THROW(database->op().execute("INSERT INTO pets (id, owner_id, region) VALUES (1, 1, NULL)"), DatabaseError);
}

TEST(KeyOptions, SqliteKeepsDeferrableKeysAndRefusesMatchFullAndDeferredUniqueAtTheOpsLine) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "foreign_key_sqlite");
  Op& op = database->op();
  op.create_table("owners", Column("id", Integer).primary_key());
  op.create_table("pets", Column("id", Integer).primary_key(),
                  Column("owner_id", Integer).references("owners.id", {.match = "SIMPLE", .initially_deferred = true}));
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'pets'"),
            "CREATE TABLE pets (\n    id INTEGER NOT NULL,\n    owner_id INTEGER,\n    PRIMARY KEY (id),\n    "
            "FOREIGN KEY(owner_id) REFERENCES owners (id) MATCH SIMPLE DEFERRABLE INITIALLY DEFERRED\n)");
  const std::string before = database->schema();
  const unsigned line = __LINE__ + 2;
  std::string full = error_of([&] {
    op.create_table("visits", Column("pet_id", Integer).references("pets.id", {.match = "FULL"}));
  });
  EXPECT_NE(full.find("SQLite parses MATCH FULL but enforces every foreign key as MATCH SIMPLE"), std::string::npos)
      << full;
  EXPECT_NE(full.find("at line " + std::to_string(line)), std::string::npos) << full;
  std::string partial = error_of([&] {
    op.create_table("visits", Column("pet_id", Integer).references("pets.id", {.match = "PARTIAL"}));
  });
  EXPECT_NE(partial.find("MATCH \"PARTIAL\" is not a foreign-key match type; use FULL or SIMPLE"), std::string::npos)
      << partial;
  const unsigned unique_line = __LINE__ + 2;
  std::string unique = error_of([&] {
    op.create_table("tags", Column("name", Text), UniqueConstraint({"name"}, {.initially_deferred = true}));
  });
  EXPECT_NE(unique.find("SQLite cannot defer a UNIQUE constraint"), std::string::npos) << unique;
  EXPECT_NE(unique.find("at line " + std::to_string(unique_line)), std::string::npos) << unique;
  // The copy-and-move rebuilds keys from PRAGMA foreign_key_list, which
  // does not say DEFERRABLE: a batch refuses rather than drop it.
  std::string batch = error_of([&] {
    op.batch_alter_table("pets", [](BatchOp& b) { b.alter_column("owner_id", {.nullable = false}); });
  });
  EXPECT_NE(batch.find("a DEFERRABLE INITIALLY DEFERRED foreign key, which Retort's copy-and-move would not keep"),
            std::string::npos)
      << batch;
  EXPECT_EQ(database->schema(), before);
}

}  // namespace
}  // namespace retort::test
