// The rules on C++ migrations: judged by the statements the op calls send
// (rendered as `--sql` renders them), reported at the op call's line in
// this file, and allowed by a `// retort:allow <rule>: <reason>` comment
// directly above the call.
#include <gtest/gtest.h>

#include "lint_support.hpp"

namespace retort::lint_test {
namespace {

using namespace retort;

unsigned g_line = 0;  // the line of the op call under test, set as it runs

void base(Op& op) {
  op.create_table("users", Column("id", BigInteger).primary_key(), Column("email", String(100)),
                  Column("name", Text), Column("age", Integer));
  op.create_table("orders", Column("id", BigInteger).primary_key(), Column("user_id", BigInteger));
  op.create_index("ix_users_email", "users", {"email"});
}

Result lint_after_base(MigrationFn up, bool transactional = true) {
  MigrationSet set;
  set.cpp("base", base, "rules_cpp_test.cpp").cpp("change", up, "rules_cpp_test.cpp", transactional);
  return set.lint();
}

void expect_one(const Result& result, const std::string& rule) {
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, rule);
  EXPECT_EQ(result.findings[0].path, test_file("rules_cpp_test.cpp"));
  EXPECT_EQ(result.findings[0].line, g_line);
  EXPECT_EQ(result.findings[0].column, 3u);  // the op call's indentation
  EXPECT_EQ(result.findings[0].revision, "change");
}

TEST(CppRules, CreateIndexOnAnExistingTable) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.create_index("ix_users_name", "users", {"name"});
             }),
             "add-index-non-concurrently");
}

TEST(CppRules, CreateIndexConcurrentlyInAnAutocommitBlockIsSafe) {
  Result result = lint_after_base([](Op& op) {
    op.autocommit_block([&] { op.create_index("ix_users_name", "users", {"name"}, {.concurrently = true}); });
    op.create_table("fresh", Column("id", Integer));
    op.create_index("ix_fresh_id", "fresh", {"id"});
  });
  EXPECT_TRUE(result.findings.empty()) << describe(result);
}

TEST(CppRules, ConcurrentlyInATransactionalMigrationIsAnError) {
  Result result = lint_after_base([](Op& op) {
    g_line = __LINE__ + 1;
  op.create_index("ix_users_name", "users", {"name"}, {.concurrently = true});
  });
  expect_one(result, "non-transactional-in-transaction");
  EXPECT_EQ(result.findings[0].severity, lint::Severity::error);
  EXPECT_TRUE(result.failed());
  EXPECT_NE(result.findings[0].alternative.find(".transactional = false"), std::string::npos);
  EXPECT_NE(result.findings[0].alternative.find("-- Transactional: false"), std::string::npos);
}

TEST(CppRules, ConcurrentlyInANonTransactionalMigrationIsSafe) {
  Result result = lint_after_base(
      [](Op& op) {
        op.create_index("ix_users_name", "users", {"name"}, {.concurrently = true});
        op.drop_index("ix_users_email", {.concurrently = true});
      },
      false);
  EXPECT_TRUE(result.findings.empty()) << describe(result);
}

TEST(CppRules, DropIndex) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.drop_index("ix_users_email");
             }),
             "drop-index-non-concurrently");
}

TEST(CppRules, AddColumnNotNullWithoutDefault) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.add_column("users", Column("score", Integer).nullable(false));
             }),
             "add-column-not-null-without-default");
  Result safe = lint_after_base(
      [](Op& op) { op.add_column("users", Column("score", Integer).nullable(false).server_default(0)); });
  EXPECT_TRUE(safe.findings.empty()) << describe(safe);
}

TEST(CppRules, AddColumnWithAVolatileDefault) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.add_column("users", Column("token", UUID).server_default(sql("gen_random_uuid()")));
             }),
             "add-column-volatile-default");
  Result safe = lint_after_base(
      [](Op& op) { op.add_column("users", Column("seen", DateTime).server_default(sql("CURRENT_TIMESTAMP"))); });
  EXPECT_TRUE(safe.findings.empty()) << describe(safe);
}

TEST(CppRules, AlterColumnType) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.alter_column("users", "age", {.type = BigInteger});
             }),
             "alter-column-type-rewrite");
  Result widened = lint_after_base([](Op& op) {
    op.alter_column("users", "email", {.type = String(200)});
    op.alter_column("users", "email", {.type = Text});
  });
  EXPECT_TRUE(widened.findings.empty()) << describe(widened);
}

