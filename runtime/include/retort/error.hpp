// Every failure Retort reports is a retort::Error whose what() is a complete,
// human-readable message: what failed, where, and what to do next. No message
// ever contains a password.
#pragma once

#include <stdexcept>
#include <string>

namespace retort {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A revision target or graph problem (unknown id, ambiguous prefix,
// several heads where one is needed, ...). Maps to exit status 1.
class RevisionError : public Error {
 public:
  using Error::Error;
};

// A malformed database URL.
class UrlError : public Error {
 public:
  using Error::Error;
};

// The database could not be reached (after retrying until the deadline).
class ConnectionError : public Error {
 public:
  using Error::Error;
};

// A statement failed; the message carries the database's own message.
class DatabaseError : public Error {
 public:
  using Error::Error;
};

// The migration lock: another process held it past the lock wait (the
// message names it), the lock was lost mid-run, or the lock mode does not
// fit the database.
class LockError : public Error {
 public:
  using Error::Error;
};

// A migration failed while running: names the revision, its source
// file:line, the statement and the database's message. The version table is
// left at the last revision that completed.
class MigrationError : public Error {
 public:
  using Error::Error;
};

}  // namespace retort
