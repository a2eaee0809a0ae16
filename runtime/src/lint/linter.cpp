// Renders each revision as offline mode does, into a sink that keeps the
// statements with their source lines, then reads them with libpg_query.
#include <fmt/format.h>
#include <pg_query.h>

#include <map>

#include "lint/lint.hpp"
#include "lint/rule.hpp"
#include "lint/suppression.hpp"
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

struct ParseTree {
  PgQueryParseResult result;
  ParseTree(const std::string& sql) : result(pg_query_parse(sql.c_str())) {}
  ~ParseTree() { pg_query_free_parse_result(result); }
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;
};

std::string excerpt(std::string_view sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.remove_prefix(1);
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.back()))) sql.remove_suffix(1);
  std::string text;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !text.empty()) text += ' ';
    space = false;
    text += c;
  }
  constexpr std::size_t kMax = 200;
  return text.size() <= kMax ? text : text.substr(0, kMax) + " ...";
}

// A finding about the migration itself, at `line`: not a rule's.
Finding about(const Migration& m, unsigned line, std::string message) {
  Finding finding;
  finding.path = std::string(m.source_path);
  finding.line = line;
  finding.revision = std::string(m.id);
  finding.message = std::move(message);
  return finding;
}

std::vector<std::string> judged_revisions(const RevisionMap& map, const std::string& since) {
  std::vector<std::string> judged = map.resolve(since);
  for (const MigrationStep& step : map.upgrade_steps(judged, "heads")) judged.push_back(step.revision);
  return judged;
}

class Linter {
 public:
  Linter(const Options& options) : options_(options) {}

  void migration(const Migration& m, bool judged, Result& result) {
    schema_.begin_migration();
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
    for (const Rendered& statement : sink.statements) check(m, statement, judged, result);
  }

 private:
  void check(const Migration& m, const Rendered& rendered, bool judged, Result& result) {
    ParseTree tree(rendered.sql);
    const unsigned line = rendered.line ? rendered.line : m.source_line;
    if (tree.result.error) {
      if (judged) {
        Finding unread = about(m, line,
                               fmt::format("PostgreSQL's parser cannot read this statement ({}); it is not linted",
                                           tree.result.error->message));
        unread.statement = excerpt(rendered.sql);
        result.skipped.push_back(std::move(unread));
      }
      return;
    }
    const json parsed = json::parse(tree.result.parse_tree);
    for (const json& raw : field(parsed, "stmts")) {
      const json& node = field(raw, "stmt");
      if (!node.is_object() || node.empty()) continue;
      const std::string kind = node.begin().key();
      const json& body = node.begin().value();
      if (judged) {
        ++result.statements_checked;
        Statement statement{kind, body, m.transactional && !rendered.in_autocommit_block, schema_};
        for (const Rule* rule : all_rules()) {
          if (options_.disabled.count(std::string(rule->id))) continue;
          std::vector<std::string> messages;
          rule->check(statement, messages);
          for (std::string& message : messages) report(m, line, *rule, std::move(message), rendered.sql, result);
        }
      }
      schema_.apply(kind, body);
    }
  }

  void report(const Migration& m, unsigned line, const Rule& rule, std::string message, const std::string& sql,
              Result& result) {
    const std::string path(m.source_path);
    Finding finding = about(m, line, std::move(message));
    finding.rule = std::string(rule.id);
    finding.severity = rule.error || options_.warnings_as_errors ? Severity::error : Severity::warning;
    finding.column = sources_.first_column(path, line);
    finding.statement = excerpt(sql);
    finding.alternative = std::string(rule.alternative);
    for (Allowance& allowance : sources_.allowances(path, line)) {
      if (!allowance.problem.empty()) {
        if (reported_problems_.insert(fmt::format("{}:{}", path, allowance.line)).second) {
          Finding bad = about(m, allowance.line, fmt::format("this retort:allow directive {}", allowance.problem));
          bad.rule = "allow-directive";
          bad.severity = Severity::error;
          bad.column = sources_.first_column(path, allowance.line);
          bad.alternative = "write `retort:allow <rule-id>: <why this is safe here>`, e.g. `-- retort:allow "
                            "drop-column: unused since release 41` (`//` in C++)";
          result.findings.push_back(std::move(bad));
        }
        continue;
      }
      if (allowance.rule == rule.id) {
        finding.suppressed_reason = allowance.reason;
        result.suppressed.push_back(std::move(finding));
        return;
      }
    }
    result.findings.push_back(std::move(finding));
  }

  const Options& options_;
  SchemaModel schema_;
  SourceFiles sources_;
  std::set<std::string> reported_problems_;
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
