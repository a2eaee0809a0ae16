#include "lint/annotator.hpp"

#include <fmt/format.h>

namespace retort::lint {

std::vector<std::string> ScriptAnnotator::comments(std::string_view sql, unsigned line, bool in_transaction) {
  Verdict verdict = judge_.statement(sql, line, in_transaction);
  std::vector<std::string> lines;
  for (const Finding& finding : verdict.findings) {
    lines.push_back(fmt::format("retort-lint: {} [{}]: {}", finding.severity == Severity::error ? "error" : "warning",
                                finding.rule, finding.message));
  }
  for (const Finding& finding : verdict.suppressed) {
    lines.push_back(fmt::format("retort-lint: allowed [{}]: {}", finding.rule, finding.suppressed_reason));
  }
  return lines;
}

std::unique_ptr<detail::StatementAnnotator> annotator_for(SqlDialect dialect) {
  Options options;
  options.postgresql = dialect == SqlDialect::postgresql;
  options.sqlite = dialect == SqlDialect::sqlite;
  return std::make_unique<ScriptAnnotator>(options, dialect);
}

}  // namespace retort::lint
