// PostgreSQL through libpqxx 6.4. One pqxx::nontransaction lives as long as
// the connection and transactions are explicit BEGIN/COMMIT statements, so
// that the migrator decides exactly where transactions start and end (a
// non-transactional migration must run with no transaction open).
#include <fmt/format.h>

#include <pg_query.h>
#include <poll.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <pqxx/pqxx>
#include <vector>

#include "backend.hpp"
#include "retort/error.hpp"
#include "sql/quote.hpp"
#include "sql/split.hpp"
#include "sql_text.hpp"

namespace retort::detail {

namespace {

// Server notices (e.g. "table does not exist, skipping") would otherwise go
// to stderr unasked; they are not errors.
class DiscardNotices : public pqxx::errorhandler {
 public:
  using pqxx::errorhandler::errorhandler;
  bool operator()(const char[]) noexcept override { return false; }
};

// Connection failures that heal by themselves: the server is not up yet,
// starting, restarting or full, or its name does not resolve yet. Anything
// else (authentication, a missing database or role, a bad option) needs
// someone to act, and is never retried.
bool can_heal(std::string_view message) {
  auto has = [&](std::string_view text) { return message.find(text) != std::string_view::npos; };
  const bool unreachable = has("Connection refused") || has("timeout expired") || has("Connection timed out") ||
                           has("No route to host") || has("Network is unreachable") ||
                           has("could not translate host name") || has("Connection reset by peer") ||
                           has("server closed the connection unexpectedly") ||
                           has("could not receive data from server") || has("could not send data to server");
  // A Unix socket that is not there yet (not a missing certificate file).
  const bool no_socket = has("No such file or directory") && (has("on socket") || has("could not connect to server"));
  const bool server_not_ready = has("the database system is starting up") ||
                                has("the database system is shutting down") ||
                                has("the database system is in recovery mode") ||
                                has("not yet accepting connections") || has("too many clients already") ||
                                has("remaining connection slots are reserved") ||
                                has("pgbouncer cannot connect to server") || has("no more connections allowed");
  return unreachable || no_socket || server_not_ready;
}

// What to do about a failure that retrying will not heal.
std::string advice_for(std::string_view message) {
  if (message.find("database \"") != std::string_view::npos && message.find("does not exist") != std::string_view::npos)
    return "Create the database (CREATE DATABASE name, or createdb name), or fix the database name in the URL.";
  return "Check the user, password, database name and options in the URL.";
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(const DatabaseUrl& url) : url_(url), connection_(open(url)), notices_(*connection_) {
    session_ = std::make_unique<pqxx::nontransaction>(*connection_, "retort");
  }
  ~PostgresBackend() override { drop_unread_result(); }

  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  int session_pid() const override { return connection_->backendpid(); }
  const DatabaseUrl& url() const override { return url_; }

  void execute(std::string_view sql) override {
    with_outside_settings([&] { return session_->exec(std::string(sql)); });
  }

  void execute(std::string_view sql, std::span<const Value> params) override {
    if (params.empty() && count_placeholders(sql) == 0) return execute(sql);
    with_outside_settings([&] { return exec_with(sql, params); });
  }

  Rows query(std::string_view sql, std::span<const Value> params) override {
    return rows_of(with_outside_settings(
        [&] { return params.empty() ? session_->exec(std::string(sql)) : exec_with(sql, params); }));
  }

  // PgBouncer and its kind give the client a process id of their own
  // making (the cancel key is theirs to route), so it differs from the
  // server process that runs the query.
  bool pooled() override {
    if (!pooled_) {
      pqxx::result server = run([&] { return session_->exec("SELECT pg_backend_pid()"); });
      pooled_ = server[0][0].as<int>() != connection_->backendpid();
    }
    return *pooled_;
  }

  void set_outside_settings(Settings settings) override {
    wanted_ = std::move(settings);
    if (!in_transaction_ && !pooled()) put_settings_on_session();
  }

  // A pqxx::pipeline with one query sends it at once (PQsendQuery) and holds
  // the session until its result has been read.
  void send(std::string_view sql) override {
    run([&] {
      unread_ = std::make_unique<pqxx::pipeline>(*session_);
      unread_query_ = unread_->insert(std::string(sql));
      return pqxx::result();
    });
  }
  Rows receive() override {
    if (!unread_) throw Error("receive() without send(): nothing is waiting for a result");
    std::unique_ptr<pqxx::pipeline> sent = std::move(unread_);
    return rows_of(run([&] {
      pqxx::result result = sent->retrieve(unread_query_);
      sent->complete();
      return result;
    }));
  }
  bool may_have_ended() override {
    drop_unread_result();
    pollfd socket{.fd = connection_->sock(), .events = POLLIN | POLLRDHUP, .revents = 0};
    return socket.fd < 0 || ::poll(&socket, 1, 0) != 0;
  }

  long long affected_rows() const override { return affected_rows_; }

  void begin() override {
    exec_plain("BEGIN");
    in_transaction_ = true;
  }
  void commit() override {
    flush();  // a queued statement that fails leaves the transaction open, to roll back
    in_transaction_ = false;
    exec_plain("COMMIT");
  }
  void rollback() override {
    deferred_.clear();  // never sent: nothing to undo
    deferring_ = false;
    in_transaction_ = false;
    exec_plain("ROLLBACK");
  }
  bool in_transaction() const override { return in_transaction_; }

  // A multi-statement simple query runs in one round trip; the statements
  // after a failing one are skipped (so a failed batch never commits).
  void begin_with(std::string_view then) override {
    if (then.empty()) return begin();
    in_transaction_ = true;  // also when `then` fails: BEGIN ran, the caller rolls back
    exec_plain(fmt::format("BEGIN; {}", then));
  }
  void commit_with(std::string_view first) override {
    if (first.empty()) return commit();
    exec_plain(fmt::format("{}; COMMIT", first));
    in_transaction_ = false;
  }

  void begin_deferred(std::string_view settings) override {
    flush();
    deferring_ = true;
    in_transaction_ = true;  // the caller rolls back whatever happens
    deferred_.push_back({"BEGIN", 0, false});
    for (auto& setting : sqltext::split(settings).statements) deferred_.push_back({std::move(setting.text), 0, false});
  }

  bool defer(std::string_view sql, unsigned line) override {
    if (!deferring_ || !deferrable(sql)) return false;
    deferred_.push_back({std::string(sql), line, true});
    return true;
  }

  // A queue holding migration statements goes out as one simple query through
  // a pqxx::pipeline, which reads one result per statement and so knows which
  // one failed; when the server cannot parse the text as a whole, pqxx sends
  // the statements again one at a time to find out. Without migration
  // statements (BEGIN and settings only) it is one plain query.
  void flush() override {
    deferring_ = false;
    if (deferred_.empty()) return;
    std::vector<Deferred> queue = std::move(deferred_);
    deferred_.clear();
    drop_unread_result();
    if (std::none_of(queue.begin(), queue.end(), [](const Deferred& item) { return item.from_migration; })) {
      std::string text;
      for (const Deferred& item : queue) text += (text.empty() ? "" : "; ") + item.sql;
      run([&] { return session_->exec(text); });
      return;
    }
    std::size_t failed = 0;
    std::exception_ptr failure;
    {
      pqxx::pipeline pipeline(*session_);
      try {
        pipeline.retain(static_cast<int>(queue.size()));
        std::vector<pqxx::pipeline::query_id> ids;
        // The newline ends a trailing `--` comment before the pipeline's `;`.
        for (const Deferred& item : queue) ids.push_back(pipeline.insert(item.sql + "\n"));
        pipeline.resume();
        for (; failed < ids.size(); ++failed) pipeline.retrieve(ids[failed]);
      } catch (...) {
        failure = std::current_exception();
      }
      try {
        pipeline.flush();  // detaches; the server skipped what followed an error
      } catch (const std::exception&) {
        // the connection is gone; the failure above says so
      }
    }
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception&) {
      throw_as_failure_of(queue[std::min(failed, queue.size() - 1)]);
    }
  }

