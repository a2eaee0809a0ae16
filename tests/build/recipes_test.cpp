// The documentation's recipes, taken from docs/*.md and run as written: if
// the text drifts from the product, these fail.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include "build_support.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

std::string doc(std::string_view page) { return read_file(Paths::retort_source() / "docs" / page); }

// The first ```<fence> block after the heading line `heading` of docs/<page>.
std::string doc_block(std::string_view page, std::string_view heading, std::string_view fence) {
  const std::string text = doc(page);
  const auto at = text.find("\n" + std::string(heading) + "\n");
  EXPECT_NE(at, std::string::npos) << heading;
  const std::string open = "```" + std::string(fence) + "\n";
  const auto start = text.find(open, at) + open.size();
  return text.substr(start, text.find("```", start) - start);
}

// The line of docs/<page> that contains `fragment`, without its `# comment`.
std::string doc_line(std::string_view page, std::string_view fragment) {
  const std::string text = doc(page);
  const auto at = text.find(fragment);
  EXPECT_NE(at, std::string::npos) << fragment;
  const auto start = text.rfind('\n', at) + 1;
  std::string line = text.substr(start, text.find('\n', at) - start);
  if (const auto comment = line.find("  #"); comment != std::string::npos) line.erase(comment);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

int count_rows(const fs::path& database, const char* sql) {
  sqlite3* db = nullptr;
  int count = -1;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
      count = sqlite3_column_int(statement, 0);
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return count;
}

// retortc.md's "Writing revisions" starts a labelled independent branch;
// startup-api.md's "Migrating at startup" is the service's main(). Together
// they must give a service that starts.
TEST(Recipes, LabelledBranchThenTheStartupCallMigratesEveryHead) {
  retort::test::TempDir dir;
  const fs::path source = dir / "project";
  const fs::path build_dir = dir / "build";
  copy_tree(Paths::projects() / "consumer", source);
  write_file(source / "main.cpp", doc_block("startup-api.md", "## Migrating at startup", "cpp"));
  write_file(source / "CMakeLists.txt",
             read_file(source / "CMakeLists.txt") +
                 "retort_add_migrations(app_migrations DIRECTORY migrations INCLUDE_DIRECTORIES include)\n"
                 "add_executable(my_service main.cpp)\n"
                 "target_link_libraries(my_service PRIVATE app_migrations)\n");

  std::string recipe = doc_line("retortc.md", "--head base --branch-label billing");
  ASSERT_TRUE(recipe.starts_with("retortc ")) << recipe;
  recipe.replace(0, 7, shell_quote(Paths::retortc().string()));
  // The consumer's C++ migrations include its own headers.
  CommandResult branched = run("cd " + shell_quote(source.string()) + " && " + recipe + " -I include");
  ASSERT_EQ(branched.status, 0) << branched.command << "\n" << branched.output;

  ASSERT_EQ(configure(source, build_dir).status, 0);
  CommandResult built = build(build_dir);
  ASSERT_EQ(built.status, 0) << built.output;
  CommandResult heads = run(shell_quote((build_dir / "app_migrations-migrate").string()) + " heads");
  EXPECT_NE(heads.output.find("(billing) (head)"), std::string::npos) << heads.output;

  const fs::path database = build_dir / "service.db";
  const std::string service =
      "DATABASE_URL=" + shell_quote("sqlite:///" + database.string()) + " " + shell_quote((build_dir / "my_service").string());
  CommandResult started = run(service);
  ASSERT_EQ(started.status, 0) << started.output;
  EXPECT_NE(started.output.find("the set has 2 heads on labelled branches, so `head` means every head"), std::string::npos)
      << started.output;
  EXPECT_NE(started.output.find("(billing) in "), std::string::npos) << started.output;
  EXPECT_EQ(count_rows(database, "SELECT COUNT(*) FROM retort_version"), 2);
  EXPECT_EQ(count_rows(database, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('customers', 'orders')"), 2);

  CommandResult restarted = run(service);
  ASSERT_EQ(restarted.status, 0) << restarted.output;
  EXPECT_EQ(restarted.output.find("applied "), std::string::npos) << restarted.output;
}

}  // namespace
}  // namespace retort::build_test
