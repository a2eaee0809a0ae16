// Runs every `app_migrations-migrate` command, and the startup API, with a
// password in the URL (and in DATABASE_URL) against the real PostgreSQL test
// server — successes, offline scripts and every kind of failure — and
// searches everything they print or throw for the password, raw and
// percent-encoded.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <app_migrations.hpp>
#include <pqxx/pqxx>
#include <random>
#include <retort/retort.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "test_support.hpp"

namespace {

using retort::test::run_command;

// A password that needs percent-encoding in a URL, so that both spellings
// are searched for; the wrong one is searched for too.
constexpr const char* kPassword = "Hunter2:Sw0rd/fish@42!";
constexpr const char* kEncodedPassword = "Hunter2%3ASw0rd%2Ffish%4042%21";
constexpr const char* kWrongPassword = "Wr0ngHorse:Battery";
constexpr const char* kWrongEncodedPassword = "Wr0ngHorse%3ABattery";

// Pieces of the passwords long enough not to occur by chance: a leak of a
// fragment (a password cut at a special character) is still a leak.
const std::vector<std::string> kForbidden = {kPassword,      kEncodedPassword, "Hunter2",       "Sw0rd",
                                             "fish%4042",    kWrongPassword,   "Wr0ngHorse",    "Battery",
                                             kWrongEncodedPassword};

struct Server {
  std::string host;
  std::string port;
};

// Host and port of RETORT_TEST_POSTGRES_URL (postgresql://user:pw@host:port/db).
Server test_server() {
  const std::string url = retort::test::postgres_server_url();
  const auto at = url.rfind('@');
  const auto slash = url.find('/', at);
  const std::string authority = url.substr(at + 1, slash - at - 1);
  const auto colon = authority.rfind(':');
  return {authority.substr(0, colon), colon == std::string::npos ? "5432" : authority.substr(colon + 1)};
}

// A login role with kPassword that owns a fresh database, dropped afterwards.
class SecretDatabase {
 public:
  explicit SecretDatabase(const std::string& password = kPassword)
      : role_(fmt::format("retort_secret_{}", getpid())) {
    admin_url_ = retort::test::create_postgres_database("secrets");
    database_ = admin_url_.substr(admin_url_.rfind('/') + 1);
    pqxx::connection connection(retort::test::postgres_server_url());
    pqxx::nontransaction tx(connection);
    tx.exec0("DROP ROLE IF EXISTS " + tx.quote_name(role_));
    tx.exec0(fmt::format("CREATE ROLE {} LOGIN PASSWORD {}", tx.quote_name(role_), tx.quote(password)));
    tx.exec0(fmt::format("ALTER DATABASE {} OWNER TO {}", tx.quote_name(database_), tx.quote_name(role_)));
    pqxx::connection in_database(admin_url_);
    pqxx::nontransaction grant(in_database);
    grant.exec0(fmt::format("ALTER SCHEMA public OWNER TO {}", grant.quote_name(role_)));
  }
  ~SecretDatabase() {
    retort::test::drop_postgres_database(admin_url_);
    try {
      pqxx::connection connection(retort::test::postgres_server_url());
      pqxx::nontransaction tx(connection);
      tx.exec0("DROP ROLE IF EXISTS " + tx.quote_name(role_));
    } catch (const std::exception&) {
      // The role is named after this process; a leftover is harmless.
    }
  }

  // postgresql://ROLE:PASSWORD@host:port/DATABASE (PASSWORD as written: encoded or raw).
  std::string url(const std::string& encoded_password = kEncodedPassword, const std::string& port = "",
                  const std::string& database = "") const {
    const Server server = test_server();
    return fmt::format("postgresql://{}:{}@{}:{}/{}", role_, encoded_password, server.host,
                       port.empty() ? server.port : port, database.empty() ? database_ : database);
  }
  void set_password(const std::string& password) const {
    pqxx::connection connection(retort::test::postgres_server_url());
    pqxx::nontransaction tx(connection);
    tx.exec0(fmt::format("ALTER ROLE {} PASSWORD {}", tx.quote_name(role_), tx.quote(password)));
  }
  std::string keyword_url() const {
    const Server server = test_server();
    return fmt::format("host={} port={} dbname={} user={} password='{}'", server.host, server.port, database_, role_,
                       kPassword);
  }
  const std::string& admin_url() const { return admin_url_; }