 private:
  // libpq waits forever for a host that drops packets; a bounded attempt
  // lets connect() retry until its own deadline.
  static std::string with_connect_timeout(const std::string& conninfo) {
    if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
    if (!conninfo.starts_with("postgresql://")) return conninfo + " connect_timeout=10";
    return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
  }

  static std::unique_ptr<pqxx::connection> open(const DatabaseUrl& url) {
    try {
      return std::make_unique<pqxx::connection>(with_connect_timeout(url.target));
    } catch (const std::exception& e) {
      std::string message = url.redact(trimmed(e.what()));
      std::string text = fmt::format("could not connect to {}: {}", url.display, message);
      if (!can_heal(message)) throw ConnectionError(text + "\n" + advice_for(message));
      throw TransientConnectionError(text);
    }
  }

  pqxx::result exec_with(std::string_view sql, std::span<const Value> params) {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> pointers;
    for (const Value& value : params) {
      if (std::holds_alternative<std::nullptr_t>(value)) {
        pointers.push_back(nullptr);
      } else {
        storage.push_back(value_text(value, SqlDialect::postgresql));
        pointers.push_back(storage.back().c_str());
      }
    }
    return session_->exec_params(number_placeholders(sql), pqxx::prepare::make_dynamic_params(pointers));
  }

