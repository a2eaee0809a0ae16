// Says what a slow migration is doing while it runs: once a statement has
// run longer than SafetyOptions::slow_statement_after, a log line every
// slow_statement_every names the step, the statement and how long it has
// run; on PostgreSQL also what the server says it waits for and which
// sessions block it, read on a connection of the watch's own (opened only
// once something is slow; the thread starts with the first step).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "backend.hpp"
#include "migrator.hpp"
#include "statement_listener.hpp"

namespace retort::detail {

class StatementWatch final : public StatementListener {
 public:
  // `log` is called from the watch's thread; the caller serialises it with
  // its own lines (see command::upgrade). A zero `after` watches nothing.
  StatementWatch(Backend& db, std::chrono::milliseconds after, std::chrono::milliseconds every, LogFn log);
  ~StatementWatch();
  StatementWatch(const StatementWatch&) = delete;
  StatementWatch& operator=(const StatementWatch&) = delete;

  // From the migrating thread: a step begins or ends, a statement is sent.
  void step_started(const Migration& migration, std::string step) override;
  void statement_started(std::string_view sql) override;
  void statement_finished(std::string_view, unsigned) override {}
  void step_finished() override;

 private:
  using Clock = std::chrono::steady_clock;
  void loop();
  std::string report(const std::string& step, const std::string& statement, Clock::duration running);
  std::string server_report();

  const DatabaseUrl url_;
  const int session_pid_;
  const bool postgresql_;
  const std::chrono::milliseconds after_, every_;
  const LogFn log_;
  std::unique_ptr<Backend> observer_;  // PostgreSQL, opened at the first report
  bool observer_failed_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string step_;  // empty between steps
  std::string statement_;
  Clock::time_point statement_started_;
  Clock::time_point last_report_;
  std::thread thread_;  // started by the first step_started()
};

}  // namespace retort::detail
