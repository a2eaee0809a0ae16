// Each broken migration set under projects/broken_graphs/cases fails a real
// `cmake --build` with a compiler-style diagnostic at the exact place. The
// project is configured once by the CTest fixture build.configure_broken_graphs.
#include <gtest/gtest.h>

#include "build_support.hpp"

namespace retort::build_test {
namespace {

fs::path case_file(const std::string& set, const std::string& file) {
  return Paths::projects() / "broken_graphs" / "cases" / set / file;
}

// Builds `<set>-check`: retortc alone, as `migrate_check` does for every set.
CommandResult check(const std::string& set) {
  CommandResult result = build(Paths::broken_graphs_build(), set + "-check");
  EXPECT_NE(result.status, 0) << "building " << set << "-check should fail:\n" << result.output;
  return result;
}

TEST(BrokenGraph, UnknownDownRevisionPointsAtTheValueAndSuggestsTheNearestId) {
  fs::path file = case_file("unknown_down_revision", "7d8e9f0a1b2c_add_invoices.cpp");
  CommandResult result = check("unknown_down_revision");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "\"1a2b3c4d5e6e\""),
                             {"1a2b3c4d5e6e", "1a2b3c4d5e6f"}));
}

TEST(BrokenGraph, UnknownRevisesInSqlHeaderPointsAtTheValue) {
  fs::path file = case_file("unknown_revises", "2c3d4e5f6071_add_refunds.sql");
  CommandResult result = check("unknown_revises");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "1b2c3d4e5f6\n"),
                             {"1b2c3d4e5f6", "1b2c3d4e5f60"}));
}

TEST(BrokenGraph, EveryTargetLinkingABrokenSetFailsToBuild) {
  fs::path file = case_file("unknown_down_revision", "7d8e9f0a1b2c_add_invoices.cpp");
  Position at = find_in_file(file, "\"1a2b3c4d5e6e\"");
  for (const std::string target : {"unknown_down_revision", "unknown_down_revision-migrate"}) {
    CommandResult result = build(Paths::broken_graphs_build(), target);
    EXPECT_NE(result.status, 0) << "building " << target << " should fail:\n" << result.output;
    EXPECT_TRUE(has_diagnostic(result.output, "error", file, at, {"1a2b3c4d5e6e"})) << target;
  }
}

TEST(BrokenGraph, MigrateCheckVerifiesEverySetOfTheBuild) {
  CommandResult result = build(Paths::broken_graphs_build(), "migrate_check", "-k 0");
  EXPECT_NE(result.status, 0) << result.output;
  for (const std::string set : {"unknown_down_revision", "unknown_revises", "duplicate_id", "cycle",
                                "two_heads", "two_bases", "unknown_depends_on", "bad_id",
                                "empty_message", "wrong_upgrade_signature", "sql_missing_header_field",
                                "sql_missing_upgrade_section", "sql_unknown_header_field", "dependency_cycle_via_label"}) {
    bool reported = false;
    for (const Diagnostic& d : parse_diagnostics(result.output))
      reported = reported || (d.severity == "error" && d.path.find("/cases/" + set + "/") != std::string::npos);
    EXPECT_TRUE(reported) << "migrate_check did not report the broken set " << set << ":\n" << result.output;
  }
}

TEST(BrokenGraph, DuplicateIdPointsAtBothDeclarations) {
  fs::path cpp = case_file("duplicate_id", "6e5d4c3b2a19_add_invoices.cpp");
  fs::path sql = case_file("duplicate_id", "6e5d4c3b2a19_add_refunds.sql");
  Position in_cpp = find_in_file(cpp, "\"6e5d4c3b2a19\"");
  Position in_sql = find_in_file(sql, "6e5d4c3b2a19\n");
  CommandResult result = check("duplicate_id");
  // The error is reported at one declaration and the note at the other.
  bool error_at_sql = has_diagnostic(result.output, "error", sql, in_sql, {"6e5d4c3b2a19"});
  EXPECT_TRUE(error_at_sql || has_diagnostic(result.output, "error", cpp, in_cpp, {"6e5d4c3b2a19"}))
      << result.output;
  if (error_at_sql)
    EXPECT_TRUE(has_diagnostic(result.output, "note", cpp, in_cpp, {}));
  else
    EXPECT_TRUE(has_diagnostic(result.output, "note", sql, in_sql, {}));
}

