// Extraction of C++ migrations with Clang: values, exact locations, includes
// and the checks of `revision`, `upgrade` and `downgrade`.
#include <gtest/gtest.h>

#include "cpp_extractor.hpp"
#include "retortc_test_support.hpp"

namespace retort::compiler {
namespace {

using test::position_of;
using test::TempDir;
using test::write_file;

CppParseOptions parse_options(const std::vector<std::string>& extra_includes = {}) {
  CppParseOptions options;
  options.resource_dir = RETORT_TEST_CLANG_RESOURCE_DIR;
  options.include_dirs.push_back(RETORT_TEST_RUNTIME_INCLUDE_DIR);
  options.include_dirs.insert(options.include_dirs.end(), extra_includes.begin(), extra_includes.end());
  return options;
}

MigrationSource extract(const std::filesystem::path& path, const CppParseOptions& options = parse_options()) {
  auto results = extract_cpp_migrations({path.string()}, options, 1);
  return std::move(results.at(0));
}

std::string where(const LocatedText& text) { return std::to_string(text.line) + ":" + std::to_string(text.column); }

std::vector<std::string> printed(const MigrationSource& source) {
  std::vector<std::string> out;
  for (const auto& diagnostic : source.diagnostics) out.push_back(format_diagnostic(diagnostic));
  return out;
}

TEST(CppExtraction, ReadsEveryFieldWithTheLocationOfItsValue) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "#include \"helpers.hpp\"\n"
      "\n"
      "constexpr retort::Revision revision{\n"
      "    .id = \"4f2a9c1d7e3b\",\n"
      "    .down_revision = {\"b80c16c4db24\", \"0f9e8d7c6b5a\"},\n"
      "    .message = \"add webhook_events\",\n"
      "    .branch_labels = {\"billing\"},\n"
      "    .depends_on = \"9c8b7a6d5e4f\",\n"
      "    .transactional = false,\n"
      "};\n"
      "\n"
      "void upgrade(retort::Op& op) { op.execute(helper_sql()); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"DROP TABLE webhook_events\"); }\n";
  write_file(dir / "4f2a9c1d7e3b_add.cpp", content);
  write_file(dir / "helpers.hpp", "#pragma once\ninline const char* helper_sql() { return \"SELECT 1\"; }\n");

  const auto source = extract(dir / "4f2a9c1d7e3b_add.cpp");
  EXPECT_TRUE(source.diagnostics.empty()) << testing::PrintToString(printed(source));
  ASSERT_TRUE(source.has_revision);
  EXPECT_EQ(source.kind, SourceKind::cpp);
  EXPECT_EQ(source.id.value, "4f2a9c1d7e3b");
  EXPECT_EQ(where(source.id), position_of(content, "\"4f2a9c1d7e3b\""));
  EXPECT_EQ(std::to_string(source.revision_line) + ":" + std::to_string(source.revision_column),
            position_of(content, "revision{"));
  ASSERT_TRUE(source.down_revision_given);
  ASSERT_EQ(source.down_revisions.size(), 2u);
  EXPECT_EQ(source.down_revisions[0].value, "b80c16c4db24");
  EXPECT_EQ(where(source.down_revisions[0]), position_of(content, "\"b80c16c4db24\""));
  EXPECT_EQ(source.down_revisions[1].value, "0f9e8d7c6b5a");
  EXPECT_EQ(where(source.down_revisions[1]), position_of(content, "\"0f9e8d7c6b5a\""));
  EXPECT_EQ(source.message.value, "add webhook_events");
  EXPECT_EQ(where(source.message), position_of(content, "\"add webhook_events\""));
  ASSERT_EQ(source.branch_labels.size(), 1u);
  EXPECT_EQ(source.branch_labels[0].value, "billing");
  ASSERT_EQ(source.depends_on.size(), 1u);
  EXPECT_EQ(source.depends_on[0].value, "9c8b7a6d5e4f");
  EXPECT_EQ(where(source.depends_on[0]), position_of(content, "\"9c8b7a6d5e4f\""));
  EXPECT_FALSE(source.transactional);

  ASSERT_EQ(source.includes.size(), 2u);
  EXPECT_EQ(source.includes[0].spelled, "retort/migration.hpp");
  EXPECT_TRUE(source.includes[0].angled);
  EXPECT_EQ(source.includes[1].spelled, "helpers.hpp");
  EXPECT_FALSE(source.includes[1].angled);
  EXPECT_EQ(source.includes[1].resolved, std::filesystem::canonical(dir / "helpers.hpp").string());
}

TEST(CppExtraction, BaseAndOmittedFieldsAndConstantsFromVariables) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr const char previous[] = \"a1\";\n"
      "constexpr retort::Revision revision{.id = \"b2\", .down_revision = previous, .message = \"second\"};\n"
      "void upgrade(retort::Op&) {}\n"
      "void downgrade(retort::Op& op) { op.execute(\"x\"); }\n";
  write_file(dir / "b2_second.cpp", content);
  const auto source = extract(dir / "b2_second.cpp");
  EXPECT_TRUE(source.diagnostics.empty()) << testing::PrintToString(printed(source));
  ASSERT_EQ(source.down_revisions.size(), 1u);
  EXPECT_EQ(source.down_revisions[0].value, "a1");
  EXPECT_TRUE(source.branch_labels.empty());
  EXPECT_TRUE(source.transactional);

