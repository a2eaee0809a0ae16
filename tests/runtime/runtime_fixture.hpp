// A fresh database per test, PostgreSQL or SQLite, and catalog queries to
// inspect what migrations did to it.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/registry.hpp"
#include "test_support.hpp"

namespace retort::test {

class RuntimeTest : public ::testing::TestWithParam<SqlDialect> {
 protected:
  void SetUp() override {
    if (GetParam() == SqlDialect::postgresql) {
      RETORT_REQUIRE_POSTGRES_OR_SKIP();
      url_ = create_postgres_database(::testing::UnitTest::GetInstance()->current_test_info()->name());
    } else {
      url_ = "sqlite:///" + (dir_ / "app.db").string();
    }
  }
  void TearDown() override {
    db_.reset();
    if (GetParam() == SqlDialect::postgresql) drop_postgres_database(url_);
  }

  const std::string& url() const { return url_; }
  bool postgres() const { return GetParam() == SqlDialect::postgresql; }

  detail::Backend& db() {
    if (!db_) db_ = detail::connect(detail::DatabaseUrl::parse(url_));
    return *db_;
  }

  // Tables named t_* (one per applied test revision), from the catalog.
  std::set<std::string> revision_tables() {
    std::string sql = postgres() ? "SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = current_schema() AND table_name LIKE 't\\_%' ESCAPE '\\'"
                                 : "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't\\_%' ESCAPE '\\'";
    std::set<std::string> out;
    for (auto& row : db().query(sql).rows) out.insert(row[0]->substr(2));
    return out;
  }

  bool table_exists(const std::string& name) {
    std::string sql = postgres() ? "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
    std::vector<detail::Value> params{name};
    return db().query(sql, params).rows[0][0] != "0";
  }

  bool index_exists(const std::string& name) {
    std::string sql = postgres() ? "SELECT count(*) FROM pg_indexes WHERE indexname = ?"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?";
    std::vector<detail::Value> params{name};
    return db().query(sql, params).rows[0][0] != "0";
  }

  std::set<std::string> version_rows(const std::string& table = "retort_version") {
    std::set<std::string> out;
    for (auto& row : db().query("SELECT version_num FROM " + table).rows) out.insert(*row[0]);
    return out;
  }

  // The revisions a version table implies: its rows and everything they
  // need (down revisions and depends_on), as ids.
  static std::set<std::string> implied(const Registry& registry, const std::set<std::string>& rows) {
    std::map<std::string_view, const Migration*> by_id;
    for (const Migration& m : registry.migrations) by_id[m.id] = &m;
    std::set<std::string> out;
    std::vector<std::string> todo(rows.begin(), rows.end());
    while (!todo.empty()) {
      std::string id = todo.back();
      todo.pop_back();
      if (!out.insert(id).second) continue;
      for (auto down : by_id.at(id)->down_revisions) todo.emplace_back(down);
      for (auto dep : by_id.at(id)->depends_on) todo.emplace_back(dep);
    }
    return out;
  }

 private:
  TempDir dir_;
  std::string url_;
  std::unique_ptr<detail::Backend> db_;
};

// Log text with every duration ("in 12 ms", "in 1.4 s", "in 2 min 03 s")
// spelled "in <t>", so that whole logs can be compared exactly.
inline std::string without_durations(const std::string& text) {
  static const std::regex duration(R"(in (\d+ ms|\d+\.\d s|\d+ min \d\d s)\b)");
  return std::regex_replace(text, duration, "in <t>");
}

inline std::string dialect_name(const ::testing::TestParamInfo<SqlDialect>& info) {
  return info.param == SqlDialect::postgresql ? "postgresql" : "sqlite";
}

}  // namespace retort::test
