// URL parsing and the two backends, against a real PostgreSQL server and
// real SQLite files.
#include <gtest/gtest.h>

#include <chrono>

#include "backend.hpp"
#include "database_url.hpp"
#include "retort/error.hpp"
#include "sql_text.hpp"
#include "test_support.hpp"

namespace retort::detail {
namespace {

using retort::test::create_postgres_database;
using retort::test::drop_postgres_database;
using retort::test::TempDir;

TEST(DatabaseUrl, PostgresUriKeepsTheUrlForLibpqAndRedactsThePassword) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql://app:s3cr%40t@db.example:5433/orders?sslmode=require");
  EXPECT_EQ(url.dialect, SqlDialect::postgresql);
  EXPECT_EQ(url.target, "postgresql://app:s3cr%40t@db.example:5433/orders?sslmode=require");
  EXPECT_EQ(url.display, "postgresql://app:***@db.example:5433/orders?sslmode=require");
  EXPECT_EQ(url.redact("error for s3cr@t and s3cr%40t"), "error for *** and ***");
}

// Passwords copied raw from alembic.ini: the user info ends at the last '@',
// and libpq gets it percent-encoded.
TEST(DatabaseUrl, RawPasswordsWithUrlDelimiters) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql://app2:Sp3c!@l:/#%?pw&x@db.example:5433/orders?sslmode=disable");
  EXPECT_EQ(url.target, "postgresql://app2:Sp3c%21%40l%3A%2F%23%25%3Fpw%26x@db.example:5433/orders?sslmode=disable");
  EXPECT_EQ(url.display, "postgresql://app2:***@db.example:5433/orders?sslmode=disable");
  EXPECT_EQ(url.redact("a Sp3c!@l:/#%?pw&x b Sp3c%21%40l%3A%2F%23%25%3Fpw%26x"), "a *** b ***");

  EXPECT_EQ(DatabaseUrl::parse("postgresql://app3:Ab3/xY+9kQ==@127.0.0.1:5432/pm").target,
            "postgresql://app3:Ab3%2FxY%2B9kQ%3D%3D@127.0.0.1:5432/pm");
  url = DatabaseUrl::parse("postgresql://app:p@ss1234@127.0.0.1/pm");
  EXPECT_EQ(url.target, "postgresql://app:p%40ss1234@127.0.0.1/pm");
  EXPECT_EQ(url.display, "postgresql://app:***@127.0.0.1/pm");

  // Without user info, an '@' after the first '/' is the database's.
  EXPECT_EQ(DatabaseUrl::parse("postgresql://h/my@db").target, "postgresql://h/my@db");
  EXPECT_EQ(DatabaseUrl::parse("postgresql://[::1]:5432,h2/db").target, "postgresql://[::1]:5432,h2/db");
  EXPECT_EQ(DatabaseUrl::parse("postgresql:///db?host=/run/postgresql").target,
            "postgresql:///db?host=/run/postgresql");
}

// What cannot be read is masked whole: the password may be anywhere in it.
TEST(DatabaseUrl, UnreadableUrlsAreMaskedWhole) {
  for (const char* text : {"postgresql://app:Secret/xyz", "postgresql://app:Secret", "postgresql://u:pw@h:54x2/db",
                           "postgresql://u:pw@[::1/db", "postgresql://app: Secret@h b/db"}) {
    try {
      DatabaseUrl::parse(text);
      ADD_FAILURE() << text << " accepted";
    } catch (const UrlError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("'postgresql://***'"), std::string::npos) << message;
      EXPECT_EQ(message.find("Secret"), std::string::npos) << message;
      EXPECT_EQ(message.find("pw"), std::string::npos) << message;
    }
  }
  try {
    DatabaseUrl::parse("host=h password=abc defSECRET dbname=x");
    ADD_FAILURE() << "an unquoted password with a space accepted";
  } catch (const UrlError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
    EXPECT_NE(message.find("after password="), std::string::npos) << message;
  }
}

TEST(DatabaseUrl, DriverSuffixAndPostgresSchemeAreAccepted) {
  DatabaseUrl psycopg = DatabaseUrl::parse("postgresql+psycopg2://postgres:postgres@localhost:5432/project_manager");
  EXPECT_EQ(psycopg.target, "postgresql://postgres:postgres@localhost:5432/project_manager");
  EXPECT_EQ(psycopg.display, "postgresql+psycopg2://postgres:***@localhost:5432/project_manager");

  DatabaseUrl short_scheme = DatabaseUrl::parse("postgres://u@h/db");
  EXPECT_EQ(short_scheme.dialect, SqlDialect::postgresql);
  EXPECT_EQ(short_scheme.target, "postgresql://u@h/db");
  EXPECT_EQ(short_scheme.display, "postgres://u@h/db");
  EXPECT_TRUE(short_scheme.secrets.empty());
}

