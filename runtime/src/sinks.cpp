#include "sinks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "history_table.hpp"
#include "operations/operation_error.hpp"
#include "sql_text.hpp"
#include "statement_listener.hpp"

namespace retort::detail {
namespace {

// libpq passes values as C strings, so PostgreSQL would silently keep the
// text before a NUL (and its text types cannot hold one anyway).
void refuse_nul_text(SqlDialect dialect, std::string_view sql, std::span<const Value> params, unsigned line) {
  if (dialect != SqlDialect::postgresql) return;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto* text = std::get_if<std::string>(&params[i]);
    if (!text || text->find('\0') == std::string::npos) continue;
    throw OperationError(
        fmt::format("line {}: value {} of `{}` contains a NUL byte, which PostgreSQL cannot store in text (it "
                    "would keep only the part before it); remove the NUL from the value, or store it encoded "
                    "(hex, base64)",
                    line, i + 1, sql),
        line);
  }
}

// Both libraries read statement text up to its first NUL: the rest of the
// statement would be dropped without a word.
void refuse_nul_statement(std::string_view sql, unsigned line) {
  std::size_t at = sql.find('\0');
  if (at == std::string_view::npos) return;
  throw OperationError(
      fmt::format("line {}: the statement `{}` contains a NUL byte at offset {}; the database would run only the "
                  "text before it. Remove the NUL, or pass the value as a parameter (op.execute(sql, {{...}}))",
                  line, sql.substr(0, at), at),
      line);
}

}  // namespace

void OnlineSink::ran(std::string_view sql, unsigned line) {
  if (committed_) {
    constexpr std::size_t kShown = 120;
    std::string shown = fmt::format("line {}: {}{}", line, sql.substr(0, kShown), sql.size() > kShown ? " ..." : "");
    (in_block_ ? *committed_ : uncommitted_).push_back(std::move(shown));
  }
  if (listener_) listener_->statement_finished(sql, line);  // after the record: a listener may throw
}

void OnlineSink::run(std::string_view sql, unsigned line) {
  refuse_nul_statement(sql, line);
  if (listener_) listener_->statement_started(sql);
  if (db_.defer(sql, line)) {
    ran(sql, line);  // a queued statement that fails fails the flush before any commit
    return;
  }
  db_.flush();  // a queued statement that fails is named itself, not this one
  try {
    db_.execute(sql);
  } catch (const DatabaseError& e) {
    throw StatementFailure(std::string(sql), line, e.what());
  }
  ran(sql, line);
}

void OnlineSink::run(std::string_view sql, std::span<const Value> params, unsigned line) {
  refuse_nul_statement(sql, line);
  refuse_nul_text(db_.dialect(), sql, params, line);
  if (listener_) listener_->statement_started(sql);
  db_.flush();
  try {
    db_.execute(sql, params);
  } catch (const DatabaseError& e) {
    // Shown with its parameters inlined, as the offline script would run it.
    std::string shown(sql);
    try {
      shown = inline_parameters(sql, params, db_.dialect());
    } catch (const Error&) {
    }
    throw StatementFailure(shown, line, e.what());
  }
  ran(sql, line);
}

Rows OnlineSink::query(std::string_view sql, std::span<const Value> params, unsigned line) {
  refuse_nul_statement(sql, line);
  refuse_nul_text(db_.dialect(), sql, params, line);
  if (listener_) listener_->statement_started(sql);
  db_.flush();
  Rows rows;
  try {
    rows = db_.query(sql, params);
  } catch (const DatabaseError& e) {
    throw StatementFailure(std::string(sql), line, e.what());
  }
  ran(sql, line);  // outside the try: a listener's failure is not this statement's
  return rows;
}

void OnlineSink::begin_autocommit_block() {
  db_.flush();
  reopen_after_block_ = db_.in_transaction();
  if (!reopen_after_block_) return;
  if (observer_) observer_->leaving_transaction(db_);
  db_.commit();
  in_block_ = true;
  if (committed_) {
    committed_->insert(committed_->end(), uncommitted_.begin(), uncommitted_.end());
    uncommitted_.clear();
  }
}

void OnlineSink::end_autocommit_block() {
  if (!reopen_after_block_) return;
  reopen_after_block_ = false;
  in_block_ = false;
  db_.begin();
  if (observer_) observer_->reentered_transaction(db_);
}

void OfflineSink::run(std::string_view sql, unsigned line) {
  refuse_nul_statement(sql, line);
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.back()))) sql.remove_suffix(1);
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) sql.remove_prefix(1);
  if (sql.empty()) return;
  if (annotator_) {
    for (const std::string& comment : annotator_->comments(sql, line, in_transaction_)) comment_line(comment);
  }
  script_ += sql;
  if (sql.back() != ';') script_ += ';';
  script_ += "\n\n";
}

void OfflineSink::run(std::string_view sql, std::span<const Value> params, unsigned line) {
  refuse_nul_statement(sql, line);
  refuse_nul_text(dialect_, sql, params, line);
  run(inline_parameters(sql, params, dialect_), line);
}

Rows OfflineSink::query(std::string_view sql, std::span<const Value>, unsigned line) {
  throw Error(fmt::format(
      "line {}: the migration reads from the database ({}), which an offline (--sql) script cannot do; run this "
      "migration online, or generate the script only for the revisions around it with a range A:B",
      line, sql));
}

void OfflineSink::begin_autocommit_block() {
  reopen_after_block_ = in_transaction_;
  if (in_transaction_) commit();
}

void OfflineSink::end_autocommit_block() {
  if (reopen_after_block_) begin();
  reopen_after_block_ = false;
}

void OfflineSink::begin() {
  script_ += "BEGIN;\n\n";
  in_transaction_ = true;
}

void OfflineSink::commit() {
  script_ += "COMMIT;\n\n";
  in_transaction_ = false;
}

void OfflineSink::comment(std::string_view text) { script_ += fmt::format("-- {}\n\n", text); }

void OfflineSink::comment_line(std::string_view text) {
  // A line break would end the comment and put the rest into the script.
  std::string line(text);
  std::replace_if(line.begin(), line.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  script_ += fmt::format("-- {}\n", line);
}

}  // namespace retort::detail
