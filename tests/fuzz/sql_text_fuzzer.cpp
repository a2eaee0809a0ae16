// Fuzzes the shared SQL lexer and splitter (runtime/src/sql/) in both
// dialects: tokens tile the input exactly, the splitter never throws, and
// every statement is a piece of the input on a line that exists.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "sql/split.hpp"

namespace {

using namespace retort::sqltext;
using retort::SqlDialect;
using retort::fuzz::require;

void check(std::string_view input, SqlDialect dialect) {
  Lexer lexer(input, dialect);
  Token token;
  std::size_t at = 0;
  while (lexer.next(token)) {
    require(token.begin == at && token.end > token.begin && token.end <= input.size(),
            "lexer tokens do not tile the input");
    at = token.end;
  }
  require(at == input.size(), "the lexer stopped before the end of the input");

  constexpr unsigned first_line = 7;
  unsigned last_line = first_line;
  for (char c : input) last_line += c == '\n';
  const SplitResult split = retort::sqltext::split(input, dialect, first_line);
  for (const auto& statement : split.statements) {
    require(!statement.text.empty(), "an empty statement was returned");
    require(!statement.canonical.empty(), "a statement without checksum text");
    require(input.find(statement.text) != std::string_view::npos, "a statement's text is not a piece of the input");
    require(statement.line >= first_line && statement.line <= last_line, "a statement's line is outside the text");
  }
  for (const auto& problem : split.problems) {
    require(problem.message.size() > 10, "a splitter problem without a real message");
    require(problem.line >= first_line && problem.line <= last_line, "a splitter problem points outside the text");
    require(problem.column >= 1, "a splitter problem without a column");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, SqlDialect::postgresql);
  check(input, SqlDialect::sqlite);
  return 0;
}
