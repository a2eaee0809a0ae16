// Identifier quoting (sql/quote.hpp): bare where the engine reads the name
// unchanged, double-quoted otherwise.
#include <gtest/gtest.h>

#include "sql/quote.hpp"

namespace retort::sqltext {
namespace {

TEST(SqlQuote, PlainLowerCaseNamesStayBare) {
  for (Flavor flavor : {Flavor::postgresql, Flavor::sqlite}) {
    EXPECT_EQ(quote_name("alembic_version", flavor), "alembic_version");
    EXPECT_EQ(quote_name("t1_x", flavor), "t1_x");
  }
  EXPECT_EQ(quote_name_for_any("retort_version"), "retort_version");
}

TEST(SqlQuote, ReservedWordsAreQuotedPerEngine) {
  EXPECT_EQ(quote_name("order", Flavor::postgresql), "\"order\"");
  EXPECT_EQ(quote_name("order", Flavor::sqlite), "\"order\"");
  // A key word of SQLite only, and one of PostgreSQL only.
  EXPECT_EQ(quote_name("action", Flavor::postgresql), "action");
  EXPECT_EQ(quote_name("action", Flavor::sqlite), "\"action\"");
  EXPECT_EQ(quote_name("analyse", Flavor::sqlite), "analyse");
  EXPECT_EQ(quote_name("analyse", Flavor::postgresql), "\"analyse\"");
  EXPECT_EQ(quote_name_for_any("action"), "\"action\"");
  EXPECT_EQ(quote_name_for_any("analyse"), "\"analyse\"");
}

TEST(SqlQuote, AnythingElseIsQuotedWithQuotesDoubled) {
  EXPECT_EQ(quote_name("MyVersions", Flavor::postgresql), "\"MyVersions\"");
  EXPECT_EQ(quote_name("two words", Flavor::sqlite), "\"two words\"");
  EXPECT_EQ(quote_name("1st", Flavor::postgresql), "\"1st\"");
  EXPECT_EQ(quote_name("a$b", Flavor::postgresql), "\"a$b\"");
  EXPECT_EQ(quote_name("say \"hi\"", Flavor::sqlite), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quote_name("", Flavor::postgresql), "\"\"");
  EXPECT_EQ(quote_name("caf\xc3\xa9", Flavor::postgresql), "\"caf\xc3\xa9\"");
}

// What the quoted form reads back as, through the shared lexer.
TEST(SqlQuote, TheLexerReadsTheQuotedNameBackUnchanged) {
  for (const char* name : {"say \"hi\"", "MyVersions", "order", "a;b"}) {
    const std::string written = quote_name(name, Flavor::sqlite);
    Lexer lexer(written, Flavor::sqlite);
    Token token;
    ASSERT_TRUE(lexer.next(token));
    EXPECT_EQ(token.end, written.size());
    EXPECT_EQ(unquoted_name(token.text(written)), name);
  }
}

}  // namespace
}  // namespace retort::sqltext