  write_file(dir / "a1_first.cpp",
             "#include <retort/migration.hpp>\n"
             "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
             "void upgrade(retort::Op&) {}\nvoid downgrade(retort::Op& op) { op.execute(\"x\"); }\n");
  const auto base = extract(dir / "a1_first.cpp");
  EXPECT_TRUE(base.down_revision_given);
  EXPECT_TRUE(base.down_revisions.empty());
}

TEST(CppExtraction, RejectsNonConstantRevisionAndBadEntryPoints) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "int upgrade(retort::Op&) { return 0; }\n"
      "void downgrade(const retort::Op&);\n";
  write_file(dir / "a1.cpp", content);
  const auto source = extract(dir / "a1.cpp");
  const auto path = (dir / "a1.cpp").string();
  EXPECT_EQ(printed(source),
            (std::vector<std::string>{
                path + ":" + position_of(content, "revision{") +
                    ": error: `revision` is not a compile-time constant; declare it `constexpr retort::Revision "
                    "revision{...}` so retortc can read it at build time",
                path + ":" + position_of(content, "upgrade") +
                    ": error: `upgrade` has the type `int (retort::Op &)`; it must be `void upgrade(retort::Op& op)`",
                path + ":" + position_of(content, "downgrade") +
                    ": error: `downgrade` has the type `void (const retort::Op &)`; it must be "
                    "`void downgrade(retort::Op& op)`"}));
}

TEST(CppExtraction, ReportsMissingEntryPointsAtTheRevision) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "void upgrade(retort::Op&) {}\n";
  write_file(dir / "a1.cpp", content);
  const auto source = extract(dir / "a1.cpp");
  EXPECT_EQ(printed(source), (std::vector<std::string>{(dir / "a1.cpp").string() + ":" +
                                                       position_of(content, "revision{") +
                                                       ": error: no `void downgrade(retort::Op& op)` in this file; "
                                                       "every C++ migration defines `upgrade` and `downgrade`"}));
}

TEST(CppExtraction, PassesClangDiagnosticsThroughWithoutGuessing) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { op.nonexistent(); }\n"
      "void downgrade(retort::Op& op) { op.execute(\"x\"); }\n";
  write_file(dir / "a1.cpp", content);
  const auto source = extract(dir / "a1.cpp");
  EXPECT_EQ(printed(source), (std::vector<std::string>{(dir / "a1.cpp").string() + ":" +
                                                       position_of(content, "nonexistent") +
                                                       ": error: no member named 'nonexistent' in 'retort::Op'"}));
  // The revision itself is still readable for the graph checks.
  EXPECT_TRUE(source.has_revision);
  EXPECT_EQ(source.id.value, "a1");
}

TEST(CppExtraction, WarnsAboutADowngradeThatDoesNothing) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"a1\", .down_revision = retort::base, .message = \"m\"};\n"
      "void upgrade(retort::Op& op) { op.execute(\"x\"); }\n"
      "void downgrade(retort::Op&) {}\n";
  write_file(dir / "a1.cpp", content);
  const auto source = extract(dir / "a1.cpp");
  ASSERT_EQ(source.diagnostics.size(), 1u);
  EXPECT_EQ(source.diagnostics[0].severity, Severity::warning);
  EXPECT_EQ(format_diagnostic(source.diagnostics[0]),
            (dir / "a1.cpp").string() + ":" + position_of(content, "downgrade") +
                ": warning: `downgrade` does nothing; downgrading past this revision will not undo its upgrade");
}

// What `merge` writes: both bodies empty, nothing to undo, nothing to warn about.
TEST(CppExtraction, AnEmptyDowngradeAfterAnEmptyUpgradeIsNotWarnedAbout) {
  TempDir dir;
  const std::string content =
      "#include <retort/migration.hpp>\n"
      "constexpr retort::Revision revision{.id = \"m1\", .down_revision = {\"a1\", \"b1\"}, .message = \"merge\"};\n"
      "void upgrade([[maybe_unused]] retort::Op& op) {\n  // op.execute(\"...\");\n}\n"
      "void downgrade([[maybe_unused]] retort::Op& op) {\n  // op.execute(\"...\");\n}\n";
  write_file(dir / "m1_merge.cpp", content);
  const auto source = extract(dir / "m1_merge.cpp");
  EXPECT_TRUE(source.diagnostics.empty()) << format_diagnostic(source.diagnostics.at(0));
}

TEST(CppExtraction, ParsesManyFilesInParallelInOrder) {
  TempDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "r" + std::to_string(i);
    paths.push_back((dir / (id + ".cpp")).string());
    write_file(paths.back(), test::cpp_migration("\"" + id + "\"", "retort::base", "\"m\""));
  }
  const auto results = extract_cpp_migrations(paths, parse_options(), 2);
  ASSERT_EQ(results.size(), paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    EXPECT_EQ(results[i].path, paths[i]);
    EXPECT_EQ(results[i].id.value, "r" + std::to_string(i));
    EXPECT_TRUE(results[i].diagnostics.empty());
  }
}

}  // namespace
}  // namespace retort::compiler