TEST(CppRules, SetNotNull) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.alter_column("users", "email", {.nullable = false});
             }),
             "set-not-null-without-check");
  Result safe = lint_after_base([](Op& op) {
    op.execute("ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID");
    // Validated after the ADD's commit, not under its lock.
    op.autocommit_block([&] { op.validate_constraint("users_email_nn", "users"); });
    op.alter_column("users", "email", {.nullable = false});
  });
  EXPECT_TRUE(safe.findings.empty()) << describe(safe);
}

TEST(CppRules, ForeignKeyWithoutNotValid) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.create_foreign_key("orders_user_fk", "orders", "users", {"user_id"}, {"id"});
             }),
             "add-foreign-key-without-not-valid");
  Result safe = lint_after_base([](Op& op) {
    op.create_foreign_key("orders_user_fk", "orders", "users", {"user_id"}, {"id"}, {.not_valid = true});
    op.autocommit_block([&] { op.validate_constraint("orders_user_fk", "orders"); });
  });
  EXPECT_TRUE(safe.findings.empty()) << describe(safe);
  Result under_the_lock = lint_after_base([](Op& op) {
    op.create_foreign_key("orders_user_fk", "orders", "users", {"user_id"}, {"id"}, {.not_valid = true});
    g_line = __LINE__ + 1;
  op.validate_constraint("orders_user_fk", "orders");
  });
  expect_one(under_the_lock, "validate-in-the-adding-transaction");
}

TEST(CppRules, CheckConstraint) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.create_check_constraint("users_age", "users", "age >= 0");
             }),
             "add-check-without-not-valid");
}

TEST(CppRules, UniqueAndPrimaryKeyConstraints) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.create_unique_constraint("users_email_key", "users", {"email"});
             }),
             "add-unique-without-index");
  Result safe = lint_after_base([](Op& op) {
    op.autocommit_block([&] {
      op.create_index("users_email_key", "users", {"email"}, {.unique = true, .concurrently = true});
    });
    op.execute("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key");
  });
  EXPECT_TRUE(safe.findings.empty()) << describe(safe);
}

TEST(CppRules, DestructiveChanges) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.drop_column("users", "name");
             }),
             "drop-column");
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.drop_table("orders");
             }),
             "drop-table");
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.alter_column("users", "name", {.new_column_name = "full_name"});
             }),
             "rename-column");
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.rename_table("orders", "purchases");
             }),
             "rename-table");
}

TEST(CppRules, StatementsSentWithExecute) {
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.execute("UPDATE users SET age = ?", {0});
             }),
             "update-without-where");
  expect_one(lint_after_base([](Op& op) {
               g_line = __LINE__ + 1;
  op.execute("LOCK TABLE users IN SHARE MODE");
             }),
             "lock-table");
  Result batched = lint_after_base([](Op& op) { op.execute("UPDATE users SET age = ? WHERE id <= ?", {0, 1000}); });
  EXPECT_TRUE(batched.findings.empty()) << describe(batched);
}

TEST(CppRules, AnAllowCommentAboveTheCallSilencesIt) {
  Result result = lint_after_base([](Op& op) {
    // The column has been unused since release 12 (see the two-release plan).
    // retort:allow drop-column: nothing reads users.name since release 12
    op.drop_column("users", "name");
    op.drop_column("users", "age");  // not covered: the comment is not directly above
  });
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_NE(result.findings[0].message.find("users.age"), std::string::npos);
  ASSERT_EQ(result.suppressed.size(), 1u);
  EXPECT_EQ(result.suppressed[0].suppressed_reason, "nothing reads users.name since release 12");
}

TEST(CppRules, AnAllowCommentWithoutAReasonIsAnError) {
  Result result = lint_after_base([](Op& op) {
    // retort:allow drop-column
    op.drop_column("users", "name");
  });
  EXPECT_TRUE(result.failed());
  EXPECT_EQ(of_rule(result, "allow-directive").size(), 1u) << describe(result);
  EXPECT_EQ(of_rule(result, "drop-column").size(), 1u) << describe(result);
}

// A data migration that reads rows cannot be rendered offline: what it
// sent before the read is judged, and the rest is reported as not linted.
TEST(CppRules, AMigrationThatReadsRowsIsLintedUpToTheRead) {
  Result result = lint_after_base([](Op& op) {
    op.drop_column("users", "age");
    op.connection().query("SELECT id FROM users");
    op.drop_table("orders");
  });
  ASSERT_EQ(result.findings.size(), 1u) << describe(result);
  EXPECT_EQ(result.findings[0].rule, "drop-column");
  ASSERT_EQ(result.skipped.size(), 1u);
  EXPECT_NE(result.skipped[0].message.find("reads rows"), std::string::npos) << result.skipped[0].message;
}

}  // namespace
}  // namespace retort::lint_test
