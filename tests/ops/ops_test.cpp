// Every operation and type, executed on real PostgreSQL and SQLite and read
// back from the catalog; downgrades return the catalog to its former state.
#include <gtest/gtest.h>

#include <algorithm>

#include "ops_support.hpp"
#include "round_trip.hpp"
#include "retort/error.hpp"

namespace retort::test {
namespace {


class OpsTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) RETORT_REQUIRE_POSTGRES_OR_SKIP();
    database = TestDatabase::open(GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_NE(database, nullptr);
  }
  bool postgres() const { return GetParam() == SqlDialect::postgresql; }
  Op& op() { return database->op(); }
  std::string schema() { return database->schema(); }

  std::unique_ptr<TestDatabase> database;
};

std::string dialect_param_name(const ::testing::TestParamInfo<SqlDialect>& info) { return dialect_name(info.param); }

INSTANTIATE_TEST_SUITE_P(Dialects, OpsTest, ::testing::Values(SqlDialect::postgresql, SqlDialect::sqlite),
                         dialect_param_name);

TEST_P(OpsTest, CreateTableWithKeysDefaultsConstraintsAndCommentsThenDropIt) {
  const std::string empty = schema();
  op().create_table("users", Column("id", Integer).primary_key(), Column("email", String(255)).nullable(false).unique());
  op().create_table("orders", Column("id", Integer).primary_key(),
                    Column("user_id", Integer).nullable(false).references("users.id", {.ondelete = "CASCADE"}),
                    Column("status", String(20)).nullable(false).server_default("new"),
                    Column("total", Numeric(10, 2)).server_default(0),
                    Column("paid", Boolean).nullable(false).server_default(false),
                    Column("created_at", DateTime(with_timezone)).server_default(sql("CURRENT_TIMESTAMP")),
                    Column("note", Text).comment("free text"),
                    CheckConstraint("total >= 0", {.name = "ck_orders_total"}),
                    UniqueConstraint({"user_id", "status"}, {.name = "uq_orders_user_status"}),
                    TableComment{"customer's orders"});
  std::string created = schema();
  if (postgres()) {
    expect_lines(created, {
        "table orders comment=customer's orders",
        "column orders.1 id integer NOT NULL DEFAULT nextval('orders_id_seq'::regclass)",
        "column orders.2 user_id integer NOT NULL",
        "column orders.3 status character varying(20) NOT NULL DEFAULT 'new'::character varying",
        "column orders.4 total numeric(10,2) DEFAULT 0",
        "column orders.5 paid boolean NOT NULL DEFAULT false",
        "column orders.6 created_at timestamp with time zone DEFAULT CURRENT_TIMESTAMP",
        "column orders.7 note text comment=free text",
        "constraint orders ck_orders_total CHECK ((total >= (0)::numeric))",
        "constraint orders orders_pkey PRIMARY KEY (id)",
        "constraint orders orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
        "constraint orders uq_orders_user_status UNIQUE (user_id, status)",
        "constraint users users_email_key UNIQUE (email)",
    });
  } else {
    expect_lines(created, {
        "column orders 0|id|INTEGER|1|NULL|1",
        "column orders 1|user_id|INTEGER|1|NULL|0",
        "column orders 2|status|VARCHAR(20)|1|'new'|0",
        "column orders 3|total|NUMERIC(10, 2)|0|0|0",
        "column orders 4|paid|BOOLEAN|1|0|0",
        "column orders 5|created_at|DATETIME|0|CURRENT_TIMESTAMP|0",
        "column orders 6|note|TEXT|0|NULL|0",
        "foreign key orders users|user_id|id|NO ACTION|CASCADE",
        "index orders <auto> unique=1 origin=u partial=0 (user_id,status)",
        "index users <auto> unique=1 origin=u partial=0 (email)",
    });
  }
  // The constraints hold: the check refuses, the cascade deletes, the key is generated.
  op().execute("INSERT INTO users (email) VALUES ('a@example.com')");
  op().execute("INSERT INTO orders (user_id, total) VALUES (1, 5)");
  EXPECT_EQ(database->value("SELECT id, status FROM orders"), "1|new");
  EXPECT_THROW(op().execute("INSERT INTO orders (user_id, total) VALUES (1, -1)"), DatabaseError);
  if (!postgres()) op().execute("PRAGMA foreign_keys = ON");
  op().execute("DELETE FROM users");
  EXPECT_EQ(database->value("SELECT count(*) FROM orders"), "0");

  op().drop_table("orders");
  op().drop_table("users");
  EXPECT_EQ(schema(), empty);
}

