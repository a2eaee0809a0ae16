// Writes a real Alembic project mirroring a test registry (same ids, down
// revisions, labels, depends_on and messages; each revision creates
// t_<id>), so /usr/bin/alembic can be run against the same database and its
// output compared with Retort's.
#pragma once

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "retort/registry.hpp"

namespace retort::test {

inline std::string python_tuple(std::span<const std::string_view> items) {
  if (items.empty()) return "None";
  std::string out = "(";
  for (std::string_view item : items) out += fmt::format("'{}', ", item);
  return out + ")";
}

// Returns the `alembic` command line for the project.
inline std::string write_alembic_project(const std::filesystem::path& root, const std::string& url,
                                         const Registry& registry) {
  std::filesystem::create_directories(root / "alembic" / "versions");
  std::ofstream(root / "alembic.ini") << "[alembic]\nscript_location = " << (root / "alembic").string()
                                      << "\nsqlalchemy.url = " << url << "\n";
  std::ofstream(root / "alembic" / "env.py") << R"(from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
engine = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                            poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
)";
  for (const Migration& m : registry.migrations) {
    std::ofstream(root / "alembic" / "versions" / fmt::format("{}.py", m.id)) << fmt::format(
        R"py('''{}'''
from alembic import op

revision = '{}'
down_revision = {}
branch_labels = {}
depends_on = {}


def upgrade():
    op.execute("CREATE TABLE t_{} (id INTEGER PRIMARY KEY)")


def downgrade():
    op.execute("DROP TABLE t_{}")
)py",
        m.message, m.id, python_tuple(m.down_revisions), python_tuple(m.branch_labels), python_tuple(m.depends_on),
        m.id, m.id);
  }
  return fmt::format("/usr/bin/alembic -c '{}'", (root / "alembic.ini").string());
}

}  // namespace retort::test
