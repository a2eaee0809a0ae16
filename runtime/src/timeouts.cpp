#include "timeouts.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "retort/error.hpp"

namespace retort::detail {

EffectiveTimeouts timeouts_for(const SafetyOptions& options, std::string_view revision) {
  EffectiveTimeouts out{options.lock_timeout, options.statement_timeout};
  if (auto it = options.migration_timeouts.find(revision); it != options.migration_timeouts.end()) {
    if (it->second.lock_timeout) out.lock_timeout = *it->second.lock_timeout;
    if (it->second.statement_timeout) out.statement_timeout = *it->second.statement_timeout;
  }
  return out;
}

std::string set_local_timeouts_sql(const EffectiveTimeouts& timeouts) {
  return fmt::format("SET LOCAL lock_timeout = {}; SET LOCAL statement_timeout = {}", timeouts.lock_timeout.count(),
                     timeouts.statement_timeout.count());
}

Settings timeout_settings(const EffectiveTimeouts& timeouts) {
  return {{"lock_timeout", std::to_string(timeouts.lock_timeout.count())},
          {"statement_timeout", std::to_string(timeouts.statement_timeout.count())}};
}

std::string timeout_note(const EffectiveTimeouts& timeouts, std::string_view revision,
                         std::string_view database_message) {
  if (database_message.find("lock timeout") != std::string_view::npos ||
      database_message.find("55P03") != std::string_view::npos) {
    return fmt::format(
        "\n  lock_timeout ({} ms) expired: the statement waited for a lock that another session holds (long "
        "transactions or queries on the same table). It was cancelled so that the queries queued behind it were "
        "not stalled. Retry when the table is quieter, or allow a longer wait for this revision: "
        "--migration-lock-timeout {}=30s.",
        timeouts.lock_timeout.count(), revision);
  }
  if (database_message.find("statement timeout") != std::string_view::npos) {
    return fmt::format(
        "\n  statement_timeout ({} ms) expired: the statement ran longer than allowed. Make it cheaper (batches, "
        "CONCURRENTLY), or allow more time for this revision: --migration-statement-timeout {}=10min.",
        timeouts.statement_timeout.count(), revision);
  }
  return {};
}

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view what) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double scale = unit == "ms" ? 1 : unit == "s" || unit.empty() ? 1000 : unit == "min" ? 60000 : unit == "h" ? 3600000 : -1;
  if (ec != std::errc() || text.empty() || scale < 0 || value < 0 || !std::isfinite(value)) {
    throw Error(fmt::format("{}: '{}' is not a duration; write for example 500ms, 5s, 2min or 0 (off)", what, text));
  }
  return std::chrono::milliseconds(static_cast<long long>(std::llround(value * scale)));
}

}  // namespace retort::detail
