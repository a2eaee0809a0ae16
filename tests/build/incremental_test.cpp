// The next `cmake --build` picks up added, removed and edited migrations
// without anyone running cmake by hand, and rebuilds only what it must.
#include <gtest/gtest.h>

#include <chrono>

#include "build_support.hpp"
#include "test_support.hpp"

namespace retort::build_test {
namespace {

constexpr std::string_view kOrderNotes = R"(#include <retort/migration.hpp>

constexpr retort::Revision revision{
    .id = "9a8b7c6d5e4f",
    .down_revision = "5e7a9b2c4d6f",
    .message = "add order notes",
};

void upgrade(retort::Op& op) { op.execute("ALTER TABLE orders ADD COLUMN note TEXT"); }
void downgrade(retort::Op& op) { op.execute("ALTER TABLE orders DROP COLUMN note"); }
)";

std::string list_revisions(const fs::path& build_dir) {
  CommandResult listed = run(shell_quote((build_dir / "list_revisions").string()));
  EXPECT_EQ(listed.status, 0) << listed.output;
  return listed.output;
}

// Whether the build compiled an object of `object_of` (Ninja prints one
// "Building CXX object ..." line per compilation).
bool rebuilt(const CommandResult& build_result, std::string_view object_of) {
  std::size_t at = build_result.output.find("Building CXX object");
  while (at != std::string::npos) {
    std::size_t end = build_result.output.find('\n', at);
    if (build_result.output.substr(at, end - at).find(object_of) != std::string::npos) return true;
    at = build_result.output.find("Building CXX object", end);
  }
  return false;
}

TEST(Incremental, AddedEditedAndRemovedMigrationsArePickedUpByTheNextBuild) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  copy_tree(Paths::projects() / "consumer", source);

  CommandResult configured = configure(source, build_dir);
  ASSERT_EQ(configured.status, 0) << configured.output;
  CommandResult first = build(build_dir);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_EQ(list_revisions(build_dir),
            "1c0ffee1d2e3 base create customers\n5e7a9b2c4d6f 1c0ffee1d2e3 create orders\n");

  CommandResult unchanged = build(build_dir);
  ASSERT_EQ(unchanged.status, 0) << unchanged.output;
  EXPECT_NE(unchanged.output.find("no work to do"), std::string::npos) << unchanged.output;

  // Added: a new file in the directory, no cmake run by hand.
  fs::path added = source / "migrations" / "9a8b7c6d5e4f_add_order_notes.cpp";
  write_file(added, kOrderNotes);
  CommandResult after_add = build(build_dir);
  ASSERT_EQ(after_add.status, 0) << after_add.output;
  EXPECT_EQ(list_revisions(build_dir),
            "1c0ffee1d2e3 base create customers\n5e7a9b2c4d6f 1c0ffee1d2e3 create orders\n"
            "9a8b7c6d5e4f 5e7a9b2c4d6f add order notes\n");

  // Edited: only the edited migration and the registry recompile.
  fs::path edited = source / "migrations" / "5e7a9b2c4d6f_create_orders.cpp";
  std::string content = read_file(edited);
  std::string marker = "\"create orders\"";
  content.replace(content.find(marker), marker.size(), "\"create orders and their index\"");
  write_file(edited, content);
  CommandResult after_edit = build(build_dir);
  ASSERT_EQ(after_edit.status, 0) << after_edit.output;
  EXPECT_TRUE(rebuilt(after_edit, "5e7a9b2c4d6f_create_orders.cpp")) << after_edit.output;
  EXPECT_TRUE(rebuilt(after_edit, "shop_migrations_registry.cpp")) << after_edit.output;
  EXPECT_FALSE(rebuilt(after_edit, "9a8b7c6d5e4f_add_order_notes.cpp")) << after_edit.output;
  EXPECT_EQ(after_edit.output.find("Re-running CMake"), std::string::npos)
      << "an edit must not regenerate the build system:\n" << after_edit.output;
  EXPECT_NE(list_revisions(build_dir).find("5e7a9b2c4d6f 1c0ffee1d2e3 create orders and their index\n"),
            std::string::npos);

  // A project header the migrations include (INCLUDE_DIRECTORIES) is an
  // input of the check too.
  fs::path header = source / "include" / "shop" / "naming.hpp";
  std::string naming = read_file(header);
  write_file(header, naming + "// reviewed\n");
  CommandResult after_header = build(build_dir);
  ASSERT_EQ(after_header.status, 0) << after_header.output;
  EXPECT_NE(after_header.output.find("Compiling migration set shop_migrations"), std::string::npos)
      << after_header.output;
  EXPECT_TRUE(rebuilt(after_header, "5e7a9b2c4d6f_create_orders.cpp")) << after_header.output;
  EXPECT_FALSE(rebuilt(after_header, "9a8b7c6d5e4f_add_order_notes.cpp")) << after_header.output;

  // Removed: gone from the registry at the next build.
  fs::remove(added);
  CommandResult after_remove = build(build_dir);
  ASSERT_EQ(after_remove.status, 0) << after_remove.output;
  EXPECT_EQ(list_revisions(build_dir),
            "1c0ffee1d2e3 base create customers\n5e7a9b2c4d6f 1c0ffee1d2e3 create orders and their index\n");

