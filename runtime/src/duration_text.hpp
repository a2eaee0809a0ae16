// How long something took, as every log line prints it ("Finished ... in
// 12 ms", "Upgraded 3 revisions in 1.4 s", "Still running ...: 2 min 05 s").
#pragma once

#include <chrono>
#include <string>

namespace retort::detail {

// "840 ms", "4.2 s" (one decimal under 10 s), "37 s", "2 min 05 s".
std::string duration_text(std::chrono::steady_clock::duration elapsed);

}  // namespace retort::detail