  static Rows rows_of(const pqxx::result& result) {
    Rows rows;
    for (pqxx::row::size_type c = 0; c < result.columns(); ++c) rows.columns.emplace_back(result.column_name(c));
    for (const pqxx::row& row : result) {
      auto& out = rows.rows.emplace_back();
      for (const pqxx::field& field : row) {
        out.push_back(field.is_null() ? std::nullopt : std::optional<std::string>(field.c_str()));
      }
    }
    return rows;
  }

  // Waits for the result of a send() nobody received (its step failed
  // first) and drops it, so that the session is free again.
  void drop_unread_result() noexcept {
    if (!unread_) return;
    try {
      unread_->complete();
    } catch (const std::exception&) {
      // Its error belongs to a check that no longer matters.
    }
    unread_.reset();
  }

  struct Deferred {
    std::string sql;
    unsigned line;
    bool from_migration;  // a migration's statement, not BEGIN or a setting
  };

  // What defer() may queue: text the server reads as exactly one statement,
  // or the pipeline would pair results with the wrong statements. Counted
  // by PostgreSQL's own parser (libpg_query), so no corner of its lexical
  // rules can make two statements look like one. Text that parser refuses
  // (a typo, or syntax newer than its PostgreSQL 15) is counted by the
  // shared splitter: a syntax error fails the whole queued text before
  // anything runs, and is then located statement by statement. SET
  // TRANSACTION must come before any query, and pqxx's pipeline starts with
  // one, so it runs on its own.
  static bool deferrable(std::string_view sql) {
    if (statement_count(sql) != 1) return false;
    // Comments before the statement are not part of its first words.
    std::size_t start = 0;
    sqltext::Lexer lexer(sql);
    for (sqltext::Token token; lexer.next(token) && !token.significant();) start = token.end;
    return !keyword_text(sql.substr(start, 64)).starts_with("SET TRANSACTION");
  }

  static std::string setting_name(std::string_view name) {
    return sqltext::quote_name(name, SqlDialect::postgresql);
  }

  // 0 when unknown (an unterminated quote).
  static std::size_t statement_count(std::string_view sql) {
    PgQuerySplitResult split = pg_query_split_with_parser(std::string(sql).c_str());
    const bool parsed = !split.error;
    const auto count = static_cast<std::size_t>(split.n_stmts);
    pg_query_free_split_result(split);
    if (parsed) return count;
    const auto ours = sqltext::split(sql);
    return ours.problems.empty() ? ours.statements.size() : 0;
  }

  // In a catch block: the failure of a queued statement as a StatementFailure
  // naming it (the database error itself for BEGIN and the settings). The
  // server's "LINE n:" excerpt is cut: it quotes the text the statement was
  // sent in, not the statement.
  [[noreturn]] void throw_as_failure_of(const Deferred& item) {
    try {
      rethrow_as_database_error();
    } catch (const DatabaseError& e) {
      if (!item.from_migration) throw;
      std::string message = e.what();
      if (std::size_t excerpt = message.find("\nLINE "); excerpt != std::string::npos) {
        // The SQLSTATE ends the message, after the caret line: keep it.
        std::string state;
        if (std::size_t at = message.rfind(" (SQLSTATE "); at != std::string::npos && at > excerpt)
          state = message.substr(at);
        std::size_t caret_line = message.find('\n', excerpt + 1);
        std::size_t after = caret_line == std::string::npos ? std::string::npos : message.find('\n', caret_line + 1);
        message.erase(excerpt, after == std::string::npos ? std::string::npos : after - excerpt);
        if (after == std::string::npos) message += state;
      }
      throw StatementFailure(item.sql, item.line, message);
    }
  }

  void exec_plain(std::string_view sql) {
    run([&] { return session_->exec(std::string(sql)); });
  }

