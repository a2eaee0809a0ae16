// Hand-written registries (as retortc would generate them) for the runtime
// tests: every revision creates a table named after itself (t_<id>) and its
// downgrade drops it, so the schema shows which revisions are applied.
#pragma once

#include <retort/migration.hpp>
#include <retort/registry.hpp>

#include <span>
#include <string_view>

namespace retort::test {

#define RT_TABLE_MIGRATION(ID)                                                      \
  inline void up_##ID(retort::Op& op) { op.execute("CREATE TABLE t_" #ID " (id INTEGER PRIMARY KEY)"); } \
  inline void down_##ID(retort::Op& op) { op.execute("DROP TABLE t_" #ID); }

// ---- a linear chain: r1 -> r2 (SQL) -> r3 -------------------------------

RT_TABLE_MIGRATION(r1)
RT_TABLE_MIGRATION(r3)

inline constexpr std::string_view kR1Id[] = {"r1"};
inline constexpr std::string_view kR2Id[] = {"r2"};

// r2 is an SQL migration: statements with their own lines in the file.
inline constexpr SqlStatement kR2Up[] = {
    {"CREATE TABLE t_r2 (id INTEGER PRIMARY KEY, note VARCHAR(20))", 7},
    {"INSERT INTO t_r2 (id, note) VALUES (1, 'it''s r2')", 9},
};
inline constexpr SqlStatement kR2Down[] = {{"DROP TABLE t_r2", 12}};

inline constexpr Migration kLinear[] = {
    {.id = "r1", .message = "create r1", .source_path = __FILE__, .source_line = 1, .checksum = "sha256:1",
     .transactional = true, .upgrade = up_r1, .downgrade = down_r1},
    {.id = "r2", .down_revisions = kR1Id, .message = "create r2 (sql)", .source_path = "/src/migrations/r2_create.sql",
     .source_line = 1, .checksum = "sha256:2", .transactional = true, .upgrade_sql = kR2Up, .downgrade_sql = kR2Down},
    {.id = "r3", .down_revisions = kR2Id, .message = "create r3", .source_path = __FILE__, .source_line = 3,
     .checksum = "sha256:3", .transactional = true, .upgrade = up_r3, .downgrade = down_r3},
};
inline constexpr Registry kLinearRegistry{"linear", "/src/migrations", kLinear};

// ---- r4 fails half-way: its first statement works, its second cannot --------

inline void up_r4_failing(retort::Op& op) {
  op.execute("CREATE TABLE t_r4 (id INTEGER PRIMARY KEY)");
  op.execute("INSERT INTO no_such_table (id) VALUES (1)");  // kFailingLine
}
inline constexpr unsigned kFailingLine = __LINE__ - 2;
inline constexpr const char* kRegistriesFile = __FILE__;
inline void down_r4(retort::Op& op) { op.execute("DROP TABLE t_r4"); }
inline constexpr std::string_view kR3Id[] = {"r3"};

inline constexpr Migration kFailing[] = {
    kLinear[0], kLinear[1], kLinear[2],
    {.id = "r4", .down_revisions = kR3Id, .message = "add r4 then fail", .source_path = __FILE__,
     .source_line = 4, .checksum = "sha256:4", .transactional = true, .upgrade = up_r4_failing,
     .downgrade = down_r4},
};
inline constexpr Registry kFailingRegistry{"failing", "/src/migrations", kFailing};

// ---- statements PostgreSQL receives together (one round trip per step) -----
// s1 mixes a statement ending in a comment, a semicolon-separated pair in one
// execute() and a plain one; s2's third statement has a syntax error, which
// the server reports for the whole text it was sent in.

inline void up_s1(retort::Op& op) {
  op.execute("CREATE TABLE t_s1 (id INTEGER PRIMARY KEY) -- the comment must not swallow what follows");
  op.execute("INSERT INTO t_s1 (id) VALUES (1)");
  op.execute("INSERT INTO t_s1 (id) VALUES (2); INSERT INTO t_s1 (id) VALUES (3);");
}
inline void down_s1(retort::Op& op) { op.execute("DROP TABLE t_s1"); }
inline constexpr std::string_view kS1Id[] = {"s1"};
inline constexpr SqlStatement kS2Up[] = {
    {"CREATE TABLE t_s2 (id INTEGER PRIMARY KEY)", 3},
    {"INSERT INTO t_s2 (id) VALUES (1)", 4},
    {"INSRT INTO t_s2 (id) VALUES (2)", 6},
    {"CREATE TABLE t_s2_after (id INTEGER)", 8},
};
inline constexpr SqlStatement kS2Down[] = {{"DROP TABLE t_s2", 11}};

inline constexpr Migration kSentTogether[] = {
    {.id = "s1", .message = "several statements", .source_path = __FILE__, .source_line = 1, .transactional = true,
     .upgrade = up_s1, .downgrade = down_s1},
    {.id = "s2", .down_revisions = kS1Id, .message = "a typo", .source_path = "/src/migrations/s2_typo.sql",
     .source_line = 1, .transactional = true, .upgrade_sql = kS2Up, .downgrade_sql = kS2Down},
};
inline constexpr Registry kSentTogetherRegistry{"sent_together", "/src/migrations", kSentTogether};

// q1's second statement fails while it waits in the queue; the third, with a
// parameter, sends the queue before it runs. The second must be named.
inline void up_q1(retort::Op& op) {
  op.execute("CREATE TABLE t_q1 (id INTEGER PRIMARY KEY)");
  op.execute("INSERT INTO no_such_table_q1 (id) VALUES (1)");  // kQueuedFailureLine
  op.execute("INSERT INTO t_q1 (id) VALUES (?)", {2});
}
inline constexpr unsigned kQueuedFailureLine = __LINE__ - 3;
inline void down_q1(retort::Op& op) { op.execute("DROP TABLE t_q1"); }
inline constexpr Migration kQueuedFailure[] = {
    {.id = "q1", .message = "fails in the queue", .source_path = __FILE__, .source_line = 1, .transactional = true,
     .upgrade = up_q1, .downgrade = down_q1},
};
inline constexpr Registry kQueuedFailureRegistry{"queued_failure", "/src/migrations", kQueuedFailure};

inline void up_z1(retort::Op& op) {
  op.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  op.execute("CREATE TABLE t_z1 AS SELECT current_setting('transaction_isolation') AS level");
}
inline void down_z1(retort::Op& op) { op.execute("DROP TABLE t_z1"); }
inline constexpr Migration kSerializable[] = {
    {.id = "z1", .message = "serializable", .source_path = __FILE__, .source_line = 1, .transactional = true,
     .upgrade = up_z1, .downgrade = down_z1},
};
inline constexpr Registry kSerializableRegistry{"serializable", "/src/migrations", kSerializable};

// ---- branches, a merge, a labelled independent branch and depends_on --------
//
//        +-- b1 --+
//   a1 --+        +-- m1
//        +-- c1 --+
//   x1 (label "extra") -- x2 (depends_on b1)

RT_TABLE_MIGRATION(a1)
RT_TABLE_MIGRATION(b1)
RT_TABLE_MIGRATION(c1)
RT_TABLE_MIGRATION(m1)
RT_TABLE_MIGRATION(x1)
RT_TABLE_MIGRATION(x2)

inline constexpr std::string_view kA1[] = {"a1"};
inline constexpr std::string_view kB1C1[] = {"b1", "c1"};
inline constexpr std::string_view kX1[] = {"x1"};
inline constexpr std::string_view kB1[] = {"b1"};
inline constexpr std::string_view kExtra[] = {"extra"};

inline constexpr Migration kBranchy[] = {
    {.id = "a1", .message = "base a1", .source_path = __FILE__, .source_line = 1, .transactional = true,
     .upgrade = up_a1, .downgrade = down_a1},
    {.id = "x1", .branch_labels = kExtra, .message = "extra base x1", .source_path = __FILE__, .source_line = 2,
     .transactional = true, .upgrade = up_x1, .downgrade = down_x1},
    {.id = "b1", .down_revisions = kA1, .message = "branch b1", .source_path = __FILE__, .source_line = 3,
     .transactional = true, .upgrade = up_b1, .downgrade = down_b1},
    {.id = "c1", .down_revisions = kA1, .message = "branch c1", .source_path = __FILE__, .source_line = 4,
     .transactional = true, .upgrade = up_c1, .downgrade = down_c1},
    {.id = "m1", .down_revisions = kB1C1, .message = "merge b1 and c1", .source_path = __FILE__, .source_line = 5,
     .transactional = true, .upgrade = up_m1, .downgrade = down_m1},
    {.id = "x2", .down_revisions = kX1, .depends_on = kB1, .message = "x2 needs b1", .source_path = __FILE__,
     .source_line = 6, .transactional = true, .upgrade = up_x2, .downgrade = down_x2},
};
inline constexpr Registry kBranchyRegistry{"branchy", "/src/migrations", kBranchy};

// ---- a non-transactional migration (CREATE INDEX CONCURRENTLY) --------------

inline void up_n1(retort::Op& op) { op.execute("CREATE TABLE t_n1 (id INTEGER PRIMARY KEY, email VARCHAR(80))"); }
inline void down_n1(retort::Op& op) { op.execute("DROP TABLE t_n1"); }
inline void up_n2_concurrently(retort::Op& op) {
  op.execute("CREATE INDEX CONCURRENTLY ix_n1_email ON t_n1 (email)");
}
inline void down_n2(retort::Op& op) { op.execute("DROP INDEX CONCURRENTLY ix_n1_email"); }
inline void up_n3_half(retort::Op& op) {
  op.execute("CREATE INDEX CONCURRENTLY ix_n1_id_email ON t_n1 (id, email)");
  op.execute("CREATE INDEX CONCURRENTLY ix_broken ON no_such_table (x)");
}
inline void down_n3(retort::Op& op) { op.execute("DROP INDEX ix_n1_id_email"); }
inline constexpr std::string_view kN1[] = {"n1"};
inline constexpr std::string_view kN2[] = {"n2"};

inline constexpr Migration kConcurrent[] = {
    {.id = "n1", .message = "table", .source_path = __FILE__, .source_line = 1, .transactional = true,
     .upgrade = up_n1, .downgrade = down_n1},
    {.id = "n2", .down_revisions = kN1, .message = "index concurrently", .source_path = __FILE__, .source_line = 2,
     .transactional = false, .upgrade = up_n2_concurrently, .downgrade = down_n2},
    {.id = "n3", .down_revisions = kN2, .message = "half of two indexes", .source_path = __FILE__,
     .source_line = 3, .transactional = false, .upgrade = up_n3_half, .downgrade = down_n3},
};
inline constexpr Registry kConcurrentRegistry{"concurrent", "/src/migrations", kConcurrent};

// ---- a transactional migration with an autocommit block --------------------
// k2 updates a row, then builds a unique index CONCURRENTLY over duplicate
// values: the update is committed by the block, the index is left INVALID.

inline void up_k1(retort::Op& op) {
  op.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, code INTEGER)");
  op.execute("INSERT INTO counters (id, n, code) VALUES (1, 0, 7), (2, 0, 7)");
}
inline void down_k1(retort::Op& op) { op.execute("DROP TABLE counters"); }
inline void up_k2_block(retort::Op& op) {
  op.execute("UPDATE counters SET n = n + 1");
  op.autocommit_block([&] { op.create_index("ix_counters_code", "counters", {"code"}, {.unique = true, .concurrently = true}); });
  op.execute("CREATE TABLE t_k2 (id INTEGER)");
}
inline constexpr unsigned kBlockUpdateLine = __LINE__ - 4;
inline void down_k2(retort::Op& op) {
  op.execute("DROP TABLE t_k2");
  op.execute("DROP INDEX ix_counters_code");
}
inline constexpr std::string_view kK1[] = {"k1"};

