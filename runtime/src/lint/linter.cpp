// Renders each revision as offline mode does, into a sink that keeps the
// statements with their source lines, then judges them in history order.
#include <fmt/format.h>

#include <iterator>
#include <map>

#include "lint/judge.hpp"
#include "lint/lint.hpp"
#include "retort/error.hpp"
#include "retort/op.hpp"
#include "retort/revision_map.hpp"
#include "sql_text.hpp"
#include "statement_sink.hpp"

namespace retort::lint {
namespace {

struct Rendered {
  std::string sql;
  unsigned line;
  bool in_autocommit_block;
};

// What offline (`--sql`) mode would print, statement by statement.
class CollectingSink final : public detail::StatementSink {
 public:
  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  bool offline() const override { return true; }
  void run(std::string_view sql, unsigned line) override { statements.push_back({std::string(sql), line, in_block_}); }
  void run(std::string_view sql, std::span<const detail::Value> params, unsigned line) override {
    run(detail::inline_parameters(sql, params, SqlDialect::postgresql), line);
  }
  detail::Rows query(std::string_view sql, std::span<const detail::Value>, unsigned line) override {
    throw Error(fmt::format("line {}: it reads rows ({}), which offline rendering cannot do", line, sql));
  }
  void begin_autocommit_block() override { in_block_ = true; }
  void end_autocommit_block() override { in_block_ = false; }

  std::vector<Rendered> statements;

 private:
  bool in_block_ = false;
};

std::vector<std::string> judged_revisions(const RevisionMap& map, const std::string& since) {
  std::vector<std::string> judged = map.resolve(since);
  for (const MigrationStep& step : map.upgrade_steps(judged, "heads")) judged.push_back(step.revision);
  return judged;
}

class Linter {
 public:
  explicit Linter(const Options& options) : judge_(options) {}

  void migration(const Migration& m, bool judged, Result& result) {
    judge_.begin_migration(m);
    CollectingSink sink;
    try {
      if (m.is_sql()) {
        for (const SqlStatement& statement : m.upgrade_sql) sink.run(statement.text, statement.line);
      } else if (m.upgrade) {
        Op op(sink);
        m.upgrade(op);
      }
    } catch (const std::exception& e) {
      // The statements rendered before it are still judged.
      if (judged) {
        result.skipped.push_back(about(
            m, m.source_line,
            fmt::format("revision {} is linted only up to where offline rendering stopped: {}", m.id, e.what())));
      }
    }
    if (judged) ++result.revisions_checked;
    for (const Rendered& statement : sink.statements) {
      Verdict verdict =
          judge_.statement(statement.sql, statement.line, m.transactional && !statement.in_autocommit_block, judged);
      if (!judged) continue;
      if (!verdict.unreadable.empty()) {
        Finding unread = about(m, statement.line ? statement.line : m.source_line,
                               fmt::format("PostgreSQL's parser cannot read this statement ({}); it is not linted",
                                           verdict.unreadable));
        unread.statement = excerpt(statement.sql);
        result.skipped.push_back(std::move(unread));
      }
      result.statements_checked += verdict.statements;
      std::move(verdict.findings.begin(), verdict.findings.end(), std::back_inserter(result.findings));
      std::move(verdict.suppressed.begin(), verdict.suppressed.end(), std::back_inserter(result.suppressed));
    }
  }

 private:
  Judge judge_;
};

}  // namespace

bool Result::failed() const {
  for (const Finding& finding : findings) {
    if (finding.severity == Severity::error) return true;
  }
  return false;
}

Result lint(const Registry& registry, const Options& options) {
  Result result;
  if (!options.postgresql) return result;  // SQLite's rules are not written yet
  const RevisionMap map = RevisionMap::from_registry(registry);
  std::set<std::string> judged;
  if (!options.since.empty()) {
    for (std::string& id : judged_revisions(map, options.since)) judged.insert(std::move(id));
  }
  std::map<std::string_view, const Migration*> by_id;
  for (const Migration& m : registry.migrations) by_id.emplace(m.id, &m);
  Linter linter(options);
  for (const MigrationStep& step : map.upgrade_steps({}, "heads")) {
    auto it = by_id.find(step.revision);
    if (it != by_id.end()) linter.migration(*it->second, options.since.empty() || judged.count(step.revision), result);
  }
  return result;
}

}  // namespace retort::lint
