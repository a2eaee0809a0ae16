// `retortc heads|branches|history` against real Alembic 1.8 (Debian's
// python3-alembic) on the same revision graph written both ways.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "retortc_test_support.hpp"

namespace retort::test {
namespace {

namespace fs = std::filesystem;

struct Rev {
  std::string id;
  std::vector<std::string> down;
  std::string message;
  std::vector<std::string> labels;
  std::vector<std::string> depends;
};

std::string python_tuple(const std::vector<std::string>& items) {
  if (items.empty()) return "None";
  std::string text = "(";
  for (const auto& item : items) text += "'" + item + "', ";
  return text + ")";
}

std::string cpp_refs(const std::vector<std::string>& items) {
  std::string text = "{";
  for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", \"" : "\"") + items[i] + "\"";
  return text + "}";
}

// The graph as Retort C++/SQL migrations in `retort_dir` and as an Alembic
// project (versions/*.py, no env.py needed for these commands) in `alembic_dir`.
void write_both(const std::vector<Rev>& revisions, const fs::path& retort_dir, const fs::path& alembic_dir) {
  write_file(alembic_dir / "alembic.ini", "[alembic]\nscript_location = " + alembic_dir.string() + "\n");
  bool sql = false;
  for (const auto& rev : revisions) {
    write_file(alembic_dir / "versions" / (rev.id + ".py"),
               "\"\"\"" + rev.message + "\"\"\"\nrevision = '" + rev.id + "'\ndown_revision = " +
                   python_tuple(rev.down) + "\nbranch_labels = " + python_tuple(rev.labels) +
                   "\ndepends_on = " + python_tuple(rev.depends) + "\n");
    if (sql) {
      std::string header;
      if (!rev.labels.empty()) header += "-- Branch Labels: " + rev.labels[0] + "\n";
      if (!rev.depends.empty()) header += "-- Depends On: " + rev.depends[0] + "\n";
      std::string revises;
      for (const auto& down : rev.down) revises += (revises.empty() ? "" : ", ") + down;
      write_file(retort_dir / (rev.id + "_m.sql"), sql_migration(rev.id, revises, rev.message, header));
    } else {
      std::string extra;
      if (!rev.labels.empty()) extra += "    .branch_labels = " + cpp_refs(rev.labels) + ",\n";
      if (!rev.depends.empty()) extra += "    .depends_on = " + cpp_refs(rev.depends) + ",\n";
      write_file(retort_dir / (rev.id + "_m.cpp"),
                 cpp_migration("\"" + rev.id + "\"", rev.down.empty() ? "retort::base" : cpp_refs(rev.down),
                               "\"" + rev.message + "\"", extra));
    }
    sql = !sql;  // mix both kinds
  }
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(AlembicAgreement, HeadsBranchesAndHistoryPrintWhatAlembicPrints) {
  if (!fs::exists("/usr/bin/alembic")) GTEST_SKIP() << "needs Debian's python3-alembic (/usr/bin/alembic)";
  TempDir root;
  // A trunk with a branch that is merged, a labelled second base with a
  // dependency on the trunk, and two labelled heads.
  const std::vector<Rev> revisions{
      {"a1", {}, "create users", {}, {}},
      {"b2", {"a1"}, "create projects", {}, {}},
      {"c3", {"b2"}, "add tasks", {}, {}},
      {"d4", {"b2"}, "add channels", {}, {}},
      {"e5", {"c3", "d4"}, "merge tasks and channels", {"trunk"}, {}},
      {"f6", {"e5"}, "add webhooks", {}, {}},
      {"x1", {}, "billing base", {"billing"}, {"b2"}},
      {"x2", {"x1"}, "billing invoices", {}, {}},
  };
  write_both(revisions, root / "retort", root / "alembic");
  const std::string retort_dir = (root / "retort").string();
  const auto valid = run_retortc("compile --name s --directory " + retort_dir + " --output-dir " +
                                 (root / "out").string());
  ASSERT_EQ(valid.status, 0) << valid.output;

  for (const std::string command : {"heads", "branches", "history"}) {
    std::string alembic;
    ASSERT_EQ(run_command("/usr/bin/alembic -c " + (root / "alembic" / "alembic.ini").string() + " " + command,
                          alembic),
              0)
        << alembic;
    const auto retortc = run_retortc(command + " --directory " + retort_dir);
    ASSERT_EQ(retortc.status, 0) << retortc.output;
    // Alembic orders ties by its directory listing; compare the lines.
    EXPECT_EQ(sorted_lines(retortc.output), sorted_lines(alembic)) << command << ":\nretortc:\n"
                                                                   << retortc.output << "alembic:\n" << alembic;
  }
}

}  // namespace
}  // namespace retort::test