TEST_P(OpsTest, EveryColumnTypeRendersToTheDialectsType) {
  const std::string empty = schema();
  auto create = [&] {
    if (postgres()) {
      op().create_table("everything", Column("a_integer", Integer), Column("a_big", BigInteger),
                        Column("a_small", SmallInteger), Column("a_bool", Boolean), Column("a_string", String(20)),
                        Column("a_unbounded", String), Column("a_text", Text), Column("a_float", Float),
                        Column("a_real", Float(10)), Column("a_numeric", Numeric(10, 2)), Column("a_date", Date),
                        Column("a_timestamp", DateTime), Column("a_timestamptz", DateTime(with_timezone)),
                        Column("a_time", Time), Column("a_interval", Interval), Column("a_uuid", UUID),
                        Column("a_json", JSON), Column("a_jsonb", JSONB), Column("a_binary", LargeBinary),
                        Column("a_enum", Enum("mood", {"happy", "sad", "it's complicated"})),
                        Column("a_array", Array(Integer)), Column("a_matrix", Array(Array(String(5)))),
                        Column("a_raw", Raw("tsvector")), Column("a_timetz", Time(with_timezone)),
                        Column("a_decimal", Numeric(12)), Column("a_number", Numeric()));
    } else {
      op().create_table("everything", Column("a_integer", Integer), Column("a_big", BigInteger),
                        Column("a_small", SmallInteger), Column("a_bool", Boolean), Column("a_string", String(20)),
                        Column("a_unbounded", String), Column("a_text", Text), Column("a_float", Float),
                        Column("a_numeric", Numeric(10, 2)), Column("a_date", Date), Column("a_timestamp", DateTime),
                        Column("a_time", Time), Column("a_interval", Interval), Column("a_uuid", UUID),
                        Column("a_json", JSON), Column("a_binary", LargeBinary),
                        Column("a_enum", Enum("mood", {"happy", "sad", "it's complicated"})),
                        Column("a_raw", Raw("DECIMAL(5)")));
    }
  };
  create();
  if (postgres()) {
    expect_lines(schema(), {
        "column everything.1 a_integer integer",
        "column everything.2 a_big bigint",
        "column everything.3 a_small smallint",
        "column everything.4 a_bool boolean",
        "column everything.5 a_string character varying(20)",
        "column everything.6 a_unbounded character varying",
        "column everything.7 a_text text",
        "column everything.8 a_float double precision",
        "column everything.9 a_real real",
        "column everything.10 a_numeric numeric(10,2)",
        "column everything.11 a_date date",
        "column everything.12 a_timestamp timestamp without time zone",
        "column everything.13 a_timestamptz timestamp with time zone",
        "column everything.14 a_time time without time zone",
        "column everything.15 a_interval interval",
        "column everything.16 a_uuid uuid",
        "column everything.17 a_json json",
        "column everything.18 a_jsonb jsonb",
        "column everything.19 a_binary bytea",
        "column everything.20 a_enum mood",
        "column everything.21 a_array integer[]",
        "column everything.22 a_matrix character varying(5)[]",
        "column everything.23 a_raw tsvector",
        "column everything.24 a_timetz time with time zone",
        "column everything.25 a_decimal numeric(12,0)",
        "column everything.26 a_number numeric",
        "enum mood happy,sad,it's complicated",
    });
    op().execute("INSERT INTO everything (a_enum, a_array, a_matrix) VALUES ('sad', '{1,2}', '{{a,b},{c,d}}')");
    EXPECT_EQ(database->value("SELECT a_enum, a_array[2], a_matrix[2][1] FROM everything"), "sad|2|c");
    // The enum type goes with the table when the downgrade names it.
    op().drop_table("everything", Enum("mood"));
  } else {
    expect_lines(schema(), {
        "column everything 0|a_integer|INTEGER|0|NULL|0",
        "column everything 1|a_big|BIGINT|0|NULL|0",
        "column everything 2|a_small|SMALLINT|0|NULL|0",
        "column everything 3|a_bool|BOOLEAN|0|NULL|0",
        "column everything 4|a_string|VARCHAR(20)|0|NULL|0",
        "column everything 5|a_unbounded|VARCHAR|0|NULL|0",
        "column everything 6|a_text|TEXT|0|NULL|0",
        "column everything 7|a_float|FLOAT|0|NULL|0",
        "column everything 8|a_numeric|NUMERIC(10, 2)|0|NULL|0",
        "column everything 9|a_date|DATE|0|NULL|0",
        "column everything 10|a_timestamp|DATETIME|0|NULL|0",
        "column everything 11|a_time|TIME|0|NULL|0",
        "column everything 12|a_interval|DATETIME|0|NULL|0",
        "column everything 13|a_uuid|CHAR(32)|0|NULL|0",
        "column everything 14|a_json|JSON|0|NULL|0",
        "column everything 15|a_binary|BLOB|0|NULL|0",
        "column everything 16|a_enum|VARCHAR(16)|0|NULL|0",
        "column everything 17|a_raw|DECIMAL(5)|0|NULL|0",
    });
    op().drop_table("everything", Enum("mood"));
    // PostgreSQL-only types are refused with the alternative named.
    std::string array_error = error_of([&] { op().create_table("t", Column("tags", Array(String))); });
    EXPECT_NE(array_error.find("SQLite has no ARRAY type; store the list as JSON"), std::string::npos) << array_error;
    EXPECT_NE(array_error.find("op.create_table(\"t\") at line"), std::string::npos) << array_error;
    std::string jsonb_error = error_of([&] { op().add_column("t", Column("doc", JSONB)); });
    EXPECT_NE(jsonb_error.find("use retort::JSON on SQLite"), std::string::npos) << jsonb_error;
  }
  EXPECT_EQ(schema(), empty);
}