TEST(BrokenGraph, CycleIsPrintedWithEveryRevisionInIt) {
  CommandResult result = check("cycle");
  bool reported = false;
  for (const Diagnostic& d : parse_diagnostics(result.output)) {
    if (d.severity != "error" || d.message.find("cycle") == std::string::npos) continue;
    reported = reported || (d.message.find("8a1b2c3d4e5f") != std::string::npos &&
                            d.message.find("9b8a7f6e5d4c") != std::string::npos &&
                            d.message.find("9f0e1d2c3b4a") != std::string::npos);
    // The error points at a down revision that closes the cycle.
    EXPECT_TRUE(d.path.find("/cases/cycle/") != std::string::npos) << d.path;
    EXPECT_TRUE(d.path.find("3c4d5e6f7081") == std::string::npos) << "the base is not in the cycle";
  }
  EXPECT_TRUE(reported) << result.output;
}

// A cycle closed by a dependency on a branch label: found by the graph
// library (the runtime's rules), reported at both links.
TEST(BrokenGraph, DependencyCycleThroughABranchLabelPointsAtBothLinks) {
  fs::path cpp = case_file("dependency_cycle_via_label", "5b6c7d8e9f0a_add_invoices.cpp");
  fs::path sql = case_file("dependency_cycle_via_label", "6c7d8e9f0a1b_add_refunds.sql");
  CommandResult result = check("dependency_cycle_via_label");
  EXPECT_TRUE(has_diagnostic(result.output, "error", cpp, find_in_file(cpp, "\"6c7d8e9f0a1b\""),
                             {"the revision graph has a cycle: 5b6c7d8e9f0a -> 6c7d8e9f0a1b -> 5b6c7d8e9f0a"}))
      << result.output;
  EXPECT_TRUE(has_diagnostic(result.output, "note", sql, find_in_file(sql, "billing\n"),
                             {"`6c7d8e9f0a1b` depends on `billing` (revision `5b6c7d8e9f0a`) here"}))
      << result.output;
  EXPECT_EQ(result.output.find("is invalid"), std::string::npos) << "every problem has a file:line:\n" << result.output;
}

TEST(BrokenGraph, TwoHeadsListsBothAndTheMergeCommand) {
  fs::path cpp = case_file("two_heads", "5a6b7c8d9e0f_add_invoices.cpp");
  fs::path sql = case_file("two_heads", "6f7e8d9c0b1a_add_refunds.sql");
  CommandResult result = check("two_heads");
  bool reported = false;
  for (const Diagnostic& d : parse_diagnostics(result.output))
    reported = reported || (d.severity == "error" && d.message.find("5a6b7c8d9e0f") != std::string::npos &&
                            d.message.find("6f7e8d9c0b1a") != std::string::npos);
  EXPECT_TRUE(reported) << result.output;
  EXPECT_NE(result.output.find("merge"), std::string::npos) << "the fix (a merge revision) is named:\n"
                                                           << result.output;
  // Each head is pointed at.
  bool cpp_pointed = false, sql_pointed = false;
  for (const Diagnostic& d : parse_diagnostics(result.output)) {
    std::error_code ignored;
    cpp_pointed = cpp_pointed || fs::equivalent(d.path, cpp, ignored);
    sql_pointed = sql_pointed || fs::equivalent(d.path, sql, ignored);
  }
  EXPECT_TRUE(cpp_pointed && sql_pointed) << result.output;
}

