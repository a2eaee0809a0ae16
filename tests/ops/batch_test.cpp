// batch_alter_table: SQLite's copy-and-move recreate keeps rows, indexes and
// named constraints; PostgreSQL runs the same batch as plain ALTERs.
#include <gtest/gtest.h>

#include "ops_support.hpp"
#include "retort/error.hpp"
#include "sinks.hpp"

namespace retort::test {
namespace {


void create_tasks(Op& op) {
  op.create_table("users", Column("id", Integer).primary_key());
  op.create_table("tasks", Column("id", Integer).primary_key(), Column("owner_id", Integer),
                  Column("estimated_hours", Integer), Column("description", Text),
                  Column("title", String(50)).nullable(false).server_default("untitled"),
                  ForeignKeyConstraint({"owner_id"}, "users", {"id"}, {.name = "fk_tasks_owner", .ondelete = "CASCADE"}),
                  CheckConstraint("estimated_hours >= 0", {.name = "ck_tasks_hours"}),
                  UniqueConstraint({"title"}, {.name = "uq_tasks_title"}));
  op.create_index("ix_tasks_description", "tasks", {"description"});
  op.create_index("ix_tasks_busy", "tasks", {sql("lower(title)")}, {.where = "estimated_hours > 0"});
  op.execute("INSERT INTO users (id) VALUES (1)");
  op.execute("INSERT INTO tasks (owner_id, estimated_hours, description, title) VALUES (1, 3, 'write', 'a')");
  op.execute("INSERT INTO tasks (owner_id, estimated_hours, description) VALUES (1, 0, 'read')");
}

void upgrade_tasks(Op& op) {
  op.batch_alter_table("tasks", [](BatchOp& batch) {
    batch.alter_column("estimated_hours", {.type = Float, .existing_type = Integer});
    batch.alter_column("description", {.new_column_name = "details"});
    batch.add_column(Column("priority", Integer).nullable(false).server_default(1));
    batch.drop_constraint("uq_tasks_title");
    batch.create_check_constraint("ck_tasks_priority", "priority > 0");
    batch.alter_column("title", {.nullable = true, .server_default = no_default});
  });
}

void downgrade_tasks(Op& op) {
  op.batch_alter_table("tasks", [](BatchOp& batch) {
    batch.alter_column("title", {.nullable = false, .server_default = "untitled"});
    batch.drop_constraint("ck_tasks_priority");
    batch.create_unique_constraint("uq_tasks_title", {"title"});
    batch.drop_column("priority");
    batch.alter_column("details", {.new_column_name = "description"});
    batch.alter_column("estimated_hours", {.type = Integer, .existing_type = Float});
  });
}

TEST(BatchSqlite, RecreateKeepsRowsIndexesAndNamedConstraintsAndDowngradeRestoresTheCatalog) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch");
  Op& op = database->op();
  create_tasks(op);
  const std::string before = database->schema();

