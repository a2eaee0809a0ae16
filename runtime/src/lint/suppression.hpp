// `retort:allow <rule>: <reason>` directives: a human decided a finding is
// acceptable. Written on the comment lines directly above the statement
// (`-- ...` in a .sql file) or the op call (`// ...` in a C++ migration).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace retort::lint {

struct Allowance {
  std::string rule;
  std::string reason;
  unsigned line = 0;
  std::string problem;  // a malformed directive: what is wrong (no reason, unknown rule)
};

class SourceFiles {
 public:
  // The directives in the comment block directly above `line` of `path`.
  std::vector<Allowance> allowances(const std::string& path, unsigned line);
  // 1-based column of the first non-blank character of the line (1 if unknown).
  unsigned first_column(const std::string& path, unsigned line);

 private:
  const std::vector<std::string>* lines(const std::string& path);
  std::map<std::string, std::optional<std::vector<std::string>>> files_;
};

// The directive in one comment's text (after `--` or `//`), if it is one.
std::optional<Allowance> parse_allowance(std::string_view comment);

}  // namespace retort::lint