TEST(BrokenGraph, TwoBasesListsBoth) {
  CommandResult result = check("two_bases");
  bool reported = false;
  for (const Diagnostic& d : parse_diagnostics(result.output))
    reported = reported || (d.severity == "error" && d.message.find("base") != std::string::npos &&
                            d.message.find("5e6f708192a3") != std::string::npos &&
                            d.message.find("6a7b8c9d0e1f") != std::string::npos);
  EXPECT_TRUE(reported) << result.output;
}

TEST(BrokenGraph, UnknownDependsOnPointsAtTheValue) {
  fs::path file = case_file("unknown_depends_on", "7c8d9e0f1a2b_add_invoices.cpp");
  CommandResult result = check("unknown_depends_on");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "\"0f1e2d3c4b5a\""),
                             {"0f1e2d3c4b5a"}));
}

TEST(BrokenGraph, MalformedIdPointsAtTheId) {
  fs::path file = case_file("bad_id", "invoice-v2_add_invoices.cpp");
  CommandResult result = check("bad_id");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "\"invoice-v2\""),
                             {"invoice-v2"}));
}

TEST(BrokenGraph, EmptyMessagePointsAtTheMessage) {
  fs::path file = case_file("empty_message", "9e0f1a2b3c4d_add_invoices.cpp");
  CommandResult result = check("empty_message");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "\"\""), {"message"}));
}

TEST(BrokenGraph, WrongUpgradeSignatureNamesTheExpectedOne) {
  fs::path file = case_file("wrong_upgrade_signature", "0f1a2b3c4d5e_add_invoices.cpp");
  CommandResult result = check("wrong_upgrade_signature");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "upgrade(retort::Op* op)"),
                             {"upgrade", "retort::Op *", "void upgrade(retort::Op& op)"}));
}

TEST(BrokenGraph, SqlFileWithoutMessageHeaderNamesTheField) {
  fs::path file = case_file("sql_missing_header_field", "b4c5d6e7f809_add_refunds.sql");
  CommandResult result = check("sql_missing_header_field");
  bool reported = false;
  for (const Diagnostic& d : parse_diagnostics(result.output)) {
    std::error_code ignored;
    reported = reported || (d.severity == "error" && fs::equivalent(d.path, file, ignored) &&
                            d.message.find("Message") != std::string::npos);
  }
  EXPECT_TRUE(reported) << result.output;
}

TEST(BrokenGraph, SqlFileWithoutUpgradeSectionNamesTheMarker) {
  fs::path file = case_file("sql_missing_upgrade_section", "d6e7f8091a2b_add_refunds.sql");
  CommandResult result = check("sql_missing_upgrade_section");
  bool reported = false;
  for (const Diagnostic& d : parse_diagnostics(result.output)) {
    std::error_code ignored;
    reported = reported || (d.severity == "error" && fs::equivalent(d.path, file, ignored) &&
                            d.message.find("retort:upgrade") != std::string::npos);
  }
  EXPECT_TRUE(reported) << result.output;
}

// A misspelled field would be ignored (the index then built inside a
// transaction and the deploy failed): the build stops at each one.
TEST(BrokenGraph, SqlFileWithAMisspelledHeaderFieldSuggestsTheRightOne) {
  fs::path file = case_file("sql_unknown_header_field", "f8091a2b3c4d_index_account_emails.sql");
  fs::path prose = case_file("sql_unknown_header_field", "e7f8091a2b3c_create_accounts.sql");
  CommandResult result = check("sql_unknown_header_field");
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "Transaction:"),
                             {"unknown header field `-- Transaction:`", "did you mean `-- Transactional:`?"}))
      << result.output;
  EXPECT_TRUE(has_diagnostic(result.output, "error", file, find_in_file(file, "Depend On:"),
                             {"unknown header field `-- Depend On:`", "did you mean `-- Depends On:`?"}))
      << result.output;
  // The other file's prose comments and `-- Create Date:` are not errors.
  for (const Diagnostic& d : parse_diagnostics(result.output)) {
    std::error_code ignored;
    EXPECT_FALSE(fs::equivalent(d.path, prose, ignored)) << result.output;
  }
}

}  // namespace
}  // namespace retort::build_test