  upgrade_tasks(op);
  std::string after = database->schema();
  for (const char* line : {
           "column tasks 2|estimated_hours|FLOAT|0|NULL|0",
           "column tasks 3|details|TEXT|0|NULL|0",
           "column tasks 4|title|VARCHAR(50)|0|NULL|0",
           "column tasks 5|priority|INTEGER|1|1|0",
           "foreign key tasks users|owner_id|id|NO ACTION|CASCADE",
           "index tasks ix_tasks_description unique=0 origin=c partial=0 (details)",
           "index tasks ix_tasks_busy unique=0 origin=c partial=1 (<expression>)",
       }) {
    EXPECT_NE(after.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << after;
  }
  EXPECT_EQ(after.find("origin=u"), std::string::npos) << "uq_tasks_title was dropped\n" << after;
  // Rows kept (with the new type), constraints kept and added, by name.
  EXPECT_EQ(database->rows("SELECT id, owner_id, typeof(estimated_hours), details, title, priority FROM tasks ORDER BY id"),
            (std::vector<std::string>{"1|1|real|write|a|1", "2|1|real|read|untitled|1"}));
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE name = 'tasks'");
  EXPECT_NE(table_sql.find("CONSTRAINT fk_tasks_owner FOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE CASCADE"),
            std::string::npos) << table_sql;
  EXPECT_NE(table_sql.find("CONSTRAINT ck_tasks_hours CHECK (estimated_hours >= 0)"), std::string::npos) << table_sql;
  EXPECT_NE(table_sql.find("CONSTRAINT ck_tasks_priority CHECK (priority > 0)"), std::string::npos) << table_sql;
  EXPECT_THROW(op.execute("INSERT INTO tasks (estimated_hours) VALUES (-1)"), DatabaseError);
  EXPECT_THROW(op.execute("INSERT INTO tasks (priority) VALUES (0)"), DatabaseError);
  op.execute("INSERT INTO tasks (title) VALUES ('a')");  // the unique constraint is gone
  op.execute("DELETE FROM tasks WHERE id = 3");
  EXPECT_EQ(database->value("SELECT count(*) FROM sqlite_master WHERE name LIKE '_retort_tmp_%'"), "0");

  downgrade_tasks(op);
  EXPECT_EQ(database->schema(), before);
  EXPECT_EQ(database->rows("SELECT id, typeof(estimated_hours), description, title FROM tasks ORDER BY id"),
            (std::vector<std::string>{"1|integer|write|a", "2|integer|read|untitled"}));
}

TEST(BatchSqlite, RecreateAddsKeysAndConstraintsAndDropsIndexesOfDroppedColumns) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_keys");
  Op& op = database->op();
  op.create_table("users", Column("id", Integer).primary_key());
  op.create_table("memberships", Column("user_id", Integer), Column("team", String(20)), Column("legacy", Text));
  op.create_index("ix_memberships_legacy", "memberships", {"legacy"});
  op.execute("INSERT INTO users (id) VALUES (1)");
  op.execute("INSERT INTO memberships VALUES (1, 'red', 'old')");
  op.batch_alter_table("memberships", [](BatchOp& batch) {
    batch.drop_column("legacy");
    batch.create_primary_key("pk_memberships", {"user_id", "team"});
    batch.create_foreign_key("fk_memberships_user", "users", {"user_id"}, {"id"}, {.ondelete = "CASCADE"});
    batch.create_unique_constraint("uq_memberships_team", {"team"});
    batch.add_column(Column("since", Date).index());
  });
  std::string after = database->schema();
  for (const char* line : {
           "column memberships 0|user_id|INTEGER|0|NULL|1",
           "column memberships 1|team|VARCHAR(20)|0|NULL|2",
           "column memberships 2|since|DATE|0|NULL|0",
           "foreign key memberships users|user_id|id|NO ACTION|CASCADE",
           "index memberships <auto> unique=1 origin=u partial=0 (team)",
           "index memberships <auto> unique=1 origin=pk partial=0 (user_id,team)",
           "index memberships ix_memberships_since unique=0 origin=c partial=0 (since)",
       }) {
    EXPECT_NE(after.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << after;
  }
  EXPECT_EQ(after.find("ix_memberships_legacy"), std::string::npos) << after;
  EXPECT_EQ(database->value("SELECT user_id, team, since FROM memberships"), "1|red|NULL");
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE name = 'memberships'");
  EXPECT_NE(table_sql.find("CONSTRAINT pk_memberships PRIMARY KEY (user_id, team)"), std::string::npos) << table_sql;
  // Named: so a later batch can drop them again.
  op.batch_alter_table("memberships", [](BatchOp& batch) {
    batch.drop_constraint("uq_memberships_team");
    batch.drop_constraint("fk_memberships_user");
    batch.drop_constraint("pk_memberships");
  });
  after = database->schema();
  EXPECT_EQ(after.find("origin=u"), std::string::npos) << after;
  EXPECT_EQ(after.find("origin=pk"), std::string::npos) << after;
  EXPECT_EQ(after.find("foreign key memberships"), std::string::npos) << after;
}

TEST(BatchSqlite, RecreateCopesWithNamesThatLookLikeSql) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_names");
  Op& op = database->op();
  const char* table = "odd (table), \"quoted\"";
  op.create_table(table, Column("id", Integer).primary_key(), Column("Value (x)", Integer),
                  CheckConstraint("\"Value (x)\" > 0", {.name = "ck (positive)"}));
  op.create_index("ix (odd)", table, {"Value (x)"}, {.where = "\"Value (x)\" > 1"});
  op.execute("INSERT INTO \"odd (table), \"\"quoted\"\"\" (\"Value (x)\") VALUES (2)");
  op.batch_alter_table(table, [](BatchOp& batch) {
    batch.alter_column("Value (x)", {.type = BigInteger, .new_column_name = "value"});
  });
  std::string after = database->schema();
  EXPECT_NE(after.find("index odd (table), \"quoted\" ix (odd) unique=0 origin=c partial=1 (value)\n"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("column odd (table), \"quoted\" 1|value|BIGINT|0|NULL|0\n"), std::string::npos) << after;
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE type = 'table'");
  EXPECT_NE(table_sql.find("CONSTRAINT \"ck (positive)\" CHECK (value > 0)"), std::string::npos) << table_sql;
  EXPECT_EQ(database->value("SELECT value FROM \"odd (table), \"\"quoted\"\"\""), "2");
}

// SQLite keeps a table's CREATE text as typed, comments included; the copy
// reads it with SQLite's own quoting rules (the shared lexer).
TEST(BatchSqlite, RecreateReadsCommentsInTheTablesOwnText) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_comments");
  Op& op = database->op();
  op.execute(
      "CREATE TABLE notes (id INTEGER PRIMARY KEY, -- the key, isn't it (really\n"
      "  body TEXT /* 'a, (b */ NOT NULL,\n"
      "  CONSTRAINT ck_body CHECK (length(body) > 0) -- body's check\n)");
  op.execute("INSERT INTO notes (body) VALUES ('x')");
  op.batch_alter_table("notes", [](BatchOp& batch) {
    batch.alter_column("body", {.type = String(200), .new_column_name = "text", .existing_type = Text});
  });
  std::string after = database->schema();
  EXPECT_NE(after.find("column notes 1|text|VARCHAR(200)|1|NULL|0\n"), std::string::npos) << after;
  std::string table_sql = database->value("SELECT sql FROM sqlite_master WHERE name = 'notes'");
  EXPECT_NE(table_sql.find("CONSTRAINT ck_body CHECK (length(text) > 0)"), std::string::npos) << table_sql;
  EXPECT_EQ(database->value("SELECT text FROM notes"), "x");
}

TEST(BatchSqlite, TriggersComeBackAndWhatTheCopyCannotKeepIsRefused) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_triggers");
  Op& op = database->op();
  op.create_table("items", Column("id", Integer).primary_key(), Column("name", Text), Column("legacy", Text));
  op.create_table("audit", Column("item_id", Integer));
  op.execute("CREATE TRIGGER items_audit AFTER INSERT ON items BEGIN INSERT INTO audit VALUES (new.id); END");
  op.batch_alter_table("items", [](BatchOp& batch) { batch.drop_column("legacy"); }, {.recreate = Recreate::always});
  op.execute("INSERT INTO items (name) VALUES ('x')");
  EXPECT_EQ(database->value("SELECT count(*) FROM audit"), "1");