TEST_P(OpsTest, AddAndDropColumnsWithDefaultsForeignKeysAndIndexes) {
  op().create_table("users", Column("id", Integer).primary_key());
  op().create_table("tasks", Column("id", Integer).primary_key());
  op().execute("INSERT INTO tasks (id) VALUES (1)");
  const std::string before = schema();

  op().add_column("tasks", Column("priority", Integer).nullable(false).server_default(1));
  op().add_column("tasks", Column("owner_id", Integer).references("users", "id", {.ondelete = "SET NULL"}).index());
  op().add_column("tasks", Column("title", String(200)).comment("shown in lists"));
  std::string added = schema();
  if (postgres()) {
    expect_lines(added, {
        "column tasks.2 priority integer NOT NULL DEFAULT 1",
        "column tasks.3 owner_id integer",
        "column tasks.4 title character varying(200) comment=shown in lists",
        "constraint tasks tasks_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE SET NULL",
        "index CREATE INDEX ix_tasks_owner_id ON public.tasks USING btree (owner_id)",
    });
  } else {
    expect_lines(added, {
        "column tasks 1|priority|INTEGER|1|1|0",
        "column tasks 2|owner_id|INTEGER|0|NULL|0",
        "column tasks 3|title|VARCHAR(200)|0|NULL|0",
        "foreign key tasks users|owner_id|id|NO ACTION|SET NULL",
        "index tasks ix_tasks_owner_id unique=0 origin=c partial=0 (owner_id)",
    });
  }
  EXPECT_EQ(database->value("SELECT priority FROM tasks WHERE id = 1"), "1");

  op().drop_index("ix_tasks_owner_id");
  op().drop_column("tasks", "title");
  op().drop_column("tasks", "owner_id");
  op().drop_column("tasks", "priority");
  EXPECT_EQ(schema(), before);
}