  // Broken by an edit: the next build fails at the line, and fixing it heals.
  std::string good = read_file(edited);
  std::string broken = good;
  std::string down = "\"1c0ffee1d2e3\"";
  broken.replace(broken.find(down), down.size(), "\"1c0ffee1d2e4\"");
  write_file(edited, broken);
  CommandResult after_break = build(build_dir);
  EXPECT_NE(after_break.status, 0) << after_break.output;
  EXPECT_TRUE(has_diagnostic(after_break.output, "error", edited, find_in_file(edited, "\"1c0ffee1d2e4\""),
                             {"1c0ffee1d2e4"}));
  write_file(edited, good);
  CommandResult after_fix = build(build_dir);
  EXPECT_EQ(after_fix.status, 0) << after_fix.output;
}

// A copy of the consumer project, configured and built.
void build_consumer_copy(const fs::path& source, const fs::path& build_dir) {
  copy_tree(Paths::projects() / "consumer", source);
  ASSERT_EQ(configure(source, build_dir).status, 0);
  ASSERT_EQ(build(build_dir).status, 0);
}

// retort.lock records released revisions: editing one warns at its file,
// a comment-only edit does not (the checksum ignores comments and layout).
TEST(Incremental, EditingAReleasedMigrationWarnsAtItsRevision) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  ASSERT_NO_FATAL_FAILURE(build_consumer_copy(source, build_dir));
  CommandResult locked = run(shell_quote((build_dir / "shop_migrations-migrate").string()) + " lock");
  ASSERT_EQ(locked.status, 0) << locked.output;
  fs::path lock_file = source / "migrations" / "retort.lock";
  EXPECT_NE(read_file(lock_file).find("5e7a9b2c4d6f v2-sha256:"), std::string::npos) << read_file(lock_file);

  fs::path edited = source / "migrations" / "5e7a9b2c4d6f_create_orders.cpp";
  const std::string original = read_file(edited);
  write_file(edited, "// Orders belong to a customer.\n" + original + "\n/* reviewed */\n");
  CommandResult commented = build(build_dir);
  ASSERT_EQ(commented.status, 0) << commented.output;
  EXPECT_EQ(commented.output.find("was released"), std::string::npos) << commented.output;

  std::string changed = original;
  changed.replace(changed.find("total_cents INTEGER"), 19, "total_cents BIGINT");
  write_file(edited, changed);
  CommandResult after_edit = build(build_dir);
  ASSERT_EQ(after_edit.status, 0) << after_edit.output;
  EXPECT_TRUE(has_diagnostic(after_edit.output, "warning", edited, {find_in_file(edited, "constexpr retort::Revision").line, 1},
                             {"revision 5e7a9b2c4d6f was released", "new revision"}))
      << after_edit.output;
  EXPECT_TRUE(has_diagnostic(after_edit.output, "note", lock_file, {find_in_file(lock_file, "5e7a9b2c4d6f").line, 1},
                             {"released with v2-sha256:"}))
      << after_edit.output;

  // Recorded as released again: the warning is gone.
  ASSERT_EQ(run(shell_quote((build_dir / "shop_migrations-migrate").string()) + " lock").status, 0);
  CommandResult relocked = build(build_dir);
  ASSERT_EQ(relocked.status, 0) << relocked.output;
  EXPECT_EQ(relocked.output.find("was released"), std::string::npos) << relocked.output;
}

// `heads` and `history` describe the build: when the files moved on since,
// they say so (also while the set is broken and the build fails).
TEST(Incremental, GraphCommandsSayWhenTheBuildIsStale) {
  retort::test::TempDir dir;
  fs::path source = dir / "project";
  fs::path build_dir = dir / "build";
  ASSERT_NO_FATAL_FAILURE(build_consumer_copy(source, build_dir));
  const std::string migrate = shell_quote((build_dir / "shop_migrations-migrate").string());
  CommandResult fresh = run(migrate + " heads");
  ASSERT_EQ(fresh.status, 0) << fresh.output;
  EXPECT_EQ(fresh.output.find("warning"), std::string::npos) << fresh.output;

  fs::path added = source / "migrations" / "9a8b7c6d5e4f_add_order_notes.cpp";
  write_file(added, std::string(kOrderNotes).replace(std::string(kOrderNotes).find("\"5e7a9b2c4d6f\""), 14,
                                                     "\"5e7a9b2c4d6x\""));  // broken: the build fails
  fs::path edited = source / "migrations" / "5e7a9b2c4d6f_create_orders.cpp";
  fs::last_write_time(edited, fs::file_time_type::clock::now());
  CommandResult broken = build(build_dir);
  EXPECT_NE(broken.status, 0) << broken.output;
  for (const char* command : {" heads", " history"}) {
    CommandResult stale = run(migrate + command);
    EXPECT_EQ(stale.status, 0) << stale.output;
    EXPECT_NE(stale.output.find("warning: this lists the revisions of the last successful build of 'shop_migrations'"),
              std::string::npos)
        << stale.output;
    EXPECT_NE(stale.output.find("9a8b7c6d5e4f_add_order_notes.cpp is new"), std::string::npos) << stale.output;
    EXPECT_NE(stale.output.find("5e7a9b2c4d6f_create_orders.cpp was edited"), std::string::npos) << stale.output;
    EXPECT_NE(stale.output.find("5e7a9b2c4d6f (head)"), std::string::npos) << stale.output;
  }

  fs::remove(added);
  ASSERT_EQ(build(build_dir).status, 0);
  CommandResult rebuilt = run(migrate + " heads");
  EXPECT_EQ(rebuilt.output.find("warning"), std::string::npos) << rebuilt.output;

  fs::remove(edited);  // deleted after the build
  CommandResult removed = run(migrate + " heads");
  EXPECT_EQ(removed.status, 0) << removed.output;
  EXPECT_NE(removed.output.find("5e7a9b2c4d6f_create_orders.cpp was removed"), std::string::npos) << removed.output;
}

}  // namespace
}  // namespace retort::build_test