  op.execute("CREATE TABLE replaced (a INTEGER UNIQUE ON CONFLICT REPLACE)");
  op.execute("CREATE TABLE ignored (a INTEGER, PRIMARY KEY (a) ON CONFLICT IGNORE)");
  // (Computed columns are kept: tests/ops/generated_test.cpp; AUTOINCREMENT,
  // WITHOUT ROWID and STRICT: tests/ops/table_options_test.cpp.)
  for (const char* table : {"replaced", "ignored"}) {
    std::string message;
    try {
      op.batch_alter_table(table, [](BatchOp& batch) { batch.alter_column("a", {.nullable = false}); });
    } catch (const Error& e) {
      message = e.what();
    }
    EXPECT_NE(message.find("which Retort's copy-and-move would not keep"), std::string::npos) << table << ": " << message;
  }
}

TEST(BatchSqlite, StepsSqliteCanDoInPlaceRunWithoutRecreating) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_in_place");
  Op& op = database->op();
  op.create_table("notes", Column("id", Integer).primary_key(), Column("body", Text));
  database->sink().statements.clear();
  op.batch_alter_table("notes", [](BatchOp& batch) {
    batch.add_column(Column("pinned", Boolean).nullable(false).server_default(false));
    batch.alter_column("body", {.new_column_name = "text"});
    batch.create_index("ix_notes_pinned", {"pinned"});
  });
  std::vector<std::string> ran;
  for (const auto& s : database->sink().statements) ran.push_back(s.sql);
  EXPECT_EQ(ran, (std::vector<std::string>{"ALTER TABLE notes ADD COLUMN pinned BOOLEAN DEFAULT 0 NOT NULL",
                                           "ALTER TABLE notes RENAME COLUMN body TO text",
                                           "CREATE INDEX ix_notes_pinned ON notes (pinned)"}));
  EXPECT_TRUE(database->sink().queries.empty());
}

