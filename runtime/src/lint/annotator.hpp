// The linter's findings as comments in an `upgrade --sql` script, directly
// above the statement that breaks a rule: the review the guides ask for
// before applying sees them where they are.
#pragma once

#include <memory>

#include "lint/judge.hpp"
#include "sinks.hpp"

namespace retort::lint {

class ScriptAnnotator final : public detail::StatementAnnotator {
 public:
  // `options` say which databases the script's rules are for.
  ScriptAnnotator(const Options& options, SqlDialect dialect) : options_(options), judge_(options_, dialect) {}
  ScriptAnnotator(const ScriptAnnotator&) = delete;  // judge_ refers to options_
  ScriptAnnotator& operator=(const ScriptAnnotator&) = delete;

  void migration(const Migration& migration) override { judge_.begin_migration(migration); }
  std::vector<std::string> comments(std::string_view sql, unsigned line, bool in_transaction) override;

 private:
  Options options_;
  Judge judge_;
};

// The annotator for a script in `dialect`, with that database's rules.
std::unique_ptr<detail::StatementAnnotator> annotator_for(SqlDialect dialect);

}  // namespace retort::lint
