#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "backend.hpp"

namespace retort::detail {

std::unique_ptr<Backend> connect(const DatabaseUrl& url, const ConnectOptions& options) {
  if (url.dialect == SqlDialect::sqlite) return connect_sqlite(url);

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + options.retry_for;
  auto delay = std::chrono::milliseconds(100);
  int attempts = 0;
  while (true) {
    ++attempts;
    try {
      return connect_postgresql(url);
    } catch (const TransientConnectionError& e) {
      auto now = Clock::now();
      if (now >= deadline) {
        std::string waited =
            options.retry_for.count() > 0
                ? fmt::format(" (gave up after {} attempts over {} ms)", attempts, options.retry_for.count())
                : "";
        throw ConnectionError(fmt::format(
            "{}{}\nCheck that the server is running and reachable at that address; to wait {} for a server "
            "that is still starting, {} {}.",
            e.what(), waited, options.retry_for.count() > 0 ? "longer" : "a while",
            options.retry_for.count() > 0 ? "raise" : "set", options.retry_setting));
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(delay, deadline - now));
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }
}

}  // namespace retort::detail