inline constexpr Migration kAutocommitBlock[] = {
    {.id = "k1", .message = "counters", .source_path = __FILE__, .source_line = 1, .checksum = "sha256:k1",
     .transactional = true, .upgrade = up_k1, .downgrade = down_k1},
    {.id = "k2", .down_revisions = kK1, .message = "unique code", .source_path = __FILE__, .source_line = 2,
     .checksum = "sha256:k2", .transactional = true, .upgrade = up_k2_block, .downgrade = down_k2},
};
inline constexpr Registry kAutocommitBlockRegistry{"autocommit_block", "/src/migrations", kAutocommitBlock};

// The server is lost while k2's block runs (the test ends its session).
inline void up_k2_sleeping_block(retort::Op& op) {
  op.execute("UPDATE counters SET n = n + 1");
  op.autocommit_block([&] { op.execute("SELECT pg_sleep(30)"); });
}
inline constexpr Migration kSleepingBlock[] = {
    kAutocommitBlock[0],
    {.id = "k2", .down_revisions = kK1, .message = "sleep in a block", .source_path = __FILE__, .source_line = 3,
     .checksum = "sha256:k2s", .transactional = true, .upgrade = up_k2_sleeping_block, .downgrade = down_k1},
};
inline constexpr Registry kSleepingBlockRegistry{"sleeping_block", "/src/migrations", kSleepingBlock};

