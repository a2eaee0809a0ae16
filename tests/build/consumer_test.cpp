// Another project uses Retort both ways docs/cmake.md documents: installed
// (find_package after `cmake --install`) and from the source tree
// (add_subdirectory). Each builds a migration set, links an executable that
// reads the registry, and migrates a real SQLite file with <name>-migrate.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <regex>
#include <set>
#include <vector>

#include "build_support.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

// Names of the tables or indexes (`type`) of an SQLite database, read from its catalog.
std::set<std::string> sqlite_names(const fs::path& database, const char* type) {
  std::set<std::string> tables;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << database << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return tables;
  }
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = ?", -1, &statement, nullptr);
  sqlite3_bind_text(statement, 1, type, -1, SQLITE_STATIC);
  while (sqlite3_step(statement) == SQLITE_ROW)
    tables.insert(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return tables;
}

void build_and_migrate(const fs::path& source, const fs::path& build_dir, const std::string& how) {
  CommandResult configured = configure(source, build_dir, how);
  ASSERT_EQ(configured.status, 0) << configured.output;
  CommandResult built = build(build_dir);
  ASSERT_EQ(built.status, 0) << built.output;

  CommandResult listed = run(shell_quote((build_dir / "list_revisions").string()));
  ASSERT_EQ(listed.status, 0) << listed.output;
  EXPECT_EQ(listed.output, "1c0ffee1d2e3 base create customers\n5e7a9b2c4d6f 1c0ffee1d2e3 create orders\n");

  std::string migrate = shell_quote((build_dir / "shop_migrations-migrate").string());
  CommandResult heads = run(migrate + " heads");
  EXPECT_EQ(heads.status, 0) << heads.output;
  EXPECT_NE(heads.output.find("5e7a9b2c4d6f (head)"), std::string::npos) << heads.output;

  fs::path database = build_dir / "shop.db";
  std::string url = shell_quote("sqlite:///" + database.string());
  CommandResult upgraded = run(migrate + " --url " + url + " upgrade head");
  ASSERT_EQ(upgraded.status, 0) << upgraded.output;
  std::set<std::string> tables = sqlite_names(database, "table");
  EXPECT_TRUE(tables.count("customers") && tables.count("orders")) << upgraded.output;
  // Named by the project's own header (INCLUDE_DIRECTORIES).
  EXPECT_TRUE(sqlite_names(database, "index").count("ix_orders_customer_id")) << upgraded.output;

  CommandResult downgraded = run(migrate + " --url " + url + " downgrade base");
  ASSERT_EQ(downgraded.status, 0) << downgraded.output;
  tables = sqlite_names(database, "table");
  EXPECT_FALSE(tables.count("customers") || tables.count("orders")) << downgraded.output;

  // `revision` reaches the retortc and the source directory the generated
  // main was given, and the next build compiles the new file in.
  CommandResult revised = run(migrate + " revision -m 'add refunds'");
  ASSERT_EQ(revised.status, 0) << revised.output;
  std::vector<fs::path> written;
  for (const auto& entry : fs::directory_iterator(source / "migrations"))
    if (entry.path().filename().string().ends_with("_add_refunds.cpp")) written.push_back(entry.path());
  ASSERT_EQ(written.size(), 1u) << revised.output;
  std::string new_id = written[0].filename().string().substr(0, written[0].filename().string().find('_'));
  CommandResult rebuilt = build(build_dir);
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.output;
  CommandResult relisted = run(shell_quote((build_dir / "list_revisions").string()));
  EXPECT_EQ(relisted.output, "1c0ffee1d2e3 base create customers\n5e7a9b2c4d6f 1c0ffee1d2e3 create orders\n" +
                                 new_id + " 5e7a9b2c4d6f add refunds\n");

  // The help of the forwarded commands shows what the user types, not the
  // flags the wrapper supplies.
  CommandResult help = run(migrate + " revision --help");
  EXPECT_EQ(help.status, 0) << help.output;
  EXPECT_NE(help.output.find("shop_migrations-migrate revision"), std::string::npos) << help.output;
  EXPECT_EQ(help.output.find("--directory"), std::string::npos) << help.output;

  // A second head fails the build with the command that merges them; that
  // very command, run as printed, makes the build pass again.
  CommandResult forked = run(migrate + " revision -m 'add coupons' --head 5e7a9b2c4d6f --splice");
  ASSERT_EQ(forked.status, 0) << forked.output;
  CommandResult two_heads = build(build_dir);
  ASSERT_NE(two_heads.status, 0) << two_heads.output;
  std::smatch printed;
  ASSERT_TRUE(std::regex_search(two_heads.output, printed, std::regex("\\(or `(shop_migrations-migrate merge[^`]*)`\\)")))
      << two_heads.output;
  CommandResult merged = run("cd " + shell_quote(build_dir.string()) + " && PATH=.:$PATH " + printed[1].str());
  ASSERT_EQ(merged.status, 0) << printed[1].str() << "\n" << merged.output;
  CommandResult merged_build = build(build_dir);
  ASSERT_EQ(merged_build.status, 0) << merged_build.output;
  CommandResult merged_heads = run(migrate + " heads -v");
  EXPECT_EQ(merged_heads.output.find("Rev: "), merged_heads.output.rfind("Rev: ")) << "not one head:\n"
                                                                                   << merged_heads.output;
  EXPECT_NE(merged_heads.output.find("(mergepoint)"), std::string::npos) << merged_heads.output;
}

