// Hears of every online step and statement as it runs: the slow-statement
// watch (safety/statement_watch.hpp) and the lock trace (lint/trace.hpp).
// Listening does not change what a run does.
#pragma once

#include <string>
#include <string_view>

#include "retort/registry.hpp"

namespace retort::detail {

class StatementListener {
 public:
  virtual ~StatementListener() = default;
  // Before the step's transaction begins; `step` is its "upgrade a -> b" text.
  virtual void step_started(const Migration& migration, std::string step) = 0;
  virtual void statement_started(std::string_view sql) = 0;
  // Once it ran, or was queued to run with the next round trip (PostgreSQL
  // sends a step's first statements with its BEGIN). `line` is the line of
  // the migration source that issued it (0 when unknown).
  virtual void statement_finished(std::string_view sql, unsigned line) = 0;
  // After its commit or rollback.
  virtual void step_finished() = 0;
};

}  // namespace retort::detail