// k2 records lock_timeout before, inside and after its autocommit block.
inline void up_k1_seen(retort::Op& op) { op.execute("CREATE TABLE seen (place TEXT, lock_timeout TEXT)"); }
inline void down_k1_seen(retort::Op& op) { op.execute("DROP TABLE seen"); }
inline void up_k2_seen(retort::Op& op) {
  op.execute("INSERT INTO seen SELECT 'before', current_setting('lock_timeout')");
  op.autocommit_block([&] { op.execute("INSERT INTO seen SELECT 'inside', current_setting('lock_timeout')"); });
  op.execute("INSERT INTO seen SELECT 'after', current_setting('lock_timeout')");
}
inline void down_k2_seen(retort::Op& op) { op.execute("DELETE FROM seen"); }
inline constexpr Migration kSettingsBlock[] = {
    {.id = "k1", .message = "seen", .source_path = __FILE__, .source_line = 1, .checksum = "sha256:k1s",
     .transactional = true, .upgrade = up_k1_seen, .downgrade = down_k1_seen},
    {.id = "k2", .down_revisions = kK1, .message = "settings around a block", .source_path = __FILE__,
     .source_line = 2, .checksum = "sha256:k2b", .transactional = true, .upgrade = up_k2_seen,
     .downgrade = down_k2_seen},
};
inline constexpr Registry kSettingsBlockRegistry{"settings_block", "/src/migrations", kSettingsBlock};

#undef RT_TABLE_MIGRATION

}  // namespace retort::test