TEST(DatabaseUrl, PasswordInTheQueryStringIsRedacted) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql://h/db?user=u&password=hunter2&sslmode=disable");
  EXPECT_EQ(url.display, "postgresql://h/db?user=u&password=***&sslmode=disable");
  EXPECT_EQ(url.redact("x hunter2 y"), "x *** y");
}

TEST(DatabaseUrl, LibpqKeywordStrings) {
  DatabaseUrl url = DatabaseUrl::parse("host=127.0.0.1 port=5432 dbname=app user=svc password='pa ss\\'wd'");
  EXPECT_EQ(url.dialect, SqlDialect::postgresql);
  EXPECT_EQ(url.target, "host=127.0.0.1 port=5432 dbname=app user=svc password='pa ss\\'wd'");
  EXPECT_EQ(url.display, "host=127.0.0.1 port=5432 dbname=app user=svc password=***");
  EXPECT_EQ(url.redact("pa ss'wd"), "***");

  EXPECT_THROW(DatabaseUrl::parse("host=x dbname"), UrlError);
  EXPECT_THROW(DatabaseUrl::parse("host=x password='open"), UrlError);
}

TEST(DatabaseUrl, SqliteForms) {
  EXPECT_EQ(DatabaseUrl::parse("sqlite:///relative/app.db").target, "relative/app.db");
  EXPECT_EQ(DatabaseUrl::parse("sqlite:////var/lib/app.db").target, "/var/lib/app.db");
  EXPECT_EQ(DatabaseUrl::parse("sqlite://").target, ":memory:");
  EXPECT_EQ(DatabaseUrl::parse("sqlite:///:memory:").target, ":memory:");
  EXPECT_EQ(DatabaseUrl::parse("sqlite+pysqlite:///a.db").target, "a.db");
  EXPECT_EQ(DatabaseUrl::parse("sqlite:///a.db").dialect, SqlDialect::sqlite);
}

TEST(DatabaseUrl, RejectionsSayWhatToWrite) {
  try {
    DatabaseUrl::parse("");
    FAIL() << "empty URL accepted";
  } catch (const UrlError& e) {
    EXPECT_NE(std::string(e.what()).find("DATABASE_URL"), std::string::npos) << e.what();
  }
  try {
    DatabaseUrl::parse("mysql://root:topsecret@h/db");
    FAIL() << "mysql accepted";
  } catch (const UrlError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("mysql://root:***@h/db"), std::string::npos) << message;
    EXPECT_EQ(message.find("topsecret"), std::string::npos) << message;
  }
  EXPECT_THROW(DatabaseUrl::parse("sqlite:/a.db"), UrlError);
  EXPECT_THROW(DatabaseUrl::parse("sqlite:a.db"), UrlError);
  EXPECT_THROW(DatabaseUrl::parse("sqlite:///a.db?mode=ro"), UrlError);
}

TEST(SqlText, PlaceholdersOutsideQuotesAndComments) {
  std::string_view sql = "SELECT '?', \"a?\", $$ ? $$, $f$?$f$ -- ?\n, ? /* ? */, ?";
  EXPECT_EQ(count_placeholders(sql), 2u);
  EXPECT_EQ(number_placeholders(sql), "SELECT '?', \"a?\", $$ ? $$, $f$?$f$ -- ?\n, $1 /* ? */, $2");
  std::vector<Value> params{std::string("it's"), std::int64_t{42}};
  EXPECT_EQ(inline_parameters("INSERT INTO t VALUES (?, ?)", params, SqlDialect::postgresql),
            "INSERT INTO t VALUES ('it''s', 42)");
  std::vector<Value> flags{true, nullptr, 1.5};
  EXPECT_EQ(inline_parameters("(?, ?, ?)", flags, SqlDialect::sqlite), "(1, NULL, 1.5)");
  EXPECT_EQ(inline_parameters("(?, ?, ?)", flags, SqlDialect::postgresql), "(true, NULL, 1.5)");
  EXPECT_THROW(inline_parameters("(?)", flags, SqlDialect::sqlite), Error);
}

