// The fenced code blocks of a Markdown page and the `<!-- doc-test: ... -->`
// marker on the line before each, which says how docs_test.cpp checks it:
//   file PATH   the block is file PATH of the page's scratch project
//   fragment    C++ statements, compiled inside upgrade(retort::Op& op)
//   run         commands (`$ ` lines of a console block, every line of sh);
//               a console block's other lines are output the command must print
//   skip WHY    not runnable here, and why
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace retort::build_test {

struct DocBlock {
  unsigned line = 0;   // 1-based line of the opening fence
  std::string info;    // the fence's info string: cpp, sh, text, ...
  std::string text;    // the lines between the fences
  std::string kind;    // the marker's first word; empty when unmarked
  std::string argument;  // the rest of the marker (PATH, WHY)
};

std::vector<DocBlock> read_doc_blocks(const std::filesystem::path& page);

// Info strings of blocks that are code a reader copies: each needs a marker.
bool needs_marker(const std::string& info);

// A command of a `run` block and, in a console block, the lines shown
// under it: what the reader is told it prints.
struct DocCommand {
  std::string text;
  std::vector<std::string> shown;
};
std::vector<DocCommand> commands_of(const DocBlock& block);

// Empty when every shown line (but `...`) is a line of `printed`, in order,
// with durations masked and `project` (the scratch directory) read as the
// page's /home/you/<name>; else the first shown line that is missing.
std::string missing_shown_line(const DocCommand& command, const std::string& printed, const std::string& project);

}  // namespace retort::build_test
