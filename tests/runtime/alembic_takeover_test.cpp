// A database that real Alembic (/usr/bin/alembic, psycopg2) migrated is taken
// over by configuring the version table as alembic_version: no stamp, and
// Alembic still reads the table afterwards.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <fstream>

#include "retort/retort.hpp"
#include "runtime_fixture.hpp"
#include "test_registries.hpp"

namespace retort::test {
namespace {

using Strings = std::set<std::string>;

// An Alembic project whose revisions mirror kLinearRegistry (same ids, same SQL).
void write_alembic_project(const std::filesystem::path& root, const std::string& url) {
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
  struct Rev {
    const char* id;
    const char* down;
    const char* up;
    const char* message;
  };
  const Rev revisions[] = {
      {"r1", "None", "CREATE TABLE t_r1 (id INTEGER PRIMARY KEY)", "create r1"},
      {"r2", "'r1'", "CREATE TABLE t_r2 (id INTEGER PRIMARY KEY, note VARCHAR(20))", "create r2 (sql)"},
      {"r3", "'r2'", "CREATE TABLE t_r3 (id INTEGER PRIMARY KEY)", "create r3"},
  };
  for (const Rev& rev : revisions) {
    std::ofstream(root / "alembic" / "versions" / (std::string(rev.id) + ".py"))
        << fmt::format(R"('''{}'''
from alembic import op

revision = '{}'
down_revision = {}
branch_labels = None
depends_on = None


def upgrade():
    op.execute("{}")


def downgrade():
    op.execute("DROP TABLE t_{}")
)",
                       rev.message, rev.id, rev.down, rev.up, rev.id);
  }
}

class AlembicTakeover : public RuntimeTest {};

TEST_P(AlembicTakeover, RetortContinuesWhereAlembicStopped) {
  TempDir project;
  write_alembic_project(project.path(), url());
  std::string alembic = fmt::format("/usr/bin/alembic -c '{}'", (project / "alembic.ini").string());
  std::string output;
  ASSERT_EQ(run_command(alembic + " upgrade r2", output), 0) << output;
  ASSERT_EQ(version_rows("alembic_version"), Strings{"r2"});

  UpgradeOptions options;
  options.retry_for = std::chrono::milliseconds(0);
  options.version_table = "alembic_version";
  UpgradeResult result = upgrade(kLinearRegistry, url(), "head", options);
  ASSERT_EQ(result.applied.size(), 1u);
  EXPECT_EQ(result.applied[0].revision, "r3");
  EXPECT_EQ(result.heads_before, std::vector<std::string>{"r2"});
  EXPECT_EQ(version_rows("alembic_version"), Strings{"r3"});
  EXPECT_EQ(revision_tables(), (Strings{"r1", "r2", "r3"}));
  EXPECT_FALSE(table_exists("retort_version"));

  // Alembic reads the table Retort wrote, and can walk back down with it.
  ASSERT_EQ(run_command(alembic + " current", output), 0) << output;
  EXPECT_NE(output.find("r3 (head)"), std::string::npos) << output;
  ASSERT_EQ(run_command(alembic + " downgrade r1", output), 0) << output;
  EXPECT_EQ(status(kLinearRegistry, url(), options).pending, (std::vector<std::string>{"r2", "r3"}));
}

INSTANTIATE_TEST_SUITE_P(Dialects, AlembicTakeover,
                         ::testing::Values(detail::Dialect::postgresql, detail::Dialect::sqlite), dialect_name);

}  // namespace
}  // namespace retort::test
