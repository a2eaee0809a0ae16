#include "checksum.hpp"

#include <clang/Basic/LangOptions.h>
#include <clang/Lex/Lexer.h>

#include "hashing.hpp"
#include "sql_source.hpp"

namespace retort::compiler {

namespace {
constexpr std::string_view v2_prefix = "v2-sha256:";
}

std::string cpp_checksum(std::string_view raw_content) {
  const std::string content = normalize_line_endings(raw_content);
  clang::LangOptions lang;
  lang.CPlusPlus = lang.CPlusPlus11 = lang.CPlusPlus14 = lang.CPlusPlus17 = lang.CPlusPlus20 = true;
  lang.LineComment = true;
  const char* begin = content.c_str();
  // A raw lexer: tokens as written, no preprocessing and no file system.
  clang::Lexer lexer(clang::SourceLocation(), lang, begin, begin, begin + content.size());
  lexer.SetCommentRetentionState(false);
  std::string canonical;
  bool in_directive = false;
  clang::Token token;
  for (;;) {
    lexer.LexFromRawLexer(token);
    if (token.is(clang::tok::eof)) break;
    // A directive ends at its line's end, so line breaks around one count.
    const bool starts_line = token.isAtStartOfLine();
    if (starts_line && (in_directive || token.is(clang::tok::hash))) canonical.push_back('\n');
    if (starts_line) in_directive = token.is(clang::tok::hash);
    if (!canonical.empty() && canonical.back() != '\n') canonical.push_back(' ');
    const char* end = lexer.getBufferLocation();
    canonical.append(end - token.getLength(), token.getLength());
  }
  return std::string(v2_prefix) + sha256_hex(canonical);
}

std::string sql_checksum(const MigrationSource& source) {
  std::string canonical = "Revision ID: " + source.id.value + "\nRevises:";
  for (const LocatedText& down : source.down_revisions) canonical += " " + down.value;
  canonical += "\nMessage: " + source.message.value + "\nBranch Labels:";
  for (const LocatedText& label : source.branch_labels) canonical += " " + label.value;
  canonical += "\nDepends On:";
  for (const LocatedText& dependency : source.depends_on) canonical += " " + dependency.value;
  canonical += std::string("\nTransactional: ") + (source.transactional ? "true" : "false");
  canonical += "\n-- retort:upgrade\n";
  for (const StatementText& statement : source.upgrade_sql) canonical += statement.canonical + ";\n";
  canonical += "-- retort:downgrade\n";
  for (const StatementText& statement : source.downgrade_sql) canonical += statement.canonical + ";\n";
  return std::string(v2_prefix) + sha256_hex(canonical);
}

std::string legacy_checksum(std::string_view content) {
  return "sha256:" + sha256_hex(normalize_line_endings(content));
}

}  // namespace retort::compiler
