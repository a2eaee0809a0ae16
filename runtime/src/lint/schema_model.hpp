// What the statements linted so far did to the schema: the tables each
// migration created, column types, which table an index is on, and CHECK
// (col IS NOT NULL) constraints. Rules consult it as the schema before the
// statement; tables it never saw count as pre-existing.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "lint/tree.hpp"

namespace retort::lint {

class SchemaModel {
 public:
  void begin_migration() {
    new_tables_.clear();
    added_not_valid_.clear();
  }
  // A commit ended the transaction statements ran in (an autocommit block,
  // a non-transactional migration): the locks its ALTERs took are gone.
  void transaction_ended() { added_not_valid_.clear(); }
  // Created earlier in the current migration: nothing reads it yet.
  bool is_new(const std::string& table) const { return new_tables_.count(table) > 0; }
  const ColumnType* column(const std::string& table, const std::string& column) const;
  // The table of a known index, or "" when the index is unknown.
  std::string index_table(const std::string& index) const;
  // A validated CHECK (column IS NOT NULL) exists: SET NOT NULL skips the scan.
  bool has_validated_not_null_check(const std::string& table, const std::string& column) const;
  // Added NOT VALID in the transaction still open: its ADD's ACCESS
  // EXCLUSIVE lock is still held.
  bool added_not_valid_in_this_transaction(const std::string& table, const std::string& constraint) const {
    return added_not_valid_.count(table + " " + constraint) > 0;
  }

  void apply(std::string_view kind, const json& body);

 private:
  struct Check {
    std::string column;
    bool validated = false;
  };
  struct Table {
    std::map<std::string, ColumnType> columns;
    std::map<std::string, Check> not_null_checks;  // by constraint name
  };
  void create_table(const std::string& name, const json& elements);
  void alter_table(const std::string& name, const json& commands);
  void add_constraint(const std::string& name, Table& table, const json& constraint);
  void rename(const json& body);
  void drop(const json& body);

  std::map<std::string, Table> tables_;
  std::map<std::string, std::string> index_tables_;
  std::set<std::string> new_tables_;
  std::set<std::string> added_not_valid_;  // "table constraint"
};

// The column a `CHECK (col IS NOT NULL)` tests, or "" for any other check.
std::string not_null_check_column(const json& check_expression);

}  // namespace retort::lint
