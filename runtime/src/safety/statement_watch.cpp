#include "safety/statement_watch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "duration_text.hpp"

namespace retort::detail {

namespace {

// One line of a statement, for a log line.
std::string one_line(std::string_view sql, std::size_t max) {
  std::string out;
  for (char c : sql) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max) out = out.substr(0, max) + " ...";
  return out;
}

const std::string& text_or(const std::optional<std::string>& value, const std::string& fallback) {
  return value ? *value : fallback;
}

}  // namespace

StatementWatch::StatementWatch(Backend& db, std::chrono::milliseconds after, std::chrono::milliseconds every,
                               LogFn log)
    : url_(db.url()),
      session_pid_(db.session_pid()),
      postgresql_(db.dialect() == SqlDialect::postgresql),
      after_(after),
      every_(every.count() > 0 ? every : after),
      log_(std::move(log)) {}

StatementWatch::~StatementWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatementWatch::step_started(const Migration&, std::string step) {
  {
    std::lock_guard lock(mutex_);
    step_ = std::move(step);
    statement_.clear();
    statement_started_ = last_report_ = Clock::now();
  }
  // Started with the first step, so a run with nothing to do (a service
  // starting at head) starts no thread.
  if (!thread_.joinable() && after_.count() > 0 && log_) thread_ = std::thread([this] { loop(); });
}

void StatementWatch::statement_started(std::string_view sql) {
  if (!thread_.joinable()) return;
  std::lock_guard lock(mutex_);
  statement_ = one_line(sql, 160);
  statement_started_ = Clock::now();
}

void StatementWatch::step_finished() {
  std::lock_guard lock(mutex_);
  step_.clear();
}

void StatementWatch::loop() {
  // Wake often enough to report close to the thresholds, never busily.
  const auto tick = std::clamp(std::min(after_, every_) / 4, std::chrono::milliseconds(50),
                               std::chrono::milliseconds(1000));
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, tick);
    if (stopping_ || step_.empty()) continue;
    const auto now = Clock::now();
    if (now - statement_started_ < after_ || now - last_report_ < every_) continue;
    last_report_ = now;  // reported once `after` has passed, then every `every`
    const std::string step = step_, statement = statement_;
    const auto running = now - statement_started_;
    lock.unlock();
    std::string line = report(step, statement, running);
    lock.lock();
    if (step_ == step && !stopping_) log_(line);  // not once the step is over
  }
}

std::string StatementWatch::report(const std::string& step, const std::string& statement,
                                   Clock::duration running) {
  std::string line = fmt::format("Still running {}: {} since the last statement was sent{}", step,
                                 duration_text(running), statement.empty() ? "" : ": " + statement);
  if (postgresql_) line += server_report();
  return line;
}

// What pg_stat_activity says of the migrating session and of the sessions
// pg_blocking_pids() names, read on the watch's own connection.
std::string StatementWatch::server_report() {
  if (observer_failed_ || session_pid_ == 0) return "";
  try {
    if (!observer_) observer_ = connect(url_, ConnectOptions{});
    const Value pid[] = {static_cast<std::int64_t>(session_pid_)};
    Rows self = observer_->query(
        "SELECT state, wait_event_type, wait_event, "
        "extract(epoch FROM clock_timestamp() - query_start)::bigint FROM pg_stat_activity WHERE pid = ?",
        pid);
    if (self.rows.empty()) return "; the server does not list this session (behind a connection pooler?)";
    const auto& row = self.rows.front();
    const std::string none = "-";
    std::string text = fmt::format("; the server: {} for {} s", text_or(row[0], none), text_or(row[3], "0"));
    if (row[1]) text += fmt::format(", waiting for {} ({})", *row[1], text_or(row[2], none));
    Rows blockers = observer_->query(
        "SELECT pid, usename, application_name, "
        "extract(epoch FROM clock_timestamp() - xact_start)::bigint, "
        "left(regexp_replace(query, '\\s+', ' ', 'g'), 120) "
        "FROM pg_stat_activity WHERE pid = ANY (pg_blocking_pids(?)) ORDER BY pid",
        pid);
    for (const auto& b : blockers.rows) {
      text += fmt::format("; blocked by pid {} (user {}, application '{}', transaction open {} s, query: {})",
                          text_or(b[0], none), text_or(b[1], none), text_or(b[2], ""), text_or(b[3], "?"),
                          text_or(b[4], ""));
    }
    return text;
  } catch (const Error& e) {
    observer_failed_ = true;  // said once; the run goes on unwatched by the server
    return fmt::format("; the server could not be asked what it waits for: {}", e.what());
  }
}

}  // namespace retort::detail