TEST_P(OpsTest, AlterColumnChangesTypeNullabilityDefaultNameAndComment) {
  op().create_table("tasks", Column("id", Integer).primary_key(), Column("estimated_hours", Integer),
                    Column("description", Text));
  op().execute("INSERT INTO tasks (estimated_hours, description) VALUES (3, 'x')");
  const std::string before = schema();
  if (!postgres()) {
    // SQLite renames in place and refuses the rest, pointing at batch mode.
    op().alter_column("tasks", "description", {.new_column_name = "details"});
    EXPECT_NE(schema().find("column tasks 2|details|TEXT|0|NULL|0"), std::string::npos);
    op().alter_column("tasks", "details", {.new_column_name = "description"});
    EXPECT_EQ(schema(), before);
    std::string refused = error_of([&] {
      op().alter_column("tasks", "estimated_hours", {.type = Float, .existing_type = Integer});
    });
    EXPECT_NE(refused.find("op.alter_column(\"tasks\", \"estimated_hours\") at line"), std::string::npos) << refused;
    EXPECT_NE(refused.find("SQLite cannot change a column's type in place"), std::string::npos) << refused;
    EXPECT_NE(refused.find("op.batch_alter_table(\"tasks\", [](retort::BatchOp& batch) { batch.alter_column("
                           "\"estimated_hours\", {...}); })"),
              std::string::npos)
        << refused;
    EXPECT_NE(error_of([&] { op().alter_column("tasks", "description", {.nullable = false}); })
                  .find("change whether a column accepts NULL"),
              std::string::npos);
    EXPECT_EQ(schema(), before);
    return;
  }
  op().alter_column("tasks", "estimated_hours", {.type = Float, .existing_type = Integer});
  op().alter_column("tasks", "description",
                    {.nullable = false, .server_default = "none", .new_column_name = "details", .comment = "what"});
  expect_lines(schema(), {
      "column tasks.2 estimated_hours double precision",
      "column tasks.3 details text NOT NULL DEFAULT 'none'::text comment=what",
  });
  EXPECT_EQ(database->value("SELECT estimated_hours FROM tasks"), "3");
  // A USING expression converts values the cast cannot.
  op().alter_column("tasks", "details",
                    {.type = Integer, .server_default = no_default, .using_expression = "length(details)"});
  EXPECT_EQ(database->value("SELECT details FROM tasks"), "1");
  op().alter_column("tasks", "details", {.type = Text, .existing_type = Integer});
  // Back to where it was.
  op().alter_column("tasks", "details", {.nullable = true, .new_column_name = "description", .comment = ""});
  op().alter_column("tasks", "estimated_hours", {.type = Integer, .existing_type = Float});
  EXPECT_EQ(schema(), before);
}

TEST_P(OpsTest, IndexesUniquePartialExpressionDescendingAndIfExists) {
  op().create_table("users", Column("id", Integer).primary_key(), Column("email", String(255)),
                    Column("active", Boolean), Column("created_at", DateTime));
  const std::string before = schema();
  op().create_index("ix_users_email", "users", {"email"}, {.unique = true});
  op().create_index("ix_users_email", "users", {"email"}, {.unique = true, .if_not_exists = true});
  op().create_index("ix_users_active_recent", "users", {desc("created_at")}, {.where = "active"});
  op().create_index("ix_users_lower_email", "users", {sql("lower(email)")});
  if (postgres()) {
    expect_lines(schema(), {
        "index CREATE UNIQUE INDEX ix_users_email ON public.users USING btree (email)",
        "index CREATE INDEX ix_users_active_recent ON public.users USING btree (created_at DESC) WHERE active",
        "index CREATE INDEX ix_users_lower_email ON public.users USING btree (lower((email)::text))",
    });
  } else {
    expect_lines(schema(), {
        "index users ix_users_email unique=1 origin=c partial=0 (email)",
        "index users ix_users_active_recent unique=0 origin=c partial=1 (created_at)",
        "index users ix_users_lower_email unique=0 origin=c partial=0 (<expression>)",
    });
  }
  op().execute("INSERT INTO users (email) VALUES ('A@x')");
  EXPECT_THROW(op().execute("INSERT INTO users (email) VALUES ('A@x')"), DatabaseError);
  op().drop_index("ix_users_lower_email", "users");
  op().drop_index("ix_users_active_recent");
  op().drop_index("ix_users_email", {.if_exists = true});
  op().drop_index("ix_users_email", {.if_exists = true});
  EXPECT_EQ(schema(), before);
}

