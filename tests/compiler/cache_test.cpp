// The per-file parse cache: a rebuild re-parses only what changed.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "retortc_test_support.hpp"

namespace retort::test {
namespace {

using testing::HasSubstr;

class ParseCache : public testing::Test {
 protected:
  void SetUp() override {
    write_file(dir / "a1_first.cpp", cpp_migration("\"a1\"", "retort::base", "\"first\""));
    write_file(dir / "b2_second.sql", sql_migration("b2", "a1", "second"));
    write_file(dir / "c3_third.cpp",
               "#include <retort/migration.hpp>\n#include \"c3_helpers.hpp\"\n"
               "constexpr retort::Revision revision{.id = \"c3\", .down_revision = \"b2\", .message = \"m\"};\n"
               "void upgrade(retort::Op& op) { op.execute(c3_sql()); }\n"
               "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE c\"); }\n");
    write_file(dir / "c3_helpers.hpp", "#pragma once\ninline const char* c3_sql() { return \"CREATE TABLE c\"; }\n");
  }
  RetortcResult compile() { return compile_set(dir, "--verbose --cache " + (dir / "cache.json").string()); }

  TempDir dir;
};

TEST_F(ParseCache, SecondRunParsesNothingAndAnEditParsesOnlyThatFile) {
  auto result = compile();
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("3 migrations; parsed 3, cached 0"));

  result = compile();
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("3 migrations; parsed 0, cached 3"));

  write_file(dir / "a1_first.cpp", cpp_migration("\"a1\"", "retort::base", "\"first, edited\""));
  result = compile();
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("3 migrations; parsed 1, cached 2"));
  EXPECT_THAT(read_file(dir / "out" / "testset_registry.cpp"), HasSubstr("\"first, edited\""));
}

TEST_F(ParseCache, EditingAQuotedIncludeReparsesItsMigration) {
  ASSERT_EQ(compile().status, 0);
  const std::string broken = "#pragma once\ninline const char* c3_sql() { return broken; }\n";
  write_file(dir / "c3_helpers.hpp", broken);
  const auto result = compile();
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("parsed 1, cached 2"));
  EXPECT_THAT(result.output, HasSubstr((dir / "c3_helpers.hpp").string() +
                                       ":" + position_of(broken, "broken;") +
                                       ": error: use of undeclared identifier 'broken'"));
}

TEST_F(ParseCache, EditingAHeaderFromAnIncludeDirectoryReparsesItsUsers) {
  write_file(dir / "include" / "shop" / "tables.hpp", "#pragma once\n#define SHOP_TABLE \"orders\"\n");
  write_file(dir / "d4_fourth.cpp",
             "#include <retort/migration.hpp>\n#include <shop/tables.hpp>\n"
             "constexpr retort::Revision revision{.id = \"d4\", .down_revision = \"c3\", .message = \"m\"};\n"
             "void upgrade(retort::Op& op) { op.execute(\"CREATE TABLE \" SHOP_TABLE \" (id int)\"); }\n"
             "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE \" SHOP_TABLE); }\n");
  const std::string flags = "--verbose -I " + (dir / "include").string() + " --cache " + (dir / "cache.json").string();
  auto result = compile_set(dir, flags);
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("parsed 4, cached 0"));
  EXPECT_THAT(compile_set(dir, flags).output, HasSubstr("parsed 0, cached 4"));

  write_file(dir / "include" / "shop" / "tables.hpp", "#pragma once\n#define SHOP_TABLE orders\n");
  result = compile_set(dir, flags);
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("parsed 1, cached 3"));
}

TEST_F(ParseCache, CachedErrorsStillFailTheBuild) {
  write_file(dir / "b2_second.sql", sql_migration("b2", "a9", "second"));
  auto result = compile();
  EXPECT_EQ(result.status, 1);
  result = compile();
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.output, HasSubstr("`-- Revises:` names `a9`"));
  EXPECT_THAT(result.output, HasSubstr("parsed 0, cached 3"));
}

TEST_F(ParseCache, OtherFlagsInvalidateTheCache) {
  ASSERT_EQ(compile().status, 0);
  const auto result = compile_set(dir, "--verbose --define RETORT_TEST_FLAG=1 --cache " + (dir / "cache.json").string());
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("parsed 3, cached 0"));
}

TEST_F(ParseCache, ADamagedCacheFileOnlyCostsAFullParse) {
  write_file(dir / "cache.json", "{ not json");
  const auto result = compile();
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("parsed 3, cached 0"));
}

}  // namespace
}  // namespace retort::test
