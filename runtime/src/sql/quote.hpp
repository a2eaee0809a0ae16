// Identifier quoting: the one place that decides how Retort writes a name.
// A name is written bare when the engine reads it unchanged (lower case
// letters, digits and `_`, not starting with a digit, not a reserved word),
// as Alembic and people write `alembic_version`; otherwise in double quotes,
// which both engines read as exactly the name given.
#pragma once

#include <string>
#include <string_view>

#include "sql/lexer.hpp"

namespace retort::sqltext {

// `name` as `dialect` must be written to mean exactly `name`.
std::string quote_name(std::string_view name, SqlDialect dialect);

// `name` written so that every engine Retort supports reads it unchanged:
// for Retort's own tables, named before the database is known (offline
// scripts, lock keys and history rows use the same spelling everywhere).
std::string quote_name_for_any(std::string_view name);
// schema.name quoted so; just the name when `schema` is empty.
std::string quote_qualified_for_any(std::string_view schema, std::string_view name);

}  // namespace retort::sqltext
