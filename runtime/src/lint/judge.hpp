// Judges rendered statements one at a time, in history order, against the
// rules, following the schema the statements build. The linter runs it over
// every revision; `upgrade --sql` over the script it writes, to annotate it.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lint/lint.hpp"
#include "retort/sql_dialect.hpp"
#include "lint/schema_model.hpp"
#include "lint/suppression.hpp"

namespace retort::lint {

struct Verdict {
  std::vector<Finding> findings;    // rule findings and malformed allow directives
  std::vector<Finding> suppressed;  // allowed by a retort:allow directive
  std::string unreadable;           // PostgreSQL's parser could not read the text: why
  unsigned statements = 0;          // parsed statements in the text
};

class Judge {
 public:
  // Judges statements rendered for `dialect` with the rules for it. On
  // SQLite, a rule both databases share is left to the PostgreSQL
  // rendering when the set targets PostgreSQL too: one finding, not two.
  // `reported_problems`, when given, is shared with the judges of the other
  // renderings, so that a malformed directive is reported once.
  Judge(const Options& options, SqlDialect dialect, std::set<std::string>* reported_problems = nullptr)
      : options_(options), dialect_(dialect), reported_problems_(reported_problems ? *reported_problems : own_) {}

  // Tables created from here on are new (the rules for existing tables
  // skip them) until the next migration begins.
  void begin_migration(const Migration& m);
  // One statement `m` sends, issued at `line` of its source (0: unknown).
  // With `judged` false the schema still follows it, and nothing is reported.
  Verdict statement(std::string_view sql, unsigned line, bool in_transaction, bool judged = true);
  // An op call at `line` that SQLite's dialect refused: sqlite-unsupported,
  // subject to the set's settings and retort:allow like any finding.
  Verdict refused(unsigned line, std::string message);

 private:
  void report(unsigned line, const struct Rule& rule, std::string message, std::string_view sql, Verdict& verdict);
  bool applies(const struct Rule& rule) const;

  const Options& options_;
  const SqlDialect dialect_;
  const Migration* migration_ = nullptr;
  SchemaModel schema_;
  SourceFiles sources_;
  std::set<std::string> own_;
  std::set<std::string>& reported_problems_;  // "path:line" of malformed directives
};

// One line of a statement: blanks collapsed, at most 200 characters.
std::string excerpt(std::string_view sql);
// A finding about migration `m` at `line`, not a rule's.
Finding about(const Migration& m, unsigned line, std::string message);

}  // namespace retort::lint