  // Runs a statement the caller sent; outside a transaction it gets the
  // outside settings (set_outside_settings()).
  template <class Exec>
  pqxx::result with_outside_settings(Exec&& exec) {
    if (in_transaction_ || deferring_ || (wanted_.empty() && on_session_.empty())) return run(exec);
    if (!pooled()) {
      put_settings_on_session();
      return run(exec);
    }
    if (wanted_.empty()) return run(exec);
    // Behind a pooler only a transaction keeps one server session: the
    // settings are local to a transaction around the statement alone.
    std::string local;
    for (const auto& [name, value] : wanted_) {
      local += fmt::format("{}set_config({}, {}, true)", local.empty() ? "SELECT " : ", ", quote_literal(name),
                           quote_literal(value));
    }
    exec_plain("BEGIN; " + local);
    try {
      pqxx::result result = run(exec);
      long long affected = affected_rows_;
      exec_plain("COMMIT");
      affected_rows_ = affected;
      return result;
    } catch (const DatabaseError& e) {
      try {
        exec_plain("ROLLBACK");
      } catch (const DatabaseError&) {
        // the connection is gone; the error below says what happened
      }
      std::string message = e.what();
      if (message.find("(SQLSTATE 25001)") == std::string::npos) throw;
      std::string values;
      for (const auto& [name, value] : wanted_) values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", name, value);
      throw DatabaseError(fmt::format(
          "{}. This statement cannot run inside a transaction, and {} reaches the server through a connection "
          "pooler (PgBouncer or similar: the server process answering differs from the one the connection was "
          "given), where only a transaction keeps one server session; so Retort cannot give it {} without the "
          "setting staying behind for the pooler's other clients. Nothing of this statement ran. Run migrations "
          "past the pooler (the server's own host and port), or turn this revision's timeouts off "
          "(--migration-lock-timeout REVISION=0 --migration-statement-timeout REVISION=0): behind a pooler Retort "
          "then sets nothing, and the server's own settings apply.",
          message, url_.display, values));
    }
  }

  // The outside settings on this session (no pooler: it is ours alone),
  // and those no longer wanted reset.
  void put_settings_on_session() {
    if (on_session_ == wanted_) return;
    std::string sql;
    for (const auto& setting : on_session_) {
      bool kept = std::any_of(wanted_.begin(), wanted_.end(), [&](const auto& w) { return w.first == setting.first; });
      if (!kept) sql += fmt::format("{}RESET {}", sql.empty() ? "" : "; ", setting_name(setting.first));
    }
    for (const auto& [name, value] : wanted_) {
      sql += fmt::format("{}SET {} = {}", sql.empty() ? "" : "; ", setting_name(name), quote_literal(value));
    }
    exec_plain(sql);
    on_session_ = wanted_;
  }

  template <class Exec>
  pqxx::result run(Exec&& exec) {
    drop_unread_result();
    flush();
    try {
      pqxx::result result = exec();
      affected_rows_ = result.affected_rows();
      return result;
    } catch (const std::exception&) {
      rethrow_as_database_error();
    }
  }

  // In a catch block: the exception in flight as Retort's DatabaseError.
  [[noreturn]] void rethrow_as_database_error() {
    try {
      throw;
    } catch (const Error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      in_transaction_ = false;
      throw DatabaseError(fmt::format("the connection to {} was lost: {}", url_.display, url_.redact(trimmed(e.what()))));
    } catch (const pqxx::sql_error& e) {
      // pqxx appends the query to what(); the caller names the statement itself.
      std::string message = trimmed(e.what());
      if (std::size_t q = message.find("\nQuery was:"); q != std::string::npos) message.resize(q);
      if (message.starts_with("ERROR:  ")) message.erase(0, 8);  // libpq's severity prefix
      std::string state = e.sqlstate().empty() ? "" : fmt::format(" (SQLSTATE {})", e.sqlstate());
      message = url_.redact(trimmed(message) + state);
      if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000") throw MissingTableError(message);
      throw DatabaseError(message);
    } catch (const std::exception& e) {
      // pqxx::failure, and pqxx's own logic errors
      throw DatabaseError(url_.redact(trimmed(e.what())));
    }
  }

  DatabaseUrl url_;
  std::unique_ptr<pqxx::connection> connection_;
  DiscardNotices notices_;
  std::unique_ptr<pqxx::nontransaction> session_;
  std::unique_ptr<pqxx::pipeline> unread_;  // a send() not yet received; declared after session_: destroyed first
  pqxx::pipeline::query_id unread_query_ = 0;
  std::vector<Deferred> deferred_;
  bool deferring_ = false;  // between begin_deferred() and flush()
  bool in_transaction_ = false;
  long long affected_rows_ = 0;
  std::optional<bool> pooled_;  // pooled(), once asked
  Settings wanted_;             // set_outside_settings()
  Settings on_session_;         // SET on this session (no pooler)
};

}  // namespace

std::unique_ptr<Backend> connect_postgresql(const DatabaseUrl& url) { return std::make_unique<PostgresBackend>(url); }

}  // namespace retort::detail
