// drop-column: the running release still reads and writes the column; its
// queries fail the moment it is gone.
#include <fmt/format.h>

#include "lint/rules/rules.hpp"

namespace retort::lint::rules {
namespace {

void check(const Statement& s, std::vector<std::string>& out) {
  for_each_command_on_existing_table(s, [&](const std::string& table, const json& command) {
    if (text_field(command, "subtype") != "AT_DropColumn") return;
    out.push_back(fmt::format("DROP COLUMN {}.{}: code of the running release that still reads or writes it "
                              "fails at once",
                              table, text_field(command, "name")));
  });
}

}  // namespace

extern const Rule drop_column{
    "drop-column",
    "the running release still uses the column, so its queries fail as soon as it is dropped",
    "first deploy code that no longer reads or writes the column, then drop it in a later migration and allow "
    "it there: `// retort:allow drop-column: unused since release N`",
    false, check, on_both};

}  // namespace retort::lint::rules
