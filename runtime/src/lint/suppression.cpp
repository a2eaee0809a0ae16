#include "lint/suppression.hpp"

#include <fstream>

#include "lint/rule.hpp"

namespace retort::lint {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The text of a whole-line comment, or nullopt for any other line.
std::optional<std::string_view> comment_text(std::string_view line) {
  line = trim(line);
  if (line.starts_with("--") || line.starts_with("//")) return trim(line.substr(2));
  return std::nullopt;
}

}  // namespace

std::optional<Allowance> parse_allowance(std::string_view comment) {
  constexpr std::string_view kPrefix = "retort:allow";
  if (!comment.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = comment.substr(kPrefix.size());
  Allowance allowance;
  if (!rest.empty() && rest.front() != ' ' && rest.front() != '\t') return std::nullopt;  // another word
  rest = trim(rest);
  const std::size_t colon = rest.find(':');
  allowance.rule = std::string(trim(rest.substr(0, colon)));
  if (colon != std::string_view::npos) allowance.reason = std::string(trim(rest.substr(colon + 1)));
  if (allowance.rule.empty()) {
    allowance.problem = "names no rule";
  } else if (!find_rule(allowance.rule)) {
    allowance.problem = "names the unknown rule '" + allowance.rule + "'";
  } else if (allowance.reason.empty()) {
    allowance.problem = "gives no reason";
  }
  return allowance;
}

const std::vector<std::string>* SourceFiles::lines(const std::string& path) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    std::ifstream in(path);
    std::optional<std::vector<std::string>> content;
    if (in) {
      content.emplace();
      for (std::string line; std::getline(in, line);) content->push_back(std::move(line));
    }
    it = files_.emplace(path, std::move(content)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<Allowance> SourceFiles::allowances(const std::string& path, unsigned line) {
  std::vector<Allowance> found;
  const std::vector<std::string>* text = lines(path);
  if (!text || line < 2 || line > text->size() + 1) return found;
  for (unsigned above = line - 1; above >= 1; --above) {
    std::optional<std::string_view> comment = comment_text((*text)[above - 1]);
    if (!comment) break;
    if (std::optional<Allowance> allowance = parse_allowance(*comment)) {
      allowance->line = above;
      found.push_back(std::move(*allowance));
    }
  }
  return found;
}

unsigned SourceFiles::first_column(const std::string& path, unsigned line) {
  const std::vector<std::string>* text = lines(path);
  if (!text || line == 0 || line > text->size()) return 1;
  const std::string& content = (*text)[line - 1];
  const std::size_t first = content.find_first_not_of(" \t");
  return first == std::string::npos ? 1 : static_cast<unsigned>(first + 1);
}

}  // namespace retort::lint
