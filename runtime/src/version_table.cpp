#include "version_table.hpp"

#include <fmt/format.h>

#include "retort/error.hpp"
#include "sql/quote.hpp"
#include "sql_text.hpp"

namespace retort::detail {

std::string comma_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

VersionTable::VersionTable(std::string name, std::string schema) : name_(std::move(name)), schema_(std::move(schema)) {
  if (name_.empty()) throw Error("the version table name is empty; give a name such as retort_version");
  qualified_ = sqltext::quote_qualified_for_any(schema_, name_);
}

std::string VersionTable::create_sql(bool if_not_exists) const {
  return fmt::format(
      "CREATE TABLE {}{} (\n    version_num VARCHAR(32) NOT NULL, \n    CONSTRAINT {} PRIMARY KEY (version_num)\n)",
      if_not_exists ? "IF NOT EXISTS " : "", qualified_, sqltext::quote_name_for_any(name_ + "_pkc"));
}

std::string VersionTable::drop_sql() const { return fmt::format("DROP TABLE {}", qualified_); }

std::string VersionTable::select_sql() const { return fmt::format("SELECT version_num FROM {}", qualified_); }

std::string VersionTable::change_sql(const VersionTableChange& change) const {
  const std::string column = sqltext::quote_name_for_any(name_) + ".version_num";
  switch (change.kind) {
    case VersionTableChange::Kind::insert:
      return fmt::format("INSERT INTO {} (version_num) VALUES ({})", qualified_, quote_literal(change.to));
    case VersionTableChange::Kind::update:
      return fmt::format("UPDATE {} SET version_num={} WHERE {} = {}", qualified_, quote_literal(change.to), column,
                         quote_literal(change.from));
    case VersionTableChange::Kind::remove:
      return fmt::format("DELETE FROM {} WHERE {} = {}", qualified_, column, quote_literal(change.from));
  }
  throw Error("unknown version table change");
}

std::vector<std::string> VersionTable::read(Backend& db) const {
  Rows rows;
  try {
    rows = db.query(select_sql());
  } catch (const MissingTableError&) {
    refuse_alembic_database(db);
    return {};
  } catch (const DatabaseError& e) {
    throw DatabaseError(fmt::format(
        "could not read the version table {} in {}: {}\nCheck --version-table/--version-table-schema and that the "
        "user may read it.",
        qualified_, db.url().display, e.what()));
  }
  std::vector<std::string> heads;
  for (auto& row : rows.rows) {
    if (row.at(0)) heads.push_back(*row[0]);
  }
  return heads;
}

void VersionTable::refuse_alembic_database(Backend& db) const {
  constexpr std::string_view kAlembic = "alembic_version";
  if (name_ == kAlembic) return;
  const VersionTable alembic(std::string(kAlembic), schema_);
  std::vector<std::string> rows;
  try {
    for (auto& row : db.query(alembic.select_sql()).rows) {
      if (row.at(0)) rows.push_back(*row[0]);
    }
  } catch (const DatabaseError&) {
    return;  // no Alembic table either: a new database
  }
  throw DatabaseError(fmt::format(
      "the database {} has no version table {}, but it has Alembic's {} (at {}): Alembic migrated it. Nothing was "
      "changed: from an empty version table every migration would run again. To take the database over, pass "
      "--version-table {} (the startup API: version_table = \"{}\"); Retort then continues where Alembic "
      "stopped. If {} belongs to another application, keep this set's version table in another schema with "
      "--version-table-schema.",
      db.url().display, qualified_, alembic.qualified(), rows.empty() ? "base" : comma_list(rows), kAlembic,
      kAlembic, alembic.qualified()));
}

// PostgreSQL cuts longer identifiers to max_identifier_length bytes with
// only a notice: the table and its primary key (name_pkc) would then get
// other names than asked, or the same one.
void VersionTable::refuse_truncated_name(Backend& db) const {
  if (db.dialect() != SqlDialect::postgresql) return;
  Rows rows = db.query("SHOW max_identifier_length");
  const std::size_t limit = rows.rows.empty() || !rows.rows[0].at(0) ? 63 : std::stoul(*rows.rows[0][0]);
  const std::string key = name_ + "_pkc";
  if (key.size() <= limit) return;
  throw Error(fmt::format(
      "the version table name '{}' has {} bytes, too long for PostgreSQL: the server cuts identifiers to {} bytes "
      "(max_identifier_length), and the table's primary key is named {}_pkc, so the name may have at most {} "
      "bytes. No migration was run. Choose a shorter --version-table.",
      name_, name_.size(), limit, name_, limit - 4));
}

void VersionTable::ensure_exists(Backend& db) const {
  refuse_truncated_name(db);
  try {
    db.execute(create_sql(true));
  } catch (const DatabaseError& e) {
    throw DatabaseError(fmt::format(
        "could not create the version table {} in {}: {}\nCheck --version-table-schema (the schema must exist) and "
        "that the user may create tables there.",
        qualified_, db.url().display, e.what()));
  }
}

namespace {

constexpr std::string_view kMismatchStart = "expected to match one row of the version table ";
constexpr std::string_view kMismatchEnd =
    ": another process changed the table during this run. Run `current` to see where the database is, then retry.";

}  // namespace

void VersionTable::apply(Backend& db, const VersionTableChange& change) const {
  db.execute(change_sql(change));
  if (change.kind != VersionTableChange::Kind::insert && db.affected_rows() != 1) {
    throw DatabaseError(fmt::format("{}{} when {} '{}', found {}{}", kMismatchStart, qualified_,
                                    change.kind == VersionTableChange::Kind::update ? "updating" : "deleting",
                                    change.from, db.affected_rows(), kMismatchEnd));
  }
}

std::string VersionTable::checked_change_sql(const VersionTableChange& change) const {
  if (change.kind == VersionTableChange::Kind::insert) return change_sql(change);
  std::string before = fmt::format("{}{} when {} '{}', found ", kMismatchStart, qualified_,
                                   change.kind == VersionTableChange::Kind::update ? "updating" : "deleting",
                                   change.from);
  // The cast of the message fails only when the count is wrong; the count
  // makes the expression non-constant, so the planner does not fold it.
  return fmt::format(
      "WITH changed AS ({} RETURNING 1) SELECT CASE WHEN n = 1 THEN 0 ELSE ({} || n || {})::integer END "
      "FROM (SELECT count(*) AS n FROM changed) AS counted",
      change_sql(change), quote_literal(before), quote_literal(kMismatchEnd));
}

std::string VersionTable::mismatch_message(std::string_view database_message) {
  std::size_t start = database_message.find(kMismatchStart);
  if (start == std::string_view::npos) return {};
  std::size_t end = database_message.find(kMismatchEnd, start);
  if (end == std::string_view::npos) return {};
  return std::string(database_message.substr(start, end + kMismatchEnd.size() - start));
}

}  // namespace retort::detail