TEST(BatchSqlite, RecreateNeverAndUnknownNamesAreRefusedWithTheLine) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_refused");
  Op& op = database->op();
  op.create_table("notes", Column("id", Integer).primary_key(), Column("body", Text));
  const std::string before = database->schema();
  try {
    op.batch_alter_table("notes", [](BatchOp& batch) { batch.drop_column("body"); }, {.recreate = Recreate::never});
    FAIL() << "expected the batch to be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("this step needs SQLite to recreate the table, but the batch says "
                                         "recreate = Recreate::never"),
              std::string::npos)
        << e.what();
  }
  unsigned line = 0;
  try {
    op.batch_alter_table("notes", [&](BatchOp& batch) {
      line = __LINE__ + 1;
      batch.alter_column("missing", {.nullable = false});
    });
    FAIL() << "expected an unknown column to be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch_alter_table(\"notes\") at line " + std::to_string(line) +
                                         " of the migration: table \"notes\" has no column \"missing\" (its columns: id, body)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(op.batch_alter_table("notes", [](BatchOp& batch) { batch.drop_constraint("nameless"); }), Error);
  EXPECT_EQ(database->schema(), before);
}

TEST(BatchSqlite, RecreateIsRefusedWhenForeignKeysWouldCascadeOnTheCopy) {
  auto database = TestDatabase::open(SqlDialect::sqlite, "batch_foreign_keys");
  Op& op = database->op();
  create_tasks(op);
  op.execute("PRAGMA foreign_keys = ON");
  const std::string before = database->schema();
  std::string message;
  try {
    op.batch_alter_table("users", [](BatchOp& batch) { batch.add_column(Column("name", Text).server_default(sql("'x'"))); });
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("PRAGMA foreign_keys is on and table \"tasks\" references \"users\""), std::string::npos)
      << message;
  EXPECT_EQ(database->schema(), before);
  EXPECT_EQ(database->value("SELECT count(*) FROM tasks"), "2");
}

TEST(BatchSqlite, OfflineRecreateIsAClearErrorAndInPlaceStepsAreWritten) {
  detail::OfflineSink sink(SqlDialect::sqlite);
  Op op(sink);
  std::string message;
  try {
    op.batch_alter_table("notes", [](BatchOp& batch) { batch.alter_column("body", {.nullable = false}); });
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("batch_alter_table(\"notes\") at line"), std::string::npos) << message;
  EXPECT_NE(message.find("offline (--sql) there is no database. Give the definition as"), std::string::npos)
      << message;
  op.batch_alter_table("notes", [](BatchOp& batch) { batch.alter_column("body", {.new_column_name = "text"}); });
  EXPECT_EQ(sink.script(), "ALTER TABLE notes RENAME COLUMN body TO text;\n\n");
}

TEST(BatchPostgres, TheSameBatchRunsAsPlainAlters) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  auto database = TestDatabase::open(SqlDialect::postgresql, "batch_pg");
  Op& op = database->op();
  create_tasks(op);
  const std::string before = database->schema();
  database->sink().statements.clear();
  upgrade_tasks(op);
  for (const auto& statement : database->sink().statements) {
    EXPECT_EQ(statement.sql.rfind("ALTER TABLE tasks ", 0), 0u) << statement.sql;
  }
  std::string after = database->schema();
  for (const char* line : {
           "column tasks.3 estimated_hours double precision",
           "column tasks.4 details text",
           "column tasks.5 title character varying(50)",
           "column tasks.6 priority integer NOT NULL DEFAULT 1",
           "constraint tasks ck_tasks_priority CHECK ((priority > 0))",
           "index CREATE INDEX ix_tasks_description ON public.tasks USING btree (details)",
       }) {
    EXPECT_NE(after.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << after;
  }
  downgrade_tasks(op);
  // PostgreSQL rewrites the check and the partial index that read
  // estimated_hours with casts when its type changes (and keeps them when it
  // changes back); everything else is as before.
  auto without_rewritten = [](const std::string& schema) {
    std::string kept;
    std::size_t start = 0;
    while (start < schema.size()) {
      std::size_t end = schema.find('\n', start);
      std::string line = schema.substr(start, end - start);
      if (line.find("ck_tasks_hours") == std::string::npos && line.find("ix_tasks_busy") == std::string::npos) {
        kept += line + "\n";
      }
      start = end + 1;
    }
    return kept;
  };
  std::string restored = database->schema();
  EXPECT_EQ(without_rewritten(restored), without_rewritten(before));
  EXPECT_NE(restored.find("constraint tasks ck_tasks_hours CHECK (((estimated_hours)::double precision >= "
                          "(0)::double precision))\n"),
            std::string::npos)
      << restored;
}

}  // namespace
}  // namespace retort::test
