// Index options: method, INCLUDE, operator classes, storage parameters,
// tablespace, NULLS NOT DISTINCT, descending and NULLS FIRST/LAST; checked
// online, offline (through psql) and after the downgrade. SQLite refuses
// what its plain B-tree indexes cannot be, at the op's line.
#include <gtest/gtest.h>

#include "round_trip.hpp"

namespace retort::test {
namespace {


void up_indexes(Op& op) {
  op.create_table("docs", Column("id", Integer).primary_key(), Column("body", JSONB), Column("title", Text),
                  Column("slug", String(50)), Column("due", DateTime), Column("code", Text));
  op.create_index("ix_docs_body", "docs", {opclass("body", "jsonb_path_ops")}, {.method = "gin"});
  op.create_index("ix_docs_due_brin", "docs", {"due"}, {.method = "brin", .with = "pages_per_range = 32"});
  op.create_index("ix_docs_code", "docs", {"code"}, {.method = "hash"});
  op.create_index("ix_docs_slug", "docs", {opclass("slug", "varchar_pattern_ops")},
                  {.unique = true, .include = {"title", "due"}, .with = "fillfactor = 70, deduplicate_items = off",
                   .tablespace = "pg_default", .nulls_not_distinct = true});
  op.create_index("ix_docs_due", "docs", {nulls_last(desc("due")), nulls_first("id")});
  op.batch_alter_table("docs", [](BatchOp& batch) {
    batch.create_index("ix_docs_title", {"title"}, {.method = "btree", .include = {"id"}});
  });
}

void down_indexes(Op& op) {
  op.batch_alter_table("docs", [](BatchOp& batch) { batch.drop_index("ix_docs_title"); });
  op.drop_index("ix_docs_due");
  op.drop_index("ix_docs_slug");
  op.drop_index("ix_docs_code");
  op.drop_index("ix_docs_due_brin");
  op.drop_index("ix_docs_body");
  op.drop_table("docs");
}

TEST(IndexOptions, PostgresqlMethodsIncludeOpclassesStorageAndNullsRoundTrip) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string upgraded = expect_round_trip(SqlDialect::postgresql, up_indexes, down_indexes, "index_options");
  expect_lines(upgraded, {
      "index CREATE INDEX ix_docs_body ON public.docs USING gin (body jsonb_path_ops)",
      "index CREATE INDEX ix_docs_due_brin ON public.docs USING brin (due) WITH (pages_per_range='32')",
      "index CREATE INDEX ix_docs_code ON public.docs USING hash (code)",
      "index CREATE UNIQUE INDEX ix_docs_slug ON public.docs USING btree (slug varchar_pattern_ops) INCLUDE (title, "
      "due) NULLS NOT DISTINCT WITH (fillfactor='70', deduplicate_items=off)",
      "index CREATE INDEX ix_docs_due ON public.docs USING btree (due DESC NULLS LAST, id NULLS FIRST)",
      "index CREATE INDEX ix_docs_title ON public.docs USING btree (title) INCLUDE (id)",
  });
  // NULLS NOT DISTINCT holds: a second NULL slug collides.
  auto database = TestDatabase::open(SqlDialect::postgresql, "index_nulls");
  up_indexes(database->op());
  database->op().execute("INSERT INTO docs (slug) VALUES (NULL)");
  EXPECT_THROW(database->op().execute("INSERT INTO docs (slug) VALUES (NULL)"), DatabaseError);
}

TEST(IndexOptions, BadStorageParametersAndNullsNotDistinctWithoutUniqueAreRefused) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "index_refusals");
  Op& op = database->op();
  op.create_table("docs", Column("id", Integer).primary_key(), Column("slug", Text));
  std::string with = error_of([&] {
    op.create_index("ix", "docs", {"slug"}, {.with = "fillfactor = 70) WHERE (true"});
  });
  EXPECT_NE(with.find("are not a list of name = value"), std::string::npos) << with;
  EXPECT_NE(with.find("op.create_index(\"ix\", \"docs\") at line"), std::string::npos) << with;
  std::string nulls = error_of([&] { op.create_index("ix", "docs", {"slug"}, {.nulls_not_distinct = true}); });
  EXPECT_NE(nulls.find("unique indexes only"), std::string::npos) << nulls;
}

TEST(IndexOptions, SqliteRefusesWhatItsIndexesCannotBeAndKeepsDescending) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "index_sqlite");
  Op& op = database->op();
  op.create_table("docs", Column("id", Integer).primary_key(), Column("slug", Text), Column("due", DateTime));
  const std::string before = database->schema();
  const unsigned line = __LINE__ + 2;
  auto refused = [&](IndexColumn column, IndexOptions options) {
    return error_of([&] { op.create_index("ix_docs", "docs", {column}, options); });
  };
  const std::pair<std::string, std::string> cases[] = {
      {refused("slug", {.method = "hash"}), "SQLite indexes take no index method (USING)"},
      {refused("slug", {.include = {"due"}}), "SQLite indexes take no INCLUDE columns"},
      {refused("slug", {.with = "fillfactor = 70"}), "SQLite indexes take no storage parameters (WITH)"},
      {refused("slug", {.tablespace = "fast"}), "SQLite indexes take no tablespace"},
      {refused("slug", {.unique = true, .nulls_not_distinct = true}), "SQLite indexes take no NULLS NOT DISTINCT"},
      {refused(nulls_last("slug"), {}), "SQLite indexes take no NULLS FIRST/LAST"},
      {refused(opclass("slug", "text_ops"), {}), "SQLite indexes take no operator classes"},
  };
  for (const auto& [message, expected] : cases) {
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_NE(message.find("at line " + std::to_string(line)), std::string::npos) << message;
  }
  EXPECT_EQ(database->schema(), before);
  op.create_index("ix_docs_due", "docs", {desc("due"), "slug"});
  EXPECT_EQ(database->value("SELECT sql FROM sqlite_master WHERE name = 'ix_docs_due'"),
            "CREATE INDEX ix_docs_due ON docs (due DESC, slug)");
}

}  // namespace
}  // namespace retort::test