TEST(Consumer, FindPackageAfterInstall) {
  retort::test::TempDir dir;
  copy_tree(Paths::projects() / "consumer", dir / "project");
  // CMAKE_PREFIX_PATH (the install fixture's prefix) is all it is given.
  build_and_migrate(dir / "project", dir / "build", "");
}

// The Debian package (cmake/RetortPackage.cmake): its control fields name
// what retortc and the package's users need, it holds what `cmake --install`
// installs and nothing of the tests, and a project builds against its files
// unpacked (no root needed; CI also installs it with apt-get, see .ci/run).
TEST(Consumer, FindPackageFromTheDebianPackage) {
  retort::test::TempDir dir;
  CommandResult packed = run(shell_quote(RETORT_TEST_CPACK) + " --config " +
                             shell_quote((Paths::build_dir() / "CPackConfig.cmake").string()) + " -B " +
                             shell_quote((dir / "package").string()));
  ASSERT_EQ(packed.status, 0) << packed.output;
  std::vector<fs::path> debs;
  for (const auto& entry : fs::directory_iterator(dir / "package"))
    if (entry.path().extension() == ".deb") debs.push_back(entry.path());
  ASSERT_EQ(debs.size(), 1u) << packed.output;
  EXPECT_TRUE(debs[0].filename().string().starts_with("retort_")) << debs[0];
  const std::string deb = shell_quote(debs[0].string());

  CommandResult fields = run("dpkg-deb --field " + deb + " Package Depends");
  ASSERT_EQ(fields.status, 0) << fields.output;
  EXPECT_NE(fields.output.find("Package: retort\n"), std::string::npos) << fields.output;
  const std::string llvm = RETORT_TEST_LLVM_MAJOR;
  for (const std::string& needed :
       {"libclang-cpp" + llvm, "libllvm" + llvm, "libclang-common-" + llvm + "-dev", std::string("cmake (>= 3.25)"),
        std::string("pkg-config"), std::string("libfmt-dev"), std::string("libsqlite3-dev"),
        std::string("libpqxx-dev"), std::string("libpg-query-dev"), std::string("libcli11-dev"),
        std::string("nlohmann-json3-dev")})
    EXPECT_NE(fields.output.find(needed), std::string::npos) << "Depends lacks " << needed << ":\n" << fields.output;

  CommandResult contents = run("dpkg-deb --contents " + deb);
  ASSERT_EQ(contents.status, 0) << contents.output;
  for (const char* path : {"./usr/bin/retortc", "./usr/include/retort/migration.hpp", "/cmake/Retort/RetortConfig.cmake",
                           "/cmake/Retort/RetortMigrations.cmake", "/libretort_runtime.a", "/libretort_cli.a"})
    EXPECT_NE(contents.output.find(path), std::string::npos) << path << " is not in the package:\n" << contents.output;
  EXPECT_EQ(contents.output.find("gtest"), std::string::npos) << contents.output;

  const fs::path root = dir / "root";
  CommandResult unpacked = run("dpkg-deb --extract " + deb + " " + shell_quote(root.string()));
  ASSERT_EQ(unpacked.status, 0) << unpacked.output;
  copy_tree(Paths::projects() / "consumer", dir / "project");
  build_and_migrate(dir / "project", dir / "build",
                    "-DCMAKE_PREFIX_PATH=" + shell_quote((root / "usr").string()));
}

TEST(Consumer, AddSubdirectoryOfTheSourceTree) {
  retort::test::TempDir dir;
  copy_tree(Paths::projects() / "consumer", dir / "project");
  // The runtime builds from source; retortc is this build's, so the test
  // does not link LLVM again. Retort's own tests and samples stay out of a
  // project that adds it (they default to off when Retort is not top level).
  build_and_migrate(dir / "project", dir / "build",
                    "-DRETORT_SOURCE_DIR=" + shell_quote(Paths::retort_source().string()) +
                        " -DRETORT_BUILD_COMPILER=OFF -DRETORT_RETORTC=" + shell_quote(Paths::retortc().string()) +
                        " -DCMAKE_PREFIX_PATH=");
  ASSERT_TRUE(fs::exists(dir / "build" / "retort" / "runtime"));
  EXPECT_FALSE(fs::exists(dir / "build" / "retort" / "migrations"))
      << "Retort's sample set was configured into the consumer's build";
  EXPECT_FALSE(fs::exists(dir / "build" / "retort" / "tests")) << "Retort's tests were configured into the consumer's build";
}

}  // namespace
}  // namespace retort::build_test
