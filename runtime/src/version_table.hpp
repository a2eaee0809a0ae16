// The version table: one row per head, Alembic's layout, so that a table
// named alembic_version is shared with Alembic as is.
#pragma once

#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/revision_map.hpp"

namespace retort::detail {

class VersionTable {
 public:
  VersionTable(std::string name, std::string schema);

  const std::string& name() const { return name_; }
  const std::string& schema() const { return schema_; }  // empty: the server's current_schema()
  // schema.name as written in SQL (quoted only where needed), and as shown.
  const std::string& qualified() const { return qualified_; }

  std::string create_sql(bool if_not_exists) const;
  std::string drop_sql() const;
  std::string select_sql() const;
  std::string change_sql(const VersionTableChange& change) const;

  // The rows, in table order; empty when the table does not exist. One query
  // when it exists. When it does not, but Alembic's alembic_version does (in
  // the same schema), refuses: the database must be taken over with
  // --version-table alembic_version, not migrated from base.
  std::vector<std::string> read(Backend& db) const;
  void ensure_exists(Backend& db) const;
  // Applies one change; an UPDATE or DELETE that matches no row means the
  // table changed under us, which is reported rather than ignored.
  void apply(Backend& db, const VersionTableChange& change) const;
  // PostgreSQL: change_sql() as one statement that fails, with the message
  // apply() gives, when an UPDATE or DELETE matches other than one row; for
  // a batch sent as one simple query, where affected_rows() is not seen.
  std::string checked_change_sql(const VersionTableChange& change) const;
  // The message of a failed checked_change_sql(), from the database's error
  // text; empty when the error is something else.
  static std::string mismatch_message(std::string_view database_message);

 private:
  void refuse_alembic_database(Backend& db) const;
  void refuse_truncated_name(Backend& db) const;

  std::string name_;
  std::string schema_;
  std::string qualified_;
};

// "a, b" as Alembic formats lists of revisions.
std::string comma_list(const std::vector<std::string>& items);

}  // namespace retort::detail