TEST_P(OpsTest, ConstraintsAreAddedAndDroppedOnPostgresAndRefusedOutsideBatchOnSqlite) {
  op().create_table("users", Column("id", Integer).primary_key());
  op().create_table("accounts", Column("code", String(10)).nullable(false), Column("owner_id", Integer),
                    Column("balance", Integer));
  op().execute("INSERT INTO accounts (code, owner_id, balance) VALUES ('a', 7, 1)");
  const std::string before = schema();
  if (!postgres()) {
    for (const std::string& refused : {
             error_of([&] { op().create_unique_constraint("uq_accounts_code", "accounts", {"code"}); }),
             error_of([&] { op().create_primary_key("pk_accounts", "accounts", {"code"}); }),
             error_of([&] { op().create_foreign_key("fk_owner", "accounts", "users", {"owner_id"}, {"id"}); }),
             error_of([&] { op().create_check_constraint("ck_balance", "accounts", "balance >= 0"); }),
             error_of([&] { op().drop_constraint("ck_balance", "accounts"); }),
         }) {
      EXPECT_NE(refused.find("Write it inside op.batch_alter_table(\"accounts\""), std::string::npos) << refused;
    }
    EXPECT_EQ(schema(), before);
    return;
  }
  op().create_primary_key("pk_accounts", "accounts", {"code"});
  op().create_unique_constraint("uq_accounts_owner", "accounts", {"owner_id", "code"});
  op().create_check_constraint("ck_accounts_balance", "accounts", "balance >= 0");
  // NOT VALID skips the existing row that breaks the key; validating checks it.
  op().create_foreign_key("fk_accounts_owner", "accounts", "users", {"owner_id"}, {"id"},
                          {.ondelete = "cascade", .not_valid = true});
  expect_lines(schema(), {
      "constraint accounts pk_accounts PRIMARY KEY (code)",
      "constraint accounts uq_accounts_owner UNIQUE (owner_id, code)",
      "constraint accounts ck_accounts_balance CHECK ((balance >= 0))",
      "constraint accounts fk_accounts_owner FOREIGN KEY (owner_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID "
      "(not validated)",
  });
  EXPECT_THROW(op().validate_constraint("fk_accounts_owner", "accounts"), DatabaseError);
  op().execute("INSERT INTO users (id) VALUES (7)");
  op().validate_constraint("fk_accounts_owner", "accounts");
  expect_lines(schema(), {"constraint accounts fk_accounts_owner FOREIGN KEY (owner_id) REFERENCES users(id) ON "
                          "DELETE CASCADE"});
  for (const char* name : {"fk_accounts_owner", "ck_accounts_balance", "uq_accounts_owner", "pk_accounts"}) {
    op().drop_constraint(name, "accounts");
  }
  EXPECT_EQ(schema(), before);
}

TEST_P(OpsTest, RenameTableAndTableComments) {
  op().create_table("people", Column("id", Integer).primary_key());
  const std::string before = schema();
  op().rename_table("people", "persons");
  op().create_table_comment("persons", "everyone we know");
  if (postgres()) {
    expect_lines(schema(), {"table persons comment=everyone we know"});
  } else {
    expect_lines(schema(), {"table persons"});
  }
  op().drop_table_comment("persons");
  op().rename_table("persons", "people");
  EXPECT_EQ(schema(), before);
}

TEST_P(OpsTest, DataOperationsBindParametersAndReadRowsBack) {
  op().create_table("roles", Column("id", Integer).primary_key(), Column("name", String(50)).nullable(false),
                    Column("weight", Float), Column("enabled", Boolean), Column("note", Text));
  op().bulk_insert("roles", {"id", "name", "weight", "enabled", "note"},
                   {{1, "admin", 1.5, true, nullptr}, {2, "it's me", 2.0, false, "x'); DROP TABLE roles; --"}});
  op().execute("UPDATE roles SET note = ? WHERE id = ?", {"updated ?", 1});
  EXPECT_EQ(database->rows("SELECT id, name, note FROM roles ORDER BY id"),
            (std::vector<std::string>{"1|admin|updated ?", "2|it's me|x'); DROP TABLE roles; --"}));

  // A data migration reading rows and writing them back.
  Connection connection = op().connection();
  QueryResult result = connection.query("SELECT id, name, weight FROM roles WHERE weight > ? ORDER BY id", {1.0});
  ASSERT_EQ(result.size(), 2u);
  EXPECT_EQ(result.column_count(), 3u);
  for (ResultRow row : result) {
    std::string upper = row.text("name").as<std::string>();
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    connection.execute("UPDATE roles SET name = ?, weight = ? WHERE id = ?",
                       {upper, row.real(2) * 2, row.integer("id")});
  }
  EXPECT_EQ(database->rows("SELECT name, weight FROM roles ORDER BY id"),
            postgres() ? (std::vector<std::string>{"ADMIN|3", "IT'S ME|4"})
                       : (std::vector<std::string>{"ADMIN|3.0", "IT'S ME|4.0"}));
  QueryResult nulls = connection.query("SELECT note FROM roles WHERE id = 2");
  EXPECT_FALSE(nulls[0].is_null(0));
  EXPECT_THROW(nulls[0].integer(0), Error);
  EXPECT_THROW(nulls[0].text("missing"), Error);
}

