// Database URLs as users copy them from alembic.ini, and their redacted form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "statement_sink.hpp"

namespace retort::detail {

struct DatabaseUrl {
  SqlDialect dialect = SqlDialect::sqlite;
  // PostgreSQL: a libpq connection string (URI or keyword form), password
  // included. SQLite: the file path, or ":memory:".
  std::string target;
  // The URL with any password replaced by "***": the only form that may
  // appear in messages and logs.
  std::string display;
  // Every spelling of the password found in the URL (raw and decoded), so
  // that database messages can be scrubbed before they are shown.
  std::vector<std::string> secrets;

  // Accepts postgresql://, postgres://, postgresql+<driver>://, libpq
  // keyword strings (host=... dbname=...), sqlite:///relative.db,
  // sqlite:////absolute.db and sqlite:// (in memory). Throws UrlError.
  static DatabaseUrl parse(std::string_view url);

  // `text` with every password spelling replaced by "***".
  std::string redact(std::string_view text) const;
};

}  // namespace retort::detail
