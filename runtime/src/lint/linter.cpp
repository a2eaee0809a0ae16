// Renders each revision as offline mode does, for each database the set
// targets, into a sink that keeps the statements with their source lines,
// then judges them in history order.
#include <fmt/format.h>

#include <iterator>
#include <map>

#include "lint/judge.hpp"
#include "lint/lint.hpp"
#include "operations/operation_error.hpp"
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

// What offline (`--sql`) mode would print, statement by statement. For
// SQLite it says it is online, so that a batch goes as far as an online
// run would (to the read of the table it recreates) instead of refusing to
// render at all: the lint asks what fails at run time.
class CollectingSink final : public detail::StatementSink {
 public:
  explicit CollectingSink(SqlDialect dialect) : dialect_(dialect) {}
  SqlDialect dialect() const override { return dialect_; }
  bool offline() const override { return dialect_ == SqlDialect::postgresql; }
  void run(std::string_view sql, unsigned line) override { statements.push_back({std::string(sql), line, in_block_}); }
  void run(std::string_view sql, std::span<const detail::Value> params, unsigned line) override {
    run(detail::inline_parameters(sql, params, dialect_), line);
  }
  detail::Rows query(std::string_view sql, std::span<const detail::Value>, unsigned line) override {
    reads_rows = true;  // batch_alter_table on SQLite reads the table it recreates
    throw Error(fmt::format("line {}: it reads rows ({}), which offline rendering cannot do", line, sql));
  }
  void begin_autocommit_block() override { in_block_ = true; }
  void end_autocommit_block() override { in_block_ = false; }

  std::vector<Rendered> statements;
  bool reads_rows = false;

 private:
  const SqlDialect dialect_;
  bool in_block_ = false;
};

std::vector<std::string> judged_revisions(const RevisionMap& map, const std::string& since) {
  std::vector<std::string> judged = map.resolve(since);
  for (const MigrationStep& step : map.upgrade_steps(judged, "heads")) judged.push_back(step.revision);
  return judged;
}

// One rendering of the history: for PostgreSQL, or for SQLite. When the
// set targets both, the SQLite pass adds only what is SQLite's own.
class Linter {
 public:
  // `stopped_on_postgresql`: the revisions whose PostgreSQL rendering
  // stopped (filled by that pass, read by the SQLite one: noted once).
  Linter(const Options& options, SqlDialect dialect, std::set<std::string>& stopped_on_postgresql,
         std::set<std::string>& reported_problems)
      : options_(options),
        dialect_(dialect),
        judge_(options, dialect, &reported_problems),
        stopped_on_postgresql_(stopped_on_postgresql) {}

  void migration(const Migration& m, bool judged, Result& result) {
    const bool first_pass = dialect_ == SqlDialect::postgresql || !options_.postgresql;
    judge_.begin_migration(m);
    CollectingSink sink(dialect_);
    try {
      if (m.is_sql()) {
        for (const SqlStatement& statement : m.upgrade_sql) sink.run(statement.text, statement.line);
      } else if (m.upgrade) {
        Op op(sink);
        m.upgrade(op);
      }
    } catch (const std::exception& e) {
      // The statements rendered before it are still judged. A refusal of
      // the SQLite dialect fails there at run time: an error, unless the
      // PostgreSQL rendering stopped at it too (then it is not SQLite's).
      const auto* refusal = dynamic_cast<const detail::OperationError*>(&e);
      if (dialect_ == SqlDialect::postgresql) {
        stopped_on_postgresql_.insert(std::string(m.id));
        if (judged) stopped(m, e, result);
      } else if (judged && !stopped_on_postgresql_.count(std::string(m.id))) {
        if (refusal && !sink.reads_rows) {
          add(judge_.refused(refusal->line, fmt::format("on SQLite, {}", e.what())), result);
        } else {
          stopped(m, e, result);
        }
      }
    }
    if (judged && first_pass) ++result.revisions_checked;
    for (const Rendered& statement : sink.statements) {
      Verdict verdict =
          judge_.statement(statement.sql, statement.line, m.transactional && !statement.in_autocommit_block, judged);
      if (!judged) continue;
      if (!verdict.unreadable.empty() && first_pass) {
        Finding unread = about(m, statement.line ? statement.line : m.source_line,
                               fmt::format("PostgreSQL's parser cannot read this statement ({}); it is not linted",
                                           verdict.unreadable));
        unread.statement = excerpt(statement.sql);
        result.skipped.push_back(std::move(unread));
      }
      if (first_pass) result.statements_checked += verdict.statements;
      add(std::move(verdict), result);
    }
  }

 private:
  static void add(Verdict verdict, Result& result) {
    std::move(verdict.findings.begin(), verdict.findings.end(), std::back_inserter(result.findings));
    std::move(verdict.suppressed.begin(), verdict.suppressed.end(), std::back_inserter(result.suppressed));
  }

  void stopped(const Migration& m, const std::exception& e, Result& result) {
    result.skipped.push_back(about(
        m, m.source_line,
        fmt::format("revision {} is linted{} only up to where offline rendering stopped: {}", m.id,
                    dialect_ == SqlDialect::sqlite ? " for SQLite" : "", e.what())));
  }

  const Options& options_;
  const SqlDialect dialect_;
  Judge judge_;
  std::set<std::string>& stopped_on_postgresql_;
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
  const RevisionMap map = RevisionMap::from_registry(registry);
  std::set<std::string> judged;
  if (!options.since.empty()) {
    for (std::string& id : judged_revisions(map, options.since)) judged.insert(std::move(id));
  }
  std::map<std::string_view, const Migration*> by_id;
  for (const Migration& m : registry.migrations) by_id.emplace(m.id, &m);
  const std::vector<MigrationStep> steps = map.upgrade_steps({}, "heads");
  std::set<std::string> stopped_on_postgresql, reported_problems;
  for (SqlDialect dialect : {SqlDialect::postgresql, SqlDialect::sqlite}) {
    if (!(dialect == SqlDialect::postgresql ? options.postgresql : options.sqlite)) continue;
    Linter linter(options, dialect, stopped_on_postgresql, reported_problems);
    for (const MigrationStep& step : steps) {
      auto it = by_id.find(step.revision);
      if (it == by_id.end()) continue;
      linter.migration(*it->second, options.since.empty() || judged.count(step.revision), result);
    }
  }
  return result;
}

}  // namespace retort::lint
