// PostgreSQL lock_timeout / statement_timeout around each migration.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "backend.hpp"
#include "retort/safety.hpp"

namespace retort::detail {

struct EffectiveTimeouts {
  std::chrono::milliseconds lock_timeout;
  std::chrono::milliseconds statement_timeout;
};

// The run's timeouts with the revision's overrides applied.
EffectiveTimeouts timeouts_for(const SafetyOptions& options, std::string_view revision);

// `SET LOCAL lock_timeout = ...; SET LOCAL statement_timeout = ...`, for
// the start of a migration's transaction: nothing outlives the transaction
// on a pooled server connection.
std::string set_local_timeouts_sql(const EffectiveTimeouts& timeouts);
// The same for statements outside a transaction (Backend::set_outside_settings).
Settings timeout_settings(const EffectiveTimeouts& timeouts);

// When `database_message` is PostgreSQL cancelling a statement for one of the
// timeouts, a note saying which one, its value and what to do; else empty.
std::string timeout_note(const EffectiveTimeouts& timeouts, std::string_view revision,
                         std::string_view database_message);

// "5s", "500ms", "2min", "1.5s", "0" (a bare number is seconds). Throws
// retort::Error naming `what` for anything else.
std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what);

}  // namespace retort::detail