TEST_P(OpsTest, HostileNamesAndValuesStayInTheirPlace) {
  const std::string table = "we\"ird; DROP TABLE x; --";
  op().create_table("x", Column("id", Integer).primary_key());
  op().create_table(table, Column("select", Integer).primary_key(), Column("Mixed Case", String(30)),
                    Column("quote'd", Text).server_default("it's; DROP TABLE x; --"));
  op().create_index("ix \"odd\"", table, {"Mixed Case"});
  op().execute("INSERT INTO \"we\"\"ird; DROP TABLE x; --\" (\"Mixed Case\") VALUES ('v')");
  std::string tables = postgres()
      ? database->value("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
      : database->value("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)");
  EXPECT_EQ(tables, "we\"ird; DROP TABLE x; --,x");
  EXPECT_EQ(database->value("SELECT \"quote'd\" FROM \"we\"\"ird; DROP TABLE x; --\""), "it's; DROP TABLE x; --");
  // Raw fragments that would end the statement are refused before anything runs.
  std::size_t ran = database->sink().statements.size();
  for (const std::string& refused : {
           error_of([&] { op().create_index("ix_a", "x", {"id"}, {.where = "id > 0; DROP TABLE x"}); }),
           error_of([&] { op().create_index("ix_b", "x", {sql("id) WITH (fillfactor=10")}); }),
           error_of([&] { op().create_table("w", Column("y", Integer).server_default(sql("1 -- comment"))); }),
           error_of([&] { op().create_table("y", Column("id", Integer), CheckConstraint("id > 0')")); }),
           error_of([&] { op().create_table("z", Column("id", Integer).references("x.id", {.ondelete = "CASCADE; DROP TABLE x"})); }),
       }) {
    EXPECT_NE(refused.find(" at line "), std::string::npos) << refused;
    EXPECT_TRUE(refused.find("verbatim") != std::string::npos || refused.find("not a foreign-key action") != std::string::npos)
        << refused;
  }
  EXPECT_EQ(database->sink().statements.size(), ran);
  op().drop_index("ix \"odd\"");
  op().drop_table(table);
  op().drop_table("x");
}

TEST_P(OpsTest, ReservedWordsAndMixedCaseAreQuotedPlainNamesAreNot) {
  op().create_table("Order", Column("user", Integer), Column("plain_name", Integer), Column("key", Integer));
  const auto& statement = database->sink().statements.back().sql;
  if (postgres()) {
    EXPECT_EQ(statement, "CREATE TABLE \"Order\" (\n    \"user\" INTEGER,\n    plain_name INTEGER,\n    key INTEGER\n)");
  } else {
    EXPECT_EQ(statement, "CREATE TABLE \"Order\" (\n    user INTEGER,\n    plain_name INTEGER,\n    \"key\" INTEGER\n)");
  }
}

TEST_P(OpsTest, LoneIntegerPrimaryKeysAreGeneratedUnlessAutoincrementIsOff) {
  op().create_table("events", Column("id", BigInteger).primary_key(), Column("body", Text));
  op().create_table("codes", Column("id", Integer).primary_key().autoincrement(false), Column("body", Text));
  op().create_table("pairs", Column("a", Integer).primary_key(), Column("b", Integer).primary_key());
  op().execute("INSERT INTO events (body) VALUES ('x')");
  EXPECT_EQ(database->value("SELECT id FROM events"), "1");
  if (postgres()) {
    expect_lines(schema(), {
        "column events.1 id bigint NOT NULL DEFAULT nextval('events_id_seq'::regclass)",
        "column codes.1 id integer NOT NULL",
        "column pairs.1 a integer NOT NULL",
        "column pairs.2 b integer NOT NULL",
        "constraint pairs pairs_pkey PRIMARY KEY (a, b)",
    });
    EXPECT_THROW(op().execute("INSERT INTO codes (body) VALUES ('x')"), DatabaseError);
  } else {
    expect_lines(schema(), {"column events 0|id|INTEGER|1|NULL|1", "column pairs 0|a|INTEGER|1|NULL|1",
                            "column pairs 1|b|INTEGER|1|NULL|2"});
  }
}

TEST_P(OpsTest, ErrorsNameTheOperationAndTheMigrationLine) {
  unsigned line = __LINE__ + 1;
  std::string variadic = error_of([&] { op().create_table("t", Column("id", Integer), PrimaryKeyConstraint({"id"}),
                                                          Column("x", Integer).primary_key()); });
  EXPECT_EQ(variadic, "op.create_table(\"t\") at line " + std::to_string(line) +
                          " of the migration: create_table has both primary_key() columns and a "
                          "PrimaryKeyConstraint; keep one of them");
  line = __LINE__ + 1;
  std::string action = error_of([&] { op().create_foreign_key("fk", "a", "b", {"x"}, {"y"}, {.onupdate = "explode"}); });
  EXPECT_EQ(action, "op.create_foreign_key(\"fk\", \"a\") at line " + std::to_string(line) +
                        " of the migration: ON UPDATE \"explode\" is not a foreign-key action; use CASCADE, SET NULL, "
                        "SET DEFAULT, RESTRICT or NO ACTION");
  line = __LINE__ + 1;
  std::string empty_name = error_of([&] { op().drop_column("t", ""); });
  EXPECT_NE(empty_name.find("op.drop_column(\"t\", \"\") at line " + std::to_string(line)), std::string::npos)
      << empty_name;
  EXPECT_TRUE(database->sink().statements.empty());
}

TEST(OpsPostgres, ConcurrentIndexRunsInAnAutocommitBlockInsideAMigrationTransaction) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "concurrent_index");
  Op& op = database->op();
  op.create_table("users", Column("id", Integer).primary_key(), Column("email", String(255)));
  database->db().begin();
  op.add_column("users", Column("name", Text));
  // Inside a transaction PostgreSQL refuses CONCURRENTLY...
  EXPECT_THROW(op.create_index("ix_fail", "users", {"email"}, {.concurrently = true}), DatabaseError);
  database->db().rollback();
  database->db().begin();
  // ...and autocommit_block commits first, runs it outside, and reopens.
  op.autocommit_block([&] { op.create_index("idx_users_email", "users", {"email"}, {.concurrently = true}); });
  EXPECT_TRUE(database->db().in_transaction());
  database->db().commit();
  EXPECT_EQ(database->sink().statements.back().sql, "CREATE INDEX CONCURRENTLY idx_users_email ON users (email)");
  EXPECT_EQ(database->value("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_users_email'"),
            "CREATE INDEX idx_users_email ON public.users USING btree (email)");
  op.autocommit_block([&] { op.drop_index("idx_users_email", {.concurrently = true, .if_exists = true}); });
  EXPECT_EQ(database->value("SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_users_email'"), "0");
}

