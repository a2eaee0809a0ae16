// Schemas and column-level uniqueness: every operation that names a table,
// index, constraint or type takes a schema; a dotted name is refused; a
// column both unique() and index() is one unique index. Each migration is
// checked online, offline (through psql / sqlite3) and after its downgrade.
#include <gtest/gtest.h>

#include "migrator.hpp"
#include "round_trip.hpp"

namespace retort::test {
namespace {


class SchemaOps : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
  }
  bool postgres() const { return GetParam() == SqlDialect::postgresql; }
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, SchemaOps, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

// ---------------------------------------------------------------- unique + index

void up_unique_index(Op& op) {
  op.create_table("users", Column("id", Integer).primary_key(), Column("email", String(100)).unique().index(),
                  Column("login", String(20)).unique());
  op.add_column("users", Column("phone", String(20)).unique().index());
  op.add_column("users", Column("badge", Integer).unique());
}

void down_unique_index(Op& op) {
  // SQLite refuses to drop an indexed column: the index goes first.
  op.drop_index(op.dialect() == SqlDialect::sqlite ? "uq_users_badge" : "ix_users_phone");
  if (op.dialect() == SqlDialect::sqlite) op.drop_index("ix_users_phone");
  op.drop_column("users", "badge");
  op.drop_column("users", "phone");
  op.drop_table("users");
}

TEST_P(SchemaOps, AUniqueIndexedColumnIsOneUniqueIndexInCreateTableAndAddColumn) {
  std::string upgraded = expect_round_trip(GetParam(), up_unique_index, down_unique_index, "unique_index");
  if (postgres()) {
    expect_lines(upgraded, {
        "index CREATE UNIQUE INDEX ix_users_email ON public.users USING btree (email)",
        "index CREATE UNIQUE INDEX ix_users_phone ON public.users USING btree (phone)",
        "constraint users users_login_key UNIQUE (login)",
        "constraint users users_badge_key UNIQUE (badge)",
    });
    EXPECT_EQ(upgraded.find("users_email_key"), std::string::npos) << upgraded;
    EXPECT_EQ(upgraded.find("users_phone_key"), std::string::npos) << upgraded;
  } else {
    expect_lines(upgraded, {
        "index users ix_users_email unique=1 origin=c partial=0 (email)",
        "index users ix_users_phone unique=1 origin=c partial=0 (phone)",
        "index users uq_users_badge unique=1 origin=c partial=0 (badge)",
        "index users <auto> unique=1 origin=u partial=0 (login)",
    });
  }
  // Exactly one structure per column: dropping the index ends the uniqueness.
  auto database = TestDatabase::open(GetParam(), "unique_index_drop");
  up_unique_index(database->op());
  Op& op = database->op();
  EXPECT_THROW(op.execute("INSERT INTO users (id, email) VALUES (1, 'a'), (2, 'a')"), DatabaseError);
  op.drop_index("ix_users_email");
  op.execute("INSERT INTO users (id, email) VALUES (1, 'a'), (2, 'a')");
  EXPECT_THROW(op.execute("INSERT INTO users (id, badge) VALUES (3, 7), (4, 7)"), DatabaseError);
}

TEST(SchemaOpsSqlite, AUniqueColumnAddsInPlaceInABatchAsOutsideIt) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "unique_batch");
  Op& op = database->op();
  op.create_table("users", Column("id", Integer).primary_key());
  op.batch_alter_table("users", [](BatchOp& batch) { batch.add_column(Column("badge", Integer).unique()); });
  // A batch that recreates the table gives the added column the same index.
  op.batch_alter_table("users", [](BatchOp& batch) {
    batch.add_column(Column("code", Integer).unique().index());
    batch.create_check_constraint("ck_users_code", "code > 0");
  });
  expect_lines(database->schema(), {
      "index users uq_users_badge unique=1 origin=c partial=0 (badge)",
      "index users ix_users_code unique=1 origin=c partial=0 (code)",
  });
  EXPECT_EQ(database->schema().find("origin=u"), std::string::npos) << database->schema();
}

// ---------------------------------------------------------------- dotted names

void up_dotted(Op& op) { op.create_table("audit.events", Column("id", Integer)); }
constexpr unsigned dotted_line = __LINE__ - 1;

constexpr Migration dotted_migrations[] = {
    {.id = "dotted1", .message = "events", .source_path = "/src/migrations/dotted1_events.cpp", .source_line = 3,
     .checksum = "sha256:1", .transactional = true, .upgrade = up_dotted, .downgrade = up_dotted},
};
constexpr Registry dotted_registry{"ops_dotted", "/src/migrations", dotted_migrations};

