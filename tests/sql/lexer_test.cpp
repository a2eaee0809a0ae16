// The shared SQL lexer (sql/lexer.hpp), per dialect.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sql/lexer.hpp"

namespace retort::sqltext {
namespace {

struct Piece {
  TokenKind kind;
  std::string text;
  bool closed = true;
  bool operator==(const Piece&) const = default;
};

std::vector<Piece> pieces(std::string_view sql, SqlDialect dialect = SqlDialect::postgresql) {
  std::vector<Piece> out;
  Lexer lexer(sql, dialect);
  Token token;
  while (lexer.next(token))
    if (token.kind != TokenKind::space) out.push_back({token.kind, std::string(token.text(sql)), token.closed});
  return out;
}

using K = TokenKind;

TEST(SqlLexer, ReadsPostgresqlQuotesCommentsAndDollarBodies) {
  EXPECT_EQ(pieces("SELECT E'a\\'b', 'c''d', \"x\"\"y\" -- z\n/* a /* b */ c */ $f$ ; $f$"),
            (std::vector<Piece>{{K::word, "SELECT"},
                                {K::word, "E"},
                                {K::string, "'a\\'b'"},
                                {K::symbol, ","},
                                {K::string, "'c''d'"},
                                {K::symbol, ","},
                                {K::quoted_name, "\"x\"\"y\""},
                                {K::comment, "-- z"},
                                {K::comment, "/* a /* b */ c */"},
                                {K::dollar_quoted, "$f$ ; $f$"}}));
}

TEST(SqlLexer, BackslashesEscapeOnlyAfterAStandaloneE) {
  // 'a\' is a whole string in standard SQL; so is it after a word ending in e.
  EXPECT_EQ(pieces("x 'a\\' note'"),
            (std::vector<Piece>{{K::word, "x"}, {K::string, "'a\\'"}, {K::word, "note"}, {K::string, "'", false}}));
  EXPECT_EQ(pieces("name'a\\'")[1], (Piece{K::string, "'a\\'"}));
}

TEST(SqlLexer, DollarSignsThatAreNotTags) {
  // $1 is a parameter; a$b$ one word; 1$ a number glued to a sign.
  EXPECT_EQ(pieces("$1 a$b$ 1$x"), (std::vector<Piece>{{K::symbol, "$"},
                                                       {K::symbol, "1"},
                                                       {K::word, "a$b$"},
                                                       {K::symbol, "1"},
                                                       {K::symbol, "$"},
                                                       {K::symbol, "x"}}));
  EXPECT_EQ(pieces("$$ never closed"), (std::vector<Piece>{{K::dollar_quoted, "$$ never closed", false}}));
}

TEST(SqlLexer, ReadsSqliteQuotingAndFlatComments) {
  EXPECT_EQ(pieces("`a``b` [c]d] \"e\" /* /* */ */ $1 E'\\'", SqlDialect::sqlite),
            (std::vector<Piece>{{K::quoted_name, "`a``b`"},
                                {K::quoted_name, "[c]"},
                                {K::word, "d"},
                                {K::symbol, "]"},
                                {K::quoted_name, "\"e\""},
                                {K::comment, "/* /* */"},
                                {K::symbol, "*"},
                                {K::symbol, "/"},
                                {K::symbol, "$"},
                                {K::symbol, "1"},
                                {K::word, "E"},
                                {K::string, "'\\'"}}));
  // In PostgreSQL [ is a subscript and ` an operator character.
  EXPECT_EQ(pieces("a[1]")[1], (Piece{K::symbol, "["}));
}

TEST(SqlLexer, GivesTheLineAndColumnOfEachToken) {
  Lexer lexer("a\n  'x\ny' b", SqlDialect::postgresql, 10);
  Token token;
  std::vector<std::pair<unsigned, unsigned>> at;
  while (lexer.next(token))
    if (token.significant()) at.emplace_back(token.line, token.column);
  EXPECT_EQ(at, (std::vector<std::pair<unsigned, unsigned>>{{10, 1}, {11, 3}, {12, 4}}));
}

TEST(SqlLexer, UnquotesNames) {
  EXPECT_EQ(unquoted_name("\"a\"\"b\""), "a\"b");
  EXPECT_EQ(unquoted_name("`a``b`"), "a`b");
  EXPECT_EQ(unquoted_name("[a b]"), "a b");
  EXPECT_EQ(unquoted_name("\"\""), "");
}

// Tokens tile the text: each begins where the last ended, none is empty.
TEST(SqlLexer, TokensCoverArbitraryInputExactly) {
  static constexpr char alphabet[] = "'\"`[]$;-/*\\\nEeaz1_ \t\x80";
  std::mt19937 random(20261203);
  for (SqlDialect dialect : {SqlDialect::postgresql, SqlDialect::sqlite}) {
    for (int round = 0; round < 3000; ++round) {
      std::string text(random() % 80, ' ');
      for (auto& c : text) c = alphabet[random() % (sizeof alphabet - 1)];
      Lexer lexer(text, dialect);
      Token token;
      std::size_t at = 0;
      while (lexer.next(token)) {
        ASSERT_EQ(token.begin, at) << text;
        ASSERT_GT(token.end, token.begin) << text;
        at = token.end;
      }
      EXPECT_EQ(at, text.size()) << text;
    }
  }
}

}  // namespace
}  // namespace retort::sqltext