// The same contract for both backends.
void exercise_backend(Backend& db) {
  db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40), price DOUBLE PRECISION, ok BOOLEAN)");
  std::vector<Value> row{std::int64_t{1}, std::string("it's a ? mark"), 2.5, true};
  db.execute("INSERT INTO items (id, name, price, ok) VALUES (?, ?, ?, ?)", row);
  EXPECT_EQ(db.affected_rows(), 1);
  std::vector<Value> null_row{std::int64_t{2}, nullptr, nullptr, false};
  db.execute("INSERT INTO items (id, name, price, ok) VALUES (?, ?, ?, ?)", null_row);

  std::vector<Value> filter{std::int64_t{0}};
  Rows rows = db.query("SELECT id, name FROM items WHERE id > ? ORDER BY id", filter);
  ASSERT_EQ(rows.columns, (std::vector<std::string>{"id", "name"}));
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0][0], "1");
  EXPECT_EQ(rows.rows[0][1], "it's a ? mark");
  EXPECT_EQ(rows.rows[1][1], std::nullopt);

  // A rolled-back transaction leaves nothing behind, DDL included.
  EXPECT_FALSE(db.in_transaction());
  db.begin();
  EXPECT_TRUE(db.in_transaction());
  db.execute("CREATE TABLE scratch (x INTEGER)");
  db.execute("DELETE FROM items");
  db.rollback();
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.query("SELECT count(*) FROM items").rows[0][0], "2");
  EXPECT_THROW(db.query("SELECT * FROM scratch"), DatabaseError);

  // A failing statement inside a transaction: the error carries the
  // database's own message, and rollback restores a usable connection.
  db.begin();
  db.execute("UPDATE items SET name = 'changed'");
  try {
    db.execute("INSERT INTO items (id) VALUES (1)");
    FAIL() << "duplicate key accepted";
  } catch (const DatabaseError& e) {
    std::string message = e.what();
    EXPECT_TRUE(message.find("UNIQUE") != std::string::npos || message.find("unique") != std::string::npos)
        << message;
  }
  db.rollback();
  EXPECT_EQ(db.query("SELECT name FROM items WHERE id = 1").rows[0][0], "it's a ? mark");

  // Several statements in one text.
  db.execute("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);");
  EXPECT_EQ(db.query("SELECT count(*) FROM b").rows[0][0], "0");
}

TEST(PostgresBackend, ExecutesQueriesAndTransactions) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string url = create_postgres_database("backend");
  auto db = connect(DatabaseUrl::parse(url));
  EXPECT_EQ(db->dialect(), SqlDialect::postgresql);
  exercise_backend(*db);
  db.reset();
  drop_postgres_database(url);
}

TEST(SqliteBackend, ExecutesQueriesAndTransactions) {
  TempDir dir;
  auto db = connect(DatabaseUrl::parse("sqlite:///" + (dir / "app.db").string()));
  EXPECT_EQ(db->dialect(), SqlDialect::sqlite);
  exercise_backend(*db);
}

TEST(SqliteBackend, AbsolutePathCreatesTheFileAndMissingDirectoryIsNamed) {
  TempDir dir;
  std::string path = (dir / "app.db").string();
  // sqlite://// + absolute path: the fourth slash is the path's own.
  auto db = connect(DatabaseUrl::parse("sqlite:///" + path));
  db->execute("CREATE TABLE t (x INTEGER)");
  EXPECT_TRUE(std::filesystem::exists(path));
  try {
    connect(DatabaseUrl::parse("sqlite:///" + (dir / "missing" / "app.db").string()));
    FAIL() << "opened a file in a missing directory";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("missing/app.db"), std::string::npos) << e.what();
  }
}

TEST(PostgresBackend, UnreachableServerIsRetriedUntilTheDeadlineWithoutLeakingThePassword) {
  DatabaseUrl url = DatabaseUrl::parse("postgresql://svc:UnreachablePass99@127.0.0.1:1/app?connect_timeout=2");
  auto start = std::chrono::steady_clock::now();
  try {
    connect(url, ConnectOptions{std::chrono::milliseconds(700)});
    FAIL() << "connected to port 1";
  } catch (const ConnectionError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find("UnreachablePass99"), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql://svc:***@127.0.0.1:1/app"), std::string::npos) << message;
    EXPECT_NE(message.find("attempts"), std::string::npos) << message;
    EXPECT_NE(message.find("raise ConnectionOptions::retry_for"), std::string::npos) << message;
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));
}

// A missing database does not appear by waiting: one attempt, and what to do.
TEST(PostgresBackend, MissingDatabaseFailsAtOnceAndSaysToCreateIt) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  const std::string server = retort::test::postgres_server_url();
  const std::string missing = server.substr(0, server.rfind('/') + 1) + "retort_no_such_database";
  auto start = std::chrono::steady_clock::now();
  try {
    connect(DatabaseUrl::parse(missing), ConnectOptions{std::chrono::seconds(20)});
    FAIL() << "connected to a database that does not exist";
  } catch (const ConnectionError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("database \"retort_no_such_database\" does not exist"), std::string::npos) << message;
    EXPECT_NE(message.find("Create the database (CREATE DATABASE"), std::string::npos) << message;
    EXPECT_EQ(message.find("attempts"), std::string::npos) << message;
    EXPECT_EQ(message.find("retry"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(PostgresBackend, WrongPasswordFailsAtOnceWithoutEchoingIt) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  std::string server = retort::test::postgres_server_url();
  // Same server, same user, another password.
  std::size_t colon = server.find(':', server.find("://") + 3);
  std::size_t at = server.find('@');
  std::string wrong = server.substr(0, colon + 1) + "WrongPass12345" + server.substr(at);
  auto start = std::chrono::steady_clock::now();
  try {
    connect(DatabaseUrl::parse(wrong), ConnectOptions{std::chrono::seconds(20)});
    FAIL() << "connected with a wrong password";
  } catch (const ConnectionError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.find("WrongPass12345"), std::string::npos) << message;
    EXPECT_NE(message.find("password authentication failed"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace retort::detail
