#include "doc_blocks.hpp"

#include <fstream>
#include <regex>
#include <stdexcept>

namespace retort::build_test {

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.pop_back();
  const auto start = text.find_first_not_of(" \t");
  return start == std::string::npos ? "" : text.substr(start);
}

// The lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

}  // namespace

std::vector<DocBlock> read_doc_blocks(const std::filesystem::path& page) {
  std::ifstream in(page);
  if (!in) throw std::runtime_error("cannot read " + page.string());
  static const std::regex marker(R"(^<!-- doc-test: (\S+)\s*(.*?)\s*-->$)");
  std::vector<DocBlock> blocks;
  std::string previous;
  std::string line;
  unsigned number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string here = trimmed(line);
    if (!here.starts_with("```")) {
      previous = here;
      continue;
    }
    DocBlock block;
    block.line = number;
    block.info = trimmed(here.substr(3));
    std::smatch found;
    if (std::regex_match(previous, found, marker)) {
      block.kind = found[1];
      block.argument = found[2];
    }
    // The block runs to the next fence line (Markdown's closing fence).
    while (std::getline(in, line)) {
      ++number;
      if (trimmed(line).starts_with("```")) break;
      block.text += line + "\n";
    }
    blocks.push_back(std::move(block));
    previous.clear();
  }
  return blocks;
}

bool needs_marker(const std::string& info) {
  for (const char* code : {"cpp", "c++", "cmake", "sh", "bash", "console", "sql"})
    if (info == code) return true;
  return false;
}

std::vector<DocCommand> commands_of(const DocBlock& block) {
  std::vector<DocCommand> commands;
  std::string pending;
  for (std::string line : lines_of(block.text)) {
    if (block.info == "console" && pending.empty()) {
      if (!line.starts_with("$ ")) {  // what the command above printed
        if (!commands.empty()) commands.back().shown.push_back(line);
        continue;
      }
      line.erase(0, 2);
    }
    if (trimmed(line).empty() || trimmed(line).starts_with("#")) continue;
    // A trailing backslash continues the command on the next line.
    if (!line.empty() && line.back() == '\\') {
      pending += line.substr(0, line.size() - 1);
      continue;
    }
    commands.push_back({pending + line, {}});
    pending.clear();
  }
  if (!pending.empty()) commands.push_back({pending, {}});
  return commands;
}

namespace {

// Durations differ from run to run ("12 ms", "4.2 s", "2 min 05 s"), and
// the project lives in a temporary directory where the page says
// /home/you/<project>.
std::string masked(std::string line, const std::string& project) {
  if (!project.empty())
    for (auto at = line.find(project); at != std::string::npos; at = line.find(project, at))
      line.replace(at, project.size(), "<project>");
  static const std::regex shown_project(R"(/home/you/[^/\s]+)");
  static const std::regex duration(R"(\b\d+ min \d+ s\b|\b\d+(\.\d+)? m?s\b)");
  return trimmed(std::regex_replace(std::regex_replace(line, shown_project, "<project>"), duration, "<duration>"));
}

}  // namespace

std::string missing_shown_line(const DocCommand& command, const std::string& printed, const std::string& project) {
  std::vector<std::string> lines = lines_of(printed);
  for (std::string& line : lines) line = masked(line, project);
  size_t next = 0;
  for (const std::string& shown : command.shown) {
    const std::string want = masked(shown, "");
    if (want.empty() || want == "...") continue;
    while (next < lines.size() && lines[next] != want) ++next;
    if (next == lines.size()) return shown;
    ++next;
  }
  return "";
}

}  // namespace retort::build_test
