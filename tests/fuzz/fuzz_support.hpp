// Shared by the fuzz targets: a broken invariant or an exception of the
// wrong type is a bug, so it aborts and libFuzzer saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>
#include <typeinfo>

#include "retort/error.hpp"

namespace retort::fuzz {

[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline void require(bool condition, std::string_view what) {
  if (!condition) fail(what);
}

// Runs `call`; a rejection must be a retort::Error with a message. Returns
// whether `call` completed.
template <class Call>
bool rejects_cleanly_or_runs(std::string_view operation, Call&& call) {
  try {
    call();
    return true;
  } catch (const retort::Error& error) {
    require(std::string_view(error.what()).size() > 10, operation);
    return false;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%.*s threw %s (not a retort::Error): %s\n", static_cast<int>(operation.size()),
                 operation.data(), typeid(error).name(), error.what());
    std::abort();
  }
}

}  // namespace retort::fuzz
