// The generated registry: order, content, checksums, wrappers, and that the
// generated sources compile with the real compiler.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <regex>

#include "retortc_test_support.hpp"

namespace retort::test {
namespace {

using testing::HasSubstr;
namespace fs = std::filesystem;

std::vector<std::string> ids_in_order(const std::string& registry) {
  std::vector<std::string> ids;
  const std::regex id_line(R"re(\.id = std::string_view\{"([^"]*)")re");
  for (auto it = std::sregex_iterator(registry.begin(), registry.end(), id_line); it != std::sregex_iterator(); ++it)
    ids.push_back((*it)[1]);
  return ids;
}

std::string checksum_of(const std::string& registry, const std::string& id) {
  const std::string field = ".checksum = std::string_view{\"";
  const auto at = registry.find(".id = std::string_view{\"" + id + "\"");
  const auto checksum = registry.find(field, at) + field.size();
  return registry.substr(checksum, registry.find('"', checksum) - checksum);
}

// A branchy set: base, two labelled branches (ids chosen so that name
// order, id order and topological order all differ), merged again.
void write_branchy_set(const TempDir& dir) {
  write_file(dir / "m0_base.sql", sql_migration("m0", "base", "base"));
  write_file(dir / "zz_left.cpp", cpp_migration("\"zz\"", "\"m0\"", "\"left\"", "    .branch_labels = \"left\",\n"));
  write_file(dir / "aa_right.sql", sql_migration("aa", "m0", "right", "-- Branch Labels: right\n"));
  write_file(dir / "bb_right2.cpp", cpp_migration("\"bb\"", "\"aa\"", "\"right two\""));
  write_file(dir / "cc_merge.cpp", cpp_migration("\"cc\"", "{\"zz\", \"bb\"}", "\"merge\""));
}

TEST(Registry, TopologicalOrderBasesFirstTiesById) {
  TempDir dir;
  write_branchy_set(dir);
  const auto result = compile_set(dir);
  ASSERT_EQ(result.status, 0) << result.output;
  const auto registry = read_file(dir / "out" / "testset_registry.cpp");
  EXPECT_EQ(ids_in_order(registry), (std::vector<std::string>{"m0", "aa", "bb", "zz", "cc"}));
  EXPECT_THAT(registry, HasSubstr("{std::string_view{\"zz\", 2}, std::string_view{\"bb\", 2}}"));
  EXPECT_THAT(registry, HasSubstr(".upgrade = &retort_migration_cc::upgrade,"));
  const auto path = (dir / "aa_right.sql").string();
  EXPECT_THAT(registry,
              HasSubstr(".source_path = std::string_view{\"" + path + "\", " + std::to_string(path.size()) + "}"));
  EXPECT_THAT(registry, HasSubstr("{std::string_view{\"CREATE TABLE t (id int)\", 23}, 7},"));
  EXPECT_THAT(registry, HasSubstr("const ::retort::Registry& testset::registry()"));

  // The same sources always give the same bytes.
  const TempDir again;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.is_regular_file()) fs::copy_file(entry.path(), again / entry.path().filename().string());
  ASSERT_EQ(compile_set(again).status, 0);
  auto relocated = read_file(again / "out" / "testset_registry.cpp");
  for (auto at = relocated.find(again.path().string()); at != std::string::npos;
       at = relocated.find(again.path().string()))
    relocated.replace(at, again.path().string().size(), dir.path().string());
  EXPECT_EQ(relocated, registry);
}

TEST(Registry, ChecksumIgnoresLineEndingsAndCommentsAndTracksContent) {
  TempDir lf, crlf, edited;
  const std::string content = cpp_migration("\"a1\"", "retort::base", "\"first\"");
  std::string windows;
  for (const char c : content) windows += c == '\n' ? std::string("\r\n") : std::string(1, c);
  write_file(lf / "a1_first.cpp", content);
  write_file(crlf / "a1_first.cpp", windows);
  TempDir commented;
  write_file(commented / "a1_first.cpp", content + "// a comment changes nothing the database sees\n");
  write_file(edited / "a1_first.cpp", content + "static int edited = 1;\n");
  for (const auto* dir : {&lf, &crlf, &commented, &edited}) ASSERT_EQ(compile_set(*dir).status, 0);
  const auto lf_sum = checksum_of(read_file(lf / "out" / "testset_registry.cpp"), "a1");
  EXPECT_THAT(lf_sum, testing::MatchesRegex("v2-sha256:[0-9a-f]{64}"));
  EXPECT_EQ(checksum_of(read_file(crlf / "out" / "testset_registry.cpp"), "a1"), lf_sum);
  EXPECT_EQ(checksum_of(read_file(commented / "out" / "testset_registry.cpp"), "a1"), lf_sum);
  EXPECT_NE(checksum_of(read_file(edited / "out" / "testset_registry.cpp"), "a1"), lf_sum);
  // The registry also carries the whole-file checksum older histories hold.
  EXPECT_THAT(read_file(lf / "out" / "testset_registry.cpp"),
              testing::ContainsRegex(R"re(\.legacy_checksum = std::string_view\{"sha256:[0-9a-f]{64}")re"));
}

TEST(Registry, WrapperRepeatsIncludesThenWrapsTheMigrationInItsNamespace) {
  TempDir dir;
  write_file(dir / "helpers.hpp", "#pragma once\ninline const char* helper_sql() { return \"SELECT 1\"; }\n");
  write_file(dir / "a1_first.cpp",
             "#include <retort/migration.hpp>\n#include <string>\n#include \"helpers.hpp\"\n"
             "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
             "static std::string table() { return \"t\"; }\n"
             "void upgrade(retort::Op& op) { op.execute(helper_sql()); }\n"
             "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE \" + table()); }\n");
  ASSERT_EQ(compile_set(dir).status, 0);
  const auto wrapper = read_file(dir / "out" / "migrations" / "a1_first.cpp");
  const auto helpers = fs::canonical(dir / "helpers.hpp").string();
  const std::string expected_order[] = {"#include <retort/migration.hpp>\n", "#include <string>\n",
                                        "#include \"" + helpers + "\"\n", "namespace retort_migration_a1 {\n",
                                        "#include \"" + (dir / "a1_first.cpp").string() + "\"\n",
                                        "}  // namespace retort_migration_a1\n"};
  std::size_t position = 0;
  for (const auto& piece : expected_order) {
    const auto at = wrapper.find(piece, position);
    ASSERT_NE(at, std::string::npos) << "missing or out of order: " << piece << "\nin:\n" << wrapper;
    position = at + piece.size();
  }
}

TEST(Registry, GeneratedSourcesCompileAndTwoMigrationsLinkTogether) {
  TempDir dir;
  write_file(dir / "a1_first.cpp",
             "#include <retort/migration.hpp>\n"
             "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
             "const char* helper() { return \"CREATE TABLE a (id int)\"; }\n"
             "void upgrade(retort::Op& op) { op.execute(helper()); }\n"
             "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE a\"); }\n");
  write_file(dir / "b2_second.cpp",
             "#include <retort/migration.hpp>\n"
             "constexpr retort::Revision revision{.id = \"b2\", .down_revision = \"a1\", .message = \"m\"};\n"
             "const char* helper() { return \"CREATE TABLE b (id int)\"; }\n"
             "void upgrade(retort::Op& op) { op.execute(helper()); }\n"
             "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE b\"); }\n");
  write_file(dir / "c3_third.sql", sql_migration("c3", "b2", "third"));
  ASSERT_EQ(compile_set(dir).status, 0);

  // A main that walks the table, linked with the real runtime.
  write_file(dir / "main.cpp",
             "#include <testset.hpp>\n#include <cstdio>\n"
             "int main() {\n"
             "  for (const auto& m : testset::registry().migrations)\n"
             "    std::printf(\"%.*s %s %zu\\n\", int(m.id.size()), m.id.data(), m.is_sql() ? \"sql\" : \"cpp\",\n"
             "                m.upgrade_sql.size());\n"
             "}\n");
  const auto out = dir / "out";
  std::string output;
  const std::string compile = std::string(RETORT_TEST_CXX_COMPILER) + " -std=c++20 -I" + (out / "include").string() +
                              " -I" + RETORT_TEST_RUNTIME_INCLUDE_DIR + " -o " + (dir / "registry_main").string() +
                              " " + (dir / "main.cpp").string() + " " + (out / "testset_registry.cpp").string() +
                              " " + (out / "migrations" / "a1_first.cpp").string() + " " +
                              (out / "migrations" / "b2_second.cpp").string() + " " + RETORT_TEST_RUNTIME_LINK;
  ASSERT_EQ(run_command(compile, output), 0) << output;
  ASSERT_EQ(run_command((dir / "registry_main").string(), output), 0) << output;
  EXPECT_EQ(output, "a1 cpp 0\nb2 cpp 0\nc3 sql 1\n");
}

// Every string in the table carries its length, so constant evaluation does
// not walk the text: a large registry compiles within a constant-evaluation
// budget far below what the characters of its SQL alone would need.
TEST(Registry, LargeRegistryCompilesWithoutWalkingItsStrings) {
  TempDir dir;
  const std::string long_statement = "CREATE TABLE t (" + std::string(4000, ' ') + "id int)";
  std::string previous = "base";
  for (int i = 0; i < 100; ++i) {
    const std::string id = "r" + std::to_string(1000 + i);
    write_file(dir / (id + "_step.sql"), "-- Revision ID: " + id + "\n-- Revises: " + previous +
                                             "\n-- Message: step\n\n-- retort:upgrade\n" + long_statement +
                                             ";\n\n-- retort:downgrade\nDROP TABLE t;\n");
    previous = id;
  }
  ASSERT_EQ(compile_set(dir).status, 0);
  const std::string compiler = RETORT_TEST_CXX_COMPILER;
  const std::string budget = compiler.find("clang") != std::string::npos ? " -fconstexpr-steps=100000"
                                                                          : " -fconstexpr-ops-limit=100000";
  std::string output;
  const std::string command = compiler + " -std=c++20 -fsyntax-only" + budget + " -I" +
                              (dir / "out" / "include").string() + " -I" + RETORT_TEST_RUNTIME_INCLUDE_DIR + " " +
                              (dir / "out" / "testset_registry.cpp").string();
  EXPECT_EQ(run_command(command, output), 0) << output;  // 400,000 characters of SQL
}

TEST(Registry, RewritesOnlyChangedFilesAndRemovesStaleWrappers) {
  TempDir dir;
  write_file(dir / "a1_first.cpp", cpp_migration("\"a1\"", "retort::base", "\"first\""));
  write_file(dir / "b2_second.cpp", cpp_migration("\"b2\"", "\"a1\"", "\"second\""));
  auto result = compile_set(dir, "--verbose");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("wrote 4 files, 0 unchanged, 0 removed"));
  const auto wrapper = dir / "out" / "migrations" / "a1_first.cpp";
  const auto before = fs::last_write_time(wrapper);

  result = compile_set(dir, "--verbose");
  EXPECT_THAT(result.output, HasSubstr("wrote 0 files, 4 unchanged, 0 removed"));
  EXPECT_EQ(fs::last_write_time(wrapper), before);

  fs::remove(dir / "b2_second.cpp");
  result = compile_set(dir, "--verbose");
  ASSERT_EQ(result.status, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("wrote 1 files, 2 unchanged, 1 removed"));
  EXPECT_FALSE(fs::exists(dir / "out" / "migrations" / "b2_second.cpp"));
  EXPECT_EQ(ids_in_order(read_file(dir / "out" / "testset_registry.cpp")), (std::vector<std::string>{"a1"}));
}

TEST(Registry, RejectsANameThatIsNotAnIdentifier) {
  TempDir dir;
  write_file(dir / "a1_first.cpp", cpp_migration("\"a1\"", "retort::base", "\"first\""));
  const auto result = compile_set(dir, "", "app-migrations");
  EXPECT_EQ(result.status, 2);
  EXPECT_THAT(result.output, HasSubstr("--name app-migrations is not a C identifier"));
}

}  // namespace
}  // namespace retort::test
