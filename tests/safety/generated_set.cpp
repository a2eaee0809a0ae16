#include "generated_set.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdlib>
#include <deque>
#include <string_view>
#include <vector>

namespace retort::test {

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

struct Storage {
  std::deque<std::string> text;  // deque: references stay valid as it grows
  std::deque<std::array<std::string_view, 1>> parents;
  std::deque<std::vector<SqlStatement>> statements;
  std::vector<Migration> migrations;
  Registry registry;

  std::string_view keep(std::string value) { return text.emplace_back(std::move(value)); }

  Storage() {
    const int size = env("SAFETY_SET_SIZE").empty() ? 200 : std::atoi(env("SAFETY_SET_SIZE").c_str());
    const std::string modified = env("SAFETY_MODIFIED");
    const std::string failing = env("SAFETY_NONTX_FAIL");
    const std::string slow = env("SAFETY_SLOW");
    const std::string slow_seconds = env("SAFETY_SLOW_SECONDS");
    const std::string concurrent_index = env("SAFETY_CONCURRENT_INDEX");
    // Non-transactional, and records the settings its statements ran with.
    const std::string nontransactional = env("SAFETY_NONTX");
    migrations.reserve(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
      const std::string id = generated_id(i);
      auto& up = statements.emplace_back();
      unsigned line = 3;
      auto add = [&](std::vector<SqlStatement>& into, std::string sql) { into.push_back({keep(std::move(sql)), line++}); };
      if (id == slow) add(up, fmt::format("SELECT pg_sleep({})", slow_seconds.empty() ? "2" : slow_seconds));
      if (i == 0) add(up, "CREATE TABLE applied_log (revision VARCHAR(32) NOT NULL)");
      if (i == 0 && !nontransactional.empty())
        add(up, "CREATE TABLE seen_settings (revision TEXT, lock_timeout TEXT, statement_timeout TEXT)");
      if (id == nontransactional) {
        add(up, fmt::format("INSERT INTO seen_settings SELECT '{}', current_setting('lock_timeout'), "
                            "current_setting('statement_timeout')",
                            id));
      }
      add(up, i == 0 ? fmt::format("CREATE TABLE t_{} (id INTEGER PRIMARY KEY, prev INTEGER)", id)
                     : fmt::format("CREATE TABLE t_{} (id INTEGER PRIMARY KEY, prev INTEGER REFERENCES t_{} (id))", id,
                                   generated_id(i - 1)));
      if (id == failing) add(up, "INSERT INTO no_such_table (id) VALUES (1)");
      add(up, fmt::format("ALTER TABLE t_{} ADD COLUMN note VARCHAR(20)", id));
      add(up, fmt::format("INSERT INTO applied_log (revision) VALUES ('{}')", id));
      if (id == concurrent_index) add(up, fmt::format("CREATE INDEX CONCURRENTLY ix_t_{0}_prev ON t_{0} (prev)", id));
      auto& down = statements.emplace_back();
      add(down, fmt::format("DELETE FROM applied_log WHERE revision = '{}'", id));
      add(down, fmt::format("DROP TABLE t_{}", id));
      if (i == 0) add(down, "DROP TABLE applied_log");
      if (i == 0 && !nontransactional.empty()) add(down, "DROP TABLE seen_settings");

      Migration m{};
      m.id = keep(id);
      if (i > 0) m.down_revisions = parents.emplace_back(std::array<std::string_view, 1>{migrations.back().id});
      m.message = keep(fmt::format("step {}", i));
      m.source_path = keep(fmt::format("/safety/migrations/{}_step.sql", id));
      m.source_line = 1;
      m.checksum = keep(fmt::format("sha256:{:064}{}", i, id == modified ? "-edited" : ""));
      m.legacy_checksum = keep(fmt::format("sha256:legacy-{}", i));
      m.transactional = id != failing && id != concurrent_index && id != nontransactional;
      m.upgrade_sql = up;
      m.downgrade_sql = down;
      migrations.push_back(m);
    }
    registry = Registry{"safety", "/safety/migrations", migrations};
  }
};

}  // namespace

const Registry& generated_set() {
  static const Storage storage;
  return storage.registry;
}

}  // namespace retort::test