TEST_P(SchemaOps, ADottedTableNameIsRefusedAtTheOpsLineWithTheSchemaOption) {
  auto database = TestDatabase::open(GetParam(), "dotted");
  detail::Migrator migrator(dotted_registry, detail::VersionTable("retort_version", ""));
  for (int offline = 0; offline < 2; ++offline) {
    std::string message = error_of([&] {
      if (offline) {
        migrator.upgrade_sql(GetParam(), "head", TransactionMode::per_migration, {});
      } else {
        migrator.upgrade(database->db(), "head", TransactionMode::per_migration, {});
      }
    });
    EXPECT_EQ(message.rfind("/src/migrations/dotted1_events.cpp:" + std::to_string(dotted_line) + ": error: ", 0), 0u)
        << message;
    EXPECT_NE(message.find("the table name \"audit.events\" contains a dot"), std::string::npos) << message;
    EXPECT_NE(message.find("Name the table \"events\" and give the schema on its own: "
                           "TableOptions{.schema = \"audit\"}"),
              std::string::npos)
        << message;
  }
  EXPECT_EQ(database->schema().find("events"), std::string::npos) << database->schema();

  Op& op = database->op();
  op.create_table("events", Column("id", Integer));
  std::string add = error_of([&] { op.add_column("audit.events", Column("at", Date)); });
  EXPECT_NE(add.find("op.add_column(\"audit.events\", \"at\") at line"), std::string::npos) << add;
  EXPECT_NE(add.find("{.schema = \"audit\"}"), std::string::npos) << add;
  std::string index = error_of([&] { op.create_index("ix_events_id", "audit.events", {"id"}); });
  EXPECT_NE(index.find("{.schema = \"audit\"}"), std::string::npos) << index;
  std::string fk = error_of([&] { op.create_foreign_key("fk", "events", "audit.users", {"id"}, {"id"}); });
  EXPECT_NE(fk.find("{.referent_schema = \"audit\"}"), std::string::npos) << fk;
  std::string type = error_of([&] { op.create_enum(Enum("audit.mood", {"ok"})); });
  EXPECT_NE(type.find("Enum(\"name\", {...}).in_schema(\"audit\")"), std::string::npos) << type;
}

// ---------------------------------------------------------------- schema on every operation

// PostgreSQL: a schema of its own; SQLite: "main", the database every file has.
StringRef schema_of(Op& op) { return op.dialect() == SqlDialect::postgresql ? "audit" : "main"; }

void up_schemas(Op& op) {
  const bool pg = op.dialect() == SqlDialect::postgresql;
  const StringRef audit = schema_of(op);
  if (pg) op.execute("CREATE SCHEMA audit");
  op.create_table("users", Column("id", Integer).primary_key(), TableOptions{.schema = audit});
  if (pg) {
    op.create_table("events", Column("id", Integer).primary_key(), Column("user_id", Integer).references("audit.users.id"),
                    Column("kind", Enum("event_kind", {"login", "logout"}).in_schema("audit")), Column("at", DateTime),
                    TableOptions{.schema = audit});
  } else {
    op.create_table("events", Column("id", Integer).primary_key(), Column("user_id", Integer).references("users.id"),
                    Column("kind", Enum("event_kind", {"login", "logout"})), Column("at", DateTime),
                    TableOptions{.schema = audit});
  }
  op.create_index("ix_events_at", "events", {"at"}, {.schema = audit});
  op.add_column("events", Column("note", Text), {.schema = audit});
  op.bulk_insert("users", {"id"}, {{1}, {2}}, {.schema = audit});
  op.rename_table("users", "people", {.schema = audit});
  op.batch_alter_table("events", [](BatchOp& batch) {
    batch.add_column(Column("extra", Integer));
    batch.create_index("ix_events_extra", {"extra"});
  }, {.schema = audit});
  if (!pg) return;  // what follows SQLite does only inside a recreating batch
  op.alter_column("events", "note", {.server_default = "-", .schema = audit});
  op.create_unique_constraint("uq_events_at_kind", "events", {"at", "kind"}, {.schema = audit});
  op.create_check_constraint("ck_events_note", "events", "length(note) < 100", {.schema = audit});
  op.create_table_comment("events", "what happened", {.schema = audit});
  op.create_table("plain", Column("id", Integer).primary_key(), Column("event_id", Integer),
                  Column("first_event_id", Integer),
                  ForeignKeyConstraint({"first_event_id"}, "events", {"id"},
                                       {.name = "fk_plain_first_event", .referent_schema = audit}));
  op.create_foreign_key("fk_plain_event", "plain", "events", {"event_id"}, {"id"}, {.referent_schema = audit});
  op.create_foreign_key("fk_events_person", "events", "people", {"user_id"}, {"id"},
                        {.not_valid = true, .source_schema = audit, .referent_schema = audit});
  op.validate_constraint("fk_events_person", "events", {.schema = audit});
  op.create_enum(Enum("level", {"low", "high"}).in_schema("audit"));
}