 private:
  std::string role_;
  std::string admin_url_;
  std::string database_;
};

struct CommandRun {
  std::string command;
  int status = -1;
  std::string output;  // stdout and stderr
};

enum class UrlVia { option, environment };

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// `app_migrations-migrate [--url URL] ARGS` (or DATABASE_URL=URL).
CommandRun migrate(const std::string& url, UrlVia via, const std::string& args) {
  CommandRun run;
  run.command = via == UrlVia::option ? fmt::format("{} --url {} {}", APP_MIGRATE, shell_quoted(url), args)
                                      : fmt::format("DATABASE_URL={} {} {}", shell_quoted(url), APP_MIGRATE, args);
  run.status = run_command(run.command, run.output);
  return run;
}

void expect_no_password(const std::string& what, const std::string& text) {
  for (const std::string& secret : kForbidden)
    EXPECT_EQ(text.find(secret), std::string::npos) << what << " shows '" << secret << "':\n" << text;
}

void expect_status(const CommandRun& run, int status) {
  EXPECT_EQ(run.status, status) << run.command << "\n" << run.output;
  expect_no_password("`" + run.command + "`", run.output);
}

// A failure must still say what went wrong: not an empty or password-only message.
void expect_failure_mentioning(const CommandRun& run, const std::string& expected) {
  EXPECT_EQ(run.status, 1) << run.command << "\n" << run.output;
  EXPECT_NE(run.output.find(expected), std::string::npos) << run.command << "\n" << run.output;
  expect_no_password("`" + run.command + "`", run.output);
}

class Secrets : public ::testing::TestWithParam<UrlVia> {
 protected:
  void SetUp() override { RETORT_REQUIRE_POSTGRES_OR_SKIP(); }
};

TEST_P(Secrets, EveryCommandOnALiveDatabase) {
  const SecretDatabase db;
  const std::string url = db.url();
  const UrlVia via = GetParam();

  expect_status(migrate(url, via, "current"), 0);
  expect_status(migrate(url, via, "upgrade 3f6d2a8c91e0"), 0);
  expect_failure_mentioning(migrate(url, via, "check"), "not at head");
  expect_failure_mentioning(migrate(url, via, "current --check-heads"), "not on all head");
  expect_status(migrate(url, via, "upgrade head"), 0);
  for (const char* args :
       {"current", "current -v", "current --format json", "history", "history -v -i", "history -r current:heads",
        "history --format json", "heads", "heads -v --resolve-dependencies", "heads --format json", "branches",
        "branches -v", "branches --format json", "show head", "show current", "show 4f2a", "check"}) {
    expect_status(migrate(url, via, args), 0);
  }
  // Checksums: verify, a changed migration, repair.
  expect_status(migrate(url, via, "verify"), 0);
  expect_status(migrate(url, via, "verify --format json"), 0);
  {
    pqxx::connection admin(db.admin_url());
    pqxx::nontransaction tx(admin);
    tx.exec0("UPDATE retort_history SET checksum = 'sha256:0' WHERE revision = '3f6d2a8c91e0'");
  }
  expect_failure_mentioning(migrate(url, via, "verify"), "3f6d2a8c91e0");
  expect_failure_mentioning(migrate(url, via, "check"), "3f6d2a8c91e0");
  expect_status(migrate(url, via, "repair"), 0);
  expect_status(migrate(url, via, "verify"), 0);
  expect_status(migrate(url, via, "downgrade -1"), 0);
  expect_status(migrate(url, via, "downgrade base --single-transaction"), 0);
  expect_status(migrate(url, via, "stamp heads"), 0);
  expect_status(migrate(url, via, "stamp --purge base"), 0);
  expect_status(migrate(url, via, "upgrade heads --single-transaction"), 0);
  expect_status(migrate(url, via, "--connect-timeout 2 downgrade e1a8f4c2d6b7"), 0);

  // Offline scripts, with the URL only naming the dialect.
  expect_status(migrate(url, via, "upgrade head --sql"), 0);
  expect_status(migrate(url, via, "upgrade 7a1e5c0b4d92:head --sql"), 0);
  expect_status(migrate(url, via, "downgrade head:base --sql"), 0);
  expect_status(migrate(url, via, "stamp head --sql"), 0);

  // Refusals that print the database.
  expect_failure_mentioning(migrate(url, via, "upgrade nosuchrevision"), "nosuchrevision");
  expect_failure_mentioning(migrate(url, via, "downgrade +1"), "");
  pqxx::connection admin(db.admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec0("UPDATE retort_version SET version_num = 'ffffffffffff'");
  expect_failure_mentioning(migrate(url, via, "current"), "ffffffffffff");
  expect_failure_mentioning(migrate(url, via, "upgrade head"), "ffffffffffff");
  expect_failure_mentioning(migrate(url, via, "check"), "ffffffffffff");
}

TEST_P(Secrets, KeywordConnectionString) {
  const SecretDatabase db;
  expect_status(migrate(db.keyword_url(), GetParam(), "upgrade head"), 0);
  expect_status(migrate(db.keyword_url(), GetParam(), "current -v"), 0);
  expect_status(migrate(db.keyword_url(), GetParam(), "downgrade head:base --sql"), 0);
}

TEST_P(Secrets, FailingMigration) {
  const SecretDatabase db;
  const UrlVia via = GetParam();
  expect_status(migrate(db.url(), via, "upgrade 7a1e5c0b4d92"), 0);
  // The next revision's table already exists: its CREATE TABLE fails.
  pqxx::connection admin(db.admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec0("CREATE TABLE channels (id INTEGER)");
  expect_failure_mentioning(migrate(db.url(), via, "upgrade head"), "channels");
  expect_failure_mentioning(migrate(db.url(), via, "upgrade head --single-transaction"), "channels");
}

TEST_P(Secrets, ConnectionFailures) {
  const SecretDatabase db;
  const UrlVia via = GetParam();
  expect_failure_mentioning(migrate(db.url(kWrongEncodedPassword), via, "current"), "password authentication failed");
  expect_failure_mentioning(migrate(db.url(kWrongEncodedPassword), via, "upgrade head"), "password");
  // Nothing listens on port 1; retried for a second.
  expect_failure_mentioning(migrate(db.url(kEncodedPassword, "1"), via, "--connect-timeout 1 upgrade head"), "");
  expect_failure_mentioning(
      migrate(fmt::format("postgresql://someone:{}@no-such-host.invalid/app", kEncodedPassword), via, "current"), "");
  // A malformed percent-escape in the password: libpq quotes the token back.
  expect_failure_mentioning(
      migrate(fmt::format("postgresql://someone:{}%ZZ@{}:{}/app", kEncodedPassword, test_server().host,
                          test_server().port),
              via, "current"),
      "");
}

// Malformed URLs are refused (status 1 or 2) and never shown with their
// password. libpq refuses the last three only when connecting: an offline
// script, which needs only the dialect, is still written.
TEST_P(Secrets, MalformedUrls) {
  const UrlVia via = GetParam();
  for (const std::string& url :
       {fmt::format("postgresql//someone:{}@localhost/app", kEncodedPassword),
        fmt::format("sqlite://someone:{}@localhost/app.db", kEncodedPassword),
        fmt::format("sqlite:///app.db?password={}", kEncodedPassword),
        fmt::format("mysql://someone:{}@localhost/app", kEncodedPassword),
        fmt::format("host=localhost password={} dbname", kEncodedPassword),
        fmt::format("host=localhost password='{} dbname=app", kPassword),
        fmt::format("postgresql://someone:{}@localhost:notaport/app", kEncodedPassword),
        fmt::format("postgresql://someone:{}@localhost/app?sslmode=bogus", kEncodedPassword),
        fmt::format("postgresql://someone:{}@localhost/app?nosuchoption=1", kEncodedPassword)}) {
    for (const char* args : {"current", "upgrade head", "upgrade head --sql", "stamp head"}) {
      const CommandRun run = migrate(url, via, args);
      const bool offline_of_parsable_url = url.starts_with("postgresql://") && std::string(args).ends_with("--sql");
      EXPECT_TRUE(run.status == 1 || run.status == 2 || (offline_of_parsable_url && run.status == 0))
          << run.command << "\n" << run.output;
      EXPECT_FALSE(run.output.empty()) << run.command;
      expect_no_password("`" + run.command + "`", run.output);
    }
  }
}

// Passwords copied raw into URLs, as users copy them from alembic.ini: the
// real ones of issue 13, and passwords built from every URL delimiter. Each
// is the role's password: the raw URL connects, and no piece of the
// password is shown, also when the connection then fails.
struct RawPassword {
  std::string text;
  std::vector<std::string> pieces;  // fragments that must never be shown
};

std::vector<RawPassword> raw_passwords() {
  std::vector<RawPassword> passwords = {{"Ab3/xY+9kQ==", {"Ab3", "xY+9kQ"}},
                                        {"Sp3c!@l:/#%?pw&x", {"Sp3c", "l:/#", "pw&x"}},
                                        {"p@ss1234", {"ss1234"}}};
  // Chunks start with g-z: a '%' before one is never a valid %XX escape,
  // so the role's password is the text as written.
  const std::string delimiters = ":/?#[]@!$&'()*+,;=% ";
  std::mt19937 random(13);
  auto chunk = [&] {
    std::string text(1, static_cast<char>('g' + random() % 20));
    for (int i = 0; i < 5; ++i) text += "ghjkmnpqrstuvwxyz0123456789"[random() % 27];
    return text;
  };
  for (int n = 0; n < 8; ++n) {
    RawPassword password;
    for (int part = 0; part < 4; ++part) {
      password.pieces.push_back(chunk());
      password.text += password.pieces.back();
      // The first password holds every delimiter; the others a few at random.
      const std::string between = n == 0 ? delimiters.substr(part * 5, 5)
                                         : std::string(1, delimiters[random() % delimiters.size()]) +
                                               delimiters[random() % delimiters.size()];
      password.text += between;
    }
    passwords.push_back(password);
  }
  return passwords;
}

void expect_no_piece(const std::string& what, const std::string& text, const RawPassword& password) {
  EXPECT_EQ(text.find(password.text), std::string::npos) << what << " shows the password:\n" << text;
  for (const std::string& piece : password.pieces)
    EXPECT_EQ(text.find(piece), std::string::npos) << what << " shows '" << piece << "':\n" << text;
}

TEST_P(Secrets, RawPasswordsWithUrlDelimitersConnectAndNeverShow) {
  const SecretDatabase db;
  const UrlVia via = GetParam();
  for (const RawPassword& password : raw_passwords()) {
    db.set_password(password.text);
    const CommandRun ok = migrate(db.url(password.text), via, "current");
    EXPECT_EQ(ok.status, 0) << ok.command << "\n" << ok.output;
    expect_no_piece(ok.command, ok.output, password);

    const CommandRun missing = migrate(db.url(password.text, "", "retort_no_such_db"), via, "current");
    EXPECT_EQ(missing.status, 1) << missing.command << "\n" << missing.output;
    EXPECT_NE(missing.output.find("does not exist"), std::string::npos) << missing.output;
    expect_no_piece(missing.command, missing.output, password);

    const CommandRun wrong_host =
        migrate(fmt::format("postgresql://someone:{}@no-such-host.invalid/app", password.text), via, "current");
    EXPECT_EQ(wrong_host.status, 1) << wrong_host.command << "\n" << wrong_host.output;
    expect_no_piece(wrong_host.command, wrong_host.output, password);

    // A port that is not a number: unreadable, so masked whole; a usage
    // error, not retried.
    const CommandRun bad_port = migrate(fmt::format("postgresql://someone:{}@localhost:54x2/app", password.text), via,
                                        "--connect-timeout 30 current");
    EXPECT_EQ(bad_port.status, 2) << bad_port.command << "\n" << bad_port.output;
    EXPECT_NE(bad_port.output.find("'postgresql://***'"), std::string::npos) << bad_port.output;
    expect_no_piece(bad_port.command, bad_port.output, password);
  }
}

INSTANTIATE_TEST_SUITE_P(UrlIn, Secrets, ::testing::Values(UrlVia::option, UrlVia::environment),
                         [](const auto& info) { return info.param == UrlVia::option ? "UrlOption" : "DatabaseUrl"; });

// The startup API services call: results, log lines and exception texts.
TEST(SecretsStartupApi, ResultsLogsAndExceptions) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  const SecretDatabase db;
  std::string logged;
  retort::UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(0);
  options.log = [&](std::string_view line) { logged.append(line).push_back('\n'); };

  auto expect_clean_error = [&](const std::string& what, auto&& call) {
    try {
      call();
      ADD_FAILURE() << what << " did not throw";
    } catch (const retort::Error& error) {
      EXPECT_GT(std::string(error.what()).size(), 20u) << what;
      expect_no_password(what, error.what());
    }
  };

  const auto& registry = app_migrations::registry();
  const retort::UpgradeResult up = retort::upgrade(registry, db.url(), "head", options);
  EXPECT_FALSE(up.applied.empty());
  const retort::Status status = retort::status(registry, db.url(), options);
  EXPECT_TRUE(status.at_head);
  retort::downgrade(registry, db.url(), "base", options);
  expect_no_password("the startup log", logged);

  expect_clean_error("a wrong password", [&] { retort::upgrade(registry, db.url(kWrongEncodedPassword), "head", options); });
  expect_clean_error("status with a wrong password",
                     [&] { retort::status(registry, db.url(kWrongEncodedPassword), options); });
  expect_clean_error("an unreachable port", [&] { retort::upgrade(registry, db.url(kEncodedPassword, "1"), "head", options); });
  expect_clean_error("an unknown target", [&] { retort::upgrade(registry, db.url(), "nosuchrevision", options); });
  expect_clean_error("a malformed URL", [&] {
    retort::upgrade(registry, fmt::format("sqlite://someone:{}@localhost/app.db", kEncodedPassword), "head", options);
  });
  expect_clean_error("a malformed percent-escape", [&] {
    retort::upgrade(registry, db.url(std::string(kEncodedPassword) + "%ZZ"), "head", options);
  });

  pqxx::connection admin(db.admin_url());
  pqxx::nontransaction tx(admin);
  tx.exec0("CREATE TABLE channels (id INTEGER)");
  expect_clean_error("a failing migration", [&] { retort::upgrade(registry, db.url(), "head", options); });
  expect_no_password("the startup log", logged);
}

// With the default retry deadline: raw passwords connect; what retrying
// cannot heal (an unreadable URL, a missing database) fails at once.
TEST(SecretsStartupApi, RawPasswordsAndFailuresThatAreNotRetried) {
  RETORT_REQUIRE_POSTGRES_OR_SKIP();
  const SecretDatabase db;
  const auto& registry = app_migrations::registry();
  const retort::ConnectionOptions options;  // retry_for 30 s
  for (const RawPassword& password : raw_passwords()) {
    db.set_password(password.text);
    EXPECT_FALSE(retort::status(registry, db.url(password.text), options).at_head);
    for (const std::string& url : {db.url(password.text, "", "retort_no_such_db"),
                                   fmt::format("postgresql://someone:{}@localhost:54x2/app", password.text)}) {
      const auto start = std::chrono::steady_clock::now();
      try {
        retort::status(registry, url, options);
        ADD_FAILURE() << "connected";
      } catch (const retort::Error& error) {
        expect_no_piece("the startup API", error.what(), password);
      }
      EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "retried";
    }
  }
}

}  // namespace
