// Identifier quoting (sql/quote.hpp): bare where the engine reads the name
// unchanged, double-quoted otherwise.
#include <gtest/gtest.h>

#include "sql/quote.hpp"

namespace retort::sqltext {
namespace {

TEST(SqlQuote, PlainLowerCaseNamesStayBare) {
  for (SqlDialect dialect : {SqlDialect::postgresql, SqlDialect::sqlite}) {
    EXPECT_EQ(quote_name("alembic_version", dialect), "alembic_version");
    EXPECT_EQ(quote_name("t1_x", dialect), "t1_x");
  }
  EXPECT_EQ(quote_name_for_any("retort_version"), "retort_version");
}

TEST(SqlQuote, ReservedWordsAreQuotedPerEngine) {
  EXPECT_EQ(quote_name("order", SqlDialect::postgresql), "\"order\"");
  EXPECT_EQ(quote_name("order", SqlDialect::sqlite), "\"order\"");
  // A key word of SQLite only, and one of PostgreSQL only.
  EXPECT_EQ(quote_name("action", SqlDialect::postgresql), "action");
  EXPECT_EQ(quote_name("action", SqlDialect::sqlite), "\"action\"");
  EXPECT_EQ(quote_name("analyse", SqlDialect::sqlite), "analyse");
  EXPECT_EQ(quote_name("analyse", SqlDialect::postgresql), "\"analyse\"");
  EXPECT_EQ(quote_name_for_any("action"), "\"action\"");
  EXPECT_EQ(quote_name_for_any("analyse"), "\"analyse\"");
}

TEST(SqlQuote, AnythingElseIsQuotedWithQuotesDoubled) {
  EXPECT_EQ(quote_name("MyVersions", SqlDialect::postgresql), "\"MyVersions\"");
  EXPECT_EQ(quote_name("two words", SqlDialect::sqlite), "\"two words\"");
  EXPECT_EQ(quote_name("1st", SqlDialect::postgresql), "\"1st\"");
  EXPECT_EQ(quote_name("a$b", SqlDialect::postgresql), "\"a$b\"");
  EXPECT_EQ(quote_name("say \"hi\"", SqlDialect::sqlite), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(quote_name("", SqlDialect::postgresql), "\"\"");
  EXPECT_EQ(quote_name("caf\xc3\xa9", SqlDialect::postgresql), "\"caf\xc3\xa9\"");
}

// What the quoted form reads back as, through the shared lexer.
TEST(SqlQuote, TheLexerReadsTheQuotedNameBackUnchanged) {
  for (const char* name : {"say \"hi\"", "MyVersions", "order", "a;b"}) {
    const std::string written = quote_name(name, SqlDialect::sqlite);
    Lexer lexer(written, SqlDialect::sqlite);
    Token token;
    ASSERT_TRUE(lexer.next(token));
    EXPECT_EQ(token.end, written.size());
    EXPECT_EQ(unquoted_name(token.text(written)), name);
  }
}

}  // namespace
}  // namespace retort::sqltext
