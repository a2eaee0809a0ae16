// The two StatementSinks: a live connection, and an SQL script for `--sql`.
#pragma once

#include <string>
#include <vector>

#include "backend.hpp"
#include "retort/registry.hpp"
#include "retort/error.hpp"
#include "statement_sink.hpp"

namespace retort::detail {

class StepObserver;    // history_table.hpp
class StatementListener;  // statement_listener.hpp

class OnlineSink final : public StatementSink {
 public:
  // `observer`, when given, hears of the commit and the new transaction
  // around an autocommit block inside a transactional step.
  // `listener`, when given, hears of each statement before and after it runs.
  explicit OnlineSink(Backend& db, StepObserver* observer = nullptr, StatementListener* listener = nullptr)
      : db_(db), observer_(observer), listener_(listener) {}

  // One statement, as a failure message names it: "line N: SQL".
  using Committed = std::vector<std::string>;
  // Statements an autocommit block committed before the step's own commit
  // (those before the block, and the block's own that succeeded), kept in
  // `into`: a rollback of the step does not undo them.
  void track_committed(Committed* into) { committed_ = into; }

  SqlDialect dialect() const override { return db_.dialect(); }
  bool offline() const override { return false; }
  void run(std::string_view sql, unsigned line) override;
  void run(std::string_view sql, std::span<const Value> params, unsigned line) override;
  Rows query(std::string_view sql, std::span<const Value> params, unsigned line) override;
  void begin_autocommit_block() override;
  void end_autocommit_block() override;

 private:
  void ran(std::string_view sql, unsigned line);

  Backend& db_;
  StepObserver* observer_;
  StatementListener* listener_;
  bool reopen_after_block_ = false;
  bool in_block_ = false;
  Committed* committed_ = nullptr;
  Committed uncommitted_;  // run in the step's transaction since it began
};

// Comments for an offline script's statements: the linter's findings, so
// that reviewing `upgrade --sql` shows the risky ones (lint/annotator.hpp).
class StatementAnnotator {
 public:
  virtual ~StatementAnnotator() = default;
  // The statements that follow are `migration`'s.
  virtual void migration(const Migration& migration) = 0;
  // Comment lines (without `-- `) to write above one statement; none for a
  // statement that breaks no rule.
  virtual std::vector<std::string> comments(std::string_view sql, unsigned line, bool in_transaction) = 0;
};

// Writes a script that psql -f / sqlite3 can run: statements terminated by
// `;` and separated by blank lines, parameters inlined as literals.
class OfflineSink final : public StatementSink {
 public:
  explicit OfflineSink(SqlDialect dialect) : dialect_(dialect) {}

  SqlDialect dialect() const override { return dialect_; }
  bool offline() const override { return true; }
  void run(std::string_view sql, unsigned line) override;
  void run(std::string_view sql, std::span<const Value> params, unsigned line) override;
  Rows query(std::string_view sql, std::span<const Value> params, unsigned line) override;
  void begin_autocommit_block() override;
  void end_autocommit_block() override;

  // Transaction statements and comments, written as they come.
  void begin();
  void commit();
  void comment(std::string_view text);
  bool in_transaction() const { return in_transaction_; }

  const std::string& script() const { return script_; }

  // Annotates the statements run from here on; null stops.
  void annotate(StatementAnnotator* annotator) { annotator_ = annotator; }

 private:
  // One `-- ` line directly above the next statement.
  void comment_line(std::string_view text);

  SqlDialect dialect_;
  StatementAnnotator* annotator_ = nullptr;
  std::string script_;
  bool in_transaction_ = false;
  bool reopen_after_block_ = false;
};

}  // namespace retort::detail