TEST(OpsPostgres, EnumTypesByHandAndInAddColumn) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "enums");
  Op& op = database->op();
  op.create_table("people", Column("id", Integer).primary_key());
  const std::string before = database->schema();
  op.add_column("people", Column("mood", Enum("mood", {"happy", "sad"})).server_default("happy"));
  op.create_enum(Enum("size", {"s", "m", "l"}));
  op.add_column("people", Column("size", Enum("size")));
  expect_lines(database->schema(), {"column people.2 mood mood DEFAULT 'happy'::mood", "column people.3 size size",
                                    "enum mood happy,sad", "enum size s,m,l"});
  op.drop_column("people", "size");
  op.drop_enum("size");
  op.drop_column("people", "mood");
  op.drop_enum("mood");
  EXPECT_EQ(database->schema(), before);

  // A text column becomes an enum: the type is created first, USING converts.
  op.add_column("people", Column("status", Text));
  op.execute("INSERT INTO people (status) VALUES ('active')");
  op.alter_column("people", "status",
                  {.type = Enum("status", {"active", "gone"}), .using_expression = "status::status"});
  expect_lines(database->schema(), {"column people.2 status status", "enum status active,gone"});
  EXPECT_EQ(database->value("SELECT status FROM people"), "active");
  // drop_table takes the table's columns too, and drops their enum types.
  op.create_table("visits", Column("id", Integer).primary_key(),
                  Column("person_id", Integer).references("people.id").references_name("fk_visits_person"),
                  Column("kind", Enum("visit_kind", {"call", "meeting"})));
  expect_lines(database->schema(), {"constraint visits fk_visits_person FOREIGN KEY (person_id) REFERENCES people(id)",
                                    "enum visit_kind call,meeting"});
  op.drop_table("visits", Column("kind", Enum("visit_kind")));
  EXPECT_EQ(database->schema().find("visit_kind"), std::string::npos) << database->schema();
}

}  // namespace
}  // namespace retort::test
