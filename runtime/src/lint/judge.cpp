#include "lint/judge.hpp"

#include <fmt/format.h>
#include <pg_query.h>

#include <cctype>

#include "lint/rule.hpp"

namespace retort::lint {
namespace {

struct ParseTree {
  PgQueryParseResult result;
  explicit ParseTree(const std::string& sql) : result(pg_query_parse(sql.c_str())) {}
  ~ParseTree() { pg_query_free_parse_result(result); }
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;
};

}  // namespace

std::string excerpt(std::string_view sql) {
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

Finding about(const Migration& m, unsigned line, std::string message) {
  Finding finding;
  finding.path = std::string(m.source_path);
  finding.line = line;
  finding.revision = std::string(m.id);
  finding.message = std::move(message);
  return finding;
}

void Judge::begin_migration(const Migration& m) {
  migration_ = &m;
  schema_.begin_migration();
}

Verdict Judge::statement(std::string_view sql, unsigned line, bool in_transaction, bool judged) {
  Verdict verdict;
  if (!line) line = migration_->source_line;
  ParseTree tree{std::string(sql)};
  if (tree.result.error) {
    verdict.unreadable = tree.result.error->message;
    return verdict;
  }
  if (!in_transaction) schema_.transaction_ended();
  const json parsed = json::parse(tree.result.parse_tree);
  for (const json& raw : field(parsed, "stmts")) {
    const json& node = field(raw, "stmt");
    if (!node.is_object() || node.empty()) continue;
    const std::string kind = node.begin().key();
    const json& body = node.begin().value();
    if (judged) {
      ++verdict.statements;
      const Statement statement{kind, body, in_transaction, schema_};
      for (const Rule* rule : all_rules()) {
        if (!applies(*rule)) continue;
        std::vector<std::string> messages;
        rule->check(statement, messages);
        for (std::string& message : messages) report(line, *rule, std::move(message), sql, verdict);
      }
    }
    schema_.apply(kind, body);
  }
  if (!in_transaction) schema_.transaction_ended();  // what it added committed with it
  return verdict;
}

Verdict Judge::refused(unsigned line, std::string message) {
  Verdict verdict;
  const Rule& rule = *find_rule("sqlite-unsupported");
  if (applies(rule)) report(line ? line : migration_->source_line, rule, std::move(message), "", verdict);
  return verdict;
}

bool Judge::applies(const Rule& rule) const {
  if (options_.disabled.count(std::string(rule.id))) return false;
  if (dialect_ == SqlDialect::postgresql) return rule.dialects & on_postgresql;
  return (rule.dialects & on_sqlite) && !(options_.postgresql && (rule.dialects & on_postgresql));
}

void Judge::report(unsigned line, const Rule& rule, std::string message, std::string_view sql, Verdict& verdict) {
  const Migration& m = *migration_;
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
        verdict.findings.push_back(std::move(bad));
      }
      continue;
    }
    if (allowance.rule == rule.id) {
      finding.suppressed_reason = allowance.reason;
      verdict.suppressed.push_back(std::move(finding));
      return;
    }
  }
  verdict.findings.push_back(std::move(finding));
}

}  // namespace retort::lint
