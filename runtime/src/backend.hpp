// One live database connection. PostgreSQL (libpqxx) and SQLite (sqlite3)
// implement it in backends/; nothing above this layer names either library.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "database_url.hpp"
#include "retort/error.hpp"
#include "statement_sink.hpp"

namespace retort::detail {

// A statement failed online: what ran, from which migration line, and the
// database's own message. The migrator adds the revision.
class StatementFailure : public DatabaseError {
 public:
  StatementFailure(std::string statement, unsigned line, std::string database_message)
      : DatabaseError(database_message),
        statement(std::move(statement)),
        line(line),
        database_message(std::move(database_message)) {}
  std::string statement;
  unsigned line;
  std::string database_message;
};

// Server settings as (name, value), e.g. {"lock_timeout", "5000"}.
using Settings = std::vector<std::pair<std::string, std::string>>;

class Backend {
 public:
  virtual ~Backend() = default;

  virtual SqlDialect dialect() const = 0;
  // The redacted URL, for messages.
  virtual const DatabaseUrl& url() const = 0;

  // Throws DatabaseError carrying the database's own message (redacted).
  // Without parameters the text may hold several statements.
  virtual void execute(std::string_view sql) = 0;
  // Parameters bind to `?` placeholders in both dialects.
  virtual void execute(std::string_view sql, std::span<const Value> params) = 0;
  virtual Rows query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Rows changed by the last execute() (INSERT/UPDATE/DELETE).
  virtual long long affected_rows() const = 0;

  // Sends `sql` (no parameters) and returns without waiting, so that it runs
  // while the caller works on another connection; receive() waits for its
  // rows. Anything else run on this connection first waits for the result
  // and drops it. SQLite, in-process, runs it at once.
  virtual void send(std::string_view sql) = 0;
  virtual Rows receive() = 0;
  // Whether the server may have ended this session since its last answer,
  // found without a round trip: an idle session hears from the server
  // unasked when it is terminated or shut down (or for a notice, so a query
  // must confirm). SQLite has no server: never.
  virtual bool may_have_ended() = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;
  // Whether a connection pooler (PgBouncer, Pgpool, a cloud proxy) stands
  // between this connection and the server, found from the server process
  // the connection was told of differing from the one that answers. Then
  // consecutive statements outside a transaction may run on different
  // server sessions, and whatever a session keeps (an advisory lock, a SET)
  // stays with a server session that other clients get next. Asked once
  // (one query), on first use. SQLite: never.
  virtual bool pooled() { return false; }
  // The server process this connection was told of at connect time, for
  // finding it in pg_stat_activity from another connection (no round
  // trip). Behind a pooler it may be no server session at all. SQLite: 0.
  virtual int session_pid() const { return 0; }

  // Settings (name, value) for the statements run outside a transaction
  // from now on (a non-transactional migration, an autocommit block);
  // empty clears them. Statements inside a transaction are the caller's:
  // it sets them there with SET LOCAL. PostgreSQL sets them on its own
  // session before the next such statement (and resets them when cleared);
  // behind a pooler each such statement runs in a transaction of its own
  // that sets them locally, and one that cannot run in a transaction
  // (CREATE INDEX CONCURRENTLY, VACUUM) is refused before it runs: nothing
  // Retort sets outlives its statement on a shared server session.
  virtual void set_outside_settings(Settings /*settings*/) {}

  // How long a statement waits for another writer before BusyError
  // (SQLite's busy timeout); PostgreSQL waits as its lock_timeout says.
  virtual void set_busy_wait(std::chrono::milliseconds /*wait*/) {}

  // Deferred statements: from begin_deferred() to the next flush(), the
  // transaction's BEGIN, its `settings` (statements separated by ';') and
  // every statement given to defer() are queued instead of run, and go to
  // the server together, in one round trip, at flush() or when anything else
  // runs on this connection; rollback() drops them. A failing statement
  // throws StatementFailure naming it, at that point; nothing after it ran.
  // defer() takes one statement (no parameters) and returns false when it
  // cannot queue it (outside the window, several statements, a backend
  // without deferral such as SQLite): then the caller runs it itself.
  virtual void begin_deferred(std::string_view settings) { begin_with(settings); }
  virtual bool defer(std::string_view /*sql*/, unsigned /*line*/) { return false; }
  virtual void flush() {}

  // BEGIN followed by `then` (statements separated by ';', may be empty).
  // PostgreSQL sends both as one simple query: one round trip. When `then`
  // fails the transaction is open (and aborted): roll it back.
  virtual void begin_with(std::string_view then) {
    begin();
    if (!then.empty()) execute(then);
  }
  // `first` (statements separated by ';', may be empty) followed by COMMIT;
  // PostgreSQL sends both as one simple query. When `first` fails nothing is
  // committed and the transaction is still open: roll it back.
  virtual void commit_with(std::string_view first) {
    if (!first.empty()) execute(first);
    commit();
  }
};

// A statement named a table (or schema) that does not exist. Lets the version
// table be read with a single query whether or not it exists yet.
class MissingTableError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// Another connection holds the database (SQLite's SQLITE_BUSY/LOCKED):
// worth waiting for, unlike a read-only file, a full disk or an I/O error.
class BusyError : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

struct ConnectOptions {
  // Services often start before their database: connection failures are
  // retried with exponential backoff until this much time has passed.
  // Zero means one attempt. Only failures that can heal are retried (not
  // authentication, a missing database, a bad option).
  std::chrono::milliseconds retry_for{0};
  // How the caller's user sets retry_for, named in the advice after a
  // failure that retrying may heal.
  std::string_view retry_setting = "ConnectionOptions::retry_for";
};

// Opens a connection. Throws ConnectionError (redacted, with the database's
// own message) once the deadline has passed.
std::unique_ptr<Backend> connect(const DatabaseUrl& url, const ConnectOptions& options = {});

// Thrown by the per-dialect constructors for failures worth retrying (server
// not up yet); anything else is a plain ConnectionError.
class TransientConnectionError : public ConnectionError {
 public:
  using ConnectionError::ConnectionError;
};

// Per-dialect constructors used by connect(): one attempt each.
std::unique_ptr<Backend> connect_postgresql(const DatabaseUrl& url);
std::unique_ptr<Backend> connect_sqlite(const DatabaseUrl& url);

}  // namespace retort::detail
