// Fuzzes retortc's `.sql` migration parser (header fields, sections; the
// splitter on its own is the sql_text target). It reports problems as
// diagnostics and never throws; every diagnostic must point at a real line
// and say something.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "sql_source.hpp"

namespace {

using namespace retort::compiler;
using retort::fuzz::require;

unsigned count_lines(std::string_view text) {
  unsigned lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

// `content` is given when every statement must be a verbatim piece of it
// (not when a rejected duplicate marker line was cut out of a section).
void check_statements(const std::vector<StatementText>& statements, unsigned first_line, unsigned last_line,
                      std::optional<std::string_view> content) {
  for (const auto& statement : statements) {
    require(!statement.text.empty(), "an empty statement was returned");
    require(statement.line >= first_line && statement.line <= last_line, "a statement's line is outside the text");
    if (content)
      require(content->find(statement.text) != std::string_view::npos,
              "a statement's text is not a piece of the input");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string path = "/fuzz/0123456789ab_fuzz.sql";

  MigrationSource source;
  try {
    source = parse_sql_migration(input, path);
  } catch (const std::exception& error) {
    retort::fuzz::fail(std::string("parse_sql_migration threw instead of reporting a diagnostic: ") + error.what());
  }
  const std::string content = normalize_line_endings(input);
  const unsigned lines = count_lines(content);
  for (const auto& diagnostic : source.diagnostics) {
    require(diagnostic.message.size() > 10, "a diagnostic without a real message");
    require(diagnostic.path == path, "a diagnostic names another file");
    require(diagnostic.line >= 1 && diagnostic.line <= lines, "a diagnostic points outside the file");
    require(!format_diagnostic(diagnostic).empty(), "a diagnostic formats to nothing");
  }
  const bool accepted = count_errors(source.diagnostics) == 0;
  if (accepted) {
    require(source.has_revision, "accepted without a `-- Revision ID:`");
    require(source.down_revision_given, "accepted without `-- Revises:`");
  }
  const auto verbatim = accepted ? std::optional<std::string_view>(content) : std::nullopt;
  check_statements(source.upgrade_sql, 1, lines, verbatim);
  check_statements(source.downgrade_sql, 1, lines, verbatim);

  return 0;
}