void down_schemas(Op& op) {
  const bool pg = op.dialect() == SqlDialect::postgresql;
  const StringRef audit = schema_of(op);
  if (pg) {
    op.drop_enum("level", {.schema = audit});
    op.drop_constraint("fk_events_person", "events", {.schema = audit});
    op.drop_constraint("fk_plain_event", "plain");
    op.drop_table("plain");
    op.drop_table_comment("events", {.schema = audit});
    op.drop_constraint("ck_events_note", "events", {.schema = audit});
    op.drop_constraint("uq_events_at_kind", "events", {.schema = audit});
    op.alter_column("events", "note", {.server_default = no_default, .schema = audit});
  }
  op.batch_alter_table("events", [](BatchOp& batch) { batch.drop_index("ix_events_extra"); }, {.schema = audit});
  op.drop_column("events", "extra", {.schema = audit});
  op.rename_table("people", "users", {.schema = audit});
  op.execute(pg ? "DELETE FROM audit.users" : "DELETE FROM main.users");
  op.drop_column("events", "note", {.schema = audit});
  op.drop_index("ix_events_at", {.schema = audit});
  op.drop_table("events", Enum("event_kind").in_schema(pg ? "audit" : ""), TableOptions{.schema = audit});
  op.drop_table("users", TableOptions{.schema = audit});
  if (pg) op.execute("DROP SCHEMA audit");
}

TEST_P(SchemaOps, EveryOperationTakesTheSchemaOnlineOfflineAndBack) {
  std::string upgraded = expect_round_trip(GetParam(), up_schemas, down_schemas, "schemas");
  if (postgres()) {
    expect_lines(upgraded, {
        "schema audit",
        "table audit.people",
        "table audit.events comment=what happened",
        "column audit.events.5 note text DEFAULT '-'::text",
        "column audit.events.6 extra integer",
        "enum audit.event_kind login,logout",
        "enum audit.level low,high",
        "index CREATE INDEX ix_events_at ON audit.events USING btree (at)",
        "index CREATE INDEX ix_events_extra ON audit.events USING btree (extra)",
        "constraint audit.events events_user_id_fkey FOREIGN KEY (user_id) REFERENCES audit.people(id)",
        "constraint audit.events fk_events_person FOREIGN KEY (user_id) REFERENCES audit.people(id)",
        "constraint audit.events uq_events_at_kind UNIQUE (at, kind)",
        "constraint audit.events ck_events_note CHECK ((length(note) < 100))",
        "constraint plain fk_plain_event FOREIGN KEY (event_id) REFERENCES audit.events(id)",
    });
    EXPECT_EQ(upgraded.find("table events"), std::string::npos) << upgraded;  // nothing landed in public
  } else {
    expect_lines(upgraded, {
        "table people",
        "column events 4|note|TEXT|0|NULL|0",
        "column events 5|extra|INTEGER|0|NULL|0",
        "index events ix_events_at unique=0 origin=c partial=0 (at)",
        "index events ix_events_extra unique=0 origin=c partial=0 (extra)",
        "foreign key events people|user_id|id|NO ACTION|NO ACTION",
    });
  }
}

TEST(SchemaOpsSqlite, WhatSQLiteCannotDoInAnAttachedDatabaseIsRefusedWithTheLine) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "attached");
  Op& op = database->op();
  op.execute("ATTACH DATABASE ':memory:' AS audit");
  op.create_table("events", Column("id", Integer).primary_key(), TableOptions{.schema = "audit"});
  EXPECT_EQ(database->value("SELECT count(*) FROM audit.sqlite_master WHERE name = 'events'"), "1");
  std::string fk = error_of([&] {
    op.create_table("logs", Column("id", Integer).references("audit.events.id"), TableOptions{.schema = "audit"});
  });
  EXPECT_NE(fk.find("SQLite foreign keys reference a table of their own database"), std::string::npos) << fk;
  EXPECT_NE(fk.find("op.create_table(\"logs\") at line"), std::string::npos) << fk;
  std::string batch = error_of([&] {
    op.batch_alter_table("events", [](BatchOp& b) { b.create_check_constraint("ck", "id > 0"); },
                         {.schema = "audit"});
  });
  EXPECT_NE(batch.find("not the attached database \"audit\""), std::string::npos) << batch;
  // In-place steps run there.
  op.batch_alter_table("events", [](BatchOp& b) { b.add_column(Column("at", Date)); }, {.schema = "audit"});
  EXPECT_EQ(database->value("SELECT count(*) FROM pragma_table_info('events', 'audit')"), "2");
}

}  // namespace
}  // namespace retort::test
